"""Downloads next to a report: CSV files for Excel-NL and one Excel workbook per gemeente.

- :func:`write_csv` writes UTF-8 *with* BOM, ``;`` as separator and ``,`` as decimal mark, which is what a
  Dutch Excel opens correctly with a double click. Numbers stay numbers (value, lower and upper are separate
  columns, never ``"18,8 → 21,0"`` as text). Text cells that a spreadsheet would read as a formula
  (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading apostrophe (OWASP
  "CSV injection"); negative *numbers* are numbers and are left alone.
- :func:`write_workbook` writes one ``.xlsx`` with a sheet per table (openpyxl): Dutch sheet names of at most
  31 characters, a bold frozen header row, column widths and number formats (whole numbers for counts,
  one decimal elsewhere, ``€`` for euro columns).

Both write atomically through :mod:`analyse.atomic` (a reader never sees a half-written file).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analyse import atomic, safetext
from analyse.errors import AnalyseError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula."""

SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise_cell(value: object) -> object:
    """``value`` with a leading apostrophe when it is text that a spreadsheet would run as a formula.

    >>> neutralise_cell("=SUM(A1)")
    "'=SUM(A1)"
    >>> neutralise_cell(-3)
    -3
    """
    value = safetext.for_cell(value)  # the CSV/XLSX boundary of analyse.safetext (control/bidi characters)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns
            if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])
                    or pd.api.types.is_datetime64_any_dtype(frame[c]))]


def _flatten_lists(value: object) -> object:
    """Lists/tuples/sets in a cell become ``"a, b"`` (never a Python list in a download)."""
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return ", ".join(str(v) for v in value)
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` ready for a download: lists flattened, formula-like text neutralised.

    Numeric columns are untouched (so they stay numbers); column names are neutralised too.

    Raises:
        AnalyseError: when ``frame`` is not a DataFrame.
    """
    if not isinstance(frame, pd.DataFrame):
        raise AnalyseError(f"download: verwacht een tabel (DataFrame), kreeg {type(frame).__name__}")
    out = frame.copy()
    if isinstance(out.index, pd.MultiIndex) or out.index.name is not None:
        out = out.reset_index()
    for col in _text_columns(out):
        present = out[col].dropna()
        if len(present) and present.map(lambda v: isinstance(v, (int, float, np.number))
                                        and not isinstance(v, bool)).all():
            out[col] = pd.to_numeric(out[col], errors="coerce")  # numbers in an object column stay numbers
            continue
        out[col] = out[col].map(lambda v: neutralise_cell(_flatten_lists(v)))
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as a CSV that a Dutch Excel opens correctly; return the path.

    UTF-8 with BOM, separator ``;``, decimal comma, no index, missing values as empty cells.
    Numeric columns are written as numbers (``18,8``), not as formatted text.

    Raises:
        AnalyseError: when ``frame`` is not a DataFrame.
    """
    path = Path(path)
    out = safe_frame(frame)
    text = out.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return atomic.write_bytes(path, text.encode("utf-8-sig"))


def sheet_name(name: str, used: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name: forbidden characters removed, at most 31 characters.

    >>> sheet_name("Indicatoren: overzicht / 2024")
    'Indicatoren overzicht 2024'
    """
    used = used if used is not None else set()
    base = re.sub(r"\s+", " ", _SHEET_FORBIDDEN.sub(" ", str(name))).strip().strip("'") or "Tabel"
    base = base[:SHEET_NAME_MAX].rstrip()
    candidate, n = base, 2
    while candidate.lower() in {u.lower() for u in used}:
        suffix = f" ({n})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        n += 1
    used.add(candidate)
    return candidate


_COUNT_HINTS = ("aantal", "inwoners", "teller", "noemer", "jaar", "count", "numerator", "denominator", "n_")
_EURO_HINTS = ("eur", "€", "euro", "lasten", "baten", "bedrag", "kosten")


def number_format(column: str, series: pd.Series) -> str | None:
    """Excel number format for a column: whole numbers for counts/years, ``€`` for euro, else one decimal."""
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    name = str(column).lower()
    if "jaar" in name and not any(h in name for h in ("per", "%", "pct")):
        return "0"
    if any(h in name for h in _EURO_HINTS):
        return '"€" #,##0'
    values = pd.to_numeric(series, errors="coerce").dropna()
    if pd.api.types.is_integer_dtype(series) or any(name.startswith(h) or h in name for h in _COUNT_HINTS):
        if values.empty or np.allclose(values, np.round(values)):
            return "#,##0"
    return "#,##0.0"


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write one Excel workbook with a sheet per table; return the path.

    Args:
        tables: sheet title (Dutch, shortened to 31 characters) → table. Order is kept.
        path: target ``.xlsx``.

    Each sheet has a bold, frozen header row, an autofilter, column widths fitted to the content and number
    formats per column (see :func:`number_format`). Text cells that look like formulas are neutralised.

    Raises:
        AnalyseError: when ``tables`` is empty or a value is not a DataFrame.
    """
    from openpyxl import Workbook  # noqa: PLC0415 – openpyxl only when a workbook is written
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 – openpyxl only when a workbook is written
    from openpyxl.styles import Font  # noqa: PLC0415 – openpyxl only when a workbook is written
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 – openpyxl only when a workbook is written

    if not tables:
        raise AnalyseError("Excel-bestand: er zijn geen tabellen om op te nemen")
    path = Path(path)
    wb = Workbook(write_only=True)  # streamed: rows are written as they come, styles set per cell (fast)
    used: set[str] = set()
    bold = Font(bold=True)
    for title, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise AnalyseError(f"Excel-bestand: tabel {title!r} is geen DataFrame maar {type(frame).__name__}")
        out = safe_frame(frame)
        ws = wb.create_sheet(sheet_name(title, used))
        formats = [number_format(col, out[col]) for col in out.columns]
        for j, col in enumerate(out.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in out[col].head(200).tolist()])
            ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
        if len(out.columns):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(out.columns))}{max(len(out) + 1, 1)}"
        header = []
        for c in out.columns:
            cell = WriteOnlyCell(ws, value=str(c))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in out.itertuples(index=False, name=None):
            cells = []
            for v, fmt in zip(row, formats):
                v = _excel_value(v)
                if fmt and v is not None:
                    cell = WriteOnlyCell(ws, value=v)
                    cell.number_format = fmt
                    cells.append(cell)
                else:
                    cells.append(v)
            ws.append(cells)
    return atomic.atomic_write(path, lambda tmp: wb.save(tmp))


def _excel_value(value: object) -> object:
    """A cell value openpyxl can write: NaN/NA → empty, numpy scalars → Python, timestamps → datetime."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and np.isnan(value):
            return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value
