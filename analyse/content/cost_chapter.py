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

    @property
    def available(self) -> bool:
        return self.comparison is not None and not self.comparison.empty

    def cluster(self, name: str) -> pd.DataFrame:
        """Rows of one cluster with a known per-inwoner value for the gemeente (may be empty)."""
        if not self.available:
            return pd.DataFrame()
        sub = self.comparison[self.comparison["cluster"] == name]
        return sub if sub["gemeente_per_inwoner"].notna().any() else sub.iloc[0:0]


def build(inputs: ReportInputs, code: str, peers: list[str]) -> CostContent:
    """Cost content of gemeente ``code`` compared with ``peers`` (no comparison when it has no Iv3 rows)."""
    clusters = inputs.clusters
    if clusters is None or not (clusters["gemeentecode"] == code).any():
        return CostContent(None, peers)
    return CostContent(kosten.compare_costs(clusters, code, peers), peers)
