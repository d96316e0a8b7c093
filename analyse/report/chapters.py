"""The chapter registry: one declaration per chapter of the report (id, title, heading, build, render).

Every chapter of the page is declared once, on its render function in :mod:`analyse.report.sections`::

    @chapter("kosten", "Kostenontwikkeling", heading="Kostenontwikkeling")
    def render_costs(content, out=None): ...

and that one declaration drives

- the content: a chapter with its own ``build`` (``build(content, inputs) -> part``) gets its part computed by
  :func:`analyse.content.build_report` (``content.parts[id]``; a failure names the chapter's title);
- the template check: :func:`template_problems` says where ``notebooks/gemeente_rapport.ipynb`` and the registry
  disagree (a chapter without its cell, a cell without its chapter, another order, a wrong heading or title);
- the in-process renderer (:mod:`analyse.report.direct`), which walks the template's chapter cells through the
  registry instead of starting a kernel;
- the error pages: the chapter that failed is named by its registered title;
- the benchmarks (``benchmarks/bench_chapters.py`` times every registered chapter).

Adding a chapter therefore touches three files: the content module that computes it (``analyse/content/…``), its
render function with the declaration (``sections.py``), and one cell in the template.

The chapters of the core content (indicator record, costs, plans, first screen, sources) are computed together by
:func:`analyse.content.build_report`, because the first screen reads all of them; their declarations name the
content function as ``source`` (for the benchmark and the reader) and leave ``build`` empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator

CELL_SOURCE = "{module}.{render}(rapport, out)"
"""The one line of a chapter's cell in the template (the check compares the cell with it): ``module`` is the last
part of the render function's module (``sections.render_costs(rapport, out)``), imported in the template."""


@dataclass(frozen=True)
class Chapter:
    """One chapter (or one cell of a chapter) of the report page."""

    id: str
    """Stable, unique, lower-case (``kosten``); the key of ``content.parts`` for a chapter with its own build."""
    title: str
    """Dutch title: the template cell's ``analyse.chapter`` metadata and the chapter named on an error page."""
    render: Callable[..., Any]
    """``render(content, out) -> Block | None`` (rendering only; reads the content, never the data)."""
    heading: str | None = None
    """The ``##`` heading of the Markdown cell before the chapter's cell, or ``None`` (a cell within a chapter)."""
    build: Callable[[Any, Any], Any] | None = None
    """``build(content, inputs) -> part``: this chapter's own content from the core content and the input bundle
    (pure, in the content layer); ``None`` for the chapters of the core content."""
    source: Callable[..., Any] | None = None
    """The content function that computes a core chapter (documentation and benchmarks only)."""
    @property
    def cell_source(self) -> str:
        """The source line of this chapter's template cell."""
        return CELL_SOURCE.format(module=self.render.__module__.rsplit(".", 1)[-1], render=self.render.__name__)


@dataclass
class Registry:
    """The ordered chapters of the report; iterate it for the page order."""

    chapters: list[Chapter] = field(default_factory=list)

    def __iter__(self) -> Iterator[Chapter]:
        return iter(self.chapters)

    def __len__(self) -> int:
        return len(self.chapters)

    def register(self, entry: Chapter, after: str | None = None) -> Chapter:
        """Add ``entry`` at the end (or right after the chapter ``after``).

        Raises:
            ValueError: an id that is already registered, or an unknown ``after``.
        """
        if any(c.id == entry.id for c in self.chapters):
            raise ValueError(f"Hoofdstuk-id {entry.id!r} is al geregistreerd")
        if after is None:
            self.chapters.append(entry)
        else:
            self.chapters.insert(self.index(after) + 1, entry)
        return entry

    def index(self, chapter_id: str) -> int:
        for i, c in enumerate(self.chapters):
            if c.id == chapter_id:
                return i
        raise ValueError(f"Onbekend hoofdstuk {chapter_id!r}; bekend zijn: {', '.join(self.ids)}")

    def get(self, chapter_id: str) -> Chapter:
        """The chapter with ``chapter_id`` (``ValueError`` naming the known ids otherwise)."""
        return self.chapters[self.index(chapter_id)]

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.chapters]

    @property
    def titles(self) -> list[str]:
        """The distinct chapter titles in page order (the names an error page can give)."""
        return list(dict.fromkeys(c.title for c in self.chapters))

    def by_source(self, source: str) -> Chapter | None:
        """The chapter whose template cell is ``source`` (whitespace and a trailing ``;`` ignored)."""
        text = _normal(source)
        return next((c for c in self.chapters if _normal(c.cell_source) == text), None)

    def builds(self) -> list[tuple[str, str, Callable[[Any, Any], Any]]]:
        """``(id, title, build)`` of the chapters with their own build, in page order (for ``build_report``)."""
        return [(c.id, c.title, c.build) for c in self.chapters if c.build is not None]

    def copy(self) -> "Registry":
        """An independent copy (tests add a chapter to it without touching the report's registry)."""
        return Registry([replace(c) for c in self.chapters])

    def chapter(self, chapter_id: str, title: str, *, heading: str | None = None,
                build: Callable[[Any, Any], Any] | None = None, source: Callable[..., Any] | None = None,
                after: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator that declares the decorated render function as a chapter (see the module docstring)."""
        def declare(render: Callable[..., Any]) -> Callable[..., Any]:
            self.register(Chapter(chapter_id, title, render, heading, build, source), after)
            return render
        return declare


def _normal(source: str) -> str:
    return re.sub(r"\s+", "", str(source)).rstrip(";")


REGISTRY = Registry()
"""The report's chapters, filled by the declarations in :mod:`analyse.report.sections`."""

chapter = REGISTRY.chapter
"""``@chapter(id, title, heading=…, build=…)``: declare a render function as a chapter of the report."""


# ------------------------------------------------------------------------------------------------ template
def _cell_text(cell: Any) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _heading_of(cell: Any) -> str | None:
    m = re.match(r"^##\s+(.+?)\s*$", _cell_text(cell).strip())
    return m.group(1) if m and "\n" not in _cell_text(cell).strip() else None


def chapter_cells(nb: Any, registry: Registry | None = None) -> list[tuple[int, Chapter | None]]:
    """``(cell index, chapter)`` of every template cell that declares a chapter (``analyse.chapter`` metadata);
    the chapter is ``None`` when the cell's source is no registered chapter's line."""
    registry = registry or REGISTRY
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") == "code" and (cell.get("metadata", {}).get("analyse") or {}).get("chapter"):
            found.append((i, registry.by_source(_cell_text(cell).splitlines()[-1] if _cell_text(cell) else "")))
    return found


def template_problems(nb: Any, registry: Registry | None = None) -> list[str]:
    """Where the template and the registry disagree (empty: every chapter has its cell, in order).

    A chapter's cell ends with its one line (``sections.render_costs(rapport, out)``; the title cell also builds
    the content), carries the chapter's title as ``analyse.chapter`` metadata, and a chapter with a heading is
    preceded by the Markdown cell ``## <heading>``.
    """
    registry = registry or REGISTRY
    problems: list[str] = []
    cells = chapter_cells(nb, registry)
    seen = []
    for i, found in cells:
        title = nb.cells[i]["metadata"]["analyse"]["chapter"]
        if found is None:
            last = (_cell_text(nb.cells[i]).splitlines() or [""])[-1]
            problems.append(f"cel {i} ({title}): {last!r} is geen geregistreerd hoofdstuk")
            continue
        seen.append(found.id)
        if title != found.title:
            problems.append(f"cel {i}: metadata analyse.chapter is {title!r}, het register zegt {found.title!r}")
        if found.heading is not None:
            before = next((c for c in reversed(nb.cells[:i]) if c.get("cell_type") == "markdown"
                           or (c.get("metadata", {}).get("analyse") or {}).get("chapter")), None)
            if before is None or before.get("cell_type") != "markdown" or _heading_of(before) != found.heading:
                problems.append(f"cel {i} ({found.id}): verwacht de kop '## {found.heading}' erboven")
    missing = [c for c in registry.ids if c not in seen]
    if missing:
        problems.append(f"hoofdstukken zonder cel in het sjabloon: {', '.join(missing)}")
    twice = sorted({c for c in seen if seen.count(c) > 1})
    if twice:
        problems.append(f"hoofdstukken met meer dan één cel: {', '.join(twice)}")
    if not missing and not twice and seen != registry.ids:
        problems.append(f"volgorde van de hoofdstukken wijkt af van het register: {', '.join(seen)}")
    return problems


__all__ = ["CELL_SOURCE", "Chapter", "REGISTRY", "Registry", "chapter", "chapter_cells", "template_problems"]
