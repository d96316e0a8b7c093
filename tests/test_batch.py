"""Batch statistics computed once per data generation (analyse.batch), stored by the build and read back."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from analyse import batch, paths
from analyse.content import BatchStatistics
from analyse.content.indicator_chapter import batch_statistics
from analyse.data import build, processed
from analyse.errors import DataIntegrityError


def _inputs(**kw):
    from test_content import _inputs as tiny  # the tiny frames of the content tests

    return tiny(**kw)


def test_compute_makes_every_declared_statistic_from_tiny_frames():
    inp = _inputs()
    made = batch.compute(inp.harmonised, inp.registry, inp.catalogue, 2024, source_registry={"indicators": {}})
    assert tuple(made) == batch.NAMES == processed.STATISTICS
    assert not made["preferred"].duplicated(["indicator_id", "gemeentecode", "period"]).any()
    spread = made["spread"].set_index(["indicator_id", "period"]).loc[("jeugdzorg_pct", "2023")]
    assert spread["n_gemeenten"] == 3 and spread["min"] == pytest.approx(9.6)  # GM0002: 9 + 0,1 × 6
    assert spread["nl_all"] == pytest.approx(10.0)
    assert set(made["funnel"]["period"]) == {str(y) for y in range(2017, 2024)}


def test_stored_statistics_are_used_instead_of_recomputing():
    inp = _inputs()
    frames = batch.compute(inp.harmonised, inp.registry, inp.catalogue, 2024, source_registry={"indicators": {}})
    stored = BatchStatistics.from_frames(frames)
    with_stored = _inputs(statistics=stored)
    assert batch_statistics(with_stored) is stored and "statistics" not in with_stored.cache
    computed = batch_statistics(inp)  # tests and other indelingsjaren: computed once with the same functions
    pd.testing.assert_frame_equal(computed.preferred, stored.preferred)
    pd.testing.assert_frame_equal(computed.rounding_steps.reset_index(drop=True).astype(str),
                                  stored.rounding_steps.reset_index(drop=True).astype(str))
    assert batch_statistics(inp) is computed


def test_the_pipeline_adds_the_statistics_step_after_the_data_steps():
    steps = build.pipeline()
    names = [s.name for s in steps]
    assert names[: len(build.STEPS)] == [s.name for s in build.STEPS] and names[-1] == "statistics"
    made = {o for s in steps[:-1] for o in s.outputs}
    assert all(i in made for i in steps[-1].inputs)
    assert set(steps[-1].outputs) == {batch.table_name(n) for n in batch.NAMES}


def test_a_stale_derived_table_is_an_error_not_a_silent_recompute(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PROCESSED_DIR", tmp_path)
    processed.clear_cache()
    frame = pd.DataFrame({"role": ["provincie"], "region_code": ["PV01"], "region_naam": ["Een"],
                          "gemeentecode": ["GM0001"]})
    frame.to_parquet(tmp_path / "region_members_2024.parquet")
    frame.to_parquet(tmp_path / "gemeenten.parquet")
    old = os.stat(tmp_path / "gemeenten.parquet").st_mtime
    os.utime(tmp_path / "region_members_2024.parquet", (old - 60, old - 60))  # built before its input
    with pytest.raises(DataIntegrityError, match="make data"):  # stale or failing its contract: never recomputed
        processed.region_members(2024)
    assert processed.region_members(2023) is None  # never built for that indeling: the caller decides
    os.utime(tmp_path / "region_members_2024.parquet", (old + 60, old + 60))
    assert len(processed.region_members(2024)) == 1
    processed.clear_cache()
