"""Shared fixtures of the bad-input corpus (issue 7).

Every test in this package is one *case*: a bad input and the behaviour it must get – a clear error that
names the problem and where it is, or a visibly marked gap. Fixture files live in ``tests/corpus/data``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from analyse import paths

CORPUS = Path(__file__).parent
DATA = CORPUS / "data"
TESTS = CORPUS.parent
if str(TESTS) not in sys.path:  # helpers of the module tests (fixture_args, real_args)
    sys.path.insert(0, str(TESTS))


def real_registry_args() -> dict | None:
    from test_gemeenten_build import real_args  # noqa: PLC0415

    return real_args()


@pytest.fixture(scope="session")
def real_registry():
    """Registry built from the real shared data (skips when ../shared/data is absent)."""
    args = real_registry_args()
    if args is None:
        pytest.skip("real CBS data (../shared/data) not available")
    from analyse.data.gemeenten_build import build_gemeenten  # noqa: PLC0415
    from analyse.gemeenten import Registry  # noqa: PLC0415

    return Registry(*build_gemeenten(**args))


@pytest.fixture(scope="session")
def fixture_registry():
    """Registry built from the tiny hand-made fixtures in tests/data/registry (always available)."""
    from test_gemeenten_build import fixture_args  # noqa: PLC0415

    from analyse.data.gemeenten_build import build_gemeenten  # noqa: PLC0415
    from analyse.gemeenten import Registry  # noqa: PLC0415

    return Registry(*build_gemeenten(**fixture_args()))


def cbs_dir_or_skip() -> Path:
    cbs = paths.cbs_dir()
    if cbs is None:
        pytest.skip("real CBS data (../shared/data) not available")
    return cbs


# ------------------------------------------------------------------------------------------ report runs
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402

PYTHON = sys.executable
RAW_BASELINE: dict[str, dict[str, str]] = {}
"""sha256 of the temp data/raw and of the shared source dir, taken before the session's build."""
XSS_PLAN_TITLE = "Evaluatie <script>alert('xss-titel')</script> & \"Ambacht\""
XSS_OPGAVE_TITLE = "Zelfredzaamheid <img src=x onerror=alert('xss-opgave')> versterken"


def run(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python -m …`` in a subprocess (paths are read at import, so a fresh process sees the env)."""
    return subprocess.run([PYTHON, "-m", *args], env=env, cwd=paths.ROOT, capture_output=True, text=True,
                          timeout=timeout)


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (relative path -> digest)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def make_plans_dir(target: Path) -> Path:
    """A copy of plans/ in which the GM0531 plan carries HTML/JS in its titles (output-escaping probe)."""
    shutil.copytree(paths.ROOT / "plans", target)
    plan = target / "GM0531-kracht-van-ambacht.yml"
    if plan.exists():
        text = plan.read_text(encoding="utf-8")
        text = text.replace("\ntitel: Eindevaluatie Preventieplan Sociaal Domein\n",
                            f"\ntitel: {json.dumps(XSS_PLAN_TITLE)}\n", 1)
        text = text.replace("    titel: Zelfredzaamheid en samenredzaamheid versterken\n",
                            f"    titel: {json.dumps(XSS_OPGAVE_TITLE)}\n", 1)
        plan.write_text(text, encoding="utf-8")
    return target


def _built_data_dir(data: Path, env: dict[str, str]) -> None:
    """Seed files copied, then a full build (imports ../shared/data into the temp raw store when present)."""
    (data / "raw").mkdir(parents=True)
    shutil.copytree(paths.SEEDS_DIR, data / "raw" / "seeds")
    cbs = paths.cbs_dir()
    RAW_BASELINE.update(raw=tree_hashes(data / "raw"), source=tree_hashes(cbs) if cbs else {})
    res = run(["analyse.data", "build"], {**env, "ANALYSE_DATA_DIR": str(data)})
    assert res.returncode == 0, res.stderr


@pytest.fixture(scope="session")
def corpus_data_dir(tmp_path_factory, worker_id) -> Path:
    """The built data dir of the corpus. Under pytest-xdist the workers of one session share one build (made by
    the first worker under a file lock; tests that damage data copy it first), so the CPU goes to the tests."""
    import fcntl

    if worker_id == "master":
        data = tmp_path_factory.mktemp("corpus-data") / "data"
        _built_data_dir(data, dict(os.environ))
        return data
    shared = tmp_path_factory.getbasetemp().parent  # one folder per session, common to its workers
    data, done = shared / "corpus-data" / "data", shared / "corpus-data.ok"
    with open(shared / "corpus-data.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(data.parent, ignore_errors=True)
            _built_data_dir(data, dict(os.environ))
            done.write_text("ok")
        elif not RAW_BASELINE:
            cbs = paths.cbs_dir()
            RAW_BASELINE.update(raw=tree_hashes(data / "raw"), source=tree_hashes(cbs) if cbs else {})
    return data


@pytest.fixture(scope="session")
def report_env(tmp_path_factory, corpus_data_dir) -> dict[str, str]:
    """Environment with the corpus data dir (seed files plus shared CBS data when present, built once) and
    temp plans/reports/figures dirs of this process. Skips when the report runner is absent."""
    if not (paths.PACKAGE_DIR / "report" / "runner.py").exists() or not paths.TEMPLATE_NOTEBOOK.exists():
        pytest.skip("report runner / template not committed yet")
    root = tmp_path_factory.mktemp("corpus-env")
    return {**os.environ, "ANALYSE_DATA_DIR": str(corpus_data_dir),
            "ANALYSE_PLANS_DIR": str(make_plans_dir(root / "plans")), "ANALYSE_REPORTS_DIR": str(root / "reports"),
            "ANALYSE_FIGURES_DIR": str(root / "figures"), "PYTHONHASHSEED": "0"}


@pytest.fixture(scope="session")
def rendered_report(report_env, tmp_path_factory) -> Path:
    """One rendered report (GM0531, the seed gemeente with a plan carrying <script>), shared by the
    output-safety and browser tests."""
    out = tmp_path_factory.mktemp("rendered")
    res = run(["analyse.report", "-g", "GM0531", "-o", str(out), "--jobs", "1", "--no-progress"], report_env)
    html = out / "GM0531" / "GM0531.html"
    assert res.returncode == 0 and html.exists(), res.stdout + res.stderr
    return html
