"""Raw snapshots are immutable and carry provenance; reads verify checksums."""

import datetime as dt

import pytest
import yaml

from analyse.data import provenance, rawstore
from analyse.errors import DataIntegrityError


def _prov(**kw):
    base = dict(producer="CBS", table_id="99999NED", title="Testtabel", url="https://example.invalid/99999NED",
                status="definitief", indelingsjaar=2024)
    base.update(kw)
    return rawstore.Provenance(**base)


def test_import_writes_copy_and_sidecar(tmp_path):
    src = tmp_path / "src" / "t.csv"
    src.parent.mkdir()
    src.write_text("a;b\n1;2\n3;4\n", encoding="utf-8")
    target = rawstore.import_file(src, _prov(), raw_root=tmp_path / "raw")
    assert target == tmp_path / "raw" / "99999NED" / "t.csv"
    assert target.read_bytes() == src.read_bytes()
    meta = yaml.safe_load(rawstore.meta_path(target).read_text())
    assert meta["sha256"] == rawstore.sha256_file(src)
    assert meta["row_count"] == 2
    assert meta["status"] == "definitief"
    assert meta["table_id"] == "99999NED"


def test_import_is_idempotent(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("a\n1\n")
    t1 = rawstore.import_file(src, _prov(), raw_root=tmp_path / "raw")
    mtime = t1.stat().st_mtime_ns
    t2 = rawstore.import_file(src, _prov(), raw_root=tmp_path / "raw")
    assert t1 == t2 and t2.stat().st_mtime_ns == mtime


def test_changed_source_never_overwrites_raw(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("a\n1\n")
    target = rawstore.import_file(src, _prov(), raw_root=tmp_path / "raw")
    src.write_text("a\n2\n")
    with pytest.raises(DataIntegrityError, match="immutable"):
        rawstore.import_file(src, _prov(), raw_root=tmp_path / "raw")
    assert target.read_text() == "a\n1\n"


def test_verify_detects_checksum_mismatch(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("a\n1\n")
    target = rawstore.import_file(src, _prov(), raw_root=tmp_path / "raw")
    target.write_text("a\n1\n9\n")  # corrupted / edited raw file
    with pytest.raises(DataIntegrityError, match="checksum mismatch"):
        rawstore.verify(target)


def test_missing_sidecar_and_bad_status(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a\n")
    with pytest.raises(DataIntegrityError, match="no provenance sidecar"):
        rawstore.verify(f)
    with pytest.raises(ValueError, match="status"):
        _prov(status="bijna klaar").to_dict()


def test_list_snapshots(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("a\n1\n")
    rawstore.import_file(src, _prov(), raw_root=tmp_path / "raw")
    snaps = provenance.list_snapshots(tmp_path / "raw")
    assert snaps.columns.tolist() == provenance.SNAPSHOT_COLUMNS
    assert len(snaps) == 1 and snaps.loc[0, "title"] == "Testtabel" and snaps.loc[0, "file"] == "t.csv"
    assert snaps.loc[0, "retrieved"] == dt.date.today()


def test_read_sidecar_accepts_old_date_keys_and_keeps_extra_keys(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("a\n")
    (tmp_path / "s.csv.meta.yml").write_text(
        "producer: p\ntable_id: seed-x\ntitle: t\nurl: '-'\nsha256: abc\nstatus: Definitief\n"
        "transcribed: '2026-11-23'\ndate_accessed: '2025-01-02'\npage: p. 3\n")
    prov = provenance.read_sidecar(f)
    assert prov.retrieved_date == dt.date(2025, 1, 2)  # date_accessed before transcribed
    assert prov.status == "definitief" and prov.extra["page"] == "p. 3"
    assert provenance.read_sidecar(tmp_path / "s.csv.meta.yml") == prov
    (tmp_path / "s.csv.meta.yml").write_text("- not a mapping\n")
    with pytest.raises(DataIntegrityError, match="mapping"):
        provenance.read_sidecar(f)
    assert provenance.list_snapshots(tmp_path).empty  # unreadable sidecars are skipped
