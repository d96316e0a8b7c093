"""Corpus: bad plan YAML files (``analyse.plans.load``). Each must be refused with the file, the path in the
document (``opgaven[0].maatregelen[0].status``) or the line/column, and what is wrong – never loaded half."""

from __future__ import annotations

import os
import shutil

import pytest

from analyse import paths
from analyse.errors import PlanValidationError
from analyse.plans import load_plan, plans_for

from .conftest import DATA

PLANS = DATA / "plans"
CATALOGUE = {"jeugdzorg_pct"}


def problems(name: str) -> list[str]:
    with pytest.raises(PlanValidationError) as exc:
        load_plan(PLANS / name, catalogue=CATALOGUE)
    shown = (PLANS / name).relative_to(paths.ROOT).as_posix()  # no absolute local path in a message
    assert all(p.startswith(shown) for p in exc.value.problems), exc.value.problems
    return exc.value.problems


@pytest.mark.parametrize(
    "name, fragments",
    [
        pytest.param(
            "invalid_yaml_tab.yml",
            ["(regel 10, kolom 1)", "ongeldige YAML", "tab", "gebruik spaties"],
            id="invalid-yaml",
        ),
        pytest.param("unknown_key_top.yml", ["titl: onbekende sleutel 'titl'; bedoelde u 'titel'?"], id="unknown-key"),
        pytest.param(
            "status_outside_vocab.yml",
            ["opgaven[0].maatregelen[0].status: waarde 'afgerond' niet toegestaan", "bedoelde u 'gerealiseerd'?"],
            id="status-outside-vocabulary",
        ),
        pytest.param(
            "budget_text.yml",
            ["opgaven[0].maatregelen[0].budget[0].begroot", "als tekst gegeven", "'€ 20.000,-'", "bijv. 20000"],
            id="budget-as-text",
        ),
        pytest.param("budget_pm.yml", ["budget[0].begroot", "('pm')", "gebruik null"], id="budget-pm"),
        pytest.param(
            "duplicate_id.yml",
            ["opgaven[1].maatregelen[0].id: dubbele maatregel-id 'M1'", "ook in opgaven[0].maatregelen[0].id"],
            id="duplicate-id",
        ),
        pytest.param(
            "unknown_indicator.yml",
            ["opgaven[0].maatregelen[0].indicatoren[0]", "'jeugdzorg_procent'", "bedoelde u 'jeugdzorg_pct'?"],
            id="indicator-not-in-catalogue",
        ),
        pytest.param(
            "target_without_baseline.yml",
            ["opgaven[0].doelen[0].indicatoren[0]: streefwaarde zonder baseline"],
            id="target-without-baseline",
        ),
        pytest.param(
            "python_object_tag.yml",
            ["(regel 4, kolom 8)", "'!!python/object:os.system' geweigerd", "veilige YAML-loader"],
            id="python-object-tag",
        ),
        pytest.param("python_name_tag.yml", ["'!!python/name:os.system' geweigerd"], id="python-name-tag"),
        pytest.param(
            "duplicate_key.yml",
            ["(regel 6, kolom 1)", "dubbele sleutel 'soort'", "eerder op regel 5"],
            id="duplicate-key",
        ),
        pytest.param("empty.yml", ["(document): verwacht een mapping bovenaan, kreeg NoneType"], id="empty-file"),
        pytest.param("top_level_list.yml", ["verwacht een mapping bovenaan, kreeg list"], id="top-level-list"),
        pytest.param("latin1.yml", ["(bestand): niet te lezen", "utf-8"], id="encoding-latin1"),
        pytest.param("periode_reversed.yml", ["periode: start 2024 ligt na eind 2020"], id="period-reversed"),
        pytest.param(
            "year_as_text.yml", ["budget[0].jaar: verwacht een jaartal/geheel getal, kreeg '2022'"], id="year-as-text"
        ),
        pytest.param(
            "gemeentecode_malformed.yml", ["gemeentecode: '531' is geen gemeentecode"], id="plan-code-malformed"
        ),
        pytest.param(
            "missing_required.yml",
            ["gemeente: verplichte sleutel ontbreekt", "bron: verplichte sleutel ontbreekt"],
            id="missing-required-keys",
        ),
    ],
)
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


def test_alias_bomb_refused_before_expansion():
    """Aliases are refused while composing: the message names the alias and its line, nothing is expanded."""
    (msg,) = problems("alias_bomb.yml")
    assert "alias '*a0' geweigerd" in msg and "(regel 3," in msg and len(msg) < 400


# ------------------------------------------------------------------------ issue 14 class 5: untrusted plan files
HEAD = """schema_version: 1
gemeentecode: GM9999
gemeente: Testdorp
titel: Corpusplan
soort: evaluatie
periode: {start: 2020, eind: 2024}
bron: {document: corpus.txt, titel: Corpus}
"""
OPGAVE = """opgaven:
  - id: A
    titel: Opgave A
    maatregelen:
      - id: M1
        titel: Maatregel een
        status: gestart
"""


def _write(tmp_path, body: str, name: str = "GM9999-test.yml"):
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    return f


def _problems_of(path) -> list[str]:
    with pytest.raises(PlanValidationError) as exc:
        load_plan(path, catalogue=CATALOGUE)
    return exc.value.problems


@pytest.mark.parametrize(
    "value, fragment",
    [
        pytest.param(".inf", "geen eindig getal", id="amount-inf"),
        pytest.param("-.inf", "geen eindig getal", id="amount-minus-inf"),
        pytest.param(".nan", "geen eindig getal", id="amount-nan"),
        pytest.param(".NaN", "geen eindig getal", id="amount-nan-caps"),
        pytest.param("1e300", "onwaarschijnlijk groot", id="amount-1e300"),
        pytest.param("123456789012345", "onwaarschijnlijk groot", id="amount-huge-int"),
        pytest.param("-20000", "negatief bedrag", id="amount-negative"),
        pytest.param("-0.5", "negatief bedrag", id="amount-negative-small"),
    ],
)
def test_amount_must_be_finite_in_range_and_positive(tmp_path, value, fragment):
    body = HEAD + OPGAVE + f"        budget: [{{jaar: 2022, begroot: {value}}}]\n"
    (msg,) = _problems_of(_write(tmp_path, body))
    assert "opgaven[0].maatregelen[0].budget[0].begroot" in msg and fragment in msg and "regel 15" in msg
    assert len(msg) < 400


@pytest.mark.parametrize(
    "field, value, fragment",
    [
        pytest.param(
            "besparingen", "[{post: x, jaar: 2022, gerealiseerd: .inf}]", "geen eindig getal", id="saving-inf"
        ),
        pytest.param(
            "taakstellingen", "[{id: T1, omschrijving: x, bedrag: -5}]", "negatief bedrag", id="taakstelling-neg"
        ),
        pytest.param(
            "interventies",
            "[{id: I1, naam: x, resultaat_gerapporteerd: false, kosten: 1e300}]",
            "onwaarschijnlijk groot",
            id="interventie-1e300",
        ),
    ],
)
def test_money_fields_everywhere_checked(tmp_path, field, value, fragment):
    (msg,) = _problems_of(_write(tmp_path, HEAD + OPGAVE + f"{field}: {value}\n"))
    assert f"{field}[0]" in msg and fragment in msg


def test_indicator_value_must_be_finite(tmp_path):
    body = (
        HEAD
        + """opgaven:
  - id: A
    titel: Opgave A
    doelen:
      - id: D1
        tekst: doel
        indicatoren:
          - indicator_id: jeugdzorg_pct
            baseline: {waarde: .nan, periode: '2019'}
"""
    )
    (msg,) = _problems_of(_write(tmp_path, body))
    assert "baseline.waarde" in msg and "geen eindig getal" in msg


@pytest.mark.parametrize(
    "text, fragment",
    [
        pytest.param("2020-13-45", "maand 13 bestaat niet", id="date-unquoted-month-13"),
        pytest.param("'2020-13-45'", "maand 13 bestaat niet", id="date-quoted-month-13"),
        pytest.param("2021-02-30", "dag 30 bestaat niet", id="date-unquoted-feb-30"),
        pytest.param("'2021-02-30'", "dag 30 bestaat niet", id="date-quoted-feb-30"),
        pytest.param("'2020-00'", "maand 00 bestaat niet", id="date-month-zero"),
        pytest.param("'0020-01-01'", "ligt niet tussen", id="date-year-20"),
        pytest.param("99999", "ligt niet tussen", id="date-int-year-out-of-range"),
    ],
)
def test_dates_validated_quoted_and_unquoted_with_line(tmp_path, text, fragment):
    body = HEAD.replace("periode:", f"vastgesteld: {text}\nperiode:") + OPGAVE
    (msg,) = _problems_of(_write(tmp_path, body))
    assert "vastgesteld" in msg and fragment in msg and "regel 6" in msg


def test_period_in_indicator_validated(tmp_path):
    body = (
        HEAD
        + """opgaven:
  - id: A
    titel: Opgave A
    doelen:
      - id: D1
        tekst: doel
        indicatoren:
          - indicator_id: jeugdzorg_pct
            baseline: {waarde: 3, periode: 2019-14-01}
"""
    )
    (msg,) = _problems_of(_write(tmp_path, body))
    assert "baseline.periode" in msg and "maand 14 bestaat niet" in msg and "regel 16" in msg


@pytest.mark.parametrize("year", ["19", "20222", "-2020"])
def test_year_out_of_range(tmp_path, year):
    body = HEAD + OPGAVE + f"        budget: [{{jaar: {year}, begroot: 10}}]\n"
    (msg,) = _problems_of(_write(tmp_path, body))
    assert "budget[0].jaar" in msg and "ligt niet tussen 1900 en 2100" in msg


def test_size_limit_clear_message(tmp_path):
    from analyse.plans.load import MAX_PLAN_BYTES

    body = HEAD + OPGAVE + "toelichting: '" + "x" * (MAX_PLAN_BYTES + 10) + "'\n"
    (msg,) = _problems_of(_write(tmp_path, body))
    assert "te groot" in msg and "MB" in msg and "grens" in msg


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("x: &a [1, 2]\ny: *a\n", id="alias-to-list"),
        pytest.param("x: &a 5\ny: *a\n", id="alias-to-scalar"),
        pytest.param("a: &a {b: 1}\nc:\n  <<: *a\n", id="merge-key-alias"),
    ],
)
def test_aliases_refused_with_line(tmp_path, body):
    (msg,) = _problems_of(_write(tmp_path, HEAD + OPGAVE + body))
    assert "alias '*a' geweigerd" in msg and "regel" in msg


def test_alias_aimed_at_number_field_message_stays_small(tmp_path):
    bomb = "".join(f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9 if i else ["1"] * 9) + "]\n" for i in range(9))
    body = bomb + HEAD + OPGAVE + "        budget: [{jaar: 2022, begroot: *a8}]\n"
    (msg,) = _problems_of(_write(tmp_path, body))
    assert "geweigerd" in msg and len(msg) < 400


def test_long_values_are_shortened_in_messages(tmp_path):
    body = HEAD + OPGAVE + "        budget: [{jaar: 2022, begroot: '" + "9" * 5000 + "'}]\n"
    (msg,) = _problems_of(_write(tmp_path, body))
    assert len(msg) < 600 and "…" in msg


@pytest.mark.parametrize("name", ["gm9999-klein.yml", "GM9999-Hoofd.YML", "Gm9999-mix.yaml", "GM9999.yml"])
def test_plan_lookup_case_insensitive_in_loader_and_runner(tmp_path, name):
    from analyse.plans.load import find_plan_files

    (tmp_path / name).write_text(HEAD + OPGAVE, encoding="utf-8")
    (tmp_path / "GM99990-other.yml").write_text("x: 1", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    assert [p.name for p in find_plan_files("GM9999", tmp_path)] == [name]
    assert len(plans_for("GM9999", plans_dir=tmp_path, catalogue=CATALOGUE)) == 1


def test_runner_uses_the_same_lookup(tmp_path, monkeypatch):
    from analyse.report import runner

    monkeypatch.setattr(paths, "PLANS_DIR", tmp_path)
    (tmp_path / "gm9999-klein.yml").write_text(HEAD + OPGAVE, encoding="utf-8")
    assert [p.name for p in runner.plan_files("GM9999")] == ["gm9999-klein.yml"]


def test_validator_cli_lists_every_problem_with_line(tmp_path):
    from analyse.plans.load import main

    body = (
        HEAD.replace("periode:", "vastgesteld: 2020-13-45\nperiode:")
        + OPGAVE
        + "        budget: [{jaar: 2022, begroot: .inf}, {jaar: 2022, begroot: -3}]\n"
    )
    lines: list[str] = []
    assert main([str(_write(tmp_path, body))], echo=lines.append) == 1
    text = "\n".join(lines)
    assert "4 problemen" in text and "gemeenteregister" in text
    assert "regel 6" in text and "geen eindig getal" in text and "negatief bedrag" in text


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


def test_budget_deel_van_must_name_a_post(tmp_path):
    body = (
        HEAD
        + OPGAVE
        + (
            "        budget:\n          - {jaar: 2022, gerealiseerd: 10, post: Subsidies}\n"
            "          - {jaar: 2022, gerealiseerd: 4, post: waarvan SDD, deel_van: Subsidie}\n"
        )
    )
    (msg,) = _problems_of(_write(tmp_path, body))
    assert "budget[1].deel_van" in msg and "bedoelde u 'Subsidies'?" in msg


def test_messages_name_the_file_without_the_local_project_path(tmp_path):
    """Issue 14 class 7: a plan error reaches the error page; it names plans/… not /home/…/plans/…."""
    (msg,) = problems("budget_pm.yml")
    assert str(paths.ROOT) not in msg and msg.startswith("tests/corpus/data/plans/budget_pm.yml:")


def test_plans_dir_outside_the_project_is_shown_as_plans(tmp_path, monkeypatch):
    from analyse.plans.load import display_path

    monkeypatch.setattr(paths, "PLANS_DIR", tmp_path)
    assert display_path(tmp_path / "GM0531-x.yml") == "plans/GM0531-x.yml"


def test_percentage_outside_0_100_refused(tmp_path):
    body = (
        HEAD
        + """indicatoren:
  - {indicator_id: eigen_pct, naam: Eigen percentage, eenheid: procent}
opgaven:
  - id: A
    titel: A
    doelen:
      - id: D1
        tekst: doel
        indicatoren:
          - indicator_id: eigen_pct
            baseline: {waarde: 125, periode: '2019'}
"""
    )
    (msg,) = _problems_of(_write(tmp_path, body))
    assert "baseline.waarde" in msg and "125,0 ligt niet tussen 0 en 100" in msg and "regel 18" in msg
