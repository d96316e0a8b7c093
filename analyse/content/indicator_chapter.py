"""Content of the indicator chapters: references, comparison and verdicts, trends, policy start, funnel, peers.

Pure functions of a :class:`~analyse.content.inputs.ReportInputs` and the report's gemeente and parameters;
they return frames and small dataclasses, never HTML (rendering is :mod:`analyse.report.sections`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analyse import compare, indicators, peers, stats, trends
from analyse.content.inputs import ReportInputs
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
    policy_reference: str = ""
    funnel: FunnelContent | None = None
    catalogue: pd.DataFrame | None = None
    """The indicator catalogue (names, units, definitions) for labels in tables."""
    map: MapContent | None = None


def references(gemeente: Any, roles: tuple[str, ...]) -> dict[str, str]:
    """Reference role → region code for the roles asked for that the gemeente has."""
    refs: dict[str, str] = {}
    regions = getattr(gemeente, "regions", {}) or {}
    for role in roles:
        if role == "nederland":
            refs[role] = NEDERLAND
        elif role in regions and regions[role] and regions[role][0]:
            refs[role] = regions[role][0]
    return refs


def labels(gemeente: Any, refs: dict[str, str]) -> dict[str, str]:
    """Display names of the gemeente and its references (code → label)."""
    out = {gemeente.code: gemeente.naam, NEDERLAND: "Nederland"}
    regions = getattr(gemeente, "regions", {}) or {}
    for role, code in refs.items():
        if role in regions:
            out[code] = f"{ROLE_LABEL.get(role, role)} {regions[role][1]}"
    return out


def comparison(inputs: ReportInputs, code: str, refs: dict[str, str], base_year: int) -> pd.DataFrame | None:
    """``compare.compare_indicators`` of the gemeente against its references (``None`` without data)."""
    frame = inputs.harmonised
    subset = frame[frame["gemeentecode"].isin([code, *refs.values()])]
    if not (subset["gemeentecode"] == code).any():
        return None
    extra = inputs.reference_rows
    if len(extra):
        present = set(subset["gemeentecode"])
        extra = extra[extra["gemeentecode"].isin([c for c in refs.values() if c not in present])]
        subset = pd.concat([subset, extra], ignore_index=True)
    return compare.compare_indicators(subset, inputs.catalogue, code, refs, base_year=base_year)


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


def trend_series(inputs: ReportInputs, ids: list[str], codes: list[str]) -> list[TrendSeries]:
    """Yearly series of the gemeente and its references for each indicator in ``ids``, with 95% intervals.

    Intervals (``ci_low``/``ci_high``: Wilson for shares, exact Poisson for rates, published ones kept) are drawn
    as bands around the lines.
    """
    out = []
    for ind_id in ids:
        frame = indicators.series(inputs.harmonised, ind_id, codes, period_type="jaar")
        if not frame.empty:
            frame = stats.add_intervals(frame, inputs.catalogue)
            row = inputs.catalogue_row(ind_id)
            out.append(TrendSeries(ind_id, inputs.indicator_name(ind_id), str(row.get("unit") or ""), frame))
    return out


def policy_start(inputs: ReportInputs, code: str, ref: str, ids: list[str], start_year: int) -> pd.DataFrame:
    """Indicative difference-in-differences per indicator against ``ref`` around ``start_year``.

    Returns:
        One row per indicator: indicator_id, naam, unit, gap_before, gap_after, estimate, ci_low, ci_high,
        n_before, n_after, message (empty when no reference data).
    """
    rows = []
    for ind_id in ids:
        series = indicators.series(inputs.harmonised, ind_id, [code, ref], period_type="jaar")
        own, other = series[series["gemeentecode"] == code], series[series["gemeentecode"] == ref]
        if own.empty or other.empty:
            continue
        res = trends.did(own, other, start_year, period_type="jaar").iloc[0]
        rows.append({"indicator_id": ind_id, "naam": inputs.indicator_name(ind_id),
                     "unit": str(inputs.catalogue_row(ind_id).get("unit") or ""),
                     **{k: res[k] for k in ("gap_before", "gap_after", "estimate", "ci_low", "ci_high",
                                            "n_before", "n_after", "message")}})
    return pd.DataFrame(rows)


def indicator_funnel(inputs: ReportInputs, indicator_id: str, code: str) -> FunnelContent | None:
    """Funnel of one share/rate indicator in the latest year in which ``code`` has numerator and denominator.

    ``None`` when the indicator is not a share or rate, or the gemeente has no counts for it.
    """
    row = inputs.catalogue_row(indicator_id)
    if row.get("kind") not in {"share", "rate"}:
        return None
    frame = inputs.harmonised
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["period_type"] == "jaar")
                 & frame["gemeentecode"].str.startswith("GM")]
    mine = rows[(rows["gemeentecode"] == code) & rows["numerator"].notna()]
    if mine.empty:
        return None
    period = str(mine["period"].max())
    result = stats.funnel_limits(rows[rows["period"] == period], kind=row["kind"], per=float(row.get("per") or 100))
    pos = result.points.loc[result.points["gemeentecode"] == code]
    position = str(pos["positie_95"].iloc[0]) if len(pos) and "positie_95" in pos else None
    return FunnelContent(indicator_id, inputs.indicator_name(indicator_id), str(row.get("unit") or ""), period,
                         result.points, result.limits, position)


def funnel(inputs: ReportInputs, code: str) -> FunnelContent | None:
    """Funnel of the first of :data:`FUNNEL_IDS` for which the gemeente has numerator and denominator."""
    return next((f for f in (indicator_funnel(inputs, i, code) for i in FUNNEL_IDS) if f is not None), None)


MAP_IDS = ("jeugdzorg_pct", "wmo_clienten_per_1000", "bijstand_personen_per_1000")
"""Candidates for the map's colour, first one the gemeente has a yearly value for wins."""


def boundaries(inputs: ReportInputs) -> tuple[pd.DataFrame | None, str]:
    """Gemeente boundaries of the indeling (loaded once per inputs object) and, when absent, why."""
    if "boundaries" not in inputs.cache:
        from analyse import maps

        try:
            inputs.cache["boundaries"] = (maps.load_boundaries(inputs.indelingsjaar), "")
        except AnalyseError as exc:
            inputs.cache["boundaries"] = (None, f"Geen kaart: {exc}")
    return inputs.cache["boundaries"]


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
    """Peer covariates of every gemeente (computed once per inputs object; ``None`` when incomplete)."""
    if "covariates" not in inputs.cache:
        try:
            inputs.cache["covariates"] = peers.build_covariates(inputs.harmonised, inputs.registry,
                                                                indelingsjaar=inputs.indelingsjaar)
        except (AnalyseError, KeyError, ValueError):
            inputs.cache["covariates"] = None
    return inputs.cache["covariates"]


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
        return by_size(), "De regio van deze gemeente is onbekend; daarom zijn gemeenten uit dezelfde grootteklasse gebruikt."
    cov = covariates(inputs)
    try:
        if cov is None or code not in set(cov["gemeentecode"]):
            raise AnalyseError(f"geen kenmerken voor {code}")
        frame = peers.select_peers(cov, code, k=k)
        return [c for c in frame["gemeentecode"].astype(str) if c != code][:k], None
    except AnalyseError:
        return by_size(), ("De kenmerken voor het kiezen van vergelijkbare gemeenten zijn onvolledig; daarom zijn "
                           "gemeenten uit dezelfde grootteklasse gebruikt.")


def build(inputs: ReportInputs, gemeente: Any, roles: tuple[str, ...], base_year: int) -> IndicatorContent:
    """All indicator content of one report."""
    refs = references(gemeente, roles)
    lab = labels(gemeente, refs)
    comp = comparison(inputs, gemeente.code, refs, base_year)
    verdict_frame = None if comp is None else compare.verdicts(comp)
    ids = trend_ids(verdict_frame)
    regional = [(role, c) for role, c in refs.items() if role != "nederland"]
    role, ref = regional[0] if regional else ("nederland", NEDERLAND)
    return IndicatorContent(
        references=refs, labels=lab, comparison=comp, verdicts=verdict_frame, signals=signals(verdict_frame),
        key_figures=key_figures(inputs, gemeente.code), trends=trend_series(inputs, ids, [gemeente.code, *refs.values()]),
        policy_start=policy_start(inputs, gemeente.code, ref, ids, base_year) if ids else None,
        policy_reference=lab.get(ref, role), funnel=funnel(inputs, gemeente.code), catalogue=inputs.catalogue,
        map=map_content(inputs, gemeente))
