"""Batch runner: render the report template for many gemeenten, fast and robustly.

Design (see also :mod:`analyse.report.engine`):

1. The main process validates the parameters against the template's ``parameters`` cell
   (:func:`analyse.report.notebook.parameters_of`; unknown names fail fast), computes an input hash per gemeente
   and skips reports whose stored hash (``reports/<code>/<code>.json``) is unchanged, unless ``force``.
2. With the default engine ``direct`` the main process then imports the report modules and loads the input
   bundle once (:func:`analyse.report.direct.prepare`) and the remaining gemeenten go to ``jobs`` worker
   processes forked from it (in-process when ``jobs == 1``), which run the template's cells themselves
   (:mod:`analyse.report.direct`); a template that does not match the chapter registry, or ``--engine
   analyse-warm|nbclient``, runs on Jupyter kernels with papermill instead (one warm kernel per worker,
   :class:`~analyse.report.engine.WarmEngine`).
3. Per gemeente the worker stores the executed notebook, renders the offline HTML from the Jinja2 templates
   (:mod:`analyse.report.export`) and stores a small status JSON; every file is written atomically (temporary
   file + ``os.replace``).
4. A failure (bad code, merged gemeente, missing data, bug) becomes an error page in plain Dutch with
   the traceback in ``<code>.log`` next to it; a dead or hung kernel is restarted and the gemeente is
   tried once more. The batch always goes on, also when an error page cannot be written (disk full).
5. Each report folder is built in a hidden staging folder and published as a whole
   (:mod:`analyse.report.publish`), so two batches on one folder never mix files; no output file holds a
   local path, user or host name.
6. Workers and kernels never outlive the batch (:mod:`analyse.report.pool`); Ctrl-C or SIGTERM stops them,
   and gemeenten that never started are reported as ``niet gestart`` (a re-run picks them up).
7. The main process shows a tqdm progress bar, writes ``reports/index.html`` and ``overzicht.xlsx`` and
   returns the results; the CLI exits non-zero when any gemeente failed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from analyse import paths
from analyse._version import __version__
from analyse.errors import ParameterError
from analyse.report import write_atomic
from analyse.report.notebook import parameters_of, read_notebook, writes
from analyse.report.status import Result, load_status
from analyse.settings import REPORT_INDELINGSJAAR

log = logging.getLogger(__name__)

CODE_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
ENGINE_DIRECT = "direct"
ENGINES = (ENGINE_DIRECT, "analyse-warm", "nbclient")
"""``direct``: the template's cells run in the worker itself (:mod:`analyse.report.direct`, no kernel; the
default); ``analyse-warm``: one warm kernel per worker; ``nbclient``: a new kernel per report."""
DEFAULT_CELL_TIMEOUT = 600
STATUS_OK, STATUS_FAILED, STATUS_SKIPPED = "ok", "fout", "overgeslagen"
STATUS_NOT_STARTED, STATUS_INTERRUPTED = "niet gestart", "afgebroken"
HASH_EXCLUDED = ("output_dir",)
"""Parameters that do not change a report's content (left out of the input hash)."""


# ----------------------------------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------------------------------
def template_parameters(template: str | os.PathLike[str] = paths.TEMPLATE_NOTEBOOK) -> dict[str, dict[str, Any]]:
    """Parameters declared in the template's ``parameters`` cell (name → name/type/default/help)."""
    params = parameters_of(read_notebook(template))
    if not params:
        raise ParameterError(f"{template}: geen cel met tag 'parameters' gevonden (no 'parameters' cell)")
    return params


def _default_value(spec: dict[str, Any]) -> Any:
    import ast

    try:
        return ast.literal_eval(spec.get("default", "None"))
    except (ValueError, SyntaxError):
        return spec.get("default")


def coerce_parameter(name: str, value: Any, spec: dict[str, Any]) -> Any:
    """Convert a CLI string to the type declared in the template (``int``, ``float``, ``bool``, ``str``, list)."""
    kind = (spec.get("inferred_type_name") or "None").split("[")[0].strip()
    if not isinstance(value, str):
        return value
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            low = value.strip().lower()
            if low in {"true", "1", "ja", "yes"}:
                return True
            if low in {"false", "0", "nee", "no"}:
                return False
            raise ValueError(value)
        if kind in {"list", "dict", "tuple"}:
            import yaml

            return yaml.safe_load(value)
    except ValueError as exc:
        raise ParameterError(f"Parameter {name!r}: {value!r} is geen geldige {kind} (expected {kind})") from exc
    return value


def validate_parameters(parameters: dict[str, Any], declared: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Check names and types against the template; return the coerced parameters.

    Raises:
        ParameterError: unknown names (with the list of known ones) or values of the wrong type.
    """
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(
            f"Onbekende parameter(s) {', '.join(unknown)} voor {paths.TEMPLATE_NOTEBOOK.name}; "
            f"bekend zijn: {', '.join(declared)} (unknown parameter names)"
        )
    out = {}
    for name, value in parameters.items():
        value = coerce_parameter(name, value, declared[name])
        kind = (declared[name].get("inferred_type_name") or "None").split("[")[0].strip()
        expected = {"int": int, "float": (int, float), "str": str, "bool": bool, "list": list, "dict": dict}.get(kind)
        if expected and not isinstance(value, expected) or (kind == "int" and isinstance(value, bool)):
            raise ParameterError(f"Parameter {name!r} moet {kind} zijn, niet {type(value).__name__} ({value!r})")
        out[name] = value
    return out


# ----------------------------------------------------------------------------------------------------
# Which gemeenten
# ----------------------------------------------------------------------------------------------------
def all_gemeenten(indelingsjaar: int) -> list[str]:
    """All gemeente codes of ``indelingsjaar`` in the registry (the five seed gemeenten in the seed fallback)."""
    from analyse import gemeenten as registry

    frame = registry.load_registry()
    years = frame["indelingsjaar"].astype(int)
    codes = frame.loc[years == int(indelingsjaar), "gemeentecode"].astype(str)
    codes = sorted(c for c in codes.unique() if c.startswith("GM"))
    if not codes:
        raise ParameterError(f"Geen gemeenten gevonden voor indelingsjaar {indelingsjaar} in het gemeenteregister")
    return codes


def normalise_code(code: str | int) -> str:
    """The canonical code (``GM`` + four digits) of any accepted form: ``531``, ``GM531``, ``gm0531`` → ``GM0531``.

    Raises:
        ParameterError: not a gemeente code (a name gets a suggestion); the batch stops before any work.
    """
    from analyse.errors import UnknownGemeenteError
    from analyse.gemeenten import normalise_code as canonical

    try:
        code = canonical(code)
    except UnknownGemeenteError as exc:
        raise ParameterError(str(exc)) from None
    if not CODE_SAFE.match(code):  # pragma: no cover – canonical codes are always safe
        raise ParameterError(f"Ongeldige gemeentecode {code!r}: verwacht bijv. GM0531 (invalid code)")
    return code


# ----------------------------------------------------------------------------------------------------
# Up-to-date check
# ----------------------------------------------------------------------------------------------------
def _hash_files(files: Iterable[Path], root: Path | None = None) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        if not f.is_file():
            continue
        rel = f.relative_to(root) if root and f.is_relative_to(root) else f.name
        h.update(str(rel).encode())
        h.update(b"\0")
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        h.update(b"\1")
    return h.hexdigest()


def global_fingerprint(template: Path = paths.TEMPLATE_NOTEBOOK) -> dict[str, str]:
    """Hashes of everything all reports depend on: template, package code/config, processed data, sidecars."""
    pkg = paths.PACKAGE_DIR
    code_files = [p for p in pkg.rglob("*") if p.suffix in {".py", ".yml", ".yaml", ".css", ".j2", ".html"}
                  and "__pycache__" not in p.parts]
    processed = list(paths.PROCESSED_DIR.glob("*")) if paths.PROCESSED_DIR.is_dir() else []
    sidecars = list(paths.RAW_DIR.rglob("*.meta.yml")) if paths.RAW_DIR.is_dir() else []
    return {
        "template": _hash_files([Path(template)]),
        "package": _hash_files(code_files, pkg),
        "processed": _hash_files([p for p in processed if not p.name.startswith(".")], paths.PROCESSED_DIR),
        "sidecars": _hash_files(sidecars, paths.RAW_DIR),
        "version": __version__,
    }


def plan_files(code: str) -> list[Path]:
    """Plan files of a gemeente: the one lookup of :func:`analyse.plans.load.find_plan_files`."""
    from analyse.plans.load import find_plan_files  # noqa: PLC0415

    return find_plan_files(code, paths.PLANS_DIR)


def input_hash(code: str, parameters: dict[str, Any], fingerprint: dict[str, str]) -> str:
    """The hash that decides whether a stored report is still up to date.

    It covers the package, template and data (``fingerprint``), the parameters except the output folder, and the
    content of the gemeente's plan files (found for the canonical code, so ``531`` sees ``GM0531-*.yml``).
    """
    h = hashlib.sha256()
    h.update(json.dumps(fingerprint, sort_keys=True).encode())
    shown = {k: v for k, v in parameters.items() if k not in HASH_EXCLUDED}
    h.update(json.dumps(shown, sort_keys=True, default=str).encode())
    h.update(_hash_files(plan_files(code), paths.PLANS_DIR).encode())
    return h.hexdigest()


# ----------------------------------------------------------------------------------------------------
# Jobs and results
# ----------------------------------------------------------------------------------------------------
@dataclass
class Job:
    """One gemeente to render."""

    code: str
    parameters: dict[str, Any]
    output_root: str
    input_hash: str = ""
    engine: str = ENGINE_DIRECT
    template: str = str(paths.TEMPLATE_NOTEBOOK)
    cell_timeout: int = DEFAULT_CELL_TIMEOUT
    pdf: bool = False
    previous: str = ""
    """``rendered_at`` of the good report already in place (set by :func:`render`); a failure then leaves it."""

    @property
    def folder(self) -> Path:
        return Path(self.output_root) / self.code

    def path(self, suffix: str) -> Path:
        return self.folder / f"{self.code}{suffix}"


def is_up_to_date(job: Job) -> Result | None:
    """The stored result when the report exists, succeeded and was made from the same inputs; else ``None``."""
    stored = load_status(job.path(".json"))
    if stored and stored.status == STATUS_OK and stored.input_hash == job.input_hash and job.path(".html").is_file():
        if job.pdf and not job.path(".pdf").is_file():
            return None
        return stored
    return None


# ----------------------------------------------------------------------------------------------------
# Worker side
# ----------------------------------------------------------------------------------------------------
def _prepare_direct(year: int | None, template: str) -> None:
    """Before the first in-process report (and before forking workers, which then share it): import and load
    everything a report needs (:func:`analyse.report.direct.prepare`), parse the template and build the exporter.
    Everything alive then is frozen for the garbage collector (see :data:`analyse.report.engine.FREEZE_CODE`)."""
    import gc

    from analyse.report import direct

    direct.prepare(year)
    _prepare_worker(template)
    gc.collect()
    gc.freeze()


def _worker_init(log_level: int = logging.WARNING, prestart_year: int | None = None,
                 template: str | None = None, keep: bool = False) -> None:
    """Per-process setup: quiet logging, engine registration, kernel shutdown at exit.

    With ``prestart_year`` the worker starts its warm kernel right away and loads the processed data for that
    indelingsjaar into it (:func:`analyse.bundle.preload`), while the other workers do the same.
    With ``template`` the worker meanwhile (in a thread, while it only waits for its kernel) parses the
    template and renders a dummy page once (Jinja templates compiled, Markdown converted), so the first report
    does not pay for that.
    """
    import multiprocessing.util


    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    for name in ("papermill", "traitlets", "nbclient"):
        logging.getLogger(name).setLevel(max(log_level, logging.WARNING))
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    multiprocessing.util.Finalize(None, _shutdown_kernels, exitpriority=10)
    if not keep:  # ``keep``: the template was prepared before the fork (engine ``direct``)
        _template.cache_clear()
    prepare = None
    if template is not None:
        import threading

        prepare = threading.Thread(target=_prepare_worker, args=(template,), name="prepare", daemon=True)
        prepare.start()
    try:
        _start_warm_kernel(prestart_year)
    finally:
        if prepare is not None:
            prepare.join()


def _shutdown_kernels() -> None:
    """Stop this process's warm kernels, if it ever started one (the engine module is loaded only then)."""
    kernels = sys.modules.get("analyse.report.engine")
    if kernels is not None:
        kernels.shutdown_all()


def _prepare_worker(template: str) -> None:
    """Parse the template and render a dummy page (compiles the Jinja templates; warm-up; errors are ignored)."""
    try:
        from analyse.report import export
        from analyse.report.notebook import Node, new_code_cell, new_output

        _template(template)
        out = new_output("display_data", data={"text/html": "<p>warm-up</p>", "text/plain": "warm-up"})
        cells = [Node(cell_type="markdown", id="warm-up", metadata={}, source="## Warm-up"),
                 new_code_cell("", outputs=[out])]
        export.report_html(Node(cells=cells, metadata={}, nbformat=4, nbformat_minor=5))
    except Exception as exc:  # noqa: BLE001 – render() builds what is missing and reports real problems
        logging.getLogger(__name__).debug("worker warm-up failed: %s", exc)


def _start_warm_kernel(prestart_year: int | None) -> None:
    if prestart_year is not None:
        import papermill  # noqa: F401 – first: its engine entry point loads analyse.report.engine

        from analyse.report import engine

        try:
            engine.warm_kernel("python3", cwd=str(paths.NOTEBOOKS_DIR), preload=(
                f"try:\n    from analyse.bundle import preload\n    preload({int(prestart_year)})\n"
                "except Exception:\n    pass  # the report itself will say what is missing\n"))
        except Exception as exc:  # noqa: BLE001 – render() retries and reports a kernel that will not start
            logging.getLogger(__name__).warning("warm kernel did not start in advance: %s", exc)


@functools.lru_cache(maxsize=4)
def _template(path: str) -> Any:
    """The parsed template as plain JSON (read once per worker process; nothing changes it)."""
    return read_notebook(path)


def chapter_of(nb: Any, cell_index: int | None) -> str | None:
    """The chapter a cell belongs to, as declared in the template (cell metadata ``analyse.chapter``)."""
    try:
        cell = nb.cells[int(cell_index)]
    except (TypeError, ValueError, IndexError, AttributeError):
        return None
    return (cell.get("metadata", {}).get("analyse") or {}).get("chapter")


def _cell_error(exc: Any, nb: Any) -> Any:
    """The :class:`~analyse.report.outcome.ErrorInfo` of the failed cell: the kernel's structured record when it
    sent one, else the failed cell's ``ename``/``evalue`` with the chapter from that cell's own metadata."""
    from analyse.report.outcome import ErrorInfo, failure_of

    info = failure_of(nb) if nb is not None else None
    return info or ErrorInfo(kind=exc.ename, message=exc.evalue)


def _clear_outputs(job: Job) -> None:
    """Remove CSV/PNG files of an earlier run so no stale figure survives a changed report."""
    for f in job.folder.glob("*.csv"):
        f.unlink(missing_ok=True)
    fig_dir = paths.FIGURES_DIR / job.code
    if fig_dir.is_dir():
        for f in fig_dir.glob("*.png"):
            f.unlink(missing_ok=True)


@functools.lru_cache(maxsize=4)
def direct_problems(template: str) -> tuple[str, ...]:
    """Why ``template`` cannot run in-process (:func:`analyse.report.direct.usable`); empty: it can."""
    from analyse.report import direct

    problems = tuple(direct.usable(_template(template)))
    if problems:
        log.warning("%s past niet bij het hoofdstukregister (%s); de rapporten worden met een warme kernel gemaakt.",
                    Path(template).name, "; ".join(problems))
    return problems


def engine_of(job: Job) -> str:
    """The engine that runs ``job``: ``direct`` falls back to a warm kernel for a template it cannot run."""
    if job.engine == ENGINE_DIRECT and direct_problems(job.template):
        return "analyse-warm"
    return job.engine


def _execute_direct(job: Job) -> Any:
    """Run the template in this process (:mod:`analyse.report.direct`); the executed notebook is stored."""
    from analyse.report import direct

    nb = None
    try:
        nb = direct.execute(_template(job.template), job.parameters, input_path=job.template)
        return nb
    except direct.DirectExecutionError as exc:
        nb = exc.nb
        raise
    finally:
        if nb is not None:
            _write_notebook(job.folder / f".{job.code}.{os.getpid()}.tmp.ipynb", job, nb)


def _execute(job: Job) -> Any:
    engine_name = engine_of(job)
    if engine_name == ENGINE_DIRECT:
        return _execute_direct(job)
    import nbformat
    import papermill

    from analyse.report.engine import VenvKernelManager

    tmp = job.folder / f".{job.code}.{os.getpid()}.tmp.ipynb"  # job.folder is the staging folder
    extra: dict[str, Any] = {}
    if engine_name == "nbclient":
        extra["kernel_manager_class"] = VenvKernelManager
    nb = None
    try:
        # no copy needed: papermill serialises a NotebookNode input and parses it again (load_notebook_node),
        # so the cached template is never modified (tests/test_report_engine.py checks this)
        nb = papermill.execute_notebook(
            nbformat.from_dict(_template(job.template)), str(tmp), parameters=job.parameters,
            engine_name=engine_name, kernel_name="python3", progress_bar=False, request_save_on_cell_execute=False,
            execution_timeout=job.cell_timeout, start_timeout=60, cwd=str(paths.NOTEBOOKS_DIR), **extra,
        )
        return nb
    finally:
        if tmp.exists():  # papermill writes the notebook also on a cell error
            _write_notebook(tmp, job, nb)


def _write_notebook(tmp: Path, job: Job, nb: Any = None) -> None:
    """Store the executed notebook as ``<code>.ipynb`` without local paths (papermill keeps ``output_dir``).

    ``nb`` is the executed notebook when papermill returned it (copied, not changed); else ``tmp`` is read.
    """
    import copy

    from analyse.report.publish import sanitise_notebook

    try:
        nb = copy.deepcopy(nb) if nb is not None else read_notebook(tmp)
        write_atomic(job.path(".ipynb"), writes(sanitise_notebook(nb, job.code, job.template)))
    except Exception as exc:  # noqa: BLE001 – the notebook is a by-product; the report decides the status
        log.warning("%s: notebook not stored: %s", job.code, exc)
    finally:
        tmp.unlink(missing_ok=True)


def render(job: Job) -> Result:
    """Render one gemeente (runs in a worker process). Never raises for a per-gemeente failure.

    The report folder is built in a staging folder next to ``<output>/<code>`` and published as a whole
    (:func:`analyse.report.publish.publish_folder`). A failure to write (disk full, read-only folder) becomes a
    failed result with its explanation; when not even the error page can be published, the result says so.
    """
    from analyse.report.pool import BatchInterrupted, interrupted
    from analyse.report.publish import staging_root

    t0 = time.perf_counter()
    try:
        stage_root = staging_root(job.output_root, job.code)
    except OSError as exc:
        return _unwritable(job, exc, t0)
    params = dict(job.parameters)
    if "output_dir" in params:
        params["output_dir"] = str(stage_root)
    good = good_report(job)
    staged = replace(job, output_root=str(stage_root), parameters=params, previous=good.rendered_at if good else "")
    try:
        result = _render_in(staged)
        if interrupted():
            raise BatchInterrupted(interrupted())
        return _publish_result(staged, job, result, t0)
    finally:
        shutil.rmtree(stage_root, ignore_errors=True)


def good_report(job: Job) -> Result | None:
    """The stored result of a successful report in ``job.folder`` whose page exists (it must never be lost)."""
    stored = load_status(job.path(".json"))
    if stored and stored.status == STATUS_OK and job.path(".html").is_file():
        return stored
    return None


FAILURE_SUFFIX = "-fout"
"""A failure beside a good report is ``<code>-fout.html`` (+ ``.log``); the report itself stays."""


def _publish_result(staged: Job, job: Job, result: Result, t0: float) -> Result:
    """Publish the staged folder, except that a failure never replaces a good report: its error page and log are
    then written beside the old report (``<code>-fout.html``), which stays as it was."""
    from analyse.report.pool import signals_deferred
    from analyse.report.publish import ForeignEntryError, publish_folder

    try:
        if result.status != STATUS_OK and staged.previous and good_report(job):
            for suffix in (".html", ".log"):
                src = staged.folder / f"{job.code}{FAILURE_SUFFIX}{suffix}"
                if src.is_file():
                    write_atomic(job.folder / src.name, src.read_bytes())
            result.html = f"{job.code}/{job.code}{FAILURE_SUFFIX}.html"
            kept = f"Het vorige rapport ({staged.previous}) is bewaard: {job.code}/{job.code}.html."
            result.note = f"{result.note} {kept}".strip()
            return result
        with signals_deferred():
            publish_folder(staged.folder, job.folder)
    except ForeignEntryError as exc:
        return _foreign(job, exc, t0)
    except OSError as exc:
        failed = _unwritable(job, exc, t0)
        if result.status == STATUS_OK:
            return failed
        result.note = failed.message
    return result


def _foreign(job: Job, exc: OSError, t0: float) -> Result:
    """Result of a gemeente whose place in the output folder holds something the runner did not make."""
    from analyse.report.failures import Explanation

    why = Explanation(f"In de uitvoermap staat al ‘{job.code}’, maar dat is niet door dit programma gemaakt.",
                      "Het is een bestand, een link of een map zonder rapport; het is niet aangeraakt en het rapport "
                      "is niet geschreven.", [f"Verplaats of hernoem ‘{job.code}’, of kies met --output een andere "
                                              "map, en maak het rapport opnieuw."], "uitvoermap")
    return Result(job.code, STATUS_FAILED, indelingsjaar=job.parameters.get("indelingsjaar"),
                  seconds=round(time.perf_counter() - t0, 3), message=why.summary(), kind=why.soort, html="",
                  rendered_at=datetime.now().isoformat(timespec="seconds"), note=str(exc.strerror or ""))


def _unwritable(job: Job, exc: OSError, t0: float) -> Result:
    """Result of a gemeente whose report folder could not be written at all (nothing is published)."""
    from analyse.report.failures import explain

    why = explain(type(exc).__name__, str(exc), None, job.parameters.get("indelingsjaar"))
    return Result(job.code, STATUS_FAILED, indelingsjaar=job.parameters.get("indelingsjaar"),
                  seconds=round(time.perf_counter() - t0, 3), message=why.summary(), kind=why.soort,
                  html="", input_hash="", rendered_at=datetime.now().isoformat(timespec="seconds"),
                  note="De foutpagina kon niet worden geschreven.")


def _is_cell_error(exc: BaseException) -> bool:
    """Whether ``exc`` is papermill's error for a failed cell (papermill is imported only when a kernel ran)."""
    errors = sys.modules.get("papermill.exceptions")
    return errors is not None and isinstance(exc, errors.PapermillExecutionError)


def _render_in(job: Job) -> Result:
    """Render one gemeente into ``job.folder`` (the staging folder); never raises for a per-gemeente failure."""
    from analyse.report import export
    from analyse.report.direct import DirectExecutionError
    from analyse.report.failures import explain_error, strip_ansi
    from analyse.report.outcome import ErrorInfo
    from analyse.report.pool import BatchInterrupted, interrupted
    from analyse.report.publish import redact

    t0 = time.perf_counter()
    job.folder.mkdir(parents=True, exist_ok=True)
    try:
        _clear_outputs(job)
    except OSError:  # a read-only figures folder: the report says so when it tries to write there
        pass
    result = Result(job.code, STATUS_FAILED, indelingsjaar=job.parameters.get("indelingsjaar"),
                    input_hash=job.input_hash,
                    parameters={k: v for k, v in job.parameters.items() if k not in HASH_EXCLUDED})
    error: tuple[ErrorInfo, str] | None = None  # what failed (as data), traceback for the log
    for attempt in (1, 2):
        result.attempts = attempt
        try:
            nb = _execute(job)
            html, meta = export.report_html(nb, fallback_code=job.code)
            write_atomic(job.path(".html"), html)
            gem = meta.get("gemeente") or {}
            result.status, result.naam = STATUS_OK, gem.get("naam")
            result.indelingsjaar = gem.get("indelingsjaar", result.indelingsjaar)
            result.signals = meta.get("signals") or {}
            own = job.folder / "figures"  # figures follow a report outside reports/ (output_for)
            result.figures = _count(own if own.is_dir() else paths.FIGURES_DIR / job.code, "*.png")
            result.tables = _count(job.folder, "*.csv")
            result.html_bytes = len(html.encode("utf-8"))
            error = None
            break
        except DirectExecutionError as exc:  # a cell failed in this process: deterministic, no retry
            error = (_cell_error(exc, exc.nb), exc.traceback[0])
            break
        except Exception as exc:  # noqa: BLE001 – kernel death/timeouts/export problems
            if _is_cell_error(exc):  # a cell failed in a kernel (papermill): deterministic, no retry
                tb = strip_ansi("\n".join(exc.traceback or []))
                try:
                    partial_nb = read_notebook(job.path(".ipynb"))
                except Exception:  # noqa: BLE001 – no partial notebook: no chapter
                    partial_nb = None
                error = (_cell_error(exc, partial_nb), tb)
                break
            if interrupted():  # Ctrl-C/SIGTERM surfaced as another exception (e.g. queue.Empty in nbclient)
                raise BatchInterrupted(interrupted()) from None
            name = type(exc).__name__
            error = (ErrorInfo(kind=name, message=str(exc), bases=tuple(c.__name__ for c in type(exc).__mro__[1:]),
                               fields={k: v for k in ("errno", "filename") if (v := getattr(exc, k, None)) is not None},
                               structured=True), traceback.format_exc())
            if name in {"DeadKernelError", "CellTimeoutError", "KernelStartError", "TimeoutError", "RuntimeError"}:
                kernels = sys.modules.get("analyse.report.engine")  # only when a kernel ran
                for k in list(kernels._KERNELS.values()) if kernels else []:  # a dead or busy kernel is replaced
                    try:
                        k.restart()
                    except Exception:  # noqa: BLE001 – next attempt reports it
                        pass
                continue
            break
    result.seconds = round(time.perf_counter() - t0, 3)
    result.rendered_at = datetime.now().isoformat(timespec="seconds")
    result.html = f"{job.code}/{job.code}.html"
    if error is not None:
        info, tb = error
        naam = None
        try:  # the partial notebook knows the name when validation got that far
            partial = read_notebook(job.path(".ipynb"))
            gem = export.collect_metadata(partial).get("gemeente") or {}
            naam = gem.get("naam")
            result.indelingsjaar = gem.get("indelingsjaar", result.indelingsjaar)
        except Exception:  # noqa: BLE001
            pass
        why = explain_error(info, job.parameters.get("indelingsjaar"), plan_files(job.code), data_state())
        result.naam, result.message, result.kind = naam or known_name(job.code), why.summary(), why.soort
        result.chapter, result.error = info.chapter, {"kind": info.kind, "soort": info.soort, "fields": info.fields}
        shown = {k: v for k, v in job.parameters.items() if k not in HASH_EXCLUDED}
        log_text = redact(f"gemeente: {job.code}\nparameters: {json.dumps(shown, default=str)}\n"
                          f"onderdeel: {info.chapter}\nfout: {info.kind}: {strip_ansi(info.message)}\n\n{tb}\n")
        stem = f"{job.code}{FAILURE_SUFFIX}" if job.previous else job.code  # a good report stays: write beside it
        advies = list(why.advies) + ([f"Het vorige rapport ({job.previous}) is bewaard en blijft leesbaar: "
                                      f"{job.code}.html."] if job.previous else [])
        html = export.error_page(job.code, naam, why.kop, why.uitleg, advies, log_name=f"{stem}.log")
        result.html_bytes = len(html.encode("utf-8"))
        try:
            write_atomic(job.folder / f"{stem}.log", log_text)
            write_atomic(job.folder / f"{stem}.html", html)
        except OSError as exc:  # disk full / read-only: the batch goes on, the summary still has the reason
            result.note = f"De foutpagina kon niet worden geschreven ({redact(str(exc))})."
    elif job.pdf:
        _make_pdf(job, result)
    _write_status(job, result)
    return result


def _count(folder: Path, pattern: str) -> int:
    try:
        return sum(1 for _ in folder.glob(pattern))
    except OSError:
        return 0


def known_name(code: str) -> str | None:
    """The gemeente's name from the registry (for summaries of failures before the report knew it), or ``None``."""
    try:
        from analyse import gemeenten

        return gemeenten.name(code)
    except Exception:  # noqa: BLE001 – an unknown code has no name
        return None


def data_state() -> dict[str, Any]:
    """What the processed data of this run hold (``seed_only``, number of gemeenten), for diagnoses."""
    from analyse.data.processed import generation_info

    pinned = os.environ.get("ANALYSE_PROCESSED_DIR")  # the generation this batch reads
    try:
        return generation_info(Path(pinned) if pinned else None)
    except Exception:  # noqa: BLE001
        return {}


def _write_status(job: Job, result: Result) -> None:
    try:
        write_atomic(job.path(".json"), result.to_json())
    except OSError as exc:
        from analyse.report.publish import redact

        note = f"Statusbestand niet geschreven ({redact(str(exc))})."
        result.note = f"{result.note} {note}" if result.note else note


def _make_pdf(job: Job, result: Result) -> None:
    """Print the report to ``<code>.pdf`` with headless Chromium; a failure is a note, not a failed report."""
    from analyse.report import pdf

    try:
        pdf.html_to_pdf(job.path(".html"), job.path(".pdf"))
        result.pdf = f"{job.code}/{job.code}.pdf"
    except pdf.PdfError as exc:
        result.note = f"PDF niet gemaakt: {exc}"


# ----------------------------------------------------------------------------------------------------
# Main side
# ----------------------------------------------------------------------------------------------------
@dataclass
class BatchSummary:
    """What a batch did."""

    results: list[Result]
    seconds: float
    index: Path | None
    interrupted: int | None = None
    problems: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def ok(self) -> bool:
        return self.count(STATUS_FAILED) == 0


def plan_jobs(codes: Sequence[str], parameters: dict[str, Any] | None = None,
              output: str | os.PathLike[str] | None = None, engine: str = ENGINE_DIRECT,
              template: str | os.PathLike[str] = paths.TEMPLATE_NOTEBOOK,
              cell_timeout: int = DEFAULT_CELL_TIMEOUT, pdf: bool = False) -> list[Job]:
    """Validate parameters against the template and build one job per gemeente (no execution).

    Every code is first made canonical (:func:`normalise_code`), so ``531 GM531 GM0531`` is one job.
    """
    if engine not in ENGINES:
        raise ParameterError(f"Onbekende engine {engine!r}; kies uit {', '.join(ENGINES)}")
    declared = template_parameters(template)
    root = Path(output).expanduser().resolve() if output else paths.REPORTS_DIR
    base = dict(parameters or {})
    fingerprint = global_fingerprint(Path(template))
    jobs = []
    canonical = list(dict.fromkeys(normalise_code(raw) for raw in codes))
    for code in canonical:
        params = {**base, "gemeentecode": code}
        if "indelingsjaar" in declared and "indelingsjaar" not in params:
            params["indelingsjaar"] = _default_value(declared["indelingsjaar"])
        if "output_dir" in declared:
            params["output_dir"] = str(root)
        params = validate_parameters(params, declared)
        jobs.append(Job(code, params, str(root), input_hash(code, params, fingerprint), engine, str(template),
                        cell_timeout, pdf))
    return jobs


def run_jobs(jobs: Sequence[Job], n_jobs: int | None = None, force: bool = False, progress: bool = True,
             write_index_page: bool = True, on_result: Callable[[Result], None] | None = None) -> BatchSummary:
    """Run jobs (skipping up-to-date ones unless ``force``) and write the index page and workbook.

    Args:
        jobs: From :func:`plan_jobs`.
        n_jobs: Worker processes (default: CPU cores); 1 runs in this process.
        force: Re-render reports that are up to date.
        progress: Show a tqdm progress bar (on stderr).
        write_index_page: Write ``index.html`` and ``overzicht.xlsx`` in the output root afterwards.
        on_result: Called with every result as it arrives.

    Raises:
        OutputDirError: the output folder is a file, read-only or on a full disk (nothing was rendered).

    Ctrl-C, SIGTERM or SIGHUP stop the workers and their kernels; the summary then lists the gemeenten that
    did not finish as ``afgebroken`` and those that never started as ``niet gestart`` (``summary.interrupted``
    holds the signal number) and ``index.html`` is still written. The whole batch reads one data generation
    (:func:`pinned_generation`).
    """
    with pinned_generation():
        return _run_jobs(jobs, n_jobs, force, progress, write_index_page, on_result)


def _run_jobs(jobs: Sequence[Job], n_jobs: int | None, force: bool, progress: bool, write_index_page: bool,
              on_result: Callable[[Result], None] | None) -> BatchSummary:
    from tqdm import tqdm

    from analyse.report.pool import BatchInterrupted, interrupt_signals
    from analyse.report.publish import check_output_dir, remove_stale_staging

    t0 = time.perf_counter()
    roots = sorted({j.output_root for j in jobs})
    for root in roots:
        check_output_dir(root)
        remove_stale_staging(root)
    results: list[Result] = []
    todo: list[Job] = []
    for job in jobs:
        stored = None if force else is_up_to_date(job)
        if stored is not None:
            stored.status = STATUS_SKIPPED
            results.append(stored)
        else:
            todo.append(job)
    n_jobs = max(1, min(n_jobs or os.cpu_count() or 1, len(todo) or 1))
    bar = tqdm(total=len(jobs), initial=len(results), disable=not progress, unit="gemeente",
               desc="Rapporten", dynamic_ncols=True)
    finished: set[str] = set()
    started: set[str] = set()
    interrupted: int | None = None
    worker_pids: set[int] = set()

    def done(res: Result) -> None:
        results.append(res)
        finished.add(res.gemeentecode)
        bar.set_postfix_str(f"{res.gemeentecode} {res.status}", refresh=False)
        bar.update(1)
        if on_result:
            on_result(res)

    try:
        with interrupt_signals():
            if todo and n_jobs == 1:
                how = engine_of(todo[0])  # start the kernel and load the bundle while the template is parsed
                year = _int_or_none(todo[0].parameters.get("indelingsjaar")) or REPORT_INDELINGSJAAR
                if how == ENGINE_DIRECT:
                    _prepare_direct(year, todo[0].template)
                _worker_init(logging.getLogger().level or logging.WARNING, year if how == "analyse-warm" else None,
                             None if how == ENGINE_DIRECT else todo[0].template, keep=how == ENGINE_DIRECT)
                try:
                    for job in todo:
                        started.add(job.code)
                        done(render(job))
                finally:
                    from analyse.report.pool import interrupted as was_interrupted

                    if was_interrupted():  # the cell being run dies with its kernel: no asyncio noise about it
                        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
                    kernels = sys.modules.get("analyse.report.engine")  # loaded only when a kernel ran
                    if kernels is not None:
                        kernels.kill_all()
                        kernels.shutdown_all()
            elif todo:
                import multiprocessing

                from analyse.report.pool import WorkerPool

                # fork (Linux): workers inherit the imported papermill/nbconvert instead of importing them again
                method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
                ctx = multiprocessing.get_context(method)
                how = engine_of(todo[0])
                year = _int_or_none(todo[0].parameters.get("indelingsjaar")) or REPORT_INDELINGSJAAR
                if how == ENGINE_DIRECT and method == "fork":  # loaded once here, shared by the forked workers
                    _prepare_direct(year, todo[0].template)
                init_args = (logging.getLogger().level or logging.WARNING, year if how == "analyse-warm" else None,
                             None if how == ENGINE_DIRECT and method == "fork" else todo[0].template,
                             how == ENGINE_DIRECT and method == "fork")
                pool = WorkerPool(n_jobs, render, initializer=_worker_init, initargs=init_args, mp_context=ctx)
                try:
                    pool.run(todo, on_result=lambda i, res: done(res),
                             on_crash=lambda i, why: _worker_crash(todo[i], why))
                finally:
                    started.update(todo[i].code for i in pool.started)
                    worker_pids = set(pool.pids)
    except BatchInterrupted as exc:
        interrupted = exc.signum
        now = datetime.now().isoformat(timespec="seconds")
        for job in todo:
            if job.code in finished:
                continue
            status = STATUS_INTERRUPTED if job.code in started else STATUS_NOT_STARTED
            results.append(Result(job.code, status, indelingsjaar=job.parameters.get("indelingsjaar"),
                                  message="Afgebroken voordat het rapport klaar was." if status == STATUS_INTERRUPTED
                                  else "Niet gestart: de batch werd afgebroken.", rendered_at=now))
    finally:
        bar.close()
        for root in roots:  # staging folders of this batch's workers that were stopped midway
            try:
                remove_stale_staging(root, pids={os.getpid(), *worker_pids})
            except OSError:
                pass
    order = {j.code: i for i, j in enumerate(jobs)}
    results.sort(key=lambda r: order.get(r.gemeentecode, 0))
    index_path = None
    problems: list[str] = []
    if write_index_page and jobs:
        index_path, problems = _write_overview(Path(jobs[0].output_root), results)
    summary = BatchSummary(results, time.perf_counter() - t0, index_path)
    summary.interrupted = interrupted
    summary.problems = problems
    return summary


@contextlib.contextmanager
def pinned_generation() -> Iterator[Path]:
    """Pin the data generation of one batch: every kernel and worker started within the block reads the generation
    ``data/processed`` points at now (``ANALYSE_PROCESSED_DIR``), also when a build switches it meanwhile. The
    environment is restored afterwards."""
    old = os.environ.get("ANALYSE_PROCESSED_DIR")
    target = Path(old) if old else paths.PROCESSED_DIR.resolve()
    os.environ["ANALYSE_PROCESSED_DIR"] = str(target)
    try:
        yield target
    finally:
        if old is None:
            os.environ.pop("ANALYSE_PROCESSED_DIR", None)
        else:
            os.environ["ANALYSE_PROCESSED_DIR"] = old


def _write_overview(root: Path, results: list[Result]) -> tuple[Path | None, list[str]]:
    """Write ``index.html`` and ``overzicht.xlsx``; each failure is a Dutch line in the returned list."""
    from analyse.report.index import registry_info, write_index, write_workbook
    from analyse.report.publish import redact

    problems = []
    index_path = None
    registry = registry_info()
    try:
        index_path = write_index(root, results, registry)
    except Exception as exc:  # noqa: BLE001 – the summary must still be printed
        problems.append(f"index.html kon niet worden geschreven: {redact(str(exc))}")
    try:
        write_workbook(root, results, registry)
    except Exception as exc:  # noqa: BLE001
        problems.append(f"overzicht.xlsx kon niet worden geschreven: {redact(str(exc))}")
    return index_path, problems


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _worker_crash(job: Job, why_text: str) -> Result:
    """Result (and, when it can be written, an error page) for a gemeente whose worker process died."""
    from analyse.report import export
    from analyse.report.failures import explain
    from analyse.report.publish import staging_root

    why = explain("WorkerDied", why_text)
    res = Result(job.code, STATUS_FAILED, naam=known_name(job.code), message=why.summary(), kind=why.soort,
                 html=f"{job.code}/{job.code}.html",
                 rendered_at=datetime.now().isoformat(timespec="seconds"), input_hash="",
                 indelingsjaar=job.parameters.get("indelingsjaar"))
    stage = None
    try:
        stage = staging_root(job.output_root, job.code)
        folder = stage / job.code
        good = good_report(job)
        staged = replace(job, output_root=str(stage), previous=good.rendered_at if good else "")
        stem = f"{job.code}{FAILURE_SUFFIX}" if staged.previous else job.code
        write_atomic(folder / f"{stem}.log", f"gemeente: {job.code}\nworker process died: {why_text}\n")
        write_atomic(folder / f"{stem}.html", export.error_page(job.code, None, why.kop, why.uitleg, why.advies,
                                                                log_name=f"{stem}.log"))
        write_atomic(folder / f"{job.code}.json", res.to_json())
        res = _publish_result(staged, job, res, time.perf_counter())
    except OSError:
        res.html, res.note = "", "De foutpagina kon niet worden geschreven."
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    return res
