"""Figures for the per-gemeente reports: trends, funnel plots, indicator tables and cost development.

Every ``plot_*`` function takes a tidy frame (and an optional ``ax``), draws with matplotlib/seaborn and
returns the :class:`~matplotlib.figure.Figure`, on which it sets ``fig.alt_text`` (one Dutch sentence) and
``fig.data`` (the tidy frame drawn), as ``docs/contracts.md`` requires. Saving is the report's job.

Design decisions:

- The theme is set once at import: ``sns.set_theme(style="whitegrid")`` with the Okabe-Ito palette
  (colour-blind safe). The focal gemeente is always the same strong blue with a solid line and filled
  circles; references differ in colour *and* line style *and* marker, so charts read in greyscale print.
- Axis labels are Dutch and carry the unit; tick labels use the Dutch number format of
  :mod:`analyse.formatting` (``1.000``, ``2,5``). Large euro amounts are shown in millions with the unit
  in the axis label.
- Empty input gives a figure with the message "Geen gegevens" (and alt text saying so), never an
  exception; a frame without a required column raises :class:`~analyse.errors.AnalyseError`.
- Provisional figures (status ``voorlopig``/``nader voorlopig``) get hollow markers and a ``*`` after the
  period label, like CBS ("2019*"). Missing periods are gaps, never bridged by a line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from analyse import vocab
from analyse.errors import AnalyseError
from analyse.formatting import fmt_eur, fmt_number, fmt_pct
from analyse.kosten import CLUSTER_LABELS

# ------------------------------------------------------------------------------------------------ theme
OKABE_ITO: dict[str, str] = {
    "zwart": "#000000",
    "oranje": "#E69F00",
    "hemelsblauw": "#56B4E9",
    "blauwgroen": "#009E73",
    "geel": "#F0E442",
    "blauw": "#0072B2",
    "vermiljoen": "#D55E00",
    "roodpaars": "#CC79A7",
}
"""The Okabe-Ito colour-blind-safe palette."""

GEMEENTE_STYLE: dict[str, object] = {"color": OKABE_ITO["blauw"], "linestyle": "-", "marker": "o", "linewidth": 2.4}
"""Style of the focal gemeente in every figure."""

NEDERLAND_STYLE: dict[str, object] = {"color": "#4D4D4D", "linestyle": ":", "marker": "^", "linewidth": 1.8}
"""Style of Nederland (NL01)."""

REFERENCE_STYLES: tuple[dict[str, object], ...] = (
    {"color": OKABE_ITO["oranje"], "linestyle": "--", "marker": "s", "linewidth": 1.8},
    {"color": OKABE_ITO["blauwgroen"], "linestyle": "-.", "marker": "D", "linewidth": 1.8},
    {"color": OKABE_ITO["roodpaars"], "linestyle": (0, (5, 1, 1, 1, 1, 1)), "marker": "v", "linewidth": 1.8},
    {"color": OKABE_ITO["vermiljoen"], "linestyle": (0, (1, 1)), "marker": "P", "linewidth": 1.8},
    {"color": OKABE_ITO["hemelsblauw"], "linestyle": (0, (8, 2)), "marker": "X", "linewidth": 1.8},
)
"""Styles for other references (regio, peers …), in order."""

BAND_COLOUR = "#BBBBBB"
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "--", "oo")
FIGSIZE = (7.5, 4.0)
DPI = 100
PROVISIONAL = {"voorlopig", "nader voorlopig"}
NEDERLAND_CODE = "NL01"
NO_DATA_TEXT = "Geen gegevens"

sns.set_theme(style="whitegrid", palette=list(OKABE_ITO.values())[1:] + ["#000000"])
plt.rcParams.update({"figure.figsize": FIGSIZE, "figure.dpi": DPI, "axes.titlesize": 11, "axes.titleweight": "bold",
                     "text.parse_math": False})  # plan text with "$" is text, never mathtext (analyse.safetext)

UNIT_LABELS: dict[str, str] = dict(vocab.UNIT_LABELS)


# ---------------------------------------------------------------------------------------------- helpers
def finish(fig: Figure, alt_text: str, data: pd.DataFrame) -> Figure:
    """Attach the alt text and the data drawn to ``fig`` and return it.

    Args:
        fig: the figure.
        alt_text: one Dutch sentence describing the figure for screen readers.
        data: the tidy frame drawn (a copy is stored).
    """
    fig.alt_text = str(alt_text).strip()
    fig.data = data.copy().reset_index(drop=True) if isinstance(data, pd.DataFrame) else pd.DataFrame()
    if getattr(fig, "_analyse_owned", False):
        # A figure this package created is handed over, not left open in pyplot: in JupyterLab the returned
        # figure is then shown once (by its repr), not a second time when the cell ends, and a batch run does not
        # collect open figures. A figure drawn on the caller's own axes stays theirs.
        plt.close(fig)
    return fig


def new_figure(figsize: tuple[float, float] = FIGSIZE, dpi: int = DPI) -> Figure:
    """A new figure owned by the package (closed in pyplot by :func:`finish`, so shown once in a notebook)."""
    fig = plt.figure(figsize=figsize, dpi=dpi)
    fig._analyse_owned = True
    return fig


def dutch_number(value: float, pos: int | None = None) -> str:
    """Tick formatter: Dutch separators, decimals only where the value needs them (``1.000``, ``2,5``)."""
    if value is None or not np.isfinite(value):
        return ""
    for decimals in range(0, 4):
        if abs(value * 10**decimals - round(value * 10**decimals)) < 1e-6:
            return fmt_number(value, decimals)
    return fmt_number(value, 3)


DUTCH_FORMATTER = FuncFormatter(dutch_number)


def _new_ax(ax: Axes | None) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig = new_figure()
    return fig, fig.add_subplot()


def _require(df: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise AnalyseError(f"{where}: verwacht een DataFrame, kreeg {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AnalyseError(f"{where}: kolom(men) ontbreken: {', '.join(missing)}")


def _is_empty(df: pd.DataFrame | None) -> bool:
    return df is None or (isinstance(df, pd.DataFrame) and len(df.columns) == 0)


def empty_figure(title: str, what: str, ax: Axes | None = None, data: pd.DataFrame | None = None) -> Figure:
    """A figure that says 'Geen gegevens' (used when the input is empty).

    Args:
        title: figure title.
        what: what was to be shown, used in the alt text ("de kostenontwikkeling").
        ax: optional axes to draw on.
        data: the (empty) data, stored as ``fig.data``.
    """
    fig, ax = _new_ax(ax)
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, f"{NO_DATA_TEXT}\n({what} kan niet worden getoond)", ha="center", va="center",
            fontsize=12, color="#4D4D4D", transform=ax.transAxes)
    return finish(fig, f"Geen gegevens beschikbaar: {what} kan niet worden getoond.",
                  data if data is not None else pd.DataFrame())


def _style_for(code: str, gemeentecode: str | None, others: list[str]) -> dict[str, object]:
    if code == gemeentecode:
        return dict(GEMEENTE_STYLE)
    if code == NEDERLAND_CODE:
        return dict(NEDERLAND_STYLE)
    idx = others.index(code) if code in others else 0
    return dict(REFERENCE_STYLES[idx % len(REFERENCE_STYLES)])


def _euro_scale(values: pd.Series | np.ndarray) -> tuple[float, str]:
    """(divisor, unit label) for an euro axis: millions when amounts reach € 1 mln."""
    arr = np.asarray(pd.to_numeric(pd.Series(np.ravel(values)), errors="coerce"), dtype=float)
    top = np.nanmax(np.abs(arr)) if np.isfinite(arr).any() else 0.0
    return (1e6, "mln euro") if top >= 1e6 else (1.0, "euro")


def _label(code: str, labels: Mapping[str, str] | None) -> str:
    if labels and code in labels:
        return str(labels[code])
    return "Nederland" if code == NEDERLAND_CODE else str(code)


def _axis_unit(unit: str | None) -> str:
    return UNIT_LABELS.get(unit or "", unit or "")


# ------------------------------------------------------------------------------------------------ trend
def plot_trend(
    series_df: pd.DataFrame,
    gemeentecode: str | None = None,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    unit: str | None = None,
    policy_year: int | None = None,
    ax: Axes | None = None,
    count_mode: str = "auto",
) -> Figure:
    """Gemeente vs references (regio, Nederland …) over periods.

    Honest-chart rules: counts (unit ``aantal``) of a gemeente are never drawn on one axis with larger areas;
    with references present they become an index (the gemeente's first period = 100, every series against
    its own value in that period). Interval bands (``ci_low``/``ci_high``) are drawn around each line. For
    shares (``procent``, ``per_1000``) the y-axis starts at zero, or, when the values lie far from zero,
    the axis carries a break mark and the label says so. The legend sits to the right, outside the data.

    Args:
        series_df: columns gemeentecode, period, value; optional status, ci_low, ci_high, unit. One row per
            code and period (one indicator).
        gemeentecode: focal gemeente (strong blue); default the first code.
        labels: display names per code (default: the code; NL01 → "Nederland").
        title: title; default "Ontwikkeling".
        unit: catalogue unit for the y-axis label; default the ``unit`` column.
        policy_year: draw a vertical line at the start of this year (beleid gestart).
        ax: optional axes.
        count_mode: ``"auto"`` (index for counts with references), ``"index"`` (always) or ``"waarde"``
            (never; only for a single series).

    Returns:
        Figure with ``alt_text``, ``data`` (the input rows) and ``index_base`` (the base period or None).
    """
    title = title or "Ontwikkeling"
    if count_mode not in ("auto", "index", "waarde"):
        raise AnalyseError(f"plot_trend: count_mode moet 'auto', 'index' of 'waarde' zijn, niet {count_mode!r}")
    if _is_empty(series_df):
        return empty_figure(title, "de ontwikkeling", ax)
    _require(series_df, ["gemeentecode", "period", "value"], "plot_trend")
    df = series_df.copy()
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    if df["value"].notna().sum() == 0:
        return empty_figure(title, "de ontwikkeling", ax, series_df)
    if unit is None and "unit" in df.columns and df["unit"].notna().any():
        unit = str(df["unit"].dropna().iloc[0])
    df["period"] = df["period"].astype(str)
    periods = sorted(df["period"].unique())
    codes = list(dict.fromkeys(df["gemeentecode"].astype(str)))
    gemeentecode = gemeentecode or codes[0]
    order = [gemeentecode] + [c for c in codes if c != gemeentecode and c != NEDERLAND_CODE]
    order += [NEDERLAND_CODE] if NEDERLAND_CODE in codes else []
    others = [c for c in order if c not in (gemeentecode, NEDERLAND_CODE)]
    status = df["status"].astype(str) if "status" in df.columns else pd.Series("definitief", index=df.index)
    df["_prov"] = status.isin(PROVISIONAL).to_numpy()
    raw = df.copy()
    as_index = count_mode == "index" or (count_mode == "auto" and str(unit) in COUNT_UNITS and len(order) > 1)
    index_base = None
    if as_index:
        df, index_base = _index_series(df, gemeentecode)
        order = [c for c in order if c == gemeentecode or df.loc[df["gemeentecode"].astype(str) == c,
                                                                   "value"].notna().any()]
        others = [c for c in order if c not in (gemeentecode, NEDERLAND_CODE)]
    fig, ax = _new_ax(ax)
    for code in order[::-1]:
        sub = df[df["gemeentecode"].astype(str) == code].drop_duplicates("period").set_index("period")
        if sub.empty:
            continue
        sub = sub.reindex(periods)  # missing periods become NaN → a gap in the line
        x = np.arange(len(periods))
        style = _style_for(code, gemeentecode, others)
        y = sub["value"].to_numpy(dtype=float)
        z = 3 if code == gemeentecode else 2
        ax.plot(x, y, color=style["color"], linestyle=style["linestyle"], linewidth=style["linewidth"], zorder=z)
        if {"ci_low", "ci_high"} <= set(sub.columns):
            lo = pd.to_numeric(sub["ci_low"], errors="coerce").to_numpy(dtype=float)
            hi = pd.to_numeric(sub["ci_high"], errors="coerce").to_numpy(dtype=float)
            ax.fill_between(x, lo, hi, color=style["color"], alpha=0.18 if code == gemeentecode else 0.10,
                            linewidth=0, zorder=1)
        prov = sub["_prov"].fillna(False).to_numpy(dtype=bool)
        for mask, face in ((~prov, style["color"]), (prov, "white")):
            if mask.any():
                ax.plot(x[mask], y[mask], linestyle="none", marker=style["marker"], markersize=7,
                        markerfacecolor=face, markeredgecolor=style["color"], markeredgewidth=1.6, zorder=z + 1)
    prov_periods = set(df.loc[df["_prov"], "period"])
    ax.set_xticks(range(len(periods)))
    ax.set_xticklabels([p + ("*" if p in prov_periods else "") for p in periods],
                       rotation=45 if len(periods) > 8 else 0, ha="right" if len(periods) > 8 else "center")
    ax.set_xlim(-0.5, len(periods) - 0.5)
    ax.yaxis.set_major_formatter(DUTCH_FORMATTER)
    if as_index:
        ylabel = f"Index ({index_base} = 100)"
        ax.axhline(100, color="#4D4D4D", linewidth=0.8, zorder=1)
    else:
        ylabel = f"Waarde ({_axis_unit(unit)})" if unit else "Waarde"
        if str(unit) in SHARE_UNITS and _y_from_zero_or_break(ax, df):
            ylabel += " – as begint niet bij 0"
    ax.set(xlabel="Periode" + (" (* = voorlopige cijfers)" if prov_periods else ""), ylabel=ylabel, title=title)
    handles = [Line2D([], [], **_line_kwargs(_style_for(c, gemeentecode, others)), label=_label(c, labels))
               for c in order]
    if prov_periods:
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                              markeredgecolor="#4D4D4D", label="voorlopig cijfer"))
    if policy_year is not None:
        xs = [i for i, p in enumerate(periods) if p[:4].isdigit() and int(p[:4]) >= int(policy_year)]
        if xs:
            xline = xs[0] if len(periods[xs[0]]) == 4 else xs[0] - 0.5
            ax.axvline(xline, color="#4D4D4D", linestyle="--", linewidth=1.2, zorder=1)
            handles.append(Line2D([], [], color="#4D4D4D", linestyle="--", label=f"start beleid {policy_year}"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, fontsize=8,
              frameon=False)
    fig.tight_layout()
    last = raw[raw["gemeentecode"].astype(str) == gemeentecode].dropna(subset=["value"]).sort_values("period")
    if len(last):
        lr = last.iloc[-1]
        alt = (f"Lijngrafiek '{title}': {_label(gemeentecode, labels)} vergeleken met "
               f"{', '.join(_label(c, labels) for c in order[1:]) or 'geen referentie'} over {periods[0]} tot en "
               f"met {periods[-1]}; laatste waarde {lr['period']}: "
               f"{fmt_number(lr['value'], 1)}{' ' + _axis_unit(unit) if unit else ''}"
               + (f"; getekend als index ({index_base} = 100) omdat aantallen van gebieden van verschillende "
                  "grootte niet op één as passen." if as_index else "."))
    else:
        alt = (f"Lijngrafiek '{title}' over {periods[0]} tot en met {periods[-1]}; voor "
               f"{_label(gemeentecode, labels)} zijn geen waarden beschikbaar.")
    shown = series_df.copy()  # the data table names each area, not its code (JZ31 → the jeugdzorgregio's name)
    shown.insert(0, "gebied", shown["gemeentecode"].astype(str).map(lambda c: _label(c, labels)))
    fig = finish(fig, alt, shown.drop(columns="gemeentecode"))
    fig.index_base = index_base
    return fig


COUNT_UNITS = {"aantal", "count"}
"""Units of absolute counts: never on one axis with a larger area (plot_trend draws an index)."""
SHARE_UNITS = {"procent", "percentage", "%", "per_1000"}
"""Units of shares and rates: the y-axis starts at zero or marks the break."""


def _index_series(df: pd.DataFrame, gemeentecode: str) -> tuple[pd.DataFrame, str | None]:
    """Every series (value, ci_low, ci_high) as an index on the gemeente's first period with a value.

    A series without a (non-zero) value in that period is left out (all NaN) rather than based elsewhere.
    """
    own = df[(df["gemeentecode"].astype(str) == gemeentecode) & df["value"].notna()].sort_values("period")
    if own.empty:
        return df, None
    base = str(own["period"].iloc[0])
    out = df.copy()
    cols = [c for c in ("value", "ci_low", "ci_high") if c in out.columns]
    for c in cols:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    for _code, grp in out.groupby(out["gemeentecode"].astype(str)):
        b = grp.loc[grp["period"] == base, "value"]
        b = float(b.iloc[0]) if len(b) and pd.notna(b.iloc[0]) and b.iloc[0] != 0 else np.nan
        for c in cols:
            out.loc[grp.index, c] = grp[c] / b * 100 if np.isfinite(b) else np.nan
    return out, base


def _y_from_zero_or_break(ax: Axes, df: pd.DataFrame) -> bool:
    """Start a share axis at zero; when the values are far from zero, mark the break instead.

    Zero is used when the lines then still span at least 15% of the axis height; otherwise the axis keeps
    its automatic range and gets a break mark (two short diagonal strokes at the bottom, ``gid="asbreuk"``).

    Returns:
        True when the axis does not start at zero (a break mark was drawn).
    """
    cols = [c for c in ("value", "ci_low", "ci_high") if c in df.columns]
    vals = pd.concat([pd.to_numeric(df[c], errors="coerce") for c in cols]).to_numpy(dtype=float)
    vals = vals[np.isfinite(vals)]
    if vals.size == 0 or vals.min() < 0:
        return False
    if vals.max() - vals.min() >= 0.15 * vals.max():  # from zero the lines still use ≥ 15% of the height
        ax.set_ylim(bottom=0, top=max(ax.get_ylim()[1], vals.max() * 1.05))
        return False
    d = 0.015
    for dy in (0.0, 0.025):
        ax.plot((-d, d), (0.01 + dy - d, 0.01 + dy + d), transform=ax.transAxes, color="#000000",
                linewidth=1.2, clip_on=False, zorder=6, gid="asbreuk")
    return True


def _line_kwargs(style: Mapping[str, object]) -> dict[str, object]:
    return {"color": style["color"], "linestyle": style["linestyle"], "marker": style["marker"],
            "linewidth": style["linewidth"], "markerfacecolor": style["color"]}


# ----------------------------------------------------------------------------------------------- funnel
def _limits_long(limits: pd.DataFrame) -> pd.DataFrame:
    """Accept the long stats shape (level, lower, upper) or the wide one (lower_95, upper_998 …)."""
    if {"level", "lower", "upper"} <= set(limits.columns):
        _require(limits, ["denominator", "level", "lower", "upper"], "plot_funnel(limits)")
        return limits
    _require(limits, ["denominator", "lower_95", "upper_95", "lower_998", "upper_998"], "plot_funnel(limits)")
    frames = []
    for label, level in (("95", 0.95), ("998", 0.998)):
        frames.append(pd.DataFrame({"denominator": limits["denominator"], "level": level,
                                    "lower": limits[f"lower_{label}"], "upper": limits[f"upper_{label}"],
                                    "target": limits["target"] if "target" in limits else np.nan}))
    return pd.concat(frames, ignore_index=True)


def plot_funnel(
    funnel_points: pd.DataFrame,
    funnel_limits: pd.DataFrame,
    highlight: str | Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    unit: str | None = None,
    denominator_label: str = "Noemer (aantal)",
    ax: Axes | None = None,
    centre_label: str = "Nederlands gemiddelde",
) -> Figure:
    """Funnel plot: all gemeenten, control limits at 95% and 99,8%, the gemeente highlighted.

    The centre line (``target`` of the limits) is labelled ``centre_label`` with its value; the legend sits
    to the right, outside the data.

    Args:
        funnel_points: gemeentecode, denominator, value (optional positie_95, positie_998), as returned by
            ``analyse.stats.funnel_limits(...).points``.
        funnel_limits: ``denominator, level, lower, upper, target`` (long, from ``analyse.stats``) or
            ``denominator, target, lower_95, upper_95, lower_998, upper_998`` (wide).
        highlight: gemeentecode, or a list of codes, to highlight and label (each in its own colour and marker).
        labels: display names per code (default a ``gemeentenaam`` column of the points, else the code).
        title: title.
        unit: catalogue unit of ``value``.
        denominator_label: x-axis label.
        ax: optional axes.
        centre_label: name of the centre line (the reference value the limits are drawn around).

    Returns:
        Figure; ``fig.data`` = the points, ``fig.limits`` = the limit curves.
    """
    title = title or "Trechterdiagram (funnel plot)"
    if _is_empty(funnel_points) or (isinstance(funnel_points, pd.DataFrame) and funnel_points.empty):
        return empty_figure(title, "het trechterdiagram", ax)
    _require(funnel_points, ["gemeentecode", "denominator", "value"], "plot_funnel")
    lim = _limits_long(funnel_limits) if not _is_empty(funnel_limits) else pd.DataFrame()
    pts = funnel_points.copy()
    pts["denominator"] = pd.to_numeric(pts["denominator"], errors="coerce")
    pts["value"] = pd.to_numeric(pts["value"], errors="coerce")
    usable = pts.dropna(subset=["denominator", "value"])
    usable = usable[usable["denominator"] > 0]
    if usable.empty:
        return empty_figure(title, "het trechterdiagram", ax, funnel_points)
    chosen = [highlight] if isinstance(highlight, str) else list(dict.fromkeys(highlight or []))
    if labels is None and "gemeentenaam" in usable.columns:  # names travel with the points (analyse.api.funnel)
        labels = dict(zip(usable["gemeentecode"], usable["gemeentenaam"]))
    fig, ax = _new_ax(ax)
    others = usable[~usable["gemeentecode"].isin(chosen)]
    ax.scatter(others["denominator"], others["value"], s=14, color="#8C8C8C", alpha=0.7, linewidth=0,
               label="andere gemeenten", zorder=2)
    if not lim.empty:
        lim = lim.sort_values("denominator")
        for level, ls in ((0.95, "--"), (0.998, ":")):
            sub = lim[np.isclose(pd.to_numeric(lim["level"], errors="coerce"), level)]
            if sub.empty:
                continue
            name = "95%-grens" if level == 0.95 else "99,8%-grens"
            ax.plot(sub["denominator"], sub["lower"], color="#4D4D4D", linestyle=ls, linewidth=1.3, label=name)
            ax.plot(sub["denominator"], sub["upper"], color="#4D4D4D", linestyle=ls, linewidth=1.3)
        if "target" in lim.columns and lim["target"].notna().any():
            ax.axhline(float(lim["target"].dropna().iloc[0]), color=OKABE_ITO["oranje"], linewidth=1.5,
                       linestyle="-", label=f"{centre_label} ({fmt_number(float(lim['target'].dropna().iloc[0]), 1)})")
    shown = []
    for i, code in enumerate(chosen):
        hl = usable[usable["gemeentecode"] == code]
        if hl.empty:
            continue
        row = hl.iloc[0]
        style = GEMEENTE_STYLE if i == 0 else REFERENCE_STYLES[(i - 1) % len(REFERENCE_STYLES)]
        colour, marker = style["color"], style.get("marker", "o")
        ax.scatter([row["denominator"]], [row["value"]], s=80, color=colour, edgecolor="black",
                   linewidth=1.0, zorder=4, label=_label(code, labels), marker=marker)
        ax.annotate(_label(code, labels), (row["denominator"], row["value"]), xytext=(8, 8 + 10 * (i % 3)),
                    textcoords="offset points", fontsize=9, fontweight="bold", color=colour,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
        shown.append(row)
    dens = usable["denominator"]
    if dens.max() / max(dens.min(), 1e-9) > 50:
        ax.set_xscale("log")
    ax.xaxis.set_major_formatter(DUTCH_FORMATTER)
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, p: ""))
    ax.yaxis.set_major_formatter(DUTCH_FORMATTER)
    ax.set(xlabel=denominator_label + (" – logaritmische schaal" if ax.get_xscale() == "log" else ""),
           ylabel=f"Waarde ({_axis_unit(unit)})" if unit else "Waarde", title=title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, fontsize=8, frameon=False)
    fig.tight_layout()
    n = len(usable)
    alt = f"Trechterdiagram van {n} gemeenten met controlegrenzen van 95% en 99,8%"
    parts = []
    for row in shown:
        pos = str(row.get("positie_95", "")) if "positie_95" in row.index else ""
        where = {"binnen": "binnen de 95%-grenzen: niet opvallend", "boven": "boven de 95%-grens: opvallend hoog",
                 "onder": "onder de 95%-grens: opvallend laag"}.get(pos, "")
        parts.append(f"{_label(row['gemeentecode'], labels)} heeft waarde {fmt_number(float(row['value']), 1)}"
                     f"{' en ligt ' + where if where else ''}")
    alt += ("; " + "; ".join(parts) if parts else "") + "."
    fig = finish(fig, alt, funnel_points)
    fig.limits = lim.copy()
    return fig


# --------------------------------------------------------------------------------------- cost development
def plot_cost_development(
    df: pd.DataFrame,
    mode: str = "index",
    cluster: str | None = None,
    soort: str | None = None,
    gemeente_label: str | None = None,
    prijspeil: int | None = None,
    base_year: int | None = None,
    ax: Axes | None = None,
    breaks: pd.DataFrame | None = None,
) -> Figure:
    """Lasten per inwoner (or their index) of the gemeente vs peers (median + IQR band) vs Nederland.

    Args:
        df: output of :func:`analyse.kosten.compare_costs` (jaar, soort, cluster, gemeentecode,
            gemeente_per_inwoner, peers_mediaan, peers_q1, peers_q3, nl_per_inwoner; the peer and NL
            columns are optional).
        mode: ``"per_inwoner"`` (euro per inwoner) or ``"index"`` (first year / ``base_year`` = 100).
        cluster: cluster to draw when df holds several (default: the first).
        soort: ``jaarrekening``/``begroting`` when df holds both (default jaarrekening if present).
        gemeente_label: display name of the gemeente.
        prijspeil: base year of real euros if the amounts are deflated; None = nominal euros.
        base_year: index base year (mode ``index``).
        ax: optional axes.
        breaks: :func:`analyse.kosten.cost_breaks` output; its years for this cluster are marked with a dotted
            vertical line and named in the alt text (a series across a break is no trend).

    Returns:
        Figure; ``fig.data`` is the long frame drawn: jaar, reeks, waarde (+ band columns).
    """
    if mode not in ("index", "per_inwoner"):
        raise AnalyseError(f"plot_cost_development: mode moet 'index' of 'per_inwoner' zijn, niet {mode!r}")
    euro = f"euro, prijspeil {prijspeil}" if prijspeil else "nominale euro's"
    title = "Kostenontwikkeling" + (f" {cluster}" if cluster else "")
    if _is_empty(df) or df.empty:
        return empty_figure(title, "de kostenontwikkeling", ax)
    _require(df, ["jaar", "gemeente_per_inwoner"], "plot_cost_development")
    sub = df
    if "cluster" in sub.columns:
        cluster = cluster or str(sub["cluster"].iloc[0])
        sub = sub[sub["cluster"] == cluster]
    if "soort" in sub.columns and sub["soort"].nunique() > 1:
        soort = soort or ("jaarrekening" if (sub["soort"] == "jaarrekening").any() else str(sub["soort"].iloc[0]))
    if soort and "soort" in sub.columns:
        sub = sub[sub["soort"] == soort]
    sub = sub.sort_values("jaar")

    cluster_label = CLUSTER_LABELS.get(cluster, cluster) if cluster else ""
    title = ("Lasten per inwoner" + (f": {cluster_label}" if cluster_label else "")
             + (f" ({soort})" if soort else ""))
    if sub.empty or sub["gemeente_per_inwoner"].notna().sum() == 0:
        return empty_figure(title, "de kostenontwikkeling", ax, sub)
    series = {"gemeente": "gemeente_per_inwoner", "peers": "peers_mediaan", "nederland": "nl_per_inwoner"}
    years = pd.to_numeric(sub["jaar"]).to_numpy()
    full_years = np.arange(years.min(), years.max() + 1)
    sub = sub.set_index(pd.to_numeric(sub["jaar"])).reindex(full_years)
    base = base_year if base_year is not None else int(sub["gemeente_per_inwoner"].first_valid_index())

    def scaled(col: str) -> np.ndarray:
        vals = pd.to_numeric(sub[col], errors="coerce").to_numpy(dtype=float) if col in sub else np.full(
            len(full_years), np.nan)
        if mode == "index":
            b = pd.to_numeric(sub[col], errors="coerce").get(base, np.nan) if col in sub else np.nan
            return vals / b * 100 if pd.notna(b) and b != 0 else np.full(len(vals), np.nan)
        return vals

    fig, ax = _new_ax(ax)
    records = []
    if {"peers_q1", "peers_q3"} <= set(sub.columns):
        q1, q3 = scaled("peers_q1"), scaled("peers_q3")
        if np.isfinite(q1).any():
            ax.fill_between(full_years, q1, q3, color=BAND_COLOUR, alpha=0.45, linewidth=0,
                            label="vergelijkingsgemeenten (25e-75e percentiel)")
            records += [{"jaar": y, "reeks": "peers_q1", "waarde": v} for y, v in zip(full_years, q1)]
            records += [{"jaar": y, "reeks": "peers_q3", "waarde": v} for y, v in zip(full_years, q3)]
    default_name = str(df["gemeentecode"].iloc[0]) if "gemeentecode" in df.columns else "gemeente"
    names = {"gemeente": gemeente_label or default_name,
             "peers": "vergelijkingsgemeenten (mediaan)", "nederland": "Nederland"}
    styles = {"gemeente": GEMEENTE_STYLE, "peers": REFERENCE_STYLES[0], "nederland": NEDERLAND_STYLE}
    for key in ("nederland", "peers", "gemeente"):
        vals = scaled(series[key])
        if not np.isfinite(vals).any():
            continue
        ax.plot(full_years, vals, **_line_kwargs(styles[key]), label=names[key], markersize=6,
                zorder=3 if key == "gemeente" else 2)
        records += [{"jaar": y, "reeks": key, "waarde": v} for y, v in zip(full_years, vals)]
    marked: list[str] = []
    if breaks is not None and len(breaks) and {"cluster", "jaar", "soort_breuk"} <= set(breaks.columns):
        own = breaks[breaks["cluster"] == cluster] if cluster else breaks
        if soort and "soort" in own.columns:
            own = own[own["soort"] == soort]
        for jaar, g in own.groupby("jaar"):
            if full_years.min() < jaar <= full_years.max():
                kinds = ", ".join(dict.fromkeys(g["soort_breuk"]))
                ax.axvline(jaar - 0.5, color="#4D4D4D", linestyle=":", linewidth=1.4)
                ax.text(jaar - 0.45, 0.98, f"breuk: {kinds}", transform=ax.get_xaxis_transform(), fontsize=7,
                        va="top", ha="left", color="#4D4D4D")
                marked.append(f"{int(jaar)} ({kinds})")
    if mode == "index":
        ax.axhline(100, color="#4D4D4D", linewidth=0.8)
        ylabel = f"Index ({base} = 100; {euro})"
    else:
        ylabel = f"Lasten per inwoner ({euro})"
    ax.set(xlabel="Jaar", ylabel=ylabel, title=title + (" – index" if mode == "index" else ""))
    ax.set_xticks(full_years)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, p: f"{int(v)}"))
    ax.yaxis.set_major_formatter(DUTCH_FORMATTER)
    handles, labs = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labs[::-1], fontsize=8, loc="best")
    fig.tight_layout()
    drawn = pd.DataFrame(records)
    g = drawn[drawn["reeks"] == "gemeente"].dropna(subset=["waarde"])
    first, last = g.iloc[0], g.iloc[-1]
    fmt = (lambda v: fmt_number(v, 1)) if mode == "index" else (lambda v: fmt_eur(v))
    alt = (f"Lijngrafiek van de lasten per inwoner{' (' + cluster_label + ')' if cluster_label else ''} ({euro}) "
           f"{'als index ' if mode == 'index' else ''}van {names['gemeente']} van {int(first['jaar'])} tot "
           f"{int(last['jaar'])}: van {fmt(first['waarde'])} naar {fmt(last['waarde'])}, vergeleken met "
           f"vergelijkingsgemeenten en Nederland.").replace("  ", " ")
    if marked:
        alt += f" Trendbreuk gemarkeerd in {', '.join(marked)}: de reeks is daar niet als trend te lezen."
    labels = {**names, "peers_q1": "vergelijkingsgemeenten, 25e percentiel",
              "peers_q3": "vergelijkingsgemeenten, 75e percentiel"}
    level = f"prijspeil {prijspeil}" if prijspeil else "nominaal"
    unit = f"index {base} = 100, {level}" if mode == "index" else f"euro per inwoner, {level}"
    labels = {k: f"{v} ({unit})" for k, v in labels.items()}  # the unit in every column name of the download
    wide = (drawn.assign(reeks=drawn["reeks"].map(labels)).pivot_table(index="jaar", columns="reeks", values="waarde",
                                                                      aggfunc="first", sort=False)
            .reset_index().rename(columns={"jaar": "Jaar"}))
    wide.columns.name = None
    return finish(fig, alt, wide)


# --------------------------------------------------------------------------------- begroting/realisatie
def plot_budget_vs_realisatie(df: pd.DataFrame, jaar: int | None = None, title: str | None = None,
                              ax: Axes | None = None) -> Figure:
    """Horizontal bars of begroot and uitgegeven per labelled budget line; unknown amounts said in words.

    Args:
        df: output of :func:`analyse.plans.money.budget_table` (post, jaar, begroot_eur, gerealiseerd_eur; optional
            in_totaal – lines outside the totals, such as 'waarvan' parts, are left out; optional actie_id/maatregel_id
            to prefix the label).
        jaar: year to draw; default all years (labels get the year when there are several).
        title: title.
        ax: optional axes.

    Returns:
        Figure; ``fig.data`` is the frame drawn (label, jaar, begroot_eur, gerealiseerd_eur).
    """
    title = title or "Begroot en uitgegeven per post"
    if _is_empty(df) or df.empty:
        return empty_figure(title, "de vergelijking van begroting en realisatie", ax)
    _require(df, ["post", "jaar", "begroot_eur", "gerealiseerd_eur"], "plot_budget_vs_realisatie")
    sub = df[df["in_totaal"].astype(bool)] if "in_totaal" in df.columns else df
    if jaar is not None:
        sub = sub[sub["jaar"] == jaar]
    sub = sub[sub["begroot_eur"].notna() | sub["gerealiseerd_eur"].notna()].reset_index(drop=True)
    if sub.empty:
        return empty_figure(title, "de vergelijking van begroting en realisatie", ax, sub)
    multi = sub["jaar"].nunique() > 1
    ids = sub["actie_id"] if "actie_id" in sub.columns else pd.Series([None] * len(sub))
    mids = sub["maatregel_id"] if "maatregel_id" in sub.columns else pd.Series([None] * len(sub))
    labels = []
    for post, j, a, m in zip(sub["post"], sub["jaar"], ids, mids):
        prefix = str(a) if isinstance(a, str) and a else (str(m) if isinstance(m, str) and m else "")
        text = str(post) if len(str(post)) <= 45 else str(post)[:44] + "…"
        labels.append((f"{prefix} " if prefix else "") + text + (f" ({int(j)})" if multi else ""))
    sub = sub.assign(label=labels)
    scale, unit = _euro_scale(pd.concat([sub["begroot_eur"], sub["gerealiseerd_eur"]]))
    fig, ax = _new_ax(ax)
    if len(sub) > 8 and ax.figure is fig:
        fig.set_size_inches(FIGSIZE[0], min(2 + 0.45 * len(sub), 11))
    y = np.arange(len(sub))
    h = 0.38
    b = sub["begroot_eur"].to_numpy(dtype=float) / scale
    r = sub["gerealiseerd_eur"].to_numpy(dtype=float) / scale
    ax.barh(y - h / 2, np.nan_to_num(b), height=h, color=OKABE_ITO["oranje"], edgecolor="black", linewidth=0.5,
            hatch="//", label="begroot")
    ax.barh(y + h / 2, np.nan_to_num(r), height=h, color=OKABE_ITO["blauw"], edgecolor="black", linewidth=0.5,
            label="uitgegeven")
    top = float(np.nanmax(np.concatenate([b, r, [0]]))) or 1.0
    for yi, bv, rv in zip(y, b, r):
        for val, off, what in ((bv, -h / 2, "begroting"), (rv, h / 2, "uitgaven")):
            word = f"{what} onbekend" if np.isnan(val) else ("€ 0" if val == 0 else None)
            if word:
                ax.text(top * 0.01, yi + off, word, va="center", fontsize=8, style="italic", color="#4D4D4D")
    ax.set_yticks(y)
    ax.set_yticklabels(sub["label"], fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(DUTCH_FORMATTER)
    ax.set(xlabel=f"Bedrag ({unit})", ylabel="", title=title)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    both = sub[sub["begroot_eur"].notna() & sub["gerealiseerd_eur"].notna()]
    beg, ger = both["begroot_eur"].sum(), both["gerealiseerd_eur"].sum()
    rate = f"; van de posten met beide bedragen is {fmt_pct(ger / beg * 100, 0)} besteed" if beg else ""
    unknown = [f"bij {n} {'post' if n == 1 else 'posten'} is {what} onbekend"
               for n, what in ((int(sub["begroot_eur"].isna().sum()), "de begroting"),
                               (int(sub["gerealiseerd_eur"].isna().sum()), "de besteding")) if n]
    alt = (f"Staafdiagram van begroot en uitgegeven voor {len(sub)} posten{rate}"
           + ("; " + " en ".join(unknown) if unknown else "") + ".")
    return finish(fig, alt, sub[["label", "jaar", "begroot_eur", "gerealiseerd_eur"]])


# ------------------------------------------------------------------------------------------- savings
SAVINGS_STYLE: dict[str, dict[str, object]] = {
    "begroot_eur": {"color": OKABE_ITO["oranje"], "hatch": "//", "label": "begroot (taakstelling)"},
    "gerealiseerd_eur": {"color": OKABE_ITO["blauw"], "hatch": "", "label": "gerealiseerd"},
    "schatting_eur": {"color": "white", "hatch": "..", "label": "schatting (geen realisatie)"},
}


def plot_savings_ledger(ledger: pd.DataFrame, reeks: str | None = None, title: str | None = None,
                        ax: Axes | None = None, start_jaar: int | None = None) -> Figure:
    """Savings of one reeks per year: begroot and gerealiseerd level side by side, realisatiegraad above the bars,
    estimates as dotted outline bars (never as realised) and a target path (doelstelling) as a dashed line.

    Every amount is the level in that year (cumulative), so bars are never stacked on earlier years. One year is
    drawn as plain bars, not as a waterfall.

    Args:
        ledger: output of :func:`analyse.plans.money.savings_ledger`.
        reeks: which reeks (default: the one with the most years).
        title: title (default names the reeks).
        ax: optional axes.
        start_jaar: first year of the path (e.g. the plan's ``beleidsperiode.startjaar``); a doelstelling that is
            only printed as its end level ("oplopend tot € 1,4 mln in 2023") is then drawn as a dashed path from
            0 in this year, with a note that the steps in between are not in the plan.

    Returns:
        Figure; ``fig.data`` is the ledger rows drawn.
    """
    what = "de besparingen"
    if _is_empty(ledger) or ledger.empty:
        return empty_figure(title or "Besparingen", what, ax)
    _require(ledger, ["reeks", "jaar", "begroot_eur", "doelstelling_eur", "gerealiseerd_eur", "schatting_eur",
                      "realisatiegraad_pct"], "plot_savings_ledger")
    if reeks is None:
        reeks = str(ledger["reeks"].value_counts(sort=True).index[0])
    sub = ledger[ledger["reeks"] == reeks].sort_values("jaar").reset_index(drop=True)
    title = title or f"Besparingen: {reeks}"
    cols = [c for c in ("begroot_eur", "gerealiseerd_eur", "schatting_eur") if sub[c].notna().any()]
    has_target = sub["doelstelling_eur"].notna().any()
    if sub.empty or (not cols and not has_target):
        return empty_figure(title, what, ax, sub)
    scale, unit = _euro_scale(sub[["begroot_eur", "doelstelling_eur", "gerealiseerd_eur", "schatting_eur"]])
    fig, ax = _new_ax(ax)
    x = sub["jaar"].to_numpy(dtype=float)
    width = 0.8 / max(len(cols), 1)
    for i, col in enumerate(cols):
        st = SAVINGS_STYLE[col]
        xs = x - 0.4 + width * (i + 0.5)
        vals = sub[col].to_numpy(dtype=float) / scale
        ax.bar(xs, np.nan_to_num(vals), width=width * 0.95, color=st["color"], hatch=st["hatch"],
               edgecolor=OKABE_ITO["blauw"] if col == "schatting_eur" else "black", linewidth=0.8,
               label=st["label"])
        for xi, v in zip(xs, vals):
            if np.isnan(v):
                ax.text(xi, 0, "onbekend", rotation=90, ha="center", va="bottom", fontsize=7, style="italic",
                        color="#4D4D4D")
        if col == "gerealiseerd_eur":
            for xi, v, pct in zip(xs, vals, sub["realisatiegraad_pct"]):
                if not np.isnan(v) and pd.notna(pct):
                    ax.text(xi, v, fmt_pct(pct, 0), ha="center", va="bottom", fontsize=8)
    lo, hi = int(x.min()), int(x.max())
    path_from = None
    if has_target:
        known = sub.dropna(subset=["doelstelling_eur"])
        tx = known["jaar"].to_numpy(dtype=float)
        t = known["doelstelling_eur"].to_numpy(dtype=float) / scale
        if start_jaar is not None and start_jaar < tx.min():
            path_from = int(start_jaar)
            tx, t = np.concatenate([[path_from], tx]), np.concatenate([[0.0], t])
            lo = min(lo, path_from)
            ax.text(path_from, t.max() * 0.05, "tussenstappen niet in het plan", fontsize=7, style="italic",
                    color=OKABE_ITO["vermiljoen"], va="bottom")
        ax.plot(tx, t, linestyle="--", marker="D", color=OKABE_ITO["vermiljoen"], linewidth=1.8, markersize=7,
                label="doelstelling (streefpad)")
        for xi, v in zip(tx, t):
            if v > 0:
                ax.annotate(f"doel {fmt_eur(v * scale)}", (xi, v), textcoords="offset points", xytext=(0, 8),
                            ha="center", fontsize=8, color=OKABE_ITO["vermiljoen"])
    ticks = np.arange(lo, hi + 1)
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(int(j)) for j in ticks])
    ax.set_xlim(lo - 0.7, hi + 0.7)
    ax.yaxis.set_major_formatter(DUTCH_FORMATTER)
    ymax = np.nanmax(sub[["begroot_eur", "doelstelling_eur", "gerealiseerd_eur", "schatting_eur"]].to_numpy(
        dtype=float)) / scale
    ax.set_ylim(0, ymax * 1.2 if np.isfinite(ymax) and ymax > 0 else 1)
    ax.set(xlabel="Jaar", ylabel=f"Besparing, niveau in dat jaar ({unit})", title=title)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    last = sub.iloc[-1]
    parts = []
    for col, word in (("begroot_eur", "begroot"), ("gerealiseerd_eur", "gerealiseerd"),
                      ("schatting_eur", "geschat (geen realisatie)"), ("doelstelling_eur", "doelstelling")):
        if pd.notna(last[col]):
            parts.append(f"{word} {fmt_eur(last[col])}")
    if pd.notna(last["realisatiegraad_pct"]):
        parts.append(f"realisatiegraad {fmt_pct(last['realisatiegraad_pct'], 0)}")
    if "openstaand_eur" in sub.columns and pd.notna(last["openstaand_eur"]) and pd.notna(last["begroot_eur"]):
        parts.append(f"openstaand {fmt_eur(last['openstaand_eur'])}")
    span = f"{int(sub['jaar'].min())}-{int(sub['jaar'].max())}" if len(sub) > 1 else f"{int(sub['jaar'].iloc[0])}"
    kind = "Staafdiagram" + (" met streefpad" if has_target else "")
    if path_from is not None:
        span = f"{path_from}-{int(sub['jaar'].max())}"
        parts.append("tussenstappen niet in het plan")
    alt = f"{kind} van de besparingen '{reeks}' {span}; in {int(last['jaar'])} " + ", ".join(parts) + "."
    return finish(fig, alt, sub)


# ---------------------------------------------------------------------------------------- spending break
def plot_spending_break(df: pd.DataFrame, value_col: str = "lasten_eur", break_year: int = 2015,
                        title: str | None = None, ax: Axes | None = None) -> Figure:
    """Spending per year as bars with the 2015 decentralisation break and the means before/after.

    Args:
        df: one series (jaar, ``value_col``), e.g. the output of :func:`analyse.kosten.decentralisation_break`.
        value_col: amount column (euro).
        break_year: first year after the break.
        title: title.
        ax: optional axes.
    """
    title = title or "Uitgaven sociaal domein per jaar"
    if _is_empty(df) or df.empty:
        return empty_figure(title, "de uitgavenreeks", ax)
    _require(df, ["jaar", value_col], "plot_spending_break")
    sub = df.sort_values("jaar").reset_index(drop=True)
    vals = pd.to_numeric(sub[value_col], errors="coerce")
    if vals.notna().sum() == 0:
        return empty_figure(title, "de uitgavenreeks", ax, sub)
    scale, unit = _euro_scale(vals)
    years = pd.to_numeric(sub["jaar"]).to_numpy()
    before = years < break_year
    fig, ax = _new_ax(ax)
    ax.bar(years[before], vals[before] / scale, color=OKABE_ITO["hemelsblauw"], edgecolor="black", linewidth=0.5,
           hatch="..", label=f"voor {break_year} (oude taken)")
    ax.bar(years[~before], vals[~before] / scale, color=OKABE_ITO["blauw"], edgecolor="black", linewidth=0.5,
           label=f"vanaf {break_year} (incl. jeugd, Wmo, Participatiewet)")
    ax.set_ylim(min(0.0, float(np.nanmin(vals / scale)) * 1.1), float(np.nanmax(vals / scale)) * 1.3)
    ax.axvline(break_year - 0.5, color="black", linestyle="--", linewidth=1.3)
    ax.text(break_year - 0.45, ax.get_ylim()[1] * 0.97, f"decentralisatie {break_year}:\ntrendbreuk",
            va="top", ha="left", fontsize=8)
    for mask, ls in ((before, ":"), (~before, "-.")):
        if mask.any() and vals[mask].notna().any():
            m = vals[mask].mean() / scale
            ax.hlines(m, years[mask].min() - 0.4, years[mask].max() + 0.4, colors=OKABE_ITO["vermiljoen"],
                      linestyles=ls, linewidth=1.8)
            ax.text(years[mask].max() + 0.4, m, f" gem. {dutch_number(round(m, 1))}", va="bottom", ha="right",
                    fontsize=8, color=OKABE_ITO["vermiljoen"])
    ax.set_xticks(years)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, p: f"{int(v)}"))
    ax.yaxis.set_major_formatter(DUTCH_FORMATTER)
    ax.set(xlabel="Jaar", ylabel=f"Uitgaven ({unit}, nominaal)", title=title)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    fig.tight_layout()
    mb, ma = vals[before].mean(), vals[~before].mean()
    alt = (f"Staafdiagram van de uitgaven {int(years.min())}-{int(years.max())} met een trendbreuk in "
           f"{break_year} door de decentralisaties; gemiddeld {fmt_eur(mb)} per jaar ervoor en {fmt_eur(ma)} "
           f"vanaf {break_year}, dus geen vergelijkbare trend.")
    return finish(fig, alt, sub)


# ----------------------------------------------------------------------------- begroting vs jaarrekening
def plot_begroting_jaarrekening(df: pd.DataFrame, value: str = "afwijking_pct", title: str | None = None,
                                ax: Axes | None = None) -> Figure:
    """Deviation of jaarrekening from begroting per cluster per year (grouped bars around 0).

    Args:
        df: output of :func:`analyse.kosten.begroting_jaarrekening` or
            ``analyse.trends.begroting_vs_jaarrekening`` (jaar, cluster or taakveld, afwijking_eur,
            afwijking_pct) for one gemeente.
        value: ``afwijking_pct`` (% of begroting) or ``afwijking_eur``.
        title: title.
        ax: optional axes.
    """
    title = title or "Afwijking jaarrekening ten opzichte van begroting"
    if _is_empty(df) or df.empty:
        return empty_figure(title, "de afwijking van de begroting", ax)
    key = "cluster" if "cluster" in df.columns or "taakveld" not in df.columns else "taakveld"
    _require(df, ["jaar", key, value], "plot_begroting_jaarrekening")
    sub = df.dropna(subset=[value]).rename(columns={key: "cluster"}) if key != "cluster" else df.dropna(
        subset=[value])
    if "gemeentecode" in sub.columns and sub["gemeentecode"].nunique() > 1:
        raise AnalyseError("plot_begroting_jaarrekening: meerdere gemeenten in de invoer; selecteer er één")
    sub = sub.sort_values(["jaar", "cluster"]).reset_index(drop=True)
    if sub.empty:
        return empty_figure(title, "de afwijking van de begroting", ax, sub)
    clusters = [c for c in CLUSTER_LABELS if c in set(sub["cluster"])] + sorted(
        set(sub["cluster"]) - set(CLUSTER_LABELS))
    years = sorted(sub["jaar"].unique())
    scale, unit = (1.0, "%") if value == "afwijking_pct" else _euro_scale(sub[value])
    fig, ax = _new_ax(ax)
    width = 0.8 / max(len(clusters), 1)
    colours = [OKABE_ITO[k] for k in ("blauw", "oranje", "blauwgroen", "roodpaars", "vermiljoen", "hemelsblauw")]
    for i, cl in enumerate(clusters):
        s = sub[sub["cluster"] == cl].set_index("jaar").reindex(years)
        xs = np.arange(len(years)) - 0.4 + width * (i + 0.5)
        ax.bar(xs, s[value].to_numpy(dtype=float) / scale, width=width, color=colours[i % len(colours)],
               hatch=HATCHES[i % len(HATCHES)], edgecolor="black", linewidth=0.5, label=CLUSTER_LABELS.get(cl, cl))
    ax.axhline(0, color="black", linewidth=0.9)
    ax.set_xticks(range(len(years)))
    ax.set_xticklabels([str(int(y)) for y in years])
    ax.yaxis.set_major_formatter(DUTCH_FORMATTER)
    ylabel = "Afwijking (% van begroting)" if value == "afwijking_pct" else f"Afwijking ({unit})"
    ax.set(xlabel="Jaar", ylabel=ylabel + "; positief = meer uitgegeven", title=title)
    ax.legend(fontsize=8, ncol=min(3, len(clusters)), loc="best")
    fig.tight_layout()
    worst = sub.loc[sub[value].abs().idxmax()]
    shown = (fmt_pct(worst[value], 1) if value == "afwijking_pct" else fmt_eur(worst[value]))
    alt = (f"Staafdiagram van de afwijking van de jaarrekening ten opzichte van de begroting voor "
           f"{len(clusters)} clusters in {len(years)} jaren; grootste afwijking {shown} bij "
           f"{CLUSTER_LABELS.get(worst['cluster'], worst['cluster'])} in {int(worst['jaar'])}.")
    return finish(fig, alt, sub.rename(columns={"cluster": key}) if key != "cluster" else sub)


# ------------------------------------------------------------------------------------------- spine chart
SPINE_COLUMNS: tuple[str, ...] = ("indicator_naam", "gemeente_value", "nl_value", "min", "q1", "q3", "max",
                                  "comparison")
"""Required columns of the tidy input of :func:`plot_spine_chart` (one row per indicator)."""

SPINE_STYLES: dict[tuple[str, bool], dict[str, object]] = {
    # (comparison, strong = outside the 99,8%-limits) → colour, marker, label
    (vocab.BETER, False): {"color": "#56B4E9", "marker": "^", "label": "beter (95%)"},
    (vocab.BETER, True): {"color": "#0072B2", "marker": "^", "label": "beter (99,8%)"},
    (vocab.SLECHTER, False): {"color": "#E69F00", "marker": "v", "label": "slechter (95%)"},
    (vocab.SLECHTER, True): {"color": "#D55E00", "marker": "v", "label": "slechter (99,8%)"},
    (vocab.VERGELIJKBAAR, False): {"color": "#FFFFFF", "marker": "o", "label": "vergelijkbaar"},
    (vocab.HOGER, False): {"color": "#6BAED6", "marker": "^", "label": "hoger (95%)"},
    (vocab.HOGER, True): {"color": "#08519C", "marker": "^", "label": "hoger (99,8%)"},
    (vocab.LAGER, False): {"color": "#C6DBEF", "marker": "v", "label": "lager (95%)"},
    (vocab.LAGER, True): {"color": "#4292C6", "marker": "v", "label": "lager (99,8%)"},
    (vocab.MARGE_ONBEKEND, False): {"color": "#BBBBBB", "marker": "D", "label": "verschil, marge onbekend"},
    (vocab.NIET_TE_BEOORDELEN, False): {"color": "#FFFFFF", "marker": "s", "label": "niet te beoordelen"},
}
"""Colour-blind-safe styles of the gemeente's dot: blue = better, orange = worse, hollow circle = similar;
a blue scale (light/dark) for indicators without a better direction; a grey diamond where no margin is known
(the difference is shown, not judged). Marker shapes (▲ ▼ ● ◆ ■) carry the same
message in greyscale print; the darker shade marks a difference outside the 99,8%-limits."""

_COMPARISON_ALIASES: dict[str, str] = {
    "better": "beter", "worse": "slechter", "similar": "vergelijkbaar", "same": "vergelijkbaar",
    "higher": "hoger", "lower": "lager", "gelijk": "vergelijkbaar", "not compared": "niet te beoordelen",
    "": "niet te beoordelen", "nan": "niet te beoordelen", "none": "niet te beoordelen",
}


def spine_comparison(value: object) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip().lower()
    text = _COMPARISON_ALIASES.get(text, text)
    if (text, False) not in SPINE_STYLES:
        raise AnalyseError(f"plot_spine_chart: onbekende vergelijking {value!r}; verwacht één van "
                           "beter, vergelijkbaar, slechter, hoger, lager, marge onbekend, niet te beoordelen")
    return text


def spine_positions(rows: pd.DataFrame) -> pd.DataFrame:
    """The x positions (0…1) of a spine chart, Fingertips style; pure, the input is not changed.

    Per indicator Nederland sits in the middle (0,5) and the gemeente furthest from Nederland at an end, so
    rows with different units share one axis. For ``polarity == "lager_beter"`` the axis is mirrored so that
    *better* is always on the right; indicators without a better direction keep *higher* on the right.

    Returns:
        ``rows`` plus x_min, x_q1, x_q3, x_max, x_nl, x_gemeente and flipped.
    """
    out = rows.copy()
    for col in ("gemeente_value", "nl_value", "min", "q1", "q3", "max"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    centre = out["nl_value"].where(out["nl_value"].notna(), (out["min"] + out["max"]) / 2)
    spread = pd.concat([(out["min"] - centre).abs(), (out["max"] - centre).abs(),
                        (out["gemeente_value"] - centre).abs()], axis=1).max(axis=1)
    spread = spread.where(spread > 0, 1.0)
    polarity = out["polarity"].astype(str) if "polarity" in out.columns else pd.Series("", index=out.index)
    flipped = polarity.str.lower().isin({"lager_beter", "lager beter", "lower_better", "lower"})
    sign = np.where(flipped, -1.0, 1.0)
    for col, name in (("min", "x_min"), ("q1", "x_q1"), ("q3", "x_q3"), ("max", "x_max"),
                      ("nl_value", "x_nl"), ("gemeente_value", "x_gemeente")):
        out[name] = 0.5 + sign * (out[col] - centre) / (2 * spread)
    out["x_nl"] = out["x_nl"].where(out["nl_value"].notna())
    out["flipped"] = flipped.to_numpy()
    return out


def plot_spine_chart(
    rows: pd.DataFrame,
    title: str | None = None,
    gemeente_label: str = "de gemeente",
    reference_label: str = "Nederland",
    ax: Axes | None = None,
) -> Figure:
    """Spine chart (Fingertips style) for a block of indicators: one figure per block, one line per indicator.

    Args:
        rows: tidy frame, one row per indicator, with the columns of :data:`SPINE_COLUMNS`:

            - ``indicator_naam``: Dutch name shown at the left (add the period yourself if wanted);
            - ``gemeente_value``, ``nl_value``: the gemeente's and Nederland's value;
            - ``min``, ``q1``, ``q3``, ``max``: spread over all gemeenten (lowest, 25th and 75th percentile,
              highest);
            - ``comparison``: the gemeente against the reference: ``beter`` / ``vergelijkbaar`` /
              ``slechter`` (indicators with a better direction) or ``hoger`` / ``vergelijkbaar`` / ``lager``
              (without), or ``niet te beoordelen``;

            optional: ``level`` (0.95 or 0.998: the strictest control limit the difference passes; 0.998
            gives the darker shade), ``polarity`` (``hoger_beter`` / ``lager_beter`` / empty; ``lager_beter``
            mirrors the row so that better is right), ``value_label`` (the gemeente's value as text for the
            right margin, e.g. ``"18,8%"``).
        title: figure title.
        gemeente_label: name of the gemeente (legend and alt text).
        reference_label: name of the middle marker (default Nederland).
        ax: optional axes.

    Returns:
        Figure with ``alt_text`` and ``data`` (the rows with their x positions, see :func:`spine_positions`).

    Raises:
        AnalyseError: missing column or an unknown comparison word.
    """
    title = title or "Overzicht van de indicatoren"
    if _is_empty(rows) or (isinstance(rows, pd.DataFrame) and rows.empty):
        return empty_figure(title, "het overzicht van de indicatoren", ax)
    _require(rows, list(SPINE_COLUMNS), "plot_spine_chart")
    data = spine_positions(rows.reset_index(drop=True))
    data["comparison"] = [spine_comparison(c) for c in data["comparison"]]
    level = (pd.to_numeric(data["level"], errors="coerce") if "level" in data.columns
             else pd.Series(np.nan, index=data.index))
    data["strong"] = (level >= 0.998).to_numpy() & ~data["comparison"].isin(
        [vocab.VERGELIJKBAAR, vocab.NIET_TE_BEOORDELEN, vocab.MARGE_ONBEKEND]).to_numpy()
    pol = (data["polarity"].astype("string").fillna("") if "polarity" in data.columns
           else pd.Series("", index=data.index, dtype="string"))
    neutral = ~pol.isin(["hoger_beter", "lager_beter"]).to_numpy()
    n = len(data)
    if ax is None:
        fig = new_figure((FIGSIZE[0], max(2.6, 1.5 + 0.42 * n + 0.6)))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    y = np.arange(n)
    for i, r in data.iterrows():
        if pd.notna(r["x_min"]) and pd.notna(r["x_max"]):
            lo, hi = sorted((r["x_min"], r["x_max"]))
            ax.barh(i, hi - lo, left=lo, height=0.5, color="#DDDDDD", edgecolor="none", zorder=1)
        if pd.notna(r["x_q1"]) and pd.notna(r["x_q3"]):
            lo, hi = sorted((r["x_q1"], r["x_q3"]))
            ax.barh(i, hi - lo, left=lo, height=0.5, color="#8C8C8C", edgecolor="none", zorder=2)
        if pd.notna(r["x_nl"]):
            ax.plot([r["x_nl"]] * 2, [i - 0.34, i + 0.34], color="#000000", linewidth=2.0, zorder=3)
        if pd.notna(r["x_gemeente"]):
            st = SPINE_STYLES[(r["comparison"], bool(r["strong"]) and (r["comparison"], True) in SPINE_STYLES)]
            ax.plot(r["x_gemeente"], i, linestyle="none", marker=st["marker"], markersize=10,
                    markerfacecolor=st["color"], markeredgecolor="#000000", markeredgewidth=1.1, zorder=4)
        else:
            ax.text(0.5, i, "geen gegevens", ha="center", va="center", fontsize=8, style="italic",
                    color="#4D4D4D", zorder=4)
        label = r.get("value_label") if "value_label" in data.columns else None
        if label is None or (not isinstance(label, str) and pd.isna(label)):
            label = dutch_number(round(float(r["gemeente_value"]), 1)) if pd.notna(r["gemeente_value"]) else "–"
        ax.text(1.03, i, str(label), ha="left", va="center", fontsize=8, transform=ax.get_yaxis_transform())
    ax.set_yticks(y)
    # an indicator without a desired direction reads only higher/lower: its row says so when others are directed
    names = [f"{v} (geen voorkeursrichting)" if nt and not neutral.all() else str(v)
             for v, nt in zip(data["indicator_naam"], neutral)]
    ax.set_yticklabels(names, fontsize=8)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xticks([0, 0.5, 1])
    ends = ("lager", "hoger") if neutral.all() else ("slechter", "beter") if not neutral.any() else (
        "slechter (of lager)", "beter (of hoger)")
    ax.set_xticklabels([ends[0], reference_label, ends[1]], fontsize=8)
    ax.grid(False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(title, loc="left", pad=14)
    present = [(c, s) for c, s in dict.fromkeys(zip(data["comparison"], data["strong"]))]
    handles = [Patch(facecolor="#DDDDDD", label="alle gemeenten (laagste tot hoogste)"),
               Patch(facecolor="#8C8C8C", label="middelste 50% van de gemeenten"),
               Line2D([], [], color="#000000", linewidth=2.0, label=reference_label)]
    for comp, strong in sorted(present, key=lambda cs: list(SPINE_STYLES).index((cs[0], bool(cs[1]) and (
            cs[0], True) in SPINE_STYLES))):
        st = SPINE_STYLES[(comp, bool(strong) and (comp, True) in SPINE_STYLES)]
        handles.append(Line2D([], [], linestyle="none", marker=st["marker"], markersize=8,
                              markerfacecolor=st["color"], markeredgecolor="#000000",
                              label=f"{gemeente_label}: {st['label']}"))
    legend_rows = (len(handles) + 1) // 2
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=7, frameon=False)
    ax.text(1.03, -0.62, gemeente_label if len(gemeente_label) <= 14 else "Waarde", ha="left", va="bottom",
            fontsize=8, fontweight="bold", transform=ax.get_yaxis_transform())
    if any(data["flipped"]):
        ax.set_xlabel("Bij indicatoren waar lager beter is, is de as gespiegeld: beter staat altijd rechts.",
                      fontsize=7, color="#4D4D4D")
    height = fig.get_size_inches()[1]
    fig.tight_layout(rect=(0, min(0.6, (0.2 + 0.17 * legend_rows) / height), 1, 1))  # legend below, never on data
    counts = data["comparison"].value_counts()
    parts = [f"{counts[k]} {k}" for k in (vocab.BETER, vocab.VERGELIJKBAAR, vocab.SLECHTER, vocab.HOGER,
                                          vocab.LAGER, vocab.NIET_TE_BEOORDELEN) if k in counts]
    noun = "indicator" if n == 1 else "indicatoren"
    alt = (f"Overzicht van {n} {noun} ('{title}'): per indicator de spreiding over alle gemeenten, "
           f"de middelste 50% en {reference_label}, met {gemeente_label} als symbool; vergeleken met "
           f"{reference_label}: {', '.join(parts)}.")
    fig = finish(fig, alt, data[[c for c in data.columns if not c.startswith("x_") and c not in ("flipped",
                                                                                               "value_label")]])
    fig.positions = data  # with the x positions drawn (tests, other renderers)
    return fig


