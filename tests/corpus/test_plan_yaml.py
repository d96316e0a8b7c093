"""Corpus: bad plan YAML files (``analyse.plans.load``). Each must be refused with the file, the path in the
document (``opgaven[0].maatregelen[0].status``) or the line/column, and what is wrong – never loaded half."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from analyse.errors import PlanValidationError
from analyse.plans import load_plan, plans_for

from .conftest import DATA

PLANS = DATA / "plans"
CATALOGUE = {"jeugdzorg_pct"}


def problems(name: str) -> list[str]:
    with pytest.raises(PlanValidationError) as exc:
        load_plan(PLANS / name, catalogue=CATALOGUE)
    assert all(p.startswith(str(PLANS / name)) for p in exc.value.problems), exc.value.problems
    return exc.value.problems


@pytest.mark.parametrize("name, fragments", [
    pytest.param("invalid_yaml_tab.yml", ["(regel 10, kolom 1)", "ongeldige YAML", "'\\t'"], id="invalid-yaml"),
    pytest.param("unknown_key_top.yml", ["titl: onbekende sleutel 'titl'; bedoelde u 'titel'?"], id="unknown-key"),
    pytest.param("status_outside_vocab.yml", ["opgaven[0].maatregelen[0].status: waarde 'afgerond' niet toegestaan",
                                              "bedoelde u 'gerealiseerd'?"], id="status-outside-vocabulary"),
    pytest.param("budget_text.yml", ["opgaven[0].maatregelen[0].budget[0].begroot", "als tekst gegeven",
                                     "'€ 20.000,-'", "bijv. 20000"], id="budget-as-text"),
    pytest.param("budget_pm.yml", ["budget[0].begroot", "('pm')", "gebruik null"], id="budget-pm"),
    pytest.param("duplicate_id.yml", ["opgaven[1].maatregelen[0].id: dubbele maatregel-id 'M1'",
                                      "ook in opgaven[0].maatregelen[0].id"], id="duplicate-id"),
    pytest.param("unknown_indicator.yml", ["opgaven[0].maatregelen[0].indicatoren[0]", "'jeugdzorg_procent'",
                                           "bedoelde u 'jeugdzorg_pct'?"], id="indicator-not-in-catalogue"),
    pytest.param("target_without_baseline.yml", ["opgaven[0].doelen[0].indicatoren[0]: streefwaarde zonder baseline"],
                 id="target-without-baseline"),
    pytest.param("python_object_tag.yml", ["(regel 4, kolom 8)", "'!!python/object:os.system' geweigerd",
                                           "veilige YAML-loader"], id="python-object-tag"),
    pytest.param("python_name_tag.yml", ["'!!python/name:os.system' geweigerd"], id="python-name-tag"),
    pytest.param("duplicate_key.yml", ["(regel 6, kolom 1)", "dubbele sleutel 'soort'", "eerder op regel 5"],
                 id="duplicate-key"),
    pytest.param("empty.yml", ["(document): verwacht een mapping bovenaan, kreeg NoneType"], id="empty-file"),
    pytest.param("top_level_list.yml", ["verwacht een mapping bovenaan, kreeg list"], id="top-level-list"),
    pytest.param("latin1.yml", ["(bestand): niet te lezen", "utf-8"], id="encoding-latin1"),
    pytest.param("periode_reversed.yml", ["periode: start 2024 ligt na eind 2020"], id="period-reversed"),
    pytest.param("year_as_text.yml", ["budget[0].jaar: verwacht een jaartal/geheel getal, kreeg '2022'"],
                 id="year-as-text"),
    pytest.param("gemeentecode_malformed.yml", ["gemeentecode: '531' is geen gemeentecode"], id="plan-code-malformed"),
    pytest.param("missing_required.yml", ["gemeente: verplichte sleutel ontbreekt", "bron: verplichte sleutel ontbreekt"],
                 id="missing-required-keys"),
])
def test_bad_plan_refused(name, fragments):
    text = "\n".join(problems(name))
    for fragment in fragments:
        assert fragment in text, (fragment, text)


def test_python_apply_tag_refused_and_not_executed(tmp_path):
    """``!!python/object/apply:os.system ["touch MARKER"]`` must be refused before anything runs."""
    plan = tmp_path / "GM9999-evil.yml"
    shutil.copy(PLANS / "python_apply_tag.yml", plan)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(PlanValidationError) as exc:
            load_plan(plan, catalogue=CATALOGUE)
    finally:
        os.chdir(cwd)
    (msg,) = exc.value.problems
    assert "'!!python/object/apply:os.system' geweigerd" in msg and "(regel 4, kolom 8)" in msg
    assert not (tmp_path / "MARKER").exists()


def test_alias_bomb_refused_quickly():
    start = time.perf_counter()
    text = "\n".join(problems("alias_bomb.yml"))
    assert time.perf_counter() - start < 5
    assert "leidende_principes[0]: verwacht tekst, kreeg list" in text and "toelichting: verwacht tekst" in text


def test_every_problem_listed_at_once():
    text = problems("unknown_key_top.yml")
    assert len(text) == 2  # the typo and the then-missing required 'titel'


def test_plan_file_of_another_gemeente_refused(tmp_path):
    """A file named GM0531-… whose content says GM9999 must not appear in the GM0531 report."""
    shutil.copy(PLANS / "GM0531-wrong-gemeente.yml", tmp_path / "GM0531-wrong-gemeente.yml")
    with pytest.raises(PlanValidationError) as exc:
        plans_for("GM0531", plans_dir=tmp_path, catalogue=CATALOGUE)
    (msg,) = exc.value.problems
    assert "GM0531-wrong-gemeente.yml" in msg and "hoort bij GM0531" in msg and "GM9999" in msg
