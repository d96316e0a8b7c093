"""Cheap charts as inline SVG: the Fingertips spine chart of the overview and the sparklines of the overview table.

One matplotlib figure per spine chart cost about a tenth of a second to lay out and rasterise; these charts are
plain SVG text (a few kB, sharp at any zoom, readable by screen readers through ``role="img"`` and
``aria-label``), built from the same positions as :func:`analyse.plots.spine_positions` and the same styles
(:data:`analyse.plots.SPINE_STYLES`: colour-blind-safe colours plus marker shapes for greyscale print).

- :func:`spine_chart` – rows of the overview → ``(svg, alt text, data)``.
- :func:`sparkline` – one indicator's recent series → a small inline ``<svg>`` for a table cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from analyse.errors import AnalyseError
from analyse.formatting import escape, fmt_number
from analyse.plots import SPINE_COLUMNS, SPINE_STYLES, spine_comparison, spine_positions

__all__ = ["spine_chart", "sparkline", "wrap"]

WIDTH = 760
LABEL_W = 300
VALUE_W = 90
ROW_H = 30
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""
MIN_COLOUR, MID_COLOUR, NL_COLOUR, TEXT_COLOUR, MUTED = "#DDDDDD", "#8C8C8C", "#000000", "#1A1A1A", "#4D4D4D"


def wrap(text: str, width: int = 44) -> list[str]:
    """``text`` in at most two lines of about ``width`` characters (the second shortened with …)."""
    words, lines, line = str(text).split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    if len(lines[-1]) > width:
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _marker(shape: str, x: float, y: float, colour: str, size: float = 7.0) -> str:
    """A marker (matplotlib shape code ``^ v o s``) centred on (x, y), black edge."""
    edge = f'fill="{colour}" stroke="#000" stroke-width="1.1"'
    if shape == "^":
        pts = f"{x:.1f},{y - size:.1f} {x - size:.1f},{y + size * 0.75:.1f} {x + size:.1f},{y + size * 0.75:.1f}"
        return f'<polygon points="{pts}" {edge}/>'
    if shape == "v":
        pts = f"{x:.1f},{y + size:.1f} {x - size:.1f},{y - size * 0.75:.1f} {x + size:.1f},{y - size * 0.75:.1f}"
        return f'<polygon points="{pts}" {edge}/>'
    if shape == "D":
        pts = f"{x:.1f},{y - size:.1f} {x + size * 0.8:.1f},{y:.1f} {x:.1f},{y + size:.1f} {x - size * 0.8:.1f},{y:.1f}"
        return f'<polygon points="{pts}" {edge}/>'
    if shape == "s":
        s = size * 0.8
        return f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" {edge}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size * 0.8:.1f}" {edge}/>'


def _style(comparison: str, strong: bool) -> dict:
    return SPINE_STYLES[(comparison, bool(strong) and (comparison, True) in SPINE_STYLES)]


def _alt(data: pd.DataFrame, title: str, gemeente_label: str, reference_label: str) -> str:
    counts = data["comparison"].value_counts()
    parts = [f"{counts[k]} {k}" for k in ("beter", "vergelijkbaar", "slechter", "hoger", "lager", "marge onbekend",
                                          "niet te beoordelen") if k in counts]
    woord = "indicator" if len(data) == 1 else "indicatoren"
    return (f"Overzicht van {len(data)} {woord} ('{title}'): per indicator de spreiding over alle gemeenten, "
            f"de middelste 50% en {reference_label}, met {gemeente_label} als symbool; vergeleken met "
            f"{reference_label}: {', '.join(parts)}.")


def spine_chart(rows: pd.DataFrame, title: str, gemeente_label: str = "de gemeente",
                reference_label: str = "Nederland") -> tuple[str, str, pd.DataFrame]:
    """Spine chart (Fingertips style) of a block of indicators as SVG.

    Args:
        rows: one row per indicator with the columns of :data:`analyse.plots.SPINE_COLUMNS` (``indicator_naam``,
            ``gemeente_value``, ``nl_value``, ``min``, ``q1``, ``q3``, ``max``, ``comparison``) and optionally
            ``level`` (0.998: darker shade), ``polarity`` (``lager_beter`` mirrors the row so better is right) and
            ``value_label`` (the value as text for the right margin).
        title: chart title (shown above, part of the alt text).
        gemeente_label: the gemeente's name (legend, alt text).
        reference_label: the middle marker's name.

    Returns:
        ``(svg, alt text, data)``; ``data`` is the rows drawn with Dutch-readable columns (no positions).

    Raises:
        AnalyseError: a missing column or an unknown comparison word.
    """
    missing = [c for c in SPINE_COLUMNS if c not in rows.columns]
    if missing:

        raise AnalyseError(f"spine_chart: kolommen ontbreken: {', '.join(missing)}")
    data = spine_positions(rows.reset_index(drop=True))
    data["comparison"] = [spine_comparison(c) for c in data["comparison"]]
    level = pd.to_numeric(data["level"], errors="coerce") if "level" in data.columns else pd.Series(float("nan"),
                                                                                                   index=data.index)
    data["strong"] = (level >= 0.998).to_numpy() & ~data["comparison"].isin(
        ["vergelijkbaar", "niet te beoordelen", "marge onbekend"]).to_numpy()
    pol = (data["polarity"].astype("string").fillna("") if "polarity" in data.columns
           else pd.Series("", index=data.index, dtype="string"))
    neutral = ~pol.isin(["hoger_beter", "lager_beter"]).to_numpy()
    # an indicator without a desired direction reads only higher/lower: its row says so when others are directed
    names = [f"{v} (geen voorkeursrichting)" if nt and not neutral.all() else str(v)
             for v, nt in zip(data["indicator_naam"], neutral)]
    ends = ("lager", "hoger") if neutral.all() else ("slechter", "beter") if not neutral.any() else (
        "slechter (of lager)", "beter (of hoger)")
    alt = _alt(data, title, gemeente_label, reference_label)
    bar_x0, bar_w = LABEL_W + 10, WIDTH - LABEL_W - VALUE_W - 30
    top = 52
    out: list[str] = []
    for i, r in enumerate(data.itertuples(index=False)):
        y = top + i * ROW_H + ROW_H / 2
        if i % 2 == 0:
            out.append(f'<rect x="0" y="{y - ROW_H / 2:.1f}" width="{WIDTH}" height="{ROW_H}" fill="#F7F7F7"/>')
        lines = wrap(names[i])
        dy = -6 if len(lines) == 2 else 0
        tspans = "".join(f'<tspan x="{LABEL_W}" dy="{dy if j == 0 else 13}">{escape(t)}</tspan>'
                         for j, t in enumerate(lines))
        out.append(f'<text x="{LABEL_W}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{tspans}</text>')

        def px(v: float) -> float:
            return bar_x0 + max(-0.02, min(1.02, float(v))) * bar_w

        for lo_c, hi_c, colour in (("x_min", "x_max", MIN_COLOUR), ("x_q1", "x_q3", MID_COLOUR)):
            lo, hi = getattr(r, lo_c), getattr(r, hi_c)
            if pd.notna(lo) and pd.notna(hi):
                a, b = sorted((px(lo), px(hi)))
                out.append(f'<rect x="{a:.1f}" y="{y - 7:.1f}" width="{max(b - a, 1):.1f}" height="14" '
                           f'fill="{colour}"/>')
        if pd.notna(r.x_nl):
            out.append(f'<line x1="{px(r.x_nl):.1f}" x2="{px(r.x_nl):.1f}" y1="{y - 10:.1f}" y2="{y + 10:.1f}" '
                       f'stroke="{NL_COLOUR}" stroke-width="2.5"/>')
        if pd.notna(r.x_gemeente):
            st = _style(r.comparison, r.strong)
            out.append(_marker(str(st["marker"]), px(r.x_gemeente), y, str(st["color"])))
        else:
            out.append(f'<text x="{bar_x0 + bar_w / 2:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11" '
                       f'font-style="italic" fill="{MUTED}">geen gegevens</text>')
        label = getattr(r, "value_label", None) if "value_label" in data.columns else None
        if label is None or (not isinstance(label, str) and pd.isna(label)):
            label = fmt_number(r.gemeente_value, 1) if pd.notna(r.gemeente_value) else "–"
        out.append(f'<text x="{WIDTH - VALUE_W + 4}" y="{y + 4:.1f}" font-size="12">{escape(str(label))}</text>')
    axis_y = top + len(data) * ROW_H + 16
    for frac, text, anchor in ((0, ends[0], "start"), (0.5, reference_label, "middle"), (1, ends[1], "end")):
        out.append(f'<text x="{bar_x0 + frac * bar_w:.1f}" y="{axis_y}" text-anchor="{anchor}" font-size="11" '
                   f'fill="{MUTED}">{escape(text)}</text>')
    legend_y = axis_y + 22
    items = [("rect", MIN_COLOUR, "alle gemeenten (laagste tot hoogste)"),
             ("rect", MID_COLOUR, "middelste 50% van de gemeenten"), ("line", NL_COLOUR, reference_label)]
    present = list(dict.fromkeys(zip(data["comparison"], data["strong"])))
    order = list(SPINE_STYLES)
    for comp, strong in sorted(present, key=lambda cs: order.index((cs[0], bool(cs[1]) and (cs[0], True)
                                                                      in SPINE_STYLES))):
        st = _style(comp, strong)
        items.append((str(st["marker"]), str(st["color"]), f"{gemeente_label}: {st['label']}"))
    col_w = WIDTH / 2
    for j, (kind, colour, text) in enumerate(items):
        x, y = 12 + (j % 2) * col_w, legend_y + (j // 2) * 20
        if kind == "rect":
            out.append(f'<rect x="{x:.1f}" y="{y - 6:.1f}" width="18" height="12" fill="{colour}"/>')
        elif kind == "line":
            out.append(f'<line x1="{x + 9:.1f}" x2="{x + 9:.1f}" y1="{y - 8:.1f}" y2="{y + 8:.1f}" stroke="{colour}" '
                       f'stroke-width="2.5"/>')
        else:
            out.append(_marker(kind, x + 9, y, colour, 6))
        out.append(f'<text x="{x + 26:.1f}" y="{y + 4:.1f}" font-size="11">{escape(text)}</text>')
    height = legend_y + math.ceil(len(items) / 2) * 20 + (18 if data["flipped"].any() else 4)
    if data["flipped"].any():
        out.append(f'<text x="12" y="{height - 6}" font-size="11" fill="{MUTED}">Bij indicatoren waar lager beter '
                   "is, is de as gespiegeld: beter staat altijd rechts.</text>")
    head = (f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>'
            f'<text x="{WIDTH - VALUE_W + 4}" y="{top - 8}" font-size="12" font-weight="bold">'
            f"{escape(gemeente_label if len(gemeente_label) <= 14 else 'Waarde')}</text>")
    svg = (f'<svg class="spine" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
           f'width="100%" role="img" aria-label="{escape(alt)}" {FONT} fill="{TEXT_COLOUR}">'
           f"<title>{escape(alt)}</title>{head}{''.join(out)}</svg>")
    shown = data[[c for c in data.columns if not c.startswith("x_") and c not in ("flipped", "value_label",
                                                                                  "strong")]]
    return svg, alt, shown


def sparkline(values: Sequence[float], periods: Sequence[str] | None = None, label: str = "",
              width: int = 84, height: int = 22) -> str:
    """A sparkline (Fingertips "trend at a glance"): the series as a line, its last point as a dot.

    Args:
        values: the values in period order (NaN leaves a gap).
        periods: the periods (for the accessible label: first and last).
        label: what the series is (e.g. the indicator name) for ``aria-label``.

    Returns:
        An inline ``<svg>``; an empty string when fewer than two values are known.
    """
    pts = [(i, float(v)) for i, v in enumerate(values) if v is not None and not pd.isna(v)]
    if len(pts) < 2:
        return ""
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    span = hi - lo or 1.0
    n = max(len(values) - 1, 1)
    pad = 3

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad + i * (width - 2 * pad) / n, height - pad - (v - lo) * (height - 2 * pad) / span

    segments, current, prev = [], [], None
    for i, v in pts:
        if prev is not None and i != prev + 1 and current:
            segments.append(current)
            current = []
        current.append(xy(i, v))
        prev = i
    segments.append(current)
    lines = "".join('<polyline fill="none" stroke="#4D4D4D" stroke-width="1.5" points="'
                    + " ".join(f"{x:.1f},{y:.1f}" for x, y in seg) + '"/>' for seg in segments if len(seg) > 1)
    lx, ly = xy(*pts[-1])
    first = periods[pts[0][0]] if periods is not None else ""
    last = periods[pts[-1][0]] if periods is not None else ""
    aria = (f"Verloop van {label} van {first} ({fmt_number(pts[0][1], 1)}) tot {last} ({fmt_number(pts[-1][1], 1)})"
            if periods is not None else f"Verloop van {label}")
    return (f'<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(aria)}">{lines}'
            f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.5" fill="#0072B2"/></svg>')
