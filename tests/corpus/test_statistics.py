"""Corpus: degenerate statistical input – zero denominators, one data point, all-equal series, all-zero counts,
a reference region without data. Never a crash, never a number that looks meaningful when it is not: the
verdict is 'niet te beoordelen' / the trend is 'geen trend' with a Dutch reason, or the change is exactly 0."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyse import compare, stats, trends
from analyse.errors import AnalyseError, DataNotAvailableError

CAT = [{"id": "s", "naam": "Aandeel", "unit": "procent", "kind": "share", "per": 100, "polarity": "lager_beter",
        "domein": "jeugd"},
       {"id": "r", "naam": "Per 1000", "unit": "per_1000", "kind": "rate", "per": 1000, "polarity": "lager_beter",
        "domein": "jeugd"}]


def row(gm, period, value, num, den, ind="s", unit="procent"):
    return {"indicator_id": ind, "gemeentecode": gm, "period": period, "period_type": "jaar", "value": value,
            "numerator": num, "denominator": den, "unit": unit, "status": "definitief", "source_table": "T"}


def compare_one(rows, refs=None):
    out = compare.compare_indicators(pd.DataFrame(rows), CAT, "GM0001", refs or {"nederland": "NL01"})
    assert len(out) == 1
    return out.iloc[0]


# ------------------------------------------------------------------------------------------ compare
def test_zero_denominators_not_assessable():
    r = compare_one([row("GM0001", "2019", np.nan, 0, 0), row("GM0001", "2023", np.nan, 0, 0)])
    assert r["verdict"] == "niet te beoordelen" and "ontbreekt of is onderdrukt" in r["verdict_reason"]
    assert np.isnan(r["base_value"]) and np.isnan(r["latest_value"])


def test_rate_zero_exposure_uses_only_valid_point():
    r = compare_one([row("GM0001", "2019", np.nan, 5, 0, "r", "per_1000"),
                     row("GM0001", "2023", 3.0, 3, 1000, "r", "per_1000")])
    assert r["verdict"] == "niet te beoordelen" and r["n_points"] == 1 and r["small_numbers"]


def test_single_data_point():
    r = compare_one([row("GM0001", "2023", 10.0, 100, 1000)])
    assert (r["verdict"], r["n_points"]) == ("niet te beoordelen", 1)
    assert "alleen een waarde voor 2023, geen tweede meetmoment" in r["verdict_reason"]


def test_all_equal_series_is_unchanged():
    r = compare_one([row("GM0001", str(y), 10.0, 100, 1000) for y in range(2018, 2024)])
    assert r["verdict"] == "gelijk gebleven" and r["abs_change"] == 0 and "p = 1,000" in r["verdict_reason"]


def test_suppressed_latest_value_does_not_fall_back_silently():
    r = compare_one([row("GM0001", "2019", 10.0, 100, 1000), row("GM0001", "2021", 11.0, 110, 1000),
                     row("GM0001", "2023", np.nan, np.nan, 1000)])
    # the latest value with a figure is used, and the suppressed newer period is named in the reason
    assert r["latest_period"] == "2021" and r["newer_missing"] == "2023"
    assert "Voor 2023 is (nog) geen waarde gepubliceerd of de waarde is onderdrukt" in r["verdict_reason"]


@pytest.mark.parametrize("ref_rows", [
    pytest.param([], id="reference-absent"),
    pytest.param([row("NL01", "2019", np.nan, np.nan, np.nan), row("NL01", "2023", np.nan, np.nan, np.nan)],
                 id="reference-suppressed"),
])
def test_reference_region_without_data(ref_rows):
    r = compare_one([row("GM0001", "2019", 10.0, 100, 1000), row("GM0001", "2023", 12.0, 120, 1000), *ref_rows])
    assert r["reference_note"] == "Geen gegevens voor Nederland; verschil niet te berekenen."
    assert np.isnan(r["ref_latest_value"]) and np.isnan(r["latest_gap"]) and pd.isna(r["gap_narrowed"])
    assert r["verdict"] == "gelijk gebleven"  # the gemeente's own verdict does not depend on the reference


def test_gemeente_without_any_rows():
    with pytest.raises(DataNotAvailableError, match="Geen indicatoren voor gemeente GM0001"):
        compare.compare_indicators(pd.DataFrame([row("GM0002", "2023", 1.0, 1, 10)]), CAT, "GM0001")


# ------------------------------------------------------------------------------------------ intervals
@pytest.mark.parametrize("num, den", [pytest.param(5, 0, id="zero-denominator"),
                                      pytest.param(5, 3, id="numerator-above-denominator"),
                                      pytest.param(-1, 10, id="negative-numerator"),
                                      pytest.param(np.nan, 10, id="missing-numerator")])
def test_wilson_degenerate_is_nan(num, den):
    assert stats.wilson_interval([num], [den]).iloc[0].isna().all()


def test_poisson_zero_exposure_is_nan():
    assert stats.poisson_rate_interval([5], [0]).iloc[0].isna().all()


def test_funnel_all_zero_refused_with_reason():
    df = pd.DataFrame({"gemeentecode": ["GM1", "GM2"], "numerator": [0.0, 0.0], "denominator": [100.0, 200.0],
                       "value": [0.0, 0.0], "indicator_id": "x", "period": "2022"})
    with pytest.raises(AnalyseError, match="doelwaarde 0.*geen funnel"):
        stats.funnel_limits(df, kind="share", per=100)


# ------------------------------------------------------------------------------------------ trends
def series(values, num=None, den=None):
    n = len(values)
    return pd.DataFrame({"indicator_id": "s", "gemeentecode": "GM0001", "period": [str(2015 + i) for i in range(n)],
                         "period_type": "jaar", "value": values,
                         "numerator": num if num is not None else [np.nan] * n,
                         "denominator": den if den is not None else [np.nan] * n})


@pytest.mark.parametrize("kind, frame", [
    pytest.param("share", series([10.0] * 9, [100] * 9, [1000] * 9), id="share"),
    pytest.param("level", series([5.0] * 9), id="level"),
    pytest.param("rate", series([10.0] * 9), id="rate-log"),
])
def test_trend_all_equal_is_zero_not_significant(kind, frame):
    r = trends.trend(frame, kind).iloc[0]
    assert r["trend_per_year"] == 0 and r["p_value"] == 1.0 and "Alle waarden gelijk" in r["note"]


@pytest.mark.parametrize("kind, frame", [
    pytest.param("rate", series([0.0] * 9, [0] * 9, [1000] * 9), id="rate-zero-counts"),
    pytest.param("count", series([0.0] * 9), id="count-zero"),
])
def test_trend_all_zero_counts_no_crash(kind, frame):
    r = trends.trend(frame, kind).iloc[0]
    assert r["method"] == "geen trend (alle tellingen 0)" and np.isnan(r["trend_per_year"])
    assert "Alle tellingen 0" in r["note"]


@pytest.mark.parametrize("frame, n", [pytest.param(series([10.0]), 1, id="single-point"),
                                      pytest.param(series([]), 0, id="empty"),
                                      pytest.param(series([np.nan] * 6), 0, id="all-suppressed")])
def test_trend_too_few_points(frame, n):
    r = trends.trend(frame, "share").iloc[0]
    assert r["method"] == "geen trend (te weinig punten)" and r["n_points"] == n
    assert f"{n} meetpunt(en), minimaal 4 nodig" in r["note"] and np.isnan(r["trend_per_year"])


def test_did_constant_gap_is_not_an_effect():
    gm = series([10.0] * 8)[["period", "period_type", "value"]]
    ref = series([8.0] * 8)[["period", "period_type", "value"]]
    r = trends.did(gm, ref, 2019).iloc[0]
    assert abs(r["estimate"]) < 1e-9 and r["p_value"] == 1.0 and (r["ci_low"], r["ci_high"]) == (0.0, 0.0)


def test_did_reference_without_data():
    gm = series([10.0] * 8)[["period", "period_type", "value"]]
    r = trends.did(gm, gm.iloc[0:0], 2019).iloc[0]
    assert np.isnan(r["estimate"]) and "Geen verschil-in-verschillen mogelijk" in r["message"]


def test_its_constant_series_no_level_change():
    out = trends.its(series([10.0] * 8)[["period", "period_type", "value"]], 2019).set_index("term")
    assert out.loc["niveauverandering", "p_value"] == 1.0 and out.loc["trendverandering", "p_value"] == 1.0


# ------------------------------------------------------------------------- issue 11 checks on the real data
def _real():
    from analyse import paths

    harm, refs, reg = (paths.processed(n) for n in ("indicators_2024", "referenties_2024", "gemeenten"))
    if not (harm.exists() and reg.exists()) or paths.cbs_dir() is None:
        pytest.skip("the real data (../shared/data, built into data/processed) are not available")
    from analyse import indicators as im

    parts = [pd.read_parquet(harm)] + ([pd.read_parquet(refs)] if refs.exists() else [])
    return im.select_preferred(pd.concat(parts, ignore_index=True)), pd.read_parquet(reg), im.load_catalogue()


def test_real_utrecht_never_compared_with_itself():
    from analyse import references

    ind, reg, cat = _real()
    cf = stats.catalogue_frame(cat)
    cand = references.registry_candidates(reg, 2024, cat, ["jeugdzorg_pct"], codes=["GM0344", "GM0531"])
    rest = references.rest_of_region(ind[ind["indicator_id"] == "jeugdzorg_pct"],
                                     references.registry_membership(reg, 2024), cand, cf["per"].dropna(),
                                     {"GM0344": "Utrecht", "GM0531": "Hendrik-Ido-Ambacht"})
    regio = rest[rest["reference_role"] == "regio"]
    utrecht = regio[regio["gemeentecode"] == "GM0344"]
    assert not utrecht.empty and (utrecht["region_code"] != "JZ22").all()
    assert utrecht["reference_note"].str.contains("bestaat alleen uit de gemeente zelf").all()
    hia = regio[(regio["gemeentecode"] == "GM0531") & regio["value"].notna()]
    assert (hia["region_code"] == "JZ31").all() and len(hia) > 0
    # the rest excludes the gemeente: Σ(JZ31) − GM0531 for every period with counts
    own = ind[(ind["indicator_id"] == "jeugdzorg_pct") & (ind["gemeentecode"] == "GM0531")].set_index("period")
    jz = ind[(ind["indicator_id"] == "jeugdzorg_pct") & (ind["gemeentecode"] == "JZ31")].set_index("period")
    for _, r in hia[hia["reference_basis"] == "regio min gemeente"].iterrows():
        assert r["denominator"] == pytest.approx(jz.at[r["period"], "denominator"] - own.at[r["period"], "denominator"])


def test_real_dispersion_above_one_for_jeugdzorg():
    ind, reg, cat = _real()
    d = compare.estimate_dispersion(ind[ind["indicator_id"].isin(["jeugdzorg_pct", "wmo_clienten_per_1000"])], cat)
    assert (d.set_index("indicator_id")["phi"] > 1.2).all()
