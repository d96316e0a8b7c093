"""Reader for the figures transcribed from the seed documents (``data/raw/seeds/``).

Indicator tables are the files ``seed*-ind*.csv``: the columns of ``indicators.parquet`` plus ``label_document``
and ``bron_pagina``, each with a ``.meta.yml`` sidecar whose sha256 is verified before reading. The extra
columns stay in the raw file; :func:`read_seeds` returns the contract columns only.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from analyse import paths
from analyse.data import rawstore
from analyse.data.cbs_tables import to_number
from analyse.data.contract import REQUIRED_COLUMNS, check_columns, empty_frame, validate
from analyse.errors import DataIntegrityError

log = logging.getLogger(__name__)

SEED_GLOB = "seed*-ind*.csv"
EXTRA_COLUMNS = ("label_document", "bron_pagina")


def read_seed_file(path: Path) -> pd.DataFrame:
    """Read one seed indicator CSV after verifying its sidecar checksum.

    Returns:
        The validated rows with the contract columns.

    Raises:
        DataIntegrityError: missing sidecar, checksum mismatch, missing column, bad number or key.
    """
    path = Path(path)
    rawstore.verify(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataIntegrityError(f"cannot read seed file {path}: {exc}") from exc
    check_columns(frame, list(REQUIRED_COLUMNS) + list(EXTRA_COLUMNS), str(path))
    numbers = {c: to_number(frame[c], f"{path.name} column {c}") for c in ("value", "numerator", "denominator")}
    out = frame.assign(**numbers)[list(REQUIRED_COLUMNS)]
    out = out.assign(status=out["status"].replace("", "onbekend"))
    return validate(out, str(path))


def seed_files(seeds_dir: Path | None = None) -> list[Path]:
    """The seed indicator files, sorted."""
    return sorted(Path(seeds_dir or paths.SEEDS_DIR).glob(SEED_GLOB))


def read_seeds(seeds_dir: Path | None = None) -> pd.DataFrame:
    """All seed indicator tables concatenated (empty frame when there are none)."""
    parts = [read_seed_file(p) for p in seed_files(seeds_dir)]
    for p, part in zip(seed_files(seeds_dir), parts):
        log.info("seed file %s: %d rows", p.name, len(part))
    if not parts:
        return empty_frame()
    return validate(pd.concat(parts, ignore_index=True), "seed indicator files")


def read_seed_gemeenten(seeds_dir: Path | None = None) -> pd.DataFrame | None:
    """The seed gemeente list ``data/raw/seeds/gemeenten.csv`` (verified), or ``None`` when absent."""
    path = Path(seeds_dir or paths.SEEDS_DIR) / "gemeenten.csv"
    if not path.exists():
        return None
    rawstore.verify(path)
    frame = pd.read_csv(path, dtype={"gemeentecode": str, "provincie_code": str})
    return frame.assign(inwoners=pd.to_numeric(frame["inwoners"], errors="coerce").astype("float64"))
