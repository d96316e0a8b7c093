"""Helpers shared by the test modules: expensive things made once per test session and shared by the workers.

A test session makes at most one processed data set (:func:`build_data`) and renders one batch of reports
(:func:`render_shared_reports`); every test that needs a built data set or a rendered page reads those. Under
pytest-xdist the workers of one session share them through :func:`once_per_session` (a file lock in the folder
common to the workers): the first worker that asks makes it, the others wait and read it. What is shared is
read-only for the tests; a test that changes a report or a plan works on its own copy (:func:`copy_tree`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from analyse import paths

PYTHON = sys.executable

XSS_CODE = "GM0505"
"""The gemeente whose plan titles carry HTML/JS in the shared plans folder (output-escaping probe)."""
XSS_PLAN_FILE = "GM0505-jeugd.yml"
XSS_PLAN_TITLE = "Evaluatie <script>alert('xss-titel')</script> & \"Jeugd\""
XSS_OPGAVE_TITLE = "Zelfredzaamheid <img src=x onerror=alert('xss-opgave')> versterken"


def run_module(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python -m …`` in a subprocess with ``env`` (for tests about the process: exit codes, signals)."""
    return subprocess.run([PYTHON, "-m", *args], env=env, cwd=paths.ROOT, capture_output=True, text=True,
                          timeout=timeout)


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (relative path -> digest)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def copy_tree(src: Path, dst: Path) -> Path:
    """A private copy of a shared folder (modification times kept, so skip logic sees the same reports)."""
    shutil.copytree(src, dst, symlinks=True)
    return dst


# ------------------------------------------------------------------------------------------ once per session
def shared_root(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The folder common to all workers of this session (the base temp folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def once_per_session(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str,
                     make: Callable[[Path], None]) -> Path:
    """``<shared>/<name>``, made by ``make(path)`` once per session and shared by the xdist workers.

    The first worker that asks makes it under a file lock; the others wait and get the same folder. A skip or a
    failure while making it is recorded, so every worker skips or fails with the same reason instead of trying
    again.
    """
    shared = shared_root(tmp_path_factory, worker_id)
    target, state = shared / name, shared / f"{name}.state.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not state.exists():
            shutil.rmtree(target, ignore_errors=True)
            try:
                make(target)
            except pytest.skip.Exception as exc:
                state.write_text(json.dumps({"skip": str(exc.msg)}), encoding="utf-8")
                raise
            except (Exception, pytest.fail.Exception) as exc:
                state.write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"[-4000:]}), encoding="utf-8")
                raise
            state.write_text(json.dumps({"ok": True}), encoding="utf-8")
    recorded = json.loads(state.read_text(encoding="utf-8"))
    if "skip" in recorded:
        pytest.skip(recorded["skip"])
    if "error" in recorded:
        pytest.fail(f"{name} could not be made (in another worker of this session): {recorded['error']}")
    return target


# ------------------------------------------------------------------------------------------ data
BASELINE_NAME = "raw-baseline.json"
"""sha256 of the data dir's raw store and of the shared source dir before the session's build (beside ``data``)."""


def build_data(data: Path) -> None:
    """The committed raw files copied (seeds, transcribed CPI years; not the imported ``raw/cbs``), then
    ``python -m analyse.data build`` (imports ../shared/data into the temp raw store when present): the processed
    set of a ``make data``, in a folder of the test session."""
    (data / "raw").mkdir(parents=True)
    for committed in sorted(paths.RAW_DIR.iterdir()):
        if committed.is_dir() and committed.name != "cbs":
            shutil.copytree(committed, data / "raw" / committed.name)
    cbs = paths.cbs_dir()
    baseline = {"raw": tree_hashes(data / "raw"), "source": tree_hashes(cbs) if cbs else {}}
    (data / BASELINE_NAME).write_text(json.dumps(baseline), encoding="utf-8")
    import os  # noqa: PLC0415

    res = run_module(["analyse.data", "build"], {**os.environ, "ANALYSE_DATA_DIR": str(data)}, timeout=900)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]


def raw_baseline(data: Path) -> dict[str, dict[str, str]]:
    return json.loads((data / BASELINE_NAME).read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------ plans
def make_plans_dir(target: Path) -> Path:
    """A copy of plans/ in which one plan of :data:`XSS_CODE` carries HTML/JS in its titles (output-escaping probe).

    Raises:
        AssertionError: when the plan no longer has the lines the probe replaces (the probe would be lost).
    """
    shutil.copytree(paths.ROOT / "plans", target)
    plan = target / XSS_PLAN_FILE
    text = plan.read_text(encoding="utf-8")
    text, n_plan = re.subn(r"(?m)^titel: .*$", lambda m: f"titel: {json.dumps(XSS_PLAN_TITLE)}", text, count=1)
    text, n_opgave = re.subn(r"(?m)^    titel: .*$", lambda m: f"    titel: {json.dumps(XSS_OPGAVE_TITLE)}", text,
                             count=1)
    assert n_plan == n_opgave == 1, f"{plan.name}: no plan or opgave titel to put the probe in"
    plan.write_text(text, encoding="utf-8")
    return target


# ------------------------------------------------------------------------------------------ reports
SHARED_OK = ("GM0531", "GM0482", XSS_CODE)
"""Gemeenten of the shared batch that render on the seed figures alone (GM0531 with a plan)."""
SHARED_OK_REAL = ("GM0014",)
"""Gemeenten of the shared batch rendered only when the real CBS data (../shared/data) are present (no plan)."""
SHARED_FAILING = ("GM9999", "GM0689")
"""Gemeenten of the shared batch that fail: an unknown code and one merged before the indelingsjaar."""


@dataclass(frozen=True)
class SharedReports:
    """One batch ``python -m analyse.report -g … --jobs 2`` rendered once per session (read-only for tests)."""

    root: Path
    codes: tuple[str, ...]
    ok_codes: tuple[str, ...]
    failing: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    env: dict[str, str] = field(repr=False)

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def figures(self) -> Path:
        return self.root / "figures"

    @property
    def plans(self) -> Path:
        return self.root / "plans"

    def html(self, code: str) -> Path:
        """The rendered page of ``code`` (skips when the batch did not render it: it needs the real data)."""
        if code not in self.codes:
            pytest.skip(f"{code} is only rendered with the real CBS data (../shared/data)")
        return self.reports / code / f"{code}.html"

    def process(self) -> subprocess.CompletedProcess:
        """The batch run as a finished process (exit code, stdout, stderr)."""
        return subprocess.CompletedProcess(["analyse.report", "-g", *self.codes], self.returncode, self.stdout,
                                           self.stderr)


def render_shared_reports(root: Path, data: Path) -> None:
    """Render the shared batch into ``root`` (reports/, figures/, plans/ and run.json with the process result)."""
    import os  # noqa: PLC0415

    root.mkdir(parents=True)
    codes = shared_codes()
    env = {**os.environ, "ANALYSE_DATA_DIR": str(data), "ANALYSE_PLANS_DIR": str(make_plans_dir(root / "plans")),
           "ANALYSE_REPORTS_DIR": str(root / "reports"), "ANALYSE_FIGURES_DIR": str(root / "figures"),
           "PYTHONHASHSEED": "0"}  # the default output folders (no -o): figures go to figures/<code>
    res = run_module(["analyse.report", "-g", *codes, "--jobs", "2", "--no-progress"], env, timeout=1200)
    (root / "run.json").write_text(json.dumps({"returncode": res.returncode, "stdout": res.stdout,
                                               "stderr": res.stderr, "env": env}), encoding="utf-8")


def shared_codes() -> tuple[str, ...]:
    real = SHARED_OK_REAL if paths.cbs_dir() is not None else ()
    return SHARED_OK + real + SHARED_FAILING


def load_shared_reports(root: Path) -> SharedReports:
    run = json.loads((root / "run.json").read_text(encoding="utf-8"))
    codes = shared_codes()
    return SharedReports(root, codes, tuple(c for c in codes if c not in SHARED_FAILING), SHARED_FAILING,
                         run["returncode"], run["stdout"], run["stderr"], run["env"])


# ------------------------------------------------------------------------------------------ paths passed in
def point_paths(monkeypatch: pytest.MonkeyPatch, **env: str | Path | None) -> None:
    """Point :mod:`analyse.paths` at other folders for one test, in this process, as a new process started with the
    environment ``env`` would see them (``None`` removes a variable). Lets a test call a command's ``main(argv)``
    in-process instead of starting ``python -m …``; ``monkeypatch`` undoes it after the test."""
    import importlib.util  # noqa: PLC0415

    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, str(value))
    spec = importlib.util.find_spec("analyse.paths")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)  # a private copy of the module, evaluated against the new environment
    for name, value in vars(fresh).items():
        if name.isupper() and isinstance(value, Path):
            monkeypatch.setattr(paths, name, value)
