"""Content of the plan chapters: per plan its conclusions per opgave, frames, evaluability and money."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import pandas as pd

from analyse.plans import audit as audit_plan
from analyse.plans.conclusions import conclude, evaluator_recommendations, shared_themes
from analyse.plans.load import to_frames
from analyse.plans.money import (
    BUDGET_COLUMNS,
    BUDGET_SUMMARY_COLUMNS,
    LEDGER_COLUMNS,
    budget_summary,
    budget_table,
    savings_ledger,
)
from analyse.plans.monitoring import monitoring_summary, monitoring_view, needs_monitoring_view


@dataclass
class PlanContent:
    """One plan of the gemeente with everything the plan chapters show."""

    plan: Any
    conclusions: Any
    frames: dict[str, pd.DataFrame]
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """opgave id → what is missing to evaluate it (from the evaluability audit)."""
    caveats: dict[str, list[str]] = field(default_factory=dict)
    """opgave id → caveats that concern only that opgave (general ones are in :attr:`general_caveats`)."""
    general_caveats: list[str] = field(default_factory=list)
    """Caveats shared by several opgaven or about indicators: shown once per report."""
    ledger: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LEDGER_COLUMNS))
    """Savings ledger (:func:`analyse.plans.money.savings_ledger`): one frame for the savings table and chart."""
    budget: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BUDGET_COLUMNS))
    """Labelled budget lines per opgave → maatregel → actie (:func:`analyse.plans.money.budget_table`)."""
    budget_summary: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BUDGET_SUMMARY_COLUMNS))
    """Budget totals per opgave and year with a Dutch sentence (:func:`analyse.plans.money.budget_summary`)."""

    monitoring: pd.DataFrame | None = None
    """For a plan without statuses: per doel × indicator what can be measured (``plans.monitoring``)."""
    monitoring_summary: pd.DataFrame | None = None
    recommendations: pd.DataFrame | None = None
    """The evaluators' own aanbevelingen per opgave (``conclusions.evaluator_recommendations``)."""

    @property
    def title(self) -> str:
        return str(getattr(self.plan, "titel", None) or "Plan")


GENERAL_MARKERS = ("meetpunten", "niet te beoordelen", "Indicatoren bewegen door veel oorzaken")
"""A caveat containing one of these is about the data, not one opgave: it is shown once per report."""


def split_caveats(opgave_conclusions: Any) -> tuple[dict[str, list[str]], list[str]]:
    """Split the kanttekeningen of all opgaven into per-opgave ones and general ones (each listed once).

    A kanttekening is general when it occurs for more than one opgave or contains one of
    :data:`GENERAL_MARKERS` (statements about indicators and attribution, not about the opgave itself).
    """
    seen: dict[str, int] = {}
    for c in opgave_conclusions:
        for k in dict.fromkeys(c.kanttekeningen):
            seen[k] = seen.get(k, 0) + 1
    general = [k for k, n in seen.items() if n > 1 or any(m in k for m in GENERAL_MARKERS)]
    per = {c.id: [k for k in dict.fromkeys(c.kanttekeningen) if k not in general] for c in opgave_conclusions}
    return per, general


def build(plan_list: list[Any], verdicts: pd.DataFrame | None | Callable[[Any], pd.DataFrame | None],
          catalogue: pd.DataFrame, available_indicators: Iterable[str] = ()) -> list[PlanContent]:
    """Conclusions, frames, evaluability gaps, money, recommendations and (plans without statuses) the monitoring
    view of each plan; ``available_indicators`` are the ids with CBS data for the gemeente.

    ``verdicts`` is the indicator verdict frame, or a function plan → verdicts, so that each plan is judged from
    its own policy start (a gemeente with several plans of different periods, e.g. Dordrecht).
    """
    out = []
    available = list(available_indicators)
    for plan in plan_list:
        audit = audit_plan(plan)
        concl = conclude(plan, verdicts(plan) if callable(verdicts) else verdicts, catalogue)
        per, general = split_caveats(concl.opgaven)
        out.append(PlanContent(plan=plan, conclusions=concl, frames=to_frames(plan),
                               missing={item.id: tuple(item.ontbreekt) for item in audit.opgaven},
                               caveats=per, general_caveats=general, ledger=savings_ledger(plan),
                               budget=(budget := budget_table(plan)), budget_summary=budget_summary(budget),
                               recommendations=evaluator_recommendations(plan)))
        if needs_monitoring_view(plan):
            view = monitoring_view(plan, available)
            out[-1].monitoring, out[-1].monitoring_summary = view, monitoring_summary(view)
    return out


def themes(plan_contents: list[PlanContent]) -> pd.DataFrame:
    """One consistent statement per theme that several plans share (``conclusions.shared_themes``)."""
    if len(plan_contents) < 2:
        return pd.DataFrame(columns=["thema", "uitkomst", "tekst", "onderdelen", "n_plannen"])
    return shared_themes([(pc.plan, pc.conclusions) for pc in plan_contents])
