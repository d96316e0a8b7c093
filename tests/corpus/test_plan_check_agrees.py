"""Corpus (issue 20, class 3): ``plans check`` and the report agree (one validator, :func:`load_plan`).

Each case was "OK" for ``check`` while the report failed, ignored the plan or skipped it silently; or ``check``
stopped with a traceback. Now ``check`` says what the report would say, and a missing plans folder is one line
with exit status 2.
"""

from __future__ import annotations

import shutil

import pytest

from analyse import paths
from analyse.errors import PlanValidationError
from analyse.plans.load import find_plan_files, load_plan, main, plans_for

GOOD = paths.ROOT / "plans" / "GM0505-mantelzorg.yml"


def _copy(tmp_path, name: str, edit=None):
    text = GOOD.read_text(encoding="utf-8")
    target = tmp_path / name
    target.write_text(edit(text) if edit else text, encoding="utf-8")
    return target


def _check(files) -> tuple[int, str]:
    lines: list[str] = []
    bad = main([str(f) for f in files], echo=lines.append)
    return bad, "\n".join(lines)


def test_file_named_for_another_gemeente(tmp_path):
    """File GM0531-… says GM0505 inside: the GM0531 report refuses it, so check does too."""
    plan = _copy(tmp_path, "GM0531-mantelzorg.yml")
    bad, text = _check([plan])
    assert bad == 1 and "hoort bij GM0531" in text and "GM0505" in text
    with pytest.raises(PlanValidationError, match="hoort bij GM0531"):
        plans_for("GM0531", tmp_path, catalogue=None)


def test_unknown_gemeente_code(tmp_path):
    plan = _copy(tmp_path, "GM9997-mantelzorg.yml", lambda t: t.replace("gemeentecode: GM0505", "gemeentecode: GM9997"))
    bad, text = _check([plan])
    assert bad == 1 and "GM9997 staat niet in het gemeenteregister" in text


@pytest.mark.parametrize("field, blank", [("titel", '""'), ("titel", '"   "'), ("id", '" "')])
def test_blank_titles_and_ids(tmp_path, field, blank):
    def edit(text: str) -> str:
        lines = text.splitlines()
        for i, line in enumerate(lines):
            stripped = line.lstrip()
            if stripped.startswith(("- id:", "id:")) and field == "id":
                lines[i] = line[: line.index("id:")] + f"id: {blank}"
                break
            if stripped.startswith("titel:") and field == "titel" and line.startswith("    "):
                lines[i] = line[: line.index("titel:")] + f"titel: {blank}"
                break
        return "\n".join(lines) + "\n"

    plan = _copy(tmp_path, "GM0505-leeg.yml", edit)
    bad, text = _check([plan])
    assert bad == 1 and "mag niet leeg zijn" in text, text


def test_directory_named_like_a_plan(tmp_path):
    """A folder ``GM0505-x.yml/`` was skipped silently by both; now both name it."""
    (tmp_path / "GM0505-map.yml").mkdir()
    assert [p.name for p in find_plan_files("GM0505", tmp_path)] == ["GM0505-map.yml"]
    with pytest.raises(PlanValidationError, match="is een map"):
        load_plan(tmp_path / "GM0505-map.yml")
    bad, text = _check([tmp_path / "GM0505-map.yml"])
    assert bad == 1 and "is een map" in text


def test_complex_yaml_key_does_not_stop_the_check(tmp_path):
    broken = tmp_path / "GM0505-complex.yml"
    broken.write_text("? [a, b]\n: 1\ngemeentecode: GM0505\n", encoding="utf-8")
    good = _copy(tmp_path, "GM0505-mantelzorg.yml")
    bad, text = _check([broken, good])
    assert bad == 1 and "Traceback" not in text
    assert "sleutel moet gewone tekst zijn" in text and "OK " in text


def test_missing_plans_folder_is_one_line_exit_2(monkeypatch):
    from analyse.plans.__main__ import main as plans_main

    monkeypatch.setattr(paths, "PLANS_DIR", paths.ROOT / "plannen-tikfout")
    lines: list[str] = []
    assert plans_main(["check"], echo=lines.append) == 2
    assert len(lines) == 1 and "bestaat niet" in lines[0] and "ANALYSE_PLANS_DIR" in lines[0]


def test_shipped_plans_pass_the_one_validator(tmp_path):
    shutil.copy(GOOD, tmp_path / GOOD.name)
    bad, text = _check([tmp_path / GOOD.name])
    assert bad == 0, text
