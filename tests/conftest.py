"""Shared pytest fixtures: tiny hand-made CBS fixture files and a fake OData session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
