"""The build command: seed-only fallback and (when ../shared/data exists) the full build."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analyse import paths
from analyse.data import build, cbs_tables
from test_data_sources import SEED_ROW, _seed


def test_seed_only_build(tmp_path):
    seeds_dir = tmp_path / "seeds"
    seeds_dir.mkdir()
    _seed(seeds_dir, [SEED_ROW])
    res = build.build(tmp_path / "processed", raw_root=tmp_path / "raw", seeds_dir=seeds_dir, use_shared=False)
    out = pd.read_parquet(res.tables["indicators"][0])
    assert list(out.columns) == list(cbs_tables.COLUMNS) and len(out) == 1
    assert (tmp_path / "processed" / "lasten.parquet").exists()
    assert not list((tmp_path / "processed").glob("*.tmp"))


@pytest.mark.skipif(paths.cbs_dir() is None, reason="../shared/data not available")
def test_full_build_real_data(tmp_path):
    seeds_dir = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS_DIR, seeds_dir) if paths.SEEDS_DIR.exists() else seeds_dir.mkdir()
    res = build.build(tmp_path / "processed", raw_root=tmp_path / "raw", seeds_dir=seeds_dir)
    assert res.seconds < 30
    ind = pd.read_parquet(res.tables["indicators"][0])
    hia = ind[(ind.gemeentecode == "GM0531") & (ind.period == "2019") & (ind.source_table == "84134NED")]
    hia = hia.set_index("indicator_id")
    assert hia.loc["jeugdzorg_aantal", "value"] == 970
    assert hia.loc["jeugdzorg_pct", "value"] == pytest.approx(10.4)
    wmo = ind[(ind.gemeentecode == "GM0531") & (ind.period == "2018") & (ind.indicator_id == "wmo_clienten_aantal")]
    assert wmo.set_index("source_table")["value"].to_dict() == {"83262NED": 1420.0, "85896NED": 1385.0}
    for name in ("gemeenten", "herindelingen", "lasten", "cpi"):
        assert name in res.tables
