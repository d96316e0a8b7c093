"""Batch runner: render the report template for many gemeenten, fast and robustly.

Design (see also :mod:`analyse.report.engine`):

1. The main process validates the parameters against the template (``papermill.inspect_notebook``;
   unknown names fail fast), computes an input hash per gemeente and skips reports whose stored hash
   (``reports/<code>/<code>.json``) is unchanged, unless ``force``.
2. The remaining gemeenten go to ``jobs`` worker processes (forked on Linux; in-process when ``jobs == 1``).
   Each worker keeps one warm kernel (:class:`~analyse.report.engine.WarmEngine`), one parsed template
   and one nbconvert exporter for its whole life.
3. Per gemeente the worker executes the notebook with papermill, writes the executed notebook, renders
   the offline HTML in-process (:mod:`analyse.report.export`) and stores a small status JSON; every
   file is written atomically (temporary file + ``os.replace``).
4. A failure (bad code, merged gemeente, missing data, bug) becomes an error page in plain Dutch with
   the traceback in ``<code>.log`` next to it; a dead or hung kernel is restarted and the gemeente is
   tried once more. The batch always goes on.
5. The main process shows a tqdm progress bar, writes ``reports/index.html`` and returns the results;
   the CLI exits non-zero when any gemeente failed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from analyse import __version__, paths
from analyse.errors import ParameterError
from analyse.settings import REPORT_INDELINGSJAAR
from analyse.report import write_atomic

log = logging.getLogger(__name__)

CODE_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
ENGINES = ("analyse-warm", "nbclient")
DEFAULT_CELL_TIMEOUT = 600
STATUS_OK, STATUS_FAILED, STATUS_SKIPPED = "ok", "fout", "overgeslagen"


# ----------------------------------------------------------------------------------------------------
# Importing papermill
# ----------------------------------------------------------------------------------------------------
def import_papermill() -> Any:
    """``import papermill``, without the ~0.7 s that ``jsonschema`` spends on an unused format checker.

    papermill imports nbformat, whose validator imports ``jsonschema``; ``jsonschema._format`` then imports
    ``rfc3987_syntax`` when installed, which builds lark grammars at import time (0.7 of papermill's 1.0 s
    import, paid by every CLI run before the first worker can start). That module only provides the
    ``iri``/``iri-reference`` format checkers; nbformat never enables format checking (and validates with
    fastjsonschema), so the checkers are skipped here: the module is hidden while ``jsonschema._format`` is
    imported and un-hidden right after, so an explicit ``import rfc3987_syntax`` elsewhere still works.
    """
    if "jsonschema._format" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import → ImportError → skipped
        try:
            import jsonschema._format  # noqa: F401
        except ImportError:  # jsonschema absent: nbformat copes (fastjsonschema)
            pass
        finally:
            if sys.modules.get("rfc3987_syntax", 0) is None:
                del sys.modules["rfc3987_syntax"]
    import papermill

    return papermill


# ----------------------------------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------------------------------
def template_parameters(template: str | os.PathLike[str] = paths.TEMPLATE_NOTEBOOK) -> dict[str, dict[str, Any]]:
    """Parameters declared in the template's ``parameters`` cell (name → name/type/default/help)."""
    papermill = import_papermill()

    params = papermill.inspect_notebook(str(template))
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
    try:
        from analyse import gemeenten as registry

        frame = registry.load_registry()
    except ImportError:
        import pandas as pd

        path = paths.processed("gemeenten")
        if not path.exists():
            raise FileNotFoundError(f"{path} ontbreekt: voer eerst 'make data' uit (python -m analyse.data build)")
        frame = pd.read_parquet(path)
    years = frame["indelingsjaar"].astype(int)
    codes = frame.loc[years == int(indelingsjaar), "gemeentecode"].astype(str)
    codes = sorted(c for c in codes.unique() if c.startswith("GM"))
    if not codes:
        raise ParameterError(f"Geen gemeenten gevonden voor indelingsjaar {indelingsjaar} in het gemeenteregister")
    return codes


def normalise_code(code: str) -> str:
    """Upper-case a code and refuse anything that is not safe as a folder name."""
    code = str(code).strip().upper()
    if not CODE_SAFE.match(code):
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
    """The hash that decides whether a stored report is still up to date."""
    h = hashlib.sha256()
    h.update(json.dumps(fingerprint, sort_keys=True).encode())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
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
    engine: str = "analyse-warm"
    template: str = str(paths.TEMPLATE_NOTEBOOK)
    cell_timeout: int = DEFAULT_CELL_TIMEOUT

    @property
    def folder(self) -> Path:
        return Path(self.output_root) / self.code

    def path(self, suffix: str) -> Path:
        return self.folder / f"{self.code}{suffix}"


@dataclass
class Result:
    """Outcome of one gemeente (also stored as ``<code>.json`` next to the report)."""

    gemeentecode: str
    status: str
    naam: str | None = None
    indelingsjaar: int | None = None
    seconds: float = 0.0
    message: str = ""
    kind: str = ""
    html: str = ""
    html_bytes: int = 0
    figures: int = 0
    signals: dict[str, Any] = field(default_factory=dict)
    input_hash: str = ""
    rendered_at: str = ""
    attempts: int = 0
    version: str = __version__

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, default=str)


def load_status(path: Path) -> Result | None:
    """Read a stored status JSON (``None`` when absent or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {k: v for k, v in data.items() if k in Result.__dataclass_fields__}
        return Result(**known)
    except (OSError, ValueError, TypeError):
        return None


def is_up_to_date(job: Job) -> Result | None:
    """The stored result when the report exists, succeeded and was made from the same inputs; else ``None``."""
    stored = load_status(job.path(".json"))
    if stored and stored.status == STATUS_OK and stored.input_hash == job.input_hash and job.path(".html").is_file():
        return stored
    return None


# ----------------------------------------------------------------------------------------------------
# Worker side
# ----------------------------------------------------------------------------------------------------
_STATE: dict[str, Any] = {}


def _worker_init(log_level: int = logging.WARNING, prestart_year: int | None = None,
                 template: str | None = None) -> None:
    """Per-process setup: quiet logging, engine registration, kernel shutdown at exit.

    With ``prestart_year`` the worker starts its warm kernel right away and loads the processed data for that
    indelingsjaar into it (:func:`analyse.content.preload`), while the other workers do the same.
    With ``template`` the worker meanwhile (in a thread, while it only waits for its kernel) parses the
    template, builds the HTML exporter and renders a dummy page once, so the first report does not pay for
    that (~0.15 s).
    """
    import multiprocessing.util

    import_papermill()
    import analyse.report.engine as engine  # registers the warm engine with papermill

    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    for name in ("papermill", "traitlets", "nbclient"):
        logging.getLogger(name).setLevel(max(log_level, logging.WARNING))
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    multiprocessing.util.Finalize(None, engine.shutdown_all, exitpriority=10)
    _STATE.clear()
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


def _prepare_worker(template: str) -> None:
    """Parse the template, build the exporter and compile its Jinja templates (warm-up; errors are ignored)."""
    try:
        import nbformat

        from analyse.report import export

        _template(template)
        nb = nbformat.v4.new_notebook()
        out = nbformat.v4.new_output("display_data", data={"text/html": "<p>warm-up</p>", "text/plain": "warm-up"})
        nb.cells = [nbformat.v4.new_markdown_cell("## Warm-up"), nbformat.v4.new_code_cell("", outputs=[out])]
        export.report_html(nb, _exporter())
    except Exception as exc:  # noqa: BLE001 – render() builds what is missing and reports real problems
        logging.getLogger(__name__).debug("worker warm-up failed: %s", exc)


def _start_warm_kernel(prestart_year: int | None) -> None:
    import analyse.report.engine as engine

    if prestart_year is not None:
        try:
            engine.warm_kernel("python3", cwd=str(paths.NOTEBOOKS_DIR), preload=(
                f"try:\n    from analyse.content import preload\n    preload({int(prestart_year)})\n"
                "except Exception:\n    pass  # the report itself will say what is missing\n"))
        except Exception as exc:  # noqa: BLE001 – render() retries and reports a kernel that will not start
            logging.getLogger(__name__).warning("warm kernel did not start in advance: %s", exc)


def _template(path: str) -> Any:
    key = ("template", path)
    if key not in _STATE:
        import nbformat

        _STATE[key] = nbformat.read(path, as_version=4)
    return _STATE[key]


def _exporter() -> Any:
    if "exporter" not in _STATE:
        from analyse.report.export import make_exporter

        _STATE["exporter"] = make_exporter()
    return _STATE["exporter"]


def chapter_of(nb: Any, cell_index: int | None) -> str | None:
    """The chapter a cell belongs to, as declared in the template (cell metadata ``analyse.chapter``)."""
    try:
        cell = nb.cells[int(cell_index)]
    except (TypeError, ValueError, IndexError, AttributeError):
        return None
    return (cell.get("metadata", {}).get("analyse") or {}).get("chapter")


def _cell_error(exc: Any, nb: Any) -> tuple[str, str, str | None]:
    """``(ename, evalue, chapter)`` of a failed cell; a ChapterError is unwrapped to its cause and chapter."""
    from analyse.content import ChapterError

    parsed = ChapterError.parse(exc.evalue) if exc.ename == "ChapterError" else None
    if parsed:
        chapter, ename, evalue = parsed
        return ename, evalue, chapter
    return exc.ename, exc.evalue, chapter_of(nb, getattr(exc, "cell_index", None))


def _clear_outputs(job: Job) -> None:
    """Remove CSV/PNG files of an earlier run so no stale figure survives a changed report."""
    for f in job.folder.glob("*.csv"):
        f.unlink(missing_ok=True)
    fig_dir = paths.FIGURES_DIR / job.code
    if fig_dir.is_dir():
        for f in fig_dir.glob("*.png"):
            f.unlink(missing_ok=True)


def _execute(job: Job) -> Any:
    papermill = import_papermill()

    from analyse.report.engine import VenvKernelManager

    tmp = job.folder / f".{job.code}.{os.getpid()}.tmp.ipynb"
    extra: dict[str, Any] = {}
    if job.engine == "nbclient":
        extra["kernel_manager_class"] = VenvKernelManager
    try:
        # no copy needed: papermill serialises a NotebookNode input and parses it again (load_notebook_node),
        # so the cached template is never modified (tests/test_report_engine.py checks this)
        nb = papermill.execute_notebook(
            _template(job.template), str(tmp), parameters=job.parameters,
            engine_name=job.engine, kernel_name="python3", progress_bar=False, request_save_on_cell_execute=False,
            execution_timeout=job.cell_timeout, start_timeout=60, cwd=str(paths.NOTEBOOKS_DIR), **extra,
        )
        return nb
    finally:
        if tmp.exists():  # papermill writes the notebook also on a cell error
            os.replace(tmp, job.path(".ipynb"))


def render(job: Job) -> Result:
    """Render one gemeente (runs in a worker process). Never raises for a per-gemeente failure."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    from analyse.report import engine, export
    from analyse.report.failures import explain, strip_ansi

    t0 = time.perf_counter()
    job.folder.mkdir(parents=True, exist_ok=True)
    _clear_outputs(job)
    result = Result(job.code, STATUS_FAILED, indelingsjaar=job.parameters.get("indelingsjaar"),
                    input_hash=job.input_hash)
    error: tuple[str, str, str, str | None] | None = None  # ename, evalue, traceback, section
    for attempt in (1, 2):
        result.attempts = attempt
        try:
            nb = _execute(job)
            html, meta = export.report_html(nb, _exporter(), fallback_code=job.code)
            write_atomic(job.path(".html"), html)
            gem = meta.get("gemeente") or {}
            result.status, result.naam = STATUS_OK, gem.get("naam")
            result.indelingsjaar = gem.get("indelingsjaar", result.indelingsjaar)
            result.signals = meta.get("signals") or {}
            result.figures = html.count('<figure class="figuur"')
            result.html_bytes = len(html.encode("utf-8"))
            error = None
            break
        except PapermillExecutionError as exc:
            tb = strip_ansi("\n".join(exc.traceback or []))
            try:
                partial_nb = nbformat.read(job.path(".ipynb"), as_version=4)
            except Exception:  # noqa: BLE001 – no partial notebook: no chapter
                partial_nb = None
            ename, evalue, chapter = _cell_error(exc, partial_nb)
            error = (ename, evalue, tb, chapter)
            break  # a cell error is deterministic: no retry
        except Exception as exc:  # noqa: BLE001 – kernel death/timeouts/export problems
            name = type(exc).__name__
            error = (name, str(exc), traceback.format_exc(), None)
            if name in {"DeadKernelError", "CellTimeoutError", "KernelStartError", "TimeoutError", "RuntimeError"}:
                for k in list(engine._KERNELS.values()):  # a dead or busy kernel is replaced
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
        ename, evalue, tb, section = error
        naam = None
        try:  # the partial notebook knows the name when validation got that far
            partial = nbformat.read(job.path(".ipynb"), as_version=4)
            gem = export.collect_metadata(partial).get("gemeente") or {}
            naam = gem.get("naam")
            result.indelingsjaar = gem.get("indelingsjaar", result.indelingsjaar)
        except Exception:  # noqa: BLE001
            pass
        why = explain(ename, evalue, section, job.parameters.get("indelingsjaar"))
        result.naam, result.message, result.kind = naam, why.summary(), why.soort
        log_text = (f"gemeente: {job.code}\nparameters: {json.dumps(job.parameters, default=str)}\n"
                    f"onderdeel: {section}\nfout: {ename}: {strip_ansi(evalue)}\n\n{tb}\n")
        write_atomic(job.path(".log"), log_text)
        html = export.error_page(job.code, naam, why.kop, why.uitleg, why.advies, log_name=job.path(".log").name)
        write_atomic(job.path(".html"), html)
        result.html_bytes = len(html.encode("utf-8"))
    else:
        job.path(".log").unlink(missing_ok=True)
    write_atomic(job.path(".json"), result.to_json())
    return result


# ----------------------------------------------------------------------------------------------------
# Main side
# ----------------------------------------------------------------------------------------------------
@dataclass
class BatchSummary:
    """What a batch did."""

    results: list[Result]
    seconds: float
    index: Path | None

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def ok(self) -> bool:
        return self.count(STATUS_FAILED) == 0


def plan_jobs(codes: Sequence[str], parameters: dict[str, Any] | None = None,
              output: str | os.PathLike[str] | None = None, engine: str = "analyse-warm",
              template: str | os.PathLike[str] = paths.TEMPLATE_NOTEBOOK,
              cell_timeout: int = DEFAULT_CELL_TIMEOUT) -> list[Job]:
    """Validate parameters against the template and build one job per gemeente (no execution)."""
    if engine not in ENGINES:
        raise ParameterError(f"Onbekende engine {engine!r}; kies uit {', '.join(ENGINES)}")
    declared = template_parameters(template)
    root = Path(output).expanduser().resolve() if output else paths.REPORTS_DIR
    base = dict(parameters or {})
    fingerprint = global_fingerprint(Path(template))
    jobs = []
    seen = set()
    for raw in codes:
        code = normalise_code(raw)
        if code in seen:
            continue
        seen.add(code)
        params = {**base, "gemeentecode": code}
        if "indelingsjaar" in declared and "indelingsjaar" not in params:
            params["indelingsjaar"] = _default_value(declared["indelingsjaar"])
        if "output_dir" in declared:
            params["output_dir"] = str(root)
        params = validate_parameters(params, declared)
        jobs.append(Job(code, params, str(root), input_hash(code, params, fingerprint), engine, str(template),
                        cell_timeout))
    return jobs


def run_jobs(jobs: Sequence[Job], n_jobs: int | None = None, force: bool = False, progress: bool = True,
             write_index_page: bool = True, on_result: Callable[[Result], None] | None = None) -> BatchSummary:
    """Run jobs (skipping up-to-date ones unless ``force``) and write the index page.

    Args:
        jobs: From :func:`plan_jobs`.
        n_jobs: Worker processes (default: CPU cores); 1 runs in this process.
        force: Re-render reports that are up to date.
        progress: Show a tqdm progress bar (on stderr).
        write_index_page: Write ``index.html`` in the output root afterwards.
        on_result: Called with every result as it arrives.
    """
    from tqdm import tqdm

    t0 = time.perf_counter()
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

    def done(res: Result) -> None:
        results.append(res)
        bar.set_postfix_str(f"{res.gemeentecode} {res.status}", refresh=False)
        bar.update(1)
        if on_result:
            on_result(res)

    try:
        if todo and n_jobs == 1:
            _worker_init(logging.getLogger().level or logging.WARNING)
            try:
                for job in todo:
                    done(render(job))
            finally:
                from analyse.report import engine

                engine.shutdown_all()
        elif todo:
            import multiprocessing

            # fork (Linux): workers inherit the imported papermill/nbconvert instead of importing them again
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            ctx = multiprocessing.get_context(method)
            warm = todo[0].engine == "analyse-warm"
            year = _int_or_none(todo[0].parameters.get("indelingsjaar")) or REPORT_INDELINGSJAAR
            init_args = (logging.getLogger().level or logging.WARNING, year if warm else None, todo[0].template)
            with ProcessPoolExecutor(max_workers=n_jobs, mp_context=ctx, initializer=_worker_init,
                                     initargs=init_args) as pool:
                futures = {pool.submit(render, job): job for job in todo}
                for fut in as_completed(futures):
                    job = futures[fut]
                    try:
                        done(fut.result())
                    except Exception as exc:  # noqa: BLE001 – a worker process died
                        done(_worker_crash(job, exc))
    finally:
        bar.close()
    index_path = None
    if write_index_page and jobs:
        from analyse.report.index import write_index

        index_path = write_index(Path(jobs[0].output_root), results)
    order = {j.code: i for i, j in enumerate(jobs)}
    results.sort(key=lambda r: order.get(r.gemeentecode, 0))
    return BatchSummary(results, time.perf_counter() - t0, index_path)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _worker_crash(job: Job, exc: BaseException) -> Result:
    """Result (and error page) for a gemeente whose worker process died."""
    from analyse.report import export
    from analyse.report.failures import explain

    why = explain("DeadKernelError", str(exc))
    job.folder.mkdir(parents=True, exist_ok=True)
    write_atomic(job.path(".log"), f"gemeente: {job.code}\nworker process died: {exc!r}\n")
    write_atomic(job.path(".html"), export.error_page(job.code, None, why.kop, why.uitleg, why.advies,
                                                      log_name=job.path(".log").name))
    res = Result(job.code, STATUS_FAILED, message=why.summary(), kind=why.soort, html=f"{job.code}/{job.code}.html",
                 rendered_at=datetime.now().isoformat(timespec="seconds"), input_hash=job.input_hash)
    write_atomic(job.path(".json"), res.to_json())
    return res

