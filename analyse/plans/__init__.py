"""Plans as data: load/validate plan YAML files, audit their evaluability and draw rule-based conclusions.

Public API (see ``plans/SCHEMA.md`` for the file format):

- :func:`load_plan`, :func:`plans_for`, :func:`to_frames` (``analyse.plans.load``)
- :func:`find_plan_files` (the one case-insensitive plan-file lookup of loader, validator CLI and runner)
- :func:`audit` (``analyse.plans.evaluability``; the submodule is named differently so it never shadows the
  function: ``analyse.plans.audit`` is always the function)
- :func:`conclude`, :func:`conclude_opgave`, :func:`conclude_maatregelen`, :func:`recommend`,
  :func:`weigh_evidence`, :func:`shared_themes`, :func:`evaluator_recommendations` (``analyse.plans.conclusions``)
- :func:`beleidsperiode`, :func:`beleidsperiodes`, :func:`report_startjaar` (``analyse.plans.period``)
- :func:`savings_ledger`, :func:`savings_amounts`, :func:`budget_table`, :func:`budget_summary`,
  :func:`plan_spending`, :func:`plan_growth` (``analyse.plans.money``)
- :func:`monitoring_view` (``analyse.plans.monitoring``)

Names are imported lazily so that ``python -m analyse.plans.load`` runs without a double import.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "load_plan": "analyse.plans.load",
    "plans_for": "analyse.plans.load",
    "to_frames": "analyse.plans.load",
    "PlanWarning": "analyse.plans.load",
    "Plan": "analyse.plans.schema",
    "audit": "analyse.plans.evaluability",
    "PlanAudit": "analyse.plans.evaluability",
    "conclude": "analyse.plans.conclusions",
    "conclude_opgave": "analyse.plans.conclusions",
    "conclude_maatregelen": "analyse.plans.conclusions",
    "recommend": "analyse.plans.conclusions",
    "weigh_evidence": "analyse.plans.conclusions",
    "shared_themes": "analyse.plans.conclusions",
    "evaluator_recommendations": "analyse.plans.conclusions",
    "find_plan_files": "analyse.plans.load",
    "all_plan_files": "analyse.plans.load",
    "beleidsperiode": "analyse.plans.period",
    "beleidsperiodes": "analyse.plans.period",
    "report_startjaar": "analyse.plans.period",
    "savings_ledger": "analyse.plans.money",
    "savings_amounts": "analyse.plans.money",
    "budget_table": "analyse.plans.money",
    "budget_summary": "analyse.plans.money",
    "plan_spending": "analyse.plans.money",
    "plan_growth": "analyse.plans.money",
    "monitoring_view": "analyse.plans.monitoring",
    "Conclusie": "analyse.plans.conclusions",
    "PlanConclusies": "analyse.plans.conclusions",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'analyse.plans' has no attribute {name!r}")
