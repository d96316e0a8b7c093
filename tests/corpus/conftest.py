"""Shared fixtures of the bad-input corpus (issue 7).

Every test in this package is one *case*: a bad input and the behaviour it must get – a clear error that
names the problem and where it is, or a visibly marked gap. Fixture files live in ``tests/corpus/data``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from support import (  # helpers shared with the module tests (tests/support.py)
    PYTHON,
    XSS_CODE,
    XSS_OPGAVE_TITLE,
    XSS_PLAN_TITLE,
    copy_tree,
    make_plans_dir,
    raw_baseline,
    tree_hashes,
)
from support import run_module as run

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
__all__ = ["PYTHON", "XSS_CODE", "XSS_OPGAVE_TITLE", "XSS_PLAN_TITLE", "copy_tree", "raw_baseline", "run",
           "tree_hashes"]


@pytest.fixture(scope="session")
def corpus_data_dir(built_data_dir) -> Path:
    """The built data dir of the corpus: the session's one build (``built_data_dir`` in tests/conftest.py), shared
    by all workers; tests that damage data copy it first."""
    return built_data_dir


@pytest.fixture(scope="session")
def report_env(tmp_path_factory, corpus_data_dir) -> dict[str, str]:
    """Environment with the corpus data dir and this process's own plans (the shared plans with the HTML/JS probe
    in a plan of :data:`XSS_CODE`, same content, so skip logic agrees with the shared batch), reports and figures
    dirs. Skips when the report runner is absent."""
    if not (paths.PACKAGE_DIR / "report" / "runner.py").exists() or not paths.TEMPLATE_NOTEBOOK.exists():
        pytest.skip("report runner / template not committed yet")
    root = tmp_path_factory.mktemp("corpus-env")
    return {**os.environ, "ANALYSE_DATA_DIR": str(corpus_data_dir),
            "ANALYSE_PLANS_DIR": str(make_plans_dir(root / "plans")), "ANALYSE_REPORTS_DIR": str(root / "reports"),
            "ANALYSE_FIGURES_DIR": str(root / "figures"), "PYTHONHASHSEED": "0"}


@pytest.fixture(scope="session")
def rendered_report(shared_reports) -> Path:
    """The rendered page of :data:`XSS_CODE` (Dordrecht, whose plan titles carry <script>) from the session's shared
    batch, which also holds an error page, logs, the index and the workbook; read by the output-safety and plan-text
    tests."""
    html = shared_reports.html(XSS_CODE)
    assert html.exists(), shared_reports.stdout + shared_reports.stderr
    return html
