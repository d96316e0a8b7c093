"""Content of the cost chapter: Iv3 lasten per inwoner per cluster against peers and Nederland."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import pandas as pd

from analyse import kosten
from analyse.content.inputs import ReportInputs
from analyse.formatting import fmt_eur, fmt_pct, fmt_signed

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
    """One sentence on the growth per inwoner in constant prices (years with a CPI only), against peers and
    Nederland, naming the breaks it crosses and the years that stay nominal."""
    growth: RealGrowth | None = None
    """The figures behind :attr:`real_growth` (for the first screen's money line)."""
    budget_line: str = ""
    """Begroting against jaarrekening of the latest year with both (``budget_line``)."""

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


@dataclass(frozen=True)
class RealGrowth:
    """Growth of lasten per inwoner in constant prices over the years a CPI covers (see :func:`growth_figures`)."""

    van: int
    tot: int
    price_year: int
    gemeente_pct: float
    peers_pct: float | None
    nl_pct: float | None
    breaks: tuple[str, ...]
    """Short Dutch phrases for the breaks the period crosses (scheme changes, scope, one-year jumps)."""
    nominal_years: tuple[int, ...]
    """Later years with spending but no CPI figure (shown nominal only)."""
    cpi_last: int


def _crossed_breaks(breaks: pd.DataFrame | None, van: int, tot: int, cluster: str) -> tuple[str, ...]:
    if breaks is None or breaks.empty:
        return ()
    inside = breaks[(breaks["jaar"] > van) & (breaks["jaar"] <= tot)]
    out = []
    for r in inside.itertuples(index=False):
        if r.cluster == cluster and r.soort_breuk == "taakveldindeling":
            out.append(f"{r.jaar}: taakveldindeling gewijzigd")
        elif r.cluster == cluster and r.soort_breuk == "scope":
            out.append(f"{r.jaar}: decentralisatie (nieuwe taken)")
        elif r.soort_breuk == "sprong" and pd.notna(r.aandeel_in_stijging_pct) and r.aandeel_in_stijging_pct >= 50:
            out.append(f"{r.jaar}: sprong in {str(r.cluster_label).lower()} "
                       f"({fmt_pct(r.aandeel_in_stijging_pct, 0)} van de stijging dat jaar)")
    return tuple(dict.fromkeys(out))


def growth_figures(inputs: ReportInputs, comparison: pd.DataFrame, breaks: pd.DataFrame | None = None,
                   cluster: str = "sociaal_domein_totaal", soort: str = "jaarrekening") -> RealGrowth | None:
    """Real growth of lasten per inwoner of the gemeente, the median of its peers and Nederland.

    Only years inside the CPI series are used (never extrapolated); later years with spending are named as
    nominal-only, and the breaks the period crosses (:func:`analyse.kosten.cost_breaks`) are listed.
    """
    if inputs.cpi is None or inputs.cpi.empty or comparison is None or comparison.empty:
        return None
    rows = comparison[(comparison["cluster"] == cluster) & (comparison["soort"] == soort)]
    cpi = inputs.cpi.dropna(subset=["cpi_index"]).set_index("jaar")["cpi_index"]
    cpi.index = cpi.index.astype(int)
    known = rows[rows["gemeente_per_inwoner"].notna()].sort_values("jaar")
    inside = known[known["jaar"].isin(cpi.index)]
    if len(inside) < 2:
        return None
    base, last = inside.iloc[0], inside.iloc[-1]
    price_year = int(last["jaar"])

    def growth(col: str) -> float | None:
        if col not in inside or pd.isna(base.get(col)) or pd.isna(last.get(col)) or not base[col]:
            return None
        return (last[col] / cpi[int(last["jaar"])]) / (base[col] / cpi[int(base["jaar"])]) * 100 - 100

    nominal = tuple(int(j) for j in known["jaar"] if int(j) > int(cpi.index.max()))
    return RealGrowth(int(base["jaar"]), int(last["jaar"]), price_year, growth("gemeente_per_inwoner"),
                      growth("peers_mediaan"), growth("nl_per_inwoner"),
                      _crossed_breaks(breaks, int(base["jaar"]), int(last["jaar"]), cluster), nominal,
                      int(cpi.index.max()))


def growth_sentence(g: RealGrowth | None, naam: str) -> str:
    """The real-growth sentence of the cost chapter: gemeente, peers, Nederland, breaks crossed, nominal years."""
    if g is None:
        return ""
    text = (f"Na correctie voor inflatie (CPI, CBS; prijzen van {g.price_year}) veranderden de lasten sociaal domein "
            f"per inwoner van {naam} van {g.van} tot {g.tot} met {fmt_signed(g.gemeente_pct, 0)}%")
    others = [f"bij de vergelijkbare gemeenten (mediaan) met {fmt_signed(g.peers_pct, 0)}%"
              if g.peers_pct is not None else "",
              f"in heel Nederland met {fmt_signed(g.nl_pct, 0)}%" if g.nl_pct is not None else ""]
    others = [o for o in others if o]
    if others:
        text += "; " + " en ".join(others)
    text += "."
    if g.breaks:
        text += (" Deze vergelijking loopt over breuken in de reeks heen (" + "; ".join(g.breaks)
                 + "), dus niet alles is echte groei.")
    if g.nominal_years:
        years = ", ".join(map(str, g.nominal_years))
        text += (f" {years} staat alleen nominaal: de CPI-reeks van het CBS in dit rapport loopt tot {g.cpi_last}.")
    return text


def real_growth(inputs: ReportInputs, comparison: pd.DataFrame, naam: str,
                cluster: str = "sociaal_domein_totaal", soort: str = "jaarrekening",
                breaks: pd.DataFrame | None = None) -> str:
    """Growth of lasten per inwoner in constant prices over the years with a CPI: gemeente, peers and Nederland.

    Only years inside the CPI series are used (never extrapolated); the price year is named, and so are the breaks
    the period crosses and the later years that stay nominal (see :func:`growth_figures`).
    """
    return growth_sentence(growth_figures(inputs, comparison, breaks, cluster, soort), naam)


def budget_line(budget_vs_actual: pd.DataFrame | None, cluster: str = "sociaal_domein_totaal") -> str:
    """Begroting against jaarrekening of the latest year with both, with the two years before as percentages.

    Hendrik-Ido-Ambacht 2024: "… € 9,0 mln (28,4%) meer uitgegeven dan begroot (2022: +32,9%; 2023: +37,7%)".
    """
    if budget_vs_actual is None or budget_vs_actual.empty:
        return ""
    rows = budget_vs_actual[(budget_vs_actual["cluster"] == cluster) & budget_vs_actual["afwijking_pct"].notna()]
    if rows.empty:
        return ""
    rows = rows.sort_values("jaar")
    last = rows.iloc[-1]
    word = "meer" if last["afwijking_eur"] > 0 else "minder"
    text = (f"sociaal domein {int(last['jaar'])}: {fmt_eur(abs(last['afwijking_eur']))} "
            f"({fmt_pct(abs(last['afwijking_pct']), 1)}) {word} uitgegeven dan begroot")
    before = rows.iloc[-3:-1]
    if len(before):
        text += " (" + "; ".join(f"{int(r.jaar)}: {fmt_signed(r.afwijking_pct, 1)}%" for r in before.itertuples()) + ")"
    return text


def reconciliations(inputs: ReportInputs, code: str, plans: Sequence[Any]) -> list[pd.DataFrame]:
    """The plans' own cost totals and growth figures beside Iv3, each with its Dutch reconciliation note."""
    from analyse.plans import money

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
    breaks = kosten.cost_breaks(clusters, code)
    growth = growth_figures(inputs, comparison, breaks)
    bj = bj[bj["cluster"].isin(COST_CLUSTERS)]
    return CostContent(comparison, peers, peer_table=table, breaks=breaks, budget_vs_actual=bj,
                       reconciliations=reconciliations(inputs, code, plans),
                       real_growth=growth_sentence(growth, naam or code), growth=growth, budget_line=budget_line(bj))
