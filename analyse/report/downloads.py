"""Downloads next to a report: CSV files for Excel-NL and one Excel workbook per gemeente.

- :func:`write_csv` writes UTF-8 *with* BOM, ``;`` as separator and ``,`` as decimal mark, which is what a
  Dutch Excel opens correctly with a double click. Numbers stay numbers (value, lower and upper are separate
  columns, never ``"18,8 → 21,0"`` as text). Text cells that a spreadsheet would read as a formula
  (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading apostrophe (OWASP
  "CSV injection"); negative *numbers* are numbers and are left alone.
- :func:`write_workbook` writes one ``.xlsx`` with a sheet per table (XlsxWriter): Dutch sheet names of at most
  31 characters, a bold frozen header row, column widths and number formats (whole numbers for counts,
  one decimal elsewhere, ``€`` for euro columns).

Both write atomically through :mod:`analyse.atomic` (a reader never sees a half-written file).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date as date_type
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from analyse import atomic, safetext, vocab
from analyse.errors import AnalyseError
from analyse.formatting import table_decimals

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


def as_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with values as a table on the page shows them: numbers rounded, booleans ``ja``/``nee``.

    Numbers are rounded with :func:`analyse.formatting.table_decimals` (the one rule of the page tables) and stay
    numbers; a column that is whole after rounding becomes an integer column (``2023``, never ``2023,0``).
    True/False become ``ja``/``nee`` (also in a text column with a few booleans). The input is not changed.
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_bool_dtype(series):
            out[col] = series.map({True: "ja", False: "nee"}).astype(object)
        elif pd.api.types.is_numeric_dtype(series):
            values = pd.to_numeric(series, errors="coerce").astype(float)
            rounded = values.map(lambda v, c=col: v if pd.isna(v) else round(v, table_decimals(v, c)))
            present = rounded.dropna()
            if len(present) and np.allclose(present, np.round(present)) and present.abs().max() < 2**53:
                out[col] = rounded.round().astype("Int64")
            else:
                out[col] = rounded
        elif series.dtype == object:
            out[col] = series.map(lambda v: "ja" if v is True or v is np.True_ else
                                  "nee" if v is False or v is np.False_ else v)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, full_precision: bool = False) -> Path:
    """Write ``frame`` as a CSV that a Dutch Excel opens correctly; return the path.

    UTF-8 with BOM, separator ``;``, decimal comma, no index, missing values as empty cells.
    Numeric columns are written as numbers (``18,8``), not as formatted text, at the precision the page shows
    (:func:`as_shown`; ``full_precision=True`` keeps every digit, for the long data file); booleans as ``ja``/``nee``.

    Raises:
        AnalyseError: when ``frame`` is not a DataFrame.
    """
    path = Path(path)
    if not isinstance(frame, pd.DataFrame):
        raise AnalyseError(f"download: verwacht een tabel (DataFrame), kreeg {type(frame).__name__}")
    out = safe_frame(frame if full_precision else as_shown(frame))
    if full_precision:
        out = out.map(lambda v: "ja" if v is True or v is np.True_ else "nee" if v is False or v is np.False_ else v)
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
    formats per column (see :func:`number_format`). Text cells that look like formulas are neutralised, and text is
    always written as text (never read as a formula, link or number). Written with XlsxWriter, row by row
    (``constant_memory``): about three times faster than openpyxl for the same file.

    Raises:
        AnalyseError: when ``tables`` is empty or a value is not a DataFrame.
    """
    if not tables:
        raise AnalyseError("Excel-bestand: er zijn geen tabellen om op te nemen")
    for title, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise AnalyseError(f"Excel-bestand: tabel {title!r} is geen DataFrame maar {type(frame).__name__}")

    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
        bold = wb.add_format({"bold": True})
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        formats: dict[str, Any] = {}
        used: set[str] = set()
        for title, frame in tables.items():
            out = safe_frame(frame)
            ws = wb.add_worksheet(sheet_name(title, used))
            cols = [number_format(col, out[col]) for col in out.columns]
            for j, col in enumerate(out.columns):
                width = max([len(str(col))] + [len(str(v)) for v in out[col].head(200).tolist()])
                ws.set_column(j, j, min(max(width + 2, 8), 60))
            ws.freeze_panes(1, 0)
            if len(out.columns):
                ws.autofilter(0, 0, max(len(out), 0), len(out.columns) - 1)
            for j, col in enumerate(out.columns):
                ws.write_string(0, j, str(col), bold)
            styles = [None if fmt is None else formats.setdefault(fmt, wb.add_format({"num_format": fmt}))
                      for fmt in cols]
            for i, row in enumerate(out.itertuples(index=False, name=None), start=1):
                for j, (v, style) in enumerate(zip(row, styles)):
                    _write_cell(ws, i, j, _excel_value(v), style, date)
        wb.close()

    return atomic.atomic_write(Path(path), write)


def _write_cell(ws: Any, row: int, col: int, value: object, style: Any, date: Any) -> None:
    """One cell by its type: numbers with the column's format, text always as text, empty cells left out."""
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return
        ws.write_number(row, col, value, style)
    elif isinstance(value, (datetime, date_type)):
        ws.write_datetime(row, col, value, date)
    else:
        ws.write_string(row, col, str(value))


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


# ------------------------------------------------------------------------------------------ the long data file
CBS_TABLE = re.compile(r"^\d{5}[A-Z]{3}$")
CBS_TABLE_URL = "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table}/table"
"""StatLine page of a CBS table (the link in the long data file)."""

LONG_COLUMNS = (
    "Gemeentecode", "Gemeente", "Indicator", "Domein", "Eenheid", "Periode", "Meting", "Waarde", "Ondergrens (95%)",
    "Bovengrens (95%)", "Vergeleken met", "Waarde vergelijking", "Waarde Nederland", "Tegenover Nederland",
    "Oordeel sinds de nulmeting", "Nulmeting", "Oordeel mogelijk (marge bekend)", "Status", "Bron", "CBS-tabel",
    "CBS-pagina")
"""Columns of the long data file: one row per indicator and period of the gemeente."""


def cbs_links(source_table: object) -> str:
    """StatLine links of the CBS tables in ``source_table`` (``;``-joined ids; other sources give ``""``)."""
    if not isinstance(source_table, str):
        return ""
    ids = [t.strip() for t in source_table.split(";") if CBS_TABLE.match(t.strip())]
    return " ; ".join(CBS_TABLE_URL.format(table=t) for t in ids)


def _words(value: object, labels: Mapping[str, str] | None = None) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return (labels or {}).get(str(value), value)


def cbs_tables(source_table: object) -> str:
    """The CBS table ids in ``source_table`` (``;``-joined; our names for other files are left out)."""
    if not isinstance(source_table, str):
        return ""
    return "; ".join(t.strip() for t in source_table.split(";") if CBS_TABLE.match(t.strip()))


def _source_words(source_table: object, titles: Mapping[str, str]) -> str:
    if not isinstance(source_table, str):
        return ""
    parts = [titles.get(t.strip()) or (f"CBS-tabel {t.strip()}" if CBS_TABLE.match(t.strip()) else
                                       "cijfers uit een document van de gemeente") for t in source_table.split(";")]
    return "; ".join(dict.fromkeys(parts))


def indicator_long_table(records: pd.DataFrame, series: pd.DataFrame | None, code: str, naam: str,
                         source_titles: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The tidy long data file of one gemeente: a row per indicator and period, numbers at full precision.

    Args:
        records: the indicator record (``IndicatorContent.records``, one row per indicator).
        series: the gemeente's reported series (``indicator_id, period, value, ci_low, ci_high``); ``None`` or
            empty gives one row per indicator (its latest period).
        code, naam: the gemeente.
        source_titles: source table id → its title (the report's sources table), for the ``Bron`` column.

    Every row carries the indicator's unit, source (title, CBS table id) and StatLine link; the latest period's row
    also carries the reference used and its value, Nederland, and both verdicts (``Meting``: ``laatste``; the
    nulmeting's row says ``nulmeting``). Verdicts are words from :mod:`analyse.vocab`; no package id is in it.

    Raises:
        AnalyseError: when ``records`` lacks a column this file needs.
    """

    need = {"indicator_id", "naam", "unit", "latest_period", "latest_value", "source_table"}
    missing = sorted(need - set(records.columns))
    if missing:
        raise AnalyseError(f"Indicatorrecord mist kolom(men) {', '.join(missing)} voor het gegevensbestand")
    rec = records.drop_duplicates("indicator_id").set_index("indicator_id")
    if series is not None and len(series):
        rows = series[series["indicator_id"].isin(rec.index)][["indicator_id", "period", "value", "ci_low",
                                                               "ci_high"]].copy()
    else:
        rows = pd.DataFrame({"indicator_id": rec.index, "period": rec["latest_period"].to_numpy(),
                             "value": rec["latest_value"].to_numpy(),
                             "ci_low": rec.get("latest_ci_low", pd.Series(np.nan, index=rec.index)).to_numpy(),
                             "ci_high": rec.get("latest_ci_high", pd.Series(np.nan, index=rec.index)).to_numpy()})
    ids = rows["indicator_id"]
    period = rows["period"].astype(str)

    def col(name: str) -> pd.Series:
        return ids.map(rec[name]) if name in rec else pd.Series(pd.NA, index=rows.index)

    latest = period.to_numpy() == col("latest_period").astype(str).to_numpy()
    base = period.to_numpy() == col("base_period").astype(str).to_numpy()
    only_latest = pd.Series(latest, index=rows.index)
    out = pd.DataFrame({
        "Gemeentecode": code, "Gemeente": naam, "Indicator": col("naam"),
        "Domein": col("domein").map(lambda d: _words(d, vocab.DOMEIN_LABELS)),
        "Eenheid": col("unit").map(lambda u: _words(u, vocab.UNIT_LABELS)),
        "Periode": period, "Meting": np.where(latest, "laatste", np.where(base, "nulmeting", "")),
        "Waarde": pd.to_numeric(rows["value"], errors="coerce"),
        "Ondergrens (95%)": pd.to_numeric(rows["ci_low"], errors="coerce"),
        "Bovengrens (95%)": pd.to_numeric(rows["ci_high"], errors="coerce"),
        "Vergeleken met": col("reference_label").where(only_latest),
        "Waarde vergelijking": pd.to_numeric(col("reference_value"), errors="coerce").where(only_latest),
        "Waarde Nederland": pd.to_numeric(col("nederland_value"), errors="coerce").where(only_latest),
        "Tegenover Nederland": col("benchmark_verdict").where(only_latest),
        "Oordeel sinds de nulmeting": col("change_verdict").where(only_latest),
        "Nulmeting": col("base_period").where(only_latest),
        "Oordeel mogelijk (marge bekend)": col("verdict_allowed").map(
            lambda v: None if v is None or v is pd.NA else ("ja" if bool(v) else "nee")).where(only_latest),
        "Status": col("latest_status").where(only_latest),
        "Bron": col("source_table").map(lambda t: _source_words(t, source_titles or {})),
        "CBS-tabel": col("source_table").map(cbs_tables), "CBS-pagina": col("source_table").map(cbs_links)})
    out = out.sort_values(["Domein", "Indicator", "Periode"], kind="stable", na_position="last")
    return out[list(LONG_COLUMNS)].reset_index(drop=True)


# ------------------------------------------------------------------------------------------ the workbook
def readable_sheet_names(titles: Mapping[str, str]) -> dict[str, str]:
    """Sheet name per key: the Dutch title cut at a word boundary to at most 31 characters, unique.

    >>> readable_sheet_names({"a": "Participatie en bijstand: alle indicatoren"})
    {'a': 'Participatie en bijstand alle'}
    """
    used: set[str] = set()
    out = {}
    for key, title in titles.items():
        clean = _sheet_title(str(title))
        suffix = _opgave_suffix(str(key))
        if suffix and f"{clean} {suffix}".lower() not in {u.lower() for u in used}:
            clean = _cut_words(f"{_cut_words(clean, SHEET_NAME_MAX - len(suffix) - 1)} {suffix}", SHEET_NAME_MAX)
        if clean.lower() in {u.lower() for u in used}:
            out[key] = _numbered(clean, used)
        else:
            used.add(clean)
            out[key] = clean
    return out


_CHART_WORDS = re.compile(r"^(?:lijngrafiek|staafdiagram|kaart|figuur|spreidingsdiagram|trechterdiagram)"
                          r"(?: van(?: de| het)?)?\s+", re.I)
_LOOSE_END = {"van", "de", "het", "een", "en", "of", "per", "op", "met", "voor", "naar", "in", "bij", "tot", "uit",
              "aan", "zonder", "tegenover", "over", "door", "als", "dat", "die"}
"""Words a sheet name never ends on (a cut title reads as a name, not as half a sentence)."""


def _sheet_title(title: str) -> str:
    """A title as a sheet name: no chart word ("Lijngrafiek van de …"), a code-like key in words, the part
    before a colon or a bracket when the whole is too long, cut at a word that can end a name."""
    if re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)+", title):  # a file name: words instead
        title = re.sub(r"[-_]+", " ", title)
    title = _CHART_WORDS.sub("", title.strip())
    if len(title) > SHEET_NAME_MAX:
        for sep in (":", ";", " ("):  # "Jeugd: alle indicatoren" → "Jeugd"
            head = title.split(sep)[0].strip()
            if sep in title and len(head) >= 3:
                inner = re.match(r"[^(]*\(([^()]{3,})\)", title) if sep == " (" else None
                title = f"{head} – {inner.group(1)}" if inner and len(head) + len(inner.group(1)) + 3 <= \
                    SHEET_NAME_MAX else head
                break
    clean = re.sub(r"\s+", " ", _SHEET_FORBIDDEN.sub(" – ", title)).strip().strip("'– ") or "Tabel"
    clean = _cut_words(clean, SHEET_NAME_MAX)
    return clean[:1].upper() + clean[1:]


def _cut_words(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, never ending on a loose word."""
    words = text.split(" ")
    while len(" ".join(words)) > limit and len(words) > 1:
        words.pop()
    while len(words) > 1 and (words[-1].lower().strip(",;–-(") in _LOOSE_END or words[-1] in {"–", "-", "("}
                              or (len(" ".join(words)) < len(text) and words[-1].isdigit())):
        words.pop()
    return " ".join(words).rstrip(" ,;-–(")[:limit]


def _opgave_suffix(key: str) -> str:
    """``maatregelen-o3a`` → ``O3a``: the opgave a per-opgave table belongs to (its sheet name says which)."""
    found = re.fullmatch(r"(?:maatregelen|output|budget)-(o\d+[a-z]?)", key, re.I)
    return found.group(1).upper()[:1] + found.group(1)[1:] if found else ""


def _numbered(name: str, used: set[str]) -> str:
    n = 2
    while True:
        suffix = f" {n}"
        candidate = name[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        if candidate.lower() not in {u.lower() for u in used}:
            used.add(candidate)
            return candidate
        n += 1


def readme_frame(sheets: Mapping[str, str], files: Mapping[str, str], facts: list[tuple[str, str]],
                 definitions: pd.DataFrame | None = None, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """The "Leesmij" sheet as one two-column table: facts, what each sheet is, definitions, sources.

    Args:
        sheets: sheet name → what it holds (Dutch).
        files: sheet name → CSV file next to the report with the same table.
        facts: (label, value) lines at the top (gemeente, made on, data version, number notation).
        definitions: ``Indicator``, ``Definitie`` (and optionally ``Eenheid``) per indicator.
        sources: the sources table of the report (``Bron``, ``CBS-tabel``, …).
    """
    rows: list[tuple[str, str]] = list(facts) + [("", ""), ("Tabblad", "Inhoud")]
    rows += [(name, what + (f" (ook als {files[name]})" if files.get(name) else "")) for name, what in sheets.items()]
    if definitions is not None and len(definitions):
        rows += [("", ""), ("Indicator", "Definitie")]
        rows += [(str(n), str(d)) for n, d in zip(definitions["Indicator"], definitions["Definitie"])]
    if sources is not None and len(sources):
        rows += [("", ""), ("Bron", "CBS-tabel en perioden")]
        for r in sources.itertuples(index=False):
            d = r._asdict() if hasattr(r, "_asdict") else {}
            vals = list(d.values()) if d else list(r)
            rows.append((str(vals[0]), ", ".join(str(v) for v in vals[1:] if v not in (None, "", "–"))))
    return pd.DataFrame(rows, columns=["Onderwerp", "Toelichting"])
