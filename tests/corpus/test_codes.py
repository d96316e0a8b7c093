"""Corpus: bad gemeente codes and indelingsjaren (analyse.gemeenten on the real registry).

Accepted forms are documented in ``analyse.gemeenten`` (module docstring): ``GM0531`` in any case with
surrounding whitespace, ``GM`` + 1-3 digits (zero-padded) and the bare CBS number 1-4 digits as int/str.
Everything else must raise a message that quotes the bad value and, where possible, suggests the code.
"""

from __future__ import annotations

import pytest

from analyse.errors import MergedGemeenteError, ParameterError, UnknownGemeenteError
from analyse.gemeenten import normalise_code


# ------------------------------------------------------------------------------ accepted (documented)
@pytest.mark.parametrize("raw", [
    pytest.param("gm531", id="gm531-lowercase-short"),
    pytest.param(531, id="int-531"),
    pytest.param(" GM0531\t", id="whitespace"),
])
def test_documented_forms_accepted(real_registry, raw):
    assert real_registry.validate(raw, 2024).code == "GM0531"


# ----------------------------------------------------------------------------------- malformed codes
@pytest.mark.parametrize("raw, quoted", [
    pytest.param("GM05311", "'GM05311'", id="five-digits"),
    pytest.param("PV28", "'PV28'", id="provincie-code"),
    pytest.param("GM0363;DROP", "'GM0363;DROP'", id="trailing-junk"),
    pytest.param("", "''", id="empty"),
    pytest.param("gm 0531", "'gm 0531'", id="inner-space"),
    pytest.param("GM0531.0", "'GM0531.0'", id="float-text"),
    pytest.param("\u0665\u0663\u0661", "'\u0665\u0663\u0661'", id="arabic-indic-digits"),
    pytest.param("\uff15\uff13\uff11", "'\uff15\uff13\uff11'", id="fullwidth-digits"),
])
def test_malformed_code(real_registry, raw, quoted):
    with pytest.raises(UnknownGemeenteError) as exc:
        real_registry.validate(raw, 2024)
    msg = str(exc.value)
    assert "Ongeldige gemeentecode" in msg and quoted in msg and "GM' plus vier cijfers" in msg


@pytest.mark.parametrize("raw", [pytest.param(531.0, id="float"), pytest.param(True, id="bool"),
                                 pytest.param(None, id="none")])
def test_wrong_type_code(raw):
    with pytest.raises(UnknownGemeenteError, match=r"ongeldig type \((float|bool|NoneType)\)"):
        normalise_code(raw)


def test_unknown_code_names_code_and_year(real_registry):
    with pytest.raises(UnknownGemeenteError) as exc:
        real_registry.validate("GM9999", 2024)
    assert str(exc.value).startswith("Onbekende gemeentecode GM9999 (indelingsjaar 2024)")


@pytest.mark.parametrize("name, code", [
    pytest.param("Hendrik-Ido-Ambacht", "GM0531 (Hendrik-Ido-Ambacht)", id="exact-name"),
    pytest.param("Dordrecht", "GM0505 (Dordrecht)", id="name-dordrecht"),
    pytest.param("Den Haag", "GM0518 ('s-Gravenhage)", id="alias-den-haag"),
])
def test_name_instead_of_code_suggests_code(real_registry, name, code):
    with pytest.raises(UnknownGemeenteError) as exc:
        real_registry.validate(name, 2024)
    msg = str(exc.value)
    assert repr(name) in msg and f"Bedoelde u {code}" in msg


# ------------------------------------------------------------------------------------- herindelingen
@pytest.mark.parametrize("code, year, successor, text", [
    pytest.param("GM0689", 2024, "GM1978", "per 2019-01-01 opgegaan in GM1978; in 2024 is dat GM1978 (Molenlanden)",
                 id="giessenlanden-2019"),
    pytest.param("GM0457", 2024, "GM0363", "per 2022-03-24 opgegaan in GM0363", id="weesp-mid-year"),
    pytest.param("GM0571", 2019, "GM1978", "opgegaan in", id="nieuw-lekkerland-chain"),
])
def test_merged_before_indelingsjaar_names_successor(real_registry, code, year, successor, text):
    with pytest.raises(MergedGemeenteError) as exc:
        real_registry.validate(code, year)
    msg = str(exc.value)
    assert code in msg and f"indelingsjaar {year}" in msg and text in msg
    assert exc.value.successor == successor
    assert real_registry.successor(code, year) == successor


def test_not_yet_existing_in_baseline_year_names_predecessors(real_registry):
    with pytest.raises(UnknownGemeenteError) as exc:
        real_registry.validate("GM1978", 2016)
    msg = str(exc.value)
    assert not isinstance(exc.value, MergedGemeenteError)
    assert "GM1978 (Molenlanden) bestaat pas vanaf indelingsjaar 2019, niet in 2016" in msg
    assert "GM0689 (Giessenlanden)" in msg and "GM1927 (Molenwaard)" in msg


# ------------------------------------------------------------------------------------- indelingsjaar
@pytest.mark.parametrize("year, text", [
    pytest.param(2009, "indelingsjaar 2009 valt buiten het register (2010-2026)", id="before-registry"),
    pytest.param(2031, "indelingsjaar 2031 valt buiten het register", id="after-registry"),
    pytest.param("2024", "indelingsjaar moet een geheel getal zijn, niet '2024'", id="year-as-text"),
    pytest.param(2024.0, "niet 2024.0", id="year-as-float"),
])
def test_bad_indelingsjaar(real_registry, year, text):
    with pytest.raises(ParameterError) as exc:
        real_registry.validate("GM0531", year)
    assert text in str(exc.value)


def test_unknown_region_code(real_registry):
    with pytest.raises(UnknownGemeenteError, match=r"Regio JZ99 heeft geen gemeenten in 2024"):
        real_registry.members("JZ99", 2024)


# ------------------------------------------------------------------------------------- batch runner (issue 14, 6)
@pytest.mark.parametrize("codes", [
    pytest.param(["531", "GM531", "GM0531"], id="three-forms"),
    pytest.param([" gm0531 ", 531, "Gm531"], id="case-space-int"),
])
def test_runner_makes_one_canonical_job_per_gemeente(codes, tmp_path):
    from analyse.report import runner

    jobs = runner.plan_jobs(codes, output=tmp_path)
    assert [j.code for j in jobs] == ["GM0531"]
    assert jobs[0].folder == tmp_path / "GM0531" and jobs[0].parameters["gemeentecode"] == "GM0531"


def test_runner_refuses_a_name_before_any_work(tmp_path):
    from analyse.report import runner

    with pytest.raises(ParameterError, match="Ongeldige gemeentecode 'Dordrecht'"):
        runner.plan_jobs(["GM0531", "Dordrecht"], output=tmp_path)


def test_alias_report_is_stale_when_its_plan_changes(tmp_path, monkeypatch):
    """``531`` finds the plan GM0531-*.yml (any case), so editing that plan changes the input hash."""
    from analyse import paths
    from analyse.report import runner

    plans = tmp_path / "plans"
    plans.mkdir()
    plan = plans / "gm0531-evaluatie.YML"  # lower-case name, upper-case suffix
    plan.write_text("titel: a\n", encoding="utf-8")
    (plans / "GM05310-ander.yml").write_text("titel: b\n", encoding="utf-8")  # another code, same prefix
    monkeypatch.setattr(paths, "PLANS_DIR", plans)
    assert runner.plan_files("GM0531") == [plan]
    before = runner.plan_jobs(["531"], output=tmp_path / "out")[0].input_hash
    assert runner.plan_jobs(["GM0531"], output=tmp_path / "other")[0].input_hash == before  # output not hashed
    plan.write_text("titel: b\n", encoding="utf-8")
    assert runner.plan_jobs(["531"], output=tmp_path / "out")[0].input_hash != before
