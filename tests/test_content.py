"""Unit tests for analyse.content: one report's content from tiny frames, without files or plans."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analyse import content  # noqa: E402
from analyse.content import ChapterError, ReportInputs, ReportParameters, build_report, policy_period  # noqa: E402
from analyse.errors import ParameterError  # noqa: E402
from analyse.formatting import fmt_value  # noqa: E402
from analyse.gemeenten import Gemeente  # noqa: E402
from analyse.report import sections  # noqa: E402

GEM = Gemeente(code="GM0001", naam="Testdorp", indelingsjaar=2024, provincie_code="PV01", provincie_naam="Noord",
               regions={"jeugdzorgregio": ("JZ01", "Regio Noord")}, grootteklasse="10.000 tot 20.000 inwoners",
               inwoners=15000)

CATALOGUE = pd.DataFrame([{
    "id": "jeugdzorg_pct", "naam": "Jongeren met jeugdzorg", "definitie": "Aandeel jongeren met jeugdzorg",
    "unit": "procent", "polarity": "lager_beter", "kind": "share", "numerator": "jongeren met jeugdzorg",
    "denominator": "jongeren 0-22", "per": 100.0, "populatie": "jongeren", "domein": "jeugd", "bron": "CBS",
    "referentieperiode": "jaar", "shipped": True, "tabellen": None, "file": "test.yml"}])


def _rows(code: str, base: float, slope: float, den: float) -> list[dict]:
    out = []
    for i, year in enumerate(range(2017, 2024)):
        pct = base + slope * i
        out.append({"indicator_id": "jeugdzorg_pct", "gemeentecode": code, "period": str(year), "period_type": "jaar",
                    "value": pct, "numerator": round(pct / 100 * den), "denominator": den, "unit": "procent",
                    "status": "definitief", "source_table": "84134NED"})
    return out


REGISTRY = pd.DataFrame({
    "gemeentecode": ["GM0001", "GM0002", "GM0003"], "indelingsjaar": [2024] * 3,
    "gemeentenaam": ["Testdorp", "Buurdorp", "Verweg"], "provincie_code": ["PV01"] * 3,
    "provincie_naam": ["Noord"] * 3, "jeugdzorgregio_code": ["JZ01"] * 3, "jeugdzorgregio_naam": ["Regio Noord"] * 3,
    "grootteklasse": ["10.000 tot 20.000 inwoners"] * 3, "inwoners": [15000.0, 14000.0, np.nan]})


def _inputs(**overrides) -> ReportInputs:
    rows = _rows("GM0001", 10.0, 0.8, 3000) + _rows("JZ01", 10.0, 0.0, 60000) + _rows("NL01", 10.0, 0.0, 4e6)
    rows += _rows("GM0002", 9.0, 0.1, 2500) + _rows("GM0003", 11.0, -0.1, 2800)
    harmonised = pd.DataFrame(rows)
    kwargs = dict(indelingsjaar=2024, catalogue=CATALOGUE, harmonised=harmonised, registry=REGISTRY,
                  checksums=[("x.parquet", "ab")])
    kwargs.update(overrides)
    return ReportInputs(**kwargs)


def test_build_report_compares_with_references_and_marks_a_rising_share_worse():
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=_inputs(), plan_list=[], commit="abc")
    comp = rc.indicators.comparison
    assert set(comp["reference_code"]) == {"JZ01-zonder-GM0001", "NL01-zonder-GM0001"}  # never the gemeente itself
    assert set(comp["reference_label"]) == {"rest van jeugdzorgregio Regio Noord", "Nederland zonder Testdorp"}
    verdict = rc.indicators.verdicts.set_index("indicator_id").loc["jeugdzorg_pct", "verdict"]
    assert verdict == "slechter"  # 10% → 14,8% in 3.000 jongeren while the references stay at 10%
    assert rc.indicators.signals["slechter"] == 1
    assert [t.indicator_id for t in rc.indicators.trends] == ["jeugdzorg_pct"]
    assert rc.indicators.labels["JZ01-zonder-GM0001"] == "rest van jeugdzorgregio Regio Noord"
    assert rc.policy.startjaar == 2020 and rc.policy.bron == "parameter"
    assert rc.sources.commit == "abc" and rc.sources.checksums == [("x.parquet", "ab")]


def test_build_report_does_not_change_its_inputs():
    inputs = _inputs()
    before = inputs.harmonised.copy()
    build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=inputs, plan_list=[], commit="")
    pd.testing.assert_frame_equal(inputs.harmonised, before)


def test_gemeente_without_rows_gets_empty_indicator_content():
    inputs = _inputs(harmonised=_inputs().harmonised.query("gemeentecode != 'GM0001'"))
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=inputs, plan_list=[], commit="")
    assert rc.indicators.comparison is None and rc.indicators.signals == {} and rc.indicators.trends == []
    assert not rc.costs.available
    assert "geen indicatoren" in sections.render_overview(rc).html


def test_policy_period_prefers_parameter_then_plan_then_default():
    from types import SimpleNamespace as NS

    plan = NS(gemeentecode="GM0001", titel="Evaluatie", path=None,
              beleidsperiode=NS(startjaar=2015, nulmeting_jaar=2014, toelichting=None, bron_pagina="p. 10"))
    assert policy_period(ReportParameters(startjaar_beleid=2019), [plan]).startjaar == 2019
    from_plan = policy_period(ReportParameters(), [plan])
    assert (from_plan.startjaar, from_plan.bron, from_plan.plan_titel) == (2015, "plan", "Evaluatie")
    assert "nulmeting 2014" in from_plan.tekst and "p. 10" in from_plan.tekst
    default = policy_period(ReportParameters(), [])
    assert default.bron == "standaard" and default.startjaar == content.DEFAULT_STARTJAAR_BELEID


@pytest.mark.parametrize("kwargs, fragment", [
    ({"startjaar_beleid": 2030}, "startjaar_beleid=2030"),
    ({"peer_k": 2}, "peer_k=2"),
    ({"peer_method": "loting"}, "peer_method='loting'"),
    ({"regio_rollen": "nederland"}, "moet een lijst zijn"),
    ({"regio_rollen": ("maan",)}, "onbekende rol(len) maan"),
])
def test_parameters_checked_with_dutch_messages(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        ReportParameters(**kwargs).checked(2024)


def test_chapter_failure_names_the_chapter_and_keeps_the_cause():
    broken = _inputs(catalogue=CATALOGUE.drop(columns=["kind"]))
    with pytest.raises(ChapterError) as exc:
        build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=broken, plan_list=[], commit="")
    assert exc.value.chapter == "Indicatoren"
    chapter, ename, _ = ChapterError.parse(str(exc.value))
    assert chapter == "Indicatoren" and ename == type(exc.value.__cause__).__name__


def test_chapter_error_parse_rejects_other_messages():
    assert ChapterError.parse("iets anders") is None


def test_metadata_is_one_plain_dict_for_the_runner():
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=_inputs(), plan_list=[], commit="abc")
    meta = rc.metadata()
    assert meta["gemeente"] == {"code": "GM0001", "naam": "Testdorp", "indelingsjaar": 2024}
    assert meta["signals"]["slechter"] == 1 and meta["signals"]["plan"] is None
    assert meta["parameters"]["startjaar_bron"] == "parameter"


def test_every_chapter_renders_without_files():
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=_inputs(), plan_list=[], commit="abc")
    title = sections.render_title(rc)
    assert "<h1>Testdorp" in title.html and title.meta["gemeente"]["code"] == "GM0001"
    assert "vanaf 2020 (gekozen bij het maken van dit rapport)" in title.html and "15.000" in title.html
    for name in [n for n in sections.__all__ if n.startswith("render_") and n != "render_title"]:
        block = getattr(sections, name)(rc, None)
        if name in {"render_plan_goals", "render_savings", "render_prevention", "render_downloads"}:
            assert block is None  # no plan; no files
        else:
            assert block.html and block.meta == {}


def test_source_tables_join_sidecar_titles_and_dates():
    snaps = pd.DataFrame({"table_id": ["84134NED", "84134NED"], "title": ["Jeugdzorg", "Jeugdzorg"],
                          "url": ["", ""], "retrieved": ["2026-01-01", "2026-02-01"], "status": ["", ""],
                          "sha256": ["", ""], "file": ["a", "b"]})
    tables = content.sources_chapter.source_tables(_inputs(snapshots=snaps), "GM0001")
    row = tables.iloc[0]
    assert (row["tabel"], row["titel"], row["opgehaald"], row["eerste_periode"], row["laatste_periode"]) == (
        "84134NED", "Jeugdzorg", "2026-02-01", "2017", "2023")


def test_peers_by_size_class_exclude_the_gemeente():
    peers, _ = content.indicator_chapter.peer_codes(_inputs(), GEM, 3, "grootteklasse", ())
    assert "GM0001" not in peers and "GM0002" in peers


# ------------------------------------------------------------------------------------------ first screen
def _records(rows):
    cols = ["indicator_id", "naam", "change_verdict", "base_value", "latest_value", "base_period", "latest_period",
            "unit", "verdict_allowed"]
    return pd.DataFrame(rows, columns=cols).assign(stale=False)


def test_key_messages_only_known_margins_one_per_family_linked_first():
    v = _records([
        ("a", "Klein verschil", "slechter", 50.0, 52.0, "2019", "2023", "procent", True),
        ("b", "Groot verschil", "beter", 10.0, 5.0, "2019", "2023", "procent", True),
        ("c", "Eenzaam", "slechter", 6.0, 13.0, "2016", "2022", "procent", True),
        ("c_in_natura", "Eenzaam in natura", "slechter", 6.0, 14.0, "2016", "2022", "procent", True),
        ("d", "Aantal", "slechter", 100.0, 300.0, "2019", "2023", "aantal", True),
        ("e", "Gelijk", "gelijk gebleven", 1.0, 9.0, "2019", "2023", "procent", True),
        ("f", "Zonder marge", "marge onbekend", 1.0, 9.0, "2019", "2023", "procent", False),
    ])
    msgs = content.summary_chapter.key_messages(v, {"c": "Betekenisvolle contacten"})
    # c first (linked), c_in_natura is the same family, f has no known margin, d is a count
    assert [m.indicator_id for m in msgs] == ["c", "b", "a"]
    assert msgs[0].opgave == "Betekenisvolle contacten" and not msgs[0].indicatief
    assert msgs[0].tekst.startswith("Eenzaam is gestegen van 6,0% (2016) naar 13,0% (2022)")
    assert "meer dan de gewone schommeling" in msgs[1].tekst and "gunstig" in msgs[1].tekst
    assert content.summary_chapter.key_messages(v[v["indicator_id"] == "f"], {}) == []


def test_badges_fold_sub_opgaven_and_counts_add_up():
    from types import SimpleNamespace as NS

    opgaven = (NS(id="O1", titel="Eén", onderdeel_van=None), NS(id="O2", titel="Twee", onderdeel_van=None),
               NS(id="O2a", titel="Twee a", onderdeel_van="O2"))
    concl = NS(opgaven=(NS(id="O1", uitkomst="op koers"), NS(id="O2", uitkomst="deels op koers"),
                        NS(id="O2a", uitkomst="niet op koers")))
    pc = NS(plan=NS(opgaven=opgaven), conclusions=concl, title="Plan")
    badges = content.summary_chapter.badges([pc])
    assert [(b.titel, b.uitkomst) for b in badges] == [("Eén", "op koers"), ("Twee", "deels op koers")]
    assert badges[1].onderdelen == [("Twee a", "niet op koers")]
    counts = content.summary_chapter.count_outcomes(badges)
    assert counts == {"op koers": 1, "deels op koers": 1, "niet op koers": 0, "nog niet te beoordelen": 0}


def test_first_screen_renders_badges_with_words_and_key_messages():
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=_inputs(), plan_list=[], commit="")
    html = sections.render_summary(rc).html
    shown = len(rc.first_screen.messages)
    assert shown <= 3 and all(m.richting in ("beter", "slechter") for m in rc.first_screen.messages)
    if shown:  # the heading never promises more messages than it shows
        assert {1: "Eén kernboodschap", 2: "Twee kernboodschappen", 3: "Drie kernboodschappen"}[shown] in html
    assert "Drie kernboodschappen" not in html or shown == 3


def test_split_caveats_lists_shared_and_indicator_caveats_once():
    from types import SimpleNamespace as NS

    attrib = "Indicatoren bewegen door veel oorzaken (economie); niet toe te schrijven."
    concl = [NS(id="O1", kanttekeningen=(attrib, "X: te weinig meetpunten (2) om een trend vast te stellen.",
                                         "Evalueerbaarheid laag (3 van 7).")),
             NS(id="O2", kanttekeningen=(attrib, "Budget onbekend.", "Budget onbekend."))]
    per, general = content.plan_chapter.split_caveats(concl)
    assert general == [attrib, "X: te weinig meetpunten (2) om een trend vast te stellen."]
    assert per == {"O1": ["Evalueerbaarheid laag (3 van 7)."], "O2": ["Budget onbekend."]}


def test_display_sources_hides_file_codes_and_keeps_cbs_ids():
    tables = pd.DataFrame({"tabel": ["85099NED", "seed000-bijlage1"], "titel": ["Jeugdzorg", None],
                           "indicatoren": [2, 1], "eerste_periode": ["2019", "2016"],
                           "laatste_periode": ["2023", "2022"], "status": ["definitief", "definitief"],
                           "opgehaald": ["2026-11-30", None]})
    shown = content.sources_chapter.display_sources(tables)
    assert shown["CBS-tabel"].tolist() == ["85099NED", "–"]
    assert shown["Bron"].tolist() == ["Jeugdzorg", "Cijfers uit een document van de gemeente"]
    assert "seed000" not in shown.to_string()


def test_peer_table_names_peers_with_values_of_the_gemeentes_latest_year():
    registry = REGISTRY
    clusters = pd.DataFrame({
        "gemeentecode": ["GM0001", "GM0001", "GM0002", "GM0002"], "jaar": [2022, 2023, 2022, 2023],
        "soort": ["jaarrekening"] * 4, "cluster": ["sociaal_domein_totaal"] * 4,
        "lasten_eur": [1.0e6, 1.2e6, 2.0e6, np.nan], "inwoners": [1000.0, 1000.0, 2000.0, 2000.0]})
    table = content.cost_chapter.peer_table(_inputs(registry=registry, clusters=clusters), "GM0001",
                                            ["GM0002", "GM0003"])
    assert table["naam"].tolist() == ["Testdorp", "Buurdorp", "Verweg"]
    assert table["jaar"].unique().tolist() == [2023]
    assert table["per_inwoner"].iloc[0] == 1200.0
    assert table["per_inwoner"].iloc[1:].isna().all()  # not delivered in 2023 / absent: no value, never 0


def test_downloads_write_one_workbook_with_a_sheet_per_table(tmp_path):
    import openpyxl

    from analyse.report import OutputTarget

    out = OutputTarget("GM0001", tmp_path / "r" / "GM0001", tmp_path / "f" / "GM0001")
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=_inputs(), plan_list=[], commit="")
    sections.render_overview(rc, out)
    sections.render_sources(rc, out)
    block = sections.render_downloads(rc, out)
    book = openpyxl.load_workbook(tmp_path / "r" / "GM0001" / "GM0001-tabellen.xlsx")
    assert book.sheetnames[0] == "Leesmij" and "GM0001-tabellen.xlsx" in block.html
    figure_data = [k for k in out.tables if k in out.figure_data and k.startswith(sections.INDICATOR_FIGURES)]
    has_long = (tmp_path / "r" / "GM0001" / "GM0001-indicatoren.csv").exists()
    assert len(book.sheetnames) == 1 + has_long + len(out.tables) - len(figure_data) >= 3
    assert all(len(n) <= 31 for n in book.sheetnames) and len(set(book.sheetnames)) == len(book.sheetnames)


def test_map_content_without_boundaries_is_a_marked_gap():
    inputs = _inputs(boundaries=None, boundaries_note="Geen kaart: geen grenzenbestand.")
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=inputs, plan_list=[], commit="")
    m = content.indicator_chapter.map_content(inputs, GEM, rc.indicators.records)
    assert m.indicator_id == "jeugdzorg_pct" and m.period == "2023" and m.geo is None
    assert set(m.values.index) == {"GM0001", "GM0002", "GM0003"}  # gemeenten only, no regions or NL01
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=inputs, plan_list=[], commit="")
    assert "Geen kaart: geen grenzenbestand." in sections.render_key_figures(rc).html


def test_a_regio_of_only_the_gemeente_falls_back_and_says_so():
    registry = REGISTRY.assign(jeugdzorgregio_code=["JZ09", "JZ01", "JZ01"],
                               jeugdzorgregio_naam=["Alleen Testdorp", "Regio Noord", "Regio Noord"])
    harmonised = _inputs().harmonised
    pv = harmonised[harmonised["gemeentecode"] == "JZ01"].assign(gemeentecode="PV01")
    inputs = _inputs(registry=registry, harmonised=pd.concat([harmonised, pv], ignore_index=True))
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=inputs, plan_list=[], commit="")
    labels = set(rc.indicators.comparison["reference_label"])
    assert "rest van provincie Noord" in labels and not any("Alleen Testdorp" in lab for lab in labels)
    assert any("bestaat alleen uit de gemeente zelf" in n for n in rc.indicators.reference_notes)


def test_a_theme_in_two_plans_gets_one_badge_with_the_most_cautious_judged_outcome():
    from analyse.content.summary_chapter import Badge, merge_shared

    merged = merge_shared([Badge("Bevordering vrijwillige inzet", "deels op koers", "Vrijwillige inzet"),
                           Badge("Wmo: bevordering vrijwillige inzet", "nog niet te beoordelen", "Wmo"),
                           Badge("Jeugd", "op koers", "Jeugd")])
    assert [(b.titel, b.uitkomst, b.plan) for b in merged] == [
        ("Bevordering vrijwillige inzet", "deels op koers", "2 plannen"), ("Jeugd", "op koers", "Jeugd")]


def test_every_number_shown_for_an_indicator_is_the_one_in_its_record():
    # a newer provisional half-year (another season, 9,0%) beside the yearly series: one value on the page
    base = _inputs()
    half = pd.DataFrame([{"indicator_id": "jeugdzorg_pct", "gemeentecode": code, "period": "2024H1",
                          "period_type": "halfjaar", "value": 9.0, "numerator": 270.0, "denominator": 3000.0,
                          "unit": "procent", "status": "voorlopig", "source_table": "85099NED"}
                         for code in ("GM0001", "GM0002", "GM0003", "JZ01", "NL01")])
    inputs = _inputs(harmonised=pd.concat([base.harmonised, half], ignore_index=True))
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=inputs, plan_list=[], commit="")
    rec = rc.indicators.records.set_index("indicator_id").loc["jeugdzorg_pct"]
    assert (rec["period_type"], rec["latest_period"]) == ("jaar", "2023")
    shown = fmt_value(rec["latest_value"], "procent")
    html = "".join(b.html for b in (sections.render_summary(rc), sections.render_key_figures(rc),
                                    sections.render_overview(rc)))
    assert shown in html and "9,0%" not in html  # kerncijfers, overview and summary agree
    assert rc.indicators.key_figures[0][1] == rec["latest_value"] and rc.indicators.key_figures[0][3] == "2023"
    ov = rc.indicators.overview.rows.set_index("indicator_id").loc["jeugdzorg_pct"]
    assert ov["value"] == rec["latest_value"] and ov["period"] == "2023"
    assert rc.indicators.map.period == "2023"
    assert set(rc.indicators.series.loc[rc.indicators.series["indicator_id"] == "jeugdzorg_pct", "period"]) == {
        str(y) for y in range(2017, 2024)}
    for t in rc.indicators.trends:
        own = t.frame[t.frame["gemeentecode"] == "GM0001"]
        assert own.loc[own["period"] == "2023", "value"].iloc[0] == rec["latest_value"]


def test_harmonised_periods_are_named_where_the_series_is_shown():
    base = _inputs()
    harm = base.harmonised.assign(harmonised=base.harmonised["period"].isin(["2017", "2018"])
                                  & (base.harmonised["gemeentecode"] == "GM0001"), filled=False)
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=_inputs(harmonised=harm), plan_list=[],
                      commit="")
    ser = rc.indicators.series
    assert ser.loc[ser["harmonised"], "period"].tolist() == ["2017", "2018"]
    html = sections.render_overview(rc).html + sections.render_trends(rc).html
    assert "omgerekend naar de gemeentelijke indeling van 2024" in html and "2017 tot en met 2018" in html
