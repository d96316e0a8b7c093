"""Content of the sources chapter and the colofon."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from analyse.content.inputs import ReportInputs


@dataclass
class SourcesContent:
    """Source tables used for the gemeente and the facts of the colofon."""

    tables: pd.DataFrame
    """One row per source table: tabel, titel, indicatoren, eerste_periode, laatste_periode, status, opgehaald."""
    commit: str
    created: str
    checksums: list[tuple[str, str]]


def source_tables(inputs: ReportInputs, code: str) -> pd.DataFrame:
    """Per source table of the gemeente's indicators: periods, status and (from the sidecars) title and date."""
    mine = inputs.harmonised[inputs.harmonised["gemeentecode"] == code]
    if mine.empty:
        return pd.DataFrame(columns=["tabel", "titel", "indicatoren", "eerste_periode", "laatste_periode",
                                     "status", "opgehaald"])
    summary = (mine.groupby("source_table", observed=True)
               .agg(indicatoren=("indicator_id", "nunique"), eerste_periode=("period", "min"),
                    laatste_periode=("period", "max"),
                    status=("status", lambda s: ", ".join(sorted(set(map(str, s))))))
               .reset_index().rename(columns={"source_table": "tabel"}))
    snaps = inputs.snapshots
    if len(snaps):
        side = (snaps.assign(tabel=snaps["table_id"].astype(str)).sort_values("retrieved")
                .groupby("tabel").agg(titel=("title", "first"), opgehaald=("retrieved", "last")).reset_index())
        summary = summary.merge(side, on="tabel", how="left")
    else:
        summary = summary.assign(titel=pd.NA, opgehaald=pd.NA)
    return summary[["tabel", "titel", "indicatoren", "eerste_periode", "laatste_periode", "status", "opgehaald"]]


CBS_TABLE_ID = re.compile(r"^\d{5}[A-Z]{3}$")
"""A CBS StatLine table id such as ``85099NED``; other ids are our names for files (not shown to readers)."""


def display_sources(tables: pd.DataFrame) -> pd.DataFrame:
    """The sources table as readers see it: title, CBS table id (when it is one), periods, status, date."""
    is_cbs = tables["tabel"].astype(str).str.match(CBS_TABLE_ID.pattern)
    has_title = tables["titel"].notna() & (tables["titel"].astype(str).str.strip() != "")
    fallback = pd.Series(np.where(is_cbs, "CBS-tabel " + tables["tabel"].astype(str),
                                  "Cijfers uit een document van de gemeente"), index=tables.index)
    title = tables["titel"].where(has_title, fallback)
    return pd.DataFrame({
        "Bron": title, "CBS-tabel": tables["tabel"].where(is_cbs, "–"), "Indicatoren": tables["indicatoren"],
        "Eerste periode": tables["eerste_periode"], "Laatste periode": tables["laatste_periode"],
        "Status": tables["status"], "Opgehaald": tables["opgehaald"].map(_date)})


def _date(value: object) -> str:
    """A retrieval date as ``30-11-2026`` (``–`` when unknown)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    try:
        return pd.Timestamp(value).strftime("%d-%m-%Y")
    except (TypeError, ValueError):
        return str(value)


def build(inputs: ReportInputs, code: str, commit: str, created: datetime | None) -> SourcesContent:
    """Sources and colofon facts of one report (``commit`` and ``created`` passed in; "onbekend" without a time)."""
    return SourcesContent(tables=source_tables(inputs, code), commit=commit,
                          created=created.strftime("%d-%m-%Y %H:%M") if created else "onbekend",
                          checksums=list(inputs.checksums))
