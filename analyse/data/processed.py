"""The one reader of ``data/processed``: cached tables and harmonised views for notebooks and the runner.

Every table is read once per process and kept until its parquet file changes (the cache key is the file's
modification time and size), so a warm report kernel reads the data once for a whole batch, and a rebuilt
``data/processed`` is picked up without restarting anything.

- :func:`table` reads any processed table by name; a missing or unreadable table is a
  :class:`~analyse.errors.DataNotAvailableError` / :class:`~analyse.errors.DataIntegrityError` naming the file
  and what to do, never an empty frame that would read as "no data for this gemeente".
- :func:`catalogue`, :func:`indicators`, :func:`harmonised`, :func:`reference_rows`, :func:`cost_clusters`,
  :func:`lasten`, :func:`cpi`, :func:`region_members`: the tables the report and the notebooks use.
- :func:`boundaries` (the map's gemeente boundaries) and :func:`statistics` (the batch statistics of
  :mod:`analyse.batch`), both stored by the build per indelingsjaar.
- :func:`checksums` and :func:`fingerprint` describe the processed set (colofon, up-to-date checks).
- :func:`preload` loads what a report reads (run once per warm kernel).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from analyse import paths
from analyse.data import contract as ind
from analyse.data.boundaries import from_table
from analyse.data.build import CPI_COLUMNS, HERINDELINGEN_COLUMNS, LASTEN_COLUMNS
from analyse.data.catalogue import load_catalogue
from analyse.data.derive import harmonise
from analyse.data.gemeenten_build import COLUMNS as GEMEENTEN_COLUMNS
from analyse.data.iv3 import cluster_lasten
from analyse.errors import ContractError, DataIntegrityError, DataNotAvailableError
from analyse.settings import REPORT_INDELINGSJAAR

BASE_TABLES = ("indicators", "gemeenten", "herindelingen", "lasten", "cpi")
"""Tables written by the import steps of ``python -m analyse.data build``."""


def _stamp(path: Path) -> tuple[float, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime, st.st_size)


def _missing(name: str) -> DataNotAvailableError:
    return DataNotAvailableError(
        f"De verwerkte tabel {name!r} ontbreekt (data/processed/{name}.parquet). Bouw de gegevens opnieuw met "
        f"'make data' (python -m analyse.data build). (processed table {name!r} is missing)")


@functools.lru_cache(maxsize=32)
def _read(path: str, stamp: tuple[float, int]) -> pd.DataFrame:
    name = Path(path).stem
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 – pyarrow raises several types for a damaged file
        raise DataIntegrityError(
            f"De verwerkte tabel {name!r} is beschadigd en kan niet worden gelezen ({type(exc).__name__}). Bouw de "
            f"gegevens opnieuw met 'make data'. (corrupt parquet file data/processed/{name}.parquet)") from exc
    check_contract(name, frame)
    return frame


# ------------------------------------------------------------------------------------------ contracts
@dataclass(frozen=True)
class TableContract:
    """What a processed table must hold: columns, which of them are numbers, a unique key, rows or not."""

    columns: tuple[str, ...]
    numeric: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    may_be_empty: bool = False


def _contracts() -> dict[str, TableContract]:

    indicators = TableContract(tuple(ind.REQUIRED_COLUMNS), ("value", "numerator", "denominator"), tuple(ind.KEY))
    jaar = REPORT_INDELINGSJAAR
    return {
        "indicators": indicators,
        f"indicators_{jaar}": indicators,
        f"referenties_{jaar}": TableContract(indicators.columns, indicators.numeric, tuple(ind.PREFERRED_KEY), True),
        "gemeenten": TableContract(tuple(GEMEENTEN_COLUMNS), ("indelingsjaar",), ("gemeentecode", "indelingsjaar")),
        "herindelingen": TableContract(tuple(HERINDELINGEN_COLUMNS), ("jaar",), may_be_empty=True),
        "lasten": TableContract(tuple(LASTEN_COLUMNS), ("jaar", "lasten_eur", "inwoners"), tuple(LASTEN_COLUMNS)),
        "cpi": TableContract(tuple(CPI_COLUMNS), ("jaar", "cpi_index"), ("jaar",)),
        f"region_members_{jaar}": TableContract(("role", "region_code", "gemeentecode"), (),
                                                ("role", "region_code", "gemeentecode")),
        "lasten_clusters": TableContract(("gemeentecode", "jaar", "soort", "cluster", "lasten_eur"),
                                         ("jaar", "lasten_eur"), ("gemeentecode", "jaar", "soort", "cluster")),
    }


CONTRACTS: dict[str, TableContract] = {}
"""Table name → :class:`TableContract` (filled on first use; ``docs/contracts.md`` describes the tables)."""


def contract_for(name: str) -> TableContract | None:
    """The contract of processed table ``name`` (``None`` for tables without one)."""
    if not CONTRACTS:
        CONTRACTS.update(_contracts())
    return CONTRACTS.get(name)


def contract_problem(name: str, frame: pd.DataFrame) -> str | None:
    """What is wrong with ``frame`` as processed table ``name`` (one Dutch phrase), or ``None``."""
    spec = contract_for(name)
    if spec is None:
        return None
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        return f"kolom {', '.join(repr(c) for c in missing)} ontbreekt (hernoemd of weggelaten?)"
    text = [c for c in spec.numeric if not (pd.api.types.is_numeric_dtype(frame[c]) and
                                            not pd.api.types.is_bool_dtype(frame[c]))]
    if text:
        return f"kolom {', '.join(repr(c) for c in text)} bevat tekst in plaats van getallen"
    if len(frame) == 0 and not spec.may_be_empty and not _empty_by_design(name):
        return "de tabel heeft 0 rijen"
    if spec.key and len(frame):
        dupes = int(frame.duplicated(list(spec.key)).sum())
        if dupes:
            shown = f"{dupes:,d}".replace(",", ".")
            return f"{shown} dubbele rijen (sleutel {', '.join(spec.key)})"
    return None


def check_contract(name: str, frame: pd.DataFrame) -> None:
    """Raise :class:`~analyse.errors.ContractError` (one line: table, problem, ``make data``) when ``frame`` does
    not meet the contract of processed table ``name``."""
    problem = contract_problem(name, frame)
    if problem:
        raise ContractError(name, problem)


def check_processed(names: tuple[str, ...] = BASE_TABLES, folder: Path | None = None) -> None:
    """Check that the processed tables ``names`` exist and meet their contract (read from the parquet schema and
    row count, without reading the data): run once by the batch runner before any work.

    Raises:
        DataNotAvailableError: a table is missing (e.g. a deleted ``cpi.parquet``).
        ContractError: a table has no rows, misses a column or holds text in a number column.
    """

    folder = Path(folder) if folder is not None else paths.PROCESSED_DIR
    for name in names:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise _missing(name)
        try:
            meta = pq.ParquetFile(path)
            schema = meta.schema_arrow
            rows = meta.metadata.num_rows
        except Exception as exc:  # noqa: BLE001
            raise DataIntegrityError(f"De verwerkte tabel {name!r} is beschadigd en kan niet worden gelezen "
                                     f"({type(exc).__name__}). Bouw de gegevens opnieuw met 'make data'.") from exc
        empty = pd.DataFrame({f.name: pd.Series(dtype=f.type.to_pandas_dtype()) for f in schema
                              if _has_pandas_dtype(f.type)})
        for f in schema:
            if f.name not in empty.columns:
                empty[f.name] = pd.Series(dtype=object)
        spec = contract_for(name)
        if spec is not None and rows == 0 and not spec.may_be_empty and not _empty_by_design(name, folder):
            raise ContractError(name, "de tabel heeft 0 rijen")
        problem = contract_problem(name, empty.iloc[0:0]) if spec is not None else None
        if problem and "0 rijen" not in problem:
            raise ContractError(name, problem)


SEED_ONLY_EMPTY = ("lasten", "cpi", "lasten_clusters", "herindelingen")
"""Tables a seed-only build (no CBS data) writes empty on purpose: Iv3, CPI and herindelingen come only from CBS."""


def _empty_by_design(name: str, folder: Path | None = None) -> bool:
    """Whether ``name`` may be empty because the generation in use was built from the seed figures only."""
    return name in SEED_ONLY_EMPTY and bool(generation_info(folder).get("seed_only"))


def _has_pandas_dtype(arrow_type: object) -> bool:
    try:
        arrow_type.to_pandas_dtype()  # type: ignore[attr-defined]
        return True
    except (NotImplementedError, AttributeError, TypeError):
        return False


def generation_info(folder: Path | None = None) -> dict[str, object]:
    """The build manifest of the processed data in use (``build.json``: generation id, time, seed-only, counts);
    an empty dict for data built before generations existed."""

    folder = Path(folder) if folder is not None else paths.PROCESSED_DIR
    try:
        return json.loads((folder / GENERATION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


GENERATION_FILE = "build.json"
"""Manifest written by the build into every data generation."""


def exists(name: str) -> bool:
    """Whether ``data/processed/<name>.parquet`` exists."""
    return _stamp(paths.processed(name)) is not None


def table(name: str) -> pd.DataFrame:
    """A processed table by name (cached per process until the file changes).

    The returned frame is shared between callers: treat it as read-only (every function of the package
    returns new frames and never changes its inputs).

    Raises:
        DataNotAvailableError: the table was never built or was deleted.
        DataIntegrityError: the file is damaged.
    """
    path = paths.processed(name)
    stamp = _stamp(path)
    if stamp is None:
        raise _missing(name)
    return _read(str(path), stamp)


def _derived(name: str, *inputs: str) -> pd.DataFrame | None:
    """A derived table when it exists, ``None`` when the build made none (e.g. another indelingsjaar).

    Raises:
        DataIntegrityError: the derived table is older than one of its inputs (stale: rebuilt inputs without it);
            it is never silently recomputed or replaced by an empty frame.
    """
    stamp = _stamp(paths.processed(name))
    if stamp is None:
        return None
    newer = [i for i in inputs if (_stamp(paths.processed(i)) or (0.0, 0))[0] > stamp[0]]
    if newer:
        for i in newer:  # a damaged input is the problem to name first
            table(i)
        raise DataIntegrityError(
            f"De afgeleide tabel {name!r} is ouder dan {', '.join(map(repr, newer))} en dus verouderd. Bouw de "
            f"gegevens opnieuw met 'make data'. (stale derived table data/processed/{name}.parquet)")
    return table(name)


def catalogue() -> pd.DataFrame:
    """The indicator catalogue (definitions, units, polarity, kind) as one frame."""
    return _catalogue()


@functools.lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame:
    return load_catalogue()


def indicators() -> pd.DataFrame:
    """All indicator rows as published (``indicators.parquet``, see docs/contracts.md)."""
    return table("indicators")


def gemeenten() -> pd.DataFrame:
    """The gemeente registry per indelingsjaar (``gemeenten.parquet``)."""
    return table("gemeenten")


def herindelingen() -> pd.DataFrame:
    """Old → new gemeente codes (``herindelingen.parquet``)."""
    return table("herindelingen")


def lasten() -> pd.DataFrame:
    """Iv3 lasten per gemeente, jaar, soort and taakveld (``lasten.parquet``)."""
    return table("lasten")


def cpi() -> pd.DataFrame:
    """Consumer price index per year (``cpi.parquet``)."""
    return table("cpi")


@functools.lru_cache(maxsize=4)
def _harmonise(indelingsjaar: int, key: tuple) -> pd.DataFrame:
    return harmonise(indicators(), indelingsjaar, herindelingen(), catalogue(), gemeenten=gemeenten())


def harmonised(indelingsjaar: int = REPORT_INDELINGSJAAR) -> pd.DataFrame:
    """Indicators in the gemeentelijke indeling of ``indelingsjaar``.

    The derived table ``indicators_<jaar>`` of the build when it is current; otherwise (another indelingsjaar,
    or a stale derived table) computed from ``indicators`` and ``herindelingen`` and cached.
    """
    jaar = int(indelingsjaar)
    frame = _derived(f"indicators_{jaar}", "indicators", "herindelingen")
    if frame is not None:
        return frame
    key = tuple(_stamp(paths.processed(n)) for n in ("indicators", "herindelingen", "gemeenten"))
    return _harmonise(jaar, key)


def reference_rows(indelingsjaar: int = REPORT_INDELINGSJAAR) -> pd.DataFrame | None:
    """Σteller/Σnoemer rows of every reference region where CBS publishes none (``referenties_<jaar>``).

    ``None`` when the build made no such table for this indelingsjaar (callers compute what they need).
    """
    return _derived(f"referenties_{int(indelingsjaar)}", "indicators", "herindelingen", "gemeenten")


def region_members(indelingsjaar: int = REPORT_INDELINGSJAAR) -> pd.DataFrame | None:
    """Membership of every reference region in the indeling (role, region_code, gemeentecode) or ``None``."""
    return _derived(f"region_members_{int(indelingsjaar)}", "gemeenten")


@functools.lru_cache(maxsize=2)
def _clusters(key: tuple) -> pd.DataFrame:
    return cluster_lasten(lasten())


def cost_clusters() -> pd.DataFrame:
    """Iv3 lasten per sociaal-domein cluster (``lasten_clusters``, or computed from ``lasten``)."""
    frame = _derived("lasten_clusters", "lasten")
    if frame is not None:
        return frame
    return _clusters(_stamp(paths.processed("lasten")) or (0.0, 0))


def boundaries(indelingsjaar: int = REPORT_INDELINGSJAAR) -> pd.DataFrame | None:
    """Gemeente boundaries of the indeling (``boundaries_<jaar>``: gemeentecode, gemeentenaam, shapely geometry),
    ``None`` when the build made none for this indelingsjaar; an empty frame when no boundary file was imported."""
    frame = _derived(f"boundaries_{int(indelingsjaar)}", "gemeenten")
    if frame is None:
        return None
    return _boundaries(int(indelingsjaar), _stamp(paths.processed(f"boundaries_{int(indelingsjaar)}")))


@functools.lru_cache(maxsize=2)
def _boundaries(indelingsjaar: int, stamp: tuple | None) -> pd.DataFrame:
    return from_table(table(f"boundaries_{indelingsjaar}"))


STATISTICS = ("preferred", "dispersion", "variation", "membership", "totals", "rounding", "autocorrelation",
              "covariates", "spread", "funnel", "funnel_points")
"""The batch statistics the build stores per indelingsjaar (``stat_<name>_<jaar>``, made by ``analyse.batch``)."""


def statistics(indelingsjaar: int = REPORT_INDELINGSJAAR) -> dict[str, pd.DataFrame] | None:
    """The stored batch statistics of the indeling by name, ``None`` when the build made none for it.

    Raises:
        DataIntegrityError: a statistic is older than the tables it was computed from (run ``make data``).
        DataNotAvailableError: some statistics are missing (an interrupted build; run ``make data``).
    """
    jaar = int(indelingsjaar)
    names = [f"stat_{n}_{jaar}" for n in STATISTICS]
    present = [n for n in names if exists(n)]
    if not present:
        return None
    if len(present) < len(names):
        raise _missing(sorted(set(names) - set(present))[0])
    return {n: _derived(f"stat_{n}_{jaar}", "indicators", "herindelingen", "gemeenten") for n in STATISTICS}


def checksums() -> list[tuple[str, str]]:
    """``(file name, first 16 hex digits of sha256)`` of every processed table (for the colofon); the first entry
    names the data generation (``generatie <id>``, digest of its ``build.json``) when the build wrote one, so
    every page says which generation it was made from."""
    files = sorted(paths.PROCESSED_DIR.glob("*.parquet")) if paths.PROCESSED_DIR.is_dir() else []
    out = list(_checksums(tuple((str(f), _stamp(f)) for f in files)))
    manifest = paths.PROCESSED_DIR / GENERATION_FILE
    gen = generation_info().get("generation")
    if gen and manifest.is_file():
        out.insert(0, (f"generatie {gen}", hashlib.sha256(manifest.read_bytes()).hexdigest()[:16]))
    return out


@functools.lru_cache(maxsize=2)
def _checksums(files: tuple) -> tuple[tuple[str, str], ...]:
    out = []
    for name, _ in files:
        digest = hashlib.sha256(Path(name).read_bytes()).hexdigest()[:16]
        out.append((Path(name).name, digest))
    return tuple(out)


def fingerprint() -> dict[str, str]:
    """Name → sha256 prefix of the processed tables (changes when any table is rebuilt)."""
    return dict(checksums())


def preload(indelingsjaar: int = REPORT_INDELINGSJAAR) -> None:
    """Read everything a report needs into this process's caches (once per warm kernel).

    Raises whatever a missing or damaged table raises; a report started afterwards says the same in Dutch.
    """
    catalogue()
    harmonised(indelingsjaar)
    reference_rows(indelingsjaar)
    region_members(indelingsjaar)
    cost_clusters()
    cpi()
    gemeenten()
    boundaries(indelingsjaar)
    statistics(indelingsjaar)


def clear_cache() -> None:
    """Forget every cached table (tests; a changed file is picked up without this)."""
    for fn in (_read, _catalogue, _harmonise, _clusters, _checksums, _boundaries):
        fn.cache_clear()
