"""Derived tables: pure functions of the processed tables (the processed → derived step of the build).

* :func:`select_preferred` – one row per (indicator, region, period): the registry's preferred source table.
* :func:`harmonise` – gemeente rows in the indeling of one year (own published rows win; predecessors are
  re-aggregated from Σteller/Σnoemer only for periods before the merger and only from rows with a value).
* :func:`lost_published_values` – published values under a current gemeentecode that did not reach the
  harmonised table (the build requires 0).
* :func:`region_membership` / :func:`region_membership_table` – which gemeenten form each reference region.
* :func:`aggregate_members` / :func:`computed_reference_rows` – Σteller/Σnoemer × per of reference regions.
* :func:`real_denominators` – replace denominators derived from rounded published rates by real inwoners.

Nothing here imports the analysis layer; the analysis layer imports these functions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from analyse import vocab
from analyse.data.cbs_tables import load_registry, table_preference
from analyse.data.contract import COLUMNS, DEFAULT_PER, PREFERRED_KEY, validate
from analyse.errors import DataIntegrityError

log = logging.getLogger(__name__)

UNKNOWN_TABLE_RANK = 1000
"""Rank of a source table that the registry does not list (seed tables): after every CBS table."""

COMPUTED_SOURCE = "berekend: Σteller/Σnoemer van de leden"
"""``source_table`` of reference rows computed from member gemeenten."""

NOTE_COLUMNS = ["indicator_id", "gemeentecode", "period", "source_table", "members", "reason"]

REGION_ROLES: dict[str, str] = {role: role for role in vocab.REGION_ROLES}
"""Role name -> column prefix in ``gemeenten`` (``<prefix>_code``, ``<prefix>_naam``)."""
REGION_COLUMNS = tuple(f"{prefix}_code" for prefix in REGION_ROLES.values())
MEMBERSHIP_COLUMNS = ["role", "region_code", "region_naam", "gemeentecode"]


# ------------------------------------------------------------------------------------------ preference
def ranked(indicators: pd.DataFrame, registry: dict[str, Any] | None = None) -> pd.DataFrame:
    """``indicators`` with a ``rank`` column: 0 = the registry's preferred table for that indicator."""
    pref = table_preference(registry or load_registry())
    out = indicators.merge(pref, on=["indicator_id", "source_table"], how="left")
    return out.assign(rank=out["rank"].fillna(UNKNOWN_TABLE_RANK))


def select_preferred(indicators: pd.DataFrame, registry: dict[str, Any] | None = None) -> pd.DataFrame:
    """Keep one row per (indicator_id, gemeentecode, period): the preferred source table.

    Preference is the order of the sources in ``registry.yml`` (newest table first); tables not in the
    registry (seed tables) come after CBS tables. A row with a value beats a preferred row whose value is NaN
    (e.g. Wmo 2017 missing in 85896NED but present in 83262NED), so gaps are filled from the older table and
    such rows are marked ``filled``; the input order never matters.

    Returns:
        A new validated frame, unique on (indicator_id, gemeentecode, period), ``source_table`` kept.
    """
    if indicators.empty:
        return validate(indicators, "select_preferred")
    out = ranked(indicators, registry).assign(_nan=lambda f: f["value"].isna())
    best = out.groupby(PREFERRED_KEY, sort=False, observed=True)["rank"].transform("min")
    out = out.assign(_best=best)
    out = out.sort_values(["_nan", "rank", "source_table"], kind="stable").drop_duplicates(PREFERRED_KEY)
    # a period whose value comes from a lower-ranked table because the preferred one has it empty
    filled = out["filled"].astype("boolean").fillna(False) if "filled" in out.columns else False
    out = out.assign(filled=filled | (out["value"].notna() & (out["rank"] > out["_best"])))
    out = out.sort_values(PREFERRED_KEY).reset_index(drop=True)
    return validate(out, "select_preferred", key=PREFERRED_KEY)


# ------------------------------------------------------------------------------------------ harmonise
def _merges(herindelingen: pd.DataFrame, indelingsjaar: int) -> pd.DataFrame:
    rel = herindelingen[(herindelingen["jaar"].astype(int) <= int(indelingsjaar))
                        & (herindelingen["oude_code"] != herindelingen["nieuwe_code"])]
    return rel.assign(jaar=rel["jaar"].astype(int))


def successor_map(herindelingen: pd.DataFrame, indelingsjaar: int) -> pd.Series:
    """Map every old gemeente code to its (final) successor in ``indelingsjaar``.

    Uses the herindelingen with ``jaar <= indelingsjaar`` (``jaar`` = first indelingsjaar without the old code),
    follows chains (A -> B -> C) and, for a gemeente split over several successors, the first row listed
    (the main successor as built by ``analyse.data.gemeenten_build``).

    Raises:
        DataIntegrityError: the herindelingen contain a cycle.
    """
    step = _merges(herindelingen, indelingsjaar).drop_duplicates("oude_code").set_index("oude_code")["nieuwe_code"]
    final = step.copy()
    for _ in range(50):
        nxt = final.map(step).fillna(final)
        if (nxt == final).all():
            break
        final = nxt
    else:
        raise DataIntegrityError("herindelingen contain a cycle")
    return final


def _successor_codes(codes: pd.Series, succ: pd.Series) -> pd.Series:
    """Each code's successor (the code itself where it has none), as strings."""
    lookup = {str(k): str(v) for k, v in succ.items()}
    return pd.Series([lookup.get(c, c) for c in codes.astype(str)], index=codes.index, dtype=object)


def required_members(herindelingen: pd.DataFrame, indelingsjaar: int) -> Callable[[str, int], set[str]]:
    """``required(new_code, year)`` -> old codes that existed in ``year`` and end up in ``new_code``.

    An old code is required when it was dissolved after ``year`` and not itself created after it. An empty set
    means ``year`` lies after every merger into ``new_code``: the gemeente's own row is its figure.
    """
    rel = _merges(herindelingen, indelingsjaar)
    succ = successor_map(herindelingen, indelingsjaar)
    dissolved = rel.groupby("oude_code")["jaar"].min()
    created = rel.groupby("nieuwe_code")["jaar"].max()
    by_new: dict[str, list[tuple[str, int, int | None]]] = {}
    for code, jaar in dissolved.items():
        made = created.get(code)
        by_new.setdefault(succ.get(code, code), []).append((code, int(jaar), None if made is None else int(made)))

    def required(new_code: str, year: int) -> set[str]:
        return {c for c, jaar, made in by_new.get(new_code, []) if jaar > year and (made is None or made <= year)}

    return required


def _per(indicators: pd.DataFrame, catalogue: pd.DataFrame | None) -> pd.Series:
    per = indicators["unit"].map(DEFAULT_PER).fillna(1.0)
    if catalogue is not None:
        per = indicators["indicator_id"].map(catalogue.set_index("id")["per"]).fillna(per)
    return per.astype(float)


_STATUS_ORDER = ["voorlopig", "nader voorlopig", "onbekend", "definitief"]
_STATUS_RANK = {s: i for i, s in enumerate(_STATUS_ORDER)}


def weakest_status(statuses: pd.Series) -> str:
    """The least final status of a group (voorlopig beats definitief)."""
    for status in _STATUS_ORDER:
        if (statuses == status).any():
            return status
    return "onbekend"


SPLIT_MARK = ">"
"""Internal code of the part of a split gemeente that goes to one successor: ``GM0788>GM0865``."""
SHARE_COLUMNS = ["oude_code", "jaar", "nieuwe_code", "aandeel"]


def split_shares(herindelingen: pd.DataFrame, matrices: pd.DataFrame) -> pd.DataFrame:
    """Published conversion shares of every split gemeente over its successors.

    A gemeente marked ``gesplitst`` in the herindelingen (Littenseradiel 2018, Winsum 2019, Haaren 2021) is
    distributed over its successors by the address matrix of the year of the split (VNG/CBS grenswijziging
    matrices, ``../shared/data/grenswijziging-gemeente-matrices-2016-2024``): share = adressen(old → new) /
    Σ adressen(old → any). Pass the ``woonfunctie_incl_toevoeging`` variant (dwellings) for indicators about
    people.

    Args:
        herindelingen: ``herindelingen.parquet`` (``gesplitst`` column; without it nothing is split).
        matrices: ``van_jaar, naar_jaar, van_code, naar_code, adressen`` (``gemeenten_build.read_grenswijziging``).

    Returns:
        :data:`SHARE_COLUMNS`, one row per (split gemeente, successor); empty when nothing is split.
    """
    if "gesplitst" not in herindelingen.columns or matrices is None or matrices.empty:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    split = herindelingen.loc[herindelingen["gesplitst"].fillna(False).astype(bool), ["oude_code", "jaar"]]
    step = matrices[matrices["naar_jaar"].astype(int) == matrices["van_jaar"].astype(int) + 1]
    rows = step.rename(columns={"van_code": "oude_code", "naar_code": "nieuwe_code", "naar_jaar": "jaar"})
    rows = rows.assign(jaar=rows["jaar"].astype(int)).merge(split.assign(jaar=split["jaar"].astype(int)),
                                                           on=["oude_code", "jaar"])
    total = rows.groupby(["oude_code", "jaar"])["adressen"].transform("sum")
    out = rows.assign(aandeel=rows["adressen"] / total)
    return out[SHARE_COLUMNS].sort_values(SHARE_COLUMNS[:3]).reset_index(drop=True)


def _split_parts(pref: pd.DataFrame, herindelingen: pd.DataFrame, shares: pd.DataFrame | None,
                 indelingsjaar: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replace every split gemeente by one part per successor (counts × its share; see :func:`harmonise`).

    Returns:
        (rows with the split codes replaced by ``<old>>successor`` parts, herindelingen in which each part
        merges into its successor). Without shares for a split gemeente its parts carry no value, so every
        successor's figure before the split becomes a noted gap instead of a wrong sum.
    """
    if "gesplitst" not in herindelingen.columns:
        return pref, herindelingen
    rel = herindelingen[herindelingen["gesplitst"].fillna(False).astype(bool)
                        & (herindelingen["jaar"].astype(int) <= int(indelingsjaar))]
    if rel.empty:
        return pref, herindelingen
    shares = shares if shares is not None else pd.DataFrame(columns=SHARE_COLUMNS)
    parts, events = [pref[~pref["gemeentecode"].isin(rel["oude_code"])]], []
    for ev in rel.itertuples():
        jaar = int(ev.jaar)
        mine = shares[(shares["oude_code"] == ev.oude_code) & (shares["jaar"].astype(int) == jaar)]
        succ = dict(zip(mine["nieuwe_code"], mine["aandeel"].astype(float)))
        if not succ:  # no published shares: every successor named in the herindelingen, share unknown
            others = str(getattr(ev, "overige_opvolgers", "") or "")
            succ = {c: np.nan for c in [ev.nieuwe_code, *filter(None, others.split(";"))]}
        rows = pref[(pref["gemeentecode"] == ev.oude_code) & (pref["period"].str.slice(0, 4).astype(int) < jaar)]
        for code, share in succ.items():
            part = f"{ev.oude_code}{SPLIT_MARK}{code}"
            count = rows["unit"] == "aantal"
            scaled = rows.assign(
                gemeentecode=part, numerator=rows["numerator"] * share, denominator=rows["denominator"] * share,
                value=rows["value"].where(~count, rows["value"] * share),
                rounding_step=rows["rounding_step"].where(~count, rows["rounding_step"] * share),
                numerator_rounding_step=rows["numerator_rounding_step"] * share,
                denominator_rounding_step=rows["denominator_rounding_step"] * share)
            if not np.isfinite(share):  # unknown share: a part without value (a noted gap downstream)
                scaled = scaled.assign(value=np.nan, _unknown_share=rows["value"].notna())
            parts.append(scaled)
            events.append({**{c: getattr(ev, c) for c in ("datum", "jaar", "bron") if hasattr(ev, c)},
                           "oude_code": part, "nieuwe_code": code})
    her = pd.concat([herindelingen[~herindelingen["oude_code"].isin(rel["oude_code"])], pd.DataFrame(events)],
                    ignore_index=True)
    return pd.concat(parts, ignore_index=True), her


def harmonise(indicators: pd.DataFrame, indelingsjaar: int, herindelingen: pd.DataFrame,
              catalogue: pd.DataFrame | None = None, with_notes: bool = False,
              gemeenten: pd.DataFrame | None = None, shares: pd.DataFrame | None = None
              ) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Express gemeente rows in the indeling of ``indelingsjaar``; one preferred row per key.

    Rules, per (indicator, successor code, period), after :func:`select_preferred`:

    0. A gemeente split over several successors (``gesplitst`` in the herindelingen) is distributed by the
       published conversion shares (:func:`split_shares`): each successor gets a part with numerator,
       denominator and counts × its share, and re-aggregates with it like with a merged predecessor (so Vught
       2020 in the 2024 indeling is Vught + 4% of Haaren). Without shares the parts carry no value: a gap.
    1. When no predecessor of the successor has a value or a suppressed (empty) row in that period, the
       successor's own row is kept as published (also an empty one). An empty predecessor row counts as
       suppressed when the code existed in that year (``gemeenten``; without it: when the code has a value in
       that table in the same or a later year); the empty row of a code in the year of a merger during the year
       (Weesp 2022) is the placeholder of a code that is already gone and is ignored.
    2. When predecessors have values or suppressed rows and the period lies before a merger into the
       successor, the members are re-aggregated: Σteller/Σnoemer × per for ratios, Σ for counts (``aantal``).
       Every predecessor that existed in that year must have a value, and so must the successor's own code when
       it existed too (from ``gemeenten`` when given; else when the input has a row of the successor's code in
       that period, even an empty one). Otherwise the result is a **gap**: a row with value NaN, marked
       ``harmonised``, and a note (a partial sum of the members that happen to have a value is never shown; a
       published figure of the successor that lacks a suppressed predecessor is such a partial sum). A
       predecessor without any row in the table (a table published in a later indeling) is not evidence of a
       gap. Pass ``gemeenten``.
    3. Ratios without numerator/denominator cannot be re-aggregated: a gap with a note, never an average.
    4. Predecessor values in a period after every merger are ignored (noted).
    5. Every re-aggregated row has ``harmonised = True``; ``filled`` (a lower-ranked table filled the period)
       and the rounding steps are carried (steps of a sum are summed).

    Args:
        indicators: tidy indicator frame (several source tables allowed).
        indelingsjaar: target indeling.
        herindelingen: ``herindelingen.parquet``.
        catalogue: for ``per`` (default from the unit).
        with_notes: also return the dropped groups (NOTE_COLUMNS: indicator_id, gemeentecode, period,
            source_table, members, reason).
        gemeenten: ``gemeenten.parquet`` (gemeentecode, indelingsjaar): which codes existed in which year.
        shares: conversion shares of split gemeenten (:func:`split_shares`); without them a split gemeente's
            successors get gaps before the split.

    Returns:
        A new validated frame unique on (indicator_id, gemeentecode, period); non-gemeente rows pass unchanged.
    """
    pref, herindelingen = _split_parts(select_preferred(indicators), herindelingen, shares, indelingsjaar)
    succ = successor_map(herindelingen, indelingsjaar)
    required = required_members(herindelingen, indelingsjaar)
    codes = pref["gemeentecode"].astype(str)
    new = _successor_codes(codes, succ)
    group = ["indicator_id", "_new", "period"]
    frame = pref.assign(_new=new, _pred=new != codes, _val=pref["value"].notna())
    # (successor, period) pairs before a merger into the successor where predecessors have rows: an empty row
    # of a predecessor is a suppressed part (the successor's figure of that period is then a gap), unless it
    # lies after the predecessor's last value in that table (the placeholder of a code that is already gone)
    unknown = (frame["_unknown_share"].fillna(False).astype(bool) if "_unknown_share" in frame.columns
               else pd.Series(False, index=frame.index))
    suppressed = _suppressed(frame, herindelingen, gemeenten)
    pred_keys = frame.loc[frame["_pred"] & (frame["_val"] | suppressed | unknown), group].drop_duplicates()
    pairs = pred_keys[["_new", "period"]].drop_duplicates()
    before = [bool(required(n, int(str(p)[:4]))) for n, p in zip(pairs["_new"], pairs["period"])]
    pairs = pairs.assign(_before=np.asarray(before, dtype=bool))
    pred_keys = pred_keys.merge(pairs, on=["_new", "period"], how="left")
    frame = frame.merge(pred_keys, on=group, how="left")
    regroup = frame["_before"].fillna(False).astype(bool)
    notes: list[pd.DataFrame] = []
    ignored = frame[frame["_pred"] & frame["_val"] & ~regroup]
    if len(ignored):  # predecessor values after every merger into the successor: the own row wins
        notes.append(ignored.assign(gemeentecode=ignored["_new"], members=ignored["gemeentecode"],
                                    reason="voorganger met waarde na de herindeling genegeerd")[NOTE_COLUMNS])
    own = frame[~frame["_pred"] & ~regroup].drop(columns=["gemeentecode"]).rename(columns={"_new": "gemeentecode"})
    parts = [own[list(COLUMNS)]]
    members = frame[regroup & frame["_val"]]
    if len(members):
        seen = None if gemeenten is not None and not gemeenten.empty else _own_rows(frame)
        merged, dropped = _reaggregate(members, required, catalogue, gemeenten, seen)
        parts.append(merged)
        notes.append(dropped)
    out = pd.concat(parts, ignore_index=True)
    out = validate(out.sort_values(PREFERRED_KEY).reset_index(drop=True), f"harmonise({indelingsjaar})",
                   key=PREFERRED_KEY)
    note_frame = (pd.concat(notes, ignore_index=True)[NOTE_COLUMNS].reset_index(drop=True) if notes
                  else pd.DataFrame(columns=NOTE_COLUMNS))
    if len(note_frame):
        log.info("harmonise to %d: %d groups not re-aggregated", indelingsjaar, len(note_frame))
    return (out, note_frame) if with_notes else out


def _suppressed(frame: pd.DataFrame, herindelingen: pd.DataFrame, gemeenten: pd.DataFrame | None) -> pd.Series:
    """Empty rows that stand for a suppressed value of a predecessor that still existed in that year.

    With ``gemeenten`` a code existed in year y when it is in the indeling of y; the year of a merger during the
    year (Weesp, 24 March 2022) does not count: CBS then publishes the merged gemeente and leaves the old code
    empty. Without ``gemeenten``: when the same code has a value in that table in the same or a later year.
    """
    year = frame["period"].astype(str).str.slice(0, 4).astype(int)
    empty = frame["value"].isna()
    existed = _existed(gemeenten)
    code = frame["gemeentecode"].astype(str).str.split(SPLIT_MARK, regex=False).str[0]  # a split part: its gemeente
    if existed is not None:
        alive = pd.Series([(c, y) in existed for c, y in zip(code, year)], index=frame.index)
    else:
        keys = ["indicator_id", "gemeentecode", "source_table"]
        last = year.where(~empty).groupby([frame[k] for k in keys], observed=True).transform("max")
        alive = year <= last.fillna(-1)
    if "datum" in herindelingen.columns:
        mid = herindelingen[~herindelingen["datum"].astype(str).str.endswith("-01-01")]
        mid_year = {(str(c), int(str(d)[:4])) for c, d in zip(mid["oude_code"], mid["datum"])}
        alive &= ~pd.Series([(c, y) in mid_year for c, y in zip(code, year)], index=frame.index)
    return empty & alive


def _existed(gemeenten: pd.DataFrame | None) -> set[tuple[str, int]] | None:
    if gemeenten is None or gemeenten.empty or "indelingsjaar" not in gemeenten:
        return None
    return set(zip(gemeenten["gemeentecode"].astype(str), gemeenten["indelingsjaar"].astype(int)))


def _own_rows(frame: pd.DataFrame) -> set[tuple[str, str, str]]:
    """(indicator_id, code, period) of every successor row in the input, with or without a value.

    Without ``gemeenten`` a row of the successor's own code in a period before its merger is taken as evidence
    that the code existed then (CBS lists every code of the period, empty where suppressed). Its value is then
    required, so Weesp alone never stands for Amsterdam; a successor without such a row (a new code) is
    re-aggregated from its predecessors. This errs on the side of a gap: pass ``gemeenten`` for the exact rule.
    """
    own = frame[~frame["_pred"]]
    return set(zip(own["indicator_id"].astype(str), own["gemeentecode"].astype(str), own["period"].astype(str)))


def _reaggregate(groups: pd.DataFrame, required: Callable[[str, int], set[str]],
                 catalogue: pd.DataFrame | None, gemeenten: pd.DataFrame | None,
                 own_rows: set[tuple[str, str, str]] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Re-aggregate the member rows (all with a value) of each (indicator, successor, period before a merger)."""
    existed = _existed(gemeenten)
    frame = groups.assign(_per=_per(groups, catalogue), _num_nan=groups["numerator"].isna(),
                          _den_nan=groups["denominator"].isna(),
                          _status=groups["status"].map(_STATUS_RANK).fillna(_STATUS_RANK["onbekend"]))
    frame = frame.sort_values("gemeentecode", kind="stable")
    keys = ["indicator_id", "_new", "period"]
    by = frame.groupby(keys, sort=False)
    grp = by.agg(
        num=("numerator", "sum"), den=("denominator", "sum"), _num_nan=("_num_nan", "any"),
        _den_nan=("_den_nan", "any"), val=("value", "sum"), period_type=("period_type", "first"),
        unit=("unit", "first"), _status=("_status", "min"), per=("_per", "first"), rounded=("rounded", "any"),
        rounding_step=("rounding_step", "sum"), numerator_rounding_step=("numerator_rounding_step", "sum"),
        denominator_rounding_step=("denominator_rounding_step", "sum"), filled=("filled", "any"),
    )
    grp["members"] = by["gemeentecode"].agg(list).map(";".join)
    tables = frame.drop_duplicates(keys + ["source_table"]).sort_values("source_table", kind="stable")
    grp["source_table"] = tables.groupby(keys, sort=False)["source_table"].agg(list).map(";".join)
    grp = grp.reset_index()
    grp["num"] = grp["num"].mask(grp.pop("_num_nan"))
    grp["den"] = grp["den"].mask(grp.pop("_den_nan"))
    grp["status"] = grp.pop("_status").astype(int).map(dict(enumerate(_STATUS_ORDER)))
    reason = []
    for ind, new, period, members in zip(grp["indicator_id"], grp["_new"], grp["period"], grp["members"]):
        year = int(str(period)[:4])
        need = required(new, year)
        present = set(members.split(";"))
        if existed is not None:
            own_existed = (new, year) in existed
        else:
            own_existed = new in present or (str(ind), str(new), str(period)) in (own_rows or set())
        if own_existed:
            need = need | {new}
        reason.append("" if need <= present else "niet alle voorgangers met een waarde")
    grp["reason"] = reason
    complete = grp["reason"] == ""
    ratio_ok = complete & grp["num"].notna() & grp["den"].notna() & (grp["den"] > 0)
    count_ok = complete & ~ratio_ok & (grp["unit"] == "aantal")
    grp.loc[complete & ~ratio_ok & ~count_ok, "reason"] = "geen teller/noemer om opnieuw te aggregeren"
    ok = ratio_ok | count_ok
    value = np.where(ratio_ok, grp["num"] / grp["den"].where(grp["den"] > 0) * grp["per"], grp["val"])
    kept = grp[ok].assign(value=value[ok.to_numpy()], harmonised=True)
    kept = kept.assign(numerator=kept["num"].where(ratio_ok[ok]), denominator=kept["den"].where(ratio_ok[ok]),
                       rounding_step=kept["rounding_step"].where(~ratio_ok[ok], 0.0))
    kept = kept.rename(columns={"_new": "gemeentecode"})[list(COLUMNS)]
    # a group that cannot be re-aggregated is a gap (value NaN, marked harmonised), never a partial sum
    gaps = grp[~ok].assign(value=np.nan, numerator=np.nan, denominator=np.nan, harmonised=True, rounding_step=0.0,
                           numerator_rounding_step=0.0, denominator_rounding_step=0.0)
    gaps = gaps.rename(columns={"_new": "gemeentecode"})
    dropped = gaps[NOTE_COLUMNS]
    return pd.concat([kept, gaps[list(COLUMNS)]], ignore_index=True), dropped


def lost_published_values(indicators: pd.DataFrame, harmonised: pd.DataFrame, herindelingen: pd.DataFrame,
                          indelingsjaar: int) -> pd.DataFrame:
    """Published values under a current gemeentecode that are missing (or empty) in ``harmonised``.

    A value counts when its code is a GM code that is not dissolved by ``indelingsjaar`` and no predecessor of
    that code has a value in the same period (a period that is re-aggregated from its members is compared as
    a whole by :func:`harmonise`). A key that :func:`harmonise` turned into an explicit, noted gap (value NaN,
    ``harmonised`` True: the figure lacks a suppressed predecessor, so it is a partial sum) is accounted for,
    not lost.

    Returns:
        The missing rows (indicator_id, gemeentecode, period, source_table, value); empty when nothing is lost.
    """
    pref = select_preferred(indicators)
    succ = successor_map(herindelingen, indelingsjaar)
    codes = pref["gemeentecode"].astype(str)
    new = _successor_codes(codes, succ)
    pred_periods = pref.loc[(new != codes) & pref["value"].notna()].assign(gemeentecode=new)[PREFERRED_KEY]
    current = pref[codes.str.startswith("GM") & (new == codes) & pref["value"].notna()]
    current = current.merge(pred_periods.drop_duplicates().assign(_pred=True), on=PREFERRED_KEY, how="left")
    current = current[current["_pred"].isna()]
    gap = (harmonised["harmonised"].astype(bool) if "harmonised" in harmonised.columns
           else pd.Series(False, index=harmonised.index))
    have = harmonised.loc[harmonised["value"].notna() | gap, PREFERRED_KEY].drop_duplicates().assign(_have=True)
    out = current.merge(have, on=PREFERRED_KEY, how="left")
    return out.loc[out["_have"].isna(), PREFERRED_KEY + ["source_table", "value"]].reset_index(drop=True)


# ------------------------------------------------------------------------------------------ regions
def region_membership_table(gemeenten: pd.DataFrame, indelingsjaar: int) -> pd.DataFrame:
    """Every reference region of ``indelingsjaar`` with its member gemeenten.

    Returns:
        Columns ``role`` (provincie, ggd_regio, jeugdzorgregio, arbeidsmarktregio, corop, nederland),
        ``region_code``, ``region_naam``, ``gemeentecode``; one row per (role, region, gemeente).
    """
    year = gemeenten[gemeenten["indelingsjaar"].astype(int) == int(indelingsjaar)]
    parts = []
    for role, prefix in REGION_ROLES.items():
        code, naam = f"{prefix}_code", f"{prefix}_naam"
        if code not in year.columns:
            continue
        names = year[naam] if naam in year.columns else pd.Series(pd.NA, index=year.index)
        parts.append(pd.DataFrame({"role": role, "region_code": year[code], "region_naam": names,
                                   "gemeentecode": year["gemeentecode"]}))
    parts.append(pd.DataFrame({"role": "nederland", "region_code": "NL01", "region_naam": "Nederland",
                               "gemeentecode": year["gemeentecode"]}))
    out = pd.concat(parts, ignore_index=True).dropna(subset=["region_code", "gemeentecode"])
    out = out.astype({"role": "string", "region_code": "string", "region_naam": "string", "gemeentecode": "string"})
    return out[MEMBERSHIP_COLUMNS].drop_duplicates().sort_values(MEMBERSHIP_COLUMNS[:2] + ["gemeentecode"]
                                                                 ).reset_index(drop=True)


def region_membership(gemeenten: pd.DataFrame, indelingsjaar: int) -> pd.DataFrame:
    """``reference_code, gemeentecode`` pairs of every region (and NL01) in ``indelingsjaar``."""
    table = region_membership_table(gemeenten, indelingsjaar)
    out = table.rename(columns={"region_code": "reference_code"})[["reference_code", "gemeentecode"]]
    return out.astype(str).drop_duplicates().reset_index(drop=True)


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
        unit, status (the least final of the members), rounded (any member rounded), n_members, n_present,
        n_missing and missing (``;``-joined member codes without numerator/denominator).
    """
    link = membership[["reference_code", "gemeentecode"]].astype(str).drop_duplicates()
    rows = select_preferred(indicators[indicators["gemeentecode"].isin(link["gemeentecode"])])
    usable = rows[rows["numerator"].notna() & rows["denominator"].notna()]
    usable = usable.assign(_per=_per(usable, catalogue))
    joined = link.merge(usable, on="gemeentecode", how="inner")
    joined = joined.assign(_status=joined["status"].map(_STATUS_RANK).fillna(_STATUS_RANK["onbekend"]))
    keys = ["indicator_id", "reference_code", "period"]
    agg = joined.groupby(keys, sort=False).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum"), n_present=("gemeentecode", "nunique"),
        period_type=("period_type", "first"), unit=("unit", "first"), _status=("_status", "min"),
        per=("_per", "first"), rounded=("rounded", "any"),
        numerator_rounding_step=("numerator_rounding_step", "sum"),
        denominator_rounding_step=("denominator_rounding_step", "sum"),
    ).reset_index()
    agg["status"] = agg.pop("_status").astype(int).map(dict(enumerate(_STATUS_ORDER)))
    n_members = link.groupby("reference_code")["gemeentecode"].size()
    agg["n_members"] = agg["reference_code"].map(n_members).astype(int)
    agg["n_missing"] = agg["n_members"] - agg["n_present"]
    agg["missing"] = ""
    partial = agg[agg["n_missing"] > 0]
    if len(partial):  # names of the members without numerator/denominator, only where some are missing
        expected = partial[keys].merge(link, on="reference_code")
        found = joined[keys + ["gemeentecode"]].assign(_found=True)
        absent = expected.merge(found, on=keys + ["gemeentecode"], how="left")
        absent = absent[absent["_found"].isna()].groupby(keys, sort=False)["gemeentecode"].agg(";".join)
        agg.loc[partial.index, "missing"] = pd.MultiIndex.from_frame(partial[keys]).map(absent).fillna("").to_numpy()
    agg["value"] = (agg["numerator"] / agg["denominator"] * agg["per"]).where(agg["denominator"] > 0)
    return agg.drop(columns=["per"])


def computed_reference_rows(indicators: pd.DataFrame, membership: pd.DataFrame,
                            catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Reference-region rows in the ``indicators`` schema, computed where the data have none.

    A (indicator, region, period) gets a computed row only when *every* member gemeente has numerator and
    denominator (a partial sum would be biased) and the data have no published row with a value for it;
    ``source_table`` is :data:`COMPUTED_SOURCE`.
    """
    agg = aggregate_members(indicators, membership, catalogue)
    agg = agg[agg["n_missing"] == 0].rename(columns={"reference_code": "gemeentecode"})
    published = indicators.loc[indicators["value"].notna(), PREFERRED_KEY]
    agg = agg.merge(published.drop_duplicates().assign(_published=True), on=PREFERRED_KEY, how="left")
    agg = agg[agg["_published"].isna()].assign(source_table=COMPUTED_SOURCE)
    return validate(agg.reset_index(drop=True), "computed reference rows")


# ------------------------------------------------------------------------------------------ denominators
def national_totals(population: pd.DataFrame, gemeenten: pd.DataFrame | None) -> pd.DataFrame:
    """NL01 rows of a population indicator: Σ over the gemeenten of each year, only for complete years.

    A year counts only when every gemeente of that indelingsjaar in ``gemeenten`` has a value (a partial sum
    would understate Nederland); years that already have a published NL01 value keep it.

    Returns:
        Rows (gemeentecode NL01, period, value) to add to the population lookup; empty without ``gemeenten``.
    """
    if gemeenten is None or gemeenten.empty or population.empty:
        return pd.DataFrame(columns=["gemeentecode", "period", "value"])
    gm = population[population["gemeentecode"].astype(str).str.startswith("GM") & population["value"].notna()]
    years = gemeenten["indelingsjaar"].astype(int).astype(str)
    expected = {p: set(c) for p, c in gemeenten["gemeentecode"].astype(str).groupby(years)}
    present = {p: set(c) for p, c in gm["gemeentecode"].astype(str).groupby(gm["period"].astype(str))}
    got = gm.groupby(gm["period"].astype(str))["value"].sum().rename_axis("period").to_frame()
    complete = [p for p in got.index if p in expected and expected[p] <= present.get(p, set())]
    published = set(population.loc[(population["gemeentecode"] == "NL01") & population["value"].notna(), "period"])
    rows = got.loc[[p for p in complete if p not in published], ["value"]].reset_index()
    return rows.assign(gemeentecode="NL01")[["gemeentecode", "period", "value"]]


def real_denominators(indicators: pd.DataFrame, registry: dict[str, Any] | None = None,
                      gemeenten: pd.DataFrame | None = None) -> pd.DataFrame:
    """Replace denominators derived from rounded rates by the real population where the registry says so.

    A registry source with ``denominator_from: <indicator>`` (e.g. Wmo-cliënten per 1.000 inwoners: the
    published rate is a whole number, so count / rate gives 32.458 inwoners where there are 32.183) takes the
    denominator from that indicator in the same year (its preferred row); the value stays the published one.
    Rows without that population keep the derived denominator and ``rounded=True``. With ``gemeenten``
    (gemeentecode, indelingsjaar) Nederland's population is Σ of the gemeenten in complete years
    (:func:`national_totals`).

    Returns:
        A new frame; replaced rows get ``rounded=False``.
    """
    registry = registry or load_registry()
    targets = {(ind, table): src["denominator_from"]
               for ind, sources in registry["indicators"].items() for src in sources if "denominator_from" in src
               for table in (src.get("tables") or [src["table"]])}
    if not targets:
        return indicators.copy()
    out = indicators.copy()
    for (ind, table), pop_id in targets.items():
        mask = (out["indicator_id"] == ind) & (out["source_table"] == table)
        if not mask.any():
            continue
        pop = select_preferred(indicators[(indicators["indicator_id"] == pop_id)
                                          & (indicators["period_type"] == "jaar") & indicators["value"].notna()])
        pop = pd.concat([pop[["gemeentecode", "period", "value"]], national_totals(pop, gemeenten)],
                        ignore_index=True)
        lookup = dict(zip(zip(pop["gemeentecode"].astype(str), pop["period"].astype(str)), pop["value"]))
        year = out.loc[mask, "period"].str.slice(0, 4)
        real = pd.Series([lookup.get(k, np.nan) for k in zip(out.loc[mask, "gemeentecode"], year)],
                         index=year.index, dtype="float64")
        use = real.notna() & out.loc[mask, "numerator"].notna()
        idx = use[use].index
        out.loc[idx, "denominator"] = real[idx]
        out.loc[idx, "rounded"] = False
    return out
