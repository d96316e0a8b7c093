"""What every report of a batch reads: one immutable bundle of one data generation (:class:`ReportInputs`).

The content layer reads nothing itself: no files, no subprocess, no clock, no environment. Everything arrives in
this bundle, made once per process by :func:`analyse.bundle.load` from the data layer (processed tables, the
batch statistics and the boundaries stored by the build, sidecars, plans, the git commit and the time); tests
build a :class:`ReportInputs` from tiny frames instead.
"""

from __future__ import annotations

import dataclasses
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
    rounding_steps: pd.DataFrame | dict[str, float] = field(default_factory=dict)
    """Published rounding per indicator row from the source metadata (``compare.rounding_steps``)."""
    autocorrelation: pd.DataFrame | None = None
    """Pooled AR(1) ρ per indicator (``trends.autocorrelation``), passed to the trend and DiD intervals."""
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
        steps = frames["rounding"]
        cov = frames.get("covariates")
        return cls(preferred=frames["preferred"], dispersion=frames["dispersion"], membership=frames["membership"],
                   totals=frames["totals"], variation=frames.get("variation"), rounding_steps=steps,
                   covariates=cov if cov is not None and len(cov) else None, spread=frames.get("spread"),
                   funnel=frames.get("funnel"), funnel_points=frames.get("funnel_points"),
                   autocorrelation=frames.get("autocorrelation"))


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
    store: Any = field(default=None, repr=False, compare=False)
    """Results that outlive this process, as a mapping (``get``, ``[key] = value``): the content cache that
    :func:`analyse.bundle.load` hands in, namespaced by the package's code; content only calls the mapping and
    reads no file itself. ``None`` (tests): nothing is kept."""

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


def _brief(value: Any) -> str:
    """One short word for a field value: frames by shape, collections by size, nested objects by name."""
    if isinstance(value, pd.DataFrame):
        return f"<DataFrame {value.shape[0]}×{value.shape[1]}>"
    if isinstance(value, pd.Series):
        return f"<Series {len(value)}>"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        code, naam = getattr(value, "code", None), getattr(value, "naam", None)
        inner = f"{code} {naam}" if isinstance(code, str) and isinstance(naam, str) else "…"
        return f"{type(value).__name__}({inner})"
    if isinstance(value, (list, tuple)) and len(value) > 3:
        kinds = sorted({type(v).__name__ for v in value})
        return f"<{type(value).__name__} of {len(value)} {'/'.join(kinds)}>"
    if isinstance(value, (list, tuple)) and any(isinstance(v, (pd.DataFrame, pd.Series)) or dataclasses.is_dataclass(v)
                                                for v in value):
        inner = ", ".join(_brief(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, dict) and len(value) > 3:
        return f"<dict with {len(value)} keys>"
    text = repr(value)
    return text if len(text) <= 70 else text[:67] + "…"


def short_repr(obj: Any) -> str:
    """A one-screen repr of a content object: each field briefly (frames as ``<DataFrame rows×cols>``).

    The content objects hold whole frames; their default dataclass repr printed tens of thousands of characters
    in a notebook. Installed on every dataclass of :mod:`analyse.content` by :func:`install_short_reprs`.
    """
    parts = [f"{f.name}={_brief(getattr(obj, f.name, None))}" for f in dataclasses.fields(obj) if f.repr]
    return f"{type(obj).__name__}({', '.join(parts)})"


def install_short_reprs(*modules: Any) -> None:
    """Give every dataclass defined in ``modules`` the :func:`short_repr` (also ones added later to a chapter)."""
    for module in modules:
        for obj in vars(module).values():
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == module.__name__:
                obj.__repr__ = short_repr
