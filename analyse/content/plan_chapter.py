"""Content of the plan chapters: per plan its conclusions per opgave, frames, evaluability and money."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import pandas as pd

from analyse.plans import audit as audit_plan
from analyse.plans.conclusions import VOICE_COLUMNS, conclude, evaluator_recommendations, evaluator_voice, shared_themes
from analyse.plans.load import to_frames
from analyse.plans.money import (
    BUDGET_COLUMNS,
    BUDGET_SUMMARY_COLUMNS,
    LEDGER_COLUMNS,
    TAAKSTELLING_COLUMNS,
    budget_summary,
    budget_table,
    savings_headline,
    savings_ledger,
    taakstelling_table,
)
from analyse.plans.monitoring import monitoring_summary, monitoring_view, needs_monitoring_view
from analyse.plans.period import PlanTijd, plan_in_time

SINCE_COLUMNS = ["indicator_id", "naam", "unit", "base_period", "base_value", "latest_period", "latest_value",
                 "verdict", "indicative"]


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
    voice: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=VOICE_COLUMNS))
    """Every text of the evaluators (conclusions, knelpunten, successen, bevindingen, aanbevelingen, tekortkomingen)
    with its page (``conclusions.evaluator_voice``): the page shows each one, in their words."""
    tijd: PlanTijd | None = None
    """Where the plan stands in time (finished, evaluated when; ``plans.period.plan_in_time``)."""
    since: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SINCE_COLUMNS))
    """For an evaluated plan: the linked indicators' CBS figures that are newer than the evaluation (a separate,
    dated part; they do not count in the plan's outcome)."""
    taakstellingen: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TAAKSTELLING_COLUMNS))
    """Taakstellingen with what each amount is (own or a GR's regional total; ``money.taakstelling_table``)."""
    savings_line: str = ""
    """One clause on the taakstellingen for the first screen (``money.savings_headline``)."""
    geen_effectcijfers: str | None = None
    """The evaluation's own reason for leaving effect figures out (verbatim, page), when it did."""

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


def linked_indicator_ids(plan: Any) -> list[str]:
    """Indicator ids the plan's doelen and maatregelen name, in document order."""
    ids = [di.indicator_id for o in plan.opgaven for d in o.doelen for di in d.indicatoren]
    ids += [i for o in plan.opgaven for m in o.maatregelen for i in m.indicatoren]
    return list(dict.fromkeys(ids))


def _year(period: Any) -> int | None:
    text = str(period or "")
    return int(text[:4]) if text[:4].isdigit() else None


def split_at_evaluation(verdicts: pd.DataFrame | None, peiljaar: int | None,
                        indicator_ids: Iterable[str] = ()) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Verdicts usable for a plan's outcome as of its evaluation, and the linked rows that are newer.

    A row whose latest period lies after ``peiljaar`` (the evaluation year) is left out of the plan's outcome
    (the plan's own document figures are used instead) and returned in the second frame when its indicator is
    linked to the plan, for the separate, dated 'sinds de evaluatie' part. Without ``peiljaar`` nothing is split.
    """
    if verdicts is None or verdicts.empty or peiljaar is None:
        return verdicts, pd.DataFrame(columns=SINCE_COLUMNS)
    years = verdicts["latest_period"].map(_year)
    later = years.notna() & (years > peiljaar)
    newer = verdicts[later & verdicts["indicator_id"].isin(list(indicator_ids))]
    since = newer.reindex(columns=SINCE_COLUMNS).reset_index(drop=True)
    return verdicts[~later], since


def build(plan_list: list[Any], verdicts: pd.DataFrame | None | Callable[[Any], pd.DataFrame | None],
          catalogue: pd.DataFrame, available_indicators: Iterable[str] = (),
          indelingsjaar: int | None = None) -> list[PlanContent]:
    """Conclusions, frames, evaluability gaps, money, the evaluators' texts and (plans without statuses) the
    monitoring view of each plan; ``available_indicators`` are the ids with CBS data for the gemeente.

    ``verdicts`` is the indicator verdict frame, or a function plan → verdicts, so that each plan is judged from
    its own policy start (a gemeente with several plans of different periods, e.g. Dordrecht). An evaluated plan
    is judged as of its evaluation: figures newer than the evaluation year go to :attr:`PlanContent.since`.
    ``indelingsjaar`` (the report's year) decides whether a plan is finished; default: the latest plan end + 1.
    """
    out = []
    available = list(available_indicators)
    jaar = indelingsjaar or (max((p.periode.eind for p in plan_list), default=0) + 1)
    for plan in plan_list:
        audit = audit_plan(plan)
        tijd = plan_in_time(plan, jaar)
        own, since = split_at_evaluation(verdicts(plan) if callable(verdicts) else verdicts,
                                         tijd.peiljaar if tijd.geevalueerd else None, linked_indicator_ids(plan))
        concl = conclude(plan, own, catalogue)
        per, general = split_caveats(concl.opgaven)
        ledger = savings_ledger(plan)
        out.append(PlanContent(plan=plan, conclusions=concl, frames=to_frames(plan),
                               missing={item.id: tuple(item.ontbreekt) for item in audit.opgaven},
                               caveats=per, general_caveats=general, ledger=ledger,
                               budget=(budget := budget_table(plan)), budget_summary=budget_summary(budget),
                               recommendations=evaluator_recommendations(plan), voice=evaluator_voice(plan),
                               tijd=tijd, since=since, taakstellingen=taakstelling_table(plan),
                               savings_line=savings_headline(plan, ledger),
                               geen_effectcijfers=getattr(plan.evaluatie, "geen_effectcijfers", None)))
        if needs_monitoring_view(plan):
            view = monitoring_view(plan, available)
            out[-1].monitoring, out[-1].monitoring_summary = view, monitoring_summary(view)
    return out


def themes(plan_contents: list[PlanContent]) -> pd.DataFrame:
    """One consistent statement per theme that several plans share (``conclusions.shared_themes``)."""
    if len(plan_contents) < 2:
        return pd.DataFrame(columns=["thema", "uitkomst", "tekst", "onderdelen", "n_plannen"])
    return shared_themes([(pc.plan, pc.conclusions) for pc in plan_contents])
