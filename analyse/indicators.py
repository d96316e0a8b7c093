"""Indicator catalogue and the tidy indicator table: loading, selecting, harmonising, reference values.

* :func:`load_catalogue` merges every ``analyse/catalogue/*.yml`` (a duplicate id is an error naming both files).
* :func:`load_indicators` reads ``data/processed/indicators.parquet`` (built by ``make data``).
* :func:`select_preferred` keeps one source table per (indicator, region, period) so nothing is counted twice.
* :func:`harmonise` maps old gemeente codes to their successor in an indelingsjaar, re-aggregating
  numerator and denominator (never averaging percentages).
* :func:`reference_values` / :func:`reference_value`: Σnumerator / Σdenominator × per over member gemeenten;
  :func:`aggregate_members` does it for all indicators and regions at once, :func:`computed_reference_rows`
  turns it into reference rows where CBS publishes none.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analyse import paths
from analyse.data.cbs_tables import COLUMNS, DEFAULT_PER, load_registry, table_preference, validate
from analyse.errors import DataIntegrityError, DataNotAvailableError

log = logging.getLogger(__name__)

REQUIRED_KEYS = ("id", "naam", "unit", "polarity", "kind")
CATALOGUE_COLUMNS = ("id", "naam", "definitie", "unit", "polarity", "kind", "numerator", "denominator", "per",
                     "populatie", "domein", "bron", "referentieperiode", "shipped", "tabellen", "file")
UNITS = {"aantal", "procent", "per_1000", "eur", "eur_per_inwoner", "index", "jaar"}
POLARITIES = {"hoger_beter", "lager_beter", "neutraal"}
KINDS = {"share", "rate", "count", "level"}
UNKNOWN_TABLE_RANK = 1000


# ------------------------------------------------------------------------------------------- catalogue
def _read_catalogue_file(path: Path) -> list[dict[str, Any]]:
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise DataIntegrityError(f"catalogue {path.name} is not valid YAML: {exc}") from exc
    if not isinstance(entries, list):
        raise DataIntegrityError(f"catalogue {path.name} must be a list of entries")
    for i, entry in enumerate(entries):
        missing = [k for k in REQUIRED_KEYS if not isinstance(entry, dict) or k not in entry]
        if missing:
            raise DataIntegrityError(f"catalogue {path.name} entry {i} ({entry.get('id', '?') if isinstance(entry, dict) else entry!r}) misses {missing}")
        if entry["unit"] not in UNITS or entry["polarity"] not in POLARITIES or entry["kind"] not in KINDS:
            raise DataIntegrityError(
                f"catalogue {path.name} entry {entry['id']}: unit/polarity/kind must be in {sorted(UNITS)} / "
                f"{sorted(POLARITIES)} / {sorted(KINDS)}"
            )
    return [{**e, "file": path.name} for e in entries]


def load_catalogue(catalogue_dir: Path | None = None) -> pd.DataFrame:
    """Merge all ``*.yml`` files in the catalogue directory into one frame (one row per indicator id).

    Args:
        catalogue_dir: default ``analyse/catalogue``.

    Returns:
        Frame with :data:`CATALOGUE_COLUMNS` (``per`` filled from the unit when absent; ``shipped`` default True).

    Raises:
        DataIntegrityError: invalid file or entry, or the same id in two places (both files named).
    """
    catalogue_dir = Path(catalogue_dir or paths.CATALOGUE_DIR)
    rows: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for path in sorted(catalogue_dir.glob("*.yml")):
        for entry in _read_catalogue_file(path):
            if entry["id"] in seen:
                raise DataIntegrityError(
                    f"duplicate indicator id {entry['id']!r} in catalogue files {seen[entry['id']]} and {path.name}"
                )
            seen[entry["id"]] = path.name
            rows.append(entry)
    frame = pd.DataFrame(rows).reindex(columns=list(CATALOGUE_COLUMNS))
    per_default = frame["unit"].map(DEFAULT_PER).fillna(1.0)
    return frame.assign(
        per=pd.to_numeric(frame["per"], errors="coerce").fillna(per_default),
        shipped=frame["shipped"].map(lambda v: True if v is None or (isinstance(v, float) and np.isnan(v)) else bool(v)),
    ).reset_index(drop=True)


# ------------------------------------------------------------------------------------------- indicators
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


def _ranked(indicators: pd.DataFrame, registry: dict[str, Any] | None = None) -> pd.DataFrame:
    pref = table_preference(registry or load_registry())
    out = indicators.merge(pref, on=["indicator_id", "source_table"], how="left")
    return out.assign(rank=out["rank"].fillna(UNKNOWN_TABLE_RANK))


def select_preferred(indicators: pd.DataFrame, registry: dict[str, Any] | None = None) -> pd.DataFrame:
    """Keep one row per (indicator_id, gemeentecode, period): the preferred source table.

    Preference is the order of the sources in ``registry.yml`` (newest table first); tables not in the registry
    (seed tables) come after CBS tables. A row with a value beats a preferred row whose value is NaN (e.g. Wmo
    2017 missing in 85896NED but present in 83262NED), so gaps are filled from the older table.

    Returns:
        A new frame with the contract columns.
    """
    if indicators.empty:
        return indicators.copy()
    ranked = _ranked(indicators, registry).assign(_nan=lambda f: f["value"].isna())
    ranked = ranked.sort_values(["_nan", "rank", "source_table"], kind="stable")
    ranked = ranked.drop_duplicates(["indicator_id", "gemeentecode", "period"])
    return ranked[list(COLUMNS)].sort_values(["indicator_id", "gemeentecode", "period"]).reset_index(drop=True)


def series(indicators: pd.DataFrame, indicator_id: str, codes: list[str] | str,
           period_type: str = "jaar") -> pd.DataFrame:
    """Time series of one indicator for some regions, one preferred row per region and period.

    Args:
        indicators: the tidy indicator table.
        indicator_id: catalogue id.
        codes: one code or a list of codes.
        period_type: ``jaar`` / ``halfjaar`` / ``kwartaal`` / ``peildatum``; ``None`` for all.

    Returns:
        Rows sorted by gemeentecode and period (empty frame when nothing is there).
    """
    codes = [codes] if isinstance(codes, str) else list(codes)
    mask = (indicators["indicator_id"] == indicator_id) & indicators["gemeentecode"].isin(codes)
    if period_type is not None:
        mask &= indicators["period_type"] == period_type
    return select_preferred(indicators[mask])


# ------------------------------------------------------------------------------------------- harmonise
def successor_map(herindelingen: pd.DataFrame, indelingsjaar: int) -> pd.Series:
    """Map every old gemeente code to its (final) successor in ``indelingsjaar``.

    Uses the herindelingen with ``jaar <= indelingsjaar`` (``jaar`` = first indelingsjaar without the old code),
    follows chains (A -> B -> C) and, for a gemeente split over several successors, the first row listed
    (the main successor as built by ``analyse.data.gemeenten_build``).
    """
    rel = herindelingen[(herindelingen["jaar"].astype(int) <= indelingsjaar)
                        & (herindelingen["oude_code"] != herindelingen["nieuwe_code"])]
    step = rel.drop_duplicates("oude_code").set_index("oude_code")["nieuwe_code"]
    final = step.copy()
    for _ in range(50):
        nxt = final.map(step).fillna(final)
        if (nxt == final).all():
            break
        final = nxt
    else:
        raise DataIntegrityError("herindelingen contain a cycle")
    return final


def _per(indicators: pd.DataFrame, catalogue: pd.DataFrame | None) -> pd.Series:
    per = indicators["unit"].map(DEFAULT_PER).fillna(1.0)
    if catalogue is not None:
        cat = catalogue.set_index("id")["per"]
        per = indicators["indicator_id"].map(cat).fillna(per)
    return per.astype(float)


def harmonise(indicators: pd.DataFrame, indelingsjaar: int, herindelingen: pd.DataFrame,
              catalogue: pd.DataFrame | None = None, with_notes: bool = False
              ) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Express gemeente rows in the indeling of ``indelingsjaar``.

    Old codes are mapped to their successor. Where several codes fall together, numerator and denominator are
    summed (all members must have them) and the value recomputed (× ``per``); counts without numerator /
    denominator (unit ``aantal``) are summed. Rows that cannot be re-aggregated (no numerator / denominator, a
    member missing) are dropped, never averaged; they are logged and, with
    ``with_notes=True``, returned as a second frame (indicator_id, gemeentecode, period, source_table, members,
    reason). The notes are deliberately not kept in ``DataFrame.attrs``: pandas deep-copies ``attrs`` on every
    operation, which made each later step seconds slower (and a frame there breaks merges).

    Returns:
        A new validated frame; non-gemeente rows (NL01, JZ.., …) pass unchanged.
    """
    succ = successor_map(herindelingen, indelingsjaar)
    codes = indicators["gemeentecode"].astype("string")
    frame = indicators.assign(_new=codes.map(succ.to_dict()).astype("string").fillna(codes))
    frame = frame.assign(_per=_per(frame, catalogue))
    keys = ["indicator_id", "_new", "period", "source_table"]
    size = frame.groupby(keys)["gemeentecode"].transform("size")
    touched = (frame["_new"] != frame["gemeentecode"]) | (size > 1)
    plain = frame[~touched].drop(columns=["gemeentecode"]).rename(columns={"_new": "gemeentecode"})
    merged = frame[touched]
    notes = pd.DataFrame(columns=["indicator_id", "gemeentecode", "period", "source_table", "members", "reason"])
    if not merged.empty:
        expected = merged.groupby(["indicator_id", "source_table", "_new"])["gemeentecode"].nunique().rename("_expected")
        grp = merged.groupby(keys, sort=False).agg(
            n=("gemeentecode", "size"), members=("gemeentecode", lambda s: ";".join(sorted(s))),
            num=("numerator", lambda s: s.sum(min_count=len(s))), den=("denominator", lambda s: s.sum(min_count=len(s))),
            val=("value", lambda s: s.sum(min_count=len(s))), period_type=("period_type", "first"),
            unit=("unit", "first"), status=("status", lambda s: s.iloc[0] if s.nunique() == 1 else _weakest(s)),
            per=("_per", "first"),
        ).reset_index().join(expected, on=["indicator_id", "source_table", "_new"])
        required = _required_members(herindelingen, indelingsjaar)
        has_required = [required(new, period) <= set(members.split(";"))
                        for new, period, members in zip(grp["_new"], grp["period"], grp["members"])]
        complete = (grp["n"] == grp["_expected"]) & np.asarray(has_required, dtype=bool)
        ratio_ok = complete & grp["num"].notna() & grp["den"].notna() & (grp["den"] > 0)
        count_ok = complete & ~ratio_ok & (grp["unit"] == "aantal") & grp["val"].notna()
        value = np.where(ratio_ok, grp["num"] / grp["den"] * grp["per"], grp["val"])
        kept = grp[ratio_ok | count_ok].assign(value=value[ratio_ok | count_ok])
        kept = kept.assign(numerator=kept["num"].where(ratio_ok), denominator=kept["den"].where(ratio_ok))
        dropped = grp[~(ratio_ok | count_ok)]
        notes = dropped.rename(columns={"_new": "gemeentecode"}).assign(
            reason=np.where(~complete[~(ratio_ok | count_ok)], "niet alle voorgangers aanwezig",
                            "geen teller/noemer om opnieuw te aggregeren"),
        )[["indicator_id", "gemeentecode", "period", "source_table", "members", "reason"]]
        merged_out = kept.rename(columns={"_new": "gemeentecode"})
        plain = pd.concat([plain, merged_out[[c for c in COLUMNS]]], ignore_index=True)
        if len(notes):
            log.info("harmonise to %d: %d merged rows dropped (no numerator/denominator or incomplete)",
                     indelingsjaar, len(notes))
    out = validate(plain[list(COLUMNS)].reset_index(drop=True), f"harmonise({indelingsjaar})")
    return (out, notes.reset_index(drop=True)) if with_notes else out


def _required_members(herindelingen: pd.DataFrame, indelingsjaar: int):
    """``required(new_code, period)`` -> the old codes that certainly existed in the period's year and end up in
    ``new_code``: dissolved after that year and not themselves created after it. Without all of them a
    re-aggregated value would cover only part of the successor (e.g. Berg en Dal 2014 from Groesbeek alone)."""
    rel = herindelingen[(herindelingen["jaar"].astype(int) <= indelingsjaar)
                        & (herindelingen["oude_code"] != herindelingen["nieuwe_code"])]
    succ = successor_map(herindelingen, indelingsjaar)
    dissolved = rel.groupby("oude_code")["jaar"].min().astype(int)
    created = rel.groupby("nieuwe_code")["jaar"].max().astype(int)
    by_new: dict[str, list[tuple[str, int, int | None]]] = {}
    for code, jaar in dissolved.items():
        by_new.setdefault(succ.get(code, code), []).append((code, int(jaar), created.get(code)))

    def required(new_code: str, period: str) -> set[str]:
        year = int(str(period)[:4])
        return {c for c, jaar, made in by_new.get(new_code, []) if jaar > year and (made is None or made <= year)}

    return required


_STATUS_ORDER = ["voorlopig", "nader voorlopig", "onbekend", "definitief"]


def _weakest(statuses: pd.Series) -> str:
    """The least final status of a group (voorlopig beats definitief)."""
    for status in _STATUS_ORDER:
        if (statuses == status).any():
            return status
    return "onbekend"


# ------------------------------------------------------------------------------------------- references
COMPUTED_SOURCE = "berekend: Σteller/Σnoemer van de leden"
"""``source_table`` of reference rows computed from member gemeenten."""


def aggregate_members(indicators: pd.DataFrame, membership: pd.DataFrame,
                      catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Σnumerator / Σdenominator × per per (indicator, reference region, period), vectorised.

    Only member rows with both numerator and denominator count; a mean of member percentages is never used.

    Args:
        indicators: tidy indicator table (preferred rows are selected first).
        membership: ``reference_code, gemeentecode`` pairs (e.g. every gemeente of a jeugdzorgregio, or of NL01).
        catalogue: for ``per`` (default from the unit).

    Returns:
        One row per (indicator_id, reference_code, period) with value, numerator, denominator, period_type,
        unit, status (the least final of the members), n_members, n_present, n_missing and missing
        (``;``-joined member codes without numerator/denominator).
    """
    link = membership[["reference_code", "gemeentecode"]].drop_duplicates()
    rows = select_preferred(indicators[indicators["gemeentecode"].isin(link["gemeentecode"])])
    usable = rows[rows["numerator"].notna() & rows["denominator"].notna()]
    usable = usable.assign(_per=_per(usable, catalogue))
    joined = link.merge(usable, on="gemeentecode", how="inner")
    keys = ["indicator_id", "reference_code", "period"]
    agg = joined.groupby(keys, sort=False).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum"), n_present=("gemeentecode", "nunique"),
        present=("gemeentecode", lambda c: set(c)), period_type=("period_type", "first"), unit=("unit", "first"),
        status=("status", _weakest), per=("_per", "first"),
    ).reset_index()
    members = link.groupby("reference_code")["gemeentecode"].agg(list)
    agg["n_members"] = agg["reference_code"].map(members.str.len()).astype(int)
    agg["n_missing"] = agg["n_members"] - agg["n_present"]
    agg["missing"] = [";".join(c for c in members[r] if c not in p) for r, p in zip(agg["reference_code"], agg["present"])]
    agg["value"] = (agg["numerator"] / agg["denominator"] * agg["per"]).where(agg["denominator"] > 0)
    return agg.drop(columns=["present", "per"])


def computed_reference_rows(indicators: pd.DataFrame, membership: pd.DataFrame,
                            catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Reference-region rows in the ``indicators`` schema, computed where the data have none.

    A (indicator, region, period) gets a computed row only when *every* member gemeente has numerator and
    denominator (a partial sum would be biased) and the data have no published row for it; ``source_table``
    is :data:`COMPUTED_SOURCE`.
    """
    agg = aggregate_members(indicators, membership, catalogue)
    agg = agg[agg["n_missing"] == 0].rename(columns={"reference_code": "gemeentecode"})
    published = indicators.loc[indicators["value"].notna(), ["indicator_id", "gemeentecode", "period"]]
    agg = agg.merge(published.drop_duplicates().assign(_published=True),
                    on=["indicator_id", "gemeentecode", "period"], how="left")
    agg = agg[agg["_published"].isna()].assign(source_table=COMPUTED_SOURCE)
    return validate(agg[list(COLUMNS)].reset_index(drop=True), "computed reference rows")


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
