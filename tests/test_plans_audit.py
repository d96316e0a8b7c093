"""Evaluability audit on the constructed plan tests/data/plans/GM9999-mini.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyse.plans import load_plan
from analyse.plans.evaluability import CRITERIA_MAATREGEL, CRITERIA_OPGAVE, audit

DATA = Path(__file__).parent / "data" / "plans"


@pytest.fixture(scope="module")
def result():
    return audit(load_plan(DATA / "GM9999-mini.yml", catalogue=set()))


def test_complete_opgave_scores_7(result):
    a = result.item("A")
    assert a.score == 7 and a.max_score == len(CRITERIA_OPGAVE) and a.ontbreekt == ()


def test_missing_items_named_in_dutch(result):
    b = result.item("B")
    assert not b.criteria["specifiek_doel"] and not b.criteria["budget"] and not b.criteria["eigenaar"]
    assert b.criteria["indicator"] and b.criteria["nulmeting"] and b.criteria["streefwaarde"]
    assert "geen specifiek (toetsbaar) doel" in b.ontbreekt and "geen begroot bedrag" in b.ontbreekt
    assert result.item("C").score == 0


def test_explicit_missing_baseline_is_not_a_nulmeting(result):
    e = result.item("E")
    assert e.criteria["indicator"] and not e.criteria["nulmeting"]


def test_maatregel_criteria(result):
    m1 = result.item("M1")
    assert set(m1.criteria) == set(CRITERIA_MAATREGEL)
    assert m1.criteria["meetbaar"] and m1.criteria["streefwaarde"] and m1.criteria["budget"] and m1.criteria["eigenaar"]
    assert not m1.criteria["doel"]
    assert result.item("M4").score == 0


def test_plan_level_gaps(result):
    soorten = result.soorten()
    assert {"doelen_niet_smart", "geen_streefwaarden", "geen_nulmeting", "indicator_continuiteit",
            "outputdata_ontbreken"} <= soorten
    assert "geen_beleidstheorie" not in soorten  # opgave A has one
    assert "Oude reeks (niet herleidbaar)" in result.samenvatting()


def test_no_theory_of_change_found():
    plan = load_plan(Path(__file__).parents[1] / "plans" / "EXAMPLE.yml.example", catalogue=set())
    # the example's O2 has a beleidstheorie; remove it to see the gap
    import dataclasses
    plan2 = dataclasses.replace(plan, opgaven=tuple(dataclasses.replace(o, beleidstheorie=None) for o in plan.opgaven))
    assert "geen_beleidstheorie" in audit(plan2).soorten()
    assert "geen_beleidstheorie" not in audit(plan).soorten()


def test_frame(result):
    df = result.to_frame()
    assert {"niveau", "id", "score", "max_score", "ontbreekt"} <= set(df.columns)
    assert len(df) == 5 + 11
    assert 0 <= result.score <= 100
