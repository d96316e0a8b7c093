"""Gemeente boundaries: the GeoJSON files of ``../shared/data/gemeente-grenzen-geojson`` in the raw store, and the
processed table ``boundaries_<jaar>`` (gemeentecode, gemeentenaam, geometry as WKB, simplified once in the build).

The files are snapshotted like every other source (``data/raw/cbs/gemeentegrenzen/gemeente_<jaar>.geojson`` with
a ``.meta.yml`` sidecar and its sha256, see :mod:`analyse.data.sources`), so a changed boundary file changes the
processed checksums and with them every report's input hash.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import shape

from analyse.errors import AnalyseError, DataNotAvailableError

TABLE_ID = "gemeentegrenzen"
FOLDER = "gemeente-grenzen-geojson"
YEARS = (2022, 2023, 2025)
"""Indelingen of the shared boundary files."""
SIMPLIFY_DEGREES = 0.002
"""Simplification tolerance (degrees; about 140–220 m), enough for a map of a few gemeenten."""
COLUMNS = ["gemeentecode", "gemeentenaam", "geometry"]

_YEAR = re.compile(r"gemeente_(\d{4})\.geojson$")


def pick_file(files: list[Path], indelingsjaar: int | None = None) -> Path:
    """The file for ``indelingsjaar``: the newest ``gemeente_<jaar>.geojson`` not after it (the oldest when all
    are newer; the newest without a year).

    Raises:
        DataNotAvailableError: no boundary file at all.
    """
    years = {int(m.group(1)): f for f in files if (m := _YEAR.search(Path(f).name))}
    if not years:
        raise DataNotAvailableError("Geen gemeentegrenzen gevonden (gemeente_<jaar>.geojson); de kaart kan niet "
                                    "worden gemaakt")
    if indelingsjaar is None:
        return Path(years[max(years)])
    earlier = [y for y in years if y <= int(indelingsjaar)]
    return Path(years[max(earlier) if earlier else min(years)])


def read_geojson(path: Path, tolerance: float = SIMPLIFY_DEGREES) -> pd.DataFrame:
    """A GeoJSON file of gemeenten as ``gemeentecode, gemeentenaam, geometry`` (shapely, valid, simplified).

    Raises:
        AnalyseError: a file without gemeenten (features with statcode and geometry).
    """
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    rows = []
    for feat in doc.get("features", []):
        props = feat.get("properties") or {}
        code = str(props.get("statcode") or props.get("gemeentecode") or "")
        if not code or feat.get("geometry") is None:
            continue
        g = shape(feat["geometry"])
        g = g if g.is_valid else g.buffer(0)
        if tolerance > 0:
            g = g.simplify(tolerance, preserve_topology=True)
        rows.append({"gemeentecode": code, "gemeentenaam": str(props.get("statnaam") or code), "geometry": g})
    if not rows:
        raise AnalyseError(f"{Path(path).name}: bevat geen gemeenten (features met statcode en geometrie)")
    return pd.DataFrame(rows, columns=COLUMNS)


def to_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Boundaries with shapely geometries → the storable table (geometry as WKB bytes)."""
    return frame.assign(geometry=shapely.to_wkb(frame["geometry"].to_numpy()))


def from_table(table: pd.DataFrame) -> pd.DataFrame:
    """The stored table → boundaries with shapely geometries (a new frame)."""
    return table.assign(geometry=shapely.from_wkb(table["geometry"].to_numpy()))
