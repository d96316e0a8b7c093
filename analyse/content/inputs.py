"""What every report of a batch reads: one immutable bundle of one data generation (:class:`ReportInputs`).

The content layer reads nothing itself: no files, no subprocess, no clock, no environment. Everything arrives in
this bundle, made once per process by :func:`analyse.bundle.load` from the data layer (processed tables, the
batch statistics and the boundaries stored by the build, sidecars, plans, the git commit and the time); tests
build a :class:`ReportInputs` from tiny frames instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class BatchStatistics:
    """Results that depend only on the data generation, computed once by the build (:mod:`analyse.batch`)."""

    preferred: pd.DataFrame
    """Harmonised rows plus computed region rows, one preferred source table per (indicator, code, period)."""
    dispersion: pd.DataFrame
    """Overdispersion per indicator (``compare.estimate_dispersion``): real variation beyond binomial/Poisson."""
    membership: pd.DataFrame
    totals: pd.DataFrame
    variation: pd.DataFrame | None = None
    """τ² per indicator, size band and lag (``variation.estimate_variation``): the real year-to-year variation."""
    rounding_steps: dict[str, float] = field(default_factory=dict)
    """Rounding step of indicators published rounded (``compare.rounding_steps``), e.g. 1 for whole percents."""
    covariates: pd.DataFrame | None = None
    """Peer covariates of every gemeente (``peers.build_covariates``); ``None`` when incomplete."""
    spread: pd.DataFrame | None = None
    """min, q1, q3, max, n_gemeenten and nl_all per (indicator_id, period): the spine chart's distribution."""
    funnel: pd.DataFrame | None = None
    """Funnel limits per share/rate indicator and yearly period (``stats.funnel_limits``)."""
    funnel_points: pd.DataFrame | None = None
    """Every gemeente's position in those funnels."""

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame]) -> "BatchStatistics":
        """From the frames of :func:`analyse.batch.compute` (or the tables the build stored)."""
        rounding = frames["rounding"]
        steps = dict(zip(rounding["indicator_id"].astype(str), rounding["step"].astype(float))) if len(rounding) \
            else {}
        cov = frames.get("covariates")
        return cls(preferred=frames["preferred"], dispersion=frames["dispersion"], membership=frames["membership"],
                   totals=frames["totals"], variation=frames.get("variation"), rounding_steps=steps,
                   covariates=cov if cov is not None and len(cov) else None, spread=frames.get("spread"),
                   funnel=frames.get("funnel"), funnel_points=frames.get("funnel_points"))


@dataclass(frozen=True)
class ReportInputs:
    """The data a report is computed from (read-only frames, shared between reports).

    Attributes:
        indelingsjaar: The gemeentelijke indeling of ``harmonised``.
        catalogue: Indicator catalogue (id, naam, definitie, unit, polarity, kind, per, …).
        harmonised: Indicator rows in the indeling of ``indelingsjaar`` (gemeenten, regions, NL01).
        registry: Gemeente registry frame (``gemeenten``): names, regions and size classes.
        reference_rows: Σteller/Σnoemer rows of regions CBS does not publish (may be empty).
        clusters: Iv3 lasten per cluster (``lasten_clusters``) or ``None`` when there is no Iv3 data.
        cpi: Consumer price index per year (may be empty).
        snapshots: Provenance of the raw snapshots (one row per sidecar) for the sources chapter.
        checksums: ``(file, sha256 prefix)`` of the processed tables for the colofon.
        series_keys: series per (indicator_id, source_table) from the registry, for breaks in a series.
        statistics: The batch statistics stored by the build; ``None``: computed once from the frames (tests).
        boundaries: Gemeente boundaries (gemeentecode, gemeentenaam, geometry) or ``None`` (no map, see
            ``boundaries_note``).
        plans: gemeentecode → its plans, or the error that loading them raised (shown as a failed chapter).
        source_registry: The parsed ``registry.yml`` (which CBS table feeds which indicator, preferred first).
        data_version: Fingerprint of the processed data (one value per data generation).
        commit: Git commit of the package (colofon).
        created: The time the report is made (colofon); passed in, never read from the clock here.
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
    statistics: BatchStatistics | None = None
    boundaries: pd.DataFrame | None = None
    boundaries_note: str = ("Geen kaart: de gemeentegrenzen zijn niet beschikbaar (ze komen met de gedeelde "
                            "CBS-gegevens of een CBS-download).")
    plans: Mapping[str, tuple[Any, ...] | BaseException] = field(default_factory=dict)
    source_registry: Mapping[str, Any] = field(default_factory=lambda: {"indicators": {}})
    data_version: str = ""
    commit: str = "onbekend"
    created: datetime | None = None
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Results that depend only on the inputs and are computed from them in this process (memo, no I/O)."""

    def catalogue_row(self, indicator_id: str) -> dict[str, Any]:
        """The catalogue entry of ``indicator_id`` as a dict (empty when unknown)."""
        hit = self.catalogue.loc[self.catalogue["id"] == indicator_id]
        return hit.iloc[0].to_dict() if len(hit) else {}

    def indicator_name(self, indicator_id: str) -> str:
        """Dutch name of an indicator (its id when the catalogue does not know it)."""
        return str(self.catalogue_row(indicator_id).get("naam") or indicator_id)

    def plans_of(self, gemeentecode: str) -> list[Any]:
        """The plans of a gemeente (empty without a plan file); raises the error its plan files gave."""
        found = self.plans.get(str(gemeentecode).upper(), ())
        if isinstance(found, BaseException):
            raise found
        return list(found)
