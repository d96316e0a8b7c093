"""The plan schema has one declaration per key (:mod:`analyse.plans.schema`); ``plans/SCHEMA.md`` (the prose) and
the skeleton of ``python -m analyse.plans new`` must agree with it."""

from __future__ import annotations

import dataclasses
import re

import pytest
import yaml

from analyse import paths
from analyse.plans import schema
from analyse.plans.__main__ import write_skeleton
from analyse.plans.load import load_plan

DOC = (paths.ROOT / "plans" / "SCHEMA.md").read_text(encoding="utf-8")

TABLES = {"top": schema.Plan, "bron": schema.Bron, "indicator": schema.IndicatorDef, "opgave": schema.Opgave,
          "doel": schema.Doel, "doelindicator": schema.DoelIndicator, "maatregel": schema.Maatregel,
          "output": schema.Output, "budgetregel": schema.Budgetregel, "actie": schema.Actie,
          "bevinding": schema.Tekst, "besparing": schema.Besparing, "taakstelling": schema.Taakstelling,
          "interventie": schema.Interventie, "evaluatie": schema.Evaluatie}
"""SCHEMA.md section (first word of its heading) → the class its key table describes."""
INLINE = (schema.Beleidsperiode, schema.Uitgave, schema.Groeicijfer, schema.Periode, schema.Meting,
          schema.Streefwaarde, schema.EvaluatieConclusie, schema.Tekortkoming, schema.Preventiematrix,
          schema.MatrixCel)
"""Classes SCHEMA.md describes inside another key's row or as a YAML example."""


def doc_tables(text: str) -> dict[str, dict[str, bool]]:
    """Section → key → required (``**R**``) from the key tables of a SCHEMA.md text."""
    out: dict[str, dict[str, bool]] = {}
    section = None
    for line in text.splitlines():
        head = re.match(r"#{2,3} (\w+)", line)
        if head:
            section = head.group(1).lower()
            continue
        if section and line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            for key in re.findall(r"`([a-z_0-9]+)`", cells[0]):
                out.setdefault(section, {})[key] = "**R**" in cells[2]
    return out


def test_spec_is_read_from_the_declarations():
    assert set(schema.SPEC) == set(schema.PLAN_CLASSES)
    for cls in schema.PLAN_CLASSES:
        declared = {f.name for f in dataclasses.fields(cls)} - {"path", "warnings"}
        assert set(schema.SPEC[cls]) == declared, cls.__name__  # every field is a YAML key with its rule
    assert schema.SPEC[schema.Plan]["titel"].required and schema.SPEC[schema.Maatregel]["status"].vocab


def test_a_field_declared_with_spec_reaches_the_validator():
    @dataclasses.dataclass(frozen=True)
    class Proef:
        naam: str = schema.spec(schema.Field("str", required=True), "")
        jaren: tuple[int, ...] = schema.spec(schema.Field("strlist"), factory=tuple)

    rules = {f.name: f.metadata[schema.SPEC_KEY] for f in dataclasses.fields(Proef)}
    assert rules["naam"].required and rules["jaren"].kind == "strlist" and Proef().jaren == ()


@pytest.mark.parametrize("section", TABLES)
def test_schema_md_table_lists_every_key_with_its_r_o(section):
    table = doc_tables(DOC).get(section, {})
    spec = schema.SPEC[TABLES[section]]
    assert sorted(set(spec) - set(table)) == [], f"SCHEMA.md ({section}) mist sleutels"
    assert sorted(set(table) - set(spec)) == [], f"SCHEMA.md ({section}) noemt sleutels die niet bestaan"
    assert sorted(k for k in table if table[k] != spec[k].required) == [], f"R/O klopt niet ({section})"


@pytest.mark.parametrize("cls", INLINE, ids=lambda c: c.__name__)
def test_schema_md_names_every_key_of_inline_objects(cls):
    missing = [k for k in schema.SPEC[cls] if not re.search(rf"\b{k}\b", DOC)]
    assert missing == []


def test_doc_check_can_fail():
    tables = doc_tables("## bron\n| key | type | R/O |\n|---|---|---|\n| `document` | str | O |\n")
    assert tables == {"bron": {"document": False}}
    assert set(schema.SPEC[schema.Bron]) - set(tables["bron"])  # the missing keys would be named


def test_skeleton_validates_and_uses_only_declared_keys(tmp_path):
    path = write_skeleton("GM0531", "proef", tmp_path)
    plan = load_plan(path)
    assert plan.gemeentecode == "GM0531"
    text = path.read_text(encoding="utf-8")
    keys = set(re.findall(r"^[ #-]*([a-z_]+):", text, re.M)) | set(re.findall(r"[{,] ?([a-z_]+):", text))
    known = {k for rules in schema.SPEC.values() for k in rules}
    assert sorted(keys - known) == []
    for word in (*schema.SOORTEN, *schema.EENHEDEN, *schema.POLARITEITEN):  # vocabularies from the schema
        assert word in text
    assert yaml.safe_load(text)["soort"] in schema.SOORTEN
