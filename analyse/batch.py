"""Batch statistics: everything a report needs that depends only on the data generation, computed once.

The build (``python -m analyse.data build``) runs :data:`STEP` after the data steps (registered through the
``analyse.build_steps`` entry point, so :mod:`analyse.data` never imports the analysis modules) and stores the
results as ``data/processed/stat_<name>_<jaar>.parquet``. The report bundle (:mod:`analyse.bundle`) reads them;
tests on tiny frames call :func:`compute` directly. Every number here comes from the same library functions the
reports used to call per process, never from a copy:

=============  =====================================================================================
name           what (function)
=============  =====================================================================================
preferred      harmonised rows + computed region rows, one preferred table per key
               (:func:`analyse.indicators.select_preferred`)
dispersion     overdispersion per indicator (:func:`analyse.compare.estimate_dispersion`)
variation      real year-to-year variation τ² per indicator, size band and lag
               (:func:`analyse.variation.estimate_variation`)
membership     region_code → gemeentecode (:func:`analyse.references.registry_membership`)
totals         Σteller, Σnoemer per region, indicator and period (:func:`analyse.references.member_totals`)
rounding       published rounding per row from the source metadata (:func:`analyse.compare.rounding_steps`)
autocorrelation  pooled AR(1) ρ per indicator for trend and DiD intervals (:func:`analyse.trends.autocorrelation`)
covariates     peer covariates of every gemeente (:func:`analyse.peers.build_covariates`)
spread         min, q1, q3, max over all gemeenten and Nederland's value per indicator and period
funnel         funnel limits per share/rate indicator and yearly period (:func:`analyse.stats.funnel_limits`,
               additive random effects)
funnel_points  every gemeente's position in those funnels
=============  =====================================================================================
"""

from __future__ import annotations

import logging

import pandas as pd

from analyse import compare, indicators, peers, references, stats, trends, variation, vocab
from analyse.data import processed
from analyse.data.build import Context, Step, check_has_columns
from analyse.errors import AnalyseError, DataIntegrityError
from analyse.settings import REPORT_INDELINGSJAAR

log = logging.getLogger(__name__)

NAMES = processed.STATISTICS
"""The batch statistics, in the order :func:`compute` makes them (declared once, in :mod:`analyse.data.processed`)."""
FUNNEL_KINDS = ("share", "rate")


def table_name(name: str, indelingsjaar: int = REPORT_INDELINGSJAAR) -> str:
    """The processed table that stores statistic ``name`` (``stat_<name>_<jaar>``)."""
    return f"stat_{name}_{int(indelingsjaar)}"


def spread(preferred: pd.DataFrame) -> pd.DataFrame:
    """min, q1, q3, max and number of gemeenten, and Nederland's published value (``nl_all``), per
    (indicator_id, period): the spine chart's distribution among all gemeenten."""
    gm = preferred[preferred["gemeentecode"].astype(str).str.startswith("GM") & preferred["value"].notna()]
    grouped = gm.groupby(["indicator_id", "period"], observed=True)["value"]
    out = pd.DataFrame({"min": grouped.min(), "q1": grouped.quantile(0.25), "q3": grouped.quantile(0.75),
                        "max": grouped.max(), "n_gemeenten": grouped.count()}).reset_index()
    nl = (preferred.loc[preferred["gemeentecode"] == vocab.NEDERLAND_CODE, ["indicator_id", "period", "value"]]
          .drop_duplicates(["indicator_id", "period"]).rename(columns={"value": "nl_all"}))
    return out.merge(nl, on=["indicator_id", "period"], how="left")


def funnels(harmonised: pd.DataFrame, catalogue: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Funnel limits and points of every share/rate indicator in every yearly period with gemeente counts.

    Returns:
        ``(limits, points)``: the frames of :func:`analyse.stats.funnel_limits` with ``indicator_id`` and
        ``period`` added.
    """
    cat = catalogue.drop_duplicates("id").set_index("id")
    gm = harmonised["gemeentecode"].astype(str).str.startswith("GM")
    rows = harmonised[(harmonised["period_type"] == "jaar") & gm & harmonised["numerator"].notna()]
    limits, points = [], []
    for iid, grp in rows.groupby("indicator_id", observed=True):
        if iid not in cat.index or cat.at[iid, "kind"] not in FUNNEL_KINDS:
            continue
        kind, per = str(cat.at[iid, "kind"]), float(cat.at[iid, "per"] if pd.notna(cat.at[iid, "per"]) else 100)
        all_rows = harmonised[(harmonised["indicator_id"] == iid) & (harmonised["period_type"] == "jaar")
                              & harmonised["gemeentecode"].astype(str).str.startswith("GM")]
        for period in sorted(grp["period"].astype(str).unique()):
            try:
                # additive random effects (Spiegelhalter 2005): the ordinary spread between gemeenten widens it
                res = stats.funnel_limits(all_rows[all_rows["period"] == period], kind=kind, per=per,
                                          overdispersion="additive")
            except (AnalyseError, ValueError, ZeroDivisionError) as exc:
                log.info("no funnel for %s %s: %s", iid, period, exc)
                continue
            limits.append(res.limits.assign(indicator_id=iid, period=period))
            points.append(res.points.assign(indicator_id=iid, period=period))
    empty = pd.DataFrame(columns=["indicator_id", "period"])
    return (pd.concat(limits, ignore_index=True) if limits else empty,
            pd.concat(points, ignore_index=True) if points else empty)


def compute(harmonised: pd.DataFrame, registry: pd.DataFrame, catalogue: pd.DataFrame, indelingsjaar: int,
            reference_rows: pd.DataFrame | None = None, source_registry: dict | None = None) -> dict[str, pd.DataFrame]:
    """Every batch statistic of one data generation (see the module docstring), as frames by name.

    ``registry`` is the gemeente registry (``gemeenten``); ``source_registry`` the parsed ``registry.yml`` (which
    table is preferred per indicator; default read from the package).

    ``rounding`` is a frame ``indicator_id, step``; ``covariates`` is empty when the covariates are incomplete
    (the report then falls back to the size class and says so).
    """
    frames = [harmonised] + ([reference_rows] if reference_rows is not None and len(reference_rows) else [])
    pref = indicators.select_preferred(pd.concat(frames, ignore_index=True), source_registry)
    membership = references.registry_membership(registry, indelingsjaar)
    dispersion = compare.estimate_dispersion(pref, catalogue)
    steps = compare.rounding_steps(pref)
    try:
        cov = peers.build_covariates(harmonised, registry, indelingsjaar=indelingsjaar)
    except (AnalyseError, KeyError, ValueError) as exc:
        log.info("no peer covariates: %s", exc)
        cov = pd.DataFrame(columns=["gemeentecode"])
    limits, points = funnels(harmonised, catalogue)
    return {"preferred": pref, "dispersion": dispersion,
            "variation": variation.estimate_variation(pref, catalogue), "membership": membership,
            "totals": references.member_totals(pref, membership),
            "rounding": steps, "autocorrelation": trends.autocorrelation(pref, catalogue),
            "covariates": cov, "spread": spread(pref), "funnel": limits, "funnel_points": points}


def _storable(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding mixed Python values (e.g. numbers and None) as parquet can store them."""
    out = frame.copy()
    for col in [c for c in out.columns if out[c].dtype == object]:
        kinds = {type(v) for v in out[col].dropna()}
        if len(kinds) > 1 or kinds - {str, bool, int, float}:
            out[col] = out[col].map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    out.attrs = {}
    return out


def step_statistics(ctx: Context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Build step: :func:`compute` on the harmonised tables of the report indeling."""
    jaar = REPORT_INDELINGSJAAR
    made = compute(tables[f"indicators_{jaar}"], tables["gemeenten"], ctx.catalogue, jaar,
                   tables.get(f"referenties_{jaar}"))
    return {table_name(name, jaar): _storable(frame) for name, frame in made.items()}


def check_statistics(ctx: Context, tables: dict[str, pd.DataFrame]) -> str:
    """The preferred rows are unique per key and every indicator with gemeente counts has a dispersion."""
    jaar = REPORT_INDELINGSJAAR
    pref = tables[table_name("preferred", jaar)]
    if pref.duplicated(["indicator_id", "gemeentecode", "period"]).any():
        raise DataIntegrityError(f"{table_name('preferred', jaar)}: more than one row per indicator, region, period")
    disp = tables[table_name("dispersion", jaar)]
    cov = tables[table_name("covariates", jaar)]
    return f"{len(disp)} dispersion estimates, {len(cov)} gemeenten with peer covariates"


STEP = Step("statistics", (f"indicators_{REPORT_INDELINGSJAAR}", f"referenties_{REPORT_INDELINGSJAAR}", "gemeenten"),
            tuple(table_name(n) for n in NAMES), step_statistics,
            (check_has_columns(table_name("dispersion"), ["indicator_id"]), check_statistics))
"""The build step (entry point ``analyse.build_steps: statistics``)."""


def build_steps() -> tuple[Step, ...]:
    """The build steps this module adds to the pipeline (called through the entry point)."""
    return (STEP,)
