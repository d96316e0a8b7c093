"""References without the gemeente itself: "rest van de regio", with a fallback to the next region level.

A regio value that includes the gemeente shrinks every gap by the gemeente's share of the regio (7% for
Hendrik-Ido-Ambacht, 48% for 's-Gravenhage) and, where the regio *is* the gemeente (Utrecht's
jeugdzorgregio), compares the gemeente with itself. Rule (issue 11, defect 3):

1. For each gemeente the caller gives candidate references in order (e.g. jeugdzorgregio → provincie →
   Nederland). Per (gemeente, indicator) the first *usable* candidate is used for all periods, so that a
   series, a baseline → latest change and a difference-in-differences always use one reference.
2. Per period the reference value is, in this order:

   a. ``rest van de leden``: Σnumerator / Σdenominator of the *other* members of the registry's membership
      (the one the map and the computed region rows use), only when every other member has both (a partial
      sum would be biased);
   b. ``regio min gemeente``: the region's published numerator and denominator minus the gemeente's own
      (CBS region totals also contain members whose own cell is suppressed), only where that total is known
      to be made of the registry's members: Nederland, or a region whose Σ of members lies within 2% of the
      published denominator in some period. CBS composes 6–7 of the 42 jeugdzorgregio's differently from the
      registry; a gemeente is never subtracted from a total that may not contain it;
   c. ``inclusief gemeente``: for indicators without counts (levels, printed percentages) the region's value
      as published, labelled "(inclusief <gemeente>)".

3. A candidate is *not usable* (→ next candidate) when it has fewer than ``min_others`` other members
   (Utrecht in jeugdzorgregio Utrecht Stad: 0), when it has a value in fewer than half of the periods in which
   the gemeente has one (``MIN_COVERAGE``), or when its rest is
   *tiny*: the median rest denominator over the periods is below ``min_denominator``.

Labels are Dutch: "rest van jeugdzorgregio Zuid-Holland Zuid", "Nederland zonder Utrecht",
"jeugdzorgregio Holland Rijnland (inclusief Leiden)". All functions are pure and vectorised over gemeenten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analyse import vocab
from analyse.data import derive
from analyse.errors import AnalyseError
from analyse.stats import catalogue_frame, period_type_of

DEFAULT_REGION_COLUMNS: dict[str, str] = {
    "jeugd": "jeugdzorgregio_code",
    "preventie": "ggd_regio_code",
    "participatie": "arbeidsmarktregio_code",
    "armoede": "arbeidsmarktregio_code",
    "*": "provincie_code",
}
"""Which registry column is a gemeente's own ``regio`` per catalogue ``domein`` (``*`` = other domains)."""

__all__ = ["rest_of_region", "member_totals", "reference_without", "candidate_frame", "as_indicator_rows",
           "compare_references", "registry_membership", "registry_candidates", "gemeente_references", "MIN_OTHERS",
           "MIN_REST_DENOMINATOR", "REST_CODE_SEP"]

MIN_OTHERS = 2
"""A candidate reference needs at least this many other member gemeenten."""
MIN_COVERAGE = 0.5
"""A candidate reference needs a value in at least this share of the periods in which the gemeente has one."""
MIN_REST_DENOMINATOR = 1000.0
"""A rest whose median denominator (e.g. jongeren, inwoners) is below this is *tiny*: next candidate."""
REST_CODE_SEP = "-zonder-"
REST_SOURCE = "berekend: referentie zonder de gemeente"
"""``source_table`` of the rows of :func:`as_indicator_rows`."""
"""``reference_code`` of a rest reference: ``<region>-zonder-<gemeente>`` (e.g. ``JZ22-zonder-GM0531``)."""

_OUT = ["gemeentecode", "indicator_id", "period", "period_type", "reference_role", "reference_code",
        "region_code", "reference_label", "reference_basis", "rank", "value", "numerator", "denominator",
        "n_others", "reference_note"]


def candidate_frame(candidates: Mapping[str, Sequence[tuple[str, str]]] | pd.DataFrame,
                    role: str = "regio") -> pd.DataFrame:
    """Normalise candidates to a frame ``gemeentecode, reference_role, rank, region_code, region_naam``.

    Args:
        candidates: mapping gemeentecode → ordered ``[(region_code, region_naam), …]`` (naam as it should
            appear after "rest van", e.g. ``"jeugdzorgregio Zuid-Holland Zuid"``; for ``NL01`` use
            ``"Nederland"``), or a frame with those columns (optionally ``indicator_id`` to choose a region
            per indicator, e.g. by domein).
        role: ``reference_role`` for a mapping input.

    Returns:
        New frame; ``rank`` 0 is the preferred candidate.
    """
    if isinstance(candidates, pd.DataFrame):
        need = {"gemeentecode", "rank", "region_code", "region_naam"}
        missing = sorted(need - set(candidates.columns))
        if missing:
            raise AnalyseError(f"Referentiekandidaten missen kolommen {missing}.")
        out = candidates.copy()
        if "reference_role" not in out.columns:
            out["reference_role"] = role
        return out
    rows = [{"gemeentecode": g, "reference_role": role, "rank": i, "region_code": code, "region_naam": naam}
            for g, cands in candidates.items() for i, (code, naam) in enumerate(cands)]
    return pd.DataFrame(rows, columns=["gemeentecode", "reference_role", "rank", "region_code", "region_naam"])


def _membership_frame(membership: Mapping[str, Sequence[str]] | pd.DataFrame) -> pd.DataFrame:
    if isinstance(membership, pd.DataFrame):
        cols = ("region_code" if "region_code" in membership.columns else "reference_code", "gemeentecode")
        if cols[0] not in membership.columns or "gemeentecode" not in membership.columns:
            raise AnalyseError("Lidmaatschap mist de kolommen reference_code/region_code en gemeentecode.")
        out = membership[list(cols)].rename(columns={cols[0]: "region_code"})
    else:
        out = pd.DataFrame([(r, g) for r, gs in membership.items() for g in dict.fromkeys(gs)],
                           columns=["region_code", "gemeentecode"])
    return out.astype({"region_code": str, "gemeentecode": str}).drop_duplicates()


def _num(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").to_numpy(float)


def _prepare_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """Columns needed here, plain object keys, a ``_has`` flag (numerator and positive denominator known)."""
    key = ["indicator_id", "gemeentecode", "period"]
    if indicators.duplicated(key).any():
        raise AnalyseError("rest_of_region: meer dan één rij per indicator, code en periode; "
                           "kies eerst de voorkeurstabel (indicators.select_preferred).")
    cols = [c for c in ("indicator_id", "gemeentecode", "period", "period_type", "value", "numerator",
                        "denominator") if c in indicators.columns]
    ind = indicators[cols].copy()
    for c in key:  # plain objects: arrow-string merges are slow here
        ind[c] = ind[c].astype(str).astype(object)
    for c in ("numerator", "denominator"):
        if c not in ind.columns:
            ind[c] = np.nan
    if "period_type" not in ind.columns:
        ind["period_type"] = period_type_of(ind["period"]).to_numpy()
    ind["_has"] = np.isfinite(_num(ind["numerator"])) & np.isfinite(_num(ind["denominator"])) & (
        _num(ind["denominator"]) > 0)
    return ind


def member_totals(indicators: pd.DataFrame, membership: Mapping[str, Sequence[str]] | pd.DataFrame,
                  prepared: bool = False) -> pd.DataFrame:
    """Σnumerator, Σdenominator and the number of members with counts per (region, indicator, period).

    Independent of the gemeente: compute it once per batch and pass it to :func:`rest_of_region`
    (``totals=``) so that one report only handles its own rows.

    Returns:
        region_code, indicator_id, period, m_num, m_den, m_n.
    """
    ind = indicators if prepared else _prepare_rows(indicators)
    mem = _membership_frame(membership) if not prepared else membership
    mrows = mem.merge(ind.loc[ind["_has"], ["indicator_id", "gemeentecode", "period", "numerator", "denominator"]],
                      on="gemeentecode")
    return (mrows.groupby(["region_code", "indicator_id", "period"], sort=False)
            .agg(m_num=("numerator", "sum"), m_den=("denominator", "sum"), m_n=("gemeentecode", "nunique"))
            .reset_index())


def rest_of_region(
    indicators: pd.DataFrame,
    membership: Mapping[str, Sequence[str]] | pd.DataFrame,
    candidates: Mapping[str, Sequence[tuple[str, str]]] | pd.DataFrame,
    per: Mapping[str, float] | pd.Series,
    gemeente_names: Mapping[str, str] | None = None,
    min_others: int = MIN_OTHERS,
    min_denominator: float = MIN_REST_DENOMINATOR,
    totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Reference rows without the gemeente, with fallback over the candidates (see the module docstring).

    Args:
        indicators: harmonised rows, one per (indicator_id, gemeentecode, period) (apply the registry's
            table preference first): gemeente rows *and* published/computed region rows (``JZ22``,
            ``PV28``, ``NL01`` …), columns indicator_id, gemeentecode, period, period_type, value,
            numerator, denominator.
        membership: region_code → member gemeentecodes (or a frame ``reference_code|region_code,
            gemeentecode``) in the same indeling as ``indicators``.
        candidates: see :func:`candidate_frame`; rank order is the fallback order.
        per: indicator_id → multiplier from numerator/denominator to value (100 for %, 1000 per 1.000);
            indicators without one get no counts-based reference.
        gemeente_names: gemeentecode → naam for the labels (default the code).
        min_others: minimum number of other members of a usable candidate.
        min_denominator: a rest with a median denominator below this is tiny (next candidate).
        totals: :func:`member_totals` of the same indicators and membership (computed when absent).

    Returns:
        One row per (gemeentecode, reference_role, indicator_id, period) of the chosen candidate with
        gemeentecode, indicator_id, period, period_type, reference_role, reference_code
        (``<region>-zonder-<gemeente>``, or the region code for ``inclusief gemeente``), region_code,
        reference_label (Dutch), reference_basis (``regio min gemeente`` | ``rest van de leden`` |
        ``inclusief gemeente`` | ``geen``), rank (of the candidate used), value, numerator, denominator,
        n_others and reference_note (Dutch; says why a candidate was skipped, empty otherwise). NaN value
        where the chosen reference has no usable figure in that period.

    Raises:
        AnalyseError: duplicated (indicator_id, gemeentecode, period) rows, or missing columns.
    """
    need = {"indicator_id", "gemeentecode", "period", "value"}
    missing = sorted(need - set(indicators.columns))
    if missing:
        raise AnalyseError(f"rest_of_region: indicatorentabel mist kolommen {missing}.")
    names = dict(gemeente_names or {})
    cand = candidate_frame(candidates)
    mem = _membership_frame(membership)
    per_s = pd.Series(per, dtype=float) if not isinstance(per, pd.Series) else per.astype(float)
    regions = cand["region_code"].dropna().astype(str).unique()
    gms = cand["gemeentecode"].astype(str).unique()
    mem = mem[mem["region_code"].isin(regions)]
    n_members = mem.groupby("region_code")["gemeentecode"].nunique()
    needed = set(regions) | set(gms) | (set(mem["gemeentecode"]) if totals is None else set())
    ind = _prepare_rows(indicators[indicators["gemeentecode"].astype(str).isin(needed)])
    if "indicator_id" in cand.columns:
        ind = ind[ind["indicator_id"].isin(set(cand["indicator_id"].astype(str)))]

    # member totals per (region, indicator, period): Σ over members with counts, and how many have counts
    if totals is None:
        tot = member_totals(ind, mem, prepared=True)
    else:
        tot = totals[totals["region_code"].isin(regions)]
        if "indicator_id" in cand.columns:
            tot = tot[tot["indicator_id"].isin(set(cand["indicator_id"].astype(str)))]

    # region rows as published/computed
    reg = ind[ind["gemeentecode"].isin(regions)].rename(columns={
        "gemeentecode": "region_code", "value": "r_value", "numerator": "r_num", "denominator": "r_den",
        "_has": "r_has", "period_type": "r_ptype"})

    # own rows of the gemeenten
    own = ind[ind["gemeentecode"].isin(gms)][["indicator_id", "gemeentecode", "period", "period_type",
                                                "numerator", "denominator", "_has"]].rename(
        columns={"numerator": "g_num", "denominator": "g_den", "_has": "g_has", "period_type": "g_ptype"})

    # grid: candidate × (indicator, period) present for the region or its members
    ip = pd.concat([reg[["region_code", "indicator_id", "period"]], tot[["region_code", "indicator_id", "period"]]]
                   ).drop_duplicates()
    cjoin = cand[["gemeentecode", "reference_role", "rank", "region_code", "region_naam"]
                 + (["indicator_id"] if "indicator_id" in cand.columns else [])].copy()
    cjoin["region_code"] = cjoin["region_code"].astype(str)
    cjoin["gemeentecode"] = cjoin["gemeentecode"].astype(str)
    grid = cjoin.merge(ip, on=["region_code"] + (["indicator_id"] if "indicator_id" in cjoin.columns else []))
    grid = (grid.merge(reg, on=["region_code", "indicator_id", "period"], how="left")
            .merge(tot, on=["region_code", "indicator_id", "period"], how="left")
            .merge(own, on=["gemeentecode", "indicator_id", "period"], how="left"))
    grid = grid.merge(mem.assign(_member=True), on=["region_code", "gemeentecode"], how="left")
    is_member = grid["_member"].fillna(False).to_numpy(bool)
    nm = grid["region_code"].map(n_members).fillna(0).to_numpy(float)
    grid["n_others"] = (nm - is_member).astype(int)
    g_has = grid["g_has"].fillna(False).to_numpy(bool)
    r_has = grid["r_has"].fillna(False).to_numpy(bool)
    g_num, g_den = _num(grid["g_num"]), _num(grid["g_den"])
    r_num, r_den = _num(grid["r_num"]), _num(grid["r_den"])
    m_num, m_den = np.nan_to_num(_num(grid["m_num"])), np.nan_to_num(_num(grid["m_den"]))
    m_n = np.nan_to_num(_num(grid["m_n"]))
    p = grid["indicator_id"].map(per_s).to_numpy(float)
    has_per = np.isfinite(p)

    # b. Σ of the other members (the registry's membership, the one used by the map and Σ-rows), only when
    #    every other member has counts: first choice, so the rest of the regio is composed as everywhere else
    b_num = m_num - np.where(is_member & g_has, np.nan_to_num(g_num), 0.0)
    b_den = m_den - np.where(is_member & g_has, np.nan_to_num(g_den), 0.0)
    b_n = m_n - (is_member & g_has)
    b_ok = has_per & (grid["n_others"].to_numpy() > 0) & (b_n == grid["n_others"].to_numpy()) & (b_den > 0)
    # a. the published region counts minus the gemeente's own counts, only where the published total is known
    #    to be composed of the registry's members (Nederland, or Σ members within 2% of the published
    #    denominator in some period): CBS's composition of a region differs from the registry's in some
    #    jeugdzorgregio's, and a gemeente must never be subtracted from a total that does not contain it
    sub_num = np.where(is_member, r_num - g_num, r_num)
    sub_den = np.where(is_member, r_den - g_den, r_den)
    full = (m_n == nm) & (nm > 0) & np.isfinite(r_den) & (r_den > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        agrees = full & (np.abs(m_den - r_den) / r_den < 0.02)
    verified = pd.Series(agrees).groupby([grid["region_code"].to_numpy(), grid["indicator_id"].to_numpy()]
                                         ).transform("any").to_numpy(bool)
    is_nl_region = grid["region_code"].eq("NL01").to_numpy()
    a_ok = has_per & ~b_ok & r_has & (g_has | ~is_member) & (sub_den > 0) & (sub_num >= 0) & (
        is_nl_region | verified)
    # c. no counts for the gemeente at all in this period: the region's own value, labelled inclusive
    r_val = _num(grid["r_value"])
    c_ok = ~a_ok & ~b_ok & ~g_has & np.isfinite(r_val)
    num = np.select([a_ok, b_ok], [sub_num, b_num], np.nan)
    den = np.select([a_ok, b_ok], [sub_den, b_den], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        val = np.select([a_ok | b_ok, c_ok], [num / den * p, r_val], np.nan)
    grid["value"] = val
    grid["numerator"] = num
    grid["denominator"] = den
    grid["reference_basis"] = np.select([a_ok, b_ok, c_ok & is_member, c_ok],
                                        ["regio min gemeente", "rest van de leden", "inclusief gemeente",
                                         "regio"], "geen")
    grid["period_type"] = grid["g_ptype"].fillna(grid["r_ptype"])

    # usability per (gemeente, role, indicator, candidate)
    ckey = ["gemeentecode", "reference_role", "indicator_id", "rank"]
    summ = grid.assign(_val=np.isfinite(val), _den=np.where(a_ok | b_ok, den, np.nan)).groupby(
        ckey, sort=False).agg(n_val=("_val", "sum"), med_den=("_den", "median"), n_others=("n_others", "first"),
                              region_code=("region_code", "first"), region_naam=("region_naam", "first")
                              ).reset_index()
    # a candidate must cover at least half of the periods in which the gemeente itself has a value (a regio
    # with figures in 2 of 25 periods would print "–" almost everywhere): otherwise the next level is used
    n_own = own[own["g_has"].fillna(False).astype(bool)].groupby(["gemeentecode", "indicator_id"]).size()
    own_n = pd.MultiIndex.from_frame(summ[["gemeentecode", "indicator_id"]])
    summ["n_own"] = n_own.reindex(own_n).fillna(0).to_numpy()
    few = summ["n_others"] < min_others
    empty = (summ["n_val"] == 0) | (summ["n_val"] < MIN_COVERAGE * summ["n_own"])
    tiny = summ["med_den"].notna() & (summ["med_den"] < min_denominator)
    summ["usable"] = ~few & ~empty & ~tiny
    summ["why"] = np.select(
        [few & (summ["n_others"] == 0), few, empty, tiny],
        ["bestaat alleen uit de gemeente zelf", "heeft te weinig andere gemeenten",
         "heeft voor te weinig perioden gegevens", "is te klein"], "")
    summ = summ.sort_values(ckey)
    first_ok = summ[summ["usable"]].drop_duplicates(ckey[:3])[ckey]
    skipped = summ.merge(first_ok.rename(columns={"rank": "_used"}), on=ckey[:3], how="left")
    skipped = skipped[(skipped["_used"].isna() | (skipped["rank"] < skipped["_used"])) & ~skipped["usable"]]
    notes = (skipped.assign(_t=skipped["region_naam"].astype(str) + " " + skipped["why"])
             .groupby(ckey[:3])["_t"].agg(lambda s: "; ".join(s)).rename("_skipped").reset_index())
    chosen = grid.merge(first_ok, on=ckey)
    chosen = chosen.merge(notes, on=ckey[:3], how="left")

    gname = (chosen["gemeentecode"].astype(object).map(names)
             .fillna(chosen["gemeentecode"].astype(object)).astype(object))
    rname = chosen["region_naam"].astype(str)
    is_nl = chosen["region_code"].eq("NL01").to_numpy() | rname.str.lower().eq("nederland").to_numpy()
    basis = chosen["reference_basis"].to_numpy()
    rest = np.isin(basis, ["regio min gemeente", "rest van de leden"])
    chosen["reference_label"] = np.select(
        [rest & is_nl, rest, basis == "inclusief gemeente"],
        ["Nederland zonder " + gname, "rest van " + rname, rname + " (inclusief " + gname + ")"], rname)
    chosen["reference_code"] = np.where(rest, chosen["region_code"] + REST_CODE_SEP + chosen["gemeentecode"],
                                        chosen["region_code"])
    used_label = chosen["reference_label"]
    chosen["reference_note"] = np.where(
        chosen["_skipped"].notna(),
        "Vergeleken met " + used_label + ", want " + chosen["_skipped"].fillna("") + ".", "")
    out = chosen[_OUT].sort_values(["gemeentecode", "reference_role", "indicator_id", "period"], kind="stable")
    return out.reset_index(drop=True)


def reference_without(
    indicators: pd.DataFrame,
    gemeentecode: str,
    candidates: Sequence[tuple[str, str]],
    membership: Mapping[str, Sequence[str]] | pd.DataFrame,
    per: Mapping[str, float] | pd.Series,
    gemeente_naam: str | None = None,
    role: str = "regio",
    min_others: int = MIN_OTHERS,
    min_denominator: float = MIN_REST_DENOMINATOR,
) -> pd.DataFrame:
    """:func:`rest_of_region` for one gemeente and one role.

    Example: ``reference_without(frame, "GM0344", [("JZ09", "jeugdzorgregio Utrecht Stad"),
    ("PV26", "provincie Utrecht"), ("NL01", "Nederland")], members, per, "Utrecht")`` gives rows labelled
    "rest van provincie Utrecht" with the note "Vergeleken met rest van provincie Utrecht, want
    jeugdzorgregio Utrecht Stad bestaat alleen uit de gemeente zelf.".
    """
    return rest_of_region(indicators, membership, {gemeentecode: list(candidates)}, per,
                          {gemeentecode: gemeente_naam or gemeentecode}, min_others, min_denominator
                          ).assign(reference_role=role)


def as_indicator_rows(rest: pd.DataFrame, unit: pd.Series | None = None) -> pd.DataFrame:
    """Rows of :func:`rest_of_region` in the indicator schema, keyed by their ``reference_code``.

    Concatenate them to the indicator frame before :func:`analyse.compare.compare_indicators` (the codes
    ``JZ31-zonder-GM0531`` never collide with CBS codes). Rows of the ``inclusief gemeente``/``regio``
    basis keep the region code and are left out (the frame already has that region's rows).

    Args:
        rest: output of :func:`rest_of_region`.
        unit: optional indicator_id → unit (catalogue) for the ``unit`` column.

    Returns:
        Rows with the columns of ``indicators.parquet`` (status ``onbekend``, source_table
        :data:`REST_SOURCE`).
    """
    rows = rest[rest["reference_code"].astype(str).str.contains(REST_CODE_SEP, regex=False)]
    out = rows[["indicator_id", "reference_code", "period", "period_type", "value", "numerator", "denominator"]]
    out = out.rename(columns={"reference_code": "gemeentecode"}).drop_duplicates(
        ["indicator_id", "gemeentecode", "period"])
    # the full indicator schema, so that analyse.indicators.series/select_preferred accept the rows
    out = out.assign(unit=unit.reindex(out["indicator_id"]).to_numpy() if unit is not None else pd.NA,
                     status="onbekend", source_table=REST_SOURCE)
    return out.reset_index(drop=True)


def compare_references(rest: pd.DataFrame) -> pd.DataFrame:
    """One row per (gemeentecode, reference_role, indicator_id): the reference used, for ``compare``.

    Returns:
        gemeentecode, reference_role, indicator_id, reference_code, reference_label and reference_note (of the
        latest period: the label can change with the basis per period, the code does not).
    """
    key = ["gemeentecode", "reference_role", "indicator_id"]
    last = rest.sort_values("period").drop_duplicates(key, keep="last")
    return last[key + ["reference_code", "reference_label", "reference_note"]].reset_index(drop=True)


_REGION_WORD = {"jeugdzorgregio_code": "jeugdzorgregio", "provincie_code": "provincie",
                "arbeidsmarktregio_code": "arbeidsmarktregio", "ggd_regio_code": "GGD-regio",
                "corop_code": "COROP-gebied"}


def registry_membership(registry_frame: pd.DataFrame, indelingsjaar: int, nederland: str = vocab.NEDERLAND_CODE) \
        -> pd.DataFrame:
    """``region_code, gemeentecode`` for every region of the registry in one indelingsjaar, plus Nederland.

    The pairs of the one membership table (:func:`analyse.data.derive.region_membership_table`, stored by the
    build as ``region_members_<jaar>``), so references, sums of members and the map use the same regions.
    """
    table = derive.region_membership_table(registry_frame, indelingsjaar)
    table = table.assign(region_code=table["region_code"].where(table["role"] != "nederland", nederland))
    return table[["region_code", "gemeentecode"]].astype(str).drop_duplicates().reset_index(drop=True)


def registry_candidates(
    registry_frame: pd.DataFrame,
    indelingsjaar: int,
    catalogue: pd.DataFrame,
    indicator_ids: Sequence[str],
    region_columns: Mapping[str, str] | None = None,
    fallback: Sequence[str] = ("provincie_code",),
    nederland: str = "NL01",
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Candidate references for every gemeente: roles ``regio`` (own region by domein → ``fallback`` columns →
    Nederland) and ``nederland`` (Nederland without the gemeente), with Dutch region names.

    Args:
        registry_frame: ``gemeenten.parquet``-shaped frame.
        indelingsjaar: indeling.
        catalogue: catalogue frame (``domein`` per indicator; :func:`analyse.stats.catalogue_frame` shape or raw).
        indicator_ids: indicators to cover.
        region_columns: domein → registry column (default :data:`DEFAULT_REGION_COLUMNS`).
        fallback: registry columns tried after the own region, before Nederland.
        nederland: code of Nederland.
        codes: restrict to these gemeenten (default all of the indelingsjaar).

    Returns:
        Frame gemeentecode, reference_role, indicator_id, rank, region_code, region_naam for :func:`rest_of_region`.
    """

    mapping = dict(region_columns or DEFAULT_REGION_COLUMNS)
    cat = catalogue_frame(catalogue)
    reg = registry_frame[registry_frame["indelingsjaar"] == indelingsjaar]
    if codes is not None:
        reg = reg[reg["gemeentecode"].isin(list(codes))]
    domein = cat["domein"].reindex(list(indicator_ids)).astype("string").fillna("*")
    own_col = domein.map(lambda d: mapping.get(d, mapping.get("*"))).astype(object)
    gm = reg["gemeentecode"].astype(str).to_numpy()
    parts = []
    for col, ids in own_col.groupby(own_col, dropna=False).groups.items():  # one frame per region column
        cols = [col] + [c for c in fallback if c != col]
        base = []
        rank = 0
        for c in cols:
            if not isinstance(c, str) or c not in reg.columns:
                continue
            name_col = c.replace("_code", "_naam")
            names = reg[name_col].astype(str) if name_col in reg.columns else reg[c].astype(str)
            base.append(pd.DataFrame({"gemeentecode": gm, "reference_role": "regio", "rank": rank,
                                      "region_code": reg[c].astype(object).to_numpy(),
                                      "region_naam": (_REGION_WORD.get(c, "regio") + " " + names).to_numpy()}))
            rank += 1
        base.append(pd.DataFrame({"gemeentecode": gm, "reference_role": "regio", "rank": rank,
                                  "region_code": nederland, "region_naam": "Nederland"}))
        base.append(pd.DataFrame({"gemeentecode": gm, "reference_role": "nederland", "rank": 0,
                                  "region_code": nederland, "region_naam": "Nederland"}))
        parts.append(pd.concat(base, ignore_index=True).merge(pd.DataFrame({"indicator_id": list(ids)}), how="cross"))
    cols_out = ["gemeentecode", "reference_role", "indicator_id", "rank", "region_code", "region_naam"]
    out = pd.concat(parts, ignore_index=True)[cols_out] if parts else pd.DataFrame(columns=cols_out)
    return out[out["region_code"].notna()].reset_index(drop=True)


def gemeente_references(
    indicators: pd.DataFrame,
    registry_frame: pd.DataFrame,
    indelingsjaar: int,
    catalogue: pd.DataFrame,
    gemeentecode: str,
    gemeente_naam: str | None = None,
    membership: pd.DataFrame | None = None,
    totals: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Everything one report needs for references without the gemeente, in one call.

    Args:
        indicators: harmonised rows incl. region rows and computed reference rows, one preferred row per
            (indicator, code, period) (``indicators.select_preferred``; cache it per batch).
        registry_frame: ``gemeenten.parquet``-shaped frame.
        indelingsjaar: indeling of ``indicators``.
        catalogue: catalogue (domein, per, unit).
        gemeentecode: the gemeente.
        gemeente_naam: its name for the labels.
        membership: :func:`registry_membership` (computed when not given; cache it per batch).
        totals: :func:`member_totals` of ``indicators`` and ``membership`` (cache it per batch; computed when
            absent, which costs ~1 s on the real data).

    Returns:
        ``(rest, rows, refs)``: the :func:`rest_of_region` frame (roles ``regio`` and ``nederland``), the rows to
        concatenate to the indicator subset (:func:`as_indicator_rows`; ``JZ31-zonder-GM0531`` …) and the
        reference frame for ``compare.compare_indicators(..., references=refs)``.
    """

    cat = catalogue_frame(catalogue)
    mem = membership if membership is not None else registry_membership(registry_frame, indelingsjaar)
    own = indicators.loc[indicators["gemeentecode"] == gemeentecode, "indicator_id"].unique()
    ids = [i for i in own if i in cat.index]
    cand = registry_candidates(registry_frame, indelingsjaar, catalogue, ids, codes=[gemeentecode])
    rest = rest_of_region(indicators, mem, cand, cat["per"].dropna(), {gemeentecode: gemeente_naam or gemeentecode},
                          totals=totals)
    return rest, as_indicator_rows(rest, cat["unit"]), compare_references(rest)
