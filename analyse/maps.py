"""A small offline map: the gemeente among its neighbours and its regio, coloured by one headline indicator.

Boundaries come from ``<cbs_dir>/gemeente-grenzen-geojson/gemeente_<jaar>.geojson`` (CBS/PDOK
"gemeente_gegeneraliseerd", WGS84 lon/lat; see that folder's ``SOURCE.md``). Geometry is handled with
`shapely <https://shapely.readthedocs.io>`_ (neighbours, simplification) and drawn as matplotlib patches:
no tiles, no network, and the PNG stays small (geometry simplified to about 200 m, one figure of 6 × 6 inch).

Public functions:

- :func:`boundaries_path` – the GeoJSON file for an indelingsjaar (the newest file not after it).
- :func:`load_boundaries` – a frame ``gemeentecode, gemeentenaam, geometry`` (shapely geometries).
- :func:`neighbours` – codes of the gemeenten that share a border with a gemeente.
- :func:`region_members` – the gemeenten of a gemeente's regio (from the ``gemeenten`` table) and its label.
- :func:`plot_gemeente_map` – the figure, with ``fig.alt_text`` and ``fig.data`` like :mod:`analyse.plots`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

from analyse import paths, vocab
from analyse.data import boundaries
from analyse.errors import AnalyseError, DataNotAvailableError
from analyse.formatting import fmt_value
from analyse.plots import DUTCH_FORMATTER, UNIT_LABELS, finish, new_figure

GEO_DIR_NAME = boundaries.FOLDER
SIMPLIFY_DEGREES = boundaries.SIMPLIFY_DEGREES
NEIGHBOUR_TOLERANCE = 0.003
"""Gap (degrees) still counted as a shared border: simplified files do not always share vertices."""
MAP_FIGSIZE = (6.0, 6.0)
COLOURMAP = "cividis"
"""Sequential, colour-blind safe and monotone in lightness (reads in greyscale print)."""
NO_VALUE_COLOUR = "#FFFFFF"
CONTEXT_COLOUR = "#EEEEEE"

def boundaries_path(indelingsjaar: int | None = None, base: Path | None = None) -> Path:
    """The boundaries file for ``indelingsjaar``: the newest ``gemeente_<jaar>.geojson`` not after it.

    Falls back to the oldest file when all are newer (the rule of :func:`analyse.data.boundaries.pick_file`).
    ``base`` defaults to :func:`analyse.paths.cbs_dir`. Reports read the boundaries the build stored with the
    data generation instead; this reads a folder directly, for exploring and for tests.

    Raises:
        DataNotAvailableError: the shared data or the boundary folder is absent.
    """
    root = base if base is not None else paths.cbs_dir()
    folder = Path(root) / GEO_DIR_NAME if root is not None else None
    files = sorted(folder.glob("gemeente_*.geojson")) if folder is not None and folder.is_dir() else []
    if not files:
        raise DataNotAvailableError(f"Geen gemeentegrenzen gevonden in {folder or '../shared/data'}/"
                                    "gemeente_<jaar>.geojson; de kaart kan niet worden gemaakt")
    return boundaries.pick_file(files, indelingsjaar)


@lru_cache(maxsize=4)
def _load_cached(path: str, tolerance: float) -> pd.DataFrame:
    return boundaries.read_geojson(Path(path), tolerance)


def load_boundaries(indelingsjaar: int | None = None, path: Path | None = None,
                    tolerance: float = SIMPLIFY_DEGREES) -> pd.DataFrame:
    """Gemeente boundaries as a frame ``gemeentecode, gemeentenaam, geometry`` (shapely, lon/lat).

    Args:
        indelingsjaar: pick the file for this indeling (see :func:`boundaries_path`); default the newest.
        path: an explicit GeoJSON file (tests); overrides ``indelingsjaar``.
        tolerance: simplification in degrees (0 = keep every vertex).

    Returns:
        A new frame (a copy; cached reads are never handed out for mutation).

    Raises:
        DataNotAvailableError: no boundary file; AnalyseError: a file without gemeenten.
    """
    file = Path(path) if path is not None else boundaries_path(indelingsjaar)
    return _load_cached(str(file), float(tolerance)).copy()


def neighbours(geo: pd.DataFrame, gemeentecode: str, tolerance: float = NEIGHBOUR_TOLERANCE) -> list[str]:
    """Codes of the gemeenten whose boundary lies within ``tolerance`` degrees of ``gemeentecode``'s.

    Raises:
        AnalyseError: the gemeente is not in ``geo``.
    """
    _check_geo(geo)
    match = geo[geo["gemeentecode"] == gemeentecode]
    if match.empty:
        raise AnalyseError(f"Gemeente {gemeentecode} staat niet in de gemeentegrenzen; kies de grenzen van "
                           "het juiste indelingsjaar")
    zone = match.iloc[0]["geometry"].buffer(tolerance)
    minx, miny, maxx, maxy = zone.bounds
    out = []
    for code, g in zip(geo["gemeentecode"], geo["geometry"]):
        if code == gemeentecode:
            continue
        bx0, by0, bx1, by1 = g.bounds
        if bx1 < minx or bx0 > maxx or by1 < miny or by0 > maxy:
            continue
        if zone.intersects(g):
            out.append(str(code))
    return out


def _check_geo(geo: pd.DataFrame) -> None:
    if not isinstance(geo, pd.DataFrame) or not {"gemeentecode", "geometry"} <= set(geo.columns):
        raise AnalyseError("Kaart: verwacht de grenzen als tabel met kolommen gemeentecode en geometry "
                           "(zie analyse.maps.load_boundaries)")


def _polygons(geom) -> Iterable:  # noqa: ANN001
    if geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"]


def geometry_path(geom) -> MplPath:  # noqa: ANN001
    """A matplotlib Path of a (Multi)Polygon, holes included (rings oriented so that holes stay empty)."""
    verts: list[tuple[float, float]] = []
    codes: list[int] = []
    for poly in _polygons(geom):
        poly = orient(poly, sign=1.0)  # exterior counter-clockwise, holes clockwise (non-zero winding)
        for ring in [poly.exterior, *poly.interiors]:
            xy = list(ring.coords)
            if len(xy) < 3:
                continue
            verts.extend(xy)
            codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY])
    if not verts:
        return MplPath(np.zeros((0, 2)))
    return MplPath(np.asarray(verts, dtype=float), codes)


def _values_map(values: object) -> dict[str, float]:
    if values is None:
        return {}
    if isinstance(values, pd.DataFrame):
        if not {"gemeentecode", "value"} <= set(values.columns):
            raise AnalyseError("Kaart: waarden als tabel hebben de kolommen gemeentecode en value nodig")
        values = values.drop_duplicates("gemeentecode").set_index("gemeentecode")["value"]
    if isinstance(values, pd.Series):
        values = values.to_dict()
    if not isinstance(values, Mapping):
        raise AnalyseError(f"Kaart: waarden moeten een tabel of een mapping code → waarde zijn, niet "
                           f"{type(values).__name__}")
    out = {}
    for k, v in values.items():
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(f):
            out[str(k)] = f
    return out


def plot_gemeente_map(
    geo: pd.DataFrame,
    gemeentecode: str,
    values: object,
    region_members: Iterable[str] = (),
    title: str | None = None,
    indicator_label: str = "waarde",
    unit: str | None = None,
    region_label: str = "regio",
    ax=None,  # noqa: ANN001
) -> Figure:
    """The gemeente among its neighbours and its regio, coloured by one headline indicator.

    Args:
        geo: boundaries from :func:`load_boundaries` (gemeentecode, gemeentenaam, geometry).
        gemeentecode: the focal gemeente (thick black outline, name on the map).
        values: the indicator per gemeente: a mapping/Series code → value or a frame with gemeentecode, value.
        region_members: codes of the gemeenten in the gemeente's regio (dashed outline around them).
        title: title; default "<indicator_label> in <gemeente> en omgeving".
        indicator_label: Dutch name of the indicator (colour bar and alt text).
        unit: catalogue unit (``procent``, ``per_1000`` …) for the colour bar and the values in words.
        region_label: name of the regio (legend and alt text), e.g. "jeugdzorgregio Zuid-Holland Zuid".
        ax: optional axes.

    Shown are the gemeente, its neighbours and the regio; other gemeenten in view are light grey context.
    Gemeenten without a value are white. The colour scale (cividis) spans the values shown.

    Returns:
        Figure with ``alt_text`` and ``data`` (gemeentecode, gemeentenaam, rol, value per gemeente shown).

    Raises:
        AnalyseError: malformed ``geo`` or a gemeente that is not in it.
    """
    _check_geo(geo)
    naam_of = dict(zip(geo["gemeentecode"], geo.get("gemeentenaam", geo["gemeentecode"])))
    naam = naam_of.get(gemeentecode, gemeentecode)
    title = title or f"{indicator_label[:1].upper() + indicator_label[1:]} in {naam} en omgeving"
    if gemeentecode not in set(geo["gemeentecode"]):
        raise AnalyseError(f"Gemeente {gemeentecode} staat niet in de gemeentegrenzen; kies de grenzen van "
                           "het juiste indelingsjaar")
    vals = _values_map(values)
    members = [str(c) for c in region_members if str(c) in naam_of and str(c) != gemeentecode]
    buren = neighbours(geo, gemeentecode)
    shown = [gemeentecode] + list(dict.fromkeys(members + buren))
    rol = {c: "regio en buurgemeente" if c in members and c in buren else "regio" if c in members
           else "buurgemeente" for c in shown[1:]}
    rol[gemeentecode] = "gemeente"
    geoms = dict(zip(geo["gemeentecode"], geo["geometry"]))

    focus = unary_union([geoms[c] for c in shown])
    minx, miny, maxx, maxy = focus.bounds
    pad = 0.06 * max(maxx - minx, maxy - miny, 0.05)
    view = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    shown_vals = [vals[c] for c in shown if c in vals]
    own_layout = ax is None
    if own_layout:
        fig = new_figure(MAP_FIGSIZE, 100)
        ax = fig.add_axes((0.02, 0.25, 0.96, 0.67))
    else:
        fig = ax.figure
    cmap = colormaps[COLOURMAP]
    norm = Normalize(min(shown_vals), max(shown_vals) if max(shown_vals) > min(shown_vals)
                     else min(shown_vals) + 1) if shown_vals else None
    for code, g in geoms.items():
        bx0, by0, bx1, by1 = g.bounds
        if bx1 < view[0] or bx0 > view[2] or by1 < view[1] or by0 > view[3]:
            continue
        if code in rol:
            face = cmap(norm(vals[code])) if norm is not None and code in vals else NO_VALUE_COLOUR
            hatch = None if code in vals else "///"
            ax.add_patch(PathPatch(geometry_path(g), facecolor=face, edgecolor="#4D4D4D", linewidth=0.6,
                                   hatch=hatch, zorder=2))
        else:
            ax.add_patch(PathPatch(geometry_path(g), facecolor=CONTEXT_COLOUR, edgecolor="#BBBBBB",
                                   linewidth=0.4, zorder=1))
    if members:
        region = unary_union([geoms[c] for c in [gemeentecode] + members]).buffer(0)
        ax.add_patch(PathPatch(geometry_path(region), facecolor="none", edgecolor="#000000", linewidth=1.4,
                               linestyle="--", zorder=3))
    ax.add_patch(PathPatch(geometry_path(geoms[gemeentecode]), facecolor="none", edgecolor="#000000",
                           linewidth=2.6, zorder=4))
    c = geoms[gemeentecode].representative_point()
    ax.annotate(str(naam), (c.x, c.y), ha="center", va="center", fontsize=9, fontweight="bold", zorder=5,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "#000000", "alpha": 0.9})
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    ax.set_aspect(1 / math.cos(math.radians((view[1] + view[3]) / 2)))
    ax.set_axis_off()
    if own_layout:
        fig.suptitle(title, fontsize=11, fontweight="bold", y=0.98)
    else:
        ax.set_title(title, fontsize=11, fontweight="bold")
    unit_text = UNIT_LABELS.get(unit or "", unit or "")
    if norm is not None:
        sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
        cax = fig.add_axes((0.15, 0.185, 0.7, 0.025)) if own_layout else None
        cb = (fig.colorbar(sm, cax=cax, orientation="horizontal") if cax is not None
              else fig.colorbar(sm, ax=ax, orientation="horizontal", fraction=0.045, pad=0.02, shrink=0.8))
        show_unit = unit_text and unit_text.lower() not in indicator_label.lower()
        cb.set_label(f"{indicator_label}{f' ({unit_text})' if show_unit else ''}", fontsize=8)
        cb.ax.xaxis.set_major_formatter(DUTCH_FORMATTER)
        cb.ax.tick_params(labelsize=8)
    handles = [Patch(facecolor="none", edgecolor="#000000", linewidth=2.6, label=str(naam))]
    if members:
        handles.append(Patch(facecolor="none", edgecolor="#000000", linestyle="--", linewidth=1.4,
                             label=region_label))
    if any(c not in vals for c in shown):
        handles.append(Patch(facecolor="white", edgecolor="#4D4D4D", hatch="///", label="geen gegevens"))
    handles.append(Patch(facecolor=CONTEXT_COLOUR, edgecolor="#BBBBBB", label="overige gemeenten"))
    if own_layout:
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), fontsize=8, frameon=False,
                   ncol=min(len(handles), 2))
    else:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    data = pd.DataFrame({"gemeentecode": shown, "gemeentenaam": [naam_of.get(c, c) for c in shown],
                         "rol": [rol[c] for c in shown], "value": [vals.get(c, np.nan) for c in shown]})
    alt = _alt_text(naam, gemeentecode, vals, data, indicator_label, unit, region_label, bool(members))
    return finish(fig, alt, data)


def _alt_text(naam: str, code: str, vals: Mapping[str, float], data: pd.DataFrame, indicator_label: str,
              unit: str | None, region_label: str, has_region: bool) -> str:
    own = fmt_value(vals[code], unit or "") if code in vals else "geen gegevens"
    known = data.dropna(subset=["value"])
    n_buren = int(data["rol"].str.contains("buurgemeente").sum())
    buren = (f"met {n_buren} buurgemeente{'n' if n_buren != 1 else ''}" if n_buren
             else "zonder aangrenzende gemeenten")
    text = (f"Kaart van {naam} {buren}"
            f"{' en de ' + region_label if has_region else ''}, gekleurd naar {indicator_label}: "
            f"{naam} {own}")
    if len(known) > 1:
        lo, hi = known.loc[known["value"].idxmin()], known.loc[known["value"].idxmax()]
        text += (f"; laagste {lo['gemeentenaam']} ({fmt_value(lo['value'], unit or '')}), hoogste "
                 f"{hi['gemeentenaam']} ({fmt_value(hi['value'], unit or '')})")
    return text + "."


REGION_ROLES = vocab.REGION_ROLES


def region_members(gemeenten: pd.DataFrame, gemeentecode: str, role: str = "jeugdzorgregio",
                   indelingsjaar: int | None = None) -> tuple[list[str], str]:
    """Codes of the gemeenten in ``gemeentecode``'s regio, and the regio's Dutch label.

    Args:
        gemeenten: the ``gemeenten`` table (gemeentecode, indelingsjaar, ``<role>_code``, ``<role>_naam``).
        gemeentecode: the focal gemeente.
        role: ``jeugdzorgregio`` (default), ``ggd_regio``, ``arbeidsmarktregio``, ``corop`` or ``provincie``.
        indelingsjaar: the indeling to use (default the newest in the table).

    Returns:
        ``(codes, label)``, e.g. ``(["GM0505", …], "jeugdzorgregio Zuid-Holland Zuid")``; the codes include the
        gemeente itself. An unknown regio gives ``([gemeentecode], "")``.

    Raises:
        AnalyseError: unknown role, missing columns or a gemeente that is not in the table.
    """
    if role not in REGION_ROLES:
        raise AnalyseError(f"Onbekende regiosoort {role!r}; kies uit {', '.join(REGION_ROLES)}")
    need = ["gemeentecode", "indelingsjaar", f"{role}_code", f"{role}_naam"]
    missing = [c for c in need if c not in gemeenten.columns]
    if missing:
        raise AnalyseError(f"Gemeententabel mist kolom(men): {', '.join(missing)}")
    jaar = int(indelingsjaar) if indelingsjaar is not None else int(gemeenten["indelingsjaar"].max())
    year = gemeenten[gemeenten["indelingsjaar"] == jaar]
    own = year[year["gemeentecode"] == gemeentecode]
    if own.empty:
        raise AnalyseError(f"Gemeente {gemeentecode} staat niet in de indeling {jaar}")
    code, naam = own.iloc[0][f"{role}_code"], own.iloc[0][f"{role}_naam"]
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return [gemeentecode], ""
    codes = year.loc[year[f"{role}_code"] == code, "gemeentecode"].astype(str).tolist()
    prefix = {"ggd_regio": "GGD-regio", "corop": "COROP-gebied", "provincie": "provincie"}.get(role, role)
    return codes, f"{prefix} {naam}" if isinstance(naam, str) and naam else prefix
