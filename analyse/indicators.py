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
from typing import Any, Iterable

import numpy as np
import pandas as pd

from analyse import paths
from analyse.data import processed
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
from analyse.errors import AnalyseError, DataNotAvailableError, UnknownIndicatorError, choose, suggestion
from analyse.vocab import PERIOD_TYPES


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


PERIOD_TYPE_ALIASES = {"year": "jaar", "yearly": "jaar", "annual": "jaar", "jaren": "jaar", "half-year": "halfjaar",
                       "halfyear": "halfjaar", "half_year": "halfjaar", "quarter": "kwartaal", "quarterly": "kwartaal",
                       "date": "peildatum", "reference date": "peildatum"}
"""English or plural slips for a period type, suggested in the error message."""


def check_period_type(period_type: str | None) -> str | None:
    """``period_type`` when it is one of :data:`analyse.vocab.PERIOD_TYPES` (or ``None``: all).

    Raises:
        UnknownValueError: in Dutch, with the closest period type (``"year"`` → ``'jaar'``).
    """
    if period_type is None:
        return None
    return choose(period_type, PERIOD_TYPES, "periodesoort (period_type)", PERIOD_TYPE_ALIASES)


def check_indicator_ids(ids: str | Iterable[str], available: Iterable[str],
                        catalogue: pd.DataFrame | None = None) -> list[str]:
    """The ids as a list when every one has rows in ``available``; else a loud Dutch error.

    Raises:
        UnknownIndicatorError: an id that is in neither the catalogue nor the data (with close ids suggested).
        DataNotAvailableError: an id the catalogue knows but without any rows (data-less).
    """
    wanted = [ids] if isinstance(ids, str) else list(ids)
    if not wanted:
        raise UnknownIndicatorError("Geen indicator opgegeven: geef één id of een lijst van ids "
                                    "(zie analyse.catalogue()).")
    have = set(map(str, available))
    known = set(have)
    if catalogue is None and not set(map(str, wanted)) <= have:  # only an unknown id needs the catalogue
        try:

            catalogue = processed.catalogue()
        except AnalyseError:  # pragma: no cover - the catalogue ships with the package
            catalogue = None
    if catalogue is not None and "id" in catalogue:
        known |= set(catalogue["id"].astype(str))
    for ind in wanted:
        if not isinstance(ind, str):
            raise UnknownIndicatorError(f"Indicator-id moet tekst zijn, niet {ind!r} ({type(ind).__name__}).")
        if ind not in known:
            raise UnknownIndicatorError(f"Onbekende indicator {ind!r}.{suggestion(ind, sorted(known))} "
                                        "Alle ids met hun namen: analyse.catalogue().")
        if ind not in have:
            raise DataNotAvailableError(f"Indicator {ind!r} staat in de catalogus maar heeft geen gegevens "
                                        "(de bron is niet ingelezen). Kies een indicator met gegevens: "
                                        "analyse.catalogue(with_data=True).")
    return list(dict.fromkeys(wanted))


def series(indicators: pd.DataFrame, indicator_id: str, codes: list[str] | str,
           period_type: str | None = "jaar", registry: dict | None = None) -> pd.DataFrame:
    """Time series of one indicator for some regions, one preferred row per region and period.

    Args:
        indicators: the tidy indicator table.
        indicator_id: catalogue id.
        codes: one code or a list of codes.
        period_type: ``jaar`` / ``halfjaar`` / ``kwartaal`` / ``peildatum``; ``None`` for all.
        registry: the parsed ``registry.yml`` (table preference); default read from the package.

    Returns:
        Rows sorted by gemeentecode and period (empty when these codes have no rows of this period type).

    Raises:
        UnknownValueError: an unknown period type (``"year"`` → "Bedoelde u 'jaar'?").
        UnknownIndicatorError: an id the catalogue and the table do not know (close ids suggested).
        DataNotAvailableError: an id without any rows in ``indicators``.
    """
    period_type = check_period_type(period_type)
    check_indicator_ids(indicator_id, indicators["indicator_id"].unique())
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
