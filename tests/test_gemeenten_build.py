"""Tests for analyse.data.gemeenten_build on tiny hand-made fixtures (tests/data/registry/) and the real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analyse import paths
from analyse.data import gemeenten_build as gb

FIX = Path(__file__).parent / "data" / "registry"


def fixture_args(root: Path = FIX) -> dict:
    return dict(
        gemeenten_csv=root / "gemeenten_per_jaar.csv", regios_2016_csv=root / "gemeente_regios_2016.csv",
        herindelingen_csv=root / "gm_changes_before_2018.csv",
        grenswijziging_csv=root / "grenswijziging_gemeente_long.csv",
        ggd2021_csv=root / "gemeente_ggdregio_2021.csv", corop2024_csv=root / "corop.generated.csv",
        inwoners_csv=root / "inwoners_per_gemeente_jaar.csv", names_dir=root,
    )


def real_args() -> dict | None:
    cbs = paths.cbs_dir()
    if cbs is None or not (cbs / "iv3-lasten-taakveld-gemeenten").is_dir():
        return None
    iv3, geb = cbs / "iv3-lasten-taakveld-gemeenten", cbs / "gebieden-in-nederland-2016-83287NED"
    return dict(
        gemeenten_csv=iv3 / "gemeenten_per_jaar.csv", regios_2016_csv=geb / "gemeente_regios_2016.csv",
        herindelingen_csv=cbs / "gemeente-herindelingen-tot-2018" / "gm_changes_before_2018.csv",
        grenswijziging_csv=cbs / "grenswijziging-gemeente-matrices-2016-2024" / "grenswijziging_gemeente_long.csv",
        ggd2021_csv=cbs / "gemeente-ggdregio-2021-certegis" / "gemeente_ggdregio_2021.csv",
        corop2024_csv=cbs / "corop-woonplaats-gemeente-2024" / "corop.generated.csv",
        inwoners_csv=iv3 / "inwoners_per_gemeente_jaar.csv", names_dir=geb,
    )


@pytest.fixture(scope="module")
def built():
    return gb.build_gemeenten(**fixture_args())


def row(frame: pd.DataFrame, code: str, year: int) -> pd.Series:
    sel = frame[(frame["gemeentecode"] == code) & (frame["indelingsjaar"] == year)]
    assert len(sel) == 1
    return sel.iloc[0]


def test_columns_match_contract(built):
    gemeenten, herindelingen = built
    assert list(gemeenten.columns) == gb.COLUMNS
    assert list(herindelingen.columns)[:7] == ["oude_code", "oude_naam", "nieuwe_code", "nieuwe_naam", "datum", "jaar",
                                               "bron"]


def test_mojibake_name_repaired(built):
    assert row(built[0], "GM0001", 2015)["gemeentenaam"] == "Alfa"


def test_herindelingen_from_both_sources(built):
    her = built[1].set_index("oude_code")
    assert her.loc["GM0004", "nieuwe_code"] == "GM0001" and her.loc["GM0004", "jaar"] == 2016
    assert "GM0900" not in her.index  # 2009, before the registry
    assert her.loc["GM0002", "nieuwe_code"] == "GM0010" and her.loc["GM0002", "jaar"] == 2019


def test_partial_split_flagged(built):
    zeta = built[1].set_index("oude_code").loc["GM0005"]
    assert zeta["nieuwe_code"] == "GM0001" and bool(zeta["gesplitst"])
    assert zeta["overige_opvolgers"] == "GM0010" and zeta["aandeel"] == pytest.approx(0.6)


def test_region_carry_forward_disagreeing_members_takes_largest(built):
    delta = row(built[0], "GM0010", 2020)
    assert delta["jeugdzorgregio_code"] == "JZ02"  # Gamma (300 addresses) beats Beta (100)
    assert "leden oneens; grootste lid GM0003" in delta["region_source"]


def test_newer_official_lists_preferred(built):
    delta = row(built[0], "GM0010", 2021)
    assert delta["ggd_regio_code"] == "GG0001" and "GGD-lijst 2021" in delta["region_source"]
    assert delta["provincie_code"] == "PV26" and delta["provincie_naam"] == "Utrecht"
    assert row(built[0], "GM0010", 2024)["corop_naam"] == "Corop Twee"


def test_regions_carried_back_via_successor(built):
    eps = row(built[0], "GM0004", 2015)
    assert eps["jeugdzorgregio_code"] == "JZ01" and "via opvolger GM0001" in eps["region_source"]
    assert "teruggedragen" in row(built[0], "GM0002", 2015)["region_source"]


def test_inwoners_and_grootteklasse(built):
    assert pd.isna(row(built[0], "GM0001", 2016)["inwoners"])
    alfa = row(built[0], "GM0001", 2017)
    assert alfa["inwoners"] == 4000 and alfa["grootteklasse"] == "minder dan 5.000 inwoners"
    assert row(built[0], "GM0010", 2019)["grootteklasse"] == "50.000 tot 100.000 inwoners"


def test_disagreements_on_fixture(built):
    gem = gb.read_gemeenten_per_jaar(FIX / "gemeenten_per_jaar.csv")
    dis = gb.region_disagreements(gem, built[1], gb.read_grenswijziging(FIX / "grenswijziging_gemeente_long.csv"),
                                  gb.read_regios_2016(FIX / "gemeente_regios_2016.csv"),
                                  gb.read_ggd_2021(FIX / "gemeente_ggdregio_2021.csv"),
                                  gb.read_corop_2024(FIX / "corop.generated.csv"))
    assert dis.groupby("rol").size().to_dict() == {"ggd_regio": 1, "provincie": 6}


def test_inputs_not_mutated():
    gem = gb.read_gemeenten_per_jaar(FIX / "gemeenten_per_jaar.csv")
    before = gem.copy()
    gb.derive_herindelingen(gem, gb.read_gm_changes(FIX / "gm_changes_before_2018.csv"),
                            gb.read_grenswijziging(FIX / "grenswijziging_gemeente_long.csv"))
    pd.testing.assert_frame_equal(gem, before)


# ------------------------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real():
    args = real_args()
    if args is None:
        pytest.skip("../shared/data absent")
    out = gb.build_gemeenten(**args)  # its time is measured in benchmarks/bench_build.py, not asserted here
    return out, args


def test_real_counts(real):
    (gemeenten, herindelingen), _ = real
    counts = gemeenten.groupby("indelingsjaar").size()
    assert counts[2024] == 342 and counts[2010] == 431 and counts[2019] == 355
    assert len(herindelingen) == 134
    assert herindelingen["gesplitst"].sum() == 3  # Littenseradiel 2018, Winsum 2019, Haaren 2021


def test_real_gm0531_regions_2024(real):
    hia = row(real[0][0], "GM0531", 2024)
    assert hia["jeugdzorgregio_naam"] == "Zuid-Holland Zuid"
    assert hia["ggd_regio_code"] == "GG4816"  # Dienst Gezondheid & Jeugd ZHZ
    assert (hia["corop_code"], hia["corop_naam"]) == ("CR30", "Zuidoost-Zuid-Holland")  # not Groot-Rijnmond
    assert hia["arbeidsmarktregio_naam"] == "Drechtsteden"


def test_real_graafstroom_chain(real):
    her = real[0][1].set_index("oude_code")
    assert her.loc["GM0693", "nieuwe_code"] == "GM1927" and her.loc["GM1927", "nieuwe_code"] == "GM1978"


def test_real_disagreements(real):
    """Only Vijfheerenlanden (GM1961, 2019: Leerdam + Zederik (ZH) + Vianen (Utrecht)) disagrees.

    The largest member (Leerdam) carries Zuid-Holland regions forward; the official lists put it in
    GGD regio Utrecht (2021), COROP Utrecht (2024) and provincie Utrecht (2019-2026). The registry uses the
    official values.
    """
    _, args = real
    gem = gb.read_gemeenten_per_jaar(args["gemeenten_csv"])
    dis = gb.region_disagreements(gem, real[0][1], gb.read_grenswijziging(args["grenswijziging_csv"]),
                                  gb.read_regios_2016(args["regios_2016_csv"]), gb.read_ggd_2021(args["ggd2021_csv"]),
                                  gb.read_corop_2024(args["corop2024_csv"]))
    assert dis.groupby("rol").size().to_dict() == {"corop": 1, "ggd_regio": 1, "provincie": 8}
    assert set(dis["gemeentecode"]) == {"GM1961"}
    vhl = row(real[0][0], "GM1961", 2024)
    assert (vhl["provincie_code"], vhl["ggd_regio_code"], vhl["corop_code"]) == ("PV26", "GG2514", "CR17")


def test_real_rda_matches_long_csv(real):
    _, args = real
    rda = Path(args["grenswijziging_csv"]).parent / "rda" / "grenswijziging_gemeente_van_2018_naar_2019.rda"
    pytest.importorskip("pyreadr")
    from_rda = gb.read_grenswijziging_rda(rda).sort_values(["van_code", "naar_code"]).reset_index(drop=True)
    long = gb.read_grenswijziging(args["grenswijziging_csv"])
    long = long[(long["van_jaar"] == 2018) & (long["naar_jaar"] == 2019)]
    assert len(from_rda) in (len(long), len(long[long["adressen"] > 0]))
