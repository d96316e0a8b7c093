"""Dutch number and text formatting for report output (``1.234,5``, ``12,3%``, ``€ 1,4 mln``).

All report text goes through these helpers so that the separator convention is applied once, everywhere.
Missing values are rendered as an explicit marker, never as ``0`` or ``nan``.
"""

from __future__ import annotations

import html
import math
from numbers import Number

from pandas import NA as NA_VALUE

MISSING = "–"
"""Marker shown for a value that is missing, not delivered or suppressed."""


def _is_missing(value: object) -> bool:
    if value is None or value is NA_VALUE:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return False


def fmt_number(value: object, decimals: int = 0, missing: str = MISSING) -> str:
    """Format a number the Dutch way: thousands with ``.``, decimals with ``,``.

    >>> fmt_number(1234.5, 1)
    '1.234,5'
    """
    if _is_missing(value):
        return missing
    if not isinstance(value, Number):
        raise TypeError(f"fmt_number expects a number, got {value!r}")
    text = f"{float(value):,.{decimals}f}"
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if text.startswith("-") and float(text.replace(".", "").replace(",", ".")) == 0:
        text = text[1:]
    return text


def fmt_pct(value: object, decimals: int = 1, missing: str = MISSING) -> str:
    """Format a percentage (value already in %): ``12,3%``."""
    return missing if _is_missing(value) else f"{fmt_number(value, decimals)}%"


def fmt_pp(value: object, decimals: int = 1, missing: str = MISSING) -> str:
    """Format a change in percentage points with sign: ``+0,3 procentpunt``."""
    if _is_missing(value):
        return missing
    sign = "+" if float(value) > 0 else ""  # type: ignore[arg-type]
    return f"{sign}{fmt_number(value, decimals)} procentpunt"


def fmt_signed(value: object, decimals: int = 1, suffix: str = "", missing: str = MISSING) -> str:
    """Format a change with an explicit sign: ``+2,8%`` or ``-1.250``."""
    if _is_missing(value):
        return missing
    sign = "+" if float(value) > 0 else ""  # type: ignore[arg-type]
    return f"{sign}{fmt_number(value, decimals)}{suffix}"


def fmt_eur(value: object, decimals: int = 0, missing: str = MISSING) -> str:
    """Format an amount in euro: ``€ 1.234.567``; amounts of a million or more as ``€ 1,4 mln``."""
    if _is_missing(value):
        return missing
    v = float(value)  # type: ignore[arg-type]
    if abs(v) >= 1_000_000:
        return f"€ {fmt_number(v / 1_000_000, 1)} mln"
    return f"€ {fmt_number(v, decimals)}"


def fmt_value(value: object, unit: str, missing: str = MISSING) -> str:
    """Format a value according to its catalogue unit (``procent``, ``per_1000``, ``aantal``, ``eur``…)."""
    if unit in {"procent", "percentage", "%"}:
        return fmt_pct(value, 1, missing)
    if unit in {"per_1000", "per 1.000"}:
        return fmt_number(value, 1, missing)
    if unit in {"eur", "euro"}:
        return fmt_eur(value, 0, missing)
    if unit in {"eur_per_inwoner"}:
        return missing if _is_missing(value) else f"€ {fmt_number(value, 0)}"
    if unit in {"index"}:
        return fmt_number(value, 1, missing)
    if unit in {"aantal", "count"}:
        return fmt_number(value, 0, missing)
    return fmt_number(value, 1, missing)


def period_label(period: object) -> str:
    """Dutch label of a period string: ``2019H2`` → ``2e halfjaar 2019``, ``2023-12-31`` → ``31-12-2023``."""
    if _is_missing(period) or period is NA_VALUE:
        return MISSING
    p = str(period)
    if len(p) == 6 and p[4] == "H":
        return f"{p[5]}e halfjaar {p[:4]}"
    if len(p) == 6 and p[4] == "Q":
        return f"{p[5]}e kwartaal {p[:4]}"
    if len(p) == 10 and p[4] == "-":
        return f"{p[8:10]}-{p[5:7]}-{p[:4]}"
    return p


def escape(text: object) -> str:
    """HTML-escape any text that goes into a report (gemeente names, plan texts)."""
    return html.escape("" if text is None else str(text), quote=True)
