"""Conformance with Fingertips' methods (PHEindicatormethods 2.1.0 test fixtures) and tiny cases derived from them.

The fixtures are read from ``../shared/data/peer-tests-pheindicatormethods`` (never copied); those tests skip
when the folder is absent. The hand-made cases at the top carry the expected numbers of the fixture file
named in their comment, so the methods stay checked without the shared data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analyse import compare, paths, stats, trends

FIXTURES = (paths.cbs_dir() / "peer-tests-pheindicatormethods") if paths.cbs_dir() is not None else None
needs_fixtures = pytest.mark.skipif(FIXTURES is None or not FIXTURES.is_dir(),
                                    reason="../shared/data/peer-tests-pheindicatormethods not available")


def fixture(name: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / name)


def series(years, values, num=None, den=None, low=None, high=None) -> pd.DataFrame:
    out = pd.DataFrame({"period": [str(y) for y in years], "period_type": "jaar", "value": values})
    for col, v in (("numerator", num), ("denominator", den), ("ci_low", low), ("ci_high", high)):
        if v is not None:
            out[col] = v
    return out


# ------------------------------------------------------------------ tiny cases with numbers from the fixtures
def test_recent_trend_share_tiny():
    # trend_markers_prop_trends.csv: Decreasing, Significance 12.5688, Gradient -0.1062
    den = [468.3357879234167, 472.8915662650602, 500.78740157480314, 480.1980198019802, 499.14529914529913]
    s = series(range(2019, 2024), [67.9, 66.4, 63.5, 60.6, 58.5], [318, 314, 318, 291, 292], den)
    r = trends.recent_trend(s, "share").iloc[0]
    assert r["recent_trend"] == "dalend" and r["statistic"] == pytest.approx(12.5688, abs=1e-4)
    assert r["gradient"] == pytest.approx(-0.1062, abs=1e-4)
    assert r["method"].startswith("chi-kwadraattoets")
    good = trends.recent_trend(s, "share", polarity="lager_beter").iloc[0]
    assert good["recent_trend_oordeel"] == "verbetert" and good["recent_trend_label"] == \
        "dalend en verbeterend (2019–2023)"
    assert trends.recent_trend(s, "share", polarity="hoger_beter").iloc[0]["recent_trend_oordeel"] == "verslechtert"
    # our addition: with φ = 2 the statistic halves (6,28 < 9,55) → no significant change
    assert trends.recent_trend(s, "share", phi=2.0).iloc[0]["recent_trend"] == "geen significante verandering"


def test_recent_trend_other_tiny():
    # trend_markers_other_trends.csv: Decreasing, Significance 46.7636, Gradient -1.7516
    s = series(range(1, 6), [30.6, 30.2, 28.0, 24.6, 24.67], low=[28.98, 28.63, 26.44, 23.15, 23.16],
               high=[32.25, 31.9, 29.64, 26.19, 26.25])
    r = trends.recent_trend(s, "rate").iloc[0]
    assert r["recent_trend"] == "dalend" and r["statistic"] == pytest.approx(46.7636, abs=1e-4)
    assert r["gradient"] == pytest.approx(-1.7516, abs=1e-4) and r["method"] == "gewogen kleinste kwadraten"


def test_recent_trend_cannot_be_calculated_and_outlier():
    few = series(range(2019, 2023), [1.0, 2.0, 3.0, 4.0], low=[0.5] * 4, high=[1.5, 2.5, 3.5, 4.5])
    r = trends.recent_trend(few, "rate").iloc[0]
    assert r["recent_trend"] == "niet te berekenen" and "te weinig meetpunten" in r["recent_trend_reason"]
    gap = series(range(2019, 2024), [1.0, np.nan, 3.0, 4.0, 5.0], low=[0.5] * 5, high=[1.5] * 5)
    assert trends.recent_trend(gap, "rate").iloc[0]["recent_trend_reason"] == "ontbrekende waarden"
    lvl = series(range(2019, 2024), [1.0, 2.0, 3.0, 4.0, 5.0])
    assert trends.recent_trend(lvl, "level").iloc[0]["recent_trend"] == "niet te berekenen"
    # a single huge last point makes a significant rise; without it the other four fall → outlier
    out = series(range(2019, 2024), [10.0, 9.8, 9.6, 9.4, 30.0], low=[9.9, 9.7, 9.5, 9.3, 29.9],
                 high=[10.1, 9.9, 9.7, 9.5, 30.1])
    r = trends.recent_trend(out, "rate").iloc[0]
    assert r["recent_trend"] == "geen significante verandering" and r["recent_trend_reason"].startswith("uitschieter")
    assert r["recent_trend_label"] == "geen duidelijke verandering (uitschieter) (2019–2023)"


def test_only_five_latest_points_count():
    # trend_markers_other_6.csv: 6 points, the 5 latest give No significant change, 0.7433, -0.2256
    s = series(range(1, 7), [30.6, 30.2, 28.0, 24.6, 24.67, 30.9],
               low=[28.98, 28.63, 26.44, 23.15, 23.16, 28.98], high=[32.25, 31.9, 29.64, 26.19, 26.25, 32.25])
    r = trends.recent_trend(s, "rate").iloc[0]
    assert r["recent_trend"] == "geen significante verandering"
    assert r["statistic"] == pytest.approx(0.7433, abs=1e-4) and r["gradient"] == pytest.approx(-0.2256, abs=1e-4)
    assert (r["first_period"], r["last_period"], r["n_points"]) == ("2", "6", 5)


def test_wilson_and_byar_tiny():
    # byars_wilson.csv rows: Wilson 65/100 at 95% and 99.8%, Byar 65 at 95%
    w = stats.wilson_interval([65.0], [100.0])
    assert (w["ci_low"][0], w["ci_high"][0]) == pytest.approx((0.5525444329688797, 0.7363575175690247), abs=1e-9)
    w998 = stats.wilson_interval([65.0], [100.0], alpha=0.002)
    assert (w998["ci_low"][0], w998["ci_high"][0]) == pytest.approx((0.4954946574070431, 0.7783540614089697),
                                                                    abs=1e-9)
    b = stats.byar_interval([65.0])
    assert (b["ci_low"][0], b["ci_high"][0]) == pytest.approx((50.163187710459454, 82.84913854593984), abs=1e-6)


def test_funnel_share_limits_tiny():
    # funnel_prop_outputs.csv: baseline 80.642448%, population 1 → 95% lower 3.204264, 99.8% lower 0 (clipped);
    # population 110000 → 80.408963 … 80.875933 (95%), 80.274317 … 81.010578 (99.8%)
    theta = 0.80642448
    lo, hi = stats.funnel_limit_values(theta, [1.0, 110000.0], 0.95, "share")
    assert lo * 100 == pytest.approx([3.204264, 80.408963], abs=2e-5)
    assert hi * 100 == pytest.approx([100.0, 80.875933], abs=2e-5)
    lo, hi = stats.funnel_limit_values(theta, [1.0, 110000.0], 0.998, "share")
    assert lo * 100 == pytest.approx([0.0, 80.274317], abs=2e-5)
    assert hi * 100 == pytest.approx([100.0, 81.010578], abs=2e-5)


def test_funnel_rate_limits_tiny():
    # funnel_rate_outputs.csv, Events = 1, baseline 116.1720835 per 100,000, 3 years: the 95% lower limit
    # 20.85059119 is reached at population 1598.675694 per year (= 4796.03 person-years)
    theta = 116.1720835 / 1e5
    lo, hi = stats.funnel_limit_values(theta, [1598.675694 * 3], 0.95, "rate")
    assert lo[0] * 1e5 == pytest.approx(20.85059119, rel=1e-6)
    lo, hi = stats.funnel_limit_values(theta, [7.264481402 * 3], 0.95, "rate")
    assert hi[0] * 1e5 == pytest.approx(4588.535848, rel=1e-6)


# ------------------------------------------------------------------------------- the fixtures themselves
@needs_fixtures
@pytest.mark.parametrize("name", ["trend_markers_prop_trends.csv", "trend_markers_prop_grouped.csv",
                                  "trend_markers_other_trends.csv", "trend_markers_other_grouped.csv",
                                  "trend_markers_other_6.csv"])
def test_trend_marker_fixtures(name):
    f = fixture(name)
    prop = "prop" in name
    group = "Ethnicity" if "Ethnicity" in f.columns else None
    words = {"Decreasing": "dalend", "Increasing": "stijgend", "No significant change": "geen significante verandering",
             "Cannot be calculated": "niet te berekenen"}
    groups = f.groupby(group, sort=False) if group else [("", f)]
    checked = 0
    for _, g in groups:
        den = g["denominator"] if prop else g["Denominator"]
        # the package requires Count/denominator for proportions, Value/LL/UL for other kinds
        if prop:
            s = series(g["Year"], g["Value"].to_numpy(float), g["Count"].to_numpy(float), den.to_numpy(float))
            if s[["numerator", "denominator"]].isna().any().any():
                s.loc[s["numerator"].isna() | s["denominator"].isna(), "value"] = np.nan
        else:
            s = series(g["Year"], g["Value"].to_numpy(float), low=g["LL"].to_numpy(float),
                       high=g["UL"].to_numpy(float))
        s["period"] = g["Year"].astype(int).astype(str).to_numpy()
        r = trends.recent_trend(s, "share" if prop else "rate").iloc[0]
        want = g.iloc[-1]
        assert r["recent_trend"] == words[want["recent_trend"]], (name, want.to_dict(), r.to_dict())
        if pd.notna(want["Significance"]):
            assert r["statistic"] == pytest.approx(want["Significance"], abs=1e-4)
            assert r["gradient"] == pytest.approx(want["Gradient"], abs=1e-4)
        checked += 1
    assert checked == (5 if group else 1)


@needs_fixtures
def test_byars_wilson_fixture():
    f = fixture("byars_wilson.csv")
    for _, r in f.iterrows():
        alpha = 0.05 if r["confidence"] == "95%" else 0.002
        if r["method"] == "Wilson":
            got = stats.wilson_interval([r["x"]], [r["n"]], alpha)
            lo, hi = got["ci_low"][0], got["ci_high"][0]
        else:
            got = stats.byar_interval([r["x"]], alpha)
            lo, hi = got["ci_low"][0], got["ci_high"][0]
        assert hi == pytest.approx(r["uppercl"], rel=1e-9)
        if pd.isna(r["lowercl"]):
            assert np.isnan(lo)
        else:
            assert lo == pytest.approx(r["lowercl"], rel=1e-9)


def _significance(points: pd.DataFrame) -> list[str]:
    out = []
    for p95, p998 in zip(points["positie_95"], points["positie_998"]):
        if p998 != "binnen":
            out.append("High (0.001)" if p998 == "boven" else "Low (0.001)")
        elif p95 != "binnen":
            out.append("High (0.025)" if p95 == "boven" else "Low (0.025)")
        else:
            out.append("Not significant")
    return out


@needs_fixtures
def test_funnel_proportion_fixture():
    inp = fixture("funnel_prop_inputs.csv")
    df = pd.DataFrame({"gemeentecode": inp["Area"], "numerator": inp["numerator"], "denominator": inp["denominator"]})
    f = stats.funnel_limits(df, overdispersion=None, kind="share", per=100)
    assert _significance(f.points) == inp["significance"].tolist()
    out = fixture("funnel_prop_outputs.csv")
    assert f.summary["target"].iloc[0] == pytest.approx(out["Baseline"].iloc[0], abs=1e-6)
    theta = f.summary["target"].iloc[0] / 100
    for level, lo_col, hi_col in ((0.95, "Lower2s0025limit", "Upper2s0025limit"),
                                  (0.998, "Lower3s0001limit", "Upper3s0001limit")):
        lo, hi = stats.funnel_limit_values(theta, out["Population"], level, "share")
        np.testing.assert_allclose(lo * 100, out[lo_col], atol=2e-5)
        np.testing.assert_allclose(hi * 100, out[hi_col], atol=2e-5)


@needs_fixtures
def test_funnel_rate_fixture():
    inp = fixture("funnel_rate_input_funnels.csv")
    den = inp["ev"] / inp["rate"] * 1e5  # person-years behind a directly standardised rate
    df = pd.DataFrame({"gemeentecode": range(len(inp)), "numerator": inp["ev"], "denominator": den})
    f = stats.funnel_limits(df, overdispersion=None, kind="rate", per=1e5)
    out = fixture("funnel_rate_outputs.csv")
    assert f.summary["target"].iloc[0] == pytest.approx(out["baseline"].iloc[0], rel=1e-8)
    theta = f.summary["target"].iloc[0] / 1e5
    for lvl, s in ((0.95, "2s"), (0.998, "3s")):
        lo, _ = stats.funnel_limit_values(theta, out[f"lower_{s}_population_1_year"] * 3, lvl, "rate")
        # 99.8% at 1–2 events differs by 1.6e-6 relative (the package's own rounding of z); 1e-5 elsewhere too
        np.testing.assert_allclose(lo * 1e5, out[f"lower_{s}_limit"], rtol=1e-5)
        _, hi = stats.funnel_limit_values(theta, out[f"upper_{s}_population_1_year"] * 3, lvl, "rate")
        np.testing.assert_allclose(hi * 1e5, out[f"upper_{s}_limit"], rtol=1e-5)


@needs_fixtures
def test_funnel_ratio_fixture():
    inp = fixture("funnel_ratio_inputs.csv")
    df = pd.DataFrame({"gemeentecode": range(len(inp)), "numerator": inp["obs"], "denominator": inp["expected"]})
    f = stats.funnel_limits(df, overdispersion=None, kind="ratio", per=100)
    assert f.summary["target"].iloc[0] == 100
    assert _significance(f.points) == inp["significance"].tolist()
    out = fixture("funnel_ratio_outputs.csv")
    obs = out.iloc[:, 0].astype(float)
    for lvl, s in ((0.95, "2s"), (0.998, "3s")):
        lo, _ = stats.funnel_limit_values(1.0, out[f"lower_{s}_exp_events"], lvl, "ratio")
        np.testing.assert_allclose(lo * 100, out[f"lower_{s}_isr"], rtol=1e-5)
        # the exact upper bound of the expected count given the observed events is the fixture's exp_events
        upper = stats.poisson_rate_interval(obs, 1.0, 1.0, alpha=1 - lvl)["ci_high"]
        np.testing.assert_allclose(upper, out[f"lower_{s}_exp_events"], rtol=1e-5)


def test_funnel_keeps_overdispersion_adjustment():
    rng = np.random.default_rng(3)
    den = rng.integers(500, 20000, 200).astype(float)
    true = 0.02 * np.exp(rng.normal(0, 0.3, 200))
    df = pd.DataFrame({"gemeentecode": range(200), "numerator": rng.poisson(true * den), "denominator": den})
    plain = stats.funnel_limits(df, overdispersion=None, kind="rate", per=1000)
    adj = stats.funnel_limits(df, kind="rate", per=1000)
    assert adj.summary["phi"].iloc[0] > 2 and bool(adj.summary["adjusted"].iloc[0])
    assert (adj.points["positie_998"] != "binnen").sum() < (plain.points["positie_998"] != "binnen").sum()
    # positions agree with the drawn limits
    lim = adj.limits[adj.limits["level"] == 0.95]
    assert (lim["upper"] - lim["target"]).iloc[0] > 0


def test_benchmark_comparison_uses_both_levels():
    # 65/100 (Wilson 55,3–73,6 at 95%, 49,5–77,8 at 99,8%, byars_wilson.csv) against 50%: higher, and at 99.8% too
    f = pd.DataFrame({"latest_value": [65.0], "latest_ci_low": [55.25444329688797], "latest_ci_high": [73.6357517569],
                      "latest_ci998_low": [49.54946574070431], "latest_ci998_high": [77.83540614089697],
                      "ref_latest_value": [50.0], "polarity": ["neutraal"], "reference_label": ["Nederland"]})
    b = compare.benchmark_comparison(f).iloc[0]
    assert (b["benchmark_95"], b["benchmark_998"]) == ("hoger", "vergelijkbaar")
    assert b["benchmark_label"] == "hoger dan Nederland, buiten de marge van toeval"
    assert RECENT == pytest.approx(sps.chi2.ppf(0.998, 1))


RECENT = trends.RECENT_TREND_CRITICAL


def test_recent_trends_all_uses_catalogue_and_dispersion():
    den = [468.3357879234167, 472.8915662650602, 500.78740157480314, 480.1980198019802, 499.14529914529913]
    rows = series(range(2019, 2024), [67.9, 66.4, 63.5, 60.6, 58.5], [318, 314, 318, 291, 292], den)
    frame = pd.concat([rows.assign(gemeentecode="GM0001"), rows.assign(gemeentecode="GM0002")]).assign(indicator_id="s")
    cat = [{"id": "s", "kind": "share", "per": 100, "polarity": "lager_beter"}]
    out = trends.recent_trends_all(frame, cat)
    assert out["recent_trend"].tolist() == ["dalend", "dalend"]
    assert out["recent_trend_oordeel"].tolist() == ["verbetert", "verbetert"]
    damped = trends.recent_trends_all(frame, cat, codes=["GM0001"], dispersion={"s": 2.0})
    assert damped["recent_trend"].tolist() == ["geen significante verandering"]
