"""Report content: everything one report shows for one gemeente, computed by one pure function.

The walk from the template to a number is one way::

    gemeenten.validate(code, jaar)          → Gemeente
    content.ReportParameters(...).checked() → checked parameters
    content.build_report(gemeente, params)  → ReportContent (frames, verdicts, texts; no HTML)
    analyse.report.sections.render_*(content, out) → HTML blocks (rendering only)

:func:`build_report` reads nothing itself (no files, subprocess, clock or environment): it takes a
:class:`~analyse.content.inputs.ReportInputs`, the immutable bundle of one data generation that
:func:`analyse.bundle.load` makes (tables, batch statistics, boundaries, plans, commit, time). Each chapter is built
by one module of this package:

- :mod:`.indicator_chapter` – references, comparison and verdicts, key figures, trends, policy start, funnel, peers
- :mod:`.cost_chapter` – Iv3 cost development against peers and Nederland
- :mod:`.plan_chapter` – conclusions per opgave, maatregelen, budgets, savings (with a plan file)
- :mod:`.summary_chapter` – the first screen: badges per opgave, three key messages
- :mod:`.sources_chapter` – source tables and colofon facts

A failure inside a chapter is raised as :class:`ChapterError`, which names the chapter in Dutch so the batch
runner's error page can say where it went wrong.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Callable, Sequence

from analyse.compare import verdicts as to_verdicts
from analyse.content import (
    cost_chapter,
    indicator_chapter,
    overview_chapter,
    plan_chapter,
    sources_chapter,
    summary_chapter,
)
from analyse.content import inputs as inputs_module
from analyse.content.inputs import BatchStatistics, ReportInputs
from analyse.errors import AnalyseError, ParameterError
from analyse.plans.period import beleidsperiode, report_startjaar
from analyse.settings import DEFAULT_STARTJAAR_BELEID

REFERENCE_ROLES = ("regio", "provincie", "ggd_regio", "jeugdzorgregio", "arbeidsmarktregio", "corop", "nederland")
"""``regio``: the regio that fits each indicator's domein (see indicator_chapter.references_of)."""
PEER_METHODS = ("kenmerken", "grootteklasse", "regio")

__all__ = ["BatchStatistics", "ChapterError", "ReportContent", "ReportInputs", "ReportParameters", "build_report",
           "REFERENCE_ROLES", "PEER_METHODS"]


class ChapterError(AnalyseError):
    """A chapter could not be computed; ``chapter`` is its Dutch title, ``__cause__`` the original error.

    The message has one fixed form, ``Hoofdstuk '<chapter>': <CauseClass>: <cause message>``, so that a process
    that only sees the message (the batch runner reading a kernel's error) recovers all three with :meth:`parse`.
    """

    PATTERN = re.compile(r"^Hoofdstuk '(?P<chapter>[^']+)': (?P<ename>\w+): (?P<evalue>.*)$", re.S)

    def __init__(self, chapter: str, cause: BaseException):
        self.chapter = chapter
        super().__init__(f"Hoofdstuk '{chapter}': {type(cause).__name__}: {cause}")

    @classmethod
    def parse(cls, message: str) -> tuple[str, str, str] | None:
        """``(chapter, cause class name, cause message)`` from a ChapterError message, else ``None``."""
        m = cls.PATTERN.match(message or "")
        return (m["chapter"], m["ename"], m["evalue"]) if m else None


@dataclass(frozen=True)
class ReportParameters:
    """The analysis parameters of one report (the template's ``parameters`` cell minus gemeente and paths).

    ``startjaar_beleid`` 0 means: take the policy start from the gemeente's plan, else
    :data:`analyse.settings.DEFAULT_STARTJAAR_BELEID`.
    """

    startjaar_beleid: int = 0
    peer_k: int = 10
    peer_method: str = "kenmerken"
    regio_rollen: tuple[str, ...] = ("regio", "nederland")

    def checked(self, indelingsjaar: int) -> "ReportParameters":
        """Return a copy with normalised values; raise :class:`ParameterError` naming the parameter."""
        start = self.startjaar_beleid
        if not isinstance(start, int) or isinstance(start, bool):
            raise ParameterError(f"startjaar_beleid moet een jaartal zijn, niet {start!r} (must be an int)")
        if start and not 2010 <= start <= indelingsjaar:
            raise ParameterError(f"startjaar_beleid={start} ligt niet tussen 2010 en het indelingsjaar "
                                 f"{indelingsjaar} (policy start year out of range; 0 = uit het plan)")
        if not isinstance(self.peer_k, int) or isinstance(self.peer_k, bool) or not 3 <= self.peer_k <= 50:
            raise ParameterError(f"peer_k={self.peer_k!r}: kies 3 tot en met 50 vergelijkbare gemeenten "
                                 "(peer_k out of range)")
        if self.peer_method not in PEER_METHODS:
            raise ParameterError(f"peer_method={self.peer_method!r} is onbekend; kies uit {', '.join(PEER_METHODS)} "
                                 "(unknown peer method)")
        if isinstance(self.regio_rollen, str):
            raise ParameterError(f"regio_rollen moet een lijst zijn, niet de tekst {self.regio_rollen!r}")
        roles = tuple(self.regio_rollen)
        if not roles:
            raise ParameterError("regio_rollen is leeg: kies ten minste één referentie, bijvoorbeeld regio "
                                 f"en nederland (uit {', '.join(REFERENCE_ROLES)}) (empty reference list)")
        unknown = [r for r in roles if r not in REFERENCE_ROLES]
        if unknown:
            raise ParameterError(f"regio_rollen bevat onbekende rol(len) {', '.join(map(str, unknown))}; kies uit "
                                 f"{', '.join(REFERENCE_ROLES)} (unknown reference roles)")
        return ReportParameters(start, self.peer_k, self.peer_method, roles)


@dataclass(frozen=True)
class PolicyPeriod:
    """The policy start used as base year, and where it came from (``plan``, ``parameter`` or ``standaard``)."""

    startjaar: int
    bron: str
    plan_titel: str = ""
    tekst: str = ""
    """Dutch sentence on where the start year comes from (shown in the colofon)."""


@dataclass
class ReportContent:
    """Everything one report shows, as plain data (no HTML, no files)."""

    gemeente: Any
    parameters: ReportParameters
    policy: PolicyPeriod
    indicators: indicator_chapter.IndicatorContent
    costs: cost_chapter.CostContent
    peers: list[str]
    peer_note: str | None
    plans: list[plan_chapter.PlanContent] = field(default_factory=list)
    sources: sources_chapter.SourcesContent | None = None
    first_screen: summary_chapter.FirstScreen | None = None
    plan_themes: Any = None
    """Themes shared by several plans with one consistent statement (``plan_chapter.themes``)."""
    parts: dict[str, Any] = field(default_factory=dict)
    """Chapter id → the part computed by that chapter's own ``build`` (registered chapters outside the core)."""

    @property
    def code(self) -> str:
        return self.gemeente.code

    @property
    def naam(self) -> str:
        return self.gemeente.naam

    @property
    def indelingsjaar(self) -> int:
        return int(self.gemeente.indelingsjaar)

    def metadata(self) -> dict[str, Any]:
        """The facts the batch runner needs for the index page (one dict, emitted once per report)."""
        outcome = self.plans[0].conclusions.plan.uitkomst if self.plans else None
        counts = self.first_screen.counts if self.first_screen and self.first_screen.badges else {}
        return {"gemeente": {"code": self.code, "naam": self.naam, "indelingsjaar": self.indelingsjaar},
                "signals": {**self.indicators.signals, "plan": outcome, "opgaven": counts},
                "parameters": {**asdict(self.parameters), "regio_rollen": list(self.parameters.regio_rollen),
                               "startjaar_gebruikt": self.policy.startjaar, "startjaar_bron": self.policy.bron},
                "commit": self.sources.commit if self.sources else ""}


def policy_period(params: ReportParameters, plan_list: Sequence[Any]) -> PolicyPeriod:
    """Policy start: the parameter when set, else the plans' start year (:func:`analyse.plans.report_startjaar`),
    else :data:`analyse.settings.DEFAULT_STARTJAAR_BELEID`; ``tekst`` says which, in Dutch."""
    jaar, bron, tekst = report_startjaar(list(plan_list), params.startjaar_beleid or None, DEFAULT_STARTJAAR_BELEID)
    titel = str(getattr(plan_list[0], "titel", "") or "") if bron == "plan" and plan_list else ""
    return PolicyPeriod(int(jaar), bron, titel, tekst)


def _verdicts_per_plan(inputs: ReportInputs, gemeente: Any, params: ReportParameters, policy: PolicyPeriod,
                       ind: indicator_chapter.IndicatorContent) -> Any:
    """plan → indicator verdicts from that plan's own start year (computed once per distinct year)."""
    cache: dict[int, Any] = {policy.startjaar: ind.verdicts}

    def for_plan(plan: Any) -> Any:
        own = beleidsperiode(plan).startjaar_beleid if hasattr(plan, "beleidsperiode") else None
        year = params.startjaar_beleid or own or policy.startjaar
        if year not in cache:
            refs = indicator_chapter.references_of(inputs, gemeente, params.regio_rollen)
            comp = indicator_chapter.comparison(inputs, gemeente.code, refs, int(year))
            cache[year] = None if comp is None else to_verdicts(comp)
        return cache[year]
    return for_plan


def _chapter(title: str, fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except ChapterError:
        raise
    except Exception as exc:
        raise ChapterError(title, exc) from exc


def _remembered(inputs: ReportInputs, key: tuple[Any, ...], fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, or its result from ``inputs.store`` when it was computed before from the same data generation
    (``inputs.data_version``) and ``key`` (everything else the result depends on)."""
    store = getattr(inputs, "store", None)
    if store is None or not inputs.data_version:
        return fn(*args)
    digest = hashlib.sha256(repr((fn.__module__, fn.__qualname__, inputs.data_version, key)).encode()).hexdigest()
    hit = store.get(digest)
    if hit is not None:
        return hit
    value = fn(*args)
    store[digest] = value
    return value


def build_report(gemeente: Any, params: ReportParameters, inputs: ReportInputs,
                 plan_list: Sequence[Any] | None = None, commit: str | None = None,
                 created: datetime | None = None,
                 chapters: Sequence[tuple[str, str, Callable[[ReportContent, ReportInputs], Any]]] = ()
                 ) -> ReportContent:
    """Compute the content of one report.

    Args:
        gemeente: result of :func:`analyse.gemeenten.validate` (code, naam, indelingsjaar, regions, …).
        params: the report parameters (checked here against the gemeente's indelingsjaar).
        inputs: the input bundle (:func:`analyse.bundle.load`; tests build one from tiny frames).
        plan_list: the gemeente's plans; default those in ``inputs.plans``.
        commit: git commit for the colofon; default ``inputs.commit``.
        created: time of the report for the colofon; default ``inputs.created``.
        chapters: ``(id, title, build)`` of the registered chapters with a build of their own
            (``analyse.report.chapters.REGISTRY.builds()``): each ``build(content, inputs)`` runs after the core
            content, in order, and its result is ``content.parts[id]``.

    Returns:
        A :class:`ReportContent`.

    Raises:
        ParameterError: a parameter out of range.
        ChapterError: a chapter failed (names the chapter; the cause is chained).
    """
    jaar = int(gemeente.indelingsjaar)
    params = params.checked(jaar)
    if int(inputs.indelingsjaar) != jaar:
        raise ParameterError(f"De gegevens zijn in de indeling van {inputs.indelingsjaar}, de gemeente in die van "
                             f"{jaar} (input bundle of another indelingsjaar)")
    if plan_list is None:
        plan_list = _chapter("Opgaven", inputs.plans_of, gemeente.code)
    policy = policy_period(params, plan_list)
    ind = _chapter("Indicatoren", _remembered, inputs, (repr(gemeente), params.regio_rollen, policy.startjaar),
                   indicator_chapter.build, inputs, gemeente, params.regio_rollen, policy.startjaar)
    peers, peer_note = _chapter("Kostenontwikkeling", indicator_chapter.peer_codes, inputs, gemeente, params.peer_k,
                                params.peer_method, params.regio_rollen)
    costs = _chapter("Kostenontwikkeling", cost_chapter.build, inputs, gemeente.code, peers, list(plan_list),
                     gemeente.naam)
    available = inputs.harmonised.loc[(inputs.harmonised["gemeentecode"] == gemeente.code)
                                      & inputs.harmonised["value"].notna(), "indicator_id"].unique()
    plan_content = _chapter("Opgaven", plan_chapter.build, list(plan_list),
                            _verdicts_per_plan(inputs, gemeente, params, policy, ind), inputs.catalogue, available,
                            jaar)
    sources = _chapter("Data en bronnen", sources_chapter.build, inputs, gemeente.code,
                       inputs.commit if commit is None else commit, created or inputs.created)
    first = _chapter("Samenvatting", summary_chapter.build, gemeente, plan_content, ind.records, policy.startjaar,
                     costs)
    themes = _chapter("Opgaven", plan_chapter.themes, plan_content)
    report = ReportContent(gemeente=gemeente, parameters=params, policy=policy, indicators=ind, costs=costs,
                           peers=peers, peer_note=peer_note, plans=plan_content, sources=sources, first_screen=first,
                           plan_themes=themes)
    for chapter_id, title, build in chapters:
        report.parts[chapter_id] = _chapter(title, build, report, inputs)
    return report


def _install_reprs() -> None:
    inputs_module.install_short_reprs(sys.modules[__name__], inputs_module, cost_chapter, indicator_chapter,
                                      overview_chapter, plan_chapter, sources_chapter, summary_chapter)


_install_reprs()  # `rapport` in a notebook prints one line per object, not every frame
