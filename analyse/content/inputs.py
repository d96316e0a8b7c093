"""What every report of a batch reads: processed tables bundled once per process (:class:`ReportInputs`).

:func:`load_inputs` takes them from :mod:`analyse.data.processed` (cached there); tests build a
:class:`ReportInputs` from tiny frames instead, so the whole content layer runs without files.
"""

from __future__ import annotations

import dataclasses
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
