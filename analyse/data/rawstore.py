"""Immutable raw snapshots with provenance sidecars (modelled on OWID etl ``origin`` metadata).

A raw file lives at ``data/raw/cbs/<table-id>/<file>`` with ``<file>.meta.yml`` next to it. Importing is
idempotent: an identical file is left alone, a different file with the same name is a loud
:class:`~analyse.errors.DataIntegrityError` (raw data are never overwritten). Reading a raw file verifies its
sha256 against the sidecar first.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from analyse import atomic, paths
from analyse.data.provenance import (  # noqa: F401 (re-export)
    REQUIRED_META,
    STATUSES,
    Provenance,
    read_sidecar,
    read_sidecar_mapping,
    sidecar_path,
)
from analyse.errors import DataIntegrityError


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Return the hex sha256 of a file, streamed in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def meta_path(path: Path) -> Path:
    """Sidecar path for a raw file: ``<file>.meta.yml``."""
    return sidecar_path(path)


def _count_rows(path: Path) -> int | None:
    if path.suffix.lower() in {".csv", ".tsv", ".txt"}:
        with open(path, "rb") as fh:
            return max(sum(1 for _ in fh) - 1, 0)
    return None


def import_file(source: Path, prov: Provenance, raw_root: Path | None = None) -> Path:
    """Copy ``source`` into ``<raw_root>/<table_id>/`` with a provenance sidecar.

    Args:
        source: the file to snapshot (e.g. in ``../shared/data``).
        prov: provenance; ``sha256``, ``size_bytes``, ``row_count`` and ``file`` are filled in here.
        raw_root: defaults to ``data/raw/cbs``.

    Returns:
        Path of the raw snapshot.

    Raises:
        DataIntegrityError: a snapshot with the same name but different content already exists.
    """
    raw_root = raw_root or paths.RAW_CBS_DIR
    source = Path(source)
    if not source.is_file():
        raise DataIntegrityError(f"source file not found: {source}")
    target = raw_root / prov.table_id / source.name
    digest = sha256_file(source)
    if target.exists():
        existing = sha256_file(target)
        if existing != digest:
            raise DataIntegrityError(
                f"{target} already exists with sha256 {existing[:12]}…, but the source {source} has "
                f"{digest[:12]}…. Raw data are immutable: move the old snapshot away deliberately."
            )
        if meta_path(target).exists():
            verify(target)
            return target
    else:
        atomic.write_bytes(target, source.read_bytes())
    prov.sha256 = digest
    prov.size_bytes = target.stat().st_size
    prov.row_count = _count_rows(target)
    prov.file = target.name
    if not prov.origin:
        prov.origin = str(source)
    write_meta(target, prov.to_dict())
    return target


def write_meta(target: Path, meta: dict[str, Any]) -> Path:
    """Write a sidecar atomically (sorted, UTF-8)."""
    missing = [k for k in REQUIRED_META if k not in meta and not (k == "retrieved" and "date_accessed" in meta)]
    if missing:
        raise ValueError(f"sidecar for {target} misses {missing}")
    text = yaml.safe_dump(meta, sort_keys=True, allow_unicode=True)
    atomic.write_bytes(meta_path(target), text.encode("utf-8"))
    return meta_path(target)


def read_meta(path: Path) -> dict[str, Any]:
    """The sidecar mapping of a raw file (see :func:`analyse.data.provenance.read_sidecar` for the typed form)."""
    return read_sidecar_mapping(Path(path))


def verify(path: Path) -> dict[str, Any]:
    """Check a raw file against its sidecar's sha256; return the sidecar.

    Raises:
        DataIntegrityError: sidecar missing, or checksum mismatch (file changed or corrupt).
    """
    path = Path(path)
    meta = read_meta(path)
    expected = meta.get("sha256")
    if not expected:
        raise DataIntegrityError(f"sidecar of {path} has no sha256")
    actual = sha256_file(path)
    if actual != expected:
        raise DataIntegrityError(
            f"checksum mismatch for {path}: sidecar says {expected[:12]}…, file is {actual[:12]}…. "
            "The raw file was changed or is corrupt; re-import it from its source."
        )
    return meta
