"""What every report of a batch reads: processed tables bundled once per process (:class:`ReportInputs`).

:func:`load_inputs` takes them from :mod:`analyse.data.processed` (cached there); tests build a
:class:`ReportInputs` from tiny frames instead, so the whole content layer runs without files.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analyse.settings import REPORT_INDELINGSJAAR


@dataclass
class ReportInputs:
    """The processed data a report is computed from (read-only frames, shared between reports).

    Attributes:
        indelingsjaar: The gemeentelijke indeling of ``harmonised``.
        catalogue: Indicator catalogue (id, naam, definitie, unit, polarity, kind, per, …).
        harmonised: Indicator rows in the indeling of ``indelingsjaar`` (gemeenten, regions, NL01).
        reference_rows: Σteller/Σnoemer rows of regions CBS does not publish (may be empty).
        clusters: Iv3 lasten per cluster (``lasten_clusters``) or ``None`` when there is no Iv3 data.
        cpi: Consumer price index per year (may be empty).
        registry: Gemeente registry frame (``gemeenten``): names, regions and size classes.
        snapshots: Provenance of the raw snapshots (one row per sidecar) for the sources chapter.
        checksums: ``(file, sha256 prefix)`` of the processed tables for the colofon.
        series_keys: series per (indicator_id, source_table) from the registry, for breaks in a series.
    """

    indelingsjaar: int
    catalogue: pd.DataFrame
    harmonised: pd.DataFrame
    registry: pd.DataFrame
    reference_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    clusters: pd.DataFrame | None = None
    cpi: pd.DataFrame = field(default_factory=pd.DataFrame)
    snapshots: pd.DataFrame = field(default_factory=pd.DataFrame)
    checksums: list[tuple[str, str]] = field(default_factory=list)
    series_keys: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Which series each (indicator_id, source_table) belongs to (``cbs_tables.series_keys``): breaks."""
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Results that depend only on the inputs (e.g. peer covariates), computed once per process."""

    def catalogue_row(self, indicator_id: str) -> dict[str, Any]:
        """The catalogue entry of ``indicator_id`` as a dict (empty when unknown)."""
        hit = self.catalogue.loc[self.catalogue["id"] == indicator_id]
        return hit.iloc[0].to_dict() if len(hit) else {}

    def indicator_name(self, indicator_id: str) -> str:
        """Dutch name of an indicator (its id when the catalogue does not know it)."""
        return str(self.catalogue_row(indicator_id).get("naam") or indicator_id)


def load_inputs(indelingsjaar: int = REPORT_INDELINGSJAAR) -> ReportInputs:
    """The :class:`ReportInputs` of ``indelingsjaar`` from ``data/processed`` (one object per data version)."""
    from analyse.data import processed

    key = tuple(processed.fingerprint().items())
    return _load(int(indelingsjaar), key)


@functools.lru_cache(maxsize=2)
def _load(indelingsjaar: int, key: tuple) -> ReportInputs:
    from analyse.data import cbs_tables, processed, provenance

    refs = processed.reference_rows(indelingsjaar)
    clusters = processed.cost_clusters() if processed.exists("lasten") else None
    return ReportInputs(
        indelingsjaar=indelingsjaar, catalogue=processed.catalogue(), harmonised=processed.harmonised(indelingsjaar),
        reference_rows=refs if refs is not None else pd.DataFrame(), clusters=clusters,
        cpi=processed.cpi() if processed.exists("cpi") else pd.DataFrame(),
        registry=processed.gemeenten(), snapshots=provenance.list_snapshots(),
        checksums=processed.checksums(), series_keys=cbs_tables.series_keys(cbs_tables.load_registry()))


def preload(indelingsjaar: int = REPORT_INDELINGSJAAR) -> None:
    """Load everything a report reads into this process (the warm report kernels call this once)."""
    inputs = load_inputs(indelingsjaar)
    from analyse.content.indicator_chapter import batch_statistics, boundaries, covariates

    covariates(inputs)
    batch_statistics(inputs)  # φ per indicator, region membership and totals: once per kernel, not per report
    boundaries(inputs)
