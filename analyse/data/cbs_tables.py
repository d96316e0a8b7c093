"""Readers that turn the CBS tables (sociaal domein, KWB, nlstat, Iv3 inwoners) into the tidy indicator frame.

The readers are driven by ``analyse/data/registry.yml``: a table entry says how to read the file (separator,
region and period columns, dimension filters, status rule) and each indicator lists its sources (table,
value / numerator / denominator columns). The output has exactly the columns of ``indicators.parquet`` in
``docs/contracts.md`` (:data:`COLUMNS`).

Checks (each a :class:`~analyse.errors.DataIntegrityError` naming file, column or rows):
required columns present; last line not cut off; CBS ``ID`` consecutive; a dimension category that was
cut off by the 10,000-row limit of the dump (or is not rectangular regions x periods) is refused; numbers
parse; suppressed cells (empty, ``.``, ``x``, ``-``) become NaN, never 0; no duplicate keys, no negative
counts, numerator never above denominator for shares.
"""

from __future__ import annotations

import fnmatch
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analyse import paths
from analyse.data import regionnames
from analyse.data.catalogue import load_catalogue
from analyse.data.contract import COLUMNS, DEFAULT_PER, KEY, check_columns, coerce_dtypes, empty_frame, validate  # noqa: F401
from analyse.errors import DataIntegrityError

log = logging.getLogger(__name__)

DERIVED_RATES: tuple[tuple[str, str], ...] = (("bijstand_personen_aantal", "bijstand_tot_aow_per_1000"),)
"""(count indicator, rate indicator) pairs for which the build derives a rate per 1.000 inwoners."""

REGISTRY_PATH: Path = paths.PACKAGE_DIR / "data" / "registry.yml"
SUPPRESSED: frozenset[str] = frozenset({"", ".", "x", "X", "-", "?", "nan", "NaN", "None"})

_PERIOD_PATTERNS: tuple[tuple[str, str, str], ...] = (
    (r"^(?P<y>\d{4})$", "jaar", "{y}"),
    (r"^(?P<y>\d{4})JJ00$", "jaar", "{y}"),
    (r"^(?P<n>[12])e\s*half\s*jaar\s+(?P<y>\d{4})$", "halfjaar", "{y}H{n}"),
    (r"^(?P<y>\d{4})HJ0(?P<n>[12])$", "halfjaar", "{y}H{n}"),
    (r"^(?P<n>[1-4])e\s*kwartaal\s+(?P<y>\d{4})$", "kwartaal", "{y}Q{n}"),
    (r"^(?P<y>\d{4})KW0(?P<n>[1-4])$", "kwartaal", "{y}Q{n}"),
    (r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$", "peildatum", "{y}-{m}-{d}"),
)


# ----------------------------------------------------------------------------------------------- registry
@lru_cache(maxsize=4)
def _load_registry_cached(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        reg = yaml.safe_load(fh)
    if not isinstance(reg, dict) or "tables" not in reg or "indicators" not in reg:
        raise DataIntegrityError(f"{path}: registry needs 'tables' and 'indicators'")
    for ind, sources in reg["indicators"].items():
        for src in sources:
            for table in _source_tables(src):
                if table not in reg["tables"]:
                    raise DataIntegrityError(f"{path}: indicator {ind} uses unknown table {table}")
    return reg


def load_registry(path: Path | None = None) -> dict[str, Any]:
    """Load ``registry.yml`` (cached) and check that every referenced table is declared."""
    return _load_registry_cached(str(path or REGISTRY_PATH))


def _source_tables(src: dict[str, Any]) -> list[str]:
    return list(src["tables"]) if "tables" in src else [src["table"]]


def table_preference(registry: dict[str, Any]) -> pd.DataFrame:
    """Preference rank per (indicator_id, source_table): 0 = preferred (listed first in the registry)."""
    rows = []
    for ind, sources in registry["indicators"].items():
        rank = 0
        for src in sources:
            for table in _source_tables(src):
                rows.append((ind, table, rank))
                rank += 1
    frame = pd.DataFrame(rows, columns=["indicator_id", "source_table", "rank"])
    return frame.drop_duplicates(["indicator_id", "source_table"])


def series_keys(registry: dict[str, Any]) -> pd.DataFrame:
    """Which series each (indicator_id, source_table) belongs to: a change of series is a break.

    Rule: the tables of one source entry form one series (the same column in successive tables), unless the
    entry says ``series: per_table`` (every table its own edition, e.g. the yearly verdeelmaatstaven tables).
    Two entries of one indicator are one series only when they read the same column (``value`` or
    ``value_regex``): another column is another definition, so a break.

    A rate the build derives from a registered count (:data:`DERIVED_RATES`) belongs to the series of that count:
    its numerator is the count, its denominator the population of the same year.

    Returns:
        indicator_id, source_table, series (a key; equal keys = comparable periods), definition (the column).
    """
    rows = []
    derived = {count: rate for count, rate in DERIVED_RATES}
    for ind, sources in registry["indicators"].items():
        for src in sources:
            definition = str(src.get("value_regex") or src.get("value") or "")
            per_table = src.get("series") == "per_table"
            filt = ";".join(f"{k}={v}" for k, v in sorted((src.get("filter") or {}).items()))
            for table in _source_tables(src):
                key = f"{ind}|{definition}|{filt}" + (f"|{table}" if per_table else "")
                rows.append((ind, table, key, definition))
                if ind in derived:
                    rows.append((derived[ind], table, f"{derived[ind]}<-{key}", definition))
    frame = pd.DataFrame(rows, columns=["indicator_id", "source_table", "series", "definition"])
    return frame.drop_duplicates(["indicator_id", "source_table"])


def sources_for_table(registry: dict[str, Any], table_id: str) -> list[tuple[str, dict[str, Any]]]:
    """All (indicator_id, source spec) pairs that read ``table_id``."""
    return [(ind, src) for ind, sources in registry["indicators"].items() for src in sources
            if table_id in _source_tables(src)]


# ----------------------------------------------------------------------------------------------- parsing
def parse_periods(labels: pd.Series) -> pd.DataFrame:
    """Parse CBS period labels/codes into ``period``, ``period_type`` and ``year``.

    ``"1e halfjaar 2015"`` / ``"1e half jaar 2024"`` / ``"2015HJ01"`` -> ``2015H1``; ``"2015"`` /
    ``"2015JJ00"`` -> ``2015``; ``"1e kwartaal 2015"`` / ``"2015KW01"`` -> ``2015Q1``.

    Raises:
        DataIntegrityError: a label matches no known pattern.
    """
    text = labels.astype("string").str.strip()
    uniq = pd.Series(text.dropna().unique(), dtype="string")
    period = pd.Series(pd.NA, index=uniq.index, dtype="string")
    ptype = pd.Series(pd.NA, index=uniq.index, dtype="string")
    for pattern, kind, fmt in _PERIOD_PATTERNS:
        parts = uniq.str.extract(pattern)
        hit = parts.notna().all(axis=1) & period.isna()
        if hit.any():
            period[hit] = [fmt.format(**row) for row in parts[hit].to_dict("records")]
            ptype[hit] = kind
    bad = uniq[period.isna()]
    if len(bad) or text.isna().any():
        raise DataIntegrityError(f"unknown period label(s): {list(bad[:5])}{' and empty' if text.isna().any() else ''}")
    lookup = pd.DataFrame({"label": uniq, "period": period, "period_type": ptype})
    out = pd.DataFrame({"label": text}).merge(lookup, on="label", how="left")
    out.index = labels.index
    out["year"] = out["period"].str.slice(0, 4).astype(int)
    return out[["period", "period_type", "year"]]


def peildatum_from_column(column: str, pattern: str) -> str:
    """Peildatum from a column name: ``PersonenMetBijstand31122018_26`` -> ``2018-12-31`` (ddmmyyyy group)."""
    match = re.match(pattern, column)
    if not match:
        raise DataIntegrityError(f"column {column!r} does not match {pattern!r}")
    digits = match.group(1)
    return f"{digits[4:8]}-{digits[2:4]}-{digits[0:2]}"


def to_number(values: pd.Series, where: str = "") -> pd.Series:
    """Cells to float: suppressed markers (empty, ``.``, ``x``, ``-``) -> NaN, never 0.

    Raises:
        DataIntegrityError: a cell is neither a number nor a suppression marker.
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    text = values.astype("string").str.strip()
    text = text.mask(text.isin(SUPPRESSED) | text.isna())
    out = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & (out.isna() | np.isinf(out))  # "inf" / "Infinity" parse, but are no CBS number
    if bad.any():
        raise DataIntegrityError(f"{where}: non-numeric cell(s) {list(text[bad].unique()[:5])}")
    return out.astype("float64")


# ----------------------------------------------------------------------------------------------- reading
def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        if fh.tell() == 0:
            return True
        fh.seek(-1, 2)
        return fh.read(1) in (b"\n", b"\r")


def _last_line(path: Path) -> str:
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(size - 65536, 0))
        lines = [ln for ln in fh.read().decode("utf-8", errors="replace").splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def read_csv_checked(path: Path, table_id: str, sep: str = ";", filtered: bool = False) -> pd.DataFrame:
    """Read a CBS-style CSV as strings and check it is not cut off.

    Checks that the file ends with a line break and the last line has as many fields as the header (a
    truncated download ends mid-line) and, when there is an ``ID`` column, that IDs run 0..n-1 without gaps
    (only for unfiltered dumps; ``filtered=True`` for row extracts such as ``84421NED_gemeente_rows.csv``
    only requires increasing IDs).

    Raises:
        DataIntegrityError: unreadable, truncated or gapped file.
    """
    try:
        frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataIntegrityError(f"{table_id}: cannot read {path}: {exc}") from exc
    if frame.empty:
        raise DataIntegrityError(f"{table_id}: {path} has no data rows")
    if not _ends_with_newline(path):
        raise DataIntegrityError(f"{table_id}: {path} looks truncated: the last line has no line break")
    if sep == ";":
        last = _last_line(path)
        if last.count(sep) != len(frame.columns) - 1:
            raise DataIntegrityError(
                f"{table_id}: {path} looks truncated: last line has {last.count(sep) + 1} fields, header "
                f"{len(frame.columns)}"
            )
    if "ID" in frame.columns:
        ids = pd.to_numeric(frame["ID"], errors="coerce")
        if ids.isna().any() or not (ids.diff().dropna() > 0).all():
            raise DataIntegrityError(f"{table_id}: {path} has a malformed or unordered ID column")
        if not filtered and (ids.iloc[0] != 0 or not (ids.diff().dropna() == 1).all()):
            gap = int(ids.index[ids.diff() != 1][1]) if ids.iloc[0] == 0 else 0
            raise DataIntegrityError(f"{table_id}: {path} misses rows: ID column has a gap at data row {gap + 1} "
                                     f"(ID {ids.iloc[gap]:.0f})")
    return frame



def _resolve_column(frame: pd.DataFrame, src: dict[str, Any], where: str) -> str:
    if "value_regex" not in src:
        return src["value"]
    hits = [c for c in frame.columns if re.match(src["value_regex"], c)]
    if len(hits) != 1:
        raise DataIntegrityError(f"{where}: {len(hits)} columns match {src['value_regex']!r} (need exactly one)")
    return hits[0]


def _select_category(frame: pd.DataFrame, filt: dict[str, str], dims: list[str], keys: list[str],
                     truncated: bool, where: str) -> pd.DataFrame:
    """Rows of one complete dimension category; refuse truncated or non-rectangular categories."""
    unfiltered = [d for d in dims if d not in filt]
    mask = pd.Series(True, index=frame.index)
    for dim, cat in filt.items():
        if cat not in set(frame[dim]):
            raise DataIntegrityError(f"{where}: category {dim} == {cat!r} not in the file")
        mask &= frame[dim] == cat
    sub = frame[mask]
    if truncated and mask.iloc[-1]:
        raise DataIntegrityError(
            f"{where}: category {filt} is the last one in a file cut off at the row limit; it is incomplete "
            "and is not used"
        )
    shape = [sub[k].nunique() for k in keys + unfiltered]
    if (dims or truncated) and len(sub) != int(np.prod(shape)):
        raise DataIntegrityError(
            f"{where}: category {filt} is incomplete ({len(sub)} rows, expected {' x '.join(map(str, shape))})"
        )
    return sub


def _status(frame: pd.DataFrame, years: pd.Series, ptypes: pd.Series, rule: dict[str, Any]) -> pd.Series:
    kind = rule.get("rule", "fixed")
    if kind == "fixed":
        return pd.Series(rule.get("value", "onbekend"), index=frame.index, dtype="string")
    if kind == "latest_year_voorlopig":
        full = years[ptypes == "jaar"]
        latest = full.max() if len(full) else years.max()
        return pd.Series(np.where(years >= latest, "voorlopig", "definitief"), index=frame.index, dtype="string")
    if kind == "column":
        return frame[rule["column"]].str.strip().str.lower().astype("string")
    raise DataIntegrityError(f"unknown status rule {rule}")


def _regions(frame: pd.DataFrame, cfg: dict[str, Any], years: pd.Series, lookup: regionnames.RegionLookup | None,
             table_id: str) -> pd.Series:
    col = cfg["region"]["column"]
    if cfg["region"].get("kind", "names") == "codes":
        codes = frame[col].astype("string").str.strip()
        codes = codes.mask(codes.isin(cfg["region"].get("drop", [])) | codes.str.startswith("LD"))
        name_col = cfg["region"].get("name_column")
        if name_col and lookup is not None:
            gm = codes.str.startswith("GM").fillna(False)
            regionnames.crosscheck(frame.loc[gm, name_col], codes[gm], years[gm], lookup, table_id)
        return codes
    if lookup is None:
        raise DataIntegrityError(f"{table_id}: region names need a RegionLookup (gemeenten_per_jaar.csv)")
    return regionnames.map_names(frame[col], years, lookup, table_id)


def column_step(precision: dict[str, Any] | None, column: str | None) -> float:
    """The rounding step the table publishes ``column`` in (registry ``tables.<id>.precision``; 0 = exact).

    Keys are column names or shell patterns (``PersonenMetBijstand*``, ``*``); the first matching key in the
    order written wins. A derived column (``None`` or ``"derive"``) has step 0.
    """
    if not precision or column in (None, "derive"):
        return 0.0
    for key, step in precision.items():
        if fnmatch.fnmatchcase(str(column), str(key)):
            return float(step)
    return 0.0


def _build_source(sub: pd.DataFrame, base: pd.DataFrame, indicator: str, src: dict[str, Any], unit: str,
                  per: float, table_id: str, where: str, precision: dict[str, Any] | None = None) -> pd.DataFrame:
    column = _resolve_column(sub, src, where)
    spec_num, spec_den = src.get("numerator"), src.get("denominator")
    if column == "derive":
        value = pd.Series(np.nan, index=sub.index)
    else:
        value = to_number(sub[column], f"{where} column {column}") * float(src.get("scale", 1))
    num = to_number(sub[spec_num], f"{where} column {spec_num}") if spec_num not in (None, "derive") else None
    den = to_number(sub[spec_den], f"{where} column {spec_den}") if spec_den not in (None, "derive") else None
    if spec_num == "derive" and den is not None:
        num = value * den / per
    if spec_den == "derive" and num is not None:
        den = (num / (value / per)).where(value > 0)
    if src.get("value") == "derive" and num is not None and den is not None:
        value = (num / den * per).where(den > 0)
    nan = pd.Series(np.nan, index=sub.index)
    # a count derived from a rounded published rate is approximate (KWB whole percentages, CBS % with 1 decimal)
    rounded = bool(src.get("rounded", False)) or "derive" in (spec_num, spec_den)
    out = base.loc[sub.index].assign(
        indicator_id=indicator, value=value, numerator=nan if num is None else num,
        denominator=nan if den is None else den, unit=unit, source_table=table_id, rounded=rounded,
        rounding_step=column_step(precision, column) * float(src.get("scale", 1)),
        numerator_rounding_step=column_step(precision, spec_num),
        denominator_rounding_step=column_step(precision, spec_den),
    )
    if src.get("period_from_column"):
        out = out.assign(period=peildatum_from_column(column, src["value_regex"]), period_type="peildatum")
    years = src.get("years")
    if years:
        first, last = (years[0] or 0), (years[1] or 9999)
        out = out[out["period"].str.slice(0, 4).astype(int).between(first, last)]
    return out


def read_table(table_id: str, path: Path, lookup: regionnames.RegionLookup | None,
               catalogue: pd.DataFrame | None = None, registry: dict[str, Any] | None = None) -> pd.DataFrame:
    """Read one registered table into the tidy indicator frame.

    Args:
        table_id: key in ``registry.yml`` ``tables``.
        path: the (verified) raw file.
        lookup: region name lookup (needed for tables that name their regions).
        catalogue: the indicator catalogue (``unit`` and ``per`` per id); default
            :func:`analyse.data.catalogue.load_catalogue`.
        registry: default :func:`load_registry`.

    Returns:
        Frame with exactly :data:`COLUMNS`, validated with :func:`validate`.
    """
    registry = registry or load_registry()
    cfg = registry["tables"][table_id]
    frame = read_csv_checked(path, table_id, cfg.get("sep", ";"))
    return tidy_from_frame(frame, table_id, lookup, catalogue, registry, where=f"{table_id} ({Path(path).name})")


def tidy_from_frame(frame: pd.DataFrame, table_id: str, lookup: regionnames.RegionLookup | None,
                    catalogue: pd.DataFrame | None = None, registry: dict[str, Any] | None = None,
                    where: str | None = None) -> pd.DataFrame:
    """Turn an already-read table (file or OData, string cells, StatLine titles) into the tidy frame.

    This is the one code path shared by the file readers and the live OData loader.
    """
    registry = registry or load_registry()
    where = where or table_id
    cfg = registry["tables"][table_id]
    units = _units(catalogue)
    sources = sources_for_table(registry, table_id)
    if not sources:
        return empty_frame()
    dims = list(cfg.get("dimensions", []))
    period_cfg, region_col = cfg["period"], cfg["region"]["column"]
    needed = [region_col] + dims + ([period_cfg["column"]] if "column" in period_cfg else [])
    if cfg["region"].get("name_column"):
        needed.append(cfg["region"]["name_column"])
    for _, src in sources:
        if "value_regex" not in src and src.get("value") not in (None, "derive"):
            needed.append(src["value"])
        needed += [src[k] for k in ("numerator", "denominator") if src.get(k) not in (None, "derive")]
    check_columns(frame, needed, where)
    if "column" in period_cfg:
        try:
            periods = parse_periods(frame[period_cfg["column"]])
        except DataIntegrityError as exc:
            raise DataIntegrityError(f"{where} column {period_cfg['column']}: {exc}") from None
    else:
        periods = pd.DataFrame({"period": period_cfg["fixed"], "period_type": period_cfg.get("type", "jaar"),
                                "year": int(period_cfg.get("year", str(period_cfg["fixed"])[:4]))}, index=frame.index)
    truncated = len(frame) >= int(registry.get("truncation_limit", 10_000))
    keys = [region_col] + ([period_cfg["column"]] if "column" in period_cfg else [])
    codes = _regions(frame, cfg, periods["year"], lookup, table_id)
    status = _status(frame, periods["year"], periods["period_type"], cfg.get("status", {}))
    base = pd.DataFrame({"gemeentecode": codes, "period": periods["period"], "period_type": periods["period_type"],
                         "status": status}, index=frame.index)
    parts = []
    for indicator, src in sources:
        if indicator not in units:
            raise DataIntegrityError(f"registry indicator {indicator!r} has no catalogue entry")
        filt = {**cfg.get("filter", {}), **src.get("filter", {})}
        sub = _select_category(frame, filt, dims, keys, truncated, where)
        unit, per = units[indicator]
        parts.append(_build_source(sub, base, indicator, src, unit, per, table_id, where, cfg.get("precision")))
    out = pd.concat(parts, ignore_index=True)
    out = out[out["gemeentecode"].notna()]
    out = _resolve_status_duplicates(out, cfg.get("status", {}))
    return validate(out.reset_index(drop=True), where)


def _resolve_status_duplicates(frame: pd.DataFrame, rule: dict[str, Any]) -> pd.DataFrame:
    """With a status column (85383NED) keep one row per key: the preferred status with a value."""
    if rule.get("rule") != "column":
        return frame
    order = {s.lower(): i for i, s in enumerate(rule.get("prefer", []))}
    ranked = frame.assign(_empty=frame["value"].isna(), _rank=frame["status"].map(order).fillna(99))
    ranked = ranked.sort_values(["_empty", "_rank"], kind="stable").drop_duplicates(KEY)
    return ranked.drop(columns=["_empty", "_rank"]).sort_index()


def _units(catalogue: pd.DataFrame | None) -> dict[str, tuple[str, float]]:
    if catalogue is None:
        catalogue = load_catalogue()
    per = catalogue["per"] if "per" in catalogue else pd.Series(np.nan, index=catalogue.index)
    out = {}
    for ind, unit, p in zip(catalogue["id"], catalogue["unit"], per):
        p = float(p) if pd.notna(p) else DEFAULT_PER.get(unit, 1.0)
        out[ind] = (unit, p)
    return out



def read_all(files: dict[str, Path], lookup: regionnames.RegionLookup | None,
             catalogue: pd.DataFrame | None = None, registry: dict[str, Any] | None = None) -> pd.DataFrame:
    """Read every registered table present in ``files`` (``{table_id: path}``) and concatenate.

    Tables that are registered but absent are logged and skipped (short series are handled downstream).
    """
    registry = registry or load_registry()
    parts = []
    for table_id in registry["tables"]:
        if table_id not in files:
            log.info("table %s not available, skipped", table_id)
            continue
        parts.append(read_table(table_id, files[table_id], lookup, catalogue, registry))
        log.info("read %s: %d rows", table_id, len(parts[-1]))
    if not parts:
        return empty_frame()
    return validate(pd.concat(parts, ignore_index=True), "all CBS tables")


def derive_per_inwoners(indicators: pd.DataFrame, count_id: str, rate_id: str, per: float = 1000.0,
                        inwoners_id: str = "inwoners") -> pd.DataFrame:
    """Derive a rate per ``per`` inwoners from a count indicator and the ``inwoners`` indicator.

    A peildatum ``YYYY-12-31`` takes inwoners on 1 January ``YYYY+1``; a year ``YYYY`` takes 1 January ``YYYY``.
    The inwoners row of the preferred source (first in the registry) is used.

    Returns:
        New rows (``rate_id``) only; counts without inwoners are left out.
    """
    counts = indicators[(indicators["indicator_id"] == count_id) & indicators["value"].notna()]
    inw = indicators[(indicators["indicator_id"] == inwoners_id) & (indicators["period_type"] == "jaar")]
    if counts.empty or inw.empty:
        return empty_frame()
    pref = table_preference(load_registry())
    inw = (inw.merge(pref, on=["indicator_id", "source_table"], how="left").sort_values("rank")
           .drop_duplicates(["gemeentecode", "period"])[["gemeentecode", "period", "value"]]
           .rename(columns={"value": "denominator", "period": "inw_period"}))
    year = counts["period"].str.slice(0, 4).astype(int)
    next_year = counts["period"].str.endswith("-12-31") & (counts["period_type"] == "peildatum")
    counts = counts.assign(inw_period=(year + next_year.astype(int)).astype(str))
    out = counts.drop(columns=["denominator"]).merge(inw, on=["gemeentecode", "inw_period"], how="inner")
    out = out.assign(indicator_id=rate_id, numerator=out["value"], unit="per_1000",
                     value=out["value"] / out["denominator"] * per, numerator_rounding_step=out["rounding_step"],
                     rounding_step=0.0, denominator_rounding_step=0.0)
    return validate(out, f"{rate_id} (derived)")
