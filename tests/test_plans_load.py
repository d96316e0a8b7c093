"""Plan loading and validation: every error class on a bad file, the example, frames and plans_for."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from analyse import paths
from analyse.errors import PlanValidationError
from analyse.plans import load_plan, plans_for, to_frames
from analyse.plans.load import PlanWarning, main

DATA = Path(__file__).parent / "data" / "plans"
BAD = DATA / "bad"


def _problems(name: str, **kw) -> list[str]:
    with pytest.raises(PlanValidationError) as exc:
        load_plan(BAD / name, **({"catalogue": set()} | kw))
    return exc.value.problems


def test_example_validates():
    plan = load_plan(paths.ROOT / "plans" / "EXAMPLE.yml.example", catalogue=set())
    assert plan.gemeentecode == "GM0531"
    assert plan.maatregel("M14").opgegaan_in == "M9"
    assert plan.warnings == ()


def test_mini_plan_loads():
    plan = load_plan(DATA / "GM9999-mini.yml", catalogue=set())
    assert [o.id for o in plan.opgaven] == ["A", "B", "C", "D", "E"]
    m1 = plan.maatregel("M1")
    assert m1.budget[0].begroot == 10000.0 and m1.outputs[0].realisatie == 8.0
    assert plan.opgave("E").doelen[0].indicatoren[0].baseline.waarde is None


def test_invalid_yaml_has_line_and_column():
    (p,) = _problems("invalid_yaml.yml")
    assert "invalid_yaml.yml" in p and "ongeldige YAML" in p and "regel" in p and "kolom" in p


def test_python_tag_refused():
    (p,) = _problems("python_tag.yml")
    assert "python/object/apply:os.system" in p and "geweigerd" in p


def test_unknown_key_with_suggestion():
    (p,) = _problems("unknown_key.yml")
    assert "opgaven[0].maatregelen[0].stauts" in p and "'status'" in p


def test_bad_status():
    (p,) = _problems("bad_status.yml")
    assert "opgaven[0].maatregelen[0].status" in p and "afgerond" in p and "gerealiseerd" in p


def test_budget_as_text():
    (p,) = _problems("budget_text.yml")
    assert "opgaven[0].maatregelen[0].budget[0].begroot" in p and "als tekst" in p and "20000" in p


def test_duplicate_id():
    (p,) = _problems("duplicate_id.yml")
    assert "opgaven[1].maatregelen[0].id" in p and "dubbele maatregel-id 'M1'" in p


def test_unknown_indicator_against_catalogue():
    (p,) = _problems("unknown_indicator.yml", catalogue={"jeugdzorg_pct"})
    assert "opgaven[0].maatregelen[0].indicatoren[0]" in p and "bestaat_niet" in p


def test_unknown_indicator_without_catalogue_is_warning():
    with pytest.warns(PlanWarning, match="catalogus niet beschikbaar"):
        plan = load_plan(BAD / "unknown_indicator.yml", catalogue=None)
    assert plan.warnings


def test_target_without_baseline():
    (p,) = _problems("target_no_baseline.yml")
    assert "doelen[0].indicatoren[0]" in p and "streefwaarde zonder baseline" in p


def test_opgegaan_in_unknown():
    (p,) = _problems("opgegaan_unknown.yml")
    assert "opgegaan_in" in p and "M99" in p


def test_all_problems_at_once():
    probs = _problems("many_problems.yml")
    text = "\n".join(probs)
    for needle in (
        "gemeente: verplichte sleutel",
        "titel: verplichte sleutel",
        "bron.titel: verplichte sleutel",
        "gemeentecode",
        "stauts",
        "dubbele maatregel-id",
        "'pm'",
    ):
        assert needle in text, needle
    assert len(probs) >= 7


def test_year_outside_period_is_warning():
    with pytest.warns(PlanWarning, match="buiten de planperiode"):
        plan = load_plan(DATA / "GM9998-year-warning.yml", catalogue=set())
    assert "budget[0].jaar" in plan.warnings[0]


def test_to_frames_shapes():
    frames = to_frames(load_plan(DATA / "GM9999-mini.yml", catalogue=set()))
    assert set(frames) >= {"opgaven", "maatregelen", "outputs", "budget", "besparingen", "interventies", "indicatoren"}
    assert len(frames["maatregelen"]) == 11
    assert frames["budget"]["begroot"].dtype == "float64"
    assert (
        frames["interventies"].set_index("id").loc["P1", "resultaat_gerapporteerd"] is False
        or not frames["interventies"].set_index("id").loc["P1", "resultaat_gerapporteerd"]
    )


def test_plans_for(tmp_path):
    (tmp_path / "GM9999-a.yml").write_text((DATA / "GM9999-mini.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "GM0001-b.yml").write_text("x: 1", encoding="utf-8")
    plans = plans_for("GM9999", plans_dir=tmp_path, catalogue=set())
    assert len(plans) == 1 and plans[0].gemeente == "Testdorp"
    assert plans_for("GM1234", plans_dir=tmp_path) == []


def test_cli_reports_bad_files():
    lines: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        n_bad = main(
            [str(BAD / "bad_status.yml"), str(paths.ROOT / "plans" / "EXAMPLE.yml.example")], echo=lines.append
        )
    assert n_bad == 1
    assert any(line.startswith("ONGELDIG") for line in lines) and any(line.startswith("OK") for line in lines)


def test_new_skeleton_validates_and_is_never_overwritten(tmp_path):
    from analyse.plans.__main__ import main as plans_main

    lines: list[str] = []
    assert plans_main(["new", "gm0531", "--output", str(tmp_path)], echo=lines.append) == 0
    path = tmp_path / "GM0531-plan.yml"
    text = path.read_text(encoding="utf-8")
    assert "# " in text and "VUL IN" in text and "beleidsperiode" in text
    plan = load_plan(path, catalogue=None)
    assert plan.gemeentecode == "GM0531" and plan.beleidsperiode.startjaar is not None
    assert plans_main(["new", "GM0531", "--output", str(tmp_path)], echo=lines.append) == 2
    assert "bestaat al" in lines[-1]
    assert plans_main(["new", "GM12", "--output", str(tmp_path)], echo=lines.append) == 0  # → GM0012
    assert plans_main(["new", "XX1", "--output", str(tmp_path)], echo=lines.append) == 2
    out: list[str] = []
    assert plans_main(["check", str(path)], echo=out.append) == 0 and out[0].startswith("OK")
