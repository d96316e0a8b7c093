"""Live loader for CBS StatLine tables through the OData v3 API.

``fetch_table("85099NED")`` downloads ``TypedDataSet`` (following ``odata.nextLink`` paging) and the
dimension lists (``DataProperties``, ``RegioS``, ``Perioden`` …), and replaces every dimension key by its
title (``"GM0531    "`` -> ``"Hendrik-Ido-Ambacht"``, ``"2023JJ00"`` -> ``"2023"``). The result has the same
shape as the dumped CSV files, so :func:`to_tidy` runs the very same registry-driven code path as the file
readers (:func:`analyse.data.cbs_tables.tidy_from_frame`).

``refresh`` writes the download to ``data/raw/cbs/<table>/<table>.csv`` with a sidecar (retrieval date, url,
sha256, status). An existing snapshot is never overwritten: when the new content differs, a dated snapshot
``<table>_<yyyy-mm-dd>.csv`` (``…_2.csv`` etc. if that exists too) is written next to it; switching the build to
it is a deliberate edit of ``file:`` in ``registry.yml``.

``cbsodata`` is used when importable and no session is given; otherwise plain ``requests``.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from analyse import atomic, paths
from analyse.data import cbs_tables, rawstore, regionnames
from analyse.errors import DataIntegrityError, DataNotAvailableError

log = logging.getLogger(__name__)

ODATA_BASE = "https://opendata.cbs.nl/ODataApi/odata"
DIMENSION_TYPES = {"Dimension", "GeoDimension", "TimeDimension", "GeoDetail"}
MAX_PAGES = 1000


def _get_json(session: Any, url: str) -> dict[str, Any]:
    try:
        resp = session.get(url, timeout=60)
        resp.raise_for_status()
        return resp.json()
    except Exception as exc:  # network, HTTP or JSON error
        raise DataNotAvailableError(f"CBS OData request failed for {url}: {exc}") from exc


def get_all(session: Any, url: str) -> list[dict[str, Any]]:
    """All ``value`` rows of an OData feed, following ``odata.nextLink``."""
    rows: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        payload = _get_json(session, url)
        if "value" not in payload:
            raise DataIntegrityError(f"{url}: OData response without 'value'")
        rows.extend(payload["value"])
        url = payload.get("odata.nextLink")
        if not url:
            return rows
    raise DataIntegrityError(f"more than {MAX_PAGES} pages at {url}")


def _session(session: Any | None) -> Any:
    if session is not None:
        return session
    import requests  # noqa: PLC0415 – requests/cbsodata only for a live CBS download

    return requests.Session()


def fetch_table(table: str, session: Any | None = None, base: str = ODATA_BASE) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Download a table; dimension keys replaced by titles, measures as strings.

    Args:
        table: CBS table id.
        session: object with ``get(url, timeout=…)`` returning a response (``requests.Session``); tests pass a fake.
        base: OData base URL.

    Returns:
        (frame, meta) where meta has ``url``, ``title`` (when known), ``keys`` (dimension key -> title maps).
    """
    if session is None:
        try:
            import cbsodata  # noqa: F401, PLC0415 – optional: only a live CBS download needs it
        except ImportError:
            pass
        else:
            return _fetch_cbsodata(table)
    session = _session(session)
    props = get_all(session, f"{base}/{table}/DataProperties")
    dims = [p["Key"] for p in props if p.get("Type") in DIMENSION_TYPES]
    keys = {d: {str(r["Key"]).strip(): r["Title"] for r in get_all(session, f"{base}/{table}/{d}")} for d in dims}
    url = f"{base}/{table}/TypedDataSet"
    frame = pd.DataFrame(get_all(session, url))
    if frame.empty:
        raise DataNotAvailableError(f"{table}: TypedDataSet is empty")
    frame = frame.assign(**{d: frame[d].astype(str).str.strip().map(keys[d]) for d in dims if d in frame})
    unknown = [d for d in dims if d in frame and frame[d].isna().any()]
    if unknown:
        raise DataIntegrityError(f"{table}: dimension keys without a title in {unknown}")
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    return frame, {"url": url, "keys": keys, "retrieved": dt.date.today().isoformat()}


def _fetch_cbsodata(table: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    import cbsodata  # noqa: PLC0415 – requests/cbsodata only for a live CBS download

    rows = cbsodata.get_data(table)
    frame = pd.DataFrame(rows)
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    frame = frame.apply(lambda s: s.str.strip())
    url = f"{ODATA_BASE}/{table}/TypedDataSet"
    return frame, {"url": url, "keys": {}, "retrieved": dt.date.today().isoformat()}


def to_tidy(table: str, frame: pd.DataFrame, lookup: regionnames.RegionLookup | None,
            catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tidy indicator rows from a fetched table, through the same registry code path as the file readers."""
    return cbs_tables.tidy_from_frame(frame, table, lookup, catalogue, where=f"{table} (OData)")


def _free_target(folder: Path, table: str, data: bytes) -> Path:
    """Snapshot path that never overwrites different content: ``<table>.csv``, else dated, else numbered."""
    first = folder / f"{table}.csv"
    candidates = [first, folder / f"{table}_{dt.date.today().isoformat()}.csv"]
    candidates += [folder / f"{table}_{dt.date.today().isoformat()}_{i}.csv" for i in range(2, 100)]
    for path in candidates:
        if not path.exists() or path.read_bytes() == data:
            return path
    raise DataIntegrityError(f"too many snapshots of {table} today in {folder}")


def refresh(table: str, raw_root: Path | None = None, session: Any | None = None,
            status: str = "gemengd") -> tuple[Path, pd.DataFrame]:
    """Download ``table`` into ``data/raw/cbs/<table>/`` with a provenance sidecar.

    Returns:
        (snapshot path, downloaded frame). Identical content is not written twice.
    """
    frame, meta = fetch_table(table, session)
    data = frame.to_csv(sep=";", index=False).encode("utf-8-sig")
    folder = Path(raw_root or paths.RAW_CBS_DIR) / table
    target = _free_target(folder, table, data)
    if target.exists():
        rawstore.verify(target)
        return target, frame
    atomic.write_bytes(target, data)
    prov = rawstore.Provenance(
        producer="CBS", table_id=table, title=meta.get("title", table), url=meta["url"], status=status,
        indelingsjaar="per periode", origin="CBS OData v3 (live)",
        notes="Downloaded with analyse.data.odata.refresh; dimension keys replaced by titles.",
    )
    prov.sha256 = rawstore.sha256_file(target)
    prov.size_bytes = target.stat().st_size
    prov.row_count = len(frame)
    prov.file = target.name
    rawstore.write_meta(target, prov.to_dict())
    log.info("%s: %d rows -> %s", table, len(frame), target)
    return target, frame
