"""Real year-to-year variation (analyse.variation), the one series rule (analyse.series) and the null simulation.

The null simulation is the check of issue 17: with real denominators of all gemeenten, no true difference from
Nederland and no true change, and yearly shocks as large as the real data show (τ² per size band, measured on
the 2024 data), at most 6% of gemeenten may be flagged at 95% in every size quintile, for the comparison with
Nederland and for the change since the nulmeting; with a real difference of realistic size the same rule must
still find it. It runs through ``compare.compare_all``, the code path of the reports and the index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyse import compare, series, variation, vocab

CAT = [{"id": "sim", "naam": "Gesimuleerd", "unit": "procent", "polarity": "lager_beter", "kind": "share",
        "per": 100, "domein": "jeugd"}]

# τ²_level per size band of jeugdzorg_pct (procentpunt², lower band edges in jongeren 0–22), measured with
# estimate_variation on the 2024 data (CBS 84134NED/85099NED): used when data/processed is absent.
MEASURED_BANDS = ((0.0, 0.083), (4810.0, 0.047), (6910.0, 0.044), (9768.0, 0.086), (16105.0, 0.112))


# ------------------------------------------------------------------------------------------- unit tests
def test_noise_variance_share_rate_count_and_published_interval():
    v = variation.noise_variance(["share", "rate", "count", "level"], [100, 50, 40, np.nan], [1000, 10000, np.nan, 5],
                                 [100, 1000, 1, 1], [np.nan, np.nan, np.nan, 10.0], [np.nan, np.nan, np.nan, 13.92])
    assert v[0] == pytest.approx(100 ** 2 * 0.1 * 0.9 / 1000)
    assert v[1] == pytest.approx(1000 ** 2 * 0.005 / 10000)
    assert v[2] == pytest.approx(40.0)
    assert v[3] == pytest.approx((3.92 / (2 * 1.959964)) ** 2, rel=1e-4)  # from the published interval


def _panel(tau2_level: float, n_gm: int = 400, years: range = range(2016, 2024), seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    den = pd.DataFrame({"gemeentecode": [f"GM{i:04d}" for i in range(n_gm)],
                        "denominator": np.exp(rng.normal(np.log(8000), 0.8, n_gm))})
    return variation.simulate_null(den, 0.11, tau2_level / 100 ** 2, years, seed=seed)


def test_estimate_variation_recovers_the_additive_tau2_and_is_zero_for_pure_noise():
    est = variation.estimate_variation(_panel(0.5), CAT)
    level = est[est["lag"] == 0]
    assert len(level) == variation.N_BANDS
    assert level["tau2"].mean() == pytest.approx(0.5, rel=0.25)  # τ²_level in procentpunt²
    change = est[est["lag"] == 1]
    assert np.allclose(change["tau2"].to_numpy(), 2 * level["tau2"].to_numpy())
    pure = variation.estimate_variation(_panel(0.0), CAT)
    assert pure["tau2"].max() < 0.05  # binomial noise alone: (almost) no extra variation
    assert set(variation.VARIATION_COLUMNS) == set(est.columns)


def test_lookup_tau2_bands_lags_and_unknown_indicators():
    est = pd.DataFrame({"indicator_id": "x", "kind": "share", "band": [0, 0, 1, 1], "n_low": [0.0, 0.0, 100.0, 100.0],
                        "n_high": [100.0, 100.0, np.inf, np.inf], "lag": [0, 1, 0, 1], "tau2": [1.0, 2.0, 3.0, 6.0],
                        "phi": 1.0, "n_pairs": 50, "n_gemeenten": 20})
    got = variation.lookup_tau2(est, ["x", "x", "x", "x", "y"], [50, 500, 500, np.nan, 50], [0, 0, 1, 4, 1])
    # lag 4 falls back to the longest known lag (1); unknown size → the largest band; unknown indicator → 0
    assert got.tolist() == [1.0, 3.0, 6.0, 6.0, 0.0]
    assert variation.lookup_tau2(None, ["x"], [50], [1]).tolist() == [0.0]


def test_reported_period_type_prefers_two_yearly_values_over_a_newer_half_year():
    rows = pd.DataFrame({"indicator_id": "jz", "gemeentecode": "GM0531",
                         "period": ["2022", "2023", "2023H1", "2023H2", "2024H1", "2019H1"],
                         "value": [11.2, 11.4, 9.1, 9.3, 9.0, 8.0]})
    assert series.reported_period_types(rows)["period_type"].tolist() == ["jaar"]
    one_year = rows[rows["period"] != "2022"]
    assert series.reported_period_types(one_year)["period_type"].tolist() == ["halfjaar"]


def test_series_breaks_on_another_definition_not_on_a_successor_table():
    keys = pd.DataFrame({"indicator_id": "b", "source_table": ["T1", "T2", "T3"], "series": ["s1", "s1", "s2"]})
    rows = pd.DataFrame({"indicator_id": "b", "gemeentecode": "GM0001", "period": ["2018", "2019", "2020", "2021"],
                         "value": 1.0, "source_table": ["T1", "T2", "T3", "T3;T9"]})
    brk = series.series_breaks(rows, keys)
    assert brk[["period", "source_before", "source_after"]].values.tolist() == [["2020", "T2", "T3"]]
    assert series.series_breaks(rows.assign(source_table="SEED"), None).empty
    rows2 = rows.assign(source_table=["S1", "S1", "S2", "S2"])  # unlisted tables are their own series
    assert series.series_breaks(rows2, keys)["period"].tolist() == ["2020"]


def test_no_change_verdict_across_a_break():
    ind = pd.DataFrame({"indicator_id": "sim", "gemeentecode": "GM0001", "period": ["2019", "2023"],
                        "period_type": "jaar", "value": [10.0, 20.0], "numerator": [100.0, 200.0],
                        "denominator": [1000.0, 1000.0]})
    plain = compare.compare_indicators(ind, CAT, "GM0001").iloc[0]
    assert plain["verdict"] == vocab.SLECHTER
    brk = pd.DataFrame({"indicator_id": ["sim"], "period": ["2021"]})
    r = compare.compare_indicators(ind, CAT, "GM0001", breaks=brk).iloc[0]
    assert r["verdict"] == vocab.NIET_TE_BEOORDELEN and "breuk in de reeks" in r["verdict_reason"]
    assert bool(r["break_between"])


def test_stale_periods():
    assert series.is_stale(["2014", "2019", "2023H1", None], 2024).tolist() == [True, False, False, False]


# ------------------------------------------------------------------------------------ the null simulation
def _denominators_and_tau2():
    """Real jeugdzorg denominators and τ² bands from data/processed when built, else a documented stand-in."""
    from analyse import paths

    harm = paths.processed("indicators_2024")
    if harm.exists():
        ind = pd.read_parquet(harm)
        jz = ind[(ind["indicator_id"] == "jeugdzorg_pct") & ind["gemeentecode"].str.startswith("GM")
                 & ind["denominator"].notna()]
        if jz["gemeentecode"].nunique() > 300:
            last = jz[jz["period"] == jz.loc[jz["period_type"] == "jaar", "period"].max()]
            est = variation.estimate_variation(jz, [{"id": "jeugdzorg_pct", "kind": "share", "per": 100}])
            lvl = est[est["lag"] == 0].sort_values("band")
            bands = tuple(zip(lvl["n_low"], lvl["tau2"]))
            return last[["gemeentecode", "denominator"]].reset_index(drop=True), bands, "real"
    rng = np.random.default_rng(342)  # 342 gemeenten, jongeren 0–22 lognormal like the 2023 data
    den = pd.DataFrame({"gemeentecode": [f"GM{i:04d}" for i in range(342)],
                        "denominator": np.round(np.exp(rng.normal(np.log(9000), 0.75, 342)))})
    return den, MEASURED_BANDS, "stand-in"


YEARS = range(2012, 2024)
"""12 yearly periods: about as many year-on-year pairs per gemeente as the real jeugdzorg series (years and
half-years) give the estimate of τ²."""


def _simulate(den, bands, seeds, effect=None, effect_from=None):
    """One replicate per seed, each its own indicator (so each gets its own τ² estimate), in one compare_all."""
    lows = np.array([b[0] for b in bands])
    t2 = np.array([b[1] for b in bands]) / 100 ** 2

    def tau2_of(n):
        return t2[np.clip(np.searchsorted(lows, n, side="right") - 1, 0, len(lows) - 1)]

    parts = []
    for seed in seeds:
        sim = variation.simulate_null(den, 0.11, tau2_of, YEARS, effect=effect, effect_from=effect_from, seed=seed)
        parts.append(sim.assign(indicator_id=f"sim{seed}"))
    sim = pd.concat(parts, ignore_index=True)
    nl = sim.groupby(["indicator_id", "period"], as_index=False)[["numerator", "denominator"]].sum()
    nl = nl.assign(gemeentecode="NL01", period_type="jaar", value=nl["numerator"] / nl["denominator"] * 100)
    cat = [{**CAT[0], "id": f"sim{seed}"} for seed in seeds]
    reg = pd.DataFrame({"gemeentecode": den["gemeentecode"], "indelingsjaar": 2024, "provincie_code": "PV01"})
    out = compare.compare_all(pd.concat([sim, nl], ignore_index=True), cat, reg, 2024,
                              region_columns="provincie_code", base_year=2020)
    rows = out[out["reference_role"] == "nederland"].merge(den, on="gemeentecode")
    rows["quintile"] = pd.qcut(rows["denominator"].rank(method="first"), 5, labels=False)
    return rows


def _flag_rates(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.groupby("quintile").agg(
        benchmark=("benchmark_95", lambda s: s.isin([vocab.HOGER, vocab.LAGER]).mean()),
        change=("verdict", lambda s: s.isin([vocab.BETER, vocab.SLECHTER]).mean()))


@pytest.mark.slow  # a simulation: many seconds of CPU (not in the fast layer)
def test_null_simulation_flags_at_most_six_percent_in_every_size_quintile():
    den, bands, _ = _denominators_and_tau2()
    # 32 replicates: ±0,5% per size fifth (with 16 the real-data run sat at 6,3% in one fifth after the split
    # gemeenten were distributed by their shares, a change of τ² in the fourth decimal: noise, not the rule)
    rates = _flag_rates(_simulate(den, bands, range(32)))
    assert (rates["benchmark"] <= 0.06).all(), rates
    assert (rates["change"] <= 0.06).all(), rates
    assert (rates.to_numpy() >= 0.02).all(), rates  # not untestable either: the nominal 5% is reached


@pytest.mark.slow  # a simulation: many seconds of CPU (not in the fast layer)
def test_simulation_with_a_real_difference_still_finds_it():
    den, bands, _ = _denominators_and_tau2()
    moved = {c: 0.03 for c in den["gemeentecode"].iloc[::4]}  # 3 procentpunt on 11%: a realistic difference
    rows = _simulate(den, bands, [101], effect=moved)
    hit = rows[rows["gemeentecode"].isin(moved)]
    assert hit["benchmark_95"].eq(vocab.HOGER).mean() >= 0.6
    rows = _simulate(den, bands, [102], effect=moved, effect_from=2023)  # a true change in the latest year
    hit = rows[rows["gemeentecode"].isin(moved)]
    assert hit["verdict"].eq(vocab.SLECHTER).mean() >= 0.6


def test_nulmeting_has_the_same_season_as_the_latest_half_year():
    periods = ["2019H2", "2020H1", "2020H2", "2021H1", "2021H2", "2022H1", "2022H2", "2023H1", "2023H2", "2024H1"]
    ind = pd.DataFrame({"indicator_id": "sim", "gemeentecode": "GM0001", "period": periods,
                        "period_type": "halfjaar", "value": 10.0, "numerator": 100.0, "denominator": 1000.0})
    r = compare.compare_indicators(ind, CAT, "GM0001", base_year=2020).iloc[0]
    assert (r["base_period"], r["latest_period"]) == ("2020H1", "2024H1")


def test_methods_appendix_states_the_constants_the_code_uses():
    from analyse.report import export

    text = export.appendix_markdown()
    consts = export.method_constants()
    assert consts["stale"] == str(series.STALE_YEARS) and consts["n_bands"] == str(variation.N_BANDS)
    assert f"meer dan {series.STALE_YEARS} jaar" in text and f"({variation.N_BANDS} groepen)" in text
    assert "{" not in text and "}" not in text  # every placeholder filled
    assert "minimaal relevante verandering" not in text  # a rule the code no longer applies
