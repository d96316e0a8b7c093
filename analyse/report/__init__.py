"""Rendering building blocks of the report (HTML blocks, tables, figures) plus the batch runner.

The notebook side of this package is deliberately light: it imports only pandas/matplotlib and
:mod:`analyse.formatting`, never papermill or nbconvert, so it works the same in a plain JupyterLab
kernel and in the warm kernels of the batch runner. There is no module-level state: where files go is an
:class:`OutputTarget` that the caller passes to :func:`table_block` and :func:`figure_block`
(``None``: show only, write nothing, as in exploration notebooks).

- :func:`output_for` – the output target of one gemeente's report.
- :func:`figure_block` – a figure as PNG (base64, alt text), a collapsible data table and a CSV download.
- :func:`table_block` – a Dutch-formatted HTML table (and its CSV).
- :func:`heading`, :func:`paragraph`, :func:`md`, :func:`blocks` – escaped text blocks.

Runner modules: :mod:`.runner`, :mod:`.direct` (the template run in the worker, the default engine),
:mod:`.engine` (warm-kernel papermill engine), :mod:`.export` (offline HTML from the Jinja2 templates),
:mod:`.index`; :mod:`.sections` renders :class:`analyse.content.ReportContent`, one function per chapter of the
registry (:mod:`.chapters`).
"""

from __future__ import annotations

import base64
import io
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
from PIL import Image

from analyse import atomic, paths, safetext
from analyse.errors import ParameterError
from analyse.formatting import (
    MISSING,
    dutch_columns,
    escape,
    fmt_list,
    fmt_number,
    is_year_column,
    readable_values,
    soft_hyphens,
    table_decimals,
)
from analyse.kosten import CLUSTER_LABELS
from analyse.report.downloads import write_csv

__all__ = [
    "Block",
    "OutputTarget",
    "blocks",
    "figure_block",
    "heading",
    "md",
    "paragraph",
    "output_for",
    "table_block",
    "frame_to_html",
    "file_link",
    "notebook_style",
    "write_atomic",
]

FIGURE_DPI = 96
"""Resolution of embedded and saved figures (small files, sharp enough on screen)."""

MAX_TABLE_ROWS = 400
"""Rows shown in an embedded data table; the CSV next to the report always has all rows."""


# --------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------
def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` atomically via :func:`analyse.atomic.write_bytes`.

    A reader never sees a half-written file, and an interrupted run leaves the old file intact.
    """
    return atomic.write_bytes(Path(path), data.encode("utf-8") if isinstance(data, str) else data)


def slug(name: str) -> str:
    """File-name-safe version of a figure/table name (``Jeugdzorg %`` → ``jeugdzorg``), see :func:`safetext.slug`."""
    return safetext.slug(name, default="figuur")


@dataclass
class OutputTarget:
    """Where the files (CSV, PNG) of one report go; ``written`` lists the CSV files written so far."""

    gemeentecode: str
    report_dir: Path
    figure_dir: Path
    written: list[str] = field(default_factory=list)
    tables: dict[str, Any] = field(default_factory=dict)
    """Every table written so far (slug → frame with Dutch column names), for the workbook of the report."""
    names: safetext.NameRegistry = field(default_factory=safetext.NameRegistry)
    """File names and ids handed out in this report: every table and figure gets its own (``o1``, ``o1-2``)."""

    def claim(self, name: str) -> str:
        """A slug of ``name`` that no other table or figure of this report has."""
        return self.names.claim(name)
    link_dir: Path | None = None
    """Folder that links in notebook output are relative to (the kernel's working directory, i.e. the notebook's
    folder in JupyterLab); ``None``: relative to the report folder. The HTML export always links to the file
    next to the page (:func:`analyse.report.export.notebook_body`)."""
    titles: dict[str, str] = field(default_factory=dict)
    """Dutch title of every table written so far (slug → caption, or the figure's text for a figure's data)."""
    figure_data: set[str] = field(default_factory=set)
    """Slugs of the tables that are the data drawn in a figure (not a table of the page)."""


def output_for(gemeentecode: str, output_dir: str | os.PathLike[str] | None = "") -> OutputTarget:
    """The output target of ``gemeentecode``: ``<output_dir or reports/>/<code>/`` and its figure folder.

    Args:
        gemeentecode: e.g. ``"GM0531"``.
        output_dir: Root folder of the reports; empty means :data:`analyse.paths.REPORTS_DIR`. Figures of a report
            under the reports folder go to :data:`analyse.paths.FIGURES_DIR` ``/<code>/`` (``ANALYSE_FIGURES_DIR``);
            with an ``output_dir`` elsewhere they follow the report, to ``<output_dir>/<code>/figures/``, so a
            run never writes into the repository's ``figures/`` for a report that lives somewhere else.
    """
    root = Path(output_dir).expanduser().resolve() if output_dir else paths.REPORTS_DIR
    if output_dir and (why := paths.protected_reason(root)):  # the notebook's own output_dir parameter
        raise ParameterError(f"output_dir={str(output_dir)!r} is of ligt in {why}; kies een andere map voor rapporten.")
    default_tree = root == paths.REPORTS_DIR.resolve() or paths.REPORTS_DIR.resolve() in root.parents
    figure_dir = paths.FIGURES_DIR / gemeentecode if default_tree else root / gemeentecode / "figures"
    return OutputTarget(gemeentecode, root / gemeentecode, figure_dir, link_dir=Path.cwd())


def file_link(out: OutputTarget | None, fname: str, text: str) -> str:
    """``<p class="download"><a …>`` to a file of the report folder, working both in JupyterLab and in the page.

    In the notebook the link is relative to :attr:`OutputTarget.link_dir` (where JupyterLab resolves it); the
    HTML export rewrites it to the file next to the page (``data-bestand``).
    """
    href = fname
    if out is not None and out.link_dir is not None and _linkable(out.report_dir, out.link_dir):
        href = Path(os.path.relpath(out.report_dir / fname, out.link_dir)).as_posix()
    return (f'<p class="download"><a href="{escape(href)}" data-bestand="{escape(fname)}" download>'
            f"{escape(text)}</a></p>")


def _linkable(report_dir: Path, link_dir: Path) -> bool:
    """A notebook link is relative only inside the repository and never into a batch staging folder: it can then
    carry no local path (user, host, temp folder) into a stored notebook, and JupyterLab can serve it."""
    root = paths.ROOT.resolve()
    report_dir, link_dir = Path(report_dir).resolve(), Path(link_dir).resolve()
    inside = all(p == root or root in p.parents for p in (report_dir, link_dir))
    return inside and not any(part.startswith(".staging") for part in report_dir.parts)


_NOTEBOOK_SCOPE = ".jp-OutputArea-output, .output_html"


def _scoped_css(css: str) -> str:
    """report.css for notebook outputs: top-level rules prefixed with the output area, @-rules left out (print)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out, depth, start, i = [], 0, 0, 0
    while i < len(css):
        ch = css[i]
        if ch == "{":
            if depth == 0:
                selector, start_body = css[start:i].strip(), i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                if not selector.startswith("@"):
                    scoped = []
                    for sel in selector.split(","):
                        sel = sel.strip()
                        if sel in (":root", "html", "body", "*"):
                            scoped += [s.strip() for s in _NOTEBOOK_SCOPE.split(",")]
                        else:
                            scoped += [f"{scope.strip()} {sel}" for scope in _NOTEBOOK_SCOPE.split(",")]
                    out.append(f"{', '.join(scoped)} {css[start_body:i + 1]}")
                start = i + 1
        i += 1
    return "\n".join(out)


def notebook_style() -> "Block":
    """The report's style for JupyterLab, scoped to notebook outputs (display it once, in the imports cell).

    Report blocks carry only classes; in the HTML page ``report.css`` styles them. In JupyterLab this output
    brings the same rules, limited to output areas, so kerncijfers, badges and tables look as in the report. The
    HTML export leaves it out (the page has the full stylesheet).
    """
    from analyse.report.export import css  # noqa: PLC0415 – export imports this package (a cycle at the top)

    return Block(f"<style data-analyse-notebook>{_scoped_css(css())}</style>", " ")


# --------------------------------------------------------------------------------------------------
# Displayable blocks
# --------------------------------------------------------------------------------------------------
class Block:
    """A piece of report output: HTML (already escaped) plus optional metadata for the runner.

    IPython displays it through ``_repr_mimebundle_``; metadata (only the title block carries it) lands in
    the notebook output under the key ``analyse``, where the batch runner reads it for the index page.
    """

    def __init__(self, html: str, text: str = "", meta: Mapping[str, Any] | None = None):
        self.html = html
        self.text = text or re.sub(r"<[^>]+>", "", html)[:2000]
        self.meta = dict(meta or {})

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        data = {"text/html": self.html, "text/plain": self.text}
        if self.meta:
            return data, {"analyse": self.meta}
        return data

    def _repr_html_(self) -> str:
        return self.html

    def __add__(self, other: "Block") -> "Block":
        return blocks([self, other])

    def __repr__(self) -> str:
        return f"Block({self.text[:60]!r}…)"


def blocks(parts: Iterable[Block | None]) -> Block:
    """Join blocks into one (``None`` parts are skipped)."""
    parts = [p for p in parts if p is not None]
    return Block("\n".join(p.html for p in parts), "\n".join(p.text for p in parts))


def _anchor(text: str) -> str:
    return slug(text)


def heading(text: str, level: int = 2, anchor: str | None = None) -> Block:
    """An escaped heading (``<h2 id=…>``); ``anchor`` is its id (default: a slug of ``text``)."""
    level = min(max(int(level), 1), 6)
    return Block(f'<h{level} id="{escape(anchor or _anchor(text))}">{escape(text)}</h{level}>', str(text))


def paragraph(text: str, css_class: str | None = None) -> Block:
    """An escaped paragraph of plain text."""
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return Block(f"<p{cls}>{escape(text)}</p>", str(text))


def md(template: str, /, **values: Any) -> Block:
    """A paragraph from a template with ``{name}`` fields filled with escaped values.

    The template itself is trusted (written in our code); ``**bold**`` and ``*italic*`` are supported.
    Values are escaped, so gemeente names and plan texts can never inject HTML.

    >>> md("Gemeente **{naam}**", naam="A & B").html
    '<p>Gemeente <strong>A &amp; B</strong></p>'
    """
    body = escape(template)
    body = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", body)
    body = re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"<em>\1</em>", body)
    body = body.replace("{{", "\0").replace("}}", "\1")
    filled = re.sub(r"\{(\w+)\}", lambda m: escape(values[m.group(1)]), body)
    filled = filled.replace("\0", "{").replace("\1", "}")
    return Block(f"<p>{filled}</p>")


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------
_PERIODLIKE = re.compile(r"(period|periode|code)", re.I)


def _yearlike(column: str) -> bool:
    """A column of years, periods or codes: its whole numbers are shown as is (``2023``, not ``2.023``)."""
    return is_year_column(column) or bool(_PERIODLIKE.search(column))
HIDDEN_COLUMNS = ("indicator_id", "period_type", "source_table", "file", "n_taakvelden", "level")
"""Technical columns left out of tables shown in the page (the CSV and workbook keep all but the ids)."""
DOWNLOAD_HIDDEN = ("indicator_id", "file", "level")
"""Package ids and local file names: never in a download (the indicator's name and source table are)."""


def _value_words() -> dict[str, Any]:
    """Code values of domain columns → words (Iv3 clusters); the generic ones are in ``formatting.VALUE_LABELS``."""

    return {"cluster": CLUSTER_LABELS, "iv3_cluster": CLUSTER_LABELS}


def for_display(frame: Any) -> Any:
    """The frame as readers see it: technical columns dropped, plain-Dutch column names."""
    shown = frame.drop(columns=[c for c in HIDDEN_COLUMNS if c in frame.columns])
    return dutch_columns(readable_values(shown, _value_words()))  # a raw name without a Dutch label is an error


def _format_cell(value: Any, column: str) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, np.bool_):
        return "ja" if bool(value) else "nee"
    if isinstance(value, np.integer):
        value = int(value)
    elif isinstance(value, np.floating):
        value = float(value)
    if isinstance(value, (list, tuple)):
        return escape(fmt_list([str(v) for v in value]))
    if isinstance(value, int):
        return str(value) if _yearlike(column) else fmt_number(value, 0)
    if isinstance(value, float):
        if math.isnan(value):
            return MISSING
        if _yearlike(column) and value.is_integer():
            return str(int(value))
        return fmt_number(value, table_decimals(value, column))
    try:
        if value is pd.NA or value is pd.NaT:
            return MISSING
        if isinstance(value, pd.Timestamp):
            return value.strftime("%Y-%m-%d")
    except (ImportError, TypeError, ValueError):  # pragma: no cover
        pass
    return escape(value)


def frame_to_html(frame: Any, max_rows: int = MAX_TABLE_ROWS, caption: str | None = None,
                  css_class: str = "tabel", extra: Mapping[str, list[str]] | None = None) -> str:
    """Render a DataFrame as a plain, escaped, Dutch-formatted HTML table (no index, no styling JS).

    Technical columns are left out and raw column names become plain Dutch (:func:`for_display`).

    Args:
        frame: A pandas DataFrame (not changed).
        max_rows: Rows shown; a note says how many more are in the CSV.
        caption: Optional caption text (escaped).
        css_class: CSS class of the ``<table>``.
        extra: columns of ready-made HTML appended to the table (header → one cell per row, e.g. sparklines);
            they are not part of the CSV.

    Returns:
        HTML text.
    """
    frame = for_display(frame)
    cols = [str(c) for c in frame.columns]
    extra = dict(extra or {})
    head = "".join(f'<th scope="col">{escape(soft_hyphens(c))}</th>' for c in [*cols, *extra])  # wraps at syllables
    rows = []
    for i, rec in enumerate(frame.head(max_rows).itertuples(index=False, name=None)):
        cells = "".join(f"<td>{_format_cell(v, c)}</td>" for v, c in zip(rec, cols))
        cells += "".join(f'<td class="grafiekje">{html[i] if i < len(html) else ""}</td>' for html in extra.values())
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    more = ""
    if len(frame) > max_rows:
        more = (f'<p class="noot">De tabel toont {fmt_number(max_rows)} van {fmt_number(len(frame))} '
                "rijen; het CSV-bestand bevat alle rijen.</p>")
    return (f'<div class="tabel-wrap"><table class="{escape(css_class)}">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>{more}')


def _claim(name: str, target: OutputTarget | None) -> str:
    return target.claim(name) if target is not None else slug(name)


def _write_csv(frame: Any, key: str, target: OutputTarget | None, title: str | None = None,
               figure: bool = False) -> str | None:
    """Write ``frame`` as ``<key>.csv`` (``key`` claimed from the target: unique in the report)."""
    if target is None or frame is None:
        return None

    fname = f"{key}.csv"
    kept = frame.drop(columns=[c for c in DOWNLOAD_HIDDEN if c in frame.columns])
    shown = dutch_columns(readable_values(kept, _value_words()))
    write_csv(shown, target.report_dir / fname)
    target.written.append(fname)
    target.tables[key] = shown
    target.titles[key] = title or key
    if figure:
        target.figure_data.add(key)
    return fname


def _csv_link(fname: str | None, out: OutputTarget | None = None) -> str:
    if not fname:
        return ""
    return file_link(out, fname, "Gegevens downloaden (CSV voor Excel, puntkomma-gescheiden)")


def table_block(frame: Any, name: str, out: OutputTarget | None, caption: str | None = None, csv: bool = True,
                max_rows: int = MAX_TABLE_ROWS, extra: Mapping[str, list[str]] | None = None) -> Block:
    """A Dutch-formatted table; with an output target its CSV is written next to the report and linked.

    ``extra``: columns of ready-made HTML shown after the data columns (see :func:`frame_to_html`), not in the CSV.
    """
    key = _claim(name, out)
    fname = _write_csv(frame, key, out, title=caption) if csv else None
    html = frame_to_html(frame, max_rows=max_rows, caption=caption, extra=extra) + _csv_link(fname, out)
    return Block(f'<div class="tabel-blok" id="tabel-{key}">{html}</div>', caption or name)


# --------------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------------
def _png_bytes(fig: Any, dpi: int = FIGURE_DPI) -> bytes:
    """Render ``fig`` once with Agg and encode it as a palette PNG (3-4x smaller, identical for charts).

    Drawing to the RGBA buffer and quantising that directly avoids encoding a full-colour PNG first and
    decoding it again, which was a third of the time of a report. Falls back to ``savefig`` when Pillow or
    the Agg buffer is unavailable.
    """
    try:
        fig.set_dpi(dpi)
        fig.patch.set_facecolor("white")
        fig.canvas.draw()
        rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3]
        out = io.BytesIO()
        Image.fromarray(rgb).quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(
            out, format="PNG", compress_level=6)
        return out.getvalue()
    except Exception:  # noqa: BLE001 – no Pillow or a non-Agg canvas: plain PNG
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
        return buf.getvalue()


def figure_block(fig: Any, name: str, out: OutputTarget | None = None, alt: str | None = None, data: Any = None,
                 caption: str | None = None, close: bool = True) -> Block:
    """Embed a matplotlib figure: base64 PNG with alt text, a ``<details>`` data table and a CSV link.

    Args:
        fig: A Figure as returned by :mod:`analyse.plots` (with ``fig.alt_text`` and ``fig.data``).
        name: Short name; used for ``figures/<code>/<name>.png`` and ``reports/<code>/<name>.csv``.
        out: Where the PNG and CSV go; ``None`` writes nothing (exploration).
        alt: Alt text; defaults to ``fig.alt_text``.
        data: The data drawn; defaults to ``fig.data``.
        caption: Visible caption; defaults to the alt text.
        close: Close the figure afterwards (frees memory in long batch runs).

    Returns:
        A :class:`Block`.
    """
    alt = alt if alt is not None else getattr(fig, "alt_text", None)
    data = data if data is not None else getattr(fig, "data", None)
    if not alt:
        raise ValueError(f"Figuur {name!r} heeft geen alt-tekst (fig.alt_text): elke figuur moet er een hebben.")
    png = _png_bytes(safetext.clean_figure(fig))
    if close:
        import matplotlib.pyplot as plt  # noqa: PLC0415 – matplotlib only where a figure was drawn

        plt.close(fig)
    return png_block(png, name, out, alt, data, caption)


def png_block(png: bytes, name: str, out: OutputTarget | None, alt: str, data: Any = None,
              caption: str | None = None) -> Block:
    """A PNG image (already drawn) as a figure block: see :func:`figure_block`."""
    key = _claim(name, out)
    if out is not None:
        write_atomic(out.figure_dir / f"{key}.png", png)
    fname = _write_csv(data, key, out, title=caption or alt, figure=True) if data is not None else None
    b64 = base64.b64encode(png).decode("ascii")
    return _figure_html(f'<img src="data:image/png;base64,{b64}" alt="{escape(alt)}">', key, alt, data, fname,
                        caption, out)


def svg_block(svg: str, name: str, out: OutputTarget | None, alt: str, data: Any = None,
              caption: str | None = None) -> Block:
    """An inline SVG chart (see :mod:`analyse.report.svg`) as a figure block, written as ``<name>.svg`` too.

    The SVG must carry ``role="img"`` and an ``aria-label`` (its alt text); the data table and CSV link follow
    as for :func:`figure_block`.
    """
    if not alt:
        raise ValueError(f"Figuur {name!r} heeft geen alt-tekst: elke figuur moet er een hebben.")
    key = _claim(name, out)
    if out is not None:
        write_atomic(out.figure_dir / f"{key}.svg", svg)
    fname = _write_csv(data, key, out, title=caption or alt, figure=True) if data is not None else None
    return _figure_html(svg, key, alt, data, fname, caption, out)


def _figure_html(image: str, key: str, alt: str, data: Any, fname: str | None, caption: str | None,
                 out: OutputTarget | None = None) -> Block:
    cap = escape(caption or alt)
    table = ""
    if data is not None:
        table = (f"<details><summary>Tabel bij deze figuur</summary>{frame_to_html(data)}</details>"
                 + _csv_link(fname, out))
    html = (f'<figure class="figuur" id="figuur-{key}">{image}'
            f"<figcaption>{cap}</figcaption>{table}</figure>")
    return Block(html, f"[Figuur: {alt}]")
