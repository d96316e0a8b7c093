"""Shared pytest fixtures: tiny hand-made CBS fixture files and a fake OData session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import build_data, load_shared_reports, once_per_session, render_shared_reports

TESTS_DIR = Path(__file__).resolve().parent
CBS_FIXTURES = TESTS_DIR / "data" / "cbs"
ODATA_FIXTURES = TESTS_DIR / "data" / "odata"


@pytest.fixture
def cbs_fixtures() -> Path:
    """Directory with the tiny CBS fixture files (tests/data/cbs)."""
    return CBS_FIXTURES


@pytest.fixture
def region_lookup():
    """RegionLookup built from the fixture gemeente list (2018-2019) and jeugdzorgregio names."""
    from analyse.data import regionnames

    return regionnames.build_lookup(CBS_FIXTURES / "gemeenten_per_jaar.csv",
                                    CBS_FIXTURES / "jeugdzorgregio_2016_namen.csv")


class FakeResponse:
    """Minimal stand-in for ``requests.Response``."""

    def __init__(self, payload: dict):
        self._payload = payload

    def raise_for_status(self) -> None:
        return None

    def json(self) -> dict:
        return self._payload


class FakeSession:
    """Serves the recorded OData responses in tests/data/odata; records the requested URLs."""

    def __init__(self, table: str = "85099NED", overrides: dict[str, dict] | None = None):
        self.table = table
        self.urls: list[str] = []
        self.overrides = overrides or {}

    def get(self, url: str, timeout: float | None = None) -> FakeResponse:
        self.urls.append(url)
        tail = url.split(f"/{self.table}/", 1)[1]
        name = "TypedDataSet_skip5" if tail.startswith("TypedDataSet?$skip=5") else tail
        if name in self.overrides:
            return FakeResponse(self.overrides[name])
        path = ODATA_FIXTURES / f"{self.table}_{name}.json"
        return FakeResponse(json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture
def fake_odata_session() -> FakeSession:
    """A fake ``requests.Session`` serving the recorded 85099NED responses."""
    return FakeSession()


# ------------------------------------------------------------------------------------------ made once per session
@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory, worker_id) -> Path:
    """A data folder with the processed set of ``make data`` (seed files plus ../shared/data when present), built
    once per session by ``python -m analyse.data build`` and shared by every worker. Read-only: a test that
    damages data copies it first."""
    return once_per_session(tmp_path_factory, worker_id, "shared-data", build_data)


@pytest.fixture(scope="session")
def shared_reports(tmp_path_factory, worker_id, built_data_dir):
    """One batch rendered once per session through the command line (``--jobs 2``) on ``built_data_dir``:
    Hendrik-Ido-Ambacht (plan), Alblasserdam, Dordrecht (four plans, one with HTML/JS in its titles), Groningen
    (no plan; with the real data only), an unknown code and a merged gemeente. The notebook, browser, print and
    output-safety tests read these pages; a test that reruns or edits works on a copy (``support.copy_tree``)."""
    root = once_per_session(tmp_path_factory, worker_id, "shared-reports",
                            lambda target: render_shared_reports(target, built_data_dir))
    return load_shared_reports(root)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """The session's one headless Chromium (:class:`analyse.report.printcheck.Browser`, offline), shared by the
    browser and print tests of this worker; each test module navigates it to the page it checks."""
    from analyse.report import pdf, printcheck  # noqa: PLC0415 – only the browser tests need it

    executable = pdf.chromium()
    if executable is None:
        pytest.skip("no headless browser: chromium is absent (apt-get install -y chromium)")
    with printcheck.Browser(executable, tmp_path_factory.mktemp("chromium-profiel")) as b:
        yield b


# ------------------------------------------------------------------------------------------ test layers
SLOW_FIXTURES = frozenset({"built_data_dir", "shared_reports", "browser", "corpus_data_dir", "report_env",
                           "rendered_report"})
"""A test that uses one of these runs subprocesses, kernels or a browser (or waits for them): it is ``slow``."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test that uses a session-made data set, report batch or browser as ``slow`` (before ``-m``
    selects), so the fast layer (``-m "not slow"``, ``make test-fast``) never waits for one."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    # Order of the files handed to the xdist workers (``--dist loadfile``), longest work first: one user of the shared
    # batch (the session's data build and batch start at once), then files with slow tests of their own (kernels,
    # simulations, whole reports in-process), then the other users of the session's data and batch, and last the
    # many small files of unit tests, which fill the gaps at the end. The order within a file is kept.
    kinds: dict[str, set[str]] = {}
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        kind = ("shared" if "shared_reports" in names else "session" if SLOW_FIXTURES & names
                else "slow" if item.get_closest_marker("slow") else "unit")
        kinds.setdefault(item.nodeid.split("::", 1)[0], set()).add(kind)
    starter = next((m for m, k in kinds.items() if "shared" in k), None)
    rank = {m: 0 if m == starter else 2 if k & {"shared", "session"} else 1 if "slow" in k else 3
            for m, k in kinds.items()}
    items.sort(key=lambda item: rank[item.nodeid.split("::", 1)[0]])


FOREIGN_PROGRAMS = ("python", "chromium", "chrome", "jupyter", "ipykernel")
_REAL_EXECUTE_CHILD = subprocess.Popen._execute_child  # type: ignore[attr-defined]


def _refuse_foreign_programs(self, args, executable, *rest, **kwargs):
    """``Popen._execute_child`` for tests outside the ``slow`` layer: refuses Python, a kernel or a browser."""
    argv = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
    program = os.fsdecode(executable or argv[0]) if argv else ""
    if Path(program).name.startswith(FOREIGN_PROGRAMS) or program == sys.executable:
        raise AssertionError(
            f"this test starts {Path(program).name!r} in a subprocess: mark it @pytest.mark.slow (the fast layer "
            "starts no Python process, kernel or browser; see tests/conftest.py)")
    return _REAL_EXECUTE_CHILD(self, args, executable, *rest, **kwargs)


@pytest.fixture(autouse=True)
def _fast_layer_has_no_processes(request, monkeypatch):
    """Tests outside the ``slow`` layer may not start Python processes, kernels or a browser (git and other small
    programs are allowed): a new test that does fails here and names the marker it needs. The check sits in
    ``Popen`` itself, so it also sees libraries that imported ``Popen`` before the test."""
    if request.node.get_closest_marker("slow") is None:
        monkeypatch.setattr(subprocess.Popen, "_execute_child", _refuse_foreign_programs)
