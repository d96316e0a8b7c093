"""Content of the indicator chapters: references, comparison and verdicts, trends, policy start, funnel, peers.

Pure functions of a :class:`~analyse.content.inputs.ReportInputs` and the report's gemeente and parameters;
they return frames and small dataclasses, never HTML (rendering is :mod:`analyse.report.sections`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analyse import batch, compare, indicators, peers, references, stats, trends
from analyse.content import overview_chapter
from analyse.content.inputs import BatchStatistics, ReportInputs
from analyse.errors import AnalyseError

NEDERLAND = "NL01"
ROLE_LABEL = {"provincie": "provincie", "ggd_regio": "GGD-regio", "jeugdzorgregio": "jeugdzorgregio",
              "arbeidsmarktregio": "arbeidsmarktregio", "corop": "COROP-gebied", "nederland": "Nederland"}
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
    series: pd.DataFrame | None = None
    """The gemeente's reported yearly series per indicator (indicator_id, period, value) for the sparklines."""


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
                                      dispersion=st.dispersion, cpi=inputs.cpi if len(inputs.cpi) else None)
    return compare.account_for_rounding(comp, st.rounding_steps)  # whole-percent KWB shares are not exact


def recent_trends(inputs: ReportInputs, code: str) -> pd.DataFrame:
    """Fingertips recent trend (5 latest yearly points) of every indicator of the gemeente."""
    st = batch_statistics(inputs)
    own = st.preferred[(st.preferred["gemeentecode"] == code) & (st.preferred["period_type"] == "jaar")]
    return trends.recent_trends_all(own, inputs.catalogue, codes=[code], dispersion=st.dispersion)


def signals(verdict_frame: pd.DataFrame | None) -> dict[str, int]:
    """Counts of verdicts (for the summary and the index page)."""
    if verdict_frame is None or verdict_frame.empty:
        return {}
    counts = verdict_frame["verdict"].value_counts()
    return {"beter": int(counts.get("beter", 0)), "slechter": int(counts.get("slechter", 0)),
            "gelijk": int(counts.get("gelijk gebleven", 0)),
            "indicatoren": int(len(verdict_frame) - counts.get("niet te beoordelen", 0)),
            "totaal": int(len(verdict_frame))}


def latest_yearly(inputs: ReportInputs, indicator_id: str, code: str) -> tuple[str, float] | None:
    """``(period, value)`` of the gemeente's latest yearly value of an indicator, ``None`` when it has none.

    Key figures and the map both use yearly values, so the numbers on the first screens agree with each other
    (several indicators are also published per half-year with a different definition).
    """
    frame = inputs.harmonised
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["gemeentecode"] == code)
                 & (frame["period_type"] == "jaar") & frame["value"].notna()]
    if rows.empty:
        return None
    last = rows.sort_values("period").iloc[-1]
    return str(last["period"]), float(last["value"])


def key_figures(inputs: ReportInputs, code: str) -> list[tuple[str, float, str, str]]:
    """Latest yearly value of each headline indicator the gemeente has: (naam, value, unit, period)."""
    out = []
    for ind_id in HEADLINE:
        hit = latest_yearly(inputs, ind_id, code)
        if hit is not None:
            out.append((inputs.indicator_name(ind_id), hit[1], str(inputs.catalogue_row(ind_id).get("unit") or ""),
                        hit[0]))
    return out


def trend_ids(verdict_frame: pd.DataFrame | None, limit: int = MAX_TRENDS) -> list[str]:
    """Indicators worth a trend chart: judged, ≥ 3 points, not an absolute count (its share or rate is comparable
    with the references); slechter first, then beter, then gelijk."""
    if verdict_frame is None or verdict_frame.empty:
        return []
    judged = verdict_frame[(verdict_frame["verdict"] != "niet te beoordelen")
                           & (verdict_frame["n_points"].fillna(0) >= 3) & (verdict_frame["unit"] != "aantal")]
    order = {"slechter": 0, "beter": 1, "gelijk gebleven": 2}
    judged = judged.assign(_o=judged["verdict"].map(order)).sort_values(["_o", "indicator_id"])
    return judged["indicator_id"].head(limit).tolist()


def trend_series(inputs: ReportInputs, ids: list[str], code: str, refs: References) -> list[TrendSeries]:
    """Yearly series of the gemeente and its references for each indicator in ``ids``, with 95% intervals.

    Intervals (``ci_low``/``ci_high``: Wilson for shares, exact Poisson for rates, published ones kept) are drawn
    as bands around the lines.
    """
    out = []
    source = pd.concat([batch_statistics(inputs).preferred, refs.rows], ignore_index=True)
    for ind_id in ids:
        codes = [code, *refs.for_indicator(ind_id).values()]
        frame = indicators.series(source, ind_id, codes, period_type="jaar", registry=dict(inputs.source_registry))
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
    source = pd.concat([batch_statistics(inputs).preferred, refs.rows], ignore_index=True)
    labels_ = refs.labels()
    for ind_id in ids:
        mine = refs.for_indicator(ind_id)
        ref = mine.get("regio") or mine.get("nederland")
        if ref is None:
            continue
        series = indicators.series(source, ind_id, [code, ref], period_type="jaar",
                                   registry=dict(inputs.source_registry))
        own, other = series[series["gemeentecode"] == code], series[series["gemeentecode"] == ref]
        if own.empty or other.empty:
            continue
        res = trends.did(own, other, start_year, period_type="jaar").iloc[0]
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


def map_content(inputs: ReportInputs, gemeente: Any, role: str = "jeugdzorgregio") -> MapContent | None:
    """Values of the first of :data:`MAP_IDS` for all gemeenten in the latest year the gemeente has one."""
    frame = inputs.harmonised
    for ind_id in MAP_IDS:
        hit = latest_yearly(inputs, ind_id, gemeente.code)
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


def own_series(inputs: ReportInputs, code: str) -> pd.DataFrame:
    """The gemeente's yearly values per indicator (one preferred row per period), sorted by period."""
    pref = batch_statistics(inputs).preferred
    rows = pref[(pref["gemeentecode"] == code) & (pref["period_type"] == "jaar")]
    return rows[["indicator_id", "period", "value"]].sort_values(["indicator_id", "period"]).reset_index(drop=True)


def build(inputs: ReportInputs, gemeente: Any, roles: tuple[str, ...], base_year: int) -> IndicatorContent:
    """All indicator content of one report."""
    refs = references_of(inputs, gemeente, roles)
    lab = {gemeente.code: gemeente.naam, NEDERLAND: "Nederland", **refs.labels()}
    comp = comparison(inputs, gemeente.code, refs, base_year)
    verdict_frame = None if comp is None else compare.verdicts(comp)
    ids = trend_ids(verdict_frame)
    notes = [n for n in dict.fromkeys(refs.frame["reference_note"].dropna()) if n]
    recent = recent_trends(inputs, gemeente.code)
    overview = overview_chapter.build(inputs, batch_statistics(inputs).spread, comp, recent, verdict_frame)
    return IndicatorContent(
        references=refs.for_indicator(ids[0]) if ids else {}, labels=lab, comparison=comp, verdicts=verdict_frame,
        signals=signals(verdict_frame), key_figures=key_figures(inputs, gemeente.code),
        trends=trend_series(inputs, ids, gemeente.code, refs),
        policy_start=policy_start(inputs, gemeente.code, refs, ids, base_year) if ids else None,
        funnel=funnel(inputs, gemeente.code), catalogue=inputs.catalogue,
        map=map_content(inputs, gemeente), recent=recent, reference_notes=notes, overview=overview,
        series=own_series(inputs, gemeente.code))
