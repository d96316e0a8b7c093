"""Each conclusion rule on tiny constructed plans; monitor verdicts; recommendations; plain text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analyse.plans import conclude, conclude_maatregelen, conclude_opgave, load_plan
from analyse.plans.conclusions import decide

DATA = Path(__file__).parent / "data" / "plans"
VERDICT_COLS = ["indicator_id", "naam", "base_period", "latest_period", "base_value", "latest_value", "verdict",
                "verdict_reason", "small_numbers", "n_points"]


@pytest.fixture(scope="module")
def plan():
    return load_plan(DATA / "GM9999-mini.yml", catalogue=set())


@pytest.fixture(scope="module")
def result(plan):
    return conclude(plan, verdicts=pd.DataFrame(columns=VERDICT_COLS))


@pytest.mark.parametrize(("args", "expected"), [
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
])
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
    assert "€ 14.000 gerealiseerd van € 15.000 begroot (93%)" in a.tekst
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
    v = pd.DataFrame([["plan_eenzaam", "Is niet eenzaam", "2016", "2024", 65.0, 70.0, "beter",
                       "Significant hoger.", True, 2]], columns=VERDICT_COLS)
    b = conclude_opgave(plan, "B", verdicts=v)
    ev = b.indicatoren[0]
    assert ev.herkomst == "monitor" and ev.verdict == "beter"
    assert any("kleine aantallen" in k for k in b.kanttekeningen)
    assert any("te weinig meetpunten (2)" in k for k in b.kanttekeningen)
    assert b.uitkomst == "niet op koers"  # nothing executed: R3 still decides


def test_verdicts_for_other_gemeente_ignored(plan):
    v = pd.DataFrame([["GM0001", "plan_eenzaam", "x", "2016", "2024", 65.0, 70.0, "beter", "", False, 5]],
                     columns=["gemeentecode", *VERDICT_COLS])
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
