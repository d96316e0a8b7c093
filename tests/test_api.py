"""Unit tests for analyse.api on tiny frames: the researcher's calls agree with the report and fail loudly."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import analyse  # noqa: E402
from analyse import api  # noqa: E402
from analyse.content import ReportInputs, ReportParameters, build_report  # noqa: E402
from analyse.errors import (  # noqa: E402
    DataNotAvailableError,
    UnknownGemeenteError,
    UnknownIndicatorError,
    UnknownValueError,
)
from analyse.gemeenten import Gemeente  # noqa: E402

CAT = pd.DataFrame([
    {"id": "jeugdzorg_pct", "naam": "Jongeren met jeugdzorg", "definitie": "Aandeel jongeren met jeugdzorg",
     "unit": "procent", "polarity": "lager_beter", "kind": "share", "per": 100.0, "domein": "jeugd", "bron": "CBS"},
    {"id": "oud_pct", "naam": "Oude reeks", "definitie": "Stopt in 2014", "unit": "procent",
     "polarity": "neutraal", "kind": "share", "per": 100.0, "domein": "armoede", "bron": "CBS"},
    {"id": "testdorp_clienten", "naam": "Cliënten volgens Testdorp", "definitie": "Uit het eigen jaarverslag",
     "unit": "aantal", "polarity": "neutraal", "kind": "count", "per": 1.0, "domein": "wmo", "bron": "seed"},
    {"id": "leeg_pct", "naam": "Zonder gegevens", "definitie": "", "unit": "procent", "polarity": "neutraal",
     "kind": "share", "per": 100.0, "domein": "wmo", "bron": "CBS"},
])
CODES = ["GM0001", "GM0002", "GM0003", "GM0004", "GM0005"]
NAMES = ["Testdorp", "Buurdorp", "Verweg", "Overkant", "Einde"]
REGISTRY = pd.concat([pd.DataFrame({
    "gemeentecode": CODES, "indelingsjaar": jaar, "gemeentenaam": NAMES, "provincie_code": "PV01",
    "provincie_naam": "Noord", "jeugdzorgregio_code": ["JZ01", "JZ01", "JZ01", "JZ02", "JZ02"],
    "jeugdzorgregio_naam": ["Regio Noord"] * 3 + ["Regio Zuid"] * 2,
    "grootteklasse": "10.000 tot 20.000 inwoners", "inwoners": [15000.0, 14000.0, 13000.0, 12000.0, 11000.0]})
    for jaar in (2019, 2024)], ignore_index=True)
GEM = Gemeente(code="GM0001", naam="Testdorp", indelingsjaar=2024, provincie_code="PV01", provincie_naam="Noord",
               regions={"jeugdzorgregio": ("JZ01", "Regio Noord"), "provincie": ("PV01", "Noord")},
               grootteklasse="10.000 tot 20.000 inwoners", inwoners=15000)


def _rows(code: str, base: float, slope: float, den: float, ind: str = "jeugdzorg_pct",
          years=range(2017, 2024)) -> list[dict]:
    out = []
    for i, year in enumerate(years):
        pct = base + slope * i
        num = round(pct / 100 * den)
        out.append({"indicator_id": ind, "gemeentecode": code, "period": str(year), "period_type": "jaar",
                    "value": num / den * 100, "numerator": num, "denominator": den, "unit": "procent",
                    "status": "definitief", "source_table": "84134NED", "rounded": False})
    return out


def _harmonised() -> pd.DataFrame:
    rows = (_rows("GM0001", 10.0, 0.8, 3000) + _rows("GM0002", 9.0, 0.1, 2500) + _rows("GM0003", 11.0, -0.1, 2800)
            + _rows("GM0004", 10.0, 0.0, 2000) + _rows("GM0005", 12.0, 0.0, 2200)
            + _rows("GM0001", 20.0, 0.0, 1000, "oud_pct", range(2012, 2015)))
    rows.append({"indicator_id": "testdorp_clienten", "gemeentecode": "GM0001", "period": "2018", "period_type": "jaar",
                 "value": 120.0, "numerator": np.nan, "denominator": np.nan, "unit": "aantal",
                 "status": "definitief", "source_table": "seed002", "rounded": False})
    return pd.DataFrame(rows)


def _inputs(**overrides) -> ReportInputs:
    clusters = pd.DataFrame([
        {"gemeentecode": code, "jaar": jaar, "soort": "jaarrekening", "cluster": "jeugd",
         "lasten_eur": 1e6 * (i + 1) + 1e5 * (jaar - 2022), "inwoners": 10000.0 + 1000 * i, "n_taakvelden": 3}
        for i, code in enumerate(CODES) for jaar in (2022, 2023)])
    kwargs = dict(indelingsjaar=2024, catalogue=CAT, harmonised=_harmonised(), registry=REGISTRY, clusters=clusters)
    kwargs.update(overrides)
    return ReportInputs(**kwargs)


def _published(harmonised: pd.DataFrame) -> pd.DataFrame:
    """As published: GM0001's 2017 value differs (it was summed with a predecessor in the harmonised table)."""
    pub = harmonised.copy()
    pub.loc[(pub["gemeentecode"] == "GM0001") & (pub["period"] == "2017"), "value"] = 9.0
    return pub


# ------------------------------------------------------------------------------------------ indicator_data
def test_indicator_data_agrees_with_the_report_and_excludes_the_gemeente():
    inputs = _inputs()
    data = api.indicator_data("jeugdzorg_pct", "GM0001", inputs=inputs, published=_published(inputs.harmonised))
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=inputs, plan_list=[], commit="")
    rec = rc.indicators.records.set_index("indicator_id").loc["jeugdzorg_pct"]
    latest = data[data["period"] == rec["latest_period"]].iloc[0]
    assert latest["value"] == pytest.approx(rec["latest_value"])
    assert latest["reference_code"] == rec["reference_code"] == "JZ01-zonder-GM0001"
    assert latest["reference_value"] == pytest.approx(rec["reference_value"])
    assert latest["nederland_value"] == pytest.approx(rec["nederland_value"])
    assert latest["nederland_label"] == rec["nederland_label"] == "Nederland zonder Testdorp"
    assert latest["margin_low"] == pytest.approx(rec["latest_margin_low"])
    assert latest["margin_high"] == pytest.approx(rec["latest_margin_high"])
    assert latest["benchmark_verdict"] == rec["benchmark_verdict"]
    assert latest["benchmark_label"] == rec["benchmark_label"]
    assert latest["regio_benchmark_label"] == rec["regio_benchmark_label"]
    # the rest of the regio is GM0002 + GM0003 only: Σteller/Σnoemer without Testdorp
    h = inputs.harmonised
    rest = h[h["gemeentecode"].isin(["GM0002", "GM0003"]) & (h["period"] == latest["period"])
             & (h["indicator_id"] == "jeugdzorg_pct")]
    assert latest["reference_value"] == pytest.approx(rest["numerator"].sum() / rest["denominator"].sum() * 100)
    assert list(data.columns) == api.INDICATOR_COLUMNS
    assert (data["gemeentenaam"] == "Testdorp").all() and (data["jeugdzorgregio_code"] == "JZ01").all()


def test_indicator_data_flags_harmonised_values_with_the_published_value():
    inputs = _inputs()
    data = api.indicator_data("jeugdzorg_pct", ["GM0001"], periods=["2017", "2018"], inputs=inputs,
                              published=_published(inputs.harmonised)).set_index("period")
    assert bool(data.loc["2017", "harmonised"]) and data.loc["2017", "published_value"] == 9.0
    assert not bool(data.loc["2018", "harmonised"])


def test_indicator_data_selects_regions_names_and_latest_periods():
    inputs = _inputs()
    data = api.indicator_data("jeugdzorg_pct", ["JZ02", "Testdorp"], periods="latest", inputs=inputs,
                              published=inputs.harmonised)
    assert sorted(data["gemeentecode"]) == ["GM0001", "GM0004", "GM0005"] and set(data["period"]) == {"2023"}
    # Overkant's regio is JZ02 without Overkant = Einde alone: too small, so it falls back and says why
    overkant = data.set_index("gemeentecode").loc["GM0004"]
    assert overkant["reference_code"] == "PV01-zonder-GM0004" and "Regio Zuid" in overkant["reference_note"]


@pytest.mark.parametrize("kwargs, error, fragment", [
    ({"indicator_ids": "jeugdzorg_pc"}, UnknownIndicatorError, "Bedoelde u 'jeugdzorg_pct'"),
    ({"indicator_ids": "leeg_pct"}, DataNotAvailableError, "heeft geen gegevens"),
    ({"indicator_ids": "jeugdzorg_pct", "period_type": "year"}, UnknownValueError, "Bedoelde u 'jaar'"),
    ({"indicator_ids": "jeugdzorg_pct", "gemeenten": "Testdrop"}, UnknownGemeenteError, "Bedoelde u 'Testdorp'"),
    ({"indicator_ids": "jeugdzorg_pct", "periods": "2031"}, UnknownValueError, "Periode '2031'"),
    ({"indicator_ids": "jeugdzorg_pct", "period_type": "halfjaar"}, DataNotAvailableError, "Wel beschikbaar: jaar"),
])
def test_indicator_data_fails_loudly_in_dutch(kwargs, error, fragment):
    inputs = _inputs()
    with pytest.raises(error, match=fragment):
        api.indicator_data(**kwargs, inputs=inputs, published=inputs.harmonised)


def test_series_refuses_an_english_period_type_and_unknown_ids():
    from analyse import indicators

    frame = _harmonised()
    with pytest.raises(UnknownValueError, match="Bedoelde u 'jaar'"):
        indicators.series(frame, "jeugdzorg_pct", "GM0001", period_type="year")
    with pytest.raises(UnknownIndicatorError, match="Onbekende indicator 'jeugdzorgpct'"):
        indicators.series(frame, "jeugdzorgpct", "GM0001")
    assert len(indicators.series(frame, "jeugdzorg_pct", "GM0001")) == 7


# ------------------------------------------------------------------------------------------------ catalogue
def test_catalogue_has_coverage_and_flags():
    cat = api.catalogue(inputs=_inputs()).set_index("indicator_id")
    assert cat.loc["jeugdzorg_pct", "n_gemeenten"] == 5
    assert (cat.loc["jeugdzorg_pct", "first_period"], cat.loc["jeugdzorg_pct", "last_period"]) == ("2017", "2023")
    assert bool(cat.loc["oud_pct", "ends_before_2015"]) and not bool(cat.loc["jeugdzorg_pct", "ends_before_2015"])
    assert bool(cat.loc["testdorp_clienten", "gemeente_specific"])
    assert cat.loc["testdorp_clienten", "only_gemeentecode"] == "GM0001"
    assert not bool(cat.loc["leeg_pct", "has_data"]) and cat.loc["leeg_pct", "n_gemeenten"] == 0
    assert list(api.catalogue(with_data=True, inputs=_inputs())["indicator_id"]).count("leeg_pct") == 0


def test_catalogue_search_and_domein():
    inputs = _inputs()
    assert list(api.catalogue("jongeren jeugdzorg", inputs=inputs)["indicator_id"]) == ["jeugdzorg_pct"]
    assert set(api.catalogue(domein="wmo", inputs=inputs)["indicator_id"]) == {"testdorp_clienten", "leeg_pct"}
    with pytest.raises(UnknownValueError, match="Bedoelde u 'wmo'"):
        api.catalogue(domein="wm", inputs=inputs)
    with pytest.raises(UnknownValueError, match="Geen indicator gevonden"):
        api.catalogue("zwembad", inputs=inputs)


# -------------------------------------------------------------------------------------------- peers, costs
def test_peer_gemeenten_names_the_fallback_when_covariates_are_missing():
    peers = api.peer_gemeenten("GM0001", k=3, inputs=_inputs())
    assert peers["rank"].tolist() == [0, 1, 2, 3] and peers.loc[0, "gemeentecode"] == "GM0001"
    assert peers["gemeentenaam"].notna().all()
    assert "grootteklasse" in peers.attrs["note"]  # no covariates in the tiny data: same size class, said so
    with pytest.raises(UnknownValueError, match="Bedoelde u 'kenmerken'"):
        api.peer_gemeenten("GM0001", method="kenmerk", inputs=_inputs())


def test_peer_gemeenten_by_covariates_have_distances_and_periods():
    import analyse.peers as peers_module

    rows = []
    for i, code in enumerate(CODES):
        for name, ind in peers_module.DEFAULT_COVARIATE_IDS.items():
            rows.append({"indicator_id": ind, "gemeentecode": code, "period": "2022", "period_type": "jaar",
                         "value": 10000.0 * (i + 1) if name == "inwoners" else 10 + i * (1 + len(name) % 3),
                         "numerator": np.nan, "denominator": np.nan, "unit": "aantal", "status": "definitief",
                         "source_table": "x", "rounded": False})
    inputs = _inputs(harmonised=pd.concat([_harmonised(), pd.DataFrame(rows)], ignore_index=True))
    peers = api.peer_gemeenten("GM0001", k=3, inputs=inputs)
    assert peers.attrs["note"] == "" and peers.loc[0, "distance"] == 0
    assert peers["distance"].iloc[1:].is_monotonic_increasing and (peers["distance"].iloc[1:] > 0).all()
    assert set(peers["aandeel_0_14_period"].dropna()) == {"2022"}
    assert peers.loc[1, "gemeentecode"] == "GM0002"  # the nearest on every covariate


def test_costs_give_each_peer_and_nederland_per_inwoner():
    out = api.costs("GM0001", "jeugd", peers=["GM0002", "GM0003"], inputs=_inputs())
    assert list(out.columns) == api.COST_COLUMNS
    y23 = out[out["period"] == "2023"].set_index("gemeentecode")
    assert list(y23["role"]) == ["gemeente", "vergelijkbare gemeente", "vergelijkbare gemeente", "nederland"]
    assert y23.loc["GM0002", "per_inwoner"] == pytest.approx(2.1e6 / 11000)
    clusters = _inputs().clusters
    c23 = clusters[clusters["jaar"] == 2023]
    assert y23.loc["NL01", "per_inwoner"] == pytest.approx(c23["lasten_eur"].sum() / c23["inwoners"].sum())
    with pytest.raises(UnknownValueError, match="Bedoelde u 'jeugd'"):
        api.costs("GM0001", "jeugdd", inputs=_inputs())
    with pytest.raises(UnknownValueError, match="Bedoelde u 'jaarrekening'"):
        api.costs("GM0001", "jeugd", soort="jaarekening", inputs=_inputs())


# --------------------------------------------------------------------------------------------- herindeling
def test_herindeling_history_shows_what_was_summed_and_what_was_left_out():
    her = pd.DataFrame({"oude_code": ["GM0009"], "oude_naam": ["Oudje"], "nieuwe_code": ["GM0001"],
                        "nieuwe_naam": ["Testdorp"], "datum": ["2020-01-01"], "jaar": [2020], "bron": ["test"],
                        "overige_opvolgers": [None]})
    registry = pd.concat([REGISTRY, pd.DataFrame({"gemeentecode": ["GM0009"], "indelingsjaar": [2019],
                                                  "gemeentenaam": ["Oudje"]})], ignore_index=True)
    published = pd.DataFrame(_rows("GM0001", 10.0, 0.0, 3000, years=range(2018, 2021))
                             + _rows("GM0009", 20.0, 0.0, 1000, years=[2018]))
    harmonised = published[published["gemeentecode"] == "GM0001"].copy()
    harmonised.loc[harmonised["period"] == "2018", "value"] = 12.5  # (300 + 200) / (3000 + 1000)
    pub2019 = published[(published["gemeentecode"] == "GM0001") & (published["period"] == "2019")]
    published = pd.concat([published, pub2019.assign(gemeentecode="GM0009", value=np.nan)], ignore_index=True)
    harmonised = harmonised[harmonised["period"] != "2019"]  # Oudje had no value in 2019: left out
    published.loc[(published["gemeentecode"] == "GM0009") & (published["period"] == "2019"), "value"] = np.nan
    inputs = _inputs(harmonised=harmonised, registry=registry)
    hist = api.herindeling_history("Testdorp", inputs=inputs, published=published, herindelingen=her)
    assert hist.predecessors == ["GM0009"] and hist.history["oude_naam"].tolist() == ["Oudje"]
    row = hist.series.set_index("period").loc["2018"]
    assert row["treatment"] == "opgeteld" and row["members"] == "GM0001;GM0009"
    assert row["published_value"] == pytest.approx(10.0) and row["harmonised_value"] == pytest.approx(12.5)
    assert "1 herindeling(en)" in repr(hist) and "voorgangers GM0009" in repr(hist)
    assert hist.summary().set_index("indicator_id").loc["jeugdzorg_pct", "opgeteld"] == 1
    none = api.herindeling_history("GM0002", inputs=inputs, published=published, herindelingen=her)
    assert "geen herindelingen" in repr(none) and none.series.empty


def test_package_exposes_the_api_and_a_short_overview():
    assert analyse.indicator_data is api.indicator_data
    assert set(analyse.API) <= set(dir(analyse))
    assert "analyse.indicator_data" in analyse.__doc__ and len(analyse.__doc__.splitlines()) < 30
    with pytest.raises(AttributeError):
        analyse.no_such_call  # noqa: B018


def test_content_objects_have_short_reprs():
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=_inputs(), plan_list=[], commit="")
    text = repr(rc)
    assert len(text) < 1500 and "Gemeente(GM0001 Testdorp)" in text and "IndicatorContent(…)" in text
    assert "<DataFrame" in repr(rc.indicators) and len(repr(rc.indicators)) < 2000
    assert "\n" not in repr(rc.costs)


# ------------------------------------------------------------------------------ seed-only data (issue 17)
def _no_data(*, inputs=None):
    raise DataNotAvailableError("Indicator 'x' heeft geen gegevens.")


def test_no_data_on_a_seed_only_build_says_how_to_get_the_data(monkeypatch):
    monkeypatch.setattr(api.processed, "generation_info", lambda folder=None: {"seed_only": True})
    with pytest.raises(DataNotAvailableError, match="voorbeeldcijfers.*make data"):
        api._explains_seed_only(_no_data)()


def test_no_data_on_a_full_build_or_own_inputs_keeps_its_message(monkeypatch):
    monkeypatch.setattr(api.processed, "generation_info", lambda folder=None: {"seed_only": False})
    with pytest.raises(DataNotAvailableError) as info:
        api._explains_seed_only(_no_data)()
    assert str(info.value) == "Indicator 'x' heeft geen gegevens."
    monkeypatch.setattr(api.processed, "generation_info", lambda folder=None: {"seed_only": True})
    with pytest.raises(DataNotAvailableError) as info:  # inputs passed in: not the processed data's build
        api._explains_seed_only(_no_data)(inputs=object())
    assert "voorbeeldcijfers" not in str(info.value)
