"""Tests for analyse.data.iv3: non-delivery, crosswalk over 2022/2023/2025, real-data sanity totals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analyse import paths
from analyse.data import iv3
from analyse.errors import DataIntegrityError

FIX = Path(__file__).parent / "data" / "registry"


@pytest.fixture(scope="module")
def built():
    return iv3.build_lasten_report(FIX / "iv3_lasten.csv", FIX / "inwoners_per_gemeente_jaar.csv")


def test_contract_columns(built):
    lasten, _ = built
    assert list(lasten.columns) == iv3.LASTEN_COLUMNS
    assert lasten["jaar"].dtype == "int64" and lasten["lasten_eur"].dtype == "float64"


def test_non_delivery_dropped_not_zero(built):
    lasten, dropped = built
    assert dropped.to_dict("records") == [{"gemeentecode": "GM0010", "jaar": 2023, "soort": "begroting"}]
    sel = lasten[(lasten["gemeentecode"] == "GM0010") & (lasten["jaar"] == 2023)]
    assert set(sel["soort"]) == {"jaarrekening"}


def test_euro_not_thousands(built):
    lasten = built[0]
    row = lasten[(lasten["gemeentecode"] == "GM0001") & (lasten["jaar"] == 2022) & (lasten["soort"] == "begroting")
                 & (lasten["taakveld_bron"] == "6.71")]
    assert row["lasten_eur"].item() == 20_000.0


@pytest.mark.parametrize("jaar, jeugd_bron, total", [(2022, ["6.72"], 30_000.0),
                                                      (2023, ["6.72", "6.73", "6.74"], 32_000.0),
                                                      (2025, ["6.75", "6.76"], 30_000.0)])
def test_crosswalk_jeugd_over_scheme_changes(built, jaar, jeugd_bron, total):
    lasten = built[0]
    sel = lasten[(lasten["gemeentecode"] == "GM0001") & (lasten["jaar"] == jaar) & (lasten["soort"] == "begroting")]
    assert sorted(sel.loc[sel["taakveld"] == "6.72", "taakveld_bron"]) == jeugd_bron
    assert sel.loc[sel["taakveld"] == "6.72", "lasten_eur"].sum() == total


def test_crosswalk_2025_codes(built):
    lasten = built[0]
    sel = lasten[lasten["jaar"] == 2025].drop_duplicates("taakveld_bron").set_index("taakveld_bron")["taakveld"]
    assert sel[["6.21", "6.22", "6.23"]].eq("6.2").all() and sel["6.60"] == "6.6"
    assert sel["6.79"] == "6.79" and sel["6.71"] == "6.71" and sel["6.92"] == "6.92"


def test_crosswalk_rejects_code_outside_its_years():
    with pytest.raises(DataIntegrityError, match="6.73"):
        iv3.harmonise_taakveld(pd.Series(["6.73"]), pd.Series([2022]))


def test_cluster_mapping():
    clusters = iv3.cluster_mapping()
    assert clusters["jeugd"] == ["6.72", "6.82", "6.92"]
    assert clusters["participatie"] == ["6.3", "6.4", "6.5"]
    assert "6.73" not in clusters["sociaal_domein_totaal"] and "6.79" in clusters["sociaal_domein_totaal"]
    assert "0.1" in clusters["totaal"] and "6.60" not in clusters["totaal"]


def test_inwoners_attached(built):
    lasten = built[0]
    assert lasten.loc[(lasten["gemeentecode"] == "GM0010") & (lasten["jaar"] == 2022), "inwoners"].eq(60000).all()


# ------------------------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real():
    cbs = paths.cbs_dir()
    if cbs is None or not (cbs / "iv3-lasten-taakveld-gemeenten").is_dir():
        pytest.skip("../shared/data absent")
    src = cbs / "iv3-lasten-taakveld-gemeenten"
    out = iv3.build_lasten_report(src / "iv3_lasten_per_taakveld_long.csv", src / "inwoners_per_gemeente_jaar.csv")
    return out, src  # build time: benchmarks/bench_build.py (no wall-clock asserts in tests)


def test_real_non_deliveries(real):
    (lasten, dropped), _ = real
    assert len(dropped) == 25  # 2017-2024, begroting 14 and jaarrekening 11 gemeente-years with all lasten 0
    assert lasten.merge(dropped, on=["gemeentecode", "jaar", "soort"]).empty


def test_real_totals_match_summary(real):
    (lasten, _), src = real
    assert iv3.check_summary(lasten, src / "iv3_summary_per_gemeente.csv").empty


def test_real_national_sanity_totals(real):
    (lasten, _), _ = real
    nat = iv3.national_totals(lasten).set_index(["jaar", "taakveld_bron"])["lasten_mld"]
    assert nat[(2019, "6.72")] == pytest.approx(4.39, abs=0.01)
    assert nat[(2019, "6.71")] == pytest.approx(3.27, abs=0.01)
    assert nat[(2019, "6.81")] == pytest.approx(2.39, abs=0.01)
