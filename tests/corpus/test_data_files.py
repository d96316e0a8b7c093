"""Corpus: bad raw data files (CBS-style CSVs, seed CSVs with sidecars) and codes of another indeling.

The CBS readers are driven by a registry; here a tiny registry (two tables, one share indicator) points the real
reader (``analyse.data.cbs_tables.read_table``) at the fixture files in ``data/tables``. Every bad file must give
a :class:`DataIntegrityError` that names the table/file and the problem; accepted oddities (CRLF, an extra
column, suppression markers) must give exactly the intended numbers, suppressed cells NaN, never 0.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analyse.data import cbs_tables, rawstore, seeds
from analyse.data.derive import harmonise
from analyse.errors import DataIntegrityError

from .conftest import DATA

TABLES = DATA / "tables"
SHARE = {"value": "Pct_2", "numerator": "Teller_3", "denominator": "Noemer_4"}
REGISTRY = {
    "truncation_limit": 10_000,
    "tables": {
        "TEST01": {"file": "x.csv", "region": {"column": "Regiocode", "kind": "codes"},
                   "period": {"column": "Perioden"},
                   "status": {"rule": "fixed", "value": "definitief"}},
        "TEST02": {"file": "x.csv", "region": {"column": "Regiocode", "kind": "codes"},
                   "period": {"column": "Perioden"},
                   "dimensions": ["StatusCijfer"],
                   "status": {"rule": "column", "column": "StatusCijfer", "prefer": ["Definitief", "Voorlopig"]}},
    },
    "indicators": {"test_pct": [{"table": "TEST01", **SHARE}, {"table": "TEST02", **SHARE}]},
}
CATALOGUE = pd.DataFrame({"id": ["test_pct"], "unit": ["procent"], "per": [100.0]})


def read(name: str, table: str = "TEST01") -> pd.DataFrame:
    return cbs_tables.read_table(table, TABLES / name, None, CATALOGUE, REGISTRY)


def values(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float, float, str]]:
    return {(r.gemeentecode, r.period): (r.value, r.numerator, r.denominator, r.status) for r in frame.itertuples()}


GOOD = {("GM0531", "2021"): (10.0, 100.0, 1000.0, "definitief"),
        ("GM0531", "2022"): (11.0, 110.0, 1000.0, "definitief"),
        ("GM0505", "2021"): (8.0, 800.0, 10000.0, "definitief"),
        ("GM0505", "2022"): (9.0, 900.0, 10000.0, "definitief")}


# ------------------------------------------------------------------------------------ refused CBS files
@pytest.mark.parametrize("name, fragments", [
    pytest.param("truncated.csv", ["truncated.csv", "looks truncated", "no line break"], id="truncated-mid-field"),
    pytest.param("latin1.csv", ["latin1.csv", "cannot read", "utf-8", "decode"], id="encoding-latin1"),
    pytest.param("utf16.csv", ["utf16.csv", "cannot read", "utf-8", "0xff"], id="encoding-utf16"),
    pytest.param("missing_column.csv", ["missing_column.csv", "missing column(s) ['Noemer_4']"], id="missing-column"),
    pytest.param("renamed_column.csv", ["renamed_column.csv", "missing column(s) ['Pct_2']"], id="renamed-column"),
    pytest.param("duplicate_keys.csv", ["duplicate_keys.csv", "duplicate keys", "'gemeentecode': 'GM0505'",
                                        "'period': '2022'"], id="duplicate-keys"),
    pytest.param("negative_count.csv", ["negative_count.csv", "negative counts", "'gemeentecode': 'GM0505'",
                                        "'period': '2021'"], id="negative-count"),
    pytest.param("num_gt_den.csv", ["num_gt_den.csv", "numerator > denominator", "'gemeentecode': 'GM0531'",
                                    "'period': '2022'"], id="numerator-above-denominator"),
    pytest.param("dutch_decimal.csv", ["dutch_decimal.csv", "column Pct_2", "non-numeric", "'11,0'"],
                 id="dutch-decimal-comma"),
    pytest.param("infinite_value.csv", ["infinite_value.csv", "column Pct_2", "non-numeric", "'inf'"], id="inf-cell"),
    pytest.param("id_gap.csv", ["id_gap.csv", "misses rows", "gap at data row 4"], id="id-gap-lost-rows"),
    pytest.param("provisional_label.csv", ["provisional_label.csv", "column Perioden", "'2022*'"],
                 id="period-label-with-asterisk"),
    pytest.param("header_only.csv", ["header_only.csv", "no data rows"], id="header-only"),
])
def test_bad_cbs_file_refused(name, fragments):
    with pytest.raises(DataIntegrityError) as exc:
        read(name)
    msg = str(exc.value)
    assert "TEST01" in msg
    for fragment in fragments:
        assert fragment in msg, (fragment, msg)


def test_unknown_status_value_refused():
    with pytest.raises(DataIntegrityError, match=r"TEST02 \(status_unknown.csv\): unknown status values \['herzien'\]"):
        read("status_unknown.csv", "TEST02")


# ---------------------------------------------------------------------------------- accepted oddities
@pytest.mark.parametrize("name", [pytest.param("good.csv", id="good"), pytest.param("crlf.csv", id="crlf-line-ends"),
                                  pytest.param("extra_column.csv", id="extra-column-ignored")])
def test_harmless_variants_give_exact_numbers(name):
    assert values(read(name)) == GOOD


def test_suppression_markers_are_nan_never_zero():
    got = read("suppression.csv").set_index(["gemeentecode", "period"])
    for key in [("GM0531", "2021"), ("GM0531", "2022"), ("GM0505", "2021")]:  # ".", "x" and empty cells
        assert np.isnan(got.loc[key, "value"]) and np.isnan(got.loc[key, "numerator"]), key
        assert got.loc[key, "value"] != 0
    assert got.loc[("GM0505", "2022"), "value"] == 9.0
    assert (got["denominator"] > 0).all()  # the published denominator is kept next to a suppressed value


@pytest.mark.parametrize("marker", [".", "x", "X", "-", "", " . ", "?"])
def test_to_number_suppression_marker(marker):
    out = cbs_tables.to_number(pd.Series(["5", marker], dtype=str), "f.csv column C")
    assert out.iloc[0] == 5.0 and np.isnan(out.iloc[1])


def test_provisional_and_definitive_rows_definitive_wins_and_status_is_carried():
    got = values(read("status_both.csv", "TEST02"))
    # GM0531: both have a value -> Definitief (11.0) wins, status definitief
    assert got[("GM0531", "2022")] == (11.0, 110.0, 1000.0, "definitief")
    # GM0505: Definitief row is empty -> the Voorlopig value is used and marked voorlopig, never shown as definitief
    assert got[("GM0505", "2022")] == (9.0, 900.0, 10000.0, "voorlopig")


# ---------------------------------------------------------------------------- checksums and seed files
SEED_HEADER = ("indicator_id,gemeentecode,period,period_type,value,numerator,denominator,unit,status,source_table,"
               "label_document,bron_pagina\n")
SEED_ROW = "jeugdzorg_pct,GM0531,2022,jaar,10.8,,,procent,definitief,seed999-test,Jeugdhulp,p. 1\n"


def _seed(tmp_path: Path, text: str, encoding: str = "utf-8", sha: str | None = None) -> Path:
    path = tmp_path / "seed999-ind-test.csv"
    path.write_bytes(text.encode(encoding))
    meta = {"producer": "test", "table_id": "seed999-test", "title": "t", "url": "geen", "retrieved": "2025-01-01",
            "status": "definitief", "sha256": sha or rawstore.sha256_file(path)}
    rawstore.meta_path(path).write_text(yaml.safe_dump(meta), encoding="utf-8")
    return path


def test_seed_ok_baseline(tmp_path):
    out = seeds.read_seed_file(_seed(tmp_path, SEED_HEADER + SEED_ROW))
    assert out["value"].tolist() == [10.8] and out["status"].tolist() == ["definitief"]


def test_checksum_mismatch_against_sidecar(tmp_path):
    path = _seed(tmp_path, SEED_HEADER + SEED_ROW)
    path.write_text(SEED_HEADER + SEED_ROW.replace("10.8", "18.0"), encoding="utf-8")  # edited after import
    with pytest.raises(DataIntegrityError) as exc:
        seeds.read_seed_file(path)
    assert "checksum mismatch" in str(exc.value) and str(path) in str(exc.value)


def test_raw_snapshot_checksum_mismatch(tmp_path):
    src = tmp_path / "src" / "t.csv"
    src.parent.mkdir()
    src.write_text("a;b\n1;2\n", encoding="utf-8")
    prov = rawstore.Provenance(producer="CBS", table_id="T1", title="t", url="https://example.invalid")
    snap = rawstore.import_file(src, prov, raw_root=tmp_path / "raw")
    snap.chmod(0o644)
    snap.write_text("a;b\n1;3\n", encoding="utf-8")
    with pytest.raises(DataIntegrityError, match=r"checksum mismatch for .*t\.csv.*re-import it"):
        rawstore.verify(snap)


def test_changed_source_never_overwrites_raw_snapshot(tmp_path):
    src = tmp_path / "src" / "t.csv"
    src.parent.mkdir()
    src.write_text("a;b\n1;2\n", encoding="utf-8")
    prov = lambda: rawstore.Provenance(producer="CBS", table_id="T1", title="t", url="https://example.invalid")  # noqa: E731
    snap = rawstore.import_file(src, prov(), raw_root=tmp_path / "raw")
    before = snap.read_bytes()
    src.write_text("a;b\n1;999\n", encoding="utf-8")
    with pytest.raises(DataIntegrityError, match="already exists with sha256.*immutable"):
        rawstore.import_file(src, prov(), raw_root=tmp_path / "raw")
    assert snap.read_bytes() == before


def test_seed_without_sidecar(tmp_path):
    path = tmp_path / "seed999-ind-test.csv"
    path.write_text(SEED_HEADER + SEED_ROW, encoding="utf-8")
    with pytest.raises(DataIntegrityError, match=r"seed999-ind-test.csv has no provenance sidecar"):
        seeds.read_seed_file(path)


def test_seed_latin1(tmp_path):
    path = _seed(tmp_path, SEED_HEADER + SEED_ROW.replace("Jeugdhulp", "Cliënten"), encoding="latin-1")
    with pytest.raises(DataIntegrityError, match=r"cannot read seed file .*seed999-ind-test.csv.*utf-8"):
        seeds.read_seed_file(path)


def test_seed_missing_column(tmp_path):
    path = _seed(tmp_path, SEED_HEADER.replace(",bron_pagina", "") + SEED_ROW.replace(",p. 1", ""))
    with pytest.raises(DataIntegrityError, match=r"seed999-ind-test.csv: missing column\(s\) \['bron_pagina'\]"):
        seeds.read_seed_file(path)


def test_seed_value_as_text(tmp_path):
    path = _seed(tmp_path, SEED_HEADER + SEED_ROW.replace("10.8", '"10,8%"'))
    with pytest.raises(DataIntegrityError,
                       match=r"seed999-ind-test.csv column value: non-numeric cell\(s\) \['10,8%'\]"):
        seeds.read_seed_file(path)


def test_seed_unquoted_comma_shifts_columns_refused(tmp_path):
    path = _seed(tmp_path, SEED_HEADER + SEED_ROW.replace("Jeugdhulp", "Jeugdhulp, totaal"))
    with pytest.raises(DataIntegrityError, match=r"seed999-ind-test.csv column .*non-numeric"):
        seeds.read_seed_file(path)


# ------------------------------------------------------------------- region codes of another indeling
HER = pd.DataFrame({"oude_code": ["GM0689", "GM1927"], "oude_naam": ["Giessenlanden", "Molenwaard"],
                    "nieuwe_code": ["GM1978", "GM1978"], "nieuwe_naam": ["Molenlanden"] * 2,
                    "datum": ["2019-01-01"] * 2, "jaar": [2019, 2019], "bron": ["test"] * 2})


def _row(ind, gm, period, value, num, den, unit="procent", status="definitief"):
    return {"indicator_id": ind, "gemeentecode": gm, "period": period, "period_type": "jaar", "value": value,
            "numerator": num, "denominator": den, "unit": unit, "status": status, "source_table": "T1"}


def test_old_codes_summed_into_successor_with_weakest_status():
    ind = pd.DataFrame([_row("a", "GM0689", "2018", 10.0, 100, 1000),
                        _row("a", "GM1927", "2018", 20.0, 200, 1000, status="voorlopig")])
    out = harmonise(ind, 2024, HER)
    (row,) = out.itertuples()
    assert (row.gemeentecode, row.numerator, row.denominator, row.value) == ("GM1978", 300.0, 2000.0, 15.0)
    assert row.status == "voorlopig"  # never presented as definitief


def test_old_codes_without_counts_dropped_with_note_not_averaged():
    ind = pd.DataFrame([_row("b", "GM0689", "2018", 10.0, np.nan, np.nan),
                        _row("b", "GM1927", "2018", 20.0, np.nan, np.nan)])
    out, notes = harmonise(ind, 2024, HER, with_notes=True)
    # 15.0 (a mean of percentages) would be wrong: a marked gap instead (issue 17)
    assert out["value"].isna().all() and out["harmonised"].all()
    assert notes.iloc[0].to_dict() | {} == {"indicator_id": "b", "gemeentecode": "GM1978", "period": "2018",
                                            "source_table": "T1", "members": "GM0689;GM1927",
                                            "reason": "geen teller/noemer om opnieuw te aggregeren"}


def test_successor_from_part_of_its_predecessors_is_refused():
    """Regression (Berg en Dal 2014 in 83450NED): one predecessor absent must not give a partial value."""
    ind = pd.DataFrame([_row("c", "GM0689", "2018", 10.0, 100, 1000)])
    out, notes = harmonise(ind, 2024, HER, with_notes=True)
    assert out["value"].isna().all() and out["harmonised"].all()  # a marked gap, not a partial sum
    note = notes.iloc[0]
    assert (note["gemeentecode"], note["members"], note["reason"]) == (
        "GM1978", "GM0689", "niet alle voorgangers met een waarde")


def test_counts_of_old_codes_summed():
    ind = pd.DataFrame([_row("d", "GM0689", "2018", 5.0, np.nan, np.nan, unit="aantal"),
                        _row("d", "GM1927", "2018", 7.0, np.nan, np.nan, unit="aantal")])
    out = harmonise(ind, 2024, HER)
    assert out[["gemeentecode", "value"]].values.tolist() == [["GM1978", 12.0]]


def test_empty_rows_of_dissolved_codes_do_not_void_the_successor():
    """Regression (issue 11, Groningen jeugdzorg 2019-2020): an empty row of a code that no longer exists."""
    ind = pd.DataFrame([_row("e", "GM1978", "2019", 12.0, 120, 1000),
                        _row("e", "GM0689", "2019", np.nan, np.nan, np.nan)])
    out = harmonise(ind, 2024, HER)
    assert out[["gemeentecode", "value"]].values.tolist() == [["GM1978", 12.0]]


# ------------------------------------------------------------------- a build that silently makes less (issue 14/3)
def _cli_build(tmp_path, *args, cbs_dir=None):
    """Run ``python -m analyse.data build`` with a data dir under tmp_path; returns (rc, stdout, stderr)."""
    import os  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    env = {**os.environ, "ANALYSE_DATA_DIR": str(tmp_path / "data")}
    env.pop("ANALYSE_CBS_DIR", None)
    if cbs_dir is not None:
        env["ANALYSE_CBS_DIR"] = str(cbs_dir)
    proc = subprocess.run([sys.executable, "-m", "analyse.data", "build", *args], env=env, capture_output=True,
                          text=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def build_main(tmp_path, monkeypatch, capsys):
    """``analyse.data``'s command line run in this process (its ``main``) with a data dir under tmp_path and
    ``ANALYSE_CBS_DIR=cbs_dir``; returns (rc, stdout, stderr)."""
    from support import point_paths  # noqa: PLC0415

    from analyse.data.__main__ import main  # noqa: PLC0415

    def run(*args, cbs_dir):
        point_paths(monkeypatch, ANALYSE_DATA_DIR=tmp_path / "data", ANALYSE_CBS_DIR=cbs_dir,
                    ANALYSE_PROCESSED_DIR=None)
        capsys.readouterr()
        rc = main(["build", *args])
        out, err = capsys.readouterr()
        return rc, out, err

    return run


def _rich_processed(tmp_path) -> bytes:
    processed = tmp_path / "data" / "processed" / "actueel"  # an older, real folder (not yet a generation link)
    processed.mkdir(parents=True)
    pd.DataFrame({"gemeentecode": [f"GM{i:04d}" for i in range(1, 400)], "indicator_id": "x"}).to_parquet(
        processed / "indicators.parquet", index=False)
    return (processed / "indicators.parquet").read_bytes()


@pytest.mark.slow  # the whole process's stderr is one line: a subprocess
@pytest.mark.parametrize("kind", ["missing", "file"])
def test_bad_cbs_dir_gives_one_line_and_exit_2(tmp_path, kind):
    target = tmp_path / "nergens"
    if kind == "file":
        target.write_text("geen map\n")
    rc, out, err = _cli_build(tmp_path, cbs_dir=target)
    assert rc == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "ANALYSE_CBS_DIR" in err and ("bestaat niet" if kind == "missing" else "geen map") in err


def test_empty_cbs_dir_never_replaces_a_richer_processed_set(tmp_path, build_main):
    before = _rich_processed(tmp_path)
    empty = tmp_path / "leeg"
    empty.mkdir()
    rc, out, err = build_main(cbs_dir=empty)
    assert rc != 0 and "Traceback" not in err and "--seed-only" in err
    assert (tmp_path / "data" / "processed" / "actueel" / "indicators.parquet").read_bytes() == before


def test_seed_only_option_replaces_on_request(tmp_path, build_main):
    _rich_processed(tmp_path)
    empty = tmp_path / "leeg"
    empty.mkdir()
    rc, out, err = build_main("--seed-only", cbs_dir=empty)
    assert rc == 0, err
    assert "indicators" in out and "harmonise" in out  # one line per step
    codes = pd.read_parquet(tmp_path / "data" / "processed" / "actueel" / "indicators.parquet")["gemeentecode"]
    assert codes.nunique() < 399


def test_incomplete_cbs_dir_fails_loudly_and_writes_nothing(tmp_path, build_main):
    """One shared file present, the rest missing: a clear error naming the missing snapshot, old set kept."""
    before = _rich_processed(tmp_path)
    cbs = tmp_path / "half"
    (cbs / "cbs-sociaal-domein").mkdir(parents=True)
    shutil.copy(TABLES / "good.csv", cbs / "cbs-sociaal-domein" / "84134NED.csv")
    rc, out, err = build_main(cbs_dir=cbs)
    assert rc == 1 and "Traceback" not in err and "not found" in err
    assert (tmp_path / "data" / "processed" / "actueel" / "indicators.parquet").read_bytes() == before
