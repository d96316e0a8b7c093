"""Catalogue merge, preferred source, harmonisation and reference values."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analyse import indicators as ind
from analyse.data.cbs_tables import validate
from analyse.errors import DataIntegrityError, DataNotAvailableError

ENTRY = "- id: {id}\n  naam: X\n  unit: procent\n  polarity: neutraal\n  kind: share\n"


def test_catalogue_merges_files_and_rejects_duplicates(tmp_path):
    (tmp_path / "a.yml").write_text(ENTRY.format(id="x_pct"))
    (tmp_path / "b.yml").write_text(ENTRY.format(id="y_pct"))
    cat = ind.load_catalogue(tmp_path)
    assert set(cat["id"]) == {"x_pct", "y_pct"} and cat["per"].tolist() == [100.0, 100.0]
    (tmp_path / "c.yml").write_text(ENTRY.format(id="x_pct"))
    with pytest.raises(DataIntegrityError, match=r"x_pct.*a\.yml and c\.yml"):
        ind.load_catalogue(tmp_path)


@pytest.mark.parametrize("extra, problem", [
    ("  polarty: lager_beter\n", "onbekende sleutel 'polarty'; bedoelde u 'polarity'?"),
    ("  domein: sport\n", "domein: 'sport' is niet een van"),
    ("  per: -100\n", "per: verwacht number"),
    ("  tabellen: 85099NED\n", "tabellen: verwacht strlist"),
    ("  shipped: ja\n", "shipped: verwacht bool"),
])
def test_catalogue_entry_is_checked_against_its_declaration(tmp_path, extra, problem):
    (tmp_path / "a.yml").write_text(ENTRY.format(id="x_pct") + extra)
    with pytest.raises(DataIntegrityError, match=re.escape(problem)):
        ind.load_catalogue(tmp_path)


def test_catalogue_entry_problems_name_every_gap():
    from analyse.data.catalogue import entry_problems

    assert sorted(entry_problems({"id": "X-1", "naam": "", "unit": "stuks"})) == sorted([
        "verplichte sleutel 'polarity' ontbreekt", "verplichte sleutel 'kind' ontbreekt",
        "naam: verwacht str, kreeg ''", "unit: 'stuks' is niet een van aantal, procent, per_1000, eur, "
        "eur_per_inwoner, index, jaar, score", "id 'X-1': gebruik kleine letters, cijfers en '_' (snake_case)"])
    assert entry_problems({"id": "x", "naam": "X", "unit": "procent", "polarity": "neutraal", "kind": "share"}) == []


def test_real_catalogue_loads():
    cat = ind.load_catalogue()
    assert {"jeugdzorg_pct", "wmo_clienten_per_1000", "lasten_jeugd_per_inwoner"} <= set(cat["id"])
    assert cat["id"].is_unique


def test_load_indicators_missing_file_says_make_data(tmp_path):
    with pytest.raises(DataNotAvailableError, match="make data"):
        ind.load_indicators(tmp_path / "indicators.parquet")


def _rows(rows):
    base = dict(period_type="jaar", status="definitief", numerator=np.nan, denominator=np.nan)
    return validate(pd.DataFrame([{**base, **r} for r in rows]))


def test_select_preferred_newer_table_first_but_value_beats_nan():
    frame = _rows([
        dict(indicator_id="wmo_clienten_aantal", gemeentecode="GM0531", period="2018", value=1385.0, unit="aantal",
             source_table="85896NED"),
        dict(indicator_id="wmo_clienten_aantal", gemeentecode="GM0531", period="2018", value=1420.0, unit="aantal",
             source_table="83262NED"),
        dict(indicator_id="wmo_clienten_aantal", gemeentecode="GM0531", period="2017", value=np.nan, unit="aantal",
             source_table="85896NED"),
        dict(indicator_id="wmo_clienten_aantal", gemeentecode="GM0531", period="2017", value=1265.0, unit="aantal",
             source_table="83262NED"),
    ])
    got = ind.select_preferred(frame).set_index("period")
    assert got.loc["2018", "source_table"] == "85896NED"
    assert got.loc["2017", "value"] == 1265.0
    assert len(ind.series(frame, "wmo_clienten_aantal", "GM0531")) == 2


HERINDELINGEN = pd.DataFrame({"oude_code": ["GM0585", "GM0588"], "nieuwe_code": ["GM1963", "GM1963"],
                              "jaar": [2019, 2019]})


def test_harmonise_sums_numerators_and_drops_unaggregatable():
    frame = _rows([
        dict(indicator_id="jeugdzorg_pct", gemeentecode="GM0585", period="2018", value=10.0, numerator=100.0,
             denominator=1000.0, unit="procent", source_table="84134NED"),
        dict(indicator_id="jeugdzorg_pct", gemeentecode="GM0588", period="2018", value=20.0, numerator=60.0,
             denominator=300.0, unit="procent", source_table="84134NED"),
        dict(indicator_id="jeugdhulp_in_natura_pct", gemeentecode="GM0585", period="2018", value=10.0, unit="procent",
             source_table="82972NED"),
        dict(indicator_id="jeugdhulp_in_natura_pct", gemeentecode="GM0588", period="2018", value=20.0, unit="procent",
             source_table="82972NED"),
        dict(indicator_id="jeugdzorg_aantal", gemeentecode="GM0585", period="2018", value=100.0, unit="aantal",
             source_table="84134NED"),
        dict(indicator_id="jeugdzorg_aantal", gemeentecode="GM0588", period="2018", value=60.0, unit="aantal",
             source_table="84134NED"),
        dict(indicator_id="jeugdzorg_aantal", gemeentecode="GM0531", period="2018", value=905.0, unit="aantal",
             source_table="84134NED"),
    ])
    got, notes = ind.harmonise(frame, 2019, HERINDELINGEN, with_notes=True)
    hw = got[got.gemeentecode == "GM1963"].set_index("indicator_id")
    assert hw.loc["jeugdzorg_pct", "numerator"] == 160 and hw.loc["jeugdzorg_pct", "denominator"] == 1300
    assert hw.loc["jeugdzorg_pct", "value"] == pytest.approx(160 / 1300 * 100)  # not the mean 15.0
    assert hw.loc["jeugdzorg_aantal", "value"] == 160
    assert np.isnan(hw.loc["jeugdhulp_in_natura_pct", "value"]) and hw.loc["jeugdhulp_in_natura_pct", "harmonised"]
    assert notes["indicator_id"].tolist() == ["jeugdhulp_in_natura_pct"]
    assert got[got.gemeentecode == "GM0531"]["value"].tolist() == [905.0]
    assert len(frame) == 7  # input not mutated


def test_reference_value_is_ratio_of_sums_not_mean_of_percentages():
    frame = _rows([
        dict(indicator_id="jeugdzorg_pct", gemeentecode="GM0001", period="2019", value=10.0, numerator=10.0,
             denominator=100.0, unit="procent", source_table="84134NED"),
        dict(indicator_id="jeugdzorg_pct", gemeentecode="GM0002", period="2019", value=20.0, numerator=200.0,
             denominator=1000.0, unit="procent", source_table="84134NED"),
        dict(indicator_id="jeugdzorg_pct", gemeentecode="GM0003", period="2019", value=30.0, unit="procent",
             source_table="84134NED"),
    ])
    ref = ind.reference_value(frame, "jeugdzorg_pct", ["GM0001", "GM0002", "GM0003", "GM0004"], "2019")
    assert ref["value"] == pytest.approx(210 / 1100 * 100)
    assert ref["value"] != pytest.approx((10 + 20) / 2)
    assert ref["n_present"] == 2 and ref["n_missing"] == 2 and ref["missing"] == ["GM0003", "GM0004"]


def test_computed_reference_rows_only_for_complete_regions_without_published_value():
    def row(code, num, den, period="2019", value=None, status="definitief"):
        return dict(indicator_id="jeugdzorg_pct", gemeentecode=code, period=period, unit="procent",
                    source_table="84134NED", numerator=num, denominator=den, status=status,
                    value=value if value is not None else (num / den * 100 if den else np.nan))

    frame = _rows([row("GM0001", 10.0, 100.0), row("GM0002", 200.0, 1000.0, status="voorlopig"),
                   row("GM0003", 30.0, 100.0), row("GM0004", np.nan, np.nan, value=np.nan),
                   row("JZ01", np.nan, np.nan, value=12.5)])  # JZ01 published by CBS
    membership = pd.DataFrame({"reference_code": ["JZ01", "JZ01", "JZ02", "JZ02", "RG_X", "RG_X"],
                               "gemeentecode": ["GM0001", "GM0002", "GM0001", "GM0002", "GM0003", "GM0004"]})
    agg = ind.aggregate_members(frame, membership).set_index("reference_code")
    assert agg.loc["JZ02", "value"] == pytest.approx(210 / 1100 * 100)  # Σ/Σ, not (10 + 20) / 2
    assert agg.loc["JZ02", "status"] == "voorlopig"  # the least final member status
    assert agg.loc["RG_X", "n_missing"] == 1 and agg.loc["RG_X", "missing"] == "GM0004"
    rows = ind.computed_reference_rows(frame, membership)
    assert rows["gemeentecode"].tolist() == ["JZ02"]  # JZ01 is published; RG_X lacks a member
    assert rows["source_table"].iloc[0] == ind.COMPUTED_SOURCE
