"""Each conclusion rule on tiny constructed plans; monitor verdicts; recommendations; plain text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analyse.plans import conclude, conclude_maatregelen, conclude_opgave, load_plan
from analyse.plans.conclusions import decide

DATA = Path(__file__).parent / "data" / "plans"
VERDICT_COLS = [
    "indicator_id",
    "naam",
    "base_period",
    "latest_period",
    "base_value",
    "latest_value",
    "verdict",
    "verdict_reason",
    "small_numbers",
    "n_points",
]


@pytest.fixture(scope="module")
def plan():
    return load_plan(DATA / "GM9999-mini.yml", catalogue=set())


@pytest.fixture(scope="module")
def result(plan):
    return conclude(plan, verdicts=pd.DataFrame(columns=VERDICT_COLS))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((None, None, None, None, 0.0), ("nog niet te beoordelen", "R1_geen_gegevens")),
        ((0.5, None, None, None, 0.5), ("nog niet te beoordelen", "R2_te_vroeg")),
        ((0.2, None, 1.0, None, 0.0), ("niet op koers", "R3_uitvoering_laag")),
        ((0.4, None, -1.0, None, 0.0), ("niet op koers", "R4_laag_en_slechter")),
        ((0.5, None, None, 1.0, 0.0), ("op koers", "R5_doelen_gehaald")),
        ((0.8, 0.9, 0.0, None, 0.0), ("op koers", "R6_op_koers")),
        ((None, None, 1.0, None, 0.0), ("nog niet te beoordelen", "R7_alleen_indicatoren")),
        ((None, None, -1.0, 0.0, 0.0), ("niet op koers", "R7_alleen_indicatoren")),
        ((0.6, None, None, None, 0.0), ("deels op koers", "R8_gemengd")),
        ((0.8, 0.5, None, None, 0.0), ("deels op koers", "R8_gemengd")),
    ],
)
def test_decide_table(args, expected):
    assert decide(*args) == expected


def test_mostly_unknown_status_never_op_koers():
    # 5 of 14 maatregelen gerealiseerd, 9 with unknown status (seed 003 'Efficiëntie'): u = 1 over the known 5
    assert decide(1.0, None, None, None, 0.0, 9 / 14) == ("nog niet te beoordelen", "R2b_uitvoering_onbekend")
    assert decide(1.0, 0.9, 0.5, None, 0.0, 9 / 14) == ("deels op koers", "R2b_uitvoering_onbekend")
    assert decide(1.0, 0.9, 0.5, None, 0.0, 1 / 14) == ("op koers", "R6_op_koers")


def test_opgave_a_op_koers_with_evidence(result):
    a = result.opgave("A")
    assert a.uitkomst == "op koers" and a.regels_toegepast == ("R5_doelen_gehaald",)
    assert "Bereik: van 20 (2020) naar 120 (2023), beter; streefwaarde 100 gehaald" in a.tekst
    assert "€ 14.000 uitgegeven van € 15.000 begroot (93%)" in a.tekst
    assert any("zonder betrouwbaarheidsinterval" in k for k in a.kanttekeningen)


def test_opgave_b_niet_op_koers(result):
    b = result.opgave("B")
    assert b.uitkomst == "niet op koers" and b.regels_toegepast == ("R3_uitvoering_laag",)
    assert "65,0% (2016) naar 54,0% (2022), slechter" in b.tekst
    assert any("niet zonder meer aan het plan toe te schrijven" in k for k in b.kanttekeningen)
    assert b.indicatoren[0].verdict == "slechter" and b.indicatoren[0].herkomst == "document"


def test_opgave_c_mixed_and_merged(result):
    c = result.opgave("C")
    assert c.uitkomst == "deels op koers"
    assert "M9 is opgegaan in M6" in c.tekst and c.componenten["n_beoordeeld"] == 3
    assert any("geen indicator" in k for k in c.kanttekeningen)


def test_opgave_d_too_early(result):
    assert result.opgave("D").regels_toegepast == ("R2_te_vroeg",)


def test_opgave_e_nothing(result):
    e = result.opgave("E")
    assert e.uitkomst == "nog niet te beoordelen" and e.regels_toegepast == ("R1_geen_gegevens",)


def test_monitor_verdict_overrides_document(plan):
    v = pd.DataFrame(
        [["plan_eenzaam", "Is niet eenzaam", "2016", "2024", 65.0, 70.0, "beter", "Significant hoger.", True, 2]],
        columns=VERDICT_COLS,
    )
    b = conclude_opgave(plan, "B", verdicts=v)
    ev = b.indicatoren[0]
    assert ev.herkomst == "monitor" and ev.verdict == "beter"
    assert any("kleine aantallen" in k for k in b.kanttekeningen)
    assert any("te weinig meetpunten (2)" in k for k in b.kanttekeningen)
    assert b.uitkomst == "niet op koers"  # nothing executed: R3 still decides


def test_verdicts_for_other_gemeente_ignored(plan):
    v = pd.DataFrame(
        [["GM0001", "plan_eenzaam", "x", "2016", "2024", 65.0, 70.0, "beter", "", False, 5]],
        columns=["gemeentecode", *VERDICT_COLS],
    )
    assert conclude_opgave(plan, "B", verdicts=v).indicatoren[0].herkomst == "document"


def test_group_conclusion(plan):
    g = conclude_maatregelen(plan, ["M3", "M4"], titel="Eenzaamheid")
    assert g.niveau == "groep" and g.uitkomst == "niet op koers"
    assert g.indicatoren and g.indicatoren[0].indicator_id == "plan_eenzaam"


def test_plan_conclusion_and_ranking(result):
    p = result.plan
    assert p.niveau == "plan" and p.uitkomst == "deels op koers" and p.regels_toegepast == ("RP_gemengd",)
    assert "Het verst gevorderd is Opgave A" in p.tekst
    scores = {c.id: c.score for c in result.opgaven}
    assert scores["A"] > scores["C"] > scores["B"]


def test_recommendations(result):
    regels = {a.regel for a in result.aanbevelingen}
    assert {"A1_kwantitatieve_doelen", "A2_nulmeting", "A6_pilots_rapporteren", "A8_stilgevallen_maatregelen"} <= regels
    texts = [a.tekst for a in result.aanbevelingen]
    assert any(t.startswith("Stel kwantitatieve doelen op voor opgave B") for t in texts)
    assert any("Leg een nulmeting vast voor 'Oude reeks'" in t for t in texts)
    assert any("Rapporteer resultaten van pilots: Pilot zonder resultaat (P1)" in t for t in texts)
    assert len(texts) == len(set(texts))


def test_texts_are_plain(result):
    for c in (*result.opgaven, result.plan):
        assert "<" not in c.tekst and "nan" not in c.tekst.lower().split()
    df = result.to_frame()
    assert list(df["niveau"]).count("plan") == 1


def test_no_verdicts_argument(plan):
    assert conclude(plan).opgave("B").uitkomst == "niet op koers"


# --------------------------------------------------------------------------- evidence weighing (issue 12)
import warnings  # noqa: E402

from analyse import paths  # noqa: E402
from analyse.plans.conclusions import (  # noqa: E402
    classify_bevinding,
    evaluator_recommendations,
    shared_themes,
    weigh_evidence,
)
from analyse.plans.schema import Tekst  # noqa: E402


def _seed(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_plan(paths.PLANS_DIR / name, catalogue=None)


def _conclude_seed(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return conclude(_seed(name))


@pytest.mark.parametrize(
    "name, expected",
    [
        # Almelo: raadsbrief conclusies 1-5; hoofdstuk 7 (p. 57-58), §6.4 (p. 56)
        (
            "GM0141-evaluatie-transformatie-sociaal-domein.yml",
            {
                "O1": "deels op koers",
                "O2": "niet op koers",
                "O3": "deels op koers",
                "O4": "deels op koers",
                "O5": "nog niet te beoordelen",
            },
        ),
        # Hendrik-Ido-Ambacht: conclusies per opgave p. 5, p. 19, p. 26 (O3c p. 5)
        (
            "GM0531-kracht-van-ambacht.yml",
            {
                "O1": "niet op koers",
                "O2": "deels op koers",
                "O3": "deels op koers",
                "O3c": "niet op koers",
                "O4": "deels op koers",
            },
        ),
        # Dordrecht: mantelzorg p. 7-8 / p. 27; vrijwillige inzet p. 23-24; Wmo p. 22-23 and p. 25, p. 28-29
        ("GM0505-mantelzorg.yml", {"O1": "deels op koers"}),
        ("GM0505-vrijwillige-inzet.yml", {"O1": "deels op koers"}),
        ("GM0505-wmo.yml", {"O5.1": "deels op koers", "O5.4": "deels op koers"}),
    ],
)
def test_seed_verdicts_match_the_evaluators(name, expected):
    result = _conclude_seed(name)
    got = {c.id: c.uitkomst for c in result.opgaven if c.id in expected}
    assert got == expected
    assert all(result.opgave(i).regels_toegepast[0] == "R0_oordeel_evaluatoren" for i in expected)


@pytest.mark.parametrize(
    "name, opgave, page",
    [
        ("GM0141-evaluatie-transformatie-sociaal-domein.yml", "O2", "hoofdstuk 7 (p. 57)"),
        ("GM0141-evaluatie-transformatie-sociaal-domein.yml", "O5", "§6.4 (p. 56)"),
        ("GM0531-kracht-van-ambacht.yml", "O1", "p. 19; p. 5"),
        ("GM0531-kracht-van-ambacht.yml", "O2", "p. 5; p. 26"),
        ("GM0505-mantelzorg.yml", "O1", "p. 7-8; p. 27"),
        ("GM0505-vrijwillige-inzet.yml", "O1", "p. 23-24"),
        ("GM0505-wmo.yml", "O5.4", "p. 25; p. 28-29"),
    ],
)
def test_evaluator_verdict_names_its_page(name, opgave, page):
    c = _conclude_seed(name).opgave(opgave)
    assert page in c.oordeel_evaluatoren
    # issue 18: their words, never our scale word presented as theirs; the sentence says the reading is ours (R0)
    assert not c.oordeel_evaluatoren.startswith(c.uitkomst)
    assert not any(b.startswith("Oordeel van de evaluatoren") for b in c.bewijs)
    assert "(regel R0)" in c.uitleg and "schaal gebruiken de evaluatoren zelf niet" in c.uitleg
    assert c.woorden_evaluatoren and all(page.split("; ")[-1] in w or "(" in w for w in c.woorden_evaluatoren)


def test_almelo_zelfredzaamheid_says_the_cap_is_ours():
    """Almelo O3 (raadsbrief conclusie 3, §4.4): 'breed en naar tevredenheid toegepast'; the cap R9/R9b is ours."""
    c = _conclude_seed("GM0141-evaluatie-transformatie-sociaal-domein.yml").opgave("O3")
    assert "breed en naar tevredenheid toegepast" in c.oordeel_evaluatoren
    assert "rekenregels van dit rapport" in c.uitleg and "R9" in c.uitleg


def test_evaluator_voice_keeps_every_text():
    """Every bevinding, aanbeveling, conclusion and tekortkoming of the file is one row, plan level included."""
    from analyse.plans.conclusions import evaluator_voice

    plan = _seed("GM0141-evaluatie-transformatie-sociaal-domein.yml")
    voice = evaluator_voice(plan)
    n = (len(plan.bevindingen) + len(plan.aanbevelingen) + len(plan.evaluatie.conclusies)
         + len(plan.evaluatie.tekortkomingen) + sum(len(o.bevindingen) + len(o.aanbevelingen) for o in plan.opgaven))
    assert len(voice) == n
    plan_recs = voice[(voice["niveau"] == "plan") & (voice["soort"] == "aanbeveling")]
    assert len(plan_recs) == 10 and plan_recs["bron_pagina"].eq("hoofdstuk 7 (p. 57-59)").all()
    jeugd = evaluator_voice(_seed("GM0505-jeugd.yml"))
    assert (jeugd["soort"] == "knelpunt").sum() == 7 and jeugd["tekst"].str.contains("kinderwerk").any()


def test_almelo_zelfredzaamheid_capped_by_weak_evidence():
    """Almelo O3: the rule outcome rests on one input measure with evaluability 0 van 7 → at most deels."""
    c = _conclude_seed("GM0141-evaluatie-transformatie-sociaal-domein.yml").opgave("O3")
    assert "R9_evalueerbaarheid_zeer_laag" in c.regels_toegepast and "R9b_alleen_input" in c.regels_toegepast
    assert c.componenten["eigen_toets"] == "deels op koers"


def test_dordrecht_knelpunten_keep_it_from_mostly_op_koers():
    """Dordrecht jeugd (§7, p. 26-29) names mostly knelpunten: no opgave may stay 'op koers'."""
    for name in ("GM0505-jeugd.yml", "GM0505-wmo.yml"):
        result = _conclude_seed(name)
        n_op = sum(c.uitkomst == "op koers" for c in result.opgaven)
        assert n_op <= len(result.opgaven) / 2
        assert result.plan.uitkomst != "op koers"
    jeugd = _conclude_seed("GM0505-jeugd.yml")
    assert all("R10_knelpunten" in c.regels_toegepast for c in jeugd.opgaven)


def test_hia_summary_counts_agree_with_sub_opgaven():
    """HIA: O3a is 'op koers' as a deelopgave; the summary must say so instead of '0 op koers' only."""
    plan = _conclude_seed("GM0531-kracht-van-ambacht.yml").plan
    assert "Van de 3 deelopgaven zijn er 1 op koers" in plan.tekst
    assert plan.uitkomst == "nog niet te beoordelen" and "(p. 4)" in plan.oordeel_evaluatoren


def test_shared_theme_one_statement():
    """Dordrecht: 'Bevordering vrijwillige inzet' is in the Wmo plan (O5.3) and in its own plan (O1)."""
    results = [(p, conclude(p)) for p in (_seed("GM0505-wmo.yml"), _seed("GM0505-vrijwillige-inzet.yml"))]
    themes = shared_themes(results)
    row = themes[themes["thema"] == "bevordering vrijwillige inzet"].iloc[0]
    assert row.uitkomst == "deels op koers" and row.n_plannen == 2 and "O5.3" in row.onderdelen


def test_evaluator_recommendations_per_opgave():
    recs = evaluator_recommendations(_seed("GM0531-kracht-van-ambacht.yml"))
    assert {"plan", "opgave", "maatregel"} <= set(recs["niveau"])
    c = _conclude_seed("GM0531-kracht-van-ambacht.yml").opgave("O1")
    assert c.aanbevelingen_evaluatoren and all("(p." in r for r in c.aanbevelingen_evaluatoren)


def test_classify_bevinding():
    assert classify_bevinding(Tekst("Knelpunt: geen kinderwerk")) == "knelpunt"
    assert classify_bevinding(Tekst("Succesfactoren: samenwerking")) == "succes"
    assert classify_bevinding(Tekst("Neutrale zin", soort="succes")) == "succes"
    assert classify_bevinding(Tekst("Er is gesproken met partners")) == "neutraal"


def test_weigh_evidence_caps_only_inputs(plan, result):
    import dataclasses

    a = result.opgave("A")
    only_input = dataclasses.replace(
        a, uitkomst="op koers", componenten={**a.componenten, "u": 1.0, "o": None, "i": None, "t": None}
    )
    capped = weigh_evidence(plan, only_input)
    assert capped.uitkomst == "deels op koers" and "R9b_alleen_input" in capped.regels_toegepast
    assert weigh_evidence(plan, dataclasses.replace(a, uitkomst="op koers")).uitkomst == "op koers"
