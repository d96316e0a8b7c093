"""CPI series for deflating Iv3 lasten (``cpi.parquet``) and a deflator that refuses to extrapolate.

Source: ``cpi-yearly-small/pbix-inflatie-cbs.csv`` (yearly CPI change, matches CBS 83131NED), 2018-2023. CBS has
published the yearly CPI change for later years (2024: 3,3%, 2025: 3,3%); those are transcribed with their source in
``data/raw/cbs-cpi-jaarmutatie/<date>/`` (:data:`CPI_EXTENSION`, with a ``.meta.yml``) and appended when they follow
the main series without a gap (the ``bron`` column says which years come from the transcription). The source's
cumulated index applies year t's inflation at t (2019 = 100 × 1.026); we rebuild the index from the yearly changes so
that 2018 = 100 and index(t) = index(t-1) × (1 + mutatie(t)). The 2018 mutation (1.7 %) is kept as ``cpi_mutatie`` of
2018 but is not needed for the index.

Final signature: ``build_cpi(cpi_csv, extension="auto") -> DataFrame`` (jaar, cpi_index, cpi_mutatie, bron).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analyse import paths
from analyse.errors import AnalyseError, DataIntegrityError, DataNotAvailableError

BASE_YEAR = 2018
BRON = "CBS CPI jaarmutatie (83131NED) via pbix-inflatie-cbs.csv; index herberekend, 2018 = 100"
BRON_EXTENSION = "CBS CPI jaarmutatie (83131NED), overgenomen uit de CBS-jaarberichten; index herberekend, 2018 = 100"
CPI_EXTENSION: Path = paths.RAW_DIR / "cbs-cpi-jaarmutatie" / "2026-12-07" / "cpi-jaarmutatie-2024-2025.csv"
"""Transcribed yearly CPI changes after the shared series (source and quotes in its ``.meta.yml``)."""
COVERAGE_NOTE = "CPI beschikbaar voor 2018-2025; buiten die jaren wordt niet gedefleerd (geen extrapolatie)."


def read_extension(path: Path) -> pd.DataFrame:
    """The transcribed yearly CPI changes: jaar, cpi_mutatie (fraction).

    Raises:
        DataIntegrityError: missing columns, duplicate years or implausible changes.
    """
    raw = pd.read_csv(path)
    if {"jaar", "cpi_mutatie_pct"} - set(raw.columns):
        raise DataIntegrityError(f"{path}: kolommen jaar en cpi_mutatie_pct verwacht (CPI transcription)")
    out = pd.DataFrame({"jaar": raw["jaar"].astype(int), "cpi_mutatie": raw["cpi_mutatie_pct"].astype(float) / 100})
    if not out["jaar"].is_unique or not out["cpi_mutatie"].between(-0.05, 0.2).all():
        raise DataIntegrityError(f"{path}: dubbele jaren of onwaarschijnlijke CPI-mutatie")
    return out.sort_values("jaar").reset_index(drop=True)


def build_cpi(cpi_csv: Path, extension: Path | str | None = "auto") -> pd.DataFrame:
    """Build ``cpi.parquet``: jaar (int), cpi_index (2018 = 100), cpi_mutatie (fraction), bron.

    Args:
        cpi_csv: the shared yearly CPI file.
        extension: transcribed later years (:func:`read_extension`); ``"auto"`` = :data:`CPI_EXTENSION` when it
            exists. Its years after the main series are appended only when they follow it without a gap (a main
            series that ends earlier, e.g. a test fixture, is left as it is); years the main series has win.

    Raises:
        DataIntegrityError: missing columns, gaps in the years or implausible mutations.
    """
    raw = pd.read_csv(cpi_csv)
    need = {"Date", "yoy inflatie"}
    if need - set(raw.columns):
        raise DataIntegrityError(f"{cpi_csv}: missing columns {sorted(need - set(raw.columns))}")
    frame = pd.DataFrame({
        "jaar": pd.to_datetime(raw["Date"]).dt.year.astype(int),
        "cpi_mutatie": raw["yoy inflatie"].astype(float),
    }).sort_values("jaar").reset_index(drop=True)
    # sanity checks IN
    assert frame["jaar"].is_unique, f"{cpi_csv}: duplicate years"
    assert (frame["jaar"].diff().dropna() == 1).all(), f"{cpi_csv}: gap in years"
    assert frame["cpi_mutatie"].between(-0.05, 0.2).all(), f"{cpi_csv}: implausible yearly CPI change"
    if frame["jaar"].min() != BASE_YEAR:
        raise DataIntegrityError(f"{cpi_csv}: series must start in the base year {BASE_YEAR}")
    frame = frame.assign(bron=BRON)
    path = CPI_EXTENSION if extension == "auto" else extension
    if path is not None and Path(path).is_file():
        ext = read_extension(Path(path))
        ext = ext[ext["jaar"] > frame["jaar"].max()]
        if len(ext) and ext["jaar"].min() == frame["jaar"].max() + 1 and (ext["jaar"].diff().dropna() == 1).all():
            frame = pd.concat([frame, ext.assign(bron=BRON_EXTENSION)], ignore_index=True)
    index = 100 * (1 + frame["cpi_mutatie"]).where(frame["jaar"] > BASE_YEAR, 1.0).cumprod()
    out = frame.assign(cpi_index=index)[["jaar", "cpi_index", "cpi_mutatie", "bron"]]
    assert np.isclose(out.loc[out["jaar"] == BASE_YEAR, "cpi_index"].iloc[0], 100.0), "index base is not 100"
    return out


def cpi_index(cpi: pd.DataFrame | Mapping[int, float] | pd.Series | None) -> pd.Series:
    """The CPI as a Series year → index from the ``cpi`` table (jaar, cpi_index) or a mapping year → index.

    Raises:
        AnalyseError: a frame without the columns ``jaar`` and ``cpi_index``.
    """
    if cpi is None:
        return pd.Series(dtype=float)
    if isinstance(cpi, pd.DataFrame):
        if not {"jaar", "cpi_index"} <= set(cpi.columns):
            raise AnalyseError("cpi: verwacht de kolommen jaar en cpi_index (tabel cpi).")
        known = cpi.dropna(subset=["cpi_index"]).drop_duplicates("jaar")
        return pd.Series(known["cpi_index"].astype(float).to_numpy(), index=known["jaar"].astype(int).to_numpy())
    out = pd.Series(cpi, dtype=float).dropna()
    out.index = out.index.astype(int)
    return out


def price_factor(years: object, price_years: object, cpi: pd.DataFrame | Mapping[int, float] | pd.Series) \
        -> np.ndarray:
    """CPI(price year) / CPI(year) per amount: the one deflation rule (``real = nominal × factor``).

    ``years`` and ``price_years`` are ints or period strings (the first four characters are the year), one per
    amount or one for all. NaN where the CPI of either year is unknown; never extrapolated.
    """
    idx = cpi_index(cpi)
    y0, y1 = np.atleast_1d(np.asarray(years, dtype=object)), np.atleast_1d(np.asarray(price_years, dtype=object))
    shape = np.broadcast_shapes(y0.shape, y1.shape)

    def _years(x: np.ndarray) -> np.ndarray:
        arr = pd.Series(np.broadcast_to(x, shape).ravel()).astype("string").str.slice(0, 4)
        return pd.to_numeric(arr, errors="coerce").to_numpy(float)

    a, b = _years(y0), _years(y1)
    if not len(idx):
        return np.full(a.shape, np.nan)
    return idx.reindex(b).to_numpy(float) / idx.reindex(a).to_numpy(float)


def deflate(values: pd.Series, jaar: pd.Series, cpi: pd.DataFrame, to_year: int = BASE_YEAR,
            outside: str = "raise") -> pd.Series:
    """Express nominal ``values`` of year ``jaar`` in prices of ``to_year``.

    Args:
        values: nominal amounts.
        jaar: year of each amount (aligned with ``values``).
        cpi: :func:`build_cpi` output.
        to_year: price year (must be inside the CPI series).
        outside: ``"raise"`` (default) raises for a year outside the series; ``"nan"`` returns NaN there.
            Never extrapolates.

    Raises:
        DataNotAvailableError: a year (or ``to_year``) outside the CPI series and ``outside == "raise"``.
    """
    if outside not in ("raise", "nan"):
        raise ValueError(f"outside must be 'raise' or 'nan', not {outside!r}")
    index = cpi_index(cpi)
    first, last = int(index.index.min()), int(index.index.max())
    if int(to_year) not in index.index:
        raise DataNotAvailableError(f"Prijsjaar {to_year} valt buiten de CPI-reeks ({first}-{last}).")
    years = pd.to_numeric(jaar, errors="coerce")
    factor = pd.Series(price_factor(years.to_numpy(), int(to_year), index), index=years.index)
    missing = factor.isna()
    if missing.any() and outside == "raise":
        years = sorted(set(years[missing].dropna().astype(int)))
        raise DataNotAvailableError(f"Geen CPI voor {years}: de reeks loopt van {first} tot {last}; "
                                    f"bedragen buiten die jaren worden niet gedefleerd (geen extrapolatie).")
    return pd.to_numeric(values, errors="coerce").astype("float64") * factor
