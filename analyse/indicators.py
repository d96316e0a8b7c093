"""The tidy indicator table for the analysis layer: loading, one series, reference values.

* :func:`load_indicators` reads ``data/processed/indicators.parquet`` (built by ``make data``).
* :func:`series` – one indicator for some regions, one preferred row per region and period.
* :func:`reference_values` / :func:`reference_value`: Σnumerator / Σdenominator × per over member gemeenten.

The catalogue, the table preference, harmonisation and the computed reference rows belong to the data layer
(:mod:`analyse.data.catalogue`, :mod:`analyse.data.derive`); their names are re-exported here for callers of
the analysis layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analyse import paths
from analyse.data.catalogue import load_catalogue  # noqa: F401  (re-export)
from analyse.data.contract import validate
from analyse.data.derive import (  # noqa: F401
    COMPUTED_SOURCE,
    aggregate_members,
    computed_reference_rows,
    harmonise,
    select_preferred,
    successor_map,
)
from analyse.errors import DataNotAvailableError


def load_indicators(path: Path | None = None) -> pd.DataFrame:
    """Read the processed indicator table.

    Raises:
        DataNotAvailableError: the file does not exist yet (run ``make data``).
    """
    path = Path(path or paths.processed("indicators"))
    if not path.exists():
        raise DataNotAvailableError(
            f"{path} does not exist. Build the processed data first: `make data` "
            "(or `python -m analyse.data build`)."
        )
    return validate(pd.read_parquet(path), str(path))


def series(indicators: pd.DataFrame, indicator_id: str, codes: list[str] | str,
           period_type: str = "jaar", registry: dict | None = None) -> pd.DataFrame:
    """Time series of one indicator for some regions, one preferred row per region and period.

    Args:
        indicators: the tidy indicator table.
        indicator_id: catalogue id.
        codes: one code or a list of codes.
        period_type: ``jaar`` / ``halfjaar`` / ``kwartaal`` / ``peildatum``; ``None`` for all.
        registry: the parsed ``registry.yml`` (table preference); default read from the package.

    Returns:
        Rows sorted by gemeentecode and period (empty frame when nothing is there).
    """
    codes = [codes] if isinstance(codes, str) else list(codes)
    mask = (indicators["indicator_id"] == indicator_id) & indicators["gemeentecode"].isin(codes)
    if period_type is not None:
        mask &= indicators["period_type"] == period_type
    return select_preferred(indicators[mask], registry)


def reference_values(indicators: pd.DataFrame, indicator_id: str, members: dict[str, list[str]],
                     periods: list[str] | None = None, catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Σnumerator / Σdenominator × per of one indicator for reference regions made of member gemeenten.

    Args:
        indicators: tidy indicator table (preferred rows are selected first).
        indicator_id: catalogue id.
        members: ``{reference_code: [member gemeentecodes]}``.
        periods: restrict to these periods (default all).
        catalogue: for ``per`` (default from the unit).

    Returns:
        One row per (reference_code, period): value, numerator, denominator, n_members, n_present, n_missing,
        missing (``;``-joined codes without numerator/denominator). A mean of member percentages is never used.
    """
    rows = indicators[indicators["indicator_id"] == indicator_id]
    if periods is not None:
        rows = rows[rows["period"].isin(periods)]
    link = pd.DataFrame([(ref, code) for ref, codes in members.items() for code in dict.fromkeys(codes)],
                        columns=["reference_code", "gemeentecode"])
    agg = aggregate_members(rows, link, catalogue)
    return agg[["indicator_id", "reference_code", "period", "value", "numerator", "denominator", "n_members",
                "n_present", "n_missing", "missing"]]


def reference_value(indicators: pd.DataFrame, indicator_id: str, member_codes: list[str], period: str,
                    catalogue: pd.DataFrame | None = None) -> dict[str, Any]:
    """Σnumerator / Σdenominator × per over ``member_codes`` for one period.

    Returns:
        ``{"value", "numerator", "denominator", "n_present", "n_missing", "missing"}``; value NaN when no member
        has numerator and denominator.
    """
    res = reference_values(indicators, indicator_id, {"_ref": list(member_codes)}, [period], catalogue)
    if res.empty:
        return {"value": np.nan, "numerator": np.nan, "denominator": np.nan, "n_present": 0,
                "n_missing": len(set(member_codes)), "missing": sorted(set(member_codes))}
    row = res.iloc[0]
    return {"value": float(row["value"]), "numerator": float(row["numerator"]),
            "denominator": float(row["denominator"]), "n_present": int(row["n_present"]),
            "n_missing": int(row["n_missing"]), "missing": [c for c in row["missing"].split(";") if c]}
