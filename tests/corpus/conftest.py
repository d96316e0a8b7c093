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
