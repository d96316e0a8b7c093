"""One provenance schema for every raw file (CBS snapshots, shared files, seed figures).

A raw file ``<file>`` has a sidecar ``<file>.meta.yml`` (modelled on OWID etl ``origin`` metadata). Its keys:
``producer, table_id, title, url, retrieved, status, sha256`` (required) and ``indelingsjaar, license, origin,
notes, row_count, size_bytes, file`` (optional); seed sidecars add ``document, section, page, columns,
transcribed, source``, kept in :attr:`Provenance.extra`. Older sidecars name the retrieval date
``date_accessed`` / ``retrieval_date`` / ``opgehaald`` or only ``transcribed``; :func:`read_sidecar` reads
all of them into :attr:`Provenance.retrieved`.

* :class:`Provenance` – the dataclass (written by :mod:`analyse.data.rawstore`, declared by
  :mod:`analyse.data.sources`).
* :func:`read_sidecar` – the one reader of a sidecar.
* :func:`list_snapshots` – every sidecar under ``data/raw`` as a frame (for the report's sources table).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analyse import paths
from analyse.errors import DataIntegrityError

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where installed (ten times faster than the pure-Python one; same results)."""

STATUSES = ("voorlopig", "nader voorlopig", "definitief", "gemengd", "onbekend")
REQUIRED_META = ("producer", "table_id", "title", "url", "retrieved", "sha256", "status")
DATE_KEYS = ("retrieved", "date_accessed", "retrieval_date", "opgehaald", "transcribed")
"""Keys that hold the retrieval date, in order of preference."""
SNAPSHOT_COLUMNS = ["table_id", "title", "url", "retrieved", "status", "sha256", "file"]
SUFFIX = ".meta.yml"


@dataclass
class Provenance:
    """Provenance of one raw file; written as (and read from) its ``.meta.yml`` sidecar."""

    producer: str
    table_id: str
    title: str
    url: str
    status: str = "onbekend"
    indelingsjaar: int | str | None = None
    retrieved: str = field(default_factory=lambda: dt.date.today().isoformat())
    license: str = "CC BY 4.0"
    origin: str = ""
    notes: Any = ""
    row_count: int | None = None
    sha256: str = ""
    size_bytes: int | None = None
    file: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The sidecar mapping (empty fields left out, ``extra`` keys merged in).

        Raises:
            ValueError: unknown status.
        """
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} not in {STATUSES}")
        out = {k: v for k, v in asdict(self).items() if k != "extra" and v not in (None, "")}
        return {**self.extra, **out}

    @property
    def retrieved_date(self) -> dt.date | None:
        """:attr:`retrieved` as a date (``None`` when absent or not an ISO date)."""
        return _as_date(self.retrieved)

    @classmethod
    def from_dict(cls, meta: dict[str, Any]) -> Provenance:
        """Build from a sidecar mapping; the first of :data:`DATE_KEYS` present becomes ``retrieved``."""
        names = {f.name for f in fields(cls)} - {"extra"}
        known = {k: v for k, v in meta.items() if k in names}
        date = next((meta[k] for k in DATE_KEYS if meta.get(k) not in (None, "")), None)
        known["retrieved"] = "" if date is None else str(date)
        for key in ("producer", "table_id", "title", "url"):
            known[key] = "" if known.get(key) is None else str(known.get(key))
        known["status"] = str(known.get("status") or "onbekend").strip().lower()
        return cls(**known, extra={k: v for k, v in meta.items() if k not in names})


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def sidecar_path(path: Path) -> Path:
    """Sidecar of a raw file (``<file>.meta.yml``); a sidecar path is returned unchanged."""
    path = Path(path)
    return path if path.name.endswith(SUFFIX) else path.with_name(path.name + SUFFIX)


def read_sidecar_mapping(path: Path) -> dict[str, Any]:
    """The raw sidecar mapping of a file (or of the sidecar itself), read with the safe loader.

    Raises:
        DataIntegrityError: sidecar missing, not valid YAML, or not a mapping.
    """
    mp = sidecar_path(path)
    if not mp.exists():
        raise DataIntegrityError(f"{mp.name.removesuffix(SUFFIX)} has no provenance sidecar {mp.name}")
    try:
        meta = yaml.load(mp.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataIntegrityError(f"sidecar {mp.name} cannot be read: {exc}") from exc
    if not isinstance(meta, dict):
        raise DataIntegrityError(f"sidecar {mp.name} does not hold a mapping")
    return meta


def read_sidecar(path: Path) -> Provenance:
    """The :class:`Provenance` of a raw file (pass the data file or its ``.meta.yml``).

    Raises:
        DataIntegrityError: sidecar missing or unreadable.
    """
    return Provenance.from_dict(read_sidecar_mapping(path))


def list_snapshots(raw_dir: Path | None = None) -> pd.DataFrame:
    """Every sidecar under ``raw_dir`` (default ``data/raw``: CBS snapshots and seeds) whose file exists.

    Unreadable sidecars are skipped (the build's checksum verification reports them).

    Returns:
        Columns :data:`SNAPSHOT_COLUMNS`: table_id, title, url, retrieved (``datetime.date`` or None), status,
        sha256, file (file name); sorted by table_id and file. Empty frame with these columns without sidecars.
    """
    raw_dir = Path(raw_dir or paths.RAW_DIR)
    rows = []
    for mp in sorted(raw_dir.rglob(f"*{SUFFIX}")) if raw_dir.is_dir() else []:
        target = mp.with_name(mp.name.removesuffix(SUFFIX))
        if not target.exists():
            continue
        try:
            prov = read_sidecar(mp)
        except DataIntegrityError:
            continue
        rows.append({"table_id": prov.table_id, "title": prov.title, "url": prov.url,
                     "retrieved": prov.retrieved_date, "status": prov.status, "sha256": prov.sha256,
                     "file": target.name})
    return pd.DataFrame(rows, columns=SNAPSHOT_COLUMNS).sort_values(["table_id", "file"]).reset_index(drop=True)
