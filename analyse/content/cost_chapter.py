"""Content of the cost chapter: Iv3 lasten per inwoner per cluster against peers and Nederland."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analyse import kosten
from analyse.content.inputs import ReportInputs

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


def build(inputs: ReportInputs, code: str, peers: list[str]) -> CostContent:
    """Cost content of gemeente ``code`` compared with ``peers`` (no comparison when it has no Iv3 rows)."""
    clusters = inputs.clusters
    table = peer_table(inputs, code, peers)
    if clusters is None or not (clusters["gemeentecode"] == code).any():
        return CostContent(None, peers, peer_table=table)
    return CostContent(kosten.compare_costs(clusters, code, peers), peers, peer_table=table)
