"""Live OData loader with recorded responses (no network)."""

from __future__ import annotations

import pytest
from conftest import FakeSession

from analyse.data import odata, rawstore


def test_fetch_table_pages_and_titles(fake_odata_session):
    frame, meta = odata.fetch_table("85099NED", fake_odata_session)
    assert len(frame) == 8  # two pages joined via odata.nextLink
    assert any("$skip=5" in u for u in fake_odata_session.urls)
    assert set(frame["RegioS"]) == {"Nederland", "Hendrik-Ido-Ambacht"}
    assert set(frame["Perioden"]) == {"1e halfjaar 2023", "2023"}
    assert meta["url"].endswith("/85099NED/TypedDataSet")


def test_odata_gives_same_tidy_rows_as_the_file_path(fake_odata_session, region_lookup):
    frame, _ = odata.fetch_table("85099NED", fake_odata_session)
    tidy = odata.to_tidy("85099NED", frame, region_lookup)
    hia = tidy[(tidy.gemeentecode == "GM0531") & (tidy.period == "2023")].set_index("indicator_id")
    assert hia.loc["jeugdzorg_aantal", "value"] == 1110
    assert hia.loc["jeugdzorg_pct", "value"] == pytest.approx(11.4)
    assert hia.loc["jeugdzorg_pct", "status"] == "voorlopig"
    assert hia["value"].isna().sum() == 2  # null cells of in natura 2023 -> NaN
    assert set(tidy["period"]) == {"2023", "2023H1"}


def test_refresh_never_overwrites_a_different_snapshot(tmp_path, fake_odata_session):
    first, _ = odata.refresh("85099NED", tmp_path, fake_odata_session)
    again, _ = odata.refresh("85099NED", tmp_path, FakeSession())
    assert again == first and rawstore.verify(first)["sha256"]
    page = __import__("json").loads(
        (odata.Path(__file__).parent / "data/odata/85099NED_TypedDataSet_skip5.json").read_text())
    page["value"][0]["JongerenMetJeugdzorg_1"] = 1.0
    changed, _ = odata.refresh("85099NED", tmp_path, FakeSession(overrides={"TypedDataSet_skip5": page}))
    assert changed != first and changed.name.startswith("85099NED_20")
    assert rawstore.verify(first) and rawstore.verify(changed)
