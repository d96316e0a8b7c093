"""Build ``data/processed/*.parquet`` as a declared list of steps (OWID ``etl`` style).

``python -m analyse.data build`` runs :func:`build`. Each :class:`Step` names its inputs and outputs and the
checks it makes on its outputs; :data:`STEPS` is the whole pipeline, in order (importing ``../shared/data`` into
the raw store, with a sha256 check of every snapshot, comes first):

=================  ==========================================  ===============================================
step               outputs                                     checks
=================  ==========================================  ===============================================
gemeenten          gemeenten, herindelingen                    columns present
indicators         indicators                                  catalogue ids and units; one preferred row per
                                                               (indicator, region, period)
lasten             lasten                                      columns present
cpi                cpi                                         columns present
harmonise          indicators_<jaar>                           0 published values of current gemeenten lost
regions            region_members_<jaar>                       a gemeente at most once per role
references         referenties_<jaar>                          unique keys
lasten_clusters    lasten_clusters                             columns present
boundaries         boundaries_<jaar>                           every gemeente of the indeling has a boundary
statistics         stat_<name>_<jaar> (batch statistics)       one preferred row per key (``analyse.batch``)
=================  ==========================================  ===============================================

Steps of the layers above the data (the batch statistics of :mod:`analyse.batch`) join the pipeline through the
entry point group ``analyse.build_steps`` (:func:`pipeline`), so this package never imports them.

``<jaar>`` is :data:`analyse.settings.REPORT_INDELINGSJAAR`. Raw snapshots already imported count when the
shared data directory is absent. Without any CBS snapshot the build is seed-only, and it refuses to replace a
richer processed set with a seed-only one unless ``seed_only=True`` (``--seed-only``) asks for it.

Generations: the tables are written into a new folder ``data/processed/generaties/<time>-<id>/`` (with
``build.json``, the manifest) and ``data/processed/actueel`` is then switched to it in one atomic step (a symlink
replaced by ``rename``). An
interrupted build (even ``kill -9``) leaves the previous generation in use, and a batch that pinned a generation
(:mod:`analyse.report.runner`) keeps reading it while a build runs; the three newest generations are kept. A
build that would lose most values of a column the previous generation had filled (fewer than half, of at least
50) fails and switches nothing, unless ``allow_loss`` (``--accept-loss``) or ``seed_only`` says so.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from analyse import atomic, paths
from analyse.data import boundaries, cbs_tables, derive, regionnames, seeds, sources
from analyse.data.catalogue import load_catalogue
from analyse.data.contract import PREFERRED_KEY, check_columns, empty_frame, validate
from analyse.data.cpi import build_cpi
from analyse.data.gemeenten_build import COLUMNS as GEMEENTEN_COLUMNS
from analyse.data.gemeenten_build import build_gemeenten, read_grenswijziging
from analyse.data.iv3 import build_lasten, cluster_lasten
from analyse.errors import DataIntegrityError, DataNotAvailableError
from analyse.settings import REPORT_INDELINGSJAAR

log = logging.getLogger(__name__)

HERINDELINGEN_COLUMNS = ["oude_code", "oude_naam", "nieuwe_code", "nieuwe_naam", "datum", "jaar", "bron"]
LASTEN_COLUMNS = ["gemeentecode", "jaar", "soort", "taakveld", "taakveld_bron", "lasten_eur", "inwoners"]
CPI_COLUMNS = ["jaar", "cpi_index", "cpi_mutatie", "bron"]
HARMONISED = f"indicators_{REPORT_INDELINGSJAAR}"
SPLIT_SHARE_VARIANT = "woonfunctie_incl_toevoeging"
"""Variant of the grenswijziging matrices whose address counts give the shares of a split gemeente (dwellings:
the indicators are about people)."""
REFERENCES = f"referenties_{REPORT_INDELINGSJAAR}"
MEMBERSHIP = f"region_members_{REPORT_INDELINGSJAAR}"
BOUNDARIES = f"boundaries_{REPORT_INDELINGSJAAR}"


@dataclass
class BuildResult:
    """What the build wrote: table name -> (path, rows), per-step lines, notes and timing."""

    tables: dict[str, tuple[Path, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    seconds: float = 0.0
    gemeenten: int = 0
    periods: int = 0
    lost_values: int = 0
    seed_only: bool = False
    generation: str = ""


@dataclass
class Context:
    """Settings shared by the steps of one build."""

    raw_root: Path | None
    seeds_dir: Path | None
    catalogue: pd.DataFrame
    cbs_available: bool
    notes: list[str] = field(default_factory=list)


StepFn = Callable[[Context, dict[str, pd.DataFrame]], dict[str, pd.DataFrame]]
CheckFn = Callable[[Context, dict[str, pd.DataFrame]], str]


@dataclass(frozen=True)
class Step:
    """One build step: ``run`` turns the ``inputs`` tables into the ``outputs`` tables; each check returns a
    one-line summary or raises :class:`~analyse.errors.DataIntegrityError`."""

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    run: StepFn
    checks: tuple[CheckFn, ...] = ()
    needs_cbs: bool = False


def write_parquet_atomic(frame: pd.DataFrame, target: Path) -> Path:
    """Write ``frame`` to ``target`` atomically (see :mod:`analyse.atomic`)."""
    return atomic.atomic_write(target, lambda tmp: frame.to_parquet(tmp, index=False))


# ------------------------------------------------------------------------------------------ readers
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
        check_columns(frame, ["Gemeentenaam_1", "Codering_3", "Perioden"], str(path))
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
    derived = [cbs_tables.derive_per_inwoners(cbs, count, rate) for count, rate in cbs_tables.DERIVED_RATES]
    return pd.concat([cbs, *derived], ignore_index=True)


def check_catalogue_ids(indicators: pd.DataFrame, catalogue: pd.DataFrame) -> None:
    """Every indicator id must be in the catalogue with the same unit."""
    cat = catalogue.set_index("id")["unit"]
    unknown = sorted(set(indicators["indicator_id"]) - set(cat.index))
    if unknown:
        raise DataIntegrityError(f"indicator ids not in analyse/data/catalogue/*.yml: {unknown}")
    pairs = indicators[["indicator_id", "unit"]].drop_duplicates()
    bad = pairs[pairs["unit"] != pairs["indicator_id"].map(cat)]
    if len(bad):
        raise DataIntegrityError(f"unit differs from the catalogue: {bad.to_dict('records')}")


def preferred_indicators(indicators: pd.DataFrame, gemeenten: pd.DataFrame | None = None) -> pd.DataFrame:
    """The processed ``indicators`` table: real denominators, then one preferred row per key (source kept)."""
    full = validate(indicators, "indicators")
    return derive.select_preferred(derive.real_denominators(full, gemeenten=gemeenten))


# ------------------------------------------------------------------------------------------ step functions
def _raw(ctx: Context, tid: str, fn: str | None = None) -> Path:
    return sources.raw_file(tid, fn, ctx.raw_root)


def step_indicators(ctx: Context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """CBS tables (when snapshots exist) + seed figures -> ``indicators`` (one preferred row per key)."""
    cbs = read_cbs(ctx.raw_root, ctx.catalogue) if ctx.cbs_available else empty_frame()
    both = validate(pd.concat([cbs, seeds.read_seeds(ctx.seeds_dir)], ignore_index=True), "indicators")
    preferred = preferred_indicators(both, tables.get("gemeenten"))
    if len(both) > len(preferred):
        ctx.notes.append(f"indicators: {len(both) - len(preferred):,d} rows of a less preferred table for the same "
                         "indicator, region and period left out (registry order)")
    return {"indicators": preferred}


def step_gemeenten(ctx: Context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Gemeente list per indelingsjaar with regions, and the herindelingen (seed list without CBS data)."""
    if not ctx.cbs_available:
        seed_gem = seeds.read_seed_gemeenten(ctx.seeds_dir)
        if seed_gem is None:
            seed_gem = pd.DataFrame(columns=GEMEENTEN_COLUMNS)
        empty = pd.DataFrame(columns=HERINDELINGEN_COLUMNS).astype({"jaar": "int64"})  # typed like a real one
        return {"gemeenten": seed_gem, "herindelingen": empty}

    gem, her = build_gemeenten(
        _raw(ctx, "iv3-gemeenten"), _raw(ctx, "83287NED", "gemeente_regios_2016.csv"),
        _raw(ctx, "herindelingen-tot-2018"), _raw(ctx, "grenswijziging-2016-2024"), _raw(ctx, "ggd-2021"),
        _raw(ctx, "corop-2024"), _raw(ctx, "iv3-inwoners"), _raw(ctx, "83287NED", "gemeente_regios_2016.csv").parent,
    )
    return {"gemeenten": gem, "herindelingen": her}


def step_lasten(ctx: Context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Iv3 lasten per gemeente, jaar, soort and taakveld."""
    if not ctx.cbs_available:
        return {"lasten": pd.DataFrame(columns=LASTEN_COLUMNS).astype(  # typed like a real one
            {"jaar": "int64", "lasten_eur": "float64", "inwoners": "float64"})}
    return {"lasten": build_lasten(_raw(ctx, "iv3-lasten"), _raw(ctx, "iv3-inwoners"))}


def step_cpi(ctx: Context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Consumer price index per year."""
    if not ctx.cbs_available:
        return {"cpi": pd.DataFrame(columns=CPI_COLUMNS).astype({"jaar": "int64", "cpi_index": "float64"})}
    return {"cpi": build_cpi(_raw(ctx, "cpi"))}


def step_harmonise(ctx: Context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``indicators`` in the report indeling (:func:`analyse.data.derive.harmonise`)."""
    shares = None
    if ctx.cbs_available:  # split gemeenten go to their successors by the published address shares (dwellings)
        matrices = read_grenswijziging(_raw(ctx, "grenswijziging-2016-2024"), variant=SPLIT_SHARE_VARIANT)
        shares = derive.split_shares(tables["herindelingen"], matrices)
    harmonised, notes = derive.harmonise(tables["indicators"], REPORT_INDELINGSJAAR, tables["herindelingen"],
                                         ctx.catalogue, with_notes=True, gemeenten=tables.get("gemeenten"),
                                         shares=shares)
    if len(notes):
        ctx.notes.append(f"{HARMONISED}: {len(notes)} groups of predecessors not re-aggregated, shown as marked "
                         f"gaps ({notes['reason'].value_counts().to_dict()})")
    n_split = 0 if shares is None else int(shares["oude_code"].nunique())
    ctx.notes.append(f"{HARMONISED}: {int(harmonised['harmonised'].sum()):,d} harmonised rows "
                     f"({int((harmonised['harmonised'] & harmonised['value'].isna()).sum()):,d} gaps), "
                     f"{int(harmonised['filled'].sum()):,d} periods filled from a lower-ranked table, "
                     f"{n_split} split gemeenten distributed by address shares")
    return {HARMONISED: harmonised}


def step_regions(ctx: Context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Members of every reference region in the report indeling."""
    gem = tables.get("gemeenten")
    if gem is None or gem.empty:
        return {MEMBERSHIP: pd.DataFrame(columns=derive.MEMBERSHIP_COLUMNS)}
    return {MEMBERSHIP: derive.region_membership_table(gem, REPORT_INDELINGSJAAR)}


def step_references(ctx: Context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Σteller/Σnoemer rows of every reference region where CBS publishes none (complete member sets only)."""
    members = tables[MEMBERSHIP].rename(columns={"region_code": "reference_code"})
    return {REFERENCES: derive.computed_reference_rows(tables[HARMONISED], members, ctx.catalogue)}


def step_boundaries(ctx: Context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Gemeente boundaries of the report indeling from the raw snapshots (checksum verified), simplified once."""
    snaps = [p for (tid, _), p in sources.available(ctx.raw_root).items() if tid == boundaries.TABLE_ID]
    if not snaps:
        ctx.notes.append(f"{BOUNDARIES}: no boundary snapshot in the raw store; reports show no map")
        return {BOUNDARIES: pd.DataFrame(columns=boundaries.COLUMNS)}
    chosen = boundaries.pick_file(snaps, REPORT_INDELINGSJAAR)
    path = sources.raw_file(boundaries.TABLE_ID, chosen.name, ctx.raw_root)  # verifies the sha256
    return {BOUNDARIES: boundaries.to_table(boundaries.read_geojson(path))}


def check_boundaries(ctx: Context, tables: dict[str, pd.DataFrame]) -> str:
    """How many gemeenten of the report indeling have a boundary (a missing one is a note: no map for it)."""
    geo, gem = tables[BOUNDARIES], tables.get("gemeenten")
    if geo.empty or gem is None:
        return "no boundaries"
    current = set(gem.loc[gem["indelingsjaar"] == REPORT_INDELINGSJAAR, "gemeentecode"].astype(str))
    missing = sorted(current - set(geo["gemeentecode"].astype(str)))
    if missing:
        ctx.notes.append(f"{BOUNDARIES}: {len(missing)} gemeenten without a boundary (no map), e.g. {missing[:3]}")
    return f"{len(current) - len(missing)} of {len(current)} gemeenten with a boundary"


def step_lasten_clusters(ctx: Context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Iv3 lasten per cluster (:func:`analyse.data.iv3.cluster_lasten`)."""
    return {"lasten_clusters": cluster_lasten(tables["lasten"])}


# ------------------------------------------------------------------------------------------ checks
def check_indicators(ctx: Context, tables: dict[str, pd.DataFrame]) -> str:
    """Catalogue ids/units and one preferred row per (indicator, region, period)."""
    ind = tables["indicators"]
    check_catalogue_ids(ind, ctx.catalogue)
    validate(ind, "indicators", key=PREFERRED_KEY)
    gm = ind["gemeentecode"].str.startswith("GM")
    return (f"{ind['indicator_id'].nunique()} indicators, {ind.loc[gm, 'gemeentecode'].nunique()} gemeenten, "
            f"{int(ind['rounded'].sum()):,d} rows from rounded rates")


def check_lost(ctx: Context, tables: dict[str, pd.DataFrame]) -> str:
    """0 published values of current gemeenten may be missing from the harmonised table."""
    lost = derive.lost_published_values(tables["indicators"], tables[HARMONISED], tables["herindelingen"],
                                        REPORT_INDELINGSJAAR)
    if len(lost):
        raise DataIntegrityError(
            f"{HARMONISED}: {len(lost)} published values of current gemeenten did not reach the harmonised table, "
            f"e.g. {lost.head(5).to_dict('records')}")
    return "0 published values lost"


def check_regions(ctx: Context, tables: dict[str, pd.DataFrame]) -> str:
    """Every gemeente of the report indeling is in each role at most once."""
    table = tables[MEMBERSHIP]
    dup = table.duplicated(["role", "gemeentecode"])
    if dup.any():
        raise DataIntegrityError(f"{MEMBERSHIP}: gemeenten in two regions of one role: "
                                 f"{table[dup].head(3).to_dict('records')}")
    return f"{table['region_code'].nunique()} regions"


def check_unique(name: str, key: list[str]) -> CheckFn:
    """A check that ``name`` is unique on ``key``."""
    def check(ctx: Context, tables: dict[str, pd.DataFrame]) -> str:
        validate(tables[name], name, key=key)
        return f"unique on {', '.join(key)}"
    check.__doc__ = f"{name} unique on {key}"
    return check


def check_has_columns(name: str, columns: list[str]) -> CheckFn:
    """A check that ``name`` has ``columns``."""
    def check(ctx: Context, tables: dict[str, pd.DataFrame]) -> str:
        check_columns(tables[name], columns, name)
        return "columns ok"
    return check


STEPS: tuple[Step, ...] = (
    Step("gemeenten", ("raw gemeentelijsten",), ("gemeenten", "herindelingen"), step_gemeenten,
         (check_has_columns("herindelingen", HERINDELINGEN_COLUMNS),)),
    Step("indicators", ("raw CBS tables", "seeds", "gemeenten"), ("indicators",), step_indicators,
         (check_indicators,)),
    Step("lasten", ("raw iv3",), ("lasten",), step_lasten, (check_has_columns("lasten", LASTEN_COLUMNS),)),
    Step("cpi", ("raw cpi",), ("cpi",), step_cpi, (check_has_columns("cpi", CPI_COLUMNS),)),
    Step("harmonise", ("indicators", "herindelingen", "gemeenten"), (HARMONISED,), step_harmonise,
         (check_lost,)),
    Step("regions", ("gemeenten",), (MEMBERSHIP,), step_regions, (check_regions,)),
    Step("references", (HARMONISED, MEMBERSHIP), (REFERENCES,), step_references,
         (check_unique(REFERENCES, PREFERRED_KEY),)),
    Step("lasten_clusters", ("lasten",), ("lasten_clusters",), step_lasten_clusters,
         (check_has_columns("lasten_clusters", ["gemeentecode", "jaar", "soort", "cluster", "lasten_eur"]),)),
    Step("boundaries", ("raw gemeentegrenzen", "gemeenten"), (BOUNDARIES,), step_boundaries, (check_boundaries,)),
)
"""The data steps of the build pipeline, in order (see the module docstring)."""

STEP_GROUP = "analyse.build_steps"
"""Entry point group of build steps declared by the layers above the data (each returns a tuple of steps)."""


def pipeline() -> tuple[Step, ...]:
    """:data:`STEPS` followed by the steps of the entry point group :data:`STEP_GROUP` (sorted by name)."""
    extra: list[Step] = []
    for ep in sorted(entry_points(group=STEP_GROUP), key=lambda e: e.name):
        extra.extend(ep.load()())
    return STEPS + tuple(extra)


def run_steps(steps: tuple[Step, ...], ctx: Context, tables: dict[str, pd.DataFrame] | None = None,
              lines: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Run ``steps`` in order; each step sees the tables made so far and adds its outputs.

    Raises:
        DataIntegrityError: a step's output misses a declared table or a check fails (names the step).
    """
    tables = dict(tables or {})
    for step in steps:
        start = time.perf_counter()
        missing_inputs = [n for n in step.inputs if n in {o for s in steps for o in s.outputs} and n not in tables]
        if missing_inputs:
            raise DataIntegrityError(f"build step {step.name}: inputs {missing_inputs} were not made")
        made = step.run(ctx, tables)
        absent = [n for n in step.outputs if n not in made]
        if absent:
            raise DataIntegrityError(f"build step {step.name} did not make {absent}")
        tables.update(made)
        summaries = []
        for check in step.checks:
            try:
                summaries.append(check(ctx, tables))
            except DataIntegrityError as exc:
                raise DataIntegrityError(f"build step {step.name}: check failed: {exc}") from exc
        rows = ", ".join(f"{n} {len(made[n]):,d} rows" for n in step.outputs if n in made)
        line = f"{step.name:16s} {rows}; {'; '.join(summaries) or 'no checks'} ({time.perf_counter() - start:.1f} s)"
        log.info(line)
        if lines is not None:
            lines.append(line)
    return tables


# ------------------------------------------------------------------------------------------ guards
def _has_cbs_snapshots(raw_root: Path | None) -> bool:
    """True when the raw store holds the snapshots the full build needs (imported earlier)."""
    avail = sources.available(raw_root)
    needed = {("iv3-gemeenten", sources.get("iv3-gemeenten").filename), ("84134NED", "84134NED.csv")}
    return needed <= set(avail)


def _existing_gemeenten(processed_dir: Path) -> int:
    path = processed_dir / "indicators.parquet"
    if not path.exists():
        return 0
    try:
        codes = pd.read_parquet(path, columns=["gemeentecode"])["gemeentecode"].astype(str)
    except Exception:  # noqa: BLE001 - an unreadable old table is no richer set to protect
        return 0
    return int(codes[codes.str.startswith("GM")].nunique())


def build(processed_dir: Path | None = None, cbs_root: Path | None = None, raw_root: Path | None = None,
          seeds_dir: Path | None = None, use_shared: bool = True, seed_only: bool = False,
          steps: tuple[Step, ...] | None = None, allow_loss: bool = False) -> BuildResult:
    """Import and build all processed tables.

    Args:
        processed_dir: output directory (default ``data/processed``).
        cbs_root: shared data (default :func:`analyse.paths.cbs_dir`; absent -> the raw snapshots already
            imported into ``data/raw/cbs``, and without those the seed figures only).
        raw_root: raw store (default ``data/raw/cbs``).
        seeds_dir: seed figures (default ``data/raw/seeds``).
        use_shared: ``False`` skips importing the shared directory (snapshots already imported still count).
        seed_only: build from the seed figures only, even over a richer processed set (``--seed-only``).
        steps: the pipeline (default :func:`pipeline`: the data steps and the batch statistics).
        allow_loss: accept a build that loses most values of a column the previous generation had filled.

    Returns:
        A :class:`BuildResult`; ``steps`` holds one line per step.

    Raises:
        DataNotAvailableError: the build would replace a richer processed set with a seed-only one.
        DataIntegrityError: a step or one of its checks failed; nothing is written then.
    """
    start = time.perf_counter()
    result = BuildResult()
    processed_dir = Path(processed_dir or paths.PROCESSED_DIR)
    catalogue = load_catalogue()
    imported = sources.import_all(cbs_root, raw_root) if (use_shared and not seed_only) else {}
    cbs_available = not seed_only and (bool(imported) or _has_cbs_snapshots(raw_root))
    if not imported and cbs_available:
        result.notes.append("no shared data directory: built from the snapshots already in data/raw/cbs")
    if not cbs_available:
        result.seed_only = True
        existing = _existing_gemeenten(processed_dir)
        if existing > 1 and not seed_only:
            raise DataNotAvailableError(
                f"geen CBS-gegevens gevonden (ANALYSE_CBS_DIR, ../shared/data of data/raw/cbs), en "
                f"{processed_dir} bevat al gegevens van {existing} gemeenten: die worden niet vervangen door "
                "alleen de voorbeeldcijfers. Gebruik `python -m analyse.data build --seed-only` als dat de "
                "bedoeling is.")
        result.notes.append("no CBS data: built from data/raw/seeds only")
    ctx = Context(raw_root=raw_root, seeds_dir=seeds_dir, catalogue=catalogue, cbs_available=cbs_available,
                  notes=result.notes)
    tables = run_steps(steps if steps is not None else pipeline(), ctx, lines=result.steps)
    if not (seed_only or allow_loss):
        check_no_loss(tables, processed_dir)
    indicators = tables["indicators"]
    gm = indicators["gemeentecode"].str.startswith("GM")
    result.gemeenten = int(indicators.loc[gm, "gemeentecode"].nunique())
    result.periods = int(indicators["period"].nunique())
    gen_dir = new_generation(processed_dir)
    for name, frame in tables.items():
        write_parquet_atomic(frame, gen_dir / f"{name}.parquet")
        result.tables[name] = (processed_dir / f"{name}.parquet", len(frame))
    manifest = {"generation": gen_dir.name, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "seed_only": result.seed_only, "gemeenten": result.gemeenten,
                "tables": {n: len(f) for n, f in tables.items()}}
    atomic.write_text(gen_dir / "build.json", json.dumps(manifest, indent=1))
    switch_generation(processed_dir, gen_dir)
    result.generation = gen_dir.name
    prune_generations(processed_dir)
    result.seconds = time.perf_counter() - start
    return result


# ------------------------------------------------------------------------------------------ generations
GENERATIONS_DIR = "generaties"
"""Folder beside ``processed/`` holding one folder per data generation; ``processed`` is a link to one of them."""
KEEP_GENERATIONS = 3
"""Generations kept (the one in use and the newest others): a batch pinned to an older one keeps its tables."""
LOSS_SHARE = 0.5
LOSS_MIN_VALUES = 50


def generations_dir(processed_dir: Path) -> Path:
    """Where the generations of ``processed_dir`` live (``data/processed/generaties/`` for ``.../actueel``)."""
    return Path(processed_dir).parent / GENERATIONS_DIR


def new_generation(processed_dir: Path) -> Path:
    """A new, empty generation folder (name: UTC time plus a random suffix, so names sort by age)."""

    now = time.time_ns()
    stamp = time.strftime('%Y%m%dT%H%M%S', time.gmtime(now // 10**9))
    gen = generations_dir(processed_dir) / f"{stamp}.{now % 10**9:09d}-{uuid.uuid4().hex[:6]}"
    gen.mkdir(parents=True)
    return gen


def switch_generation(processed_dir: Path, gen_dir: Path) -> None:
    """Point ``processed_dir`` at ``gen_dir`` in one atomic step (a symlink replaced by ``rename``).

    A reader sees the old generation or the new one, never a mix; an interrupted build leaves the old link. An
    older ``processed/`` that is a real folder becomes a generation of its own first.
    """
    processed_dir = Path(processed_dir)
    if processed_dir.is_dir() and not processed_dir.is_symlink() and not any(processed_dir.glob("*.parquet")):

        shutil.rmtree(processed_dir)  # an empty placeholder (e.g. with a .gitkeep): nothing to keep
    if processed_dir.is_dir() and not processed_dir.is_symlink():
        legacy = generations_dir(processed_dir) / f"00000000T000000-{'eerder'}-{int(time.time())}"
        os.rename(processed_dir, legacy)
        os.symlink(os.path.relpath(legacy, processed_dir.parent), processed_dir)
    tmp = processed_dir.parent / f".{processed_dir.name}.{gen_dir.name}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(gen_dir, processed_dir.parent), tmp)
    os.replace(tmp, processed_dir)


def prune_generations(processed_dir: Path, keep: int = KEEP_GENERATIONS) -> list[Path]:
    """Remove generations beyond the ``keep`` newest (never the one in use); returns the removed folders."""

    folder = generations_dir(processed_dir)
    current = Path(processed_dir).resolve()
    gens = sorted((g for g in folder.iterdir() if g.is_dir() and not g.is_symlink()), key=lambda g: g.name)
    removed = []
    for g in gens[:-keep] if keep else gens:
        if g.resolve() != current:
            shutil.rmtree(g, ignore_errors=True)
            removed.append(g)
    return removed


def _filled_counts(path: Path) -> dict[str, int] | None:
    """Non-null values per column of a parquet file, from its metadata (no data read); ``None`` when unreadable."""

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception:  # noqa: BLE001 - an unreadable old table is nothing to protect
        return None
    counts: dict[str, int] = {}
    for rg in range(meta.num_row_groups):
        group = meta.row_group(rg)
        for c in range(group.num_columns):
            col = group.column(c)
            stats = col.statistics
            if stats is None or not stats.has_null_count:
                continue
            name = col.path_in_schema
            counts[name] = counts.get(name, 0) + group.num_rows - stats.null_count
    return counts


def check_no_loss(tables: dict[str, pd.DataFrame], processed_dir: Path, share: float = LOSS_SHARE,
                  minimum: int = LOSS_MIN_VALUES) -> None:
    """Refuse a build that loses most of a previously filled column (e.g. 4.369 values → 0 after a source change).

    Raises:
        DataIntegrityError: naming the table, the column and the counts; the old generation stays in use.
    """
    for name, frame in tables.items():
        old = _filled_counts(Path(processed_dir) / f"{name}.parquet")
        if not old:
            continue
        for column, before in old.items():
            if before < minimum or column not in frame.columns:
                continue
            after = int(frame[column].notna().sum())
            if after < share * before:
                raise DataIntegrityError(
                    f"build: tabel {name!r}, kolom {column!r} had {before:,d} waarden en zou er nu {after:,d} hebben; "
                    "de bron is waarschijnlijk veranderd. De vorige gegevens blijven in gebruik. Controleer de "
                    "brongegevens, of bouw bewust opnieuw met `python -m analyse.data build --accept-loss`."
                    .replace(",", "."))


__all__ = ["BuildResult", "STEPS", "Step", "build", "pipeline", "run_steps"]
