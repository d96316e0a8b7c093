"""Map the region *names* of the CBS sociaal-domein tables to region *codes*.

The cbs-sociaal-domein files carry the StatLine title of a region (``"Hendrik-Ido-Ambacht"``,
``"'s-Gravenhage (gemeente)"``, ``"Bergen (NH.)"``, ``"Rijnmond (JZ)"``), not its code. This module turns
them into codes:

* gemeenten: ``gemeenten_per_jaar.csv`` (names per year 2010-2026). The name is looked up in the list of the
  period year first; a gemeente that no longer/not yet existed in that year (CBS keeps dissolved gemeenten
  under their old name, with empty later periods) is looked up in the nearest year that has the name.
  The CBS disambiguation suffix ``" (gemeente)"`` is removed; ``"Bergen (NH.)"`` etc. are the list's own names.
* ``Nederland`` -> ``NL01``.
* provincies ``"<naam> (PV)"`` -> ``PV20`` … ``PV31`` (fixed list; "Friesland" and "Fryslân" both PV21).
* jeugdzorgregio's ``"<naam> (JZ)"`` -> ``JZxx`` from the 2016 names, plus :data:`JZ_ALIASES` for the names
  used from 2021 on (derived: same region, renamed).
* COROP ``"<naam> (CR)"`` -> ``CRxx`` from the 2024 COROP file.
* arbeidsmarktregio's ``"<naam> (AM)"`` -> ``AMxx`` from the 2016 names plus :data:`AM_ALIASES`.
* CBS size classes -> the codes in :data:`GROOTTEKLASSEN` (defined here: ``GK1`` … ``GK6``, ``GK1A`` …).

A name that maps to nothing raises :class:`~analyse.errors.DataIntegrityError` naming table, name and year.
Only the categories in :data:`IGNORED` (landsdelen) are dropped deliberately.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analyse.errors import DataIntegrityError

log = logging.getLogger(__name__)

NEDERLAND = "NL01"

PROVINCIES: dict[str, str] = {
    "Groningen": "PV20", "Friesland": "PV21", "Fryslân": "PV21", "Drenthe": "PV22", "Overijssel": "PV23",
    "Flevoland": "PV24", "Gelderland": "PV25", "Utrecht": "PV26", "Noord-Holland": "PV27",
    "Zuid-Holland": "PV28", "Zeeland": "PV29", "Noord-Brabant": "PV30", "Limburg": "PV31",
}

GROOTTEKLASSEN: dict[str, str] = {
    "Minder dan 20 000 inwoners": "GK1",
    "20 000 tot 50 000 inwoners": "GK2",
    "50 000 tot 100 000 inwoners": "GK3",
    "100 000 tot 150 000 inwoners": "GK4",
    "150 000 tot 250 000 inwoners": "GK5",
    "250 000 inwoners of meer": "GK6",
    # finer classes some CBS tables use below 20 000 inwoners
    "Minder dan 5 000 inwoners": "GK1A",
    "5 000 tot 10 000 inwoners": "GK1B",
    "10 000 tot 20 000 inwoners": "GK1C",
}
"""CBS gemeentegrootteklassen (StatLine titles) -> stable package codes (not CBS codes)."""

JZ_ALIASES: dict[str, str] = {
    "Centraal Gelderland": "JZ28",  # 2016 "Arnhem"
    "Rijk van Nijmegen": "JZ32",  # 2016 "Nijmegen"
    "Midden-Brabant (Hart van Brabant)": "JZ35",  # 2016 "Midden-Brabant"
}
"""Jeugdzorgregio names used from 2021 on that differ from the 2016 names. Derived by elimination: the
2021+ tables list 42 regions, 39 with a 2016 name, and these three replace the three 2016 names that are
missing; the member gemeenten were not checked against a CBS 2021 list (none shipped)."""

AM_ALIASES: dict[str, str] = {
    "Zuid-Kennemerland": "AM37",  # 2016 "Zuid-Kennemerland en IJmond"
    "IJsselvechtstreek": "AM36",  # 2016 "Regio Zwolle"
}
"""Arbeidsmarktregio names in 83450NED that differ from the 2016 names (derived by elimination)."""

IGNORED: frozenset[str] = frozenset({
    "Noord-Nederland (LD)", "Oost-Nederland (LD)", "West-Nederland (LD)", "Zuid-Nederland (LD)",
})
"""Categories deliberately not used: the four landsdelen (no contract code, no report uses them)."""

SUFFIXES = {" (PV)": "PV", " (JZ)": "JZ", " (CR)": "CR", " (AM)": "AM", " (LD)": "LD"}


@dataclass(frozen=True)
class RegionLookup:
    """Everything needed to map names to codes.

    Attributes:
        gemeenten: frame with ``jaar`` (int), ``gm_code``, ``gm_naam`` (one row per gemeente per year).
        regions: non-gemeente names *with* their suffix (``"Rijnmond (JZ)"``) -> code.
    """

    gemeenten: pd.DataFrame
    regions: dict[str, str] = field(default_factory=dict)


def read_gemeenten_per_jaar(path: Path) -> pd.DataFrame:
    """Read ``gemeenten_per_jaar.csv`` (jaar, gm_code, gm_naam) and check its columns."""
    frame = pd.read_csv(path, dtype={"gm_code": str, "gm_naam": str})
    missing = {"jaar", "gm_code", "gm_naam"} - set(frame.columns)
    if missing:
        raise DataIntegrityError(f"{path}: missing column(s) {sorted(missing)}")
    return frame.assign(jaar=frame["jaar"].astype(int), gm_naam=frame["gm_naam"].str.strip())[
        ["jaar", "gm_code", "gm_naam"]
    ]


def _read_code_names(path: Path | None, suffix: str, aliases: dict[str, str]) -> dict[str, str]:
    out = {f"{name}{suffix}": code for name, code in aliases.items()}
    if path is not None and Path(path).is_file():
        frame = pd.read_csv(path, dtype=str)
        out.update({f"{n.strip()}{suffix}": c.strip() for c, n in zip(frame["code"], frame["naam"])})
    return out


def _read_corop(path: Path | None) -> dict[str, str]:
    if path is None or not Path(path).is_file():
        return {}
    frame = pd.read_csv(path, dtype=str)
    pairs = frame[["COROP-gebiedcode", "COROP-gebied"]].drop_duplicates()
    return {f"{n.strip()} (CR)": f"CR{c.strip().zfill(2)}" for c, n in pairs.itertuples(index=False)}


def build_lookup(gemeenten_csv: Path, jeugdzorg_names_csv: Path | None = None, corop_csv: Path | None = None,
                 arbeidsmarkt_names_csv: Path | None = None) -> RegionLookup:
    """Build the name -> code lookup from the shipped lists.

    Args:
        gemeenten_csv: ``iv3-lasten-taakveld-gemeenten/gemeenten_per_jaar.csv``.
        jeugdzorg_names_csv: ``jeugdzorgregio_2016_namen.csv`` (code, naam).
        corop_csv: ``corop.generated.csv`` (COROP-gebiedcode, COROP-gebied).
        arbeidsmarkt_names_csv: ``arbeidsmarktregio_2016_namen.csv`` (code, naam).

    Returns:
        A :class:`RegionLookup`.
    """
    regions = {"Nederland": NEDERLAND}
    regions.update({f"{n} (PV)": c for n, c in PROVINCIES.items()})
    regions.update(_read_code_names(jeugdzorg_names_csv, " (JZ)", JZ_ALIASES))
    regions.update(_read_code_names(arbeidsmarkt_names_csv, " (AM)", AM_ALIASES))
    regions.update(_read_corop(corop_csv))
    regions.update(GROOTTEKLASSEN)
    return RegionLookup(gemeenten=read_gemeenten_per_jaar(gemeenten_csv), regions=regions)


def _gemeente_codes(pairs: pd.DataFrame, gemeenten: pd.DataFrame) -> pd.Series:
    """Code for (naam, jaar) pairs: the period year's list, else the nearest year having that name."""
    base = pairs.assign(naam=pairs["name"].str.replace(r" \(gemeente\)$", "", regex=True))
    cand = base.reset_index().merge(gemeenten, left_on="naam", right_on="gm_naam", how="inner")
    if cand.empty:
        return pd.Series(pd.NA, index=pairs.index, dtype="string")
    cand = cand.assign(dist=(cand["jaar"] - cand["year"]).abs())
    best = cand.sort_values(["index", "dist", "jaar"], ascending=[True, True, False]).drop_duplicates("index")
    return best.set_index("index")["gm_code"].reindex(pairs.index).astype("string")


def map_names(names: pd.Series, years: pd.Series, lookup: RegionLookup, table_id: str) -> pd.Series:
    """Map region names (with the year of their period) to codes.

    Args:
        names: region names as published (surrounding whitespace is ignored).
        years: the year of each row's period (int).
        lookup: from :func:`build_lookup`.
        table_id: for error messages.

    Returns:
        A string Series of codes aligned with ``names``; ``<NA>`` only for names in :data:`IGNORED`.

    Raises:
        DataIntegrityError: a name maps to nothing (message names the table, the name(s) and year(s)).
    """
    frame = pd.DataFrame({"name": names.astype("string").str.strip(), "year": pd.to_numeric(years)})
    pairs = frame.drop_duplicates().reset_index(drop=True)
    codes = pairs["name"].map(lookup.regions).astype("string")
    todo = codes.isna() & ~pairs["name"].isin(IGNORED)
    if todo.any():
        codes[todo] = _gemeente_codes(pairs[todo], lookup.gemeenten)
    unmapped = pairs[codes.isna() & ~pairs["name"].isin(IGNORED)]
    if not unmapped.empty:
        listing = "; ".join(f"{n!r} ({y})" for n, y in unmapped.head(10).itertuples(index=False))
        raise DataIntegrityError(
            f"{table_id}: {len(unmapped)} region name(s) map to no code: {listing}. Add the name to the "
            "gemeente list or to analyse/data/regionnames.py (aliases / IGNORED) deliberately."
        )
    pairs = pairs.assign(code=codes)
    out = frame.merge(pairs, on=["name", "year"], how="left")["code"]
    out.index = names.index
    return out


def crosscheck(names: pd.Series, codes: pd.Series, years: pd.Series, lookup: RegionLookup,
               table_id: str) -> int:
    """Check published (name, GM code) pairs (e.g. 84421NED/84908NED gemeente rows) against the lookup.

    Returns:
        The number of distinct pairs checked.

    Raises:
        DataIntegrityError: a published code disagrees with the code the name maps to.
    """
    frame = pd.DataFrame({"name": names.astype("string").str.strip().values,
                          "published": codes.astype("string").str.strip().values,
                          "year": pd.to_numeric(years).values}).drop_duplicates()
    # Some dumps lost their non-ASCII characters ("S?dwest-Frysl?n"): match those with "?" as a wildcard.
    garbled = frame["name"].str.contains("?", regex=False)
    clean = frame[~garbled]
    mapped = map_names(clean["name"], clean["year"], lookup, table_id)
    bad = clean[clean["published"] != mapped]
    listing = [f"{r.name!r}: published {r.published}, mapped {m}" for r, m in zip(bad.itertuples(), mapped[bad.index])]
    names_by_code = lookup.gemeenten.drop_duplicates("gm_code", keep="last").set_index("gm_code")["gm_naam"]
    for row in frame[garbled].itertuples():
        pattern = "^" + re.escape(row.name).replace(r"\?", ".") + "$"
        known = names_by_code.get(row.published)
        if known is None or not re.match(pattern, known):
            listing.append(f"{row.name!r}: published {row.published}, list name {known!r}")
    if listing:
        raise DataIntegrityError(f"{table_id}: name -> code cross-check failed: {'; '.join(listing[:10])}")
    return len(frame)
