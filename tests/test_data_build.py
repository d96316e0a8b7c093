"""The build command: seed-only fallback and (when ../shared/data exists) the full build."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import pandas as pd
import pytest
from test_data_sources import SEED_ROW, _seed

from analyse import paths
from analyse.data import build, cbs_tables, derive, sources
from analyse.errors import DataIntegrityError, DataNotAvailableError
from analyse.settings import REPORT_INDELINGSJAAR


def test_seed_only_build(tmp_path):
    seeds_dir = tmp_path / "seeds"
    seeds_dir.mkdir()
    _seed(seeds_dir, [SEED_ROW])
    res = build.build(tmp_path / "processed", raw_root=tmp_path / "raw", seeds_dir=seeds_dir, use_shared=False)
    out = pd.read_parquet(res.tables["indicators"][0])
    assert list(out.columns) == list(cbs_tables.COLUMNS) and len(out) == 1
    assert (tmp_path / "processed" / "lasten.parquet").exists()
    assert not list((tmp_path / "processed").glob("*.tmp"))


def _richer_processed(processed):
    processed.mkdir(parents=True, exist_ok=True)
    rich = pd.DataFrame({"gemeentecode": [f"GM{i:04d}" for i in range(1, 6)], "indicator_id": "x"})
    rich.to_parquet(processed / "indicators.parquet", index=False)
    return (processed / "indicators.parquet").read_bytes()


def test_seed_only_build_never_replaces_a_richer_set_unless_asked(tmp_path):
    seeds_dir = tmp_path / "seeds"
    seeds_dir.mkdir()
    _seed(seeds_dir, [SEED_ROW])
    before = _richer_processed(tmp_path / "processed")
    empty_cbs = tmp_path / "empty"
    empty_cbs.mkdir()
    with pytest.raises(DataNotAvailableError, match="--seed-only"):
        build.build(tmp_path / "processed", cbs_root=empty_cbs, raw_root=tmp_path / "raw", seeds_dir=seeds_dir)
    assert (tmp_path / "processed" / "indicators.parquet").read_bytes() == before
    res = build.build(tmp_path / "processed", cbs_root=empty_cbs, raw_root=tmp_path / "raw", seeds_dir=seeds_dir,
                      seed_only=True)
    assert res.seed_only and res.gemeenten == 1


def test_snapshots_in_the_raw_store_count_without_shared_data(tmp_path):
    raw = tmp_path / "raw"
    assert not build._has_cbs_snapshots(raw)
    for tid, name in (("iv3-gemeenten", sources.get("iv3-gemeenten").filename), ("84134NED", "84134NED.csv")):
        (raw / tid).mkdir(parents=True)
        (raw / tid / name).write_text("x\n")
    assert build._has_cbs_snapshots(raw)


def test_build_steps_are_declared_and_a_failing_check_names_its_step():
    names = [s.name for s in build.STEPS]
    assert names[:2] == ["gemeenten", "indicators"]
    assert {"harmonise", "regions", "references", "lasten_clusters"} <= set(names)
    made = {o for s in build.STEPS for o in s.outputs}
    assert {"indicators", "gemeenten", "herindelingen", "lasten", "cpi", "lasten_clusters", build.HARMONISED,
            build.REFERENCES, build.MEMBERSHIP} <= made
    for step in build.STEPS:  # every input made by the pipeline is made by an earlier step
        earlier = {o for s in build.STEPS[: build.STEPS.index(step)] for o in s.outputs}
        assert all(i in earlier for i in step.inputs if i in made), step.name

    def failing(ctx, tables):
        raise DataIntegrityError("kapot")

    steps = (build.Step("een", (), ("t",), lambda ctx, tables: {"t": pd.DataFrame({"a": [1]})}, (failing,)),)
    with pytest.raises(DataIntegrityError, match="build step een: check failed: kapot"):
        build.run_steps(steps, None)
    lines: list[str] = []
    ok = (build.Step("een", (), ("t",), lambda ctx, tables: {"t": pd.DataFrame({"a": [1]})},
                     (lambda ctx, tables: "fine",)),)
    assert list(build.run_steps(ok, None, lines=lines)) == ["t"]
    assert lines[0].startswith("een") and "t 1 rows; fine" in lines[0]


@pytest.mark.skipif(paths.cbs_dir() is None, reason="../shared/data not available")
def test_full_build_real_data(built_data_dir, tmp_path):
    """The session's full build (``built_data_dir``: ``python -m analyse.data build`` of the seeds and the shared
    data into a fresh raw store, made once for every test that needs a data set) and what it wrote."""
    processed = built_data_dir / "processed" / "actueel"
    manifest = json.loads((processed / "build.json").read_text(encoding="utf-8"))
    assert manifest["gemeenten"] > 400 and not manifest["seed_only"]
    assert len(build.pipeline()) > len(build.STEPS)  # the steps of the entry point group ran too
    assert {out for step in build.pipeline() for out in step.outputs} <= set(manifest["tables"])
    tables = {name: (processed / f"{name}.parquet", rows) for name, rows in manifest["tables"].items()}
    res = SimpleNamespace(gemeenten=manifest["gemeenten"], tables=tables)
    read = lambda name: pd.read_parquet(res.tables[name][0])  # noqa: E731
    ind = read("indicators")
    assert not ind.duplicated(["indicator_id", "gemeentecode", "period"]).any()  # one preferred row per key
    hia = ind[(ind.gemeentecode == "GM0531") & (ind.period == "2019")].set_index("indicator_id")
    assert hia.loc["jeugdzorg_aantal", "value"] == 970
    assert hia.loc["jeugdzorg_pct", "value"] == pytest.approx(10.4)
    wmo = ind[(ind.gemeentecode == "GM0531") & (ind.period == "2018") & (ind.indicator_id == "wmo_clienten_aantal")]
    assert wmo.set_index("source_table")["value"].to_dict() == {"85896NED": 1385.0}  # the newer table wins
    nl = ind[(ind.gemeentecode == "NL01") & (ind.period == "2019") & (ind.indicator_id == "wmo_clienten_per_1000")]
    assert nl["source_table"].tolist() == ["85896NED"]
    inw = ind[(ind.indicator_id == "inwoners") & (ind.gemeentecode == "GM0531") & (ind.period == "2019")]["value"]
    assert hia.loc["wmo_clienten_per_1000", "denominator"] == inw.iloc[0]  # real inwoners, not count / rate
    assert not hia.loc["wmo_clienten_per_1000", "rounded"] and hia.loc["jeugdzorg_pct", "rounded"]
    assert not nl["rounded"].iloc[0] and nl["denominator"].iloc[0] == 17282163  # Σ inwoners of all gemeenten 2019
    kwb = ind[ind.source_table.str.startswith("kwb-pdok") & (ind.indicator_id == "aandeel_0_14_pct")]
    assert len(kwb) and kwb["rounded"].all()
    bij = ind[(ind.indicator_id == "bijstandsuitkeringen_per_1000") & ind.value.notna()]
    assert "2024" in set(bij.period) and bij["status"].isin(["definitief", "voorlopig"]).all()
    assert "bijstand_personen_aantal" not in set(bij.indicator_id)  # own series, never spliced
    # harmonisation keeps every published value of a current gemeente (issue 11 defect 1)
    har = read(build.HARMONISED)
    gro = har[(har.gemeentecode == "GM0014") & (har.indicator_id == "jeugdzorg_pct") & har.value.notna()]
    assert {"2019", "2020"} <= set(gro.period)
    ams_h = har[(har.gemeentecode == "GM0363") & (har.indicator_id == "wmo_clienten_per_1000") & har.value.notna()]
    # Weesp joined Amsterdam in 2022: before that Σ/Σ of both, after it Amsterdam's own rows (6 of 25 before the fix);
    # where Weesp did not deliver (2016, 2018-2020) Amsterdam's own figure lacks Weesp: a marked gap (issue 17)
    assert {"2017", "2022", "2023", "2023H1", "2023H2", "2024H1"} <= set(ams_h.period)
    ams_gap = har[(har.gemeentecode == "GM0363") & (har.indicator_id == "wmo_clienten_per_1000") & har.value.isna()]
    assert {"2018", "2019", "2020"} <= set(ams_gap.period) and ams_gap["harmonised"].all()
    assert len(ams_h) >= 12
    assert derive.lost_published_values(ind, har, read("herindelingen"), REPORT_INDELINGSJAAR).empty
    members = read(build.MEMBERSHIP)
    assert members.columns.tolist() == ["role", "region_code", "region_naam", "gemeentecode"]
    jz = members[(members.gemeentecode == "GM0531") & (members.role == "jeugdzorgregio")]["region_code"].iloc[0]
    refs = read(build.REFERENCES)
    assert len(refs[(refs.gemeentecode == jz) & (refs.indicator_id == "wmo_clienten_per_1000")])
    for name in ("gemeenten", "herindelingen", "lasten", "cpi", "lasten_clusters"):
        assert name in res.tables
    # a second build without shared data uses the snapshots imported by the first (issue 14 class 3)
    empty = tmp_path / "empty"
    empty.mkdir()
    raw = shutil.copytree(built_data_dir / "raw", tmp_path / "raw")  # the shared build's raw store stays as it is
    again = build.build(tmp_path / "processed2", cbs_root=empty, raw_root=raw / "cbs", seeds_dir=raw / "seeds",
                        steps=build.STEPS[:2])
    assert not again.seed_only and again.gemeenten == res.gemeenten


@pytest.mark.slow  # a fresh interpreter (what a process imports)
def test_data_layer_imports_nothing_above_it():
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = ("import sys, analyse.data.build, analyse.data.derive, analyse.data.odata, analyse.data.provenance; "
            "allowed = ('analyse.data', 'analyse.paths', 'analyse.errors', 'analyse.atomic', 'analyse.settings', "
            "'analyse._version', 'analyse.vocab', 'analyse.formatting'); "
            "print(sorted(m for m in sys.modules if m.startswith('analyse.') and not m.startswith(allowed)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
