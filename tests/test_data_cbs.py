"""Readers of the CBS tables: periods, names -> codes, suppressed cells, integrity checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyse.data import cbs_tables, regionnames
from analyse.errors import DataIntegrityError


def test_parse_periods_labels_and_odata_codes():
    labels = pd.Series(["1e halfjaar 2015", "2e halfjaar 2015", "1e half jaar 2024", "2015", "1e kwartaal 2015",
                        "2023JJ00", "2023HJ01", "2023KW04", "2018-12-31"])
    got = cbs_tables.parse_periods(labels)
    assert got["period"].tolist() == ["2015H1", "2015H2", "2024H1", "2015", "2015Q1", "2023", "2023H1",
                                      "2023Q4", "2018-12-31"]
    assert got["period_type"].tolist() == ["halfjaar", "halfjaar", "halfjaar", "jaar", "kwartaal", "jaar",
                                           "halfjaar", "kwartaal", "peildatum"]


def test_parse_periods_unknown_label_fails():
    with pytest.raises(DataIntegrityError, match="unknown period"):
        cbs_tables.parse_periods(pd.Series(["zomer 2019"]))


def test_peildatum_from_column():
    pattern = r"^PersonenMetBijstand(\d{8})_\d+$"
    assert cbs_tables.peildatum_from_column("PersonenMetBijstand31122018_26", pattern) == "2018-12-31"


def test_suppressed_cells_are_nan_not_zero():
    got = cbs_tables.to_number(pd.Series(["", ".", "x", "-", "0", "12.5"]))
    assert got.isna().tolist() == [True, True, True, True, False, False]
    assert got.iloc[4] == 0.0
    with pytest.raises(DataIntegrityError, match="non-numeric"):
        cbs_tables.to_number(pd.Series(["12,5a"]), "f.csv column c")


def test_map_names_gemeenten_regions_and_suffixes(region_lookup):
    names = pd.Series(["Hendrik-Ido-Ambacht", "'s-Gravenhage (gemeente)", "Bergen (NH.)", "Nederland",
                       "Zuid-Holland Zuid (JZ)", "Rijk van Nijmegen (JZ)", "Zuid-Holland (PV)", "Fryslân (PV)",
                       "Minder dan 20 000 inwoners", "Noord-Nederland (LD)", "Binnenmaas"])
    years = pd.Series([2019] * 10 + [2019])
    got = regionnames.map_names(names, years, region_lookup, "T1")
    assert got.tolist()[:9] == ["GM0531", "GM0518", "GM0373", "NL01", "JZ31", "JZ32", "PV28", "PV21", "GK1"]
    assert pd.isna(got.iloc[9])  # landsdeel: deliberately ignored
    assert got.iloc[10] == "GM0585"  # dissolved in 2019: nearest year with the name


def test_map_names_unknown_name_fails_loudly(region_lookup):
    with pytest.raises(DataIntegrityError, match=r"T9.*'Atlantis' \(2019\)"):
        regionnames.map_names(pd.Series(["Atlantis"]), pd.Series([2019]), region_lookup, "T9")


def test_ignore_list_is_only_landsdelen():
    assert regionnames.IGNORED and all(n.endswith(" (LD)") for n in regionnames.IGNORED)


def test_crosscheck_detects_wrong_code_and_garbled_names(region_lookup):
    ok = regionnames.crosscheck(pd.Series(["Hendrik-Ido-Ambacht", "Bergen (NH?)"]), pd.Series(["GM0531", "GM0373"]),
                                pd.Series([2019, 2019]), region_lookup, "84908NED")
    assert ok == 2
    with pytest.raises(DataIntegrityError, match="cross-check"):
        regionnames.crosscheck(pd.Series(["Hendrik-Ido-Ambacht"]), pd.Series(["GM0999"]), pd.Series([2019]),
                               region_lookup, "84908NED")


def test_read_table_fixture(cbs_fixtures, region_lookup):
    tidy = cbs_tables.read_table("84134NED", cbs_fixtures / "84134NED.csv", region_lookup)
    assert list(tidy.columns) == list(cbs_tables.COLUMNS)
    hia = tidy[(tidy.gemeentecode == "GM0531") & (tidy.period == "2019")].set_index("indicator_id")
    assert hia.loc["jeugdzorg_aantal", "value"] == 970
    assert hia.loc["jeugdzorg_pct", "value"] == pytest.approx(10.4)
    assert hia.loc["jeugdzorg_pct", "numerator"] == 970
    assert hia.loc["jeugdzorg_pct", "denominator"] == pytest.approx(970 / 0.104)  # derived from rounded figures
    assert hia.loc["jeugdzorg_pct", "rounded"] and not hia.loc["jeugdzorg_aantal", "rounded"]
    assert set(tidy["status"]) == {"definitief"}
    # suppressed ".", "x" and empty cells -> NaN, never 0; landsdeel dropped
    den_haag = tidy[tidy.gemeentecode == "GM0518"]
    assert len(den_haag) == 4 and den_haag["value"].isna().all()
    assert tidy[(tidy.gemeentecode == "GM0373") & (tidy.period == "2019H1")]["value"].isna().all()
    assert not tidy["gemeentecode"].str.startswith("LD").any()
    assert "jeugdzorg_in_natura_aantal" not in set(tidy.indicator_id)  # not registered for 84134NED


def test_missing_column_names_file_and_column(cbs_fixtures, region_lookup, tmp_path):
    frame = pd.read_csv(cbs_fixtures / "84134NED.csv", sep=";", dtype=str, encoding="utf-8-sig")
    bad = tmp_path / "84134NED.csv"
    frame.drop(columns=["JongerenMetJeugdzorgRelatief_2"]).to_csv(bad, sep=";", index=False)
    with pytest.raises(DataIntegrityError, match=r"84134NED\.csv.*JongerenMetJeugdzorgRelatief_2"):
        cbs_tables.read_table("84134NED", bad, region_lookup)


def test_truncated_last_line_fails(cbs_fixtures, region_lookup, tmp_path):
    bad = tmp_path / "84134NED.csv"
    text = (cbs_fixtures / "84134NED.csv").read_text(encoding="utf-8-sig")
    bad.write_text(text.rstrip("\n")[:-12], encoding="utf-8")
    with pytest.raises(DataIntegrityError, match="truncated"):
        cbs_tables.read_table("84134NED", bad, region_lookup)


def test_gap_in_ids_fails(cbs_fixtures, region_lookup, tmp_path):
    lines = (cbs_fixtures / "84134NED.csv").read_text(encoding="utf-8-sig").splitlines()
    bad = tmp_path / "84134NED.csv"
    bad.write_text("\n".join(lines[:5] + lines[3:4] + lines[5:]) + "\n", encoding="utf-8")
    with pytest.raises(DataIntegrityError, match="ID column"):
        cbs_tables.read_table("84134NED", bad, region_lookup)


def test_truncated_category_is_refused(cbs_fixtures, region_lookup):
    registry = {**cbs_tables.load_registry(), "truncation_limit": 15}
    registry["indicators"] = {"jeugdzorg_in_natura_aantal": [
        {"table": "84134NED", "filter": {"VormenVanJeugdzorg": "JZ Totaal jeugdzorg in natura"},
         "value": "JongerenMetJeugdzorg_1"}]}
    with pytest.raises(DataIntegrityError, match="cut off|incomplete"):
        cbs_tables.read_table("84134NED", cbs_fixtures / "84134NED.csv", region_lookup, registry=registry)


def test_duplicate_keys_negative_counts_and_numerator_above_denominator():
    row = dict(indicator_id="jeugdzorg_pct", gemeentecode="GM0531", period="2019", period_type="jaar", value=10.0,
               numerator=10.0, denominator=100.0, unit="procent", status="definitief", source_table="84134NED")
    with pytest.raises(DataIntegrityError, match="duplicate"):
        cbs_tables.validate(pd.DataFrame([row, row]))
    with pytest.raises(DataIntegrityError, match="negative"):
        cbs_tables.validate(pd.DataFrame([{**row, "value": -1.0}]))
    with pytest.raises(DataIntegrityError, match="numerator > denominator"):
        cbs_tables.validate(pd.DataFrame([{**row, "numerator": 200.0}]))


def test_derive_per_inwoners_uses_next_january():
    base = dict(period_type="peildatum", numerator=np.nan, denominator=np.nan, status="onbekend")
    frame = cbs_tables.validate(pd.DataFrame([
        {**base, "indicator_id": "bijstand_personen_aantal", "gemeentecode": "GM0531", "period": "2018-12-31",
         "value": 400.0, "unit": "aantal", "source_table": "84590NED"},
        {**base, "indicator_id": "inwoners", "gemeentecode": "GM0531", "period": "2019", "period_type": "jaar",
         "value": 40000.0, "unit": "aantal", "source_table": "iv3-inwoners"},
    ]))
    got = cbs_tables.derive_per_inwoners(frame, "bijstand_personen_aantal", "bijstand_tot_aow_per_1000")
    assert got["value"].tolist() == [10.0] and got["denominator"].tolist() == [40000.0]


def test_every_registry_indicator_is_in_the_catalogue():
    from analyse.data.catalogue import load_catalogue

    ids = set(load_catalogue()["id"])
    assert set(cbs_tables.load_registry()["indicators"]) <= ids


def test_registry_source_options_for_rounding_and_real_denominators():
    reg = cbs_tables.load_registry()
    wmo = reg["indicators"]["wmo_clienten_per_1000"]
    assert all(src.get("denominator_from") == "inwoners" for src in wmo if src.get("denominator") == "derive")
    kwb_share = reg["indicators"]["jeugdzorg_in_natura_pct"]
    assert any(src.get("rounded") for src in kwb_share if src.get("table") == "kwb-pdok-2022")
    # bijstand 2023-2025 (85383NED) are own indicators, never an extra source of the 2014-2021 series
    old_series = reg["indicators"]["bijstand_personen_aantal"]
    assert all("85383NED" not in cbs_tables._source_tables(src) for src in old_series)
    assert reg["indicators"]["bijstandsuitkeringen_per_1000"][0]["table"] == "85383NED"


def test_value_derived_from_numerator_and_denominator_columns():
    registry = {"truncation_limit": 10_000,
                "tables": {"T85383": {"file": "x.csv", "region": {"column": "Regiocode", "kind": "codes"},
                                      "period": {"column": "Perioden"},
                                      "status": {"rule": "fixed", "value": "definitief"}}},
                "indicators": {"bijstandsuitkeringen_per_1000": [
                    {"table": "T85383", "value": "derive", "numerator": "Uitk_22", "denominator": "Inw_1"}]}}
    catalogue = pd.DataFrame({"id": ["bijstandsuitkeringen_per_1000"], "unit": ["per_1000"], "per": [1000.0]})
    frame = pd.DataFrame({"Regiocode": ["GM0014", "GM0014"], "Perioden": ["2023", "2024"], "Uitk_22": ["", "9490.0"],
                          "Inw_1": ["238147.0", "243768.0"]})
    got = cbs_tables.tidy_from_frame(frame, "T85383", None, catalogue, registry).set_index("period")
    assert got.loc["2024", "value"] == pytest.approx(9490 / 243768 * 1000)
    assert pd.isna(got.loc["2023", "value"])  # a suppressed count stays NaN, never 0
    assert not got["rounded"].any()  # real counts, nothing derived from a rounded rate


def test_series_keys_tables_of_one_entry_are_one_series_and_derived_rates_follow_their_count():
    from analyse.data.cbs_tables import DERIVED_RATES, series_keys

    count, rate = DERIVED_RATES[0]
    registry = {"tables": {}, "indicators": {
        "a_pct": [{"tables": ["T1", "T2"], "value": "A"}, {"table": "T3", "value": "B"}],
        count: [{"tables": ["K1", "K2"], "value": "P", "series": "per_table"}]}}
    keys = series_keys(registry).set_index(["indicator_id", "source_table"])["series"]
    assert keys["a_pct", "T1"] == keys["a_pct", "T2"] != keys["a_pct", "T3"]  # another column: a break
    assert keys[count, "K1"] != keys[count, "K2"]  # every edition its own series
    assert keys[rate, "K1"] != keys[rate, "K2"] and (rate, "K1") in keys.index  # the rate inherits the count's rule


def test_derived_rate_of_a_continuous_count_is_one_series():
    from analyse.data.cbs_tables import DERIVED_RATES, series_keys

    count, rate = DERIVED_RATES[0]
    keys = series_keys({"tables": {}, "indicators": {count: [{"tables": ["K1", "K2"], "value": "P"}]}})
    keys = keys.set_index(["indicator_id", "source_table"])["series"]
    assert keys[rate, "K1"] == keys[rate, "K2"] != keys[count, "K1"]
