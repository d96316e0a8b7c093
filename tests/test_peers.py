"""Tests for analyse.peers: z-score nearest neighbours, size classes, covariate building."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analyse import peers
from analyse.errors import AnalyseError, UnknownGemeenteError


def _cov() -> pd.DataFrame:
    return pd.DataFrame({
        "gemeentecode": ["GM0001", "GM0002", "GM0003", "GM0004", "GM0005", "GM0006"],
        "x": [1.0, 2.0, 3.0, 4.0, 5.0, 3.0],
        "y": [10.0, 10.0, 20.0, 20.0, 40.0, np.nan],
    })


def test_euclidean_peers_by_hand():
    df = _cov()
    before = df.copy()
    out = peers.select_peers(df, "GM0001", k=3, covariates=["x", "y"])
    pd.testing.assert_frame_equal(df, before)
    # GM0006 excluded (y missing) before standardising: x mean 3, sd sqrt(2,5) = 1,5811;
    # y mean 20, sd sqrt(600/4) = 12,247. Distances from GM0001 (z = −1,2649, −0,8165):
    # GM0002 sqrt(0,4) = 0,6325; GM0003 sqrt(1,6 + 0,6667) = 1,5055; GM0004 sqrt(3,6 + 0,6667) = 2,0656
    assert out["gemeentecode"].tolist() == ["GM0002", "GM0003", "GM0004"]
    assert out["rank"].tolist() == [1, 2, 3]
    assert out["distance"].tolist() == pytest.approx([math.sqrt(0.4), math.sqrt(1.6 + 2 / 3),
                                                      math.sqrt(3.6 + 2 / 3)])
    assert out["z_x"].iloc[0] == pytest.approx(-1 / math.sqrt(2.5))
    assert "GM0001" not in out["gemeentecode"].tolist()
    assert out.attrs["excluded"] == ["GM0006"] and "GM0006 uitgesloten" in out.attrs["notes"][0]


def test_weights_and_mahalanobis():
    df = _cov()
    # weight 0 on y: only x counts → GM0002 (|dz| = 0,63), then GM0003 (1,26)
    out = peers.select_peers(df, "GM0001", k=2, covariates=["x", "y"], weights={"y": 0.0})
    assert out["distance"].tolist() == pytest.approx([1 / math.sqrt(2.5), 2 / math.sqrt(2.5)])
    m = peers.select_peers(df, "GM0001", k=4, covariates=["x", "y"], method="mahalanobis")
    # with one covariate Mahalanobis on z-scores equals Euclidean; with two it accounts for the correlation
    one = peers.select_peers(df, "GM0001", k=4, covariates=["x"], method="mahalanobis")
    assert one["distance"].tolist() == pytest.approx(
        peers.select_peers(df, "GM0001", k=4, covariates=["x"])["distance"].tolist())
    assert len(m) == 4 and (m["distance"].diff().dropna() >= 0).all()


def test_mahalanobis_weights_change_the_neighbours():
    """Issue 11 defect 6: weights must not cancel in the Mahalanobis distance."""
    df = pd.DataFrame({"gemeentecode": [f"GM000{i}" for i in range(1, 7)],
                       "size": [0.0, 0.1, 3.0, 1.5, -1.0, 2.0],
                       "age": [0.0, 3.0, 0.1, 1.0, 2.0, -1.5]})
    plain = peers.select_peers(df, "GM0001", k=1, covariates=["size", "age"], method="mahalanobis")
    on_size = peers.select_peers(df, "GM0001", k=1, covariates=["size", "age"], method="mahalanobis",
                                 weights={"size": 10.0})
    on_age = peers.select_peers(df, "GM0001", k=1, covariates=["size", "age"], method="mahalanobis",
                                weights={"age": 10.0})
    # before the fix all three gave the same neighbour (GM0005); weight on age now picks GM0003, which is
    # closest in age, and weight on size moves GM0002 (closest in size) from 4th to 2nd place
    assert plain["gemeentecode"].tolist() == ["GM0005"]
    assert on_age["gemeentecode"].tolist() == ["GM0003"]
    order = peers.select_peers(df, "GM0001", k=5, covariates=["size", "age"], method="mahalanobis",
                               weights={"size": 10.0})["gemeentecode"].tolist()
    assert order.index("GM0002") == 1
    assert on_size["distance"].iloc[0] != pytest.approx(plain["distance"].iloc[0])
    # one covariate: weight w scales the distance by sqrt(w) (it cancelled before the fix)
    one = peers.select_peers(df, "GM0001", k=3, covariates=["size"], method="mahalanobis")
    w4 = peers.select_peers(df, "GM0001", k=3, covariates=["size"], method="mahalanobis", weights=[4.0])
    assert w4["distance"].tolist() == pytest.approx((2 * one["distance"]).tolist())


def test_failures():
    df = _cov()
    with pytest.raises(AnalyseError, match="slechts 4 kandidaten"):
        peers.select_peers(df, "GM0001", k=5, covariates=["x", "y"])
    with pytest.raises(AnalyseError, match="GM0006 mist"):
        peers.select_peers(df, "GM0006", k=2, covariates=["x", "y"])
    with pytest.raises(UnknownGemeenteError):
        peers.select_peers(df, "GM9999", covariates=["x"])
    with pytest.raises(AnalyseError, match="spreiding"):
        peers.select_peers(df.assign(c=1.0), "GM0001", k=2, covariates=["x", "c"])
    with pytest.raises(AnalyseError, match="methode"):
        peers.select_peers(df, "GM0001", covariates=["x"], method="cosine")
    with pytest.raises(AnalyseError, match="kandidaten"):
        peers.select_peers(df.iloc[:1], "GM0001", k=1, covariates=["x"])


def _registry() -> pd.DataFrame:
    return pd.DataFrame({
        "gemeentecode": ["GM0001", "GM0002", "GM0003", "GM0004", "GM0001"],
        "indelingsjaar": [2024, 2024, 2024, 2024, 2023],
        "gemeentenaam": ["A", "B", "C", "D", "A"],
        "grootteklasse": ["20.000 tot 50.000 inwoners", "20.000 tot 50.000 inwoners",
                          "minder dan 20.000 inwoners", "20.000 tot 50.000 inwoners", None],
        "inwoners": [30_000.0, 40_000.0, 10_000.0, 25_000.0, np.nan],
    })


def test_size_class_peers():
    out = peers.size_class_peers(_registry(), "GM0001", 2024)
    assert out["gemeentecode"].tolist() == ["GM0002", "GM0004"]
    with pytest.raises(UnknownGemeenteError):
        peers.size_class_peers(_registry(), "GM0009", 2024)
    with pytest.raises(AnalyseError, match="onbekend"):
        peers.size_class_peers(_registry(), "GM0001", 2023)


def test_build_covariates():
    rows = []
    for code, inw, old in (("GM0001", 30_000.0, 20.0), ("GM0002", np.nan, 15.0), ("NL01", 1.8e7, 19.0)):
        rows.append({"indicator_id": "inwoners", "gemeentecode": code, "period": "2023", "value": inw})
        rows.append({"indicator_id": "aandeel_65plus", "gemeentecode": code, "period": "2022", "value": old - 1})
        rows.append({"indicator_id": "aandeel_65plus", "gemeentecode": code, "period": "2023", "value": old})
    ind = pd.DataFrame(rows)
    out = peers.build_covariates(ind, _registry(), indicator_ids={"inwoners": "inwoners",
                                                                   "aandeel_65plus": "aandeel_65plus"})
    out = out.set_index("gemeentecode")
    assert list(out.index) == ["GM0001", "GM0002", "GM0003", "GM0004"]  # registry 2024, no NL01
    assert out.loc["GM0001", "aandeel_65plus"] == 20.0  # latest yearly value
    assert out.loc["GM0002", "inwoners"] == 40_000.0  # registry fallback
    assert out.loc["GM0001", "log_inwoners"] == pytest.approx(math.log10(30_000))
    assert np.isnan(out.loc["GM0003", "aandeel_65plus"])  # not imputed
    p22 = peers.build_covariates(ind, period="2022", indicator_ids={"aandeel_65plus": "aandeel_65plus"})
    assert p22.set_index("gemeentecode").loc["GM0002", "aandeel_65plus"] == 14.0


def test_index_input_not_mutated():
    df = _cov().set_index("gemeentecode")
    df.index = pd.Index(df.index.tolist(), dtype=object)
    before = df.copy()
    peers.select_peers(df, "GM0001", k=1, covariates=["x"])
    pd.testing.assert_frame_equal(df, before)


def test_urbanity_covariate_and_default_weights():
    rows = []
    for code, inw, oad in (("GM0001", 30_000.0, 2000.0), ("GM0002", 30_000.0, 300.0), ("GM0003", 30_000.0, 2100.0),
                           ("GM0004", 90_000.0, 1900.0), ("GM0005", 10_000.0, 2000.0)):
        rows.append({"indicator_id": "inwoners", "gemeentecode": code, "period": "2024", "value": inw})
        rows.append({"indicator_id": "omgevingsadressendichtheid", "gemeentecode": code, "period": "2024",
                     "value": oad})
    cov = peers.build_covariates(pd.DataFrame(rows), indicator_ids={
        "inwoners": "inwoners", "omgevingsadressendichtheid": "omgevingsadressendichtheid"})
    assert cov.set_index("gemeentecode").loc["GM0002", "log_omgevingsadressendichtheid"] == pytest.approx(
        math.log10(300))
    assert cov.attrs["periods"] == {"inwoners": ["2024"], "omgevingsadressendichtheid": ["2024"]}
    out = peers.select_peers(cov, "GM0001", k=4)
    assert out.attrs["method"] == "euclidean"
    assert out["gemeentecode"].tolist()[0] == "GM0003"  # same size, as urban
    assert out["gemeentecode"].tolist()[1] != "GM0002"  # same size, but rural
    # weights: the default counts size and urbanity double; None = all 1 (distance √2 smaller)
    even = peers.select_peers(cov, "GM0001", k=4, weights=None).set_index("gemeentecode")["distance"]
    double = out.set_index("gemeentecode")["distance"]
    assert double["GM0003"] == pytest.approx(even["GM0003"] * math.sqrt(2))


def _real_covariates():
    from analyse.data import processed
    from analyse.errors import DataNotAvailableError

    try:
        harm, reg = processed.harmonised(2024), processed.gemeenten()
    except DataNotAvailableError:
        pytest.skip("processed data absent")
    if not (harm["indicator_id"] == "omgevingsadressendichtheid").any():
        pytest.skip("KWB urbanity not built (../shared/data absent)")
    return harm, reg, peers.build_covariates(harm, reg, indelingsjaar=2024)


def test_real_peers_urbanity_and_every_current_gemeente_in_the_pool():
    """Issue 17: Utrecht gets cities of its size, Hendrik-Ido-Ambacht no rural gemeenten, merged ones stay in."""
    harm, reg, cov = _real_covariates()
    current = set(reg.loc[reg["indelingsjaar"] == 2024, "gemeentecode"])
    complete = cov.dropna(subset=peers.DEFAULT_COVARIATES)
    assert set(complete["gemeentecode"]) == current and len(current) == 342
    st = harm[(harm["indicator_id"] == "stedelijkheid") & (harm["period"] == "2024")].set_index("gemeentecode")
    inw = cov.set_index("gemeentecode")["inwoners"]
    utrecht = peers.select_peers(cov, "GM0344", k=10)["gemeentecode"]
    assert (inw[utrecht] >= 100_000).all() and (st.loc[utrecht, "value"] <= 2).all()
    hia = peers.select_peers(cov, "GM0531", k=10)["gemeentecode"]
    assert (st.loc[hia, "value"] <= 3).all()  # 4 = weinig, 5 = niet stedelijk
    for merged in ("GM0363", "GM0439"):
        assert len(peers.select_peers(cov, merged, k=10)) == 10
