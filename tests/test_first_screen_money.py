"""Issue 18 unit tests on tiny objects: plans in time, the money line, taakstellingen with their kind, the
evaluators' words on the first screen, and headings that count what they show."""

from __future__ import annotations

from types import SimpleNamespace as NS

import numpy as np
import pandas as pd
import pytest

from analyse.content import cost_chapter, plan_chapter, summary_chapter
from analyse.plans.conclusions import own_rule_sentence, reading_sentence
from analyse.plans.money import savings_headline, taakstelling_table
from analyse.plans.period import plan_in_time
from analyse.plans.schema import Bron, Evaluatie, Periode, Plan, Taakstelling


def _plan(soort="evaluatie", start=2015, eind=2018, datum="2018-04", **kw):
    ev = Evaluatie(datum=datum) if soort == "evaluatie" else None
    return Plan(gemeentecode="GM0001", gemeente="Testdorp", titel="T", soort=soort, periode=Periode(start, eind),
                bron=Bron(document="d.txt", titel="T", datum=datum), evaluatie=ev, **kw)


def test_plan_in_time_finished_and_evaluated():
    t = plan_in_time(_plan(), 2024)
    assert t.afgerond and t.geevalueerd and t.peiljaar == 2018
    assert t.label == "plan 2015–2018, geëvalueerd april 2018"


def test_plan_in_time_interim_and_unevaluated():
    assert "(vóór het einde van de planperiode)" in plan_in_time(_plan(eind=2023, datum="2022"), 2024).label
    t = plan_in_time(_plan(soort="plan", start=2020, eind=2023, datum="2019-12", vastgesteld="2020-01-28"), 2024)
    assert not t.geevalueerd and t.peiljaar is None
    assert t.label == "plan 2020–2023, vastgesteld januari 2020; afgelopen, geen evaluatie van dit plan beschikbaar"
    assert plan_in_time(_plan(soort="plan", start=2024, eind=2027, datum=None), 2024).label.endswith(
        "nog niet geëvalueerd")


def test_split_at_evaluation_moves_newer_linked_rows_apart():
    v = pd.DataFrame({"indicator_id": ["a", "b", "c"], "latest_period": ["2017", "2024H1", "2023"],
                      "naam": ["A", "B", "C"], "verdict": ["beter"] * 3})
    own, since = plan_chapter.split_at_evaluation(v, 2018, ["a", "b"])
    assert own["indicator_id"].tolist() == ["a"] and since["indicator_id"].tolist() == ["b"]
    same, none = plan_chapter.split_at_evaluation(v, None, ["a"])
    assert same is v and none.empty


def test_budget_line_latest_year_with_both_and_two_before():
    bj = pd.DataFrame({"cluster": ["sociaal_domein_totaal"] * 4, "jaar": [2021, 2022, 2023, 2024],
                       "afwijking_eur": [1e6, 2e6, 3e6, 9.0e6], "afwijking_pct": [5.0, 32.9, 37.7, 28.4]})
    line = cost_chapter.budget_line(bj)
    assert line == ("sociaal domein 2024: € 9,0 mln (28,4%) meer uitgegeven dan begroot (2022: +32,9%; "
                    "2023: +37,7%)")
    assert cost_chapter.budget_line(bj.assign(afwijking_pct=np.nan)) == ""


def test_growth_figures_only_cpi_years_names_breaks_and_nominal_years():
    cpi = pd.DataFrame({"jaar": [2018, 2019, 2020], "cpi_index": [100.0, 110.0, 121.0]})
    comp = pd.DataFrame({"cluster": "sociaal_domein_totaal", "soort": "jaarrekening", "jaar": [2018, 2019, 2020, 2021],
                         "gemeente_per_inwoner": [100.0, 110.0, 242.0, 300.0], "peers_mediaan": [100.0] * 4,
                         "nl_per_inwoner": [100.0, 100.0, 121.0, 130.0]})
    breaks = pd.DataFrame({"cluster": ["sociaal_domein_totaal"], "cluster_label": ["Sociaal domein"],
                           "soort_breuk": ["taakveldindeling"], "jaar": [2020], "aandeel_in_stijging_pct": [np.nan]})
    g = cost_chapter.growth_figures(NS(cpi=cpi), comp, breaks)
    assert (g.van, g.tot, g.nominal_years, g.cpi_last) == (2018, 2020, (2021,), 2020)
    assert g.gemeente_pct == pytest.approx(100.0) and g.nl_pct == pytest.approx(0.0)
    assert g.peers_pct == pytest.approx(100 / 1.21 - 100)
    text = cost_chapter.growth_sentence(g, "Testdorp")
    assert "2020: taakveldindeling gewijzigd" in text and "2021 staat alleen nominaal" in text
    assert cost_chapter.growth_figures(NS(cpi=cpi.iloc[:1]), comp) is None  # one CPI year: no growth


def test_regional_taakstelling_labelled_as_regional_total():
    plan = _plan(soort="plan", taakstellingen=(
        Taakstelling(id="T1", omschrijving="Taakstelling GR Drechtsteden (besluit)", bedrag=3.6e6, jaar=2020,
                     schaal="regio"),
        Taakstelling(id="T2", omschrijving="Eigen", bedrag=1e6, jaar=2020, schaal="regio", aandeel_gemeente=2e5)))
    table = taakstelling_table(plan)
    assert table["wat_het_bedrag_is"].iloc[0].startswith("regionaal totaal (taakstelling in de begroting); het deel "
                                                         "van Testdorp zit erin maar staat niet als bedrag")
    assert table["wat_het_bedrag_is"].iloc[1].endswith("deel van Testdorp: € 200.000")
    assert "Taakstelling GR Drechtsteden: € 3,6 mln is een regionaal totaal" in savings_headline(plan)


def test_rule_sentences_say_the_outcome_is_ours():
    own = own_rule_sentence("deels op koers", ["R8_gemengd"], {"u": 0.5}, [])
    assert own == ("Volgens de rekenregels van dit rapport: 'deels op koers' (R8: het beeld is gemengd "
                   "(uitvoeringsscore 50%; outputs, indicatoren en doelen wijzen niet één kant op)).")
    capped = own_rule_sentence("deels op koers", ["R6_op_koers", "R9b_alleen_input"], {"u": 1.0},
                               [("R9b_alleen_input", "alleen de uitvoering is vastgesteld")])
    assert "hooguit 'deels op koers' (R9b)" in capped and "omdat alleen de uitvoering is vastgesteld" in capped
    read = reading_sentence("niet op koers", "'te weinig capaciteit' (p. 5)", "deels op koers", own)
    assert "(regel R0)" in read and "schaal gebruiken de evaluatoren zelf niet" in read
    assert "zouden de rekenregels van dit rapport uitkomen op 'deels op koers'" in read


def test_heading_counts_the_messages_shown():
    msg = summary_chapter.KeyMessage("a", "x", "beter")
    screen = summary_chapter.FirstScreen([], {}, [msg, msg], None, "2020")
    assert screen.messages_heading == "Twee kernboodschappen"
    screen.messages = [msg]
    assert screen.messages_heading == "Eén kernboodschap"


def test_first_sentence_keeps_their_words_and_page():
    f = summary_chapter._first_sentence
    assert f("1. Bouw voort op de visie. Focus weer op de inhoud. (hoofdstuk 7 (p. 57-59))") == (
        "1. Bouw voort op de visie. … (hoofdstuk 7 (p. 57-59))")
    assert f("Kort. (p. 5)") == "Kort. (p. 5)"


def test_effect_note_only_when_every_evaluation_declined_effect_figures():
    evaluated = NS(geevalueerd=True)
    a = NS(tijd=evaluated, geen_effectcijfers="'geen cijfers uit effectmetingen' (p. 4)")
    b = NS(tijd=evaluated, geen_effectcijfers=None)
    assert "geen cijfers uit effectmetingen" in summary_chapter.effect_note([a])
    assert summary_chapter.effect_note([a, b]) is None and summary_chapter.effect_note([]) is None


def test_money_lines_combine_budget_growth_and_taakstellingen():
    g = cost_chapter.RealGrowth(2018, 2024, 2024, 55.0, 17.0, 7.0, ("2023: taakveldindeling gewijzigd",), (), 2025)
    costs = NS(budget_line="sociaal domein 2024: € 9,0 mln (28,4%) meer uitgegeven dan begroot", growth=g)
    lines = summary_chapter.money_lines(costs, [NS(savings_line="Taakstellingen: Tabel 2: 66% gerealiseerd.")])
    assert lines[0].startswith("Sociaal domein 2024: € 9,0 mln")
    assert lines[1] == ("Lasten sociaal domein per inwoner na inflatie 2018–2024: +55%, tegen +17% bij vergelijkbare "
                        "gemeenten en +7% in Nederland; let op, over breuken heen (2023: taakveldindeling gewijzigd).")
    assert lines[2].startswith("Taakstellingen")
    assert summary_chapter.money_lines(None, []) == []


@pytest.mark.parametrize("recs, tag", [
    (["1. Bouw voort op de visie. (p. 57)", "2. Zorg voor draagvlak. (p. 57)"], "ul"),  # their own numbers
    (["Bouw voort op de visie. (p. 57)", "Zorg voor draagvlak. (p. 57)"], "ol"),
])
def test_recommendations_are_numbered_once(recs, tag):
    from analyse.report import sections

    screen = summary_chapter.FirstScreen([], {}, [], None, "2020", recommendations=recs,
                                         recommendations_total=len(recs))
    html = " ".join(b.html for b in sections._first_screen(NS(first_screen=screen)) if b is not None)
    assert f'<{tag} class="aanbevelingen"' in html and f"</{tag}>" in html
    assert html.count("1. Bouw voort") == (1 if tag == "ul" else 0)


def test_series_marks_name_every_break_and_what_it_means():
    from analyse.report import sections

    series = pd.DataFrame({"indicator_id": "b", "period": ["2018-12-31", "2019-12-31", "2020-12-31"],
                           "harmonised": False, "filled": False, "break_before": [False, True, True]})
    content = NS(indicators=NS(series=series, records=pd.DataFrame({"indicator_id": ["b"], "naam": ["Bijstand"]})),
                 indelingsjaar=2024)
    text = sections._series_marks(content, ["b"]).text
    assert "Bijstand: nieuwe reeks (andere CBS-tabel of definitie) vanaf 31-12-2019 en 31-12-2020" in text
    assert "veranderingen over die grenzen worden niet beoordeeld" in text
    one = series.assign(break_before=[False, True, False])
    assert "een verandering over die grens wordt niet beoordeeld" in sections._series_marks(
        NS(indicators=NS(series=one, records=content.indicators.records), indelingsjaar=2024), ["b"]).text
