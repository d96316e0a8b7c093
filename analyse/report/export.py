"""Offline HTML export of an executed report notebook, and the error page of a failed one.

nbconvert's :class:`~nbconvert.HTMLExporter` is configured in code (template ``basic``: the body only) and
its output is wrapped in our own page with inline CSS. The result:

- shows no code, no prompts, no stderr/warnings and no tracebacks;
- embeds every image (figures are base64 PNGs with alt text, written by :func:`analyse.report.show`);
- loads nothing from the network: no ``<script src>``, no require.js/MathJax, no web fonts or
  ``<link>`` stylesheets (:func:`offline_problems` checks this and the runner refuses a page that fails);
- gets a table of contents built from the ``<h2>`` chapters.
"""

from __future__ import annotations

import copy
import hashlib
import re
from datetime import datetime
from functools import lru_cache
from importlib import metadata, resources
from typing import Any, Iterable

import jinja2
from scipy import stats as sps

from analyse import atomic, paths, series, variation
from analyse._version import __version__
from analyse.formatting import escape, fmt_number

REMOVE_CELL_TAGS = {"remove-cell", "parameters", "injected-parameters"}
REMOVE_INPUT_TAGS = {"remove-input"}
NOTEBOOK_STYLE = re.compile(r"<style data-analyse-notebook>.*?</style>", re.S)
"""The report style for JupyterLab (:func:`analyse.report.notebook_style`); left out of the page."""
REMOVE_OUTPUT_TAGS = {"remove-output"}
SITE_TITLE = "Monitor sociaal domein"


@lru_cache(maxsize=1)
def css() -> str:
    """The inline stylesheet of every page (``analyse/report/static/report.css``)."""
    return resources.files("analyse.report").joinpath("static/report.css").read_text(encoding="utf-8")


def make_exporter() -> Any:
    """An HTMLExporter for report bodies: template ``basic``, no input, no prompts, images embedded.

    Creating one costs ~0.2 s (Jinja environment); the runner makes one per worker and reuses it.
    """
    from nbconvert import HTMLExporter  # noqa: PLC0415 – nbconvert (~2 s) only for the reference exporter
    from traitlets.config import Config  # noqa: PLC0415 – nbconvert (~2 s) only for the reference exporter

    c = Config()
    c.HTMLExporter.template_name = "basic"
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = True
    c.HTMLExporter.anchor_link_text = ""
    # never point at a CDN, even if a template would ask for it
    c.HTMLExporter.mathjax_url = ""
    c.HTMLExporter.require_js_url = ""
    c.HTMLExporter.jquery_url = ""
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    c.TagRemovePreprocessor.remove_input_tags = set(REMOVE_INPUT_TAGS)
    c.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)

    class ReportHTMLExporter(HTMLExporter):
        """HTMLExporter without its final BeautifulSoup pass.

        nbconvert re-parses the whole page (a few hundred kB of base64 images) only to add default alt text to
        images without one and ``tabindex`` to input/output wrappers; that pass was a quarter of a report's
        time. Our figures always carry alt text (:func:`analyse.report.figure_block`) and the report has no
        input cells, so the pass is skipped; everything else is nbconvert's own rendering.
        """

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            from nbconvert.exporters.templateexporter import TemplateExporter  # noqa: PLC0415 – nbconvert (~2 s) only for the reference exporter
            from nbconvert.filters.highlight import Highlight2HTML  # noqa: PLC0415 – nbconvert (~2 s) only for the reference exporter
            from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter  # noqa: PLC0415 – nbconvert (~2 s) only for the reference exporter

            lexer = nb.metadata.get("language_info", {}).get("pygments_lexer")
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportHTMLExporter(config=c)


def clean_for_html(nb: Any) -> Any:
    """A copy of ``nb`` with only what a reader should see: no stderr, errors, or code-only cells."""
    nb = copy.deepcopy(nb)
    keep_cells = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            keep_cells.append(cell)
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                continue
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                continue
            html = out.get("data", {}).get("text/html")
            if html is not None and NOTEBOOK_STYLE.search("".join(html)):  # the page has the full stylesheet
                rest = NOTEBOOK_STYLE.sub("", "".join(html)).strip()
                if not rest:
                    continue
                out["data"]["text/html"] = rest
            kept.append(out)
        cell["outputs"] = kept
        if kept:  # a code cell without visible output leaves no trace in the page
            keep_cells.append(cell)
    nb.cells = keep_cells
    return nb


def quiet_problems(nb: Any) -> list[str]:
    """What a reader of an executed notebook should not see: stderr, errors, a figure shown twice.

    Figures belong inside the report blocks (:func:`analyse.report.figure_block`); a bare ``image/png`` output is
    a second copy of one, and so is the same PNG in two outputs. Used by the notebook tests and
    ``benchmarks/bench_notebooks.py``.

    Returns:
        One Dutch line per problem (``cel 3: stderr '…'``); empty when the notebook is quiet.
    """
    problems: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(c for c in nb.cells if c.get("cell_type") == "code"):
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream" and out.get("name") == "stderr":
                problems.append(f"cel {i}: stderr {str(out.get('text', ''))[:200]!r}")
            if kind == "error":
                problems.append(f"cel {i}: {out.get('ename')}: {str(out.get('evalue', ''))[:200]}")
            data = out.get("data", {})
            if "image/png" in data:
                problems.append(f"cel {i}: losse afbeelding (figuur dubbel getoond)")
            for png in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]{64,256})", str(data.get("text/html", ""))):
                if png in seen:
                    problems.append(f"cel {i}: dezelfde figuur twee keer")
                seen.add(png)
    return problems


def collect_metadata(nb: Any) -> dict[str, Any]:
    """The report's facts (gemeente, signals, parameters) from the one output that carries ``analyse`` metadata.

    :func:`analyse.report.sections.render_title` emits it once per report; when several outputs
    carry it (a notebook edited by hand), the last one counts.
    """
    found: dict[str, Any] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            meta = out.get("metadata", {}).get("analyse")
            if isinstance(meta, dict):
                found = dict(meta)
    return found


_EXTERNAL = [
    (re.compile(r"<script[^>]*\bsrc\s*=", re.I), "<script src=…>"),
    (re.compile(r"<link[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//", re.I), "<link href> naar internet"),
    (re.compile(r"\b(?:src|srcset|poster|data)\s*=\s*[\"']?\s*(?:https?:)?//", re.I), "src= naar internet"),
    (re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.I), "CSS url() naar internet"),
    (re.compile(r"@import", re.I), "CSS @import"),
    (re.compile(r"<iframe", re.I), "<iframe>"),
]


def offline_problems(html: str) -> list[str]:
    """Everything in ``html`` that a browser would fetch from elsewhere (empty list: fully offline)."""
    return [label for pattern, label in _EXTERNAL if pattern.search(html)]


_H2 = re.compile(r"<h2([^>]*)>(.*?)</h2>", re.S | re.I)
_ID = re.compile(r'\bid="([^"]+)"')


def _toc(body: str) -> tuple[str, str]:
    """Give every ``<h2>`` a stable id and build the table of contents."""
    items: list[str] = []
    used: set[str] = set()

    def repl(m: re.Match[str]) -> str:
        attrs, inner = m.group(1), m.group(2)
        if not items:  # the first chapter follows the title on page 1 in print (no page break before it)
            attrs = _add_class(attrs, "eerste-hoofdstuk")
        text = re.sub(r"<[^>]+>", "", inner).strip()
        found = _ID.search(attrs)
        anchor = found.group(1) if found else re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "h"
        base, n = anchor, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        attrs = _ID.sub("", attrs)
        items.append(f'<li><a href="#{escape(anchor)}">{escape(text)}</a></li>')
        return f'<h2 id="{escape(anchor)}"{attrs}>{inner}</h2>'

    body = _H2.sub(repl, body)
    nav = (f'<nav class="inhoud" aria-label="Inhoud"><strong>Inhoud</strong><ol>{"".join(items)}</ol></nav>'
           if items else "")
    return body, nav


_CLASS = re.compile(r'\bclass="([^"]*)"')


def _add_class(attrs: str, name: str) -> str:
    """``attrs`` of a tag with ``name`` added to its class attribute."""
    m = _CLASS.search(attrs)
    if m:
        classes = f"{m.group(1)} {name}".strip()
        return f'{attrs[:m.start()]}class="{classes}"{attrs[m.end():]}'
    return f'{attrs} class="{name}"'


TEMPLATES = "templates"
"""Jinja2 templates of the pages (``analyse/report/templates``): page, cells of a report, error page."""


@lru_cache(maxsize=1)
def _templates() -> Any:
    """The Jinja2 environment of the page templates (no autoescape: every value is escaped where it is made,
    with :func:`analyse.formatting.escape`, available in the templates as the filter ``e``)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(resources.files("analyse.report") / TEMPLATES)),
                             autoescape=False, keep_trailing_newline=True)
    env.filters["e"] = escape
    return env


def render_template(name: str, **values: Any) -> str:
    """Render the page template ``name`` (``analyse/report/templates``) with ``values``."""
    return _templates().get_template(name).render(**values)


MARKDOWN_CACHE = "markdown"
"""Folder under ``paths.CACHE_DIR`` of Markdown converted before (the renderer is nbconvert's; importing it costs
~2 s, the conversion of a few headings nothing)."""


def markdown_html(text: str, anchor_link_text: str = "") -> str:
    """Markdown → HTML exactly as nbconvert's HTML exporter renders a Markdown cell (headings with an id; the
    anchor link with ``anchor_link_text``), read from ``paths.CACHE_DIR / "markdown"`` when converted before."""
    h = hashlib.sha256(f"{_nbconvert_version()}\0{anchor_link_text}\0{text}".encode()).hexdigest()
    path = paths.CACHE_DIR / MARKDOWN_CACHE / f"{h}.html"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath  # noqa: PLC0415 – nbconvert only on a cache miss

    html = MarkdownWithMath(renderer=IPythonRenderer(escape=False, anchor_link_text=anchor_link_text)).render(text)
    try:
        atomic.write_bytes(path, html.encode("utf-8"))
    except OSError:  # a read-only cache: converted again next time
        pass
    return html


@lru_cache(maxsize=1)
def _nbconvert_version() -> str:
    try:
        return metadata.version("nbconvert")
    except metadata.PackageNotFoundError:  # pragma: no cover – nbconvert is a dependency
        return ""


def page(title: str, body: str, subtitle: str = "", toc: bool = True, script: str = "",
         generated: datetime | None = None) -> str:
    """Wrap ``body`` in a complete, self-contained HTML page (inline CSS, optional inline script).

    Args:
        title: ``<title>`` and header text (escaped here).
        body: Trusted HTML (already escaped where needed).
        subtitle: One line under the title (escaped).
        toc: Add a table of contents from the ``<h2>`` headings.
        script: Inline JavaScript (no ``src``); used by the index page for search and sorting.
        generated: Timestamp for the footer (default now).
    """
    nav = ""
    if toc:
        body, nav = _toc(body)
    when = (generated or datetime.now()).strftime("%d-%m-%Y %H:%M")
    return _templates().get_template("page.html.j2").render(
        title=title, subtitle=subtitle, body=body, nav=nav, script=script, when=when, css=css(),
        version=__version__, site_title=SITE_TITLE)


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _cells(nb: Any) -> list[dict[str, Any]]:
    """What the cells template shows of each cell: Markdown as HTML, code cells as their visible outputs."""
    shown = []
    for cell in clean_for_html(nb).cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_CELL_TAGS:
            continue
        if cell.get("cell_type") == "markdown":
            shown.append({"id": cell.get("id", ""), "markdown": markdown_html(_text(cell.get("source", "")))})
            continue
        if cell.get("cell_type") != "code" or tags & REMOVE_OUTPUT_TAGS:
            continue
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if out.get("output_type") == "stream":
                outputs.append({"kind": f"stream output_{out.get('name', 'stdout')}", "html": None,
                                "text": escape(_text(out.get("text", "")))})
            elif "text/html" in data:
                outputs.append({"kind": out.get("output_type"), "html": _text(data["text/html"])})
            elif "text/plain" in data:
                outputs.append({"kind": out.get("output_type"), "html": None,
                                "text": escape(_text(data["text/plain"]))})
        if outputs:
            shown.append({"id": cell.get("id", ""), "markdown": None, "outputs": outputs})
    return shown


def notebook_body(nb: Any, exporter: Any = None) -> str:
    """The HTML body of an executed notebook (no code, prompts, stderr or errors).

    The cells go through the Jinja2 template ``templates/cells.html.j2`` (the markup of nbconvert's classic
    ``basic`` template); only Markdown is converted by nbconvert's renderer (:func:`markdown_html`, cached on its
    text), so a report page needs no nbconvert exporter. ``exporter`` (an nbconvert ``HTMLExporter``) renders the
    body the old way instead (the tests compare both).
    """
    if exporter is not None:
        body, _ = exporter.from_notebook_node(clean_for_html(nb))
    else:
        body = _templates().get_template("cells.html.j2").render(cells=_cells(nb))
    # nbconvert's empty prompt wrappers add only noise
    body = re.sub(r'<div class="prompt input_prompt">\s*</div>', "", body)
    # heading anchors come out as "<a ... />" with an empty anchor text; HTML has no self-closing <a>, so a
    # browser would wrap the rest of the chapter in the (hidden) link. nbconvert's BeautifulSoup pass used to
    # repair this; we drop the empty anchors instead (headings keep their id for the table of contents).
    body = re.sub(r'<a class="anchor-link"[^<>]*/>', "", body)
    # links to report files point, in the notebook, to where JupyterLab finds them; the page lies next to them
    body = re.sub(r'href="[^"]*" data-bestand="([^"]+)"', r'href="\1"', body)
    return body


def report_title(meta: dict[str, Any], fallback_code: str = "") -> str:
    """``<title>`` of a report: gemeente name and code from the notebook metadata."""
    gem = meta.get("gemeente") or {}
    naam, code = gem.get("naam"), gem.get("code") or fallback_code
    if naam:
        return f"{naam} ({code}) – {SITE_TITLE}"
    return f"{code} – {SITE_TITLE}" if code else SITE_TITLE


def report_html(nb: Any, exporter: Any = None, fallback_code: str = "") -> tuple[str, dict[str, Any]]:
    """Render an executed report notebook to a complete offline page.

    Returns:
        ``(html, metadata)`` where metadata is :func:`collect_metadata` of the notebook.

    Raises:
        ValueError: when the page would load anything from the network.
    """
    meta = collect_metadata(nb)
    gem = meta.get("gemeente") or {}
    subtitle = f"Gemeenterapport · indeling {gem['indelingsjaar']}" if gem.get("indelingsjaar") else "Gemeenterapport"
    html = page(report_title(meta, fallback_code), notebook_body(nb, exporter), subtitle=subtitle)
    problems = offline_problems(html)
    if problems:
        raise ValueError(f"HTML is niet offline bruikbaar: {', '.join(problems)}")
    return html, meta


def error_page(code: str, naam: str | None, kop: str, uitleg: str, advies: Iterable[str] = (),
               log_name: str | None = None, generated: datetime | None = None) -> str:
    """A page that explains in plain Dutch why a gemeente's report could not be made (no traceback).

    Args:
        code: Gemeente code as requested.
        naam: Gemeente name when known.
        kop: Short statement of what failed.
        uitleg: One or two sentences explaining it.
        advies: What the reader or maintainer can do.
        log_name: File name of the technical log next to the page (for maintainers).
    """
    who = f"{naam} ({code})" if naam else code
    body = _templates().get_template("error.html.j2").render(who=who, kop=kop, uitleg=uitleg, advies=list(advies),
                                                             log_name=log_name)
    return page(f"{who} – rapport niet gemaakt – {SITE_TITLE}", body, subtitle="Foutmelding", toc=False,
                generated=generated)


# ------------------------------------------------------------------------------------------ verdict badges
BADGE_CLASSES: dict[str, str] = {
    "op koers": "badge-op-koers",
    "deels": "badge-deels",
    "deels op koers": "badge-deels",
    "niet op koers": "badge-niet-op-koers",
    "niet te beoordelen": "badge-niet-te-beoordelen",
    "nog niet te beoordelen": "badge-onbekend",
}
"""Verdict per opgave → CSS class in ``report.css`` (colour plus word plus symbol, contrast ≥ 4,5:1)."""


def verdict_badge(verdict: str, label: str | None = None, count: int | None = None) -> str:
    """HTML of one verdict badge: ``<span class="badge badge-op-koers">op koers</span>``.

    Args:
        verdict: ``op koers`` / ``deels`` / ``niet op koers`` / ``niet te beoordelen`` (case-insensitive).
        label: text before the verdict, e.g. the opgave title (``"Jeugd: op koers"``); escaped here.
        count: a number shown after the verdict (``"op koers: 3"``), for the counts on the first screen.

    Raises:
        ValueError: an unknown verdict (a badge never shows a word the reader cannot place).
    """
    key = str(verdict).strip().lower()
    if key not in BADGE_CLASSES:
        raise ValueError(f"Onbekend oordeel {verdict!r}; verwacht: {', '.join(sorted(set(BADGE_CLASSES)))}")
    word = {"deels": "deels op koers", "nog niet te beoordelen": "niet te beoordelen"}.get(key, key)
    text = f"{escape(label)}: {escape(word)}" if label else escape(word)
    if count is not None:
        text += f': <span class="aantal">{int(count)}</span>'
    return f'<span class="badge {BADGE_CLASSES[key]}">{text}</span>'


# ------------------------------------------------------------------------------------------ methods appendix
APPENDIX_FILE = "hoe_lees_ik_dit_rapport.md"


@lru_cache(maxsize=1)
def appendix_markdown() -> str:
    """The Dutch "Hoe lees ik dit rapport?" appendix (Markdown, starts with an ``##`` chapter heading).

    Verdicts, intervals (Wilson, exact Poisson), funnel limits 95/99,8% with overdispersion, the spine chart,
    rest-van-de-regio, recent trend, indicative difference-in-differences, small numbers, constant prices,
    with formulas in plain text (the page has no MathJax) and references.
    """
    text = resources.files("analyse.report").joinpath(APPENDIX_FILE).read_text(encoding="utf-8")
    return text.format_map(method_constants())


def method_constants() -> dict[str, str]:
    """The numbers the methods appendix states, taken from the code that applies them (Dutch notation)."""
    return {"n_bands": str(variation.N_BANDS), "stale": str(series.STALE_YEARS),
            "z95": fmt_number(sps.norm.ppf(0.975), 2), "z998": fmt_number(sps.norm.ppf(0.999), 2),
            "alpha_pct": "5", "chi2_median": fmt_number(sps.chi2.ppf(0.5, 1), 3)}


@lru_cache(maxsize=1)
def appendix_html() -> str:
    """The appendix as HTML (nbconvert's Markdown renderer, the same one the notebook cells go through)."""
    return markdown_html(appendix_markdown(), anchor_link_text="¶")
