"""Tests for analyse.stats: hand-checked intervals, flags and funnel limits."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analyse import stats
from analyse.errors import AnalyseError

CATALOGUE = [
    {"id": "jeugd_pct", "kind": "share", "per": 100, "polarity": "lager_beter", "unit": "procent"},
    {"id": "bijstand_per_1000", "kind": "rate", "per": 1000, "polarity": "lager_beter", "unit": "per_1000"},
    {"id": "inwoners", "kind": "count", "polarity": "neutraal", "unit": "aantal"},
    {"id": "score", "kind": "level", "polarity": "hoger_beter", "unit": "index"},
]


def test_wilson_10_of_100_by_hand():
    # p = 0.1, n = 100, z = 1.959964, z² = 3.841459
    # centre = (p + z²/2n) / (1 + z²/n) = (0.1 + 0.0192073) / 1.0384146 = 0.1147993
    # half   = z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n) = 1.959964·sqrt(0.0009 + 0.00009604) / 1.0384146 = 0.0595685
    # → [0.0552308, 0.1743678]
    out = stats.wilson_interval(10, 100)
    assert out.loc[0, "share"] == pytest.approx(0.1)
    assert out.loc[0, "ci_low"] == pytest.approx(0.0552291, abs=2e-6)
    assert out.loc[0, "ci_high"] == pytest.approx(0.1743657, abs=2e-6)


def test_wilson_vectorised_and_edge_cases():
    num = pd.Series([0, 5, 3, 4, 7], index=list("abcde"))
    den = pd.Series([50, 5, 0, np.nan, 5], index=list("abcde"))
    out = stats.wilson_interval(num, den)
    assert list(out.index) == list("abcde")
    assert out.loc["a", "ci_low"] == 0.0  # 0 events: lower bound 0, upper > 0
    assert out.loc["a", "ci_high"] == pytest.approx(3.841459 / (50 + 3.841459), rel=1e-6)  # z²/(n+z²)
    assert out.loc["b", "ci_high"] == 1.0
    assert out.loc[["c", "d", "e"]].isna().all().all()  # zero/missing denominator, num > den


def test_poisson_exact_five_events():
    # Garwood: lower = chi2.ppf(0.025, 10)/2 = 3.2470/2 = 1.62349; upper = chi2.ppf(0.975, 12)/2 = 23.3367/2 = 11.6683
    out = stats.poisson_rate_interval(5, 1000, per=1000)
    assert out.loc[0, "rate"] == pytest.approx(5.0)
    assert out.loc[0, "ci_low"] == pytest.approx(1.623486, abs=1e-5)
    assert out.loc[0, "ci_high"] == pytest.approx(11.668332, abs=1e-5)
    # per 1.000 on 10.000 inwoners: everything divided by 10
    out = stats.poisson_rate_interval([5], [10_000], per=1000)
    assert out.loc[0, "ci_high"] == pytest.approx(1.1668332, abs=1e-6)


def test_poisson_zero_events_and_bad_exposure():
    # k = 0: lower 0, upper = chi2.ppf(0.975, 2)/2 = -ln(0.025) = 3.688879
    out = stats.poisson_rate_interval([0, 3, 3, np.nan], [1000, 0, -5, 100], per=1000)
    assert out.loc[0, "ci_low"] == 0.0
    assert out.loc[0, "ci_high"] == pytest.approx(-math.log(0.025), rel=1e-9)
    assert out.loc[1:].isna().all().all()


def _indicators() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator_id": ["jeugd_pct", "jeugd_pct", "bijstand_per_1000", "inwoners", "score", "jeugd_pct",
                         "onbekend"],
        "gemeentecode": ["GM0001", "GM0002", "GM0001", "GM0001", "GM0001", "GM0003", "GM0001"],
        "period": ["2023"] * 7,
        "period_type": ["jaar"] * 7,
        "value": [10.0, np.nan, 5.0, 1000.0, 3.2, 25.0, 1.0],
        "numerator": [10.0, 5.0, 5.0, np.nan, np.nan, 5.0, np.nan],
        "denominator": [100.0, 100.0, 1000.0, np.nan, np.nan, 20.0, np.nan],
    })


def test_add_intervals_by_kind_without_mutation():
    df = _indicators()
    before = df.copy()
    out = stats.add_intervals(df, CATALOGUE)
    pd.testing.assert_frame_equal(df, before)
    # share: Wilson 10/100 × 100
    assert out.loc[0, "ci_low"] == pytest.approx(5.52291, abs=1e-4)
    assert out.loc[0, "ci_method"] == "wilson"
    # suppressed share: numerator present but value NaN → no interval, flagged
    assert np.isnan(out.loc[1, "ci_low"]) and out.loc[1, "suppressed"]
    # rate: exact Poisson for 5 events per 1.000 inwoners
    assert out.loc[2, "ci_high"] == pytest.approx(11.668332, abs=1e-4)
    assert out.loc[2, "ci_method"] == "poisson_exact"
    # count, level, unknown id: no interval
    assert out.loc[[3, 4, 6], "ci_low"].isna().all()
    assert set(out.loc[[3, 4, 6], "ci_method"]) == {"geen"}
    # small numbers: 5 < 10 events; 20 < 100 denominator
    assert out["small_numbers"].tolist() == [False, True, True, False, False, True, False]
    # rounded small counts: multiples of 5 below 50
    assert out["rounded_small"].tolist() == [True, True, True, False, False, True, False]


def test_add_intervals_keeps_published_intervals():
    df = _indicators().assign(ci_low=np.nan, ci_high=np.nan)
    df.loc[4, ["ci_low", "ci_high"]] = [3.0, 3.4]
    out = stats.add_intervals(df, CATALOGUE)
    assert out.loc[4, ["ci_low", "ci_high"]].tolist() == [3.0, 3.4]
    assert out.loc[4, "ci_method"] == "gepubliceerd"


def test_small_number_thresholds_are_parameters():
    out = stats.small_number_flags(pd.Series([20.0, 50.0]), pd.Series([500.0, 500.0]), min_numerator=30)
    assert out["small_numbers"].tolist() == [True, False]


def test_period_time_and_type():
    t = stats.period_time(pd.Series(["2015", "2015H1", "2015H2", "2015Q3", "2016-01-01", "onzin"]))
    assert t.iloc[:5].tolist() == [2015.0, 2015.25, 2015.75, 2015.625, 2016.0]
    assert np.isnan(t.iloc[5])
    assert stats.period_type_of(["2015", "2015H1", "2015Q1", "2015-12-31"]).tolist() == [
        "jaar", "halfjaar", "kwartaal", "peildatum"]


def _funnel_frame() -> pd.DataFrame:
    # target 10%, every denominator 100 → s = sqrt(0.1·0.9/100) = 0.03
    # z = [-3,-2,-1,0,0,0,0,1,2,3] → numerator = 10 + 3z
    z = np.array([-3, -2, -1, 0, 0, 0, 0, 1, 2, 3], dtype=float)
    num = 10 + 3 * z
    return pd.DataFrame({"gemeentecode": [f"GM{i:04d}" for i in range(10)], "numerator": num,
                         "denominator": 100.0, "value": num, "indicator_id": "x", "period": "2023"})


def test_funnel_phi_multiplicative_by_hand():
    df = _funnel_frame()
    before = df.copy()
    f = stats.funnel_limits(df, kind="share", per=100)
    pd.testing.assert_frame_equal(df, before)
    # pooled target = 100/1000 = 10%. Winsorising z at its 10%/90% quantiles (linear: -2.1 and 2.1):
    # z_w = [-2.1,-2,-1,0,0,0,0,1,2,2.1]; phi = (4.41+4+1+1+4+4.41)/10 = 1.882
    assert f.summary.loc[0, "target"] == pytest.approx(10.0)
    assert f.summary.loc[0, "phi"] == pytest.approx(1.882)
    assert f.points["z"].tolist() == pytest.approx([-3, -2, -1, 0, 0, 0, 0, 1, 2, 3])
    # z=3 → 3/sqrt(1.882) = 2.1868: above the 95% limit (1.96), inside 99.8% (3.09)
    assert f.points["z_adjusted"].iloc[9] == pytest.approx(3 / math.sqrt(1.882))
    assert f.points["positie_95"].tolist() == ["onder"] + ["binnen"] * 8 + ["boven"]
    assert set(f.points["positie_998"]) == {"binnen"}
    # limit at n=100: 10 ± 1.959964·sqrt(1.882)·3 = 10 ± 8.0665
    lim = f.limits[(f.limits["level"] == 0.95)]
    upper_at_100 = np.interp(100, lim["denominator"], lim["upper"])
    assert upper_at_100 == pytest.approx(10 + 1.959964 * math.sqrt(1.882) * 3, rel=1e-3)


def test_funnel_without_adjustment_and_additive():
    df = _funnel_frame()
    f = stats.funnel_limits(df, overdispersion=None, kind="share", per=100)
    # unadjusted: z = ±2 is outside 95%; z = 3 < 3.0902 stays inside 99.8%
    assert f.points["positie_95"].tolist() == ["onder", "onder"] + ["binnen"] * 6 + ["boven", "boven"]
    assert set(f.points["positie_998"]) == {"binnen"}
    a = stats.funnel_limits(df, overdispersion="additive", kind="share", per=100)
    # equal weights w = 1/0.0009: tau² = (n·phi − (n−1)) / (Σw − Σw²/Σw) = (18.82 − 9)/(9·1111.1) = 0.000982
    assert a.summary.loc[0, "tau2"] == pytest.approx(0.000982 * 100**2)
    # z_adj(3) = 0.09 / sqrt(0.0009 + 0.000982) = 2.07457
    assert a.points["z_adjusted"].iloc[9] == pytest.approx(0.09 / math.sqrt(0.001882))


def test_funnel_keeps_unusable_rows_and_refuses_bad_input():
    df = _funnel_frame()
    df.loc[0, "value"] = np.nan  # suppressed
    df.loc[1, "denominator"] = 0.0
    f = stats.funnel_limits(df, kind="share", per=100)
    assert f.points["positie_95"].iloc[:2].tolist() == ["niet te beoordelen"] * 2
    with pytest.raises(AnalyseError, match="één period"):
        stats.funnel_limits(df.assign(period=["2022"] * 5 + ["2023"] * 5), kind="share", per=100)
    with pytest.raises(AnalyseError, match="geen enkele"):
        stats.funnel_limits(df.assign(value=np.nan), kind="share", per=100)
    with pytest.raises(AnalyseError, match="overdispersion"):
        stats.funnel_limits(df, overdispersion="quadratic", kind="share", per=100)  # type: ignore[arg-type]


def test_funnel_rates():
    # rate target 5 per 1.000 on exposures of 1000 → s = sqrt(0.005/1000)
    df = pd.DataFrame({"gemeentecode": ["A", "B", "C"], "numerator": [5.0, 5.0, 20.0],
                       "denominator": [1000.0, 1000.0, 1000.0], "value": [5.0, 5.0, 20.0]})
    f = stats.funnel_limits(df, kind="rate", per=1000, target=5.0, overdispersion=None)
    assert f.points["z"].iloc[2] == pytest.approx((0.02 - 0.005) / math.sqrt(0.005 / 1000))
    assert f.points["positie_998"].tolist() == ["binnen", "binnen", "boven"]


def test_funnel_all_kinds_and_positions_match_limits():
    df = pd.DataFrame({"gemeentecode": ["A", "B", "C", "D"], "numerator": [10.0, 50.0, 30.0, 200.0],
                       "denominator": [1000.0, 2000.0, 3000.0, 4000.0]})
    rate = stats.funnel_limits(df, kind="rate", per=1000, overdispersion=None)
    count = stats.funnel_limits(df, kind="count", per=1000, overdispersion=None)
    pd.testing.assert_frame_equal(rate.points, count.points)
    # exact Poisson limits at each point's own exposure decide the position
    theta = 290 / 10000
    for _, p in rate.points.iterrows():
        lo, hi = stats.funnel_limit_values(theta, [p["denominator"]], 0.95, "rate")
        inside = lo[0] <= p["numerator"] / p["denominator"] <= hi[0]
        assert (p["positie_95"] == "binnen") == inside
    ratio = stats.funnel_limits(df.assign(denominator=[12.0, 40.0, 35.0, 190.0]), kind="ratio", per=100,
                                overdispersion=None)
    assert ratio.summary["target"].iloc[0] == 100 and ratio.points["positie_95"].tolist()[0] == "binnen"
    with pytest.raises(AnalyseError, match="niveau zonder teller en noemer"):
        stats.funnel_limits(df, kind="level", per=1)
    with pytest.raises(AnalyseError, match="onbekende methode"):
        stats.funnel_limits(df, kind="rate", per=1000, method="byar")


def test_funnel_takes_kind_and_per_from_the_catalogue():
    # Wmo cliënten per 1.000: a rate per 1.000, never "a share per 100" (target 66, not 6,6)
    df = pd.DataFrame({"indicator_id": "wmo_clienten_per_1000", "period": "2023",
                       "gemeentecode": ["GM1", "GM2", "GM3", "GM4"], "numerator": [660.0, 1300.0, 700.0, 2000.0],
                       "denominator": [10000.0, 20000.0, 10000.0, 30000.0]})
    df["value"] = df["numerator"] / df["denominator"] * 1000
    f = stats.funnel_limits(df)
    assert f.summary.loc[0, "target"] == pytest.approx(4660 / 70000 * 1000)
    assert f.summary.loc[0, "method"] == "exact"  # Poisson, not Wilson
    with pytest.raises(AnalyseError, match="per=1000, niet 100"):
        stats.funnel_limits(df, per=100)
    with pytest.raises(AnalyseError, match="een rate, niet een share"):
        stats.funnel_limits(df, kind="share")


def test_funnel_without_indicator_id_needs_kind_and_per():
    df = _funnel_frame().drop(columns=["indicator_id"])
    with pytest.raises(AnalyseError, match="niet geraden"):
        stats.funnel_limits(df)
    with pytest.raises(AnalyseError, match="Geef dan kind en per"):
        stats.funnel_limits(_funnel_frame())
