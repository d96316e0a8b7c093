"""Content of the cost chapter: Iv3 lasten per inwoner per cluster against peers and Nederland."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import pandas as pd

from analyse import kosten
from analyse.content.inputs import ReportInputs
from analyse.formatting import fmt_signed
from analyse.plans import money

COST_CLUSTERS = ("sociaal_domein_totaal", "jeugd", "wmo")
"""Iv3 clusters drawn in the cost chapter, in this order."""


@dataclass
class CostContent:
    """Iv3 cost comparison of one gemeente (``comparison`` per cluster/jaar/soort, see kosten.compare_costs)."""

    comparison: pd.DataFrame | None
    peers: list[str]
    clusters: tuple[str, ...] = COST_CLUSTERS
    peer_table: pd.DataFrame | None = None
    """The gemeente and its peers by name: gemeentecode, naam, inwoners, jaar, per_inwoner (sociaal domein)."""
    breaks: pd.DataFrame | None = None
    """Scope changes, taakveld scheme changes and one-year jumps (``kosten.cost_breaks``)."""
    budget_vs_actual: pd.DataFrame | None = None
    """Begroting against jaarrekening per year of the clusters in :data:`COST_CLUSTERS`
    (``kosten.begroting_jaarrekening``)."""
    reconciliations: list[pd.DataFrame] = field(default_factory=list)
    """The plan's own totals or growth beside Iv3 (``kosten.reconcile_plan_iv3`` / ``reconcile_growth``); the
    Dutch note is in ``attrs["toelichting"]`` or the ``toelichting`` column."""
    real_growth: str = ""
    """One sentence on the growth per inwoner in constant prices (years with a CPI only)."""

    @property
    def available(self) -> bool:
        return self.comparison is not None and not self.comparison.empty

    def cluster(self, name: str) -> pd.DataFrame:
        """Rows of one cluster with a known per-inwoner value for the gemeente (may be empty)."""
        if not self.available:
            return pd.DataFrame()
        sub = self.comparison[self.comparison["cluster"] == name]
        return sub if sub["gemeente_per_inwoner"].notna().any() else sub.iloc[0:0]


def peer_table(inputs: ReportInputs, code: str, peers: list[str], cluster: str = "sociaal_domein_totaal",
               soort: str = "jaarrekening") -> pd.DataFrame:
    """The gemeente and its peers by name with inwoners and their latest lasten per inwoner of ``cluster``.

    The year is the latest ``soort`` year in which the gemeente delivered (peers of that same year), so the
    values are comparable; a peer that did not deliver that year has no value (never 0).
    """
    codes = [code, *[p for p in peers if p != code]]
    names = pd.Series(dtype=object)
    if inputs.registry is not None:
        reg = inputs.registry[inputs.registry["indelingsjaar"] == inputs.indelingsjaar]
        names = reg.set_index("gemeentecode")["gemeentenaam"]
    out = pd.DataFrame({"gemeentecode": codes, "naam": [names.get(c, c) for c in codes]})
    clusters = inputs.clusters
    if clusters is None:
        return out.assign(inwoners=float("nan"), jaar=pd.NA, per_inwoner=float("nan"))
    sel = clusters[(clusters["cluster"] == cluster) & (clusters["soort"] == soort)]
    own_years = sel.loc[sel["gemeentecode"] == code, "jaar"]
    if own_years.empty:
        return out.assign(inwoners=float("nan"), jaar=pd.NA, per_inwoner=float("nan"))
    year = int(own_years.max())
    rows = sel[(sel["jaar"] == year) & sel["gemeentecode"].isin(codes)].drop_duplicates("gemeentecode")
    rows = rows.assign(per_inwoner=rows["lasten_eur"] / rows["inwoners"].where(rows["inwoners"] > 0))
    out = out.merge(rows[["gemeentecode", "inwoners", "per_inwoner"]], on="gemeentecode", how="left")
    return out.assign(jaar=year)[["gemeentecode", "naam", "inwoners", "jaar", "per_inwoner"]]


def real_growth(inputs: ReportInputs, comparison: pd.DataFrame, naam: str,
                cluster: str = "sociaal_domein_totaal", soort: str = "jaarrekening") -> str:
    """Growth of lasten per inwoner in constant prices over the years with a CPI, gemeente and Nederland.

    Only years inside the CPI series are used (never extrapolated); the price year is named.
    """
    if inputs.cpi is None or inputs.cpi.empty:
        return ""
    rows = comparison[(comparison["cluster"] == cluster) & (comparison["soort"] == soort)]
    cpi = inputs.cpi.dropna(subset=["cpi_index"]).set_index("jaar")["cpi_index"]
    rows = rows[rows["jaar"].isin(cpi.index) & rows["gemeente_per_inwoner"].notna()].sort_values("jaar")
    if len(rows) < 2:
        return ""
    base, last = rows.iloc[0], rows.iloc[-1]
    price_year = int(cpi.index.max())

    def real(value: float, year: int) -> float:
        return value * cpi[price_year] / cpi[year]

    def growth(col: str) -> float:
        return (real(last[col], int(last["jaar"])) / real(base[col], int(base["jaar"])) - 1) * 100


    text = (f"In prijzen van {price_year} (CPI, CBS) veranderden de lasten sociaal domein per inwoner van {naam} "
            f"van {int(base['jaar'])} tot {int(last['jaar'])} met {fmt_signed(growth('gemeente_per_inwoner'), 0)}%")
    if "nl_per_inwoner" in rows and pd.notna(base.get("nl_per_inwoner")) and pd.notna(last.get("nl_per_inwoner")):
        text += f"; in heel Nederland met {fmt_signed(growth('nl_per_inwoner'), 0)}%"
    return text + "."


def reconciliations(inputs: ReportInputs, code: str, plans: Sequence[Any]) -> list[pd.DataFrame]:
    """The plans' own cost totals and growth figures beside Iv3, each with its Dutch reconciliation note."""
    out = []
    for plan in plans:
        spending, growth = money.plan_spending(plan), money.plan_growth(plan)
        if len(spending):
            out.append(kosten.reconcile_plan_iv3(spending, inputs.clusters, code))
        if len(growth):
            out.append(kosten.reconcile_growth(growth, inputs.clusters, code))
    return out


def build(inputs: ReportInputs, code: str, peers: list[str], plans: Sequence[Any] = (), naam: str = "") -> CostContent:
    """Cost content of gemeente ``code`` compared with ``peers`` (no comparison when it has no Iv3 rows)."""
    clusters = inputs.clusters
    table = peer_table(inputs, code, peers)
    if clusters is None or not (clusters["gemeentecode"] == code).any():
        return CostContent(None, peers, peer_table=table)
    comparison = kosten.compare_costs(clusters, code, peers)
    bj = kosten.begroting_jaarrekening(clusters, code)
    return CostContent(comparison, peers, peer_table=table, breaks=kosten.cost_breaks(clusters, code),
                       budget_vs_actual=bj[bj["cluster"].isin(COST_CLUSTERS)],
                       reconciliations=reconciliations(inputs, code, plans),
                       real_growth=real_growth(inputs, comparison, naam or code))
