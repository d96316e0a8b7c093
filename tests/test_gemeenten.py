"""Tests for the analyse.gemeenten lookup on the fixture registry (built from tests/data/registry/)."""

from __future__ import annotations

import pytest
from test_gemeenten_build import fixture_args

from analyse import gemeenten, paths
from analyse.data.gemeenten_build import build_gemeenten
from analyse.errors import MergedGemeenteError, ParameterError, UnknownGemeenteError
from analyse.gemeenten import Registry, normalise_code


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry(*build_gemeenten(**fixture_args()))


@pytest.mark.parametrize("raw", ["GM0531", " gm0531 ", "gm531", 531, "531", "0531"])
def test_normalise_accepted_forms(raw):
    assert normalise_code(raw) == "GM0531"


@pytest.mark.parametrize("raw", ["GM05311", "PV28", "", "GM", 531.0, True, -5, "GM-531"])
def test_normalise_malformed(raw):
    with pytest.raises(UnknownGemeenteError):
        normalise_code(raw)


def test_validate_happy_path(reg):
    g = reg.validate("gm0010", 2021)
    assert (g.code, g.naam, g.indelingsjaar, g.provincie_code, g.provincie) == (
        "GM0010", "Delta", 2021, "PV26", "Utrecht")
    assert g.regions["jeugdzorgregio"] == ("JZ02", "Jeugd Twee")
    assert g.inwoners == 60000 and g.grootteklasse == "50.000 tot 100.000 inwoners"


def test_unknown_code_lists_close_matches(reg):
    with pytest.raises(UnknownGemeenteError, match="GM0010"):
        reg.validate("GM0011", 2021)


def test_name_instead_of_code(reg):
    with pytest.raises(UnknownGemeenteError, match=r"Bedoelde u GM0010 \(Delta\)"):
        reg.validate("Delta", 2021)


def test_merged_gemeente_names_successor_and_date(reg):
    with pytest.raises(MergedGemeenteError, match="per 2019-01-01 opgegaan in GM0010") as err:
        reg.validate("GM0002", 2020)
    assert err.value.successor == "GM0010"


def test_split_gemeente_mentions_other_successors(reg):
    with pytest.raises(MergedGemeenteError, match="gesplitst.*GM0010") as err:
        reg.validate("GM0005", 2022)
    assert err.value.successor == "GM0001"


def test_not_yet_existing(reg):
    with pytest.raises(UnknownGemeenteError, match=r"bestaat pas vanaf indelingsjaar 2019.*GM0002 \(Beta\).*GM0003"):
        reg.validate("GM0010", 2018)


def test_year_outside_registry(reg):
    with pytest.raises(ParameterError):
        reg.validate("GM0001", 2030)


def test_chain_resolution(reg):
    # Epsilon → Alfa (2016); Zeta → Alfa (2021, main successor of a split)
    assert reg.successor("GM0004", 2015) == "GM0004"
    assert reg.successor("GM0004", 2024) == "GM0001"
    assert reg.successor("GM0005", 2024) == "GM0001"
    with pytest.raises(UnknownGemeenteError, match="bestaat pas vanaf"):
        reg.successor("GM0010", 2016)


def test_predecessors(reg):
    assert reg.predecessors("GM0010", 2024) == ["GM0002", "GM0003"]
    assert reg.predecessors("GM0001", 2024) == ["GM0004", "GM0005"]
    assert reg.predecessors("GM0010", 2024, include_partial=True) == ["GM0002", "GM0003", "GM0005"]
    assert reg.predecessors("GM0001", 2015) == []


def test_members_and_name_and_search(reg):
    assert reg.members("JZ02", 2020) == ["GM0010"]
    assert reg.members("NL01", 2016) == ["GM0001", "GM0002", "GM0003", "GM0005"]
    with pytest.raises(UnknownGemeenteError):
        reg.members("XX01", 2020)
    assert reg.name("GM0001", 2015) == "Alfa" and reg.name("GM0002") == "Beta"
    assert reg.search("delt")[0] == ("GM0010", "Delta")


def test_module_level_uses_seed_when_processed_absent(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PROCESSED_DIR", tmp_path)
    gemeenten.reload()
    g = gemeenten.validate("531", 2024)
    assert g.naam == "Hendrik-Ido-Ambacht" and g.regions["jeugdzorgregio"] == ("JZ31", "Zuid-Holland Zuid")
    assert gemeenten.members("CR12", 2024) == ["GM0141", "GM0164"]
    assert len(gemeenten.load_registry()) == 5
    with pytest.raises(UnknownGemeenteError, match="GM0505 \\(Dordrecht\\)"):
        gemeenten.validate("Dordrecht", 2024)
    gemeenten.reload()


def test_module_level_reads_processed_and_caches(tmp_path, monkeypatch):
    gem, her = build_gemeenten(**fixture_args())
    gem.to_parquet(tmp_path / "gemeenten.parquet")
    her.to_parquet(tmp_path / "herindelingen.parquet")
    monkeypatch.setattr(paths, "PROCESSED_DIR", tmp_path)
    gemeenten.reload()
    assert gemeenten.successor("GM0002", 2024) == "GM0010"
    assert gemeenten.default() is gemeenten.default()  # cached
    gemeenten.reload()
