"""analyse.maps: boundaries, neighbours and the gemeente map (tiny hand-made GeoJSON; one real-data check)."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analyse import maps, paths  # noqa: E402
from analyse.errors import AnalyseError, DataNotAvailableError  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _square(x0: float, y0: float, size: float = 0.1) -> list:
    return [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]]


@pytest.fixture
def geo_file(tmp_path):
    """A 3 × 2 grid of square gemeenten GM0001…GM0006 (row 1: 1-3, row 2: 4-6) and a far-away GM0009."""
    feats = []
    for i in range(6):
        x0, y0 = 5.0 + 0.1 * (i % 3), 52.0 + 0.1 * (i // 3)
        feats.append({"type": "Feature", "properties": {"statcode": f"GM000{i + 1}", "statnaam": f"Plaats {i + 1}"},
                      "geometry": {"type": "Polygon", "coordinates": _square(x0, y0)}})
    feats.append({"type": "Feature", "properties": {"statcode": "GM0009", "statnaam": "Ver weg"},
                  "geometry": {"type": "MultiPolygon", "coordinates": [_square(6.0, 53.0)]}})
    folder = tmp_path / maps.GEO_DIR_NAME
    folder.mkdir()
    path = folder / "gemeente_2023.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    (folder / "gemeente_2025.geojson").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_boundaries_path_picks_newest_not_after_year(geo_file, tmp_path):
    assert maps.boundaries_path(2024, base=tmp_path).name == "gemeente_2023.geojson"
    assert maps.boundaries_path(2025, base=tmp_path).name == "gemeente_2025.geojson"
    assert maps.boundaries_path(2010, base=tmp_path).name == "gemeente_2023.geojson"
    with pytest.raises(DataNotAvailableError, match="gemeentegrenzen"):
        maps.boundaries_path(2024, base=tmp_path / "leeg")


def test_load_boundaries_and_neighbours(geo_file):
    geo = maps.load_boundaries(path=geo_file)
    assert list(geo.columns) == ["gemeentecode", "gemeentenaam", "geometry"] and len(geo) == 7
    geo.loc[0, "gemeentenaam"] = "veranderd"  # a copy: the cache is not touched
    assert maps.load_boundaries(path=geo_file).loc[0, "gemeentenaam"] == "Plaats 1"
    assert sorted(maps.neighbours(geo, "GM0001")) == ["GM0002", "GM0004", "GM0005"]
    assert "GM0009" not in maps.neighbours(geo, "GM0005")
    with pytest.raises(AnalyseError, match="GM0999"):
        maps.neighbours(geo, "GM0999")


def test_plot_gemeente_map_figure_alt_and_data(geo_file):
    geo = maps.load_boundaries(path=geo_file)
    values = {"GM0001": 10.0, "GM0002": 12.5, "GM0004": 8.0, "GM0006": 20.0}
    fig = maps.plot_gemeente_map(geo, "GM0001", values, region_members=["GM0006"],
                                 indicator_label="jongeren met jeugdzorg", unit="procent",
                                 region_label="jeugdzorgregio Test")
    assert isinstance(fig, Figure)
    data = fig.data.set_index("gemeentecode")
    assert data.loc["GM0001", "rol"] == "gemeente" and data.loc["GM0006", "rol"] == "regio"
    assert data.loc["GM0005", "rol"] == "buurgemeente" and np.isnan(data.loc["GM0005", "value"])
    assert "GM0009" not in data.index
    assert fig.alt_text.startswith("Kaart van Plaats 1 met 3 buurgemeenten en de jeugdzorgregio Test")
    assert "10,0%" in fig.alt_text and "hoogste Plaats 6 (20,0%)" in fig.alt_text
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "geen gegevens" in legend and "jeugdzorgregio Test" in legend


def test_plot_gemeente_map_values_as_frame_and_errors(geo_file):
    geo = maps.load_boundaries(path=geo_file)
    frame = pd.DataFrame({"gemeentecode": ["GM0001", "GM0002"], "value": [1.0, 2.0]})
    fig = maps.plot_gemeente_map(geo, "GM0002", frame)
    assert fig.data.set_index("gemeentecode").loc["GM0001", "value"] == 1.0
    with pytest.raises(AnalyseError, match="GM0999"):
        maps.plot_gemeente_map(geo, "GM0999", frame)
    with pytest.raises(AnalyseError, match="gemeentecode en geometry"):
        maps.plot_gemeente_map(pd.DataFrame({"a": [1]}), "GM0001", frame)
    with pytest.raises(AnalyseError, match="gemeentecode en value"):
        maps.plot_gemeente_map(geo, "GM0001", pd.DataFrame({"x": [1]}))


def test_geometry_path_keeps_holes():
    from shapely.geometry import Polygon

    ring = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (2, 1), (2, 2), (1, 2)]])
    from matplotlib.patches import PathPatch

    fig, ax = plt.subplots(figsize=(2, 2), dpi=50)
    ax.add_patch(PathPatch(maps.geometry_path(ring), facecolor="black", edgecolor="none"))
    ax.set_xlim(0, 4)
    ax.set_ylim(0, 4)
    ax.set_axis_off()
    fig.subplots_adjust(0, 0, 1, 1)
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())[:, :, :3]
    h, w = img.shape[:2]
    assert img[int(h * 0.2), int(w * 0.8)].max() < 50  # filled at (3, 3)
    assert img[int(h * (1 - 1.5 / 4)), int(w * 1.5 / 4)].min() > 200  # the hole at (1.5, 1.5) stays white


def test_real_boundaries_small_png():
    if paths.cbs_dir() is None or not (paths.cbs_dir() / maps.GEO_DIR_NAME).is_dir():
        pytest.skip("real boundaries (../shared/data/gemeente-grenzen-geojson) not available")
    from analyse.report import _png_bytes

    geo = maps.load_boundaries(2024)
    assert geo["gemeentecode"].str.match(r"^GM\d{4}$").all() and len(geo) > 300
    assert {"GM0590", "GM0642"} <= set(maps.neighbours(geo, "GM0531"))  # Papendrecht, Zwijndrecht
    values = dict(zip(geo["gemeentecode"], np.linspace(1, 20, len(geo))))
    fig = maps.plot_gemeente_map(geo, "GM0531", values, ["GM0505", "GM0590", "GM0642", "GM1978"])
    assert len(_png_bytes(fig)) < 80_000


def test_region_members_from_gemeenten_table():
    g = pd.DataFrame({"gemeentecode": ["GM0001", "GM0002", "GM0003", "GM0001"],
                      "indelingsjaar": [2024, 2024, 2024, 2023],
                      "jeugdzorgregio_code": ["JZ01", "JZ01", "JZ02", "JZ09"],
                      "jeugdzorgregio_naam": ["Noord", "Noord", "Zuid", "Oud"]})
    codes, label = maps.region_members(g, "GM0001")
    assert codes == ["GM0001", "GM0002"] and label == "jeugdzorgregio Noord"
    assert maps.region_members(g, "GM0001", indelingsjaar=2023) == (["GM0001"], "jeugdzorgregio Oud")
    with pytest.raises(AnalyseError, match="regiosoort"):
        maps.region_members(g, "GM0001", role="wijk")
    with pytest.raises(AnalyseError, match="GM0999"):
        maps.region_members(g, "GM0999")
    with pytest.raises(AnalyseError, match="ggd_regio_code"):
        maps.region_members(g, "GM0001", role="ggd_regio")
