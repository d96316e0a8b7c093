"""Build ``data/processed/*.parquet``: import the shared sources, read them, write atomically.

``python -m analyse.data build`` runs :func:`build`. With ``../shared/data`` present it imports every declared
source (:mod:`analyse.data.sources`), reads the CBS tables through the registry (:mod:`analyse.data.cbs_tables`),
derives bijstand per 1.000 inwoners, appends the seed figures and calls the gemeente / Iv3 / CPI builders of
:mod:`analyse.data.gemeenten_build`, :mod:`analyse.data.iv3` and :mod:`analyse.data.cpi`. Without shared data
it writes the seed figures and the seed gemeente list only.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analyse import atomic, paths
from analyse.data import cbs_tables, regionnames, seeds, sources
from analyse.errors import DataIntegrityError
from analyse.indicators import load_catalogue

log = logging.getLogger(__name__)

HERINDELINGEN_COLUMNS = ["oude_code", "oude_naam", "nieuwe_code", "nieuwe_naam", "datum", "jaar", "bron"]
LASTEN_COLUMNS = ["gemeentecode", "jaar", "soort", "taakveld", "taakveld_bron", "lasten_eur", "inwoners"]
CPI_COLUMNS = ["jaar", "cpi_index", "cpi_mutatie", "bron"]


@dataclass
class BuildResult:
    """What the build wrote: table name -> (path, rows), plus notes and timing."""

    tables: dict[str, tuple[Path, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    gemeenten: int = 0
    periods: int = 0


def write_parquet_atomic(frame: pd.DataFrame, target: Path) -> Path:
    """Write ``frame`` to ``target`` atomically (see :mod:`analyse.atomic`)."""
    return atomic.atomic_write(target, lambda tmp: frame.to_parquet(tmp, index=False))


def region_lookup(raw_root: Path | None = None) -> regionnames.RegionLookup:
    """Region name lookup from the verified raw snapshots."""
    raw = lambda tid, fn=None: sources.raw_file(tid, fn, raw_root)  # noqa: E731
    return regionnames.build_lookup(
        raw("iv3-gemeenten"), raw("83287NED", "jeugdzorgregio_2016_namen.csv"), raw("corop-2024"),
        raw("83287NED", "arbeidsmarktregio_2016_namen.csv"),
    )


def crosscheck_codes(lookup: regionnames.RegionLookup, raw_root: Path | None = None) -> int:
    """Cross-check the name -> code mapping against the GM codes in 84421NED / 84908NED gemeente rows."""
    checked = 0
    for tid in ("84421NED", "84908NED"):
        path = sources.raw_file(tid, None, raw_root)
        frame = cbs_tables.read_csv_checked(path, tid, filtered=True)
        cbs_tables.check_columns(frame, ["Gemeentenaam_1", "Codering_3", "Perioden"], str(path))
        years = cbs_tables.parse_periods(frame["Perioden"])["year"]
        checked += regionnames.crosscheck(frame["Gemeentenaam_1"], frame["Codering_3"], years, lookup, tid)
    return checked


def read_cbs(raw_root: Path | None, catalogue: pd.DataFrame) -> pd.DataFrame:
    """All registered CBS tables present in the raw store, plus derived bijstand per 1.000 inwoners."""
    registry = cbs_tables.load_registry()
    lookup = region_lookup(raw_root)
    log.info("name -> code cross-check: %d pairs agree", crosscheck_codes(lookup, raw_root))
    files = {}
    for tid in registry["tables"]:
        src = sources.get(tid, registry["tables"][tid]["file"])
        if (Path(raw_root or paths.RAW_CBS_DIR) / tid / src.filename).exists():
            files[tid] = sources.raw_file(tid, src.filename, raw_root)
    cbs = cbs_tables.read_all(files, lookup, catalogue, registry)
    derived = cbs_tables.derive_per_inwoners(cbs, "bijstand_personen_aantal", "bijstand_tot_aow_per_1000")
    return pd.concat([cbs, derived], ignore_index=True)


def _other_tables(raw_root: Path | None, result: BuildResult) -> dict[str, pd.DataFrame]:
    """Call the other engineers' builders (guarded: a missing module is reported, not fatal)."""
    raw = lambda tid, fn=None: sources.raw_file(tid, fn, raw_root)  # noqa: E731
    out: dict[str, pd.DataFrame] = {}
    try:
        from analyse.data.gemeenten_build import build_gemeenten
    except ImportError as exc:
        result.notes.append(f"gemeenten/herindelingen not built: {exc}")
    else:
        out["gemeenten"], out["herindelingen"] = build_gemeenten(
            raw("iv3-gemeenten"), raw("83287NED", "gemeente_regios_2016.csv"), raw("herindelingen-tot-2018"),
            raw("grenswijziging-2016-2024"), raw("ggd-2021"), raw("corop-2024"), raw("iv3-inwoners"),
            raw("83287NED", "gemeente_regios_2016.csv").parent,
        )
    try:
        from analyse.data.iv3 import build_lasten
    except ImportError as exc:
        result.notes.append(f"lasten not built: {exc}")
    else:
        out["lasten"] = build_lasten(raw("iv3-lasten"), raw("iv3-inwoners"))
    try:
        from analyse.data.cpi import build_cpi
    except ImportError as exc:
        result.notes.append(f"cpi not built: {exc}")
    else:
        out["cpi"] = build_cpi(raw("cpi"))
    return out


def check_catalogue_ids(indicators: pd.DataFrame, catalogue: pd.DataFrame) -> None:
    """Every indicator id must be in the catalogue with the same unit."""
    cat = catalogue.set_index("id")["unit"]
    unknown = sorted(set(indicators["indicator_id"]) - set(cat.index))
    if unknown:
        raise DataIntegrityError(f"indicator ids not in analyse/catalogue/*.yml: {unknown}")
    pairs = indicators[["indicator_id", "unit"]].drop_duplicates()
    bad = pairs[pairs["unit"] != pairs["indicator_id"].map(cat)]
    if len(bad):
        raise DataIntegrityError(f"unit differs from the catalogue: {bad.to_dict('records')}")


REPORT_INDELINGSJAAR = 2024
"""Indelingsjaar of the reports by default (the template's parameter); its harmonised table is prebuilt."""


REGION_COLUMNS = ("provincie_code", "ggd_regio_code", "jeugdzorgregio_code", "arbeidsmarktregio_code", "corop_code")


def region_membership(gemeenten: pd.DataFrame, indelingsjaar: int) -> pd.DataFrame:
    """``reference_code, gemeentecode`` pairs of every region (and NL01) in ``indelingsjaar``."""
    year = gemeenten[gemeenten["indelingsjaar"].astype(int) == int(indelingsjaar)]
    parts = [year[["gemeentecode", col]].rename(columns={col: "reference_code"})
             for col in REGION_COLUMNS if col in year.columns]
    parts.append(year[["gemeentecode"]].assign(reference_code="NL01"))
    out = pd.concat(parts, ignore_index=True).dropna()
    return out[["reference_code", "gemeentecode"]].astype(str).drop_duplicates().reset_index(drop=True)


def derived_tables(tables: dict[str, pd.DataFrame], catalogue: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Tables every report needs, computed once here instead of once per report worker.

    - ``indicators_<REPORT_INDELINGSJAAR>``: :func:`analyse.indicators.harmonise` of the indicators to the
      report indeling (other indelingsjaren are harmonised on demand).
    - ``referenties_<REPORT_INDELINGSJAAR>``: Σteller/Σnoemer rows for every reference region (provincie,
      GGD-regio, jeugdzorgregio, arbeidsmarktregio, COROP, Nederland) where CBS publishes none
      (:func:`analyse.indicators.computed_reference_rows`; only complete member sets).
    - ``lasten_clusters``: :func:`analyse.kosten.cluster_lasten` of the Iv3 lasten.

    Both are pure functions of the other processed tables; the report layer checks they are not older than
    their inputs before using them.
    """
    from analyse import kosten
    from analyse.indicators import computed_reference_rows, harmonise

    out: dict[str, pd.DataFrame] = {}
    her = tables.get("herindelingen")
    if her is not None:
        harmonised = harmonise(tables["indicators"], REPORT_INDELINGSJAAR, her, catalogue)
        out[f"indicators_{REPORT_INDELINGSJAAR}"] = harmonised
        gem = tables.get("gemeenten")
        if gem is not None and len(gem):
            out[f"referenties_{REPORT_INDELINGSJAAR}"] = computed_reference_rows(
                harmonised, region_membership(gem, REPORT_INDELINGSJAAR), catalogue)
    lasten = tables.get("lasten")
    if lasten is not None and len(lasten):
        out["lasten_clusters"] = kosten.cluster_lasten(lasten)
    return out


def build(processed_dir: Path | None = None, cbs_root: Path | None = None, raw_root: Path | None = None,
          seeds_dir: Path | None = None, use_shared: bool = True) -> BuildResult:
    """Import and build all processed tables.

    Args:
        processed_dir: output directory (default ``data/processed``).
        cbs_root: shared data (default :func:`analyse.paths.cbs_dir`; absent -> seed figures only).
        raw_root: raw store (default ``data/raw/cbs``).
        seeds_dir: seed figures (default ``data/raw/seeds``).
        use_shared: ``False`` forces the seed-only build.

    Returns:
        A :class:`BuildResult`.
    """
    start = time.perf_counter()
    result = BuildResult()
    processed_dir = Path(processed_dir or paths.PROCESSED_DIR)
    catalogue = load_catalogue()
    imported = sources.import_all(cbs_root, raw_root) if use_shared else {}
    tables: dict[str, pd.DataFrame] = {}
    if imported:
        cbs = read_cbs(raw_root, catalogue)
        tables.update(_other_tables(raw_root, result))
    else:
        result.notes.append("no shared CBS data: built from data/raw/seeds only")
        cbs = cbs_tables.empty_frame()
        seed_gem = seeds.read_seed_gemeenten(seeds_dir)
        if seed_gem is not None:
            tables["gemeenten"] = seed_gem
        tables["herindelingen"] = pd.DataFrame(columns=HERINDELINGEN_COLUMNS)
        tables["lasten"] = pd.DataFrame(columns=LASTEN_COLUMNS)
        tables["cpi"] = pd.DataFrame(columns=CPI_COLUMNS)
    indicators = cbs_tables.validate(pd.concat([cbs, seeds.read_seeds(seeds_dir)], ignore_index=True))
    check_catalogue_ids(indicators, catalogue)
    indicators = indicators.sort_values(cbs_tables.KEY).reset_index(drop=True)
    tables = {"indicators": indicators, **tables}
    tables.update(derived_tables(tables, catalogue))
    for name, frame in tables.items():
        target = write_parquet_atomic(frame, processed_dir / f"{name}.parquet")
        result.tables[name] = (target, len(frame))
    gm = indicators["gemeentecode"].str.startswith("GM")
    result.gemeenten = int(indicators.loc[gm, "gemeentecode"].nunique())
    result.periods = int(indicators["period"].nunique())
    result.seconds = time.perf_counter() - start
    return result
