"""Plans as data: load/validate plan YAML files, audit their evaluability and draw rule-based conclusions.

Public API (see ``plans/SCHEMA.md`` for the file format):

- :func:`load_plan`, :func:`plans_for`, :func:`to_frames` (``analyse.plans.load``)
- :func:`audit` (``analyse.plans.evaluability``)
- :func:`conclude`, :func:`conclude_opgave`, :func:`conclude_maatregelen`, :func:`recommend`
  (``analyse.plans.conclusions``)

Names are imported lazily so that ``python -m analyse.plans.load`` runs without a double import.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "load_plan": "analyse.plans.load", "plans_for": "analyse.plans.load", "to_frames": "analyse.plans.load",
    "PlanWarning": "analyse.plans.load", "Plan": "analyse.plans.schema",
    "audit": "analyse.plans.evaluability", "PlanAudit": "analyse.plans.evaluability",
    "conclude": "analyse.plans.conclusions", "conclude_opgave": "analyse.plans.conclusions",
    "conclude_maatregelen": "analyse.plans.conclusions", "recommend": "analyse.plans.conclusions",
    "Conclusie": "analyse.plans.conclusions", "PlanConclusies": "analyse.plans.conclusions",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'analyse.plans' has no attribute {name!r}")
