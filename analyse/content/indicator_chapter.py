"""Content of the indicator chapters: references, comparison and verdicts, trends, policy start, funnel, peers.

Pure functions of a :class:`~analyse.content.inputs.ReportInputs` and the report's gemeente and parameters;
they return frames and small dataclasses, never HTML (rendering is :mod:`analyse.report.sections`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analyse import batch, compare, indicators, peers, references, stats, trends, vocab
from analyse import series as series_mod
from analyse.content import overview_chapter
from analyse.content.inputs import BatchStatistics, ReportInputs
from analyse.errors import AnalyseError

NEDERLAND = vocab.NEDERLAND_CODE
ROLE_LABEL = vocab.ROLE_LABELS
HEADLINE = ("jeugdzorg_pct", "wmo_clienten_per_1000", "bijstand_personen_per_1000")
"""Indicators shown as key figures (when the gemeente has them)."""
FUNNEL_IDS = ("jeugdzorg_pct", "wmo_clienten_per_1000", "jeugdhulp_met_verblijf_pct")
"""Candidates for the funnel plot, first usable one wins."""
MAX_TRENDS = 4
"""At most this many trend charts (slechter first, then beter, then gelijk)."""


@dataclass
class TrendSeries:
    """One indicator's yearly series of the gemeente and its references, ready to plot."""

    indicator_id: str
    naam: str
    unit: str
    frame: pd.DataFrame


@dataclass
class FunnelContent:
    """The gemeente among all gemeenten for one indicator and period."""

    indicator_id: str
    naam: str
    unit: str
    period: str
    points: pd.DataFrame
    limits: pd.DataFrame
    position: str | None


@dataclass
class MapContent:
    """The gemeente among its neighbours and its regio, coloured by one headline indicator."""

    indicator_id: str
    naam: str
    unit: str
    period: str
    values: pd.Series
    """gemeentecode → value of ``period`` for every gemeente that has one."""
    members: list[str]
    region_label: str
    geo: pd.DataFrame | None
    """Boundaries (gemeentecode, gemeentenaam, geometry); ``None`` when no boundary file is available."""
    note: str = ""


@dataclass
class IndicatorContent:
    """Everything the indicator chapters show."""

    references: dict[str, str]
    labels: dict[str, str]
    comparison: pd.DataFrame | None
    verdicts: pd.DataFrame | None
    signals: dict[str, int]
    key_figures: list[tuple[str, float, str, str]] = field(default_factory=list)
    """(naam, value, unit, period) of the headline indicators."""
    trends: list[TrendSeries] = field(default_factory=list)
    policy_start: pd.DataFrame | None = None
    funnel: FunnelContent | None = None
    catalogue: pd.DataFrame | None = None
    """The indicator catalogue (names, units, definitions) for labels in tables."""
    map: MapContent | None = None
    recent: pd.DataFrame | None = None
    """Recent trend per indicator (``trends.recent_trends_all``)."""
    reference_notes: list[str] = field(default_factory=list)
    """Why a reference other than the own regio was used (e.g. the regio is the gemeente itself)."""
    overview: Any = None
    """:class:`analyse.content.overview_chapter.OverviewContent` (all indicators, Fingertips style)."""
    records: pd.DataFrame | None = None
    """One row per indicator (:data:`RECORD_COLUMNS`): what every part of the page shows for it."""
    series: pd.DataFrame | None = None
    """The gemeente's reported series (indicator_id, period, value, ci_low, ci_high, break_before)."""



def batch_statistics(inputs: ReportInputs) -> BatchStatistics:
    """The :class:`BatchStatistics` of ``inputs``: the ones the build stored, else computed once from the frames
    with the same functions (:func:`analyse.batch.compute`; tests on tiny frames, another indelingsjaar)."""
    if inputs.statistics is not None:
        return inputs.statistics
    if "statistics" not in inputs.cache:
        inputs.cache["statistics"] = BatchStatistics.from_frames(batch.compute(
            inputs.harmonised, inputs.registry, inputs.catalogue, inputs.indelingsjaar, inputs.reference_rows,
            dict(inputs.source_registry)))
    return inputs.cache["statistics"]


@dataclass
class References:
    """The references of one gemeente: per indicator and role the rest of a region or Nederland without it."""

    rest: pd.DataFrame
    rows: pd.DataFrame
    """Reference rows in the shape of the indicator table (codes such as ``JZ31-zonder-GM0531``)."""
    frame: pd.DataFrame
    """gemeentecode, reference_role, indicator_id, reference_code, reference_label, reference_note."""

    def for_indicator(self, indicator_id: str) -> dict[str, str]:
        """role → reference code of one indicator (``regio`` first, then ``nederland``)."""
        sel = self.frame[self.frame["indicator_id"] == indicator_id].sort_values("reference_role", ascending=False)
        return dict(zip(sel["reference_role"], sel["reference_code"]))

    def labels(self) -> dict[str, str]:
        """reference code → Dutch label ("rest van jeugdzorgregio Zuid-Holland Zuid")."""
        return dict(zip(self.frame["reference_code"], self.frame["reference_label"]))


def references_of(inputs: ReportInputs, gemeente: Any, roles: tuple[str, ...]) -> References:
    """References without the gemeente for every indicator it has (see :mod:`analyse.references`).

    ``roles``: ``regio`` picks the regio that fits each indicator's domein (jeugdzorgregio for jeugd, GGD-regio
    for preventie, arbeidsmarktregio for participatie and armoede, else provincie); a named role (e.g.
    ``provincie``) uses that region for every indicator. Only the first regional role is used. ``nederland``
    adds Nederland without the gemeente. A regio that is the gemeente itself, or too small without it, falls back
    to the provincie and then Nederland.
    """
    st = batch_statistics(inputs)
    cat = stats.catalogue_frame(inputs.catalogue)
    regional = [r for r in roles if r != "nederland"]
    columns = None if not regional or regional[0] == "regio" else {"*": f"{regional[0]}_code"}
    own = st.preferred.loc[st.preferred["gemeentecode"] == gemeente.code, "indicator_id"].unique()
    ids = [i for i in own if i in cat.index]
    cand = references.registry_candidates(inputs.registry, inputs.indelingsjaar, inputs.catalogue, ids,
                                          region_columns=columns, codes=[gemeente.code])
    if not regional:
        cand = cand[cand["reference_role"] != "regio"]
    if "nederland" not in roles:
        cand = cand[cand["reference_role"] != "nederland"]
    rest = references.rest_of_region(st.preferred, st.membership, cand, cat["per"].dropna(),
                                     {gemeente.code: gemeente.naam}, totals=st.totals)
    return References(rest, references.as_indicator_rows(rest, cat["unit"]), references.compare_references(rest))


def comparison(inputs: ReportInputs, code: str, refs: References, base_year: int) -> pd.DataFrame | None:
    """Nulmeting → latest of the gemeente against its references, with φ and constant prices (``None``
    without data); Fingertips benchmark columns (95% and 99,8%) added."""
    st = batch_statistics(inputs)
    pref = st.preferred
    subset = pd.concat([pref[pref["gemeentecode"] == code], refs.rows,
                        pref[pref["gemeentecode"].isin(set(refs.frame["reference_code"]))]], ignore_index=True)
    if not (subset["gemeentecode"] == code).any():
        return None
    comp = compare.compare_indicators(subset, inputs.catalogue, code, refs.frame, base_year=base_year,
                                      variation=st.variation, cpi=inputs.cpi if len(inputs.cpi) else None,
                                      breaks=gemeente_breaks(inputs, code))
    return compare.account_for_rounding(comp, st.rounding_steps)  # whole-percent KWB shares are not exact


def gemeente_breaks(inputs: ReportInputs, code: str) -> pd.DataFrame:
    """Breaks in the gemeente's series (:func:`analyse.series.series_breaks`), cached per gemeente."""
    key = ("breaks", code)
    if key not in inputs.cache:
        st = batch_statistics(inputs)
        own = st.preferred[st.preferred["gemeentecode"] == code]
        inputs.cache[key] = series_mod.series_breaks(own, getattr(inputs, "series_keys", None))
    return inputs.cache[key]


def recent_trends(inputs: ReportInputs, code: str) -> pd.DataFrame:
    """Fingertips recent trend (5 latest yearly points) of every indicator of the gemeente, after its last break."""
    st = batch_statistics(inputs)
    own = st.preferred[(st.preferred["gemeentecode"] == code) & (st.preferred["period_type"] == vocab.JAAR)]
    brk = gemeente_breaks(inputs, code)
    brk = brk[brk["period_type"] == vocab.JAAR]
    if len(brk):
        last = brk.assign(_t=stats.period_time(brk["period"]).to_numpy()).groupby("indicator_id")["_t"].max()
        t = stats.period_time(own["period"]).to_numpy()
        own = own[~(t < own["indicator_id"].map(last).fillna(-np.inf).to_numpy())]
    return trends.recent_trends_all(own, inputs.catalogue, codes=[code], dispersion=st.dispersion)


def signals(recs: pd.DataFrame | None) -> dict[str, int]:
    """Counts of change verdicts for the summary and the index page, from the records.

    Only verdicts with a known margin are counted (``verdict_allowed``); a difference with an unknown margin is
    counted apart (``marge_onbekend``) and never as beter/slechter.
    """
    if recs is None or recs.empty:
        return {}
    allowed = recs[recs["verdict_allowed"] & ~recs["stale"]]
    counts = allowed["change_verdict"].value_counts()
    judged = counts.get(vocab.BETER, 0) + counts.get(vocab.SLECHTER, 0) + counts.get(vocab.GELIJK, 0) \
        + counts.get(vocab.HOGER, 0) + counts.get(vocab.LAGER, 0)
    return {"beter": int(counts.get(vocab.BETER, 0)), "slechter": int(counts.get(vocab.SLECHTER, 0)),
            "gelijk": int(counts.get(vocab.GELIJK, 0)), "indicatoren": int(judged), "totaal": int(len(recs)),
            "marge_onbekend": int((recs["change_verdict"] == vocab.MARGE_ONBEKEND).sum())}


def latest_value(recs: pd.DataFrame | None, indicator_id: str) -> tuple[str, float] | None:
    """``(period, value)`` of an indicator's latest value in the record (the one value the page shows)."""
    if recs is None or recs.empty:
        return None
    hit = recs[(recs["indicator_id"] == indicator_id) & recs["latest_value"].notna()]
    if hit.empty:
        return None
    return str(hit["latest_period"].iloc[0]), float(hit["latest_value"].iloc[0])


def key_figures(inputs: ReportInputs, recs: pd.DataFrame | None) -> list[tuple[str, float, str, str]]:
    """Latest value of each headline indicator the gemeente has, from its record: (naam, value, unit, period)."""
    out = []
    for ind_id in HEADLINE:
        hit = latest_value(recs, ind_id)
        if hit is not None:
            out.append((inputs.indicator_name(ind_id), hit[1], str(inputs.catalogue_row(ind_id).get("unit") or ""),
                        hit[0]))
    return out


def trend_ids(recs: pd.DataFrame | None, limit: int = MAX_TRENDS) -> list[str]:
    """Indicators worth a trend chart: a change verdict with a known margin, not stale, not an absolute count
    (its share or rate is comparable with the references); slechter first, then beter, then the rest."""
    if recs is None or recs.empty:
        return []
    judged = recs[recs["verdict_allowed"] & ~recs["stale"] & (recs["unit"] != "aantal")
                  & recs["change_verdict"].isin([vocab.BETER, vocab.SLECHTER, vocab.GELIJK, vocab.HOGER, vocab.LAGER])]
    order = {vocab.SLECHTER: 0, vocab.BETER: 1}
    judged = judged.assign(_o=judged["change_verdict"].map(order).fillna(2)).sort_values(["_o", "indicator_id"])
    return judged["indicator_id"].head(limit).tolist()


def _series_source(inputs: ReportInputs, code: str, refs: References, ids: list[str]) -> pd.DataFrame:
    """The preferred rows and reference rows of ``ids`` for the gemeente and its references only: what the series
    of :func:`trend_series` and :func:`policy_start` select from (selecting from all gemeenten gives the same
    rows, one full-table scan per indicator later)."""
    codes = {code} | {c for ind_id in ids for c in refs.for_indicator(ind_id).values()}
    pref = batch_statistics(inputs).preferred
    rows = refs.rows
    return pd.concat([pref[pref["indicator_id"].isin(ids) & pref["gemeentecode"].isin(codes)],
                      rows[rows["indicator_id"].isin(ids) & rows["gemeentecode"].isin(codes)]], ignore_index=True)


def trend_series(inputs: ReportInputs, ids: list[str], code: str, refs: References,
                 recs: pd.DataFrame | None = None) -> list[TrendSeries]:
    """Yearly series of the gemeente and its references for each indicator in ``ids``, with 95% intervals.

    Intervals (``ci_low``/``ci_high``: Wilson for shares, exact Poisson for rates, published ones kept) are drawn
    as bands around the lines.
    """
    out = []
    source = _series_source(inputs, code, refs, ids)
    present = set(source["indicator_id"])
    ptype = recs.set_index("indicator_id")["period_type"] if recs is not None and len(recs) else pd.Series(dtype=str)
    for ind_id in ids:
        if ind_id not in present:  # no rows for this gemeente and its references: no chart (as an empty series)
            continue
        codes = [code, *refs.for_indicator(ind_id).values()]
        frame = indicators.series(source, ind_id, codes, period_type=str(ptype.get(ind_id, vocab.JAAR)),
                                  registry=dict(inputs.source_registry))
        if not frame.empty:
            frame = stats.add_intervals(frame, inputs.catalogue)
            row = inputs.catalogue_row(ind_id)
            out.append(TrendSeries(ind_id, inputs.indicator_name(ind_id), str(row.get("unit") or ""), frame))
    return out


def policy_start(inputs: ReportInputs, code: str, refs: References, ids: list[str], start_year: int) -> pd.DataFrame:
    """Indicative difference-in-differences per indicator against its regional reference around ``start_year``.

    Returns:
        One row per indicator: indicator_id, naam, unit, reference, gap_before, gap_after, estimate, ci_low,
        ci_high, n_before, n_after, message (empty when no reference data).
    """
    rows = []
    source = _series_source(inputs, code, refs, ids)
    present = set(source["indicator_id"])
    labels_ = refs.labels()
    for ind_id in ids:
        mine = refs.for_indicator(ind_id)
        ref = mine.get("regio") or mine.get("nederland")
        if ref is None or ind_id not in present:
            continue
        series = indicators.series(source, ind_id, [code, ref], period_type="jaar",
                                   registry=dict(inputs.source_registry))
        own, other = series[series["gemeentecode"] == code], series[series["gemeentecode"] == ref]
        if own.empty or other.empty:
            continue
        res = trends.did(own, other, start_year, period_type="jaar",
                         rho=batch_statistics(inputs).autocorrelation).iloc[0]
        rows.append({"indicator_id": ind_id, "naam": inputs.indicator_name(ind_id),
                     "unit": str(inputs.catalogue_row(ind_id).get("unit") or ""), "reference": labels_.get(ref, ref),
                     **{k: res[k] for k in ("gap_before", "gap_after", "estimate", "ci_low", "ci_high",
                                            "n_before", "n_after", "message")}})
    return pd.DataFrame(rows)


def indicator_funnel(inputs: ReportInputs, indicator_id: str, code: str) -> FunnelContent | None:
    """Funnel of one share/rate indicator in the latest year in which ``code`` has numerator and denominator.

    The limits and points of every gemeente come from the batch statistics (one funnel per indicator and period,
    computed by the build). ``None`` when the indicator is not a share or rate, or the gemeente has no counts.
    """
    row = inputs.catalogue_row(indicator_id)
    if row.get("kind") not in {"share", "rate"}:
        return None
    frame = inputs.harmonised
    mine = frame[(frame["indicator_id"] == indicator_id) & (frame["period_type"] == "jaar")
                 & (frame["gemeentecode"] == code) & frame["numerator"].notna()]
    if mine.empty:
        return None
    period = str(mine["period"].max())
    st = batch_statistics(inputs)
    if st.funnel is None or st.funnel_points is None:
        return None
    sel = (st.funnel["indicator_id"] == indicator_id) & (st.funnel["period"].astype(str) == period)
    limits = st.funnel.loc[sel].drop(columns=["indicator_id", "period"]).reset_index(drop=True)
    psel = (st.funnel_points["indicator_id"] == indicator_id) & (st.funnel_points["period"].astype(str) == period)
    points = st.funnel_points.loc[psel].drop(columns=["indicator_id", "period"]).reset_index(drop=True)
    if limits.empty:
        return None
    pos = points.loc[points["gemeentecode"] == code]
    position = str(pos["positie_95"].iloc[0]) if len(pos) and "positie_95" in pos else None
    return FunnelContent(indicator_id, inputs.indicator_name(indicator_id), str(row.get("unit") or ""), period,
                         points, limits, position)


def funnel(inputs: ReportInputs, code: str) -> FunnelContent | None:
    """Funnel of the first of :data:`FUNNEL_IDS` for which the gemeente has numerator and denominator."""
    return next((f for f in (indicator_funnel(inputs, i, code) for i in FUNNEL_IDS) if f is not None), None)


MAP_IDS = ("jeugdzorg_pct", "wmo_clienten_per_1000", "bijstand_personen_per_1000")
"""Candidates for the map's colour, first one the gemeente has a yearly value for wins."""


def boundaries(inputs: ReportInputs) -> tuple[pd.DataFrame | None, str]:
    """Gemeente boundaries of the indeling (from the bundle) and, when absent, why."""
    return inputs.boundaries, ("" if inputs.boundaries is not None else inputs.boundaries_note)


def map_content(inputs: ReportInputs, gemeente: Any, recs: pd.DataFrame | None = None,
                role: str = "jeugdzorgregio") -> MapContent | None:
    """Values of the first of :data:`MAP_IDS` for all gemeenten in the record's latest period."""
    frame = inputs.harmonised
    for ind_id in MAP_IDS:
        hit = latest_value(recs, ind_id)
        if hit is None:
            continue
        period = hit[0]
        rows = frame[(frame["indicator_id"] == ind_id) & (frame["period"] == period)
                     & frame["gemeentecode"].str.startswith("GM") & frame["value"].notna()]
        values = rows[rows["period"] == period].drop_duplicates("gemeentecode").set_index("gemeentecode")["value"]
        regions = getattr(gemeente, "regions", {}) or {}
        members = [gemeente.code]
        label = ROLE_LABEL.get(role, role)
        if role in regions and inputs.registry is not None:
            reg = inputs.registry[inputs.registry["indelingsjaar"] == inputs.indelingsjaar]
            members = reg.loc[reg[f"{role}_code"] == regions[role][0], "gemeentecode"].astype(str).tolist()
            label = f"{label} {regions[role][1]}"
        geo, why = boundaries(inputs)
        if geo is not None and not (geo["gemeentecode"] == gemeente.code).any():
            geo, why = None, f"Geen kaart: {gemeente.naam} staat niet in de gemeentegrenzen van {inputs.indelingsjaar}."
        row = inputs.catalogue_row(ind_id)
        return MapContent(ind_id, inputs.indicator_name(ind_id), str(row.get("unit") or ""), period, values,
                          members, label, geo, why)
    return None


def covariates(inputs: ReportInputs) -> pd.DataFrame | None:
    """Peer covariates of every gemeente (batch statistics; ``None`` when incomplete)."""
    return batch_statistics(inputs).covariates


def peer_codes(inputs: ReportInputs, gemeente: Any, k: int, method: str,
               roles: tuple[str, ...]) -> tuple[list[str], str | None]:
    """Vergelijkbare gemeenten by ``method`` (kenmerken | grootteklasse | regio) and a note on any fallback."""
    code, jaar = gemeente.code, inputs.indelingsjaar

    def by_size() -> list[str]:
        if inputs.registry is None:
            return []
        frame = peers.size_class_peers(inputs.registry, code, jaar)
        return [c for c in frame["gemeentecode"].astype(str) if c != code][:k]

    if method == "grootteklasse":
        return by_size(), None
    if method == "regio":
        regions = getattr(gemeente, "regions", {}) or {}
        role = next((r for r in roles if r in regions), "provincie")
        if inputs.registry is not None and role in regions:
            col = f"{role}_code"
            reg = inputs.registry[inputs.registry["indelingsjaar"] == jaar]
            if col in reg:
                members = reg.loc[reg[col] == regions[role][0], "gemeentecode"].astype(str)
                return [c for c in members if c != code][:k], None
        return by_size(), ("De regio van deze gemeente is onbekend; daarom zijn gemeenten uit dezelfde grootteklasse "
                           "gebruikt.")
    cov = covariates(inputs)
    try:
        if cov is None or code not in set(cov["gemeentecode"]):
            raise AnalyseError(f"geen kenmerken voor {code}")
        frame = peers.select_peers(cov, code, k=k)
        return [c for c in frame["gemeentecode"].astype(str) if c != code][:k], None
    except AnalyseError:
        return by_size(), ("De kenmerken voor het kiezen van vergelijkbare gemeenten zijn onvolledig; daarom zijn "
                           "gemeenten uit dezelfde grootteklasse gebruikt.")


RECORD_COLUMNS = (
    "indicator_id", "naam", "domein", "unit", "kind", "polarity", "data_kind", "source_table", "period_type",
    "latest_period", "latest_value", "latest_ci_low", "latest_ci_high", "latest_margin_low", "latest_margin_high",
    "latest_status", "base_period", "base_value", "change_abs", "change_verdict", "change_basis", "change_label",
    "change_reason", "reference_role", "reference_code", "reference_label", "reference_value", "reference_note",
    "nederland_label", "nederland_value", "benchmark_verdict", "benchmark_998", "benchmark_label",
    "regio_benchmark_label", "recent_trend", "recent_label", "break_period", "break_note", "stale", "harmonised",
    "verdict_allowed",
)
"""The indicator record: one row per indicator of the gemeente, read by every part of the page."""

DATA_KIND_OF_SOURCE = {"seed": vocab.STEEKPROEF}
"""Sources that are not registers (seed figures from monitors are mostly survey shares with a published margin)."""


def _data_kind(kind: str, source_table: str, ci_method: str | None = None) -> str:
    if kind == vocab.COUNT or kind == vocab.LEVEL and not str(source_table).startswith("seed"):
        return vocab.TELLING if kind == vocab.COUNT else vocab.REGISTER
    if str(source_table).startswith("seed") and ci_method == "gepubliceerd":
        return vocab.STEEKPROEF
    return vocab.REGISTER


def records(inputs: ReportInputs, code: str, comp: pd.DataFrame | None, recent: pd.DataFrame | None,
            breaks: pd.DataFrame | None = None) -> pd.DataFrame:
    """One record per indicator of the gemeente (:data:`RECORD_COLUMNS`), from its comparison.

    The reported series, latest value and nulmeting come from :func:`analyse.compare.compare_indicators` (one
    period rule, :mod:`analyse.series`); the benchmark is the comparison with Nederland without the gemeente
    (margin = own noise + real year-to-year variation); the regio column is used only where the regio has a
    value for both compared periods, otherwise it is left empty and ``reference_note`` says why. A verdict is
    allowed (``verdict_allowed``) only where a margin is known.
    """
    if comp is None or comp.empty:
        return pd.DataFrame(columns=list(RECORD_COLUMNS))
    nl = comp[comp["reference_role"] == "nederland"].drop_duplicates("indicator_id").set_index("indicator_id")
    rg = comp[comp["reference_role"] == "regio"].drop_duplicates("indicator_id").set_index("indicator_id")
    first = comp.drop_duplicates("indicator_id").set_index("indicator_id")
    ids = first.index
    cat = inputs.catalogue.drop_duplicates("id").set_index("id")
    st = batch_statistics(inputs)
    own = st.preferred[st.preferred["gemeentecode"] == code].set_index(["indicator_id", "period"])
    lp = pd.MultiIndex.from_arrays([ids, first["latest_period"].astype(str)])

    def own_col(col: str, default: object = pd.NA) -> np.ndarray:
        if col not in own:
            return np.full(len(ids), default, dtype=object)
        return own[col][~own.index.duplicated()].reindex(lp).to_numpy()

    out = pd.DataFrame(index=ids)
    out["naam"] = first["naam"]
    out["domein"] = ids.map(cat["domein"]) if "domein" in cat else pd.NA
    for c in ("unit", "kind", "polarity", "period_type", "latest_period", "latest_value", "latest_ci_low",
              "latest_ci_high", "latest_margin_low", "latest_margin_high", "base_period", "base_value"):
        out[c] = first[c] if c in first else pd.NA
    out["source_table"] = own_col("source_table", "")
    out["latest_status"] = own_col("status", "")
    out["harmonised"] = pd.Series(own_col("harmonised", False), index=ids).fillna(False).astype(bool)
    out["data_kind"] = [_data_kind(str(k), str(t)) for k, t in zip(out["kind"], out["source_table"])]
    # the change since the nulmeting: one row per indicator (the euro verdict may differ per reference)
    chg = compare.verdicts(comp).set_index("indicator_id")
    out["change_abs"] = (first["latest_value"] - first["base_value"]).astype(float)
    out["change_verdict"] = chg["verdict"].reindex(ids)
    out["change_basis"] = first["basis"]
    out["change_label"] = chg["verdict_label"].reindex(ids)
    out["change_reason"] = chg["verdict_reason"].reindex(ids)
    # the regio, only where it covers both compared periods
    covered = rg["ref_latest_value"].notna() & rg["ref_base_value"].notna() if len(rg) else pd.Series(dtype=bool)
    cov = covered.reindex(ids).fillna(False).astype(bool)
    if len(rg):  # a regio candidate that fell back to Nederland is not a regio: the Nederland column shows it
        cov &= ~rg["reference_code"].reindex(ids).astype("string").fillna("").str.startswith(NEDERLAND)
    out["reference_role"] = np.where(cov, "regio", pd.NA)
    out["reference_code"] = rg["reference_code"].reindex(ids).where(cov)
    out["reference_label"] = rg["reference_label"].reindex(ids).where(cov)
    out["reference_value"] = rg["ref_latest_value"].reindex(ids).where(cov).astype(float)
    base_note = rg["reference_note"].reindex(ids).fillna("").astype(str) if len(rg) else pd.Series("", index=ids)
    has_rg_row = rg["reference_code"].reindex(ids).notna() if len(rg) else pd.Series(False, index=ids)
    gap_note = np.where(has_rg_row & ~cov, "De regio heeft geen cijfers voor beide vergeleken perioden; "
                        "daarom is alleen Nederland (zonder de gemeente) als referentie gebruikt.", "")
    out["reference_note"] = [" ".join(x for x in (a, b) if x).strip() for a, b in zip(base_note, gap_note)]
    out["regio_benchmark_label"] = rg["benchmark_label"].reindex(ids).where(cov) if len(rg) else pd.NA
    out["nederland_label"] = nl["reference_label"].reindex(ids) if len(nl) else pd.NA
    out["nederland_value"] = nl["ref_latest_value"].reindex(ids).astype(float) if len(nl) else np.nan
    out["benchmark_verdict"] = (nl["benchmark_verdict"].reindex(ids) if len(nl) else pd.NA)
    out["benchmark_verdict"] = out["benchmark_verdict"].fillna(vocab.NIET_TE_BEOORDELEN)
    out["benchmark_998"] = nl["benchmark_998"].reindex(ids) if len(nl) else pd.NA
    out["benchmark_label"] = nl["benchmark_label"].reindex(ids) if len(nl) else pd.NA
    rec = recent.drop_duplicates("indicator_id").set_index("indicator_id") if recent is not None and len(recent) \
        else pd.DataFrame(columns=["recent_trend", "recent_trend_label"])
    out["recent_trend"] = rec["recent_trend"].reindex(ids).fillna(vocab.TREND_NIET_BEREKEND)
    out["recent_label"] = rec["recent_trend_label"].reindex(ids).fillna("") if "recent_trend_label" in rec else ""
    # breaks in the reported series: the last one at or before the latest period
    out["break_period"] = pd.NA
    out["break_note"] = ""
    if breaks is not None and len(breaks):
        b = breaks.merge(out[["period_type", "latest_period"]].rename_axis("indicator_id").reset_index(),
                         on=["indicator_id", "period_type"])
        b = b[stats.period_time(b["period"]).to_numpy() <= stats.period_time(b["latest_period"]).to_numpy()]
        b = b.assign(_t=stats.period_time(b["period"]).to_numpy()).sort_values("_t").drop_duplicates(
            "indicator_id", keep="last").set_index("indicator_id")
        out["break_period"] = b["period"].reindex(ids)
        note = ("Breuk in de reeks vanaf " + b["period"].astype(str) + ": de bron veranderde van "
                + b["source_before"].astype(str) + " naar " + b["source_after"].astype(str)
                + "; cijfers van vóór en na de breuk worden niet met elkaar vergeleken.")
        out["break_note"] = note.reindex(ids).fillna("")
    out["stale"] = series_mod.is_stale(out["latest_period"], inputs.indelingsjaar)
    margin_known = out["change_basis"].isin([vocab.BASIS_TOETS, vocab.BASIS_INTERVAL]) | \
        out["latest_margin_low"].notna()
    out["verdict_allowed"] = margin_known.to_numpy(bool)
    out = out.rename_axis("indicator_id").reset_index()
    return out[list(RECORD_COLUMNS)]


def reported_series(inputs: ReportInputs, code: str, recs: pd.DataFrame) -> pd.DataFrame:
    """The gemeente's reported series per indicator (the record's period type), with 95% intervals and breaks."""
    cols = ["indicator_id", "period", "value", "ci_low", "ci_high", "break_before", "harmonised", "filled"]
    if recs is None or recs.empty:
        return pd.DataFrame(columns=cols)
    st = batch_statistics(inputs)
    own = st.preferred[st.preferred["gemeentecode"] == code]
    for flag in ("harmonised", "filled"):  # marked by the build (older data sets: not known, so False)
        own = own.assign(**{flag: own[flag].fillna(False).astype(bool) if flag in own else False})
    own = own.merge(recs[["indicator_id", "period_type"]], on=["indicator_id", "period_type"])
    own = own[own["value"].notna()]
    if own.empty:
        return pd.DataFrame(columns=cols)
    own = stats.add_intervals(own, inputs.catalogue)
    brk = gemeente_breaks(inputs, code)
    starts = set(zip(brk["indicator_id"], brk["period"])) if len(brk) else set()
    own = own.assign(break_before=[(i, p) in starts for i, p in zip(own["indicator_id"], own["period"])])
    own = own.assign(_t=stats.period_time(own["period"]).to_numpy()).sort_values(["indicator_id", "_t"])
    return own[cols].reset_index(drop=True)


def build(inputs: ReportInputs, gemeente: Any, roles: tuple[str, ...], base_year: int) -> IndicatorContent:
    """All indicator content of one report: the records first, then every part from them."""
    refs = references_of(inputs, gemeente, roles)
    lab = {gemeente.code: gemeente.naam, NEDERLAND: "Nederland", **refs.labels()}
    comp = comparison(inputs, gemeente.code, refs, base_year)
    verdict_frame = None if comp is None else compare.verdicts(comp)
    recent = recent_trends(inputs, gemeente.code)
    recs = records(inputs, gemeente.code, comp, recent, gemeente_breaks(inputs, gemeente.code))
    ids = trend_ids(recs)
    notes = [n for n in dict.fromkeys(refs.frame["reference_note"].dropna()) if n]
    overview = overview_chapter.build(inputs, batch_statistics(inputs).spread, recs)
    return IndicatorContent(
        references=refs.for_indicator(ids[0]) if ids else {}, labels=lab, comparison=comp, verdicts=verdict_frame,
        signals=signals(recs), key_figures=key_figures(inputs, recs),
        trends=trend_series(inputs, ids, gemeente.code, refs, recs),
        policy_start=policy_start(inputs, gemeente.code, refs, ids, base_year) if ids else None,
        funnel=funnel(inputs, gemeente.code), catalogue=inputs.catalogue,
        map=map_content(inputs, gemeente, recs), recent=recent, reference_notes=notes, overview=overview,
        records=recs, series=reported_series(inputs, gemeente.code, recs))
