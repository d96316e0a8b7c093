"""Tests for analyse.compare: seed 000 Bijlage 1 arithmetic, verdict rule, references, compare_all."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyse import compare
from analyse.errors import DataNotAvailableError

CATALOGUE = pd.DataFrame([
    {"id": "jeugdhulp_zv_pct", "naam": "Jongeren met jeugdhulp zonder verblijf", "kind": "share", "per": 100,
     "polarity": "lager_beter", "unit": "procent", "domein": "jeugd"},
    {"id": "bijstand_per_1000", "naam": "Personen met bijstand per 1.000 inwoners", "kind": "rate",
     "per": 1000, "polarity": "lager_beter", "unit": "per_1000", "domein": "participatie"},
    {"id": "mantelzorg_pct", "naam": "Verleent mantelzorg", "kind": "share", "per": 100,
     "polarity": "neutraal", "unit": "procent", "domein": "preventie"},
    {"id": "niet_eenzaam_pct", "naam": "Is niet eenzaam", "kind": "share", "per": 100,
     "polarity": "hoger_beter", "unit": "procent", "domein": "preventie"},
])

REFS = {"regio": "JZ22", "nederland": "NL01"}


def _row(i, code, period, value, num=np.nan, den=np.nan, unit="procent"):
    ptype = "halfjaar" if "H" in period else "jaar"
    return {"indicator_id": i, "gemeentecode": code, "period": period, "period_type": ptype, "value": value,
            "numerator": num, "denominator": den, "unit": unit, "status": "definitief",
            "source_table": "seed000-bijlage1"}


def seed000() -> pd.DataFrame:
    """Printed Bijlage 1 figures of seed 000 (Hendrik-Ido-Ambacht), no numerators."""
    rows = []
    for code, (a, b) in {"GM0531": (10.8, 11.1), "JZ22": (11.2, 11.6), "NL01": (10.3, 11.0)}.items():
        rows += [_row("jeugdhulp_zv_pct", code, "2019H2", a), _row("jeugdhulp_zv_pct", code, "2023H1", b)]
    for code, (a, b) in {"GM0531": (18.8, 21.0), "JZ22": (31.0, 30.0), "NL01": (38.2, 34.0)}.items():
        rows += [_row("bijstand_per_1000", code, "2019", a, unit="per_1000"),
                 _row("bijstand_per_1000", code, "2023", b, unit="per_1000")]
    for code, (a, b) in {"GM0531": (17.3, 13.8), "JZ22": (15.0, 15.0), "NL01": (14.2, 13.4)}.items():
        rows += [_row("mantelzorg_pct", code, "2016", a), _row("mantelzorg_pct", code, "2022", b)]
    rows += [_row("niet_eenzaam_pct", "GM0531", "2016", 65.0), _row("niet_eenzaam_pct", "GM0531", "2022", 54.0),
             _row("niet_eenzaam_pct", "JZ22", "2016", 59.0), _row("niet_eenzaam_pct", "JZ22", "2022", 53.0)]
    return pd.DataFrame(rows)


def _get(c: pd.DataFrame, ind: str, role: str) -> pd.Series:
    return c[(c["indicator_id"] == ind) & (c["reference_role"] == role)].iloc[0]


def test_bijlage1_jeugdhulp_arithmetic():
    ind = seed000()
    before = ind.copy()
    c = compare.compare_indicators(ind, CATALOGUE, "GM0531", REFS)
    pd.testing.assert_frame_equal(ind, before)  # input not mutated
    nl = _get(c, "jeugdhulp_zv_pct", "nederland")
    # 10,8 → 11,1: +0,3 pp; relative (11,1 − 10,8)/10,8 × 100 = 2,777… % (printed +2,9%, truncation error in the seed)
    assert (nl["base_period"], nl["latest_period"]) == ("2019H2", "2023H1")
    assert nl["pp_change"] == pytest.approx(0.3)
    assert nl["rel_change_pct"] == pytest.approx(2.7778, abs=1e-4)
    # NL 10,3 → 11,0: gap 10,8 − 10,3 = 0,5 → 11,1 − 11,0 = 0,1: narrowed; both went up → not against
    assert nl["base_gap"] == pytest.approx(0.5)
    assert nl["latest_gap"] == pytest.approx(0.1)
    assert bool(nl["gap_narrowed"]) is True
    assert bool(nl["against_reference_direction"]) is False
    reg = _get(c, "jeugdhulp_zv_pct", "regio")
    # regio 11,2 → 11,6: gap −0,4 → −0,5: widened
    assert reg["base_gap"] == pytest.approx(-0.4)
    assert reg["latest_gap"] == pytest.approx(-0.5)
    assert bool(reg["gap_narrowed"]) is False
    # no numerators: +0,3 pp < 1 pp minimum relevant change → gelijk gebleven, indicative
    assert nl["verdict"] == "marge onbekend" and not bool(nl["indicative"]) and nl["basis"] == "geen marge"
    assert "10,8%" in nl["verdict_reason"] and "+0,3 procentpunt" in nl["verdict_reason"]
    assert "+2,8%" in nl["verdict_reason"] and "2e halfjaar 2019" in nl["verdict_reason"]


def test_bijlage1_bijstand_against_direction():
    c = compare.compare_indicators(seed000(), CATALOGUE, "GM0531", REFS)
    nl = _get(c, "bijstand_per_1000", "nederland")
    # 18,8 → 21: +2,2 = +11,70%; NL 38,2 → 34 (−11,0%) → moved against the national direction
    assert nl["abs_change"] == pytest.approx(2.2)
    assert nl["rel_change_pct"] == pytest.approx(11.7021, abs=1e-4)
    assert np.isnan(nl["pp_change"])  # a rate has no percentage points
    assert bool(nl["against_reference_direction"]) is True
    # gap −19,4 → −13,0: |gap| smaller → narrowed (towards the worse NL level)
    assert nl["base_gap"] == pytest.approx(-19.4) and nl["latest_gap"] == pytest.approx(-13.0)
    assert bool(nl["gap_narrowed"]) is True
    # +11,7%, but no counts and no published margin: the change is shown, never judged
    assert nl["verdict"] == "marge onbekend" and not bool(nl["indicative"])


def test_bijlage1_neutral_and_missing_reference():
    c = compare.compare_indicators(seed000(), CATALOGUE, "GM0531", REFS)
    mz = _get(c, "mantelzorg_pct", "nederland")
    # 17,3 → 13,8: −3,5 pp, (13,8 − 17,3)/17,3 = −20,23%; neutraal → niet te beoordelen
    assert mz["pp_change"] == pytest.approx(-3.5)
    assert mz["rel_change_pct"] == pytest.approx(-20.2312, abs=1e-4)
    assert mz["verdict"] == "marge onbekend" and "marge onbekend" in mz["verdict_reason"]
    # niet eenzaam has no NL row: NaN gaps, NA flags and a note, no exception
    ne = _get(c, "niet_eenzaam_pct", "nederland")
    assert np.isnan(ne["base_gap"]) and np.isnan(ne["latest_gap"])
    assert pd.isna(ne["gap_narrowed"]) and pd.isna(ne["against_reference_direction"])
    assert ne["reference_note"] == "Geen gegevens voor Nederland; verschil niet te berekenen."  # name, no code
    # 65 → 54 = −11 pp without counts or published margin: shown, not judged; regio 59 → 53, gap 6 → 1 narrowed
    assert ne["verdict"] == "marge onbekend"
    reg = _get(c, "niet_eenzaam_pct", "regio")
    assert reg["base_gap"] == pytest.approx(6.0) and reg["latest_gap"] == pytest.approx(1.0)


def test_contract_columns_and_verdicts():
    c = compare.compare_indicators(seed000(), CATALOGUE, "GM0531", REFS)
    contract = ["indicator_id", "gemeentecode", "reference_code", "reference_role", "base_period",
                "latest_period", "base_value", "latest_value", "base_ci_low", "base_ci_high", "latest_ci_low",
                "latest_ci_high", "abs_change", "rel_change_pct", "pp_change", "ref_base_value",
                "ref_latest_value", "base_gap", "latest_gap", "gap_narrowed", "against_reference_direction",
                "small_numbers", "n_points", "verdict", "verdict_reason", "indicative"]
    assert set(contract) <= set(c.columns)
    assert len(c) == 4 * 2
    assert c["gap_narrowed"].dtype == "boolean"
    v = compare.verdicts(c)
    assert len(v) == 4 and v["indicator_id"].is_unique
    assert {"indicator_id", "naam", "base_period", "latest_period", "base_value", "latest_value", "verdict",
            "verdict_reason", "small_numbers", "n_points"} <= set(v.columns)
    assert v.set_index("indicator_id").loc["jeugdhulp_zv_pct", "naam"] == "Jongeren met jeugdhulp zonder verblijf"


def _counts(i, periods_values, unit="procent"):
    return pd.DataFrame([_row(i, "GM0001", p, v, n, d, unit) for p, v, n, d in periods_values])


def test_two_proportion_test_decides():
    # 100/1000 → 150/1000: pooled p = 0,125; se = sqrt(0,125·0,875·2/1000) = 0,014790; z = 0,05/0,014790 = 3,3806
    # p = 2·(1 − Φ(3,3806)) = 0,000723 < 0,05 → real; lager_beter and up → slechter
    ind = _counts("jeugdhulp_zv_pct", [("2019", 10.0, 100, 1000), ("2023", 15.0, 150, 1000)])
    c = compare.compare_indicators(ind, CATALOGUE, "GM0001")
    r = c.iloc[0]
    assert r["p_value"] == pytest.approx(0.000723, abs=2e-6)
    assert r["verdict"] == "slechter" and r["basis"] == "toets" and not r["indicative"]
    assert pd.isna(r["reference_code"])
    # intervals present: Wilson 100/1000 → [8,29; 12,02]
    assert r["base_ci_low"] == pytest.approx(8.2907, abs=1e-3)
    # 10/100 → 12/100: z = 0,02/sqrt(0,11·0,89·0,02) = 0,452 → p = 0,651 → gelijk gebleven
    ind = _counts("jeugdhulp_zv_pct", [("2019", 10.0, 10, 100), ("2023", 12.0, 12, 100)])
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001").iloc[0]
    assert r["p_value"] == pytest.approx(0.6511, abs=1e-3)
    assert r["verdict"] == "gelijk gebleven" and "binnen de toevalsmarge" in r["verdict_reason"]


def test_poisson_rate_test_and_small_numbers():
    # 100 → 150 events on 10.000 inwoners each: K = 250, q = 0,5; z = (150 − 125)/sqrt(250·0,25) = 3,1623
    ind = _counts("bijstand_per_1000", [("2019", 10.0, 100, 10_000), ("2023", 15.0, 150, 10_000)], "per_1000")
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001").iloc[0]
    assert r["p_value"] == pytest.approx(0.001565, abs=1e-5)
    assert r["verdict"] == "slechter"
    # 4 → 2 events: small numbers, not significant (z = −0,816), indicative flag
    ind = _counts("bijstand_per_1000", [("2019", 4.0, 4, 1000), ("2023", 2.0, 2, 1000)], "per_1000")
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001").iloc[0]
    assert r["small_numbers"] and r["verdict"] == "gelijk gebleven" and r["indicative"]
    assert "Kleine aantallen" in r["verdict_reason"]


def test_published_intervals_z_test():
    ind = _counts("niet_eenzaam_pct", [("2016", 65.0, np.nan, np.nan), ("2022", 54.0, np.nan, np.nan)])
    ind["ci_low"] = [62.0, 51.0]
    ind["ci_high"] = [68.0, 57.0]
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001").iloc[0]
    # s = (hi − lo)/3,92 from each published interval: z = 11/√(1,53² + 1,53²) = 5,1
    assert r["basis"] == "intervallen" and r["verdict"] == "slechter"
    ind["ci_low"] = [62.0, 40.0]
    ind["ci_high"] = [68.0, 68.0]
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001").iloc[0]
    assert r["verdict"] == "gelijk gebleven"


def test_suppressed_single_and_zero_denominator():
    ind = _counts("jeugdhulp_zv_pct", [("2019", 10.0, 100, 1000), ("2023", np.nan, 5, 1000)])
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001").iloc[0]
    # the latest value is the latest with a value (2019); the suppressed 2023 is named, never silently skipped
    assert r["verdict"] == "niet te beoordelen" and r["latest_period"] == "2019" and r["newer_missing"] == "2023"
    assert "Voor 2023 is (nog) geen waarde gepubliceerd of de waarde is onderdrukt" in r["verdict_reason"]
    assert not r["latest_suppressed"] and not r["base_suppressed"]
    ind = _counts("jeugdhulp_zv_pct", [("2019", 10.0, 100, 1000)])
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001").iloc[0]
    assert r["verdict"] == "niet te beoordelen" and r["n_points"] == 1
    assert "geen tweede meetmoment" in r["verdict_reason"]
    # zero denominators: no interval, no test; base value 0 → relative change undefined (NaN, not inf)
    ind = _counts("jeugdhulp_zv_pct", [("2019", 0.0, 0, 0), ("2023", 5.0, 0, 0)])
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001").iloc[0]
    assert np.isnan(r["rel_change_pct"]) and np.isnan(r["base_ci_low"])
    assert r["basis"] == "geen marge" and r["verdict"] == "marge onbekend" and not r["indicative"]


def test_explicit_periods_and_mixed_period_types():
    rows = [("2019", 10.0), ("2020", 11.0), ("2021", 12.0), ("2019H1", 9.0), ("2023H1", 9.5)]
    ind = pd.DataFrame([_row("jeugdhulp_zv_pct", "GM0001", p, v) for p, v in rows])
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001").iloc[0]
    # the yearly series ends two years before the newest half-year: the current (half-year) series is reported
    assert (r["base_period"], r["latest_period"], r["n_points"]) == ("2019H1", "2023H1", 2)
    recent = ind.assign(period=ind["period"].replace({"2023H1": "2022H1"}))
    r = compare.compare_indicators(recent, CATALOGUE, "GM0001").iloc[0]
    # a half-year at most one year newer does not beat the yearly series: never mixed
    assert (r["base_period"], r["latest_period"], r["n_points"]) == ("2019", "2021", 3)
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001",
                                   base_period={"jeugdhulp_zv_pct": "2019H1"}).iloc[0]
    assert (r["base_period"], r["latest_period"], r["n_points"]) == ("2019H1", "2023H1", 2)


def test_unknown_gemeente_raises():
    with pytest.raises(DataNotAvailableError, match="GM9999"):
        compare.compare_indicators(seed000(), CATALOGUE, "GM9999", REFS)


def test_compare_all_matches_single():
    base = seed000()
    extra = base[base["gemeentecode"] == "GM0531"].assign(
        gemeentecode="GM0505", value=lambda d: d["value"] * 1.1)
    ind = pd.concat([base, extra], ignore_index=True)
    registry = pd.DataFrame({
        "gemeentecode": ["GM0531", "GM0505", "GM0531"], "indelingsjaar": [2024, 2024, 2023],
        "jeugdzorgregio_code": ["JZ22", "JZ22", "JZ22"], "arbeidsmarktregio_code": ["JZ22", "AM99", "AM99"],
        "ggd_regio_code": ["JZ22", "JZ22", "JZ22"], "provincie_code": ["PV28", "PV28", "PV28"],
    })
    before = ind.copy()
    allc = compare.compare_all(ind, CATALOGUE, registry)
    pd.testing.assert_frame_equal(ind, before)
    assert set(allc["gemeentecode"]) == {"GM0531", "GM0505"}
    single = compare.compare_indicators(ind, CATALOGUE, "GM0531", REFS)
    mine = allc[allc["gemeentecode"] == "GM0531"].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine.drop(columns="reference_note"), single.drop(columns="reference_note"),
                                  check_dtype=False)
    # GM0505 has arbeidsmarktregio AM99 without data → NaN gap with a note
    r = allc[(allc["gemeentecode"] == "GM0505") & (allc["indicator_id"] == "bijstand_per_1000")
             & (allc["reference_role"] == "regio")].iloc[0]
    assert r["reference_code"] == "AM99" and np.isnan(r["base_gap"])
    assert r["reference_note"].startswith("Geen gegevens voor de regio") and "AM99" not in r["reference_note"]
    assert len(compare.verdicts(allc)) == 8


def test_period_label():
    assert compare.period_label("2019H2") == "2e halfjaar 2019"
    assert compare.period_label("2023-12-31") == "31-12-2023"
    assert compare.period_label("2023") == "2023"


def test_mixed_period_types_fallback():
    # seed 000 bijstand households: 2,7% (1e halfjaar 2019) → 2,9% (31 december 2023)
    ind = pd.DataFrame([_row("jeugdhulp_zv_pct", "GM0001", "2019H1", 2.7),
                        _row("jeugdhulp_zv_pct", "GM0001", "2023-12-31", 2.9)])
    ind.loc[1, "period_type"] = "peildatum"
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001").iloc[0]
    assert (r["base_period"], r["latest_period"], r["period_type"], r["n_points"]) == (
        "2019H1", "2023-12-31", "gemengd", 2)
    assert r["pp_change"] == pytest.approx(0.2) and r["verdict"] == "marge onbekend"
    r = compare.compare_indicators(ind, CATALOGUE, "GM0001", base_period={"jeugdhulp_zv_pct": "2019H1"},
                                   latest_period={"jeugdhulp_zv_pct": "2023-12-31"}).iloc[0]
    assert r["n_points"] == 2 and r["period_type"] == "gemengd"


def test_base_year_takes_the_last_value_at_or_before_the_policy_start():
    catalogue = [{"id": "x_pct", "naam": "X", "unit": "procent", "polarity": "lager_beter", "kind": "share",
                  "per": 100}]
    rows = [("GM0001", p, v) for p, v in (("2015", 10.0), ("2018", 11.0), ("2019", 12.0), ("2023", 14.0))]
    ind = pd.DataFrame({"indicator_id": "x_pct", "gemeentecode": [r[0] for r in rows], "period": [r[1] for r in rows],
                        "period_type": "jaar", "value": [r[2] for r in rows], "numerator": np.nan,
                        "denominator": np.nan, "unit": "procent", "status": "definitief", "source_table": "T"})
    default = compare.compare_indicators(ind, catalogue, "GM0001")
    assert default["base_period"].iloc[0] == "2015"  # without a start year: the first value
    at_2020 = compare.compare_indicators(ind, catalogue, "GM0001", base_year=2020).iloc[0]
    assert at_2020["base_period"] == "2019" and at_2020["base_value"] == 12.0  # nulmeting: last value <= 2020
    assert at_2020["n_points"] == 2 and not at_2020["base_after_start"]
    late = compare.compare_indicators(ind, catalogue, "GM0001", base_year=2010).iloc[0]
    assert late["base_period"] == "2015" and late["base_after_start"]
    assert "geen meting in of vóór het startjaar" in late["verdict_reason"]


# ------------------------------------------------------------------ issue 11: overdispersion, exposure, euro
def _sim_shares(extra_sd: float, shift: float = 0.0, n_gm: int = 300, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for g in range(n_gm):
        den = 2000
        for y, p in (("2021", 0.10), ("2022", 0.10 + shift)):
            true = np.clip(p + rng.normal(0, extra_sd), 0.01, 0.99)
            k = rng.binomial(den, true)
            rows.append(_row("jeugdhulp_zv_pct", f"GM{g:04d}", y, k / den * 100, k, den))
    return pd.DataFrame(rows)


def test_estimate_dispersion_pure_noise_and_extra_variation():
    pure = compare.estimate_dispersion(_sim_shares(0.0, shift=0.03), CATALOGUE)
    r = pure.set_index("indicator_id").loc["jeugdhulp_zv_pct"]
    # pure binomial noise (and a common national shift of +3 pp that must not count as noise): φ ≈ 1
    assert r["phi_raw"] == pytest.approx(1.0, abs=0.2) and r["phi"] >= 1.0
    assert (r["n_pairs"], r["n_gemeenten"]) == (300, 300)
    # extra year-to-year variation sd 0,02 on p = 0,1 with n = 2000: φ ≈ 1 + 0,02²·2000/0,09 = 9,9
    extra = compare.estimate_dispersion(_sim_shares(0.02), CATALOGUE)
    assert extra["phi"].iloc[0] == pytest.approx(9.9, rel=0.2)


def _variation(iid: str, tau2_change: float) -> pd.DataFrame:
    return pd.DataFrame({"indicator_id": iid, "kind": "share", "band": 0, "n_low": 0.0, "n_high": np.inf,
                         "lag": [0, 1], "tau2": [tau2_change / 2, tau2_change], "phi": 2.0, "n_pairs": 100,
                         "n_gemeenten": 50})


def test_real_variation_widens_the_change_test():
    ind = _counts("jeugdhulp_zv_pct", [("2019", 10.0, 100, 1000), ("2023", 15.0, 150, 1000)])
    plain = compare.compare_indicators(ind, CATALOGUE, "GM0001").iloc[0]
    assert plain["verdict"] == "slechter"
    # τ²_change = 16 procentpunt²: z = 5 / √(100²·0,125·0,875·(2/1000) + 16) = 5 / 4,26 → within chance
    wide = compare.compare_indicators(ind, CATALOGUE, "GM0001",
                                      variation=_variation("jeugdhulp_zv_pct", 16.0)).iloc[0]
    se = np.sqrt(100 ** 2 * 0.125 * 0.875 * 2 / 1000 + 16)
    assert wide["verdict"] == "gelijk gebleven" and wide["tau2_used"] == 16.0
    assert wide["p_value"] == pytest.approx(2 * (1 - __import__("scipy").stats.norm.cdf(5 / se)), abs=1e-6)
    assert "jaar-op-jaarschommeling" in wide["verdict_reason"]
    assert wide["verdict_label"] == "geen verandering buiten de marge van toeval"
    assert plain["verdict_label"] == "verslechterd, buiten de marge van toeval"
    # the benchmark margin widens with τ²_level (8): the interval of the latest value grows
    assert wide["latest_margin_high"] - wide["latest_margin_low"] > plain["latest_ci_high"] - plain["latest_ci_low"]


COUNT_CAT = pd.concat([CATALOGUE, pd.DataFrame([
    {"id": "cl", "naam": "Cliënten", "kind": "count", "polarity": "lager_beter", "unit": "aantal", "domein": "wmo"},
    {"id": "inwoners", "naam": "Inwoners", "kind": "count", "polarity": "neutraal", "unit": "aantal",
     "domein": "bevolking"},
    {"id": "inkomen", "naam": "Gemiddeld inkomen per inwoner", "kind": "level", "polarity": "hoger_beter",
     "unit": "eur", "domein": "armoede"}])], ignore_index=True)


def test_count_indicators_use_population_exposure():
    rows = [_row("cl", "GM0001", "2019", 100.0, unit="aantal"), _row("cl", "GM0001", "2023", 150.0, unit="aantal")]
    alone = compare.compare_indicators(pd.DataFrame(rows), COUNT_CAT, "GM0001").iloc[0]
    assert alone["verdict"] == "slechter" and alone["count_exposure"] == "gelijk"
    # the population grew by the same 50%: the rate per inwoner is unchanged → gelijk gebleven (z = 0)
    rows += [_row("inwoners", "GM0001", "2019", 10000.0, unit="aantal"),
             _row("inwoners", "GM0001", "2023", 15000.0, unit="aantal")]
    exp = compare.compare_indicators(pd.DataFrame(rows), COUNT_CAT, "GM0001").set_index("indicator_id").loc["cl"]
    assert exp["verdict"] == "gelijk gebleven" and exp["count_exposure"] == "inwoners"
    assert exp["p_value"] == pytest.approx(1.0) and "per inwoner" in exp["verdict_reason"]


CPI = pd.DataFrame({"jaar": [2019, 2023], "cpi_index": [100.0, 110.0], "cpi_mutatie": [0.0, 0.0], "bron": "x"})


def test_euro_amounts_in_constant_prices_against_the_reference():
    rows = [_row("inkomen", "GM0001", "2019", 30000.0, unit="eur"), _row("inkomen", "GM0001", "2023", 33000.0,
                                                                          unit="eur"),
            _row("inkomen", "NL01", "2019", 30000.0, unit="eur"), _row("inkomen", "NL01", "2023", 36000.0, unit="eur")]
    c = compare.compare_indicators(pd.DataFrame(rows), COUNT_CAT, "GM0001", {"nederland": "NL01", "regio": "JZ99"},
                                   cpi=CPI)
    nl = _get(c, "inkomen", "nederland")
    # 30.000 in 2019 = 33.000 in prices of 2023: no real change; NL 33.000 → 36.000 = +9,09% real
    assert nl["base_value"] == pytest.approx(33000.0) and nl["base_value_nominal"] == 30000.0
    assert nl["abs_change"] == pytest.approx(0.0) and nl["price_year"] == 2023
    assert nl["price_basis"] == "constante prijzen van 2023"
    assert nl["ref_base_value"] == pytest.approx(33000.0)
    assert nl["ref_rel_change_pct"] == pytest.approx(100 / 11, abs=1e-6)
    assert nl["verdict"] == "marge onbekend" and nl["basis"] == "referentie" and not nl["indicative"]
    assert nl["verdict_label"] == ("minder gestegen of sterker gedaald dan Nederland (in prijzen van 2023) "
                                   "(marge onbekend)")
    assert "prijzen van 2023" in nl["verdict_reason"]
    # no regio values: never judged in isolation
    reg = _get(c, "inkomen", "regio")
    assert reg["verdict"] == "niet te beoordelen" and "alleen beoordeeld tegen de referentie" in reg["verdict_reason"]
    assert compare.verdicts(c).set_index("indicator_id").loc["inkomen", "verdict"] == "marge onbekend"
    np.testing.assert_allclose(compare.deflate([100.0, 100.0], ["2019", "2023H1"], CPI, 2023), [110.0, 100.0])
    assert np.isnan(compare.deflate([100.0], ["2015"], CPI, 2023)[0])


def test_benchmark_comparison_fingertips_rule():
    f = pd.DataFrame({"latest_value": [12.0, 12.0, 12.0, 9.0, 5.0],
                      "latest_ci_low": [11.0, 10.5, 9.0, 8.0, np.nan],
                      "latest_ci_high": [13.0, 13.5, 15.0, 9.5, np.nan],
                      "latest_ci998_low": [10.5, 9.5, 8.0, 7.5, np.nan],
                      "latest_ci998_high": [13.5, 14.5, 16.0, 9.9, np.nan],
                      "ref_latest_value": [10.0, 10.0, 10.0, 10.0, 6.0],
                      "polarity": ["lager_beter", "hoger_beter", "lager_beter", "neutraal", "lager_beter"],
                      "reference_label": ["Nederland", "Nederland", "de rest van jeugdzorgregio X",
                                          "Nederland zonder Aadorp", "Nederland"]})
    b = compare.benchmark_comparison(f)
    assert b["benchmark_95"].tolist() == ["hoger", "hoger", "vergelijkbaar", "lager", "marge onbekend"]
    assert b["benchmark_998"].tolist() == ["hoger", "vergelijkbaar", "vergelijkbaar", "lager", "marge onbekend"]
    assert b["benchmark_verdict"].tolist() == ["slechter", "beter", "vergelijkbaar", "lager", "marge onbekend"]
    assert b["benchmark_label"].tolist() == [
        "hoger dan Nederland, ruim buiten de marge van toeval (ongunstig)",
        "hoger dan Nederland, buiten de marge van toeval (gunstig)",
        "vergelijkbaar met de rest van jeugdzorgregio X",
        "lager dan Nederland zonder Aadorp, ruim buiten de marge van toeval",
        "lager dan Nederland (marge onbekend)"]


def test_compare_with_rest_of_regio_references():
    from analyse import references

    rows = [_row("jeugdhulp_zv_pct", code, y, k / n * 100, k, n)
            for code, (k, n) in {"GM0001": (100, 1000), "GM0002": (300, 2000), "GM0003": (150, 1500)}.items()
            for y in ("2019", "2023")]
    rows += [_row("jeugdhulp_zv_pct", "JZ01", y, 550 / 4500 * 100, 550, 4500) for y in ("2019", "2023")]
    ind = pd.DataFrame(rows)
    rest = references.rest_of_region(ind, {"JZ01": ["GM0001", "GM0002", "GM0003"]},
                                     {"GM0001": [("JZ01", "jeugdzorgregio Een")]}, {"jeugdhulp_zv_pct": 100.0},
                                     {"GM0001": "Aadorp"})
    c = compare.compare_indicators(pd.concat([ind, references.as_indicator_rows(rest)]), CATALOGUE, "GM0001",
                                   references.compare_references(rest))
    r = c.iloc[0]
    assert r["reference_code"] == "JZ01-zonder-GM0001" and r["reference_label"] == "rest van jeugdzorgregio Een"
    assert r["ref_latest_value"] == pytest.approx(450 / 3500 * 100)
    assert r["latest_gap"] == pytest.approx(10 - 450 / 3500 * 100)
    # 10% (9,2–11,1) against 12,86%: lower, outside the margin; lager is beter → gunstig
    assert r["benchmark_verdict"] == "beter"
    # the 99,8% interval (7,2–13,5) contains 12,86: not "ruim"
    assert r["benchmark_label"] == "lager dan rest van jeugdzorgregio Een, buiten de marge van toeval (gunstig)"


def test_reference_frame_missing_indicator_keeps_every_role():
    ind = pd.concat([_counts("jeugdhulp_zv_pct", [("2019", 10.0, 100, 1000), ("2023", 15.0, 150, 1000)]),
                     _counts("niet_eenzaam_pct", [("2016", 65.0, np.nan, np.nan), ("2022", 54.0, np.nan, np.nan)]),
                     pd.DataFrame([_row("jeugdhulp_zv_pct", "NL01", "2023", 12.0)])])
    refs = pd.DataFrame({"reference_role": ["nederland", "regio"], "indicator_id": "jeugdhulp_zv_pct",
                         "reference_code": ["NL01", "JZ01-zonder-GM0001"],
                         "reference_label": ["Nederland zonder Aadorp", "rest van jeugdzorgregio Een"],
                         "reference_note": ["", "Vergeleken met rest van jeugdzorgregio Een, want x."]})
    c = compare.compare_indicators(ind, CATALOGUE, "GM0001", refs)
    assert len(c) == 4
    ne = c[c["indicator_id"] == "niet_eenzaam_pct"]
    assert sorted(ne["reference_role"]) == ["nederland", "regio"]
    assert ne["reference_note"].str.startswith("Geen").all()
    reg = _get(c, "jeugdhulp_zv_pct", "regio")
    assert reg["reference_note"].startswith("Vergeleken met rest van jeugdzorgregio Een, want x.")
    # 15% (Wilson 95% 12,9–17,3; 99,8% 11,9–18,7) against 12%: higher at 95% only; lager is beter
    assert _get(c, "jeugdhulp_zv_pct", "nederland")["benchmark_label"] == \
        "hoger dan Nederland zonder Aadorp, buiten de marge van toeval (ongunstig)"


def test_rounding_steps_come_from_the_source_metadata_not_the_values():
    frame = pd.DataFrame({"indicator_id": ["a", "a", "b", "c"], "gemeentecode": ["GM0001"] * 4,
                          "period": ["2020", "2021", "2020", "2020"], "value": [12.0, 13.0, 9.4, 3.0],
                          "rounded": [True, True, False, False], "rounding_step": [1.0, 1.0, 0.1, 0.0],
                          "numerator_rounding_step": [0.0, 0.0, 100.0, 0.0],
                          "denominator_rounding_step": [0.0, 0.0, 100.0, 0.0]})
    out = compare.rounding_steps(frame)
    assert out[["indicator_id", "period"]].values.tolist() == [["a", "2020"], ["a", "2021"], ["b", "2020"]]
    assert out.set_index("indicator_id").loc["b", "numerator_rounding_step"] == 100.0
    # c has whole values but no declared rounding: exact (no 90% rule); no step columns: nothing known
    assert compare.rounding_steps(frame.drop(columns=["rounding_step"])).empty


def _comparison_row(**kw) -> pd.DataFrame:
    base = {"indicator_id": "x", "gemeentecode": "GM0001", "base_period": "2018", "latest_period": "2020",
            "verdict": "niet te beoordelen", "indicative": False, "ref_latest_value": np.nan,
            "polarity": "neutraal", "reference_label": "Nederland"}
    return pd.DataFrame([{**base, **kw}])


def test_counts_rounded_to_hundreds_carry_into_the_interval():
    """83440NED: minors 100 of 1.000 (both rounded to hundreds), published 13,2% from the exact counts."""
    from analyse.stats import wilson_interval

    ci = wilson_interval(np.array([100.0]), np.array([1000.0])) * 100
    comp = _comparison_row(latest_value=13.2, latest_numerator=100.0, latest_denominator=1000.0,
                           latest_ci_low=float(ci["ci_low"].iloc[0]), latest_ci_high=float(ci["ci_high"].iloc[0]),
                           base_value=np.nan)
    assert not comp["latest_ci_low"].iloc[0] <= 13.2 <= comp["latest_ci_high"].iloc[0]  # the old, exact reading
    steps = pd.DataFrame({"indicator_id": ["x"], "gemeentecode": ["GM0001"], "period": ["2020"],
                          "rounding_step": [0.1], "numerator_rounding_step": [100.0],
                          "denominator_rounding_step": [100.0], "rounded": [False]})
    out = compare.account_for_rounding(comp, steps).iloc[0]
    assert out["latest_ci_low"] <= 13.2 <= out["latest_ci_high"]
    assert out["latest_ci_high"] >= 150 / 950 * 100  # (100 + 50) / (1.000 − 50) × 100


def test_exact_counts_are_not_widened_by_the_whole_number_rate():
    """Wmo: 1.385 cliënten (rounded to 5) of 30.677 real inwoners; the rate 45 per 1.000 is printed whole."""
    comp = _comparison_row(latest_value=45.0, latest_numerator=1385.0, latest_denominator=30677.0,
                           latest_ci_low=42.8, latest_ci_high=47.6, base_value=np.nan)
    steps = pd.DataFrame({"indicator_id": ["x"], "gemeentecode": ["GM0001"], "period": ["2020"],
                          "rounding_step": [1.0], "numerator_rounding_step": [5.0],
                          "denominator_rounding_step": [0.0], "rounded": [False]})
    out = compare.account_for_rounding(comp, steps).iloc[0]
    assert out["latest_ci_low"] == pytest.approx(42.8 - 45 * 2.5 / 1385)  # count rounding only, not ±0,5
    assert out["latest_ci_high"] == pytest.approx(47.6 + 45 * 2.5 / 1385)


def test_real_published_values_lie_inside_their_own_interval():
    """Issue 17: with the source's rounding every published value lies inside its interval (real data)."""
    from analyse import stats
    from analyse.data import processed
    from analyse.errors import DataNotAvailableError

    try:
        harm, cat = processed.harmonised(2024), processed.catalogue()
    except DataNotAvailableError:
        pytest.skip("processed data absent")
    if "numerator_rounding_step" not in harm.columns or not (harm["numerator_rounding_step"] >= 100).any():
        pytest.skip("real CBS tables not built (../shared/data absent)")
    rows = stats.add_intervals(harm[harm["gemeentecode"].str.startswith("GM") & harm["value"].notna()
                                    & harm["numerator"].notna() & harm["denominator"].notna()], cat)
    rows = rows[rows["ci_low"].notna()]
    comp = pd.DataFrame({"indicator_id": rows["indicator_id"], "gemeentecode": rows["gemeentecode"],
                         "latest_period": rows["period"], "latest_value": rows["value"],
                         "latest_numerator": rows["numerator"], "latest_denominator": rows["denominator"],
                         "latest_ci_low": rows["ci_low"], "latest_ci_high": rows["ci_high"], "base_value": np.nan,
                         "base_period": pd.NA})
    outside = ~((comp["latest_ci_low"] <= comp["latest_value"] + 1e-9)
                & (comp["latest_value"] <= comp["latest_ci_high"] + 1e-9))
    assert outside.sum() > 0  # the exact reading of rounded counts fails (before issue 17)
    out = compare.account_for_rounding(comp, compare.rounding_steps(harm))
    inside = ((out["latest_ci_low"] <= out["latest_value"] + 1e-9)
              & (out["latest_value"] <= out["latest_ci_high"] + 1e-9))
    assert inside.all(), out.loc[~inside, ["indicator_id", "gemeentecode", "latest_period"]].head()


def test_whole_percent_rounding_widens_intervals_and_needs_more_than_one_step():
    comp = pd.DataFrame({
        "indicator_id": ["kwb", "fine"], "base_value": [17.0, 9.0], "latest_value": [18.0, 10.0],
        "verdict": ["slechter", "slechter"], "verdict_label": ["x", "x"], "indicative": [False, False],
        "latest_ci_low": [17.8, 9.9], "latest_ci_high": [18.2, 10.1], "latest_ci998_low": [17.7, 9.8],
        "latest_ci998_high": [18.3, 10.2], "base_ci_low": [16.8, 8.9], "base_ci_high": [17.2, 9.1],
        "ref_latest_value": [17.6, 9.0], "polarity": ["neutraal", "neutraal"],
        "reference_label": ["Nederland", "Nederland"]})
    before = comp.copy()
    out = compare.account_for_rounding(comp.assign(gemeentecode="GM0001", base_period="2018", latest_period="2020"),
                                       {"kwb": 1.0, "fine": 0.1})
    pd.testing.assert_frame_equal(comp, before)  # input unchanged
    kwb, fine = out.iloc[0], out.iloc[1]
    assert kwb["latest_ci_low"] == pytest.approx(17.3) and kwb["benchmark_95"] == "vergelijkbaar"
    assert kwb["verdict"] == "gelijk gebleven"  # 17 → 18 is within one whole-percent step
    assert fine["verdict"] == "slechter" and fine["latest_ci_low"] == pytest.approx(9.85)  # ±0,05 only
