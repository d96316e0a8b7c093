"""Tests for analyse.plots: Figures with alt text and data, Dutch ticks, 'geen gegevens', column errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analyse import kosten, plots  # noqa: E402
from analyse.errors import AnalyseError  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def trend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gemeentecode": ["GM0531"] * 4 + ["NL01"] * 4 + ["JZ22"] * 3,
            "period": ["2019", "2020", "2021", "2022"] * 2 + ["2019", "2021", "2022"],
            "value": [900.0, np.nan, 1200.0, 1350.5, 800.0, 850.0, 900.0, 950.0, 700.0, 750.0, 760.0],
            "status": ["definitief"] * 3 + ["voorlopig"] + ["definitief"] * 7,
            "ci_low": [850.0, np.nan, 1150.0, 1300.0] + [np.nan] * 7,
            "ci_high": [950.0, np.nan, 1250.0, 1400.0] + [np.nan] * 7,
        }
    )


def _texts(labels) -> list[str]:
    return [t.get_text() for t in labels]


def _assert_dutch_sentence(fig: Figure) -> None:
    assert isinstance(fig.alt_text, str) and len(fig.alt_text) > 20
    assert fig.alt_text.endswith(".")
    assert any(w in fig.alt_text.lower() for w in (" van ", " met ", "geen gegevens"))


def test_finish_sets_attributes():
    fig = plt.figure()
    df = pd.DataFrame({"a": [1]})
    out = plots.finish(fig, " Een zin. ", df)
    assert out is fig and fig.alt_text == "Een zin."
    pd.testing.assert_frame_equal(fig.data, df)
    assert fig.data is not df


def test_dutch_number_formatter():
    assert plots.dutch_number(1000) == "1.000"
    assert plots.dutch_number(2.5) == "2,5"
    assert plots.dutch_number(1234567.25) == "1.234.567,25"
    assert plots.dutch_number(-200) == "-200"
    assert plots.dutch_number(np.nan) == ""


def test_plot_trend_returns_figure_with_data_and_alt(trend):
    before = trend.copy()
    fig = plots.plot_trend(trend, "GM0531", labels={"GM0531": "Hendrik-Ido-Ambacht", "JZ22": "ZHZ"},
                           unit="aantal", policy_year=2021, title="Wmo-cliënten", count_mode="waarde")
    assert isinstance(fig, Figure)
    pd.testing.assert_frame_equal(fig.data.drop(columns="gebied"), trend.drop(columns="gemeentecode"))
    pd.testing.assert_frame_equal(trend, before)  # no mutation
    _assert_dutch_sentence(fig)
    assert "Hendrik-Ido-Ambacht" in fig.alt_text and "1.350,5" in fig.alt_text
    fig.canvas.draw()
    ax = fig.axes[0]
    assert "1.000" in _texts(ax.get_yticklabels())
    # provisional period marked with '*', like CBS
    assert _texts(ax.get_xticklabels()) == ["2019", "2020", "2021", "2022*"]
    assert "aantal" in ax.get_ylabel()
    assert any("start beleid 2021" in t.get_text() for t in ax.get_legend().get_texts())


def test_plot_trend_gap_is_not_bridged(trend):
    fig = plots.plot_trend(trend, "GM0531")
    ax = fig.axes[0]
    # the gemeente line is the first with the strong colour and a solid style; its y has NaN at 2020
    lines = [ln for ln in ax.get_lines() if ln.get_color() == plots.GEMEENTE_STYLE["color"]
             and ln.get_linestyle() == "-"]
    y = np.asarray(lines[0].get_ydata(), dtype=float)
    assert np.isnan(y[1]) and y[0] == 900.0
    # regio is missing 2020 too: reindexed to the common periods, so a NaN gap
    orange = [ln for ln in ax.get_lines() if ln.get_color() == plots.OKABE_ITO["oranje"]
              and ln.get_linestyle() == "--"]
    assert np.isnan(np.asarray(orange[0].get_ydata(), dtype=float)[1])


def test_plot_trend_provisional_marker_is_hollow(trend):
    fig = plots.plot_trend(trend, "GM0531")
    hollow = [ln for ln in fig.axes[0].get_lines()
              if ln.get_linestyle() == "None" and ln.get_markerfacecolor() == "white"]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == [3]


def test_plot_trend_empty_gives_geen_gegevens():
    fig = plots.plot_trend(pd.DataFrame())
    assert isinstance(fig, Figure)
    assert "Geen gegevens" in fig.alt_text
    assert any("Geen gegevens" in t.get_text() for t in fig.axes[0].texts)
    empty_rows = pd.DataFrame(columns=["gemeentecode", "period", "value"])
    assert "Geen gegevens" in plots.plot_trend(empty_rows).alt_text


def test_plot_trend_missing_column_raises():
    with pytest.raises(AnalyseError, match="period"):
        plots.plot_trend(pd.DataFrame({"gemeentecode": ["GM1"], "value": [1.0]}))


def test_plot_trend_on_given_ax(trend):
    fig, ax = plt.subplots()
    out = plots.plot_trend(trend, "GM0531", ax=ax)
    assert out is fig


def _funnel_frames():
    den = np.array([200.0, 1000.0, 5000.0, 20000.0, 100000.0])
    pts = pd.DataFrame({"gemeentecode": ["GM1", "GM2", "GM3", "GM4", "GM5"], "denominator": den,
                        "value": [12.0, 9.0, 10.5, 10.1, 9.9],
                        "positie_95": ["binnen", "binnen", "binnen", "binnen", "binnen"],
                        "positie_998": ["binnen"] * 5})
    grid = np.geomspace(150, 120000, 30)
    se = np.sqrt(10 * 90 / grid)
    lim = pd.DataFrame({"denominator": grid, "target": 10.0, "lower_95": 10 - 1.96 * se,
                        "upper_95": 10 + 1.96 * se, "lower_998": 10 - 3.09 * se, "upper_998": 10 + 3.09 * se})
    return pts, lim


def test_plot_funnel_wide_limits():
    pts, lim = _funnel_frames()
    fig = plots.plot_funnel(pts, lim, highlight="GM3", labels={"GM3": "Almelo"}, unit="procent")
    pd.testing.assert_frame_equal(fig.data, pts)
    assert "Almelo" in fig.alt_text and "binnen de 95%-grenzen" in fig.alt_text
    fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert "10.000" in _texts(ax.get_xticklabels())
    assert any(t.get_text() == "Almelo" for t in ax.texts)
    legend = _texts(ax.get_legend().get_texts())
    assert "95%-grens" in legend and "99,8%-grens" in legend


def test_plot_funnel_long_limits_from_stats():
    pts, lim = _funnel_frames()
    long = pd.concat([
        pd.DataFrame({"denominator": lim["denominator"], "level": 0.95, "lower": lim["lower_95"],
                      "upper": lim["upper_95"], "target": 10.0}),
        pd.DataFrame({"denominator": lim["denominator"], "level": 0.998, "lower": lim["lower_998"],
                      "upper": lim["upper_998"], "target": 10.0}),
    ])
    fig = plots.plot_funnel(pts, long, highlight="GM1")
    assert len(fig.limits) == 60
    with pytest.raises(AnalyseError, match="upper_998"):
        plots.plot_funnel(pts, lim.drop(columns=["upper_998"]))


def test_plot_funnel_highlights_several_gemeenten_each_named():
    pts, lim = _funnel_frames()
    fig = plots.plot_funnel(pts, lim, highlight=["GM1", "GM4"], labels={"GM1": "Almelo", "GM4": "Hengelo"})
    ax = fig.axes[0]
    assert {t.get_text() for t in ax.texts} == {"Almelo", "Hengelo"}
    assert "Almelo heeft waarde 12,0" in fig.alt_text and "Hengelo heeft waarde 10,1" in fig.alt_text
    legend = _texts(ax.get_legend().get_texts())
    assert "Almelo" in legend and "Hengelo" in legend
    named = plots.plot_funnel(pts.assign(gemeentenaam=["A", "B", "C", "D", "E"]), lim, highlight=["GM2"])
    assert "B heeft waarde 9,0" in named.alt_text  # names travel with the points when no labels are given


def test_package_figures_are_handed_over_not_left_open_in_pyplot():
    # a figure left open in pyplot is shown a second time when a notebook cell ends
    plt.close("all")
    pts, lim = _funnel_frames()
    fig = plots.plot_funnel(pts, lim, highlight="GM1")
    assert plt.get_fignums() == [] and fig.axes  # returned, drawable, not registered in pyplot
    fig.canvas.draw()
    own_fig, own_ax = plt.subplots()
    plots.plot_funnel(pts, lim, highlight="GM1", ax=own_ax)
    assert plt.get_fignums() == [own_fig.number]  # a figure of the caller's own stays theirs
    plt.close("all")


def test_plot_funnel_empty():
    _, lim = _funnel_frames()
    fig = plots.plot_funnel(pd.DataFrame(), lim, highlight="GM1")
    assert "Geen gegevens" in fig.alt_text


@pytest.fixture
def costs() -> pd.DataFrame:
    return pd.DataFrame({
        "gemeentecode": "GM0531", "jaar": [2018, 2019, 2020, 2021], "soort": "jaarrekening", "cluster": "jeugd",
        "gemeente_per_inwoner": [300.0, 330.0, np.nan, 360.0], "peers_mediaan": [280.0, 290.0, 300.0, 310.0],
        "peers_q1": [250.0, 260.0, 270.0, 280.0], "peers_q3": [310.0, 320.0, 330.0, 345.0],
        "nl_per_inwoner": [1000.0, 1100.0, 1200.0, 1300.0],
    })


def test_plot_cost_development_per_inwoner(costs):
    fig = plots.plot_cost_development(costs, "per_inwoner", gemeente_label="Hendrik-Ido-Ambacht")
    assert "nominale euro's" in fig.axes[0].get_ylabel()
    drawn = fig.data  # wide, one column per series, in Dutch
    g = drawn["Hendrik-Ido-Ambacht (euro per inwoner, nominaal)"].tolist()  # every column names its unit
    assert g[0] == 300.0 and np.isnan(g[2]) and g[3] == 360.0
    assert "vergelijkingsgemeenten, 25e percentiel (euro per inwoner, nominaal)" in drawn.columns
    assert "peers_q1" not in drawn.columns and all(c == "Jaar" or c.endswith("nominaal)") for c in drawn.columns)
    assert "€ 300" in fig.alt_text and "€ 360" in fig.alt_text
    fig.canvas.draw()
    assert "1.000" in _texts(fig.axes[0].get_yticklabels())


def test_plot_cost_development_marks_breaks(costs):
    breaks = pd.DataFrame({"cluster": ["jeugd", "wmo", "jeugd"], "soort": "jaarrekening", "jaar": [2020, 2020, 2018],
                           "soort_breuk": ["sprong", "sprong", "scope"]})
    fig = plots.plot_cost_development(costs, "per_inwoner", breaks=breaks, prijspeil=2023)
    ax = fig.axes[0]
    vlines = [ln.get_xdata()[0] for ln in ax.get_lines() if len(set(np.ravel(ln.get_xdata()))) == 1]
    assert vlines == [2019.5]
    assert "Trendbreuk gemarkeerd in 2020 (sprong)" in fig.alt_text
    assert "prijspeil 2023" in ax.get_ylabel()


def test_plot_cost_development_index_deflated(costs):
    fig = plots.plot_cost_development(costs, "index", prijspeil=2018)
    ax = fig.axes[0]
    assert "prijspeil 2018" in ax.get_ylabel() and "2018 = 100" in ax.get_ylabel()
    drawn = fig.data
    nl = drawn["Nederland (index 2018 = 100, prijspeil 2018)"].tolist()
    assert nl == pytest.approx([100.0, 110.0, 120.0, 130.0])
    gem = drawn[[c for c in drawn.columns if c.startswith("GM")][0]].tolist()
    assert gem[3] == pytest.approx(120.0)


def test_plot_cost_development_errors_and_empty(costs):
    assert "Geen gegevens" in plots.plot_cost_development(costs.iloc[0:0], "index").alt_text
    with pytest.raises(AnalyseError, match="gemeente_per_inwoner"):
        plots.plot_cost_development(costs.drop(columns=["gemeente_per_inwoner"]))
    with pytest.raises(AnalyseError, match="mode"):
        plots.plot_cost_development(costs, mode="absoluut")


def _ledger(rows: list[dict]) -> pd.DataFrame:
    from analyse.plans.money import LEDGER_COLUMNS

    base = {c: np.nan for c in LEDGER_COLUMNS if c.endswith(("_eur", "_pct"))}
    return pd.DataFrame([{**base, "n_posten_onbekend": 0, "opmerking": None, "bron_pagina": None, **r} for r in rows],
                        columns=LEDGER_COLUMNS)


def test_plot_budget_vs_realisatie_labels_and_unknown_in_words():
    table = pd.DataFrame({
        "maatregel_id": ["M15", "M16", "M17", "M8"], "actie_id": ["15.1", "16.1", "17.1", None],
        "post": ["Ontwikkelplekken", "Kinderen in armoede", "Schoolgebouwen", "waarvan SDD"], "jaar": 2022,
        "begroot_eur": [45000.0, 10000.0, 2500.0, 5.0], "gerealiseerd_eur": [32788.0, np.nan, 0.0, 5.0],
        "in_totaal": [True, True, True, False]})
    fig = plots.plot_budget_vs_realisatie(table)
    assert fig.data["label"].tolist() == ["15.1 Ontwikkelplekken", "16.1 Kinderen in armoede", "17.1 Schoolgebouwen"]
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "uitgaven onbekend" in texts and "€ 0" in texts
    assert "bij 1 post is de besteding onbekend" in fig.alt_text and "69% besteed" in fig.alt_text
    assert "begroting onbekend" not in fig.alt_text
    assert _texts(fig.axes[0].get_yticklabels())[0] == "15.1 Ontwikkelplekken"
    assert "Geen gegevens" in plots.plot_budget_vs_realisatie(table.iloc[0:0]).alt_text
    with pytest.raises(AnalyseError, match="begroot_eur"):
        plots.plot_budget_vs_realisatie(table.drop(columns=["begroot_eur"]))


def test_plot_savings_ledger_almelo_levels_not_stacked():
    """Almelo Tabel 2 (p. 48-51): levels side by side; 2016 gerealiseerd is 4,916 mln, not 3,58 + 4,916."""
    years = [2015, 2016, 2017, 2018, 2019]
    beg = [3_580_000, 5_016_000, 6_176_000, 7_376_000, 8_276_000]
    ger = [3_580_000, 4_916_000, 5_126_000, 5_426_000, 5_426_000]
    ledger = _ledger([{"reeks": "Tabel 2", "jaar": j, "begroot_eur": b, "gerealiseerd_eur": g,
                       "realisatiegraad_pct": g / b * 100} for j, b, g in zip(years, beg, ger)])
    fig = plots.plot_savings_ledger(ledger)
    ax = fig.axes[0]
    heights = sorted({round(p.get_height(), 3) for p in ax.patches})
    assert 4.916 in heights and 8.496 not in heights and max(heights) == 8.276
    assert all(p.get_y() == 0 for p in ax.patches)  # nothing stacked on an earlier year
    assert "66%" in [t.get_text() for t in ax.texts]
    assert "mln euro" in ax.get_ylabel()
    assert "gerealiseerd € 5,4 mln" in fig.alt_text and "realisatiegraad 66%" in fig.alt_text
    pd.testing.assert_frame_equal(fig.data, ledger)  # the chart draws exactly the table's frame
    assert "Geen gegevens" in plots.plot_savings_ledger(pd.DataFrame()).alt_text


def test_plot_savings_ledger_estimate_never_realised_and_single_year():
    """HIA POH Jeugd € 420.000 (p. 41): a schatting, drawn as a dotted outline bar, not as gerealiseerd."""
    fig = plots.plot_savings_ledger(_ledger([{"reeks": "POH", "jaar": 2022, "schatting_eur": 420_000}]))
    labels = _texts(fig.axes[0].get_legend().get_texts())
    assert labels == ["schatting (geen realisatie)"]
    assert "Watervaldiagram" not in fig.alt_text and "geschat (geen realisatie) € 420.000" in fig.alt_text
    assert "gerealiseerd €" not in fig.alt_text


def test_plot_savings_ledger_target_path():
    """Alblasserdam §2.4: € 1,4 mln in 2023 is a doelstelling, drawn as a dashed target line."""
    fig = plots.plot_savings_ledger(_ledger([{"reeks": "B", "jaar": 2023, "doelstelling_eur": 1_400_000}]))
    ax = fig.axes[0]
    assert any(ln.get_linestyle() == "--" for ln in ax.get_lines())
    assert "doelstelling (streefpad)" in _texts(ax.get_legend().get_texts())
    assert "doelstelling € 1,4 mln" in fig.alt_text and "streefpad" in fig.alt_text
    path = plots.plot_savings_ledger(_ledger([{"reeks": "B", "jaar": 2023, "doelstelling_eur": 1_400_000}]),
                                     start_jaar=2020)
    (line,) = [ln for ln in path.axes[0].get_lines() if ln.get_linestyle() == "--"]
    assert list(line.get_xdata()) == [2020, 2023] and list(line.get_ydata()) == [0.0, 1.4]
    assert _texts(path.axes[0].get_xticklabels()) == ["2020", "2021", "2022", "2023"]
    assert "2020-2023" in path.alt_text and "tussenstappen niet in het plan" in path.alt_text


def test_plot_spending_break_almelo():
    a = pd.DataFrame({"gemeentecode": "GM0141", "jaar": range(2013, 2018),
                      "lasten_eur": [86.1e6, 88.5e6, 131.4e6, 134.2e6, 135.1e6]})
    marked = kosten.decentralisation_break(a)
    fig = plots.plot_spending_break(marked)
    pd.testing.assert_frame_equal(fig.data, marked)
    assert "trendbreuk" in fig.alt_text and "€ 87,3 mln" in fig.alt_text
    ax = fig.axes[0]
    assert any(ln.get_xdata()[0] == 2014.5 for ln in ax.get_lines())
    with pytest.raises(AnalyseError, match="lasten_eur"):
        plots.plot_spending_break(a.drop(columns=["lasten_eur"]))


def test_plot_begroting_jaarrekening():
    dev = pd.DataFrame({"gemeentecode": "GM1", "jaar": [2020, 2020, 2021, 2021], "cluster": ["jeugd", "wmo"] * 2,
                        "afwijking_eur": [20.0, -10.0, -10.0, 40.0], "afwijking_pct": [20.0, -5.0, -9.1, 19.0]})
    fig = plots.plot_begroting_jaarrekening(dev)
    assert "20,0% bij Jeugd in 2020" in fig.alt_text
    assert len(fig.data) == 4
    legend = _texts(fig.axes[0].get_legend().get_texts())
    assert legend == ["Jeugd", "Wmo"]
    assert "Geen gegevens" in plots.plot_begroting_jaarrekening(dev.iloc[0:0]).alt_text


def test_plot_begroting_jaarrekening_taakveld_shape_from_trends():
    dev = pd.DataFrame({"gemeentecode": "GM1", "jaar": [2020, 2021], "taakveld": ["6.72", "6.72"],
                        "begroting": [100.0, 100.0], "jaarrekening": [110.0, 90.0],
                        "afwijking_eur": [10.0, -10.0], "afwijking_pct": [10.0, -10.0]})
    fig = plots.plot_begroting_jaarrekening(dev)
    pd.testing.assert_frame_equal(fig.data, dev)
    two = pd.concat([dev, dev.assign(gemeentecode="GM2")])
    with pytest.raises(AnalyseError, match="meerdere gemeenten"):
        plots.plot_begroting_jaarrekening(two)


# ------------------------------------------------------------------------------ honest-chart rules (issue 13)
def test_plot_trend_counts_with_references_become_an_index(trend):
    fig = plots.plot_trend(trend, "GM0531", unit="aantal")
    ax = fig.axes[0]
    assert fig.index_base == "2019" and ax.get_ylabel() == "Index (2019 = 100)"
    gem = [ln for ln in ax.get_lines() if ln.get_color() == plots.GEMEENTE_STYLE["color"]
           and ln.get_linestyle() == "-"][0]
    assert np.asarray(gem.get_ydata(), dtype=float)[3] == pytest.approx(1350.5 / 900 * 100)
    nl = [ln for ln in ax.get_lines() if ln.get_color() == plots.NEDERLAND_STYLE["color"]
          and ln.get_linestyle() == ":"][0]
    assert np.asarray(nl.get_ydata(), dtype=float)[0] == pytest.approx(100.0)
    assert "index (2019 = 100)" in fig.alt_text and "1.350,5" in fig.alt_text
    # data stays in the original units
    pd.testing.assert_frame_equal(fig.data.drop(columns="gebied"), trend.drop(columns="gemeentecode"))


def test_plot_trend_single_count_series_stays_a_count(trend):
    fig = plots.plot_trend(trend[trend["gemeentecode"] == "GM0531"], "GM0531", unit="aantal")
    assert fig.index_base is None and "aantal" in fig.axes[0].get_ylabel()
    with pytest.raises(AnalyseError, match="count_mode"):
        plots.plot_trend(trend, "GM0531", count_mode="panelen")


def test_plot_trend_uncertainty_band_drawn(trend):
    fig = plots.plot_trend(trend, "GM0531", unit="aantal", count_mode="waarde")
    assert len(fig.axes[0].collections) >= 1  # fill_between of ci_low/ci_high


def _legend_outside(fig) -> bool:
    fig.canvas.draw()
    ax = fig.axes[0]
    leg = ax.get_legend().get_window_extent()
    box = ax.get_window_extent()
    return leg.x0 >= box.x1 - 1


def test_plot_trend_and_funnel_legends_outside_data(trend):
    assert _legend_outside(plots.plot_trend(trend, "GM0531"))
    pts, lim = _funnel_frames()
    assert _legend_outside(plots.plot_funnel(pts, lim, highlight="GM3"))


def test_plot_trend_share_axis_from_zero_or_marked_break():
    near = pd.DataFrame({"gemeentecode": ["GM1"] * 3 + ["NL01"] * 3, "period": ["2020", "2021", "2022"] * 2,
                         "value": [4.0, 6.0, 5.0, 5.0, 5.5, 6.0]})
    fig = plots.plot_trend(near, "GM1", unit="procent")
    assert fig.axes[0].get_ylim()[0] == 0 and "niet bij 0" not in fig.axes[0].get_ylabel()
    far = near.assign(value=[80.0, 82.0, 81.0, 79.0, 80.5, 81.0])
    fig = plots.plot_trend(far, "GM1", unit="procent")
    ax = fig.axes[0]
    assert ax.get_ylim()[0] > 0 and "as begint niet bij 0" in ax.get_ylabel()
    assert any(ln.get_gid() == "asbreuk" for ln in ax.get_lines())


def test_plot_funnel_centre_line_is_nederlands_gemiddelde():
    pts, lim = _funnel_frames()
    fig = plots.plot_funnel(pts, lim, highlight="GM3")
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Nederlands gemiddelde (10,0)" in texts
    assert not any("doelwaarde" in t for t in texts)


# ------------------------------------------------------------------------------------------------ spine chart
@pytest.fixture
def spine_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator_naam": ["Jeugdzorg", "Bijstand", "Eenzaam", "Wmo", "Armoede"],
        "gemeente_value": [11.0, 25.0, 13.0, 60.0, np.nan],
        "nl_value": [10.0, 37.0, 6.0, 80.0, 5.0],
        "min": [5.0, 5, 2, 30, 1], "q1": [8.0, 20, 5, 60, 3], "q3": [12.0, 40, 8, 95, 7],
        "max": [20.0, 90, 15, 150, 15],
        "comparison": ["vergelijkbaar", "beter", "slechter", "lager", "niet te beoordelen"],
        "level": [np.nan, 0.998, 0.95, 0.998, np.nan],
        "polarity": ["lager_beter", "lager_beter", "lager_beter", "", "lager_beter"],
    })


def test_spine_positions_centre_nl_and_mirror_lower_is_better(spine_rows):
    before = spine_rows.copy()
    pos = plots.spine_positions(spine_rows)
    pd.testing.assert_frame_equal(spine_rows, before)
    assert pos["x_nl"].tolist()[:4] == [0.5] * 4
    # Bijstand: lower is better, gemeente 25 < NL 37 → right of the middle
    assert pos.loc[1, "x_gemeente"] > 0.5 and pos.loc[1, "flipped"]
    # Wmo has no polarity: 60 < 80 → left of the middle; furthest value (150) sits at the end
    assert pos.loc[3, "x_gemeente"] < 0.5 and pos.loc[3, "x_max"] == pytest.approx(1.0)
    assert pos[["x_min", "x_max", "x_gemeente"]].stack().dropna().between(0, 1).all()


def test_plot_spine_chart_one_figure_per_block(spine_rows):
    fig = plots.plot_spine_chart(spine_rows, title="Jeugd", gemeente_label="Almelo")
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    _assert_dutch_sentence(fig)
    assert "5 indicatoren" in fig.alt_text and "1 beter" in fig.alt_text and "1 slechter" in fig.alt_text
    ax = fig.axes[0]
    # the one row without a desired direction says so; the axis names both readings
    assert _texts(ax.get_yticklabels()) == ["Jeugdzorg", "Bijstand", "Eenzaam", "Wmo (geen voorkeursrichting)",
                                            "Armoede"]
    assert _texts(ax.get_xticklabels())[0] == "slechter (of lager)"
    neutral = plots.plot_spine_chart(spine_rows.assign(polarity=""), title="Bevolking", gemeente_label="Almelo")
    assert _texts(neutral.axes[0].get_xticklabels())[::2] == ["lager", "hoger"]
    markers = {ln.get_marker(): ln.get_markerfacecolor() for ln in ax.get_lines() if ln.get_linestyle() == "None"}
    assert markers["^"] == "#0072B2"  # beter at 99,8%: the dark blue triangle
    assert markers["v"] in {"#E69F00", "#4292C6"}
    assert fig.data["strong"].tolist() == [False, True, False, True, False]
    assert any("geen gegevens" in t.get_text() for t in ax.texts)


def test_plot_spine_chart_rejects_bad_input(spine_rows):
    with pytest.raises(AnalyseError, match="q3"):
        plots.plot_spine_chart(spine_rows.drop(columns=["q3"]))
    with pytest.raises(AnalyseError, match="onbekende vergelijking"):
        plots.plot_spine_chart(spine_rows.assign(comparison="top"))
    assert "Geen gegevens" in plots.plot_spine_chart(pd.DataFrame()).alt_text


def test_plot_spine_chart_accepts_english_comparisons(spine_rows):
    fig = plots.plot_spine_chart(spine_rows.assign(comparison=["similar", "better", "worse", "higher", "lower"]))
    assert fig.data["comparison"].tolist() == ["vergelijkbaar", "beter", "slechter", "hoger", "lager"]


