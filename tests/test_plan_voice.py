"""Issue 18: every text of the evaluators that a seed plan transcribes reaches the rendered page, attributed to
them, and our own outcome is labelled as ours.

Seed documents and the pages checked (every ``bron_pagina`` of a bevinding, aanbeveling or conclusion in the plan
file is asserted on the page with its text):

- 000 Hendrik-Ido-Ambacht, Eindevaluatie 'De Kracht van Ambacht' (GM0531): conclusies p. 4-5, opgaven p. 19-44;
- 001 Dordrecht, ambtelijke evaluatie 2022 (GM0505, four plans): p. 4 (geen effectcijfers), knelpunten en
  successen p. 22-29, mantelzorg p. 7-8, vrijwillige inzet p. 23-24;
- 002 Alblasserdam, Integraal Preventieplan 2020-2023 (GM0482): §2.4, §3.1.2, §5.4, taakstelling GR §5.1;
- 003 Almelo, Evaluatie transformatie sociaal domein (GM0141): raadsbrief conclusies 1-5, aanbevelingen
  hoofdstuk 7 (p. 57-59), bevindingen §2.4, §3.4, §4.2.4, §5.4, §6.2;
- 004 Hengelo, notitie november 2019 (GM0164): hoofdstuk 2, 5, par. 3.1, Bijlage 1 (evaluatie maart 2018).
"""

from __future__ import annotations

import functools
import warnings

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402

from analyse import paths  # noqa: E402
from analyse.content import ReportParameters, build_report  # noqa: E402
from analyse.formatting import escape  # noqa: E402
from analyse.plans.conclusions import evaluator_voice  # noqa: E402
from analyse.plans.load import load_plan  # noqa: E402
from analyse.report import sections  # noqa: E402
from tests.test_content import GEM, _inputs  # noqa: E402

SEED_PLANS = {
    "GM0531-kracht-van-ambacht.yml": "000 p. 4-44",
    "GM0505-jeugd.yml": "001 p. 4, p. 20-29",
    "GM0505-mantelzorg.yml": "001 p. 7-8, p. 27",
    "GM0505-vrijwillige-inzet.yml": "001 p. 23-28",
    "GM0505-wmo.yml": "001 p. 4, p. 21-29",
    "GM0482-integraal-preventieplan.yml": "002 §2.4, §3.1.2, §5.1, §5.4",
    "GM0141-evaluatie-transformatie-sociaal-domein.yml": "003 raadsbrief, p. 10-59",
    "GM0164-preventie-sociaal-domein.yml": "004 hoofdstuk 1-5, Bijlage 1",
}


@functools.cache
def _plan(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_plan(paths.PLANS_DIR / name, catalogue=None)


@functools.cache
def _page(name):
    plan = _plan(name)
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=_inputs(), plan_list=[plan], commit="")
    html = "".join(b.html for b in (sections.render_summary(rc), sections.render_plan_goals(rc),
                                     sections.render_savings(rc)) if b is not None)
    return rc, html


def test_every_seed_plan_is_checked():
    assert sorted(SEED_PLANS) == sorted(p.name for p in paths.PLANS_DIR.glob("GM*.yml"))


@pytest.mark.parametrize("name", sorted(SEED_PLANS), ids=lambda n: f"{n} [{SEED_PLANS[n]}]")
def test_every_evaluator_text_reaches_the_page(name):
    plan = _plan(name)
    rc, html = _page(name)
    voice = evaluator_voice(plan)
    texts = [(t.tekst, t.bron_pagina) for t in plan.bevindingen + plan.aanbevelingen]
    texts += [(t.tekst, t.bron_pagina) for o in plan.opgaven for t in o.bevindingen + o.aanbevelingen]
    texts += [(t.tekst, t.bron_pagina) for o in plan.opgaven for m in o.maatregelen
              for t in m.bevindingen + m.aanbevelingen]
    if plan.evaluatie is not None:
        texts += [(c.tekst, c.bron_pagina) for c in plan.evaluatie.conclusies]
    assert len(voice) >= len(texts)
    missing = [(t[:60], p) for t, p in texts if escape(t.strip()) not in html]
    assert not missing, f"{name}: not on the page: {missing}"
    pages = [p for _, p in texts if p]
    absent = [p for p in pages if escape(p) not in html]
    assert not absent, f"{name}: page references missing: {absent}"
    assert "(hun woorden, met bladzijde)" in html
    if plan.soort == "evaluatie":  # our outcome is labelled as ours, apart from their words
        assert "Uitkomst van dit rapport" in html and "geen oordeel van de evaluatoren" in html
        assert "Oordeel van de evaluatoren:" not in html


def test_almelo_plan_level_recommendations_and_time():
    """Almelo (seed 003): the ten plan-level aanbevelingen of hoofdstuk 7 (p. 57-59) are on the first screen
    and in the chapter; the plan reads as finished, evaluated in April 2018."""
    rc, html = _page("GM0141-evaluatie-transformatie-sociaal-domein.yml")
    first = rc.first_screen
    assert first.recommendations_total == 10 and len(first.recommendations) == 5
    assert first.recommendations[0].startswith("1. Bouw voort op de integrale visie")
    assert "plan 2015–2018, geëvalueerd april 2018" in html
    assert any("Taakstellingen: Tabel 2: 66% gerealiseerd in 2019" in m for m in first.money)
    assert "'veelbelovende pilots, maar nog weinig inzet op preventie'" in html


def test_dordrecht_badges_say_more_than_deels_and_no_effect_headline():
    """Dordrecht (seed 001 p. 4): the evaluation declined effect figures; badges carry the evaluators' words or
    their knelpunten/successen and the execution figure, not only '10 deels op koers'."""
    plans = [_plan(f"GM0505-{n}.yml") for n in ("jeugd", "mantelzorg", "vrijwillige-inzet", "wmo")]
    rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs=_inputs(), plan_list=plans, commit="")
    first = rc.first_screen
    assert first.effect_note and "geen cijfers uit effectmetingen" in first.effect_note
    assert first.messages == []
    assert all(b.kerncijfer for b in first.badges)  # every badge says more than its colour
    assert sum(bool(b.evaluatoren) for b in first.badges) >= 6  # their words, or their knelpunten said once per plan
    assert any("7 knelpunten en 0 successen voor heel 'Lokaal Plan Jeugd 2019-2022'" in b.evaluatoren
               for b in first.badges)
    html = sections.render_summary(rc).html
    assert "kernboodschappen</h3>" not in html and "kernboodschap</h3>" not in html
    assert "knelpunten" in html and escape("'respijtvoorzieningen gerealiseerd") in html


def test_alblasserdam_gr_taakstelling_is_labelled_as_regional_total():
    """Alblasserdam (seed 002 §5.1): the € 3,6 mln is the GR Drechtsteden total with Alblasserdam's share in it."""
    rc, html = _page("GM0482-integraal-preventieplan.yml")
    assert "regionaal totaal" in html and "het deel van Alblasserdam zit erin maar staat niet als bedrag" in html
