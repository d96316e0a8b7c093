"""Derived tables (analyse.data.derive): preferred rows, harmonisation without lost values, regions, denominators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyse.data import derive
from analyse.data.contract import COLUMNS, validate

# Groningen (GM0014) took over Haren (GM0017) and Ten Boer (GM0009) on 1 January 2019 and kept its code.
HER = pd.DataFrame({"oude_code": ["GM0009", "GM0017"], "nieuwe_code": ["GM0014", "GM0014"], "jaar": [2019, 2019]})
GEM = pd.DataFrame({"gemeentecode": ["GM0014", "GM0017", "GM0009", "GM0014"],
                    "indelingsjaar": [2018, 2018, 2018, 2019]})


def _rows(rows):
    base = dict(period_type="jaar", status="definitief", numerator=np.nan, denominator=np.nan,
                indicator_id="jeugdzorg_pct", unit="procent", source_table="84134NED")
    return validate(pd.DataFrame([{**base, **r} for r in rows]))


def _pct(code, period, num, den, **kw):
    value = np.nan if num is None else num / den * 100
    return dict(gemeentecode=code, period=period, value=value, numerator=num, denominator=den, **kw)


def test_own_row_wins_over_empty_rows_of_dissolved_codes():
    # 2019: CBS publishes Groningen and empty rows for Haren/Ten Boer (they no longer exist) -> keep Groningen.
    frame = _rows([_pct("GM0014", "2019", 4925.0, 65666.0), _pct("GM0017", "2019", None, None),
                   _pct("GM0009", "2019", None, None)])
    got, notes = derive.harmonise(frame, 2024, HER, with_notes=True, gemeenten=GEM)
    assert got["gemeentecode"].tolist() == ["GM0014"]
    assert got["value"].iloc[0] == pytest.approx(4925 / 65666 * 100)
    assert notes.empty
    assert derive.lost_published_values(frame, got, HER, 2024).empty


def test_old_group_sum_rule_lost_the_value():
    """Regression: the former min_count=len(s) sum voided the group, which lost_published_values detects."""
    frame = _rows([_pct("GM0014", "2019", 4925.0, 65666.0), _pct("GM0017", "2019", None, None)])
    lost = derive.lost_published_values(frame, frame.iloc[0:0], HER, 2024)
    assert lost[["gemeentecode", "period"]].values.tolist() == [["GM0014", "2019"]]


def test_before_merger_members_with_values_are_reaggregated():
    frame = _rows([_pct("GM0014", "2018", 4000.0, 50000.0), _pct("GM0017", "2018", 500.0, 4000.0),
                   _pct("GM0009", "2018", 200.0, 1500.0)])
    got = derive.harmonise(frame, 2024, HER, gemeenten=GEM)
    row = got.set_index("gemeentecode").loc["GM0014"]
    assert row["numerator"] == 4700 and row["denominator"] == 55500
    assert row["value"] == pytest.approx(4700 / 55500 * 100)  # Σ/Σ, not a mean of percentages


def _gap(got):
    return len(got) == 1 and got["value"].isna().all() and got["harmonised"].all()


def test_before_merger_a_missing_member_makes_a_marked_gap_with_a_note():
    frame = _rows([_pct("GM0014", "2018", 4000.0, 50000.0), _pct("GM0017", "2018", 500.0, 4000.0),
                   _pct("GM0009", "2018", None, None)])  # Ten Boer suppressed
    got, notes = derive.harmonise(frame, 2024, HER, with_notes=True, gemeenten=GEM)
    assert _gap(got) and got["gemeentecode"].tolist() == ["GM0014"]
    assert notes["reason"].tolist() == ["niet alle voorgangers met een waarde"]
    # Without Groningen itself (it existed in 2018 according to GEM) the sum is partial as well
    frame2 = _rows([_pct("GM0017", "2018", 500.0, 4000.0), _pct("GM0009", "2018", 200.0, 1500.0)])
    assert _gap(derive.harmonise(frame2, 2024, HER, gemeenten=GEM))


def test_a_published_figure_lacking_a_suppressed_predecessor_is_a_gap_not_a_partial_sum():
    """Issue 17: Groningen's own 2018 value without (suppressed) Haren and Ten Boer is not Groningen-2024."""
    frame = _rows([_pct("GM0014", "2017", 4000.0, 50000.0), _pct("GM0017", "2017", None, None),
                   _pct("GM0009", "2017", None, None), _pct("GM0017", "2018", 500.0, 4000.0),
                   _pct("GM0009", "2018", 200.0, 1500.0), _pct("GM0014", "2018", 4000.0, 50000.0),
                   _pct("GM0014", "2019", 4925.0, 65666.0), _pct("GM0017", "2019", None, None)])
    gem = pd.concat([GEM, GEM[GEM["indelingsjaar"] == 2018].assign(indelingsjaar=2017)])
    got, notes = derive.harmonise(frame, 2024, HER, with_notes=True, gemeenten=gem)
    got = got.set_index("period")
    assert np.isnan(got.loc["2017", "value"]) and got.loc["2017", "harmonised"]
    assert got.loc["2018", "numerator"] == 4700 and got.loc["2018", "harmonised"]
    # Haren's empty 2019 row lies after its last value: the placeholder of a dissolved code, not a suppression
    assert got.loc["2019", "value"] == pytest.approx(4925 / 65666 * 100) and not got.loc["2019", "harmonised"]
    assert notes["reason"].tolist() == ["niet alle voorgangers met een waarde"]
    # the build check counts the noted gap as accounted for, not as a lost published value
    assert derive.lost_published_values(frame, got.reset_index(), HER, 2024).empty
    # a predecessor without any row (a table published in the new indeling) is no evidence of a gap
    only = _rows([_pct("GM0014", "2018", 4000.0, 50000.0)])
    kept = derive.harmonise(only, 2024, HER, gemeenten=GEM)
    assert kept["value"].notna().all() and not kept["harmonised"].any()


def test_a_new_code_before_its_creation_needs_only_the_predecessors():
    her = pd.DataFrame({"oude_code": ["GM0015", "GM0022"], "nieuwe_code": ["GM1969", "GM1969"], "jaar": [2019, 2019]})
    frame = _rows([_pct("GM0015", "2018", 10.0, 100.0), _pct("GM0022", "2018", 30.0, 300.0),
                   _pct("GM1969", "2018", None, None), _pct("GM1969", "2019", 45.0, 420.0)])
    gem = pd.DataFrame({"gemeentecode": ["GM0015", "GM0022", "GM1969"], "indelingsjaar": [2018, 2018, 2019]})
    got = derive.harmonise(frame, 2024, her, gemeenten=gem).set_index("period")
    assert got.loc["2018", "numerator"] == 40 and got.loc["2019", "numerator"] == 45
    assert got["harmonised"].tolist() == [True, False]
    # without gemeenten the empty 2018 row of GM1969 counts as "it existed": a gap, never a guess
    guess = derive.harmonise(frame, 2024, her).set_index("period")
    assert np.isnan(guess.loc["2018", "value"]) and guess.loc["2018", "harmonised"]
    assert derive.harmonise(frame[frame["gemeentecode"] != "GM1969"], 2024, her)["numerator"].tolist() == [40.0]


def test_without_gemeenten_a_predecessor_alone_never_stands_for_its_successor():
    """Real case: Amsterdam's Wmo 2015 is empty, Weesp's is not; 1.065 (Weesp alone) is not Amsterdam."""
    her = pd.DataFrame({"oude_code": ["GM0457"], "nieuwe_code": ["GM0363"], "jaar": [2023]})
    rows = [dict(indicator_id="wmo_clienten_aantal", unit="aantal", source_table="83262NED", gemeentecode=c,
                 period="2015", value=v) for c, v in (("GM0363", np.nan), ("GM0457", 1065.0))]
    got, notes = derive.harmonise(_rows(rows), 2024, her, with_notes=True)
    assert got["value"].isna().all() or got.empty
    assert notes["reason"].tolist() == ["niet alle voorgangers met een waarde"]


def test_ratio_without_numerator_is_dropped_not_averaged():
    frame = _rows([dict(gemeentecode="GM0014", period="2018", value=10.0),
                   dict(gemeentecode="GM0017", period="2018", value=20.0),
                   dict(gemeentecode="GM0009", period="2018", value=30.0)])
    got, notes = derive.harmonise(frame, 2024, HER, with_notes=True, gemeenten=GEM)
    assert _gap(got) and notes["reason"].tolist() == ["geen teller/noemer om opnieuw te aggregeren"]


def test_select_preferred_does_not_depend_on_input_order():
    rows = [dict(indicator_id="wmo_clienten_per_1000", gemeentecode="NL01", period="2019", value=v, unit="per_1000",
                 source_table=t) for v, t in ((68.0, "83262NED"), (67.0, "85896NED"))]
    for order in (rows, rows[::-1]):
        got = derive.select_preferred(_rows(order))
        assert got["source_table"].tolist() == ["85896NED"] and got["value"].tolist() == [67.0]


def test_harmonise_applies_the_table_preference():
    rows = [dict(indicator_id="wmo_clienten_aantal", gemeentecode="GM0014", period="2019", value=v, unit="aantal",
                 source_table=t) for v, t in ((1420.0, "83262NED"), (1385.0, "85896NED"))]
    got = derive.harmonise(_rows(rows), 2024, HER)
    assert got["value"].tolist() == [1385.0] and got["source_table"].tolist() == ["85896NED"]


def test_real_denominators_replace_derived_ones():
    frame = _rows([
        dict(indicator_id="wmo_clienten_per_1000", gemeentecode="GM0001", period="2019", value=59.0,
             numerator=1915.0, denominator=1915 / 0.059, unit="per_1000", source_table="85896NED", rounded=True),
        dict(indicator_id="wmo_clienten_per_1000", gemeentecode="GM0002", period="2019", value=60.0,
             numerator=600.0, denominator=10000.0, unit="per_1000", source_table="85896NED", rounded=True),
        dict(indicator_id="inwoners", gemeentecode="GM0001", period="2019", value=32183.0, unit="aantal",
             source_table="iv3-inwoners"),
    ])
    got = derive.real_denominators(frame).set_index(["indicator_id", "gemeentecode"])
    assert got.loc[("wmo_clienten_per_1000", "GM0001"), "denominator"] == 32183.0
    assert not got.loc[("wmo_clienten_per_1000", "GM0001"), "rounded"]
    assert got.loc[("wmo_clienten_per_1000", "GM0002"), "rounded"]  # no inwoners: derived, still flagged
    assert got.loc[("wmo_clienten_per_1000", "GM0001"), "value"] == 59.0  # the published value stays
    assert frame.loc[0, "denominator"] == pytest.approx(1915 / 0.059)  # input not mutated


def test_region_membership_table():
    gem = pd.DataFrame({"gemeentecode": ["GM0531", "GM0505", "GM0531"], "indelingsjaar": [2024, 2024, 2023],
                        "jeugdzorgregio_code": ["JZ31", "JZ31", "JZ31"],
                        "jeugdzorgregio_naam": ["Zuid-Holland Zuid"] * 3,
                        "provincie_code": ["PV28", "PV28", "PV28"], "provincie_naam": ["Zuid-Holland"] * 3})
    got = derive.region_membership_table(gem, 2024)
    assert got.columns.tolist() == ["role", "region_code", "region_naam", "gemeentecode"]
    assert set(got["role"]) == {"jeugdzorgregio", "provincie", "nederland"}
    jz = got[got["role"] == "jeugdzorgregio"]
    assert jz["gemeentecode"].tolist() == ["GM0505", "GM0531"] and jz["region_naam"].iloc[0] == "Zuid-Holland Zuid"
    pairs = derive.region_membership(gem, 2024)
    assert len(pairs) == 6 and list(pairs.columns) == ["reference_code", "gemeentecode"]


def test_aggregate_members_names_missing_members():
    frame = _rows([_pct("GM0001", "2019", 10.0, 100.0), _pct("GM0002", "2019", None, None)])
    link = pd.DataFrame({"reference_code": ["R1", "R1", "R2"], "gemeentecode": ["GM0001", "GM0002", "GM0001"]})
    agg = derive.aggregate_members(frame, link).set_index("reference_code")
    assert agg.loc["R1", "missing"] == "GM0002" and agg.loc["R2", "missing"] == ""
    assert agg.loc["R1", "n_missing"] == 1 and agg.loc["R2", "value"] == pytest.approx(10.0)


def test_contract_fills_rounded_and_keeps_column_order():
    frame = _rows([_pct("GM0001", "2019", 10.0, 100.0)])
    assert list(frame.columns) == list(COLUMNS) and frame["rounded"].tolist() == [False]


def test_national_totals_only_for_complete_years():
    pop = _rows([dict(indicator_id="inwoners", unit="aantal", source_table="iv3-inwoners", gemeentecode=c,
                      period=p, value=v)
                 for c, p, v in (("GM0001", "2019", 100.0), ("GM0002", "2019", 50.0), ("GM0001", "2020", 110.0))])
    gem = pd.DataFrame({"gemeentecode": ["GM0001", "GM0002", "GM0001", "GM0002"],
                        "indelingsjaar": [2019, 2019, 2020, 2020]})
    got = derive.national_totals(pop, gem)
    assert got.values.tolist() == [["NL01", "2019", 150.0]]  # 2020 lacks GM0002: no partial Nederland
    wmo = _rows([dict(indicator_id="wmo_clienten_per_1000", gemeentecode="NL01", period="2019H1", value=60.0,
                      numerator=9.0, denominator=9 / 0.06, unit="per_1000", source_table="85896NED", rounded=True)])
    out = derive.real_denominators(pd.concat([pop, wmo], ignore_index=True), gemeenten=gem)
    nl = out[out.indicator_id == "wmo_clienten_per_1000"].iloc[0]
    assert nl["denominator"] == 150.0 and not nl["rounded"]


# ------------------------------------------------------------------ splits, filled periods, rounding steps (issue 17)
# Haaren (GM0788) was split on 1 January 2021 over Oisterwijk (GM0824, main), Vught (GM0865), Boxtel and Tilburg.
SPLIT_HER = pd.DataFrame({"oude_code": ["GM0788"], "nieuwe_code": ["GM0824"], "jaar": [2021], "gesplitst": [True],
                          "overige_opvolgers": ["GM0865"]})
SPLIT_GEM = pd.DataFrame({"gemeentecode": ["GM0788", "GM0824", "GM0865", "GM0824", "GM0865"],
                          "indelingsjaar": [2020, 2020, 2020, 2021, 2021]})
MATRIX = pd.DataFrame({"van_jaar": [2020, 2020, 2020, 2020], "naar_jaar": [2021, 2021, 2021, 2021],
                       "van_code": ["GM0788", "GM0788", "GM0824", "GM0865"],
                       "naar_code": ["GM0824", "GM0865", "GM0824", "GM0865"], "adressen": [600, 400, 10000, 12000]})


def test_split_shares_from_the_address_matrix():
    shares = derive.split_shares(SPLIT_HER, MATRIX)
    assert shares[["nieuwe_code", "aandeel"]].values.tolist() == [["GM0824", 0.6], ["GM0865", 0.4]]
    assert derive.split_shares(SPLIT_HER.drop(columns=["gesplitst"]), MATRIX).empty


def test_a_split_gemeente_is_distributed_by_its_shares_not_given_to_one_successor():
    rows = [dict(indicator_id="wmo_clienten_aantal", unit="aantal", gemeentecode=c, period=p, value=v,
                 source_table="85896NED", rounding_step=5.0)
            for c, p, v in (("GM0788", "2020", 1000.0), ("GM0824", "2020", 2000.0), ("GM0865", "2020", 3000.0),
                            ("GM0824", "2021", 2700.0), ("GM0865", "2021", 3500.0))]
    frame = _rows(rows)
    got = derive.harmonise(frame, 2024, SPLIT_HER, gemeenten=SPLIT_GEM, shares=derive.split_shares(SPLIT_HER, MATRIX))
    got = got.set_index(["gemeentecode", "period"])
    assert got.loc[("GM0824", "2020"), "value"] == pytest.approx(2000 + 600)  # not 2000 + 1000
    assert got.loc[("GM0865", "2020"), "value"] == pytest.approx(3000 + 400)  # Vught gets its part of Haaren
    assert got.loc[("GM0865", "2020"), "harmonised"] and not got.loc[("GM0865", "2021"), "harmonised"]
    assert got.loc[("GM0865", "2020"), "rounding_step"] == pytest.approx(5 + 0.4 * 5)  # steps add up
    assert not any("GM0788" in c for c, _ in got.index)  # no part of Haaren survives as a gemeente
    # without published shares every successor's figure before the split is a gap, never a 100% guess
    bare = derive.harmonise(frame, 2024, SPLIT_HER, gemeenten=SPLIT_GEM).set_index(["gemeentecode", "period"])
    assert bare.loc[[("GM0824", "2020"), ("GM0865", "2020")], "value"].isna().all()
    assert bare.loc[("GM0824", "2021"), "value"] == 2700.0
    assert derive.lost_published_values(frame, bare.reset_index(), SPLIT_HER, 2024).empty


def test_a_period_filled_from_a_lower_ranked_table_is_marked():
    rows = [dict(indicator_id="wmo_clienten_aantal", gemeentecode="GM0014", period=p, value=v, unit="aantal",
                 source_table=t) for p, v, t in (("2017", np.nan, "85896NED"), ("2017", 1200.0, "83262NED"),
                                                 ("2018", 1385.0, "85896NED"), ("2018", 1420.0, "83262NED"),
                                                 ("2016", 1100.0, "83262NED"))]
    got = derive.select_preferred(_rows(rows)).set_index("period")
    assert got["filled"].to_dict() == {"2016": False, "2017": True, "2018": False}
    assert derive.harmonise(_rows(rows), 2024, HER).set_index("period")["filled"].to_dict() == \
        {"2016": False, "2017": True, "2018": False}
