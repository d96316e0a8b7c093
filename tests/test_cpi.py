"""Tests for analyse.data.cpi: index rebuilt from yearly changes, no extrapolation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyse import paths
from analyse.data import cpi
from analyse.errors import DataNotAvailableError

FIX = Path(__file__).parent / "data" / "registry" / "cpi.csv"


def test_build_cpi_index_from_mutations():
    out = cpi.build_cpi(FIX)
    assert list(out.columns) == ["jaar", "cpi_index", "cpi_mutatie", "bron"]
    assert out["cpi_index"].tolist() == pytest.approx([100.0, 102.6, 102.6 * 1.013])


def test_deflate_inside_range():
    table = cpi.build_cpi(FIX)
    got = cpi.deflate(pd.Series([102.6]), pd.Series([2019]), table, to_year=2018)
    assert got.iloc[0] == pytest.approx(100.0)


def test_deflate_outside_range_is_error_or_explicit_nan():
    table = cpi.build_cpi(FIX)
    with pytest.raises(DataNotAvailableError, match="2021"):
        cpi.deflate(pd.Series([1.0]), pd.Series([2021]), table)
    got = cpi.deflate(pd.Series([1.0, 1.0]), pd.Series([2017, 2019]), table, outside="nan")
    assert np.isnan(got.iloc[0]) and not np.isnan(got.iloc[1])
    with pytest.raises(DataNotAvailableError):
        cpi.deflate(pd.Series([1.0]), pd.Series([2019]), table, to_year=2024)


def test_real_cpi():
    cbs = paths.cbs_dir()
    if cbs is None or not (cbs / "cpi-yearly-small").is_dir():
        pytest.skip("../shared/data absent")
    out = cpi.build_cpi(cbs / "cpi-yearly-small" / "pbix-inflatie-cbs.csv")
    assert out["jaar"].tolist() == list(range(2018, 2026))  # 2024-2025 from the transcription (CBS, 3,3% each)
    assert out.loc[out["jaar"] == 2023, "cpi_index"].item() == pytest.approx(100 * 1.026 * 1.013 * 1.027 * 1.10 * 1.038)
    assert out.loc[out["jaar"] == 2025, "cpi_index"].item() == pytest.approx(
        out.loc[out["jaar"] == 2023, "cpi_index"].item() * 1.033 * 1.033)
    assert out.loc[out["jaar"] == 2024, "bron"].item() == cpi.BRON_EXTENSION
    only_shared = cpi.build_cpi(cbs / "cpi-yearly-small" / "pbix-inflatie-cbs.csv", extension=None)
    assert only_shared["jaar"].max() == 2023


def test_extension_only_without_gap(tmp_path):
    ext = tmp_path / "ext.csv"
    ext.write_text("jaar,cpi_mutatie_pct\n2021,2.0\n2022,3.0\n")
    out = cpi.build_cpi(FIX, extension=ext)  # fixture ends 2020: 2021-2022 follow without a gap
    assert out["jaar"].tolist() == [2018, 2019, 2020, 2021, 2022]
    assert out["cpi_index"].iloc[-1] == pytest.approx(102.6 * 1.013 * 1.02 * 1.03)
    gap = tmp_path / "gap.csv"
    gap.write_text("jaar,cpi_mutatie_pct\n2024,3.3\n")
    assert cpi.build_cpi(FIX, extension=gap)["jaar"].max() == 2020  # a gap is never bridged
    bad = tmp_path / "bad.csv"
    bad.write_text("jaar,mutatie\n2021,2\n")
    with pytest.raises(Exception, match="cpi_mutatie_pct"):
        cpi.build_cpi(FIX, extension=bad)


def test_price_factor_one_rule_for_years_periods_and_mappings():
    table = pd.DataFrame({"jaar": [2019, 2020, 2023], "cpi_index": [100.0, 102.0, 110.0]})
    f = cpi.price_factor(["2019", "2023H1", 2020, "2015"], 2023, table)
    np.testing.assert_allclose(f[:3], [1.1, 1.0, 110 / 102])
    assert np.isnan(f[3])  # outside the series: never extrapolated
    np.testing.assert_allclose(cpi.price_factor([2019, 2019], [2020, 2023], {2019: 100.0, 2020: 102.0, 2023: 110.0}),
                               [1.02, 1.1])  # a price year per amount
    assert np.isnan(cpi.price_factor([2019], 2023, None)).all()
    with pytest.raises(Exception, match="jaar en cpi_index"):
        cpi.cpi_index(pd.DataFrame({"year": [2019]}))
