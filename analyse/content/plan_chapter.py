"""Content of the plan chapters: per plan its conclusions per opgave, frames, evaluability and money."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analyse.plans.audit import audit as audit_plan
from analyse.plans.conclusions import conclude
from analyse.plans.load import to_frames


@dataclass
class PlanContent:
    """One plan of the gemeente with everything the plan chapters show."""

    plan: Any
    conclusions: Any
    frames: dict[str, pd.DataFrame]
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """opgave id → what is missing to evaluate it (from the evaluability audit)."""

    @property
    def title(self) -> str:
        return str(getattr(self.plan, "titel", None) or "Plan")


def build(plan_list: list[Any], verdicts: pd.DataFrame | None, catalogue: pd.DataFrame) -> list[PlanContent]:
    """Conclusions, frames and evaluability gaps of each plan."""
    out = []
    for plan in plan_list:
        audit = audit_plan(plan)
        out.append(PlanContent(plan=plan, conclusions=conclude(plan, verdicts, catalogue),
                               frames=to_frames(plan),
                               missing={item.id: tuple(item.ontbreekt) for item in audit.opgaven}))
    return out
