"""The table contract of the tidy indicator frame (``indicators.parquet`` and its derived tables).

One place for the columns, the key, the dtypes and the checks; every reader and writer of indicator frames
(``cbs_tables``, ``seeds``, ``derive``, the analysis layer) imports them from here.

Columns (``docs/contracts.md``): ``indicator_id, gemeentecode, period, period_type, value, numerator,
denominator, unit, status, source_table, rounded, rounding_step, numerator_rounding_step,
denominator_rounding_step, harmonised, filled``.

* ``rounded`` (bool, default ``False``) marks a value that is a rounded published figure whose numerator or
  denominator was derived from it (e.g. KWB whole-percent shares, jeugdzorg % with a denominator derived from
  that %): such counts are approximate and differences of them must not be tested as if exact.
* ``rounding_step``, ``numerator_rounding_step``, ``denominator_rounding_step`` (float, default 0 = exact or
  not declared): the step to which the source publishes the value, numerator and denominator (registry
  ``precision`` of the table's column, e.g. 0,1 for a percentage with one decimal, 5 for CBS counts rounded to
  fives, 100 for the 83440NED counts). A derived number has step 0 (its uncertainty comes from the published
  numbers it was derived from); a sum of rounded member counts carries the sum of their steps.
* ``harmonised`` (bool): the row is not the gemeente's own publication but re-aggregated from its
  predecessors (or their shares) into the report's indeling.
* ``filled`` (bool): the period's value comes from a lower-ranked source table because the preferred table has
  no value there.
"""

from __future__ import annotations

import pandas as pd

from analyse.errors import DataIntegrityError

COLUMNS: tuple[str, ...] = ("indicator_id", "gemeentecode", "period", "period_type", "value", "numerator",
                            "denominator", "unit", "status", "source_table", "rounded", "rounding_step",
                            "numerator_rounding_step", "denominator_rounding_step", "harmonised", "filled")
"""Columns of every indicator frame, in this order."""

OPTIONAL_DEFAULTS: dict[str, object] = {"rounded": False, "rounding_step": 0.0, "numerator_rounding_step": 0.0,
                                         "denominator_rounding_step": 0.0, "harmonised": False, "filled": False}
"""Columns that a caller may leave out; :func:`validate` fills them with this default."""

REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in OPTIONAL_DEFAULTS)
KEY: list[str] = ["indicator_id", "gemeentecode", "period", "source_table"]
"""Unique key of the full indicator table (one row per source table)."""
PREFERRED_KEY: list[str] = ["indicator_id", "gemeentecode", "period"]
"""Unique key after the table preference is applied (one row per indicator, region and period)."""
DEFAULT_PER: dict[str, float] = {"procent": 100.0, "per_1000": 1000.0}
STATUSES: tuple[str, ...] = ("definitief", "nader voorlopig", "voorlopig", "onbekend")
STEP_COLUMNS: tuple[str, ...] = ("rounding_step", "numerator_rounding_step", "denominator_rounding_step")
"""Rounding steps of the published value, numerator and denominator (0 = exact)."""
FLAG_COLUMNS: tuple[str, ...] = ("rounded", "harmonised", "filled")


def check_columns(frame: pd.DataFrame, columns: list[str], where: str) -> None:
    """Raise naming the file and the missing column(s) when ``columns`` are not all in ``frame``."""
    missing = [c for c in dict.fromkeys(columns) if c not in frame.columns]
    if missing:
        raise DataIntegrityError(f"{where}: missing column(s) {missing}")


def coerce_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Contract dtypes: strings for ids/periods/units/status, float64 for the numbers and steps, bool for flags.

    Missing optional columns are added with their default; the input is not changed.
    """
    out = frame.copy()
    for col, default in OPTIONAL_DEFAULTS.items():
        if col not in out.columns:
            out[col] = default
    for col in COLUMNS:
        if col in ("value", "numerator", "denominator"):
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
        elif col in STEP_COLUMNS:
            out[col] = pd.to_numeric(out[col], errors="coerce").fillna(0.0).astype("float64")
        elif col in FLAG_COLUMNS:
            out[col] = out[col].astype("boolean").fillna(False).astype(bool)
        else:
            out[col] = out[col].astype("string")
    return out


def empty_frame() -> pd.DataFrame:
    """An empty indicators frame with the contract dtypes."""
    return coerce_dtypes(pd.DataFrame({c: [] for c in COLUMNS}))


def validate(frame: pd.DataFrame, where: str = "indicators", key: list[str] | None = None) -> pd.DataFrame:
    """Check a tidy indicator frame; return it with contract columns and dtypes.

    Args:
        frame: the frame (extra columns are dropped, optional ones filled).
        where: named in error messages.
        key: unique key (default :data:`KEY`).

    Raises:
        DataIntegrityError: missing columns, duplicate keys, negative counts, numerator > denominator or an
            unknown status.
    """
    check_columns(frame, list(REQUIRED_COLUMNS), where)
    out = coerce_dtypes(frame[[c for c in COLUMNS if c in frame.columns]])[list(COLUMNS)]
    key = key or KEY
    dup = out.duplicated(key, keep=False)
    if dup.any():
        sample = out.loc[dup, key].head(4).to_dict("records")
        raise DataIntegrityError(f"{where}: {int(dup.sum())} rows with duplicate keys, e.g. {sample}")
    negative = (out[["value", "numerator", "denominator"]] < 0).any(axis=1) & out["unit"].isin(
        ["aantal", "procent", "per_1000"])
    if negative.any():
        sample = out.loc[negative, key].head(3).to_dict("records")
        raise DataIntegrityError(f"{where}: negative counts/shares, e.g. {sample}")
    over = (out["unit"] == "procent") & (out["numerator"] > out["denominator"] * (1 + 1e-9))
    if over.any():
        sample = out.loc[over, key].head(3).to_dict("records")
        raise DataIntegrityError(f"{where}: numerator > denominator, e.g. {sample}")
    bad_status = ~out["status"].isin(list(STATUSES))
    if bad_status.any():
        raise DataIntegrityError(f"{where}: unknown status values {list(out.loc[bad_status, 'status'].unique())}")
    return out
