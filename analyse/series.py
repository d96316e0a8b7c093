"""The reported series of an indicator: one rule for the period type, breaks and staleness.

Every part of a report (first screen, kerncijfers, overview and spine chart, trend charts, map, key messages,
downloads) shows the same series of an indicator, chosen here once:

* **Period type**: the yearly series where the gemeente has at least two yearly values and the latest of them
  is at most one calendar year older than its newest value of any type; otherwise the first of halfjaar,
  kwartaal, peildatum that has two values and is that current; otherwise the type of its latest value
  (:data:`analyse.vocab.PERIOD_TYPES` is the order). Half-years are never mixed with years: the first
  half-year of 2024 (provisional, another season) is not "the latest value" beside the year 2023.
* **Breaks**: a period whose source belongs to another series than the period before it (another column, i.e.
  another definition, or another edition where the registry says ``series: per_table``;
  :func:`analyse.data.cbs_tables.series_keys`) starts a new series. Nothing is compared across a break: no change
  verdict, no recent trend, and charts mark it.
* **Stale**: an indicator whose latest period lies more than :data:`STALE_YEARS` years before the report's
  indelingsjaar is shown as such and left out of the benchmark overview.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyse import vocab
from analyse.stats import period_time, period_type_of

__all__ = ["STALE_YEARS", "reported_period_types", "series_breaks", "is_stale"]

STALE_YEARS = 5
"""An indicator is stale when its latest period is more than this many years before the indelingsjaar."""

_KEY = ["indicator_id", "gemeentecode"]


def reported_period_types(rows: pd.DataFrame) -> pd.DataFrame:
    """The period type of the reported series per (indicator_id, gemeentecode) (see the module rule).

    Among the types with two values, those whose latest value lies at most one calendar year before the most
    recent one qualify (a yearly series that ended years ago does not beat a current peildatum series); of
    these the first in :data:`analyse.vocab.PERIOD_TYPES` wins. Without a type with two values: the type of the
    latest value.

    Args:
        rows: indicator rows (indicator_id, gemeentecode, period, value; period_type optional).

    Returns:
        indicator_id, gemeentecode, period_type.
    """
    r = rows[rows["value"].notna()]
    if "period_type" not in r:
        r = r.assign(period_type=period_type_of(r["period"]).to_numpy())
    r = r.assign(_t=period_time(r["period"]).to_numpy(),
                 _year=pd.to_numeric(r["period"].astype(str).str.slice(0, 4), errors="coerce").to_numpy())
    counts = r.groupby([*_KEY, "period_type"], observed=True).agg(_n=("_t", "size"), _last=("_year", "max"),
                                                                    _tlast=("_t", "max")).reset_index()
    rank = {t: i for i, t in enumerate(vocab.PERIOD_TYPES)}
    counts["_rank"] = counts["period_type"].map(rank).fillna(len(rank))
    two = counts[counts["_n"] >= 2]
    newest = two.groupby(_KEY)["_last"].transform("max")
    current = two[two["_last"] >= newest - 1]
    best = current.sort_values([*_KEY, "_rank"]).drop_duplicates(_KEY)
    single = counts.sort_values([*_KEY, "_tlast"]).drop_duplicates(_KEY, keep="last")
    out = pd.concat([best, single], ignore_index=True).drop_duplicates(_KEY)
    return out[[*_KEY, "period_type"]].reset_index(drop=True)


def series_breaks(rows: pd.DataFrame, keys: pd.DataFrame | None) -> pd.DataFrame:
    """First periods of a new series, per indicator, gemeente and period type.

    Args:
        rows: indicator rows with ``source_table`` (``;``-joined where harmonisation summed two tables: the first
            one counts).
        keys: :func:`analyse.data.cbs_tables.series_keys` (indicator_id, source_table, series). A table the
            registry does not list (seed tables, derived indicators) is its own series: conservative.

    Returns:
        indicator_id, gemeentecode, period_type, period (first period after the break), previous_period,
        source_before, source_after.
    """
    cols = ["indicator_id", "gemeentecode", "period_type", "period", "previous_period", "source_before",
            "source_after"]
    if rows.empty or "source_table" not in rows:
        return pd.DataFrame(columns=cols)
    r = rows[rows["value"].notna()][[*_KEY, "period", "source_table"] +
                                    (["period_type"] if "period_type" in rows else [])]
    if "period_type" not in r:
        r = r.assign(period_type=period_type_of(r["period"]).to_numpy())
    table = r["source_table"].astype("string").fillna("").str.split(";").str[0].str.strip()
    r = r.assign(_table=table.to_numpy())
    if keys is not None and len(keys):
        k = keys[["indicator_id", "source_table", "series"]].rename(columns={"source_table": "_table"})
        r = r.merge(k, on=["indicator_id", "_table"], how="left")
        r["series"] = r["series"].fillna(r["_table"])
    else:
        r = r.assign(series=r["_table"])
    r = r.assign(_t=period_time(r["period"]).to_numpy()).sort_values([*_KEY, "period_type", "_t"])
    grp = r.groupby([*_KEY, "period_type"], sort=False)
    prev_series = grp["series"].shift()
    changed = prev_series.notna() & (prev_series != r["series"])
    out = r[changed.to_numpy()].assign(previous_period=grp["period"].shift()[changed].to_numpy(),
                                      source_before=grp["_table"].shift()[changed].to_numpy(),
                                      source_after=r.loc[changed, "_table"].to_numpy())
    return out[cols].reset_index(drop=True)


def is_stale(latest_period: object, indelingsjaar: int, years: int = STALE_YEARS) -> np.ndarray:
    """Whether each latest period lies more than ``years`` years before ``indelingsjaar``."""
    year = pd.to_numeric(pd.Series(np.atleast_1d(np.asarray(latest_period, dtype=object))).astype("string")
                         .str.slice(0, 4), errors="coerce").to_numpy(float)
    return np.isfinite(year) & (year < int(indelingsjaar) - years)
