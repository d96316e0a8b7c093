"""Policy period per plan: the year the policy started and its nulmeting (base) year, as the document says.

A plan names them in its ``beleidsperiode`` block (``plans/SCHEMA.md``); when it does not, the values are None
and the report falls back to :data:`analyse.settings.DEFAULT_STARTJAAR_BELEID` (and says so). A report
parameter still overrides both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analyse.plans.schema import Plan
from analyse.settings import DEFAULT_STARTJAAR_BELEID

__all__ = ["PlanPeriode", "PlanTijd", "beleidsperiode", "beleidsperiodes", "plan_in_time", "report_startjaar"]


@dataclass(frozen=True)
class PlanPeriode:
    """Policy start and nulmeting of one plan (None = the plan does not say)."""

    gemeentecode: str
    plan: str
    bestand: str | None
    startjaar_beleid: int | None
    nulmeting_jaar: int | None
    toelichting: str | None
    bron_pagina: str | None


def beleidsperiode(plan: Plan) -> PlanPeriode:
    """The policy start year and nulmeting year of ``plan`` (None where the plan does not name them).

    Args:
        plan: a loaded plan.

    Returns:
        :class:`PlanPeriode`; e.g. Almelo (GM0141) 2015 / None, Hendrik-Ido-Ambacht (GM0531) 2020 / 2019.
    """
    bp = plan.beleidsperiode
    return PlanPeriode(
        plan.gemeentecode,
        plan.titel,
        plan.path.name if plan.path else None,
        bp.startjaar if bp else None,
        bp.nulmeting_jaar if bp else None,
        bp.toelichting if bp else None,
        bp.bron_pagina if bp else None,
    )


def beleidsperiodes(plans: Sequence[Plan]) -> pd.DataFrame:
    """One row per plan: gemeentecode, plan, bestand, startjaar_beleid, nulmeting_jaar, toelichting, bron_pagina.

    Years are nullable integers (``Int64``; ``<NA>`` = the plan does not say).
    """
    cols = ["gemeentecode", "plan", "bestand", "startjaar_beleid", "nulmeting_jaar", "toelichting", "bron_pagina"]
    rows = [beleidsperiode(p).__dict__ for p in plans]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"startjaar_beleid": "Int64", "nulmeting_jaar": "Int64"})


def report_startjaar(
    plans: Sequence[Plan], override: int | None = None, default: int = DEFAULT_STARTJAAR_BELEID
) -> tuple[int, str, str]:
    """The one policy start year of a report and a Dutch sentence saying where it comes from.

    Order: ``override`` (report parameter; ``None`` or ``0`` = not set) → the plans' ``startjaar`` (the earliest
    when several plans differ; the sentence names each) → ``default``.

    Returns:
        ``(jaar, herkomst, tekst)`` with herkomst ``parameter`` | ``plan`` | ``standaard``.
    """
    if override:
        return (
            int(override),
            "parameter",
            f"Beleid vergeleken vanaf {override} (ingesteld bij het maken van dit rapport).",
        )
    known = [(p, beleidsperiode(p)) for p in plans]
    known = [(p, bp) for p, bp in known if bp.startjaar_beleid is not None]
    if not known:
        extra = " Het plan noemt geen startjaar." if plans else ""
        return default, "standaard", f"Beleid vergeleken vanaf {default} (standaardinstelling).{extra}"
    years = sorted({bp.startjaar_beleid for _, bp in known})
    jaar = years[0]
    if len(years) == 1:
        bp = known[0][1]
        nul = f"; nulmeting {bp.nulmeting_jaar}" if bp.nulmeting_jaar else ""
        bron = f" ({bp.bron_pagina})" if bp.bron_pagina else ""
        return jaar, "plan", f"Beleid vergeleken vanaf {jaar}, het startjaar uit het plan{bron}{nul}."
    parts = "; ".join(f"{bp.plan}: {bp.startjaar_beleid}" for _, bp in known)
    return jaar, "plan", (f"Beleid vergeleken vanaf {jaar}, het vroegste startjaar van de plannen ({parts}).")


MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")
EVALUATIE_SOORTEN = ("evaluatie", "tussenevaluatie", "voortgangsrapportage")
"""Document kinds that judge the plan they describe (a notitie or plan citing an older evaluation does not)."""


@dataclass(frozen=True)
class PlanTijd:
    """Where a plan stands in time, for the report's indelingsjaar.

    ``afgerond``: the policy period ended before the report year, or an eindevaluatie covers its last year;
    ``geevalueerd``: the document is an evaluation of the plan; ``peiljaar``: the year of that evaluation (the
    plan's outcome is stated as of then; later figures are a separate, dated part); ``label``: e.g.
    ``"plan 2015–2018, geëvalueerd april 2018"``.
    """

    afgerond: bool
    geevalueerd: bool
    peiljaar: int | None
    peildatum: str | None
    label: str


def _date_label(value: object) -> tuple[int | None, str | None]:
    text = str(value or "").strip()
    if len(text) < 4 or not text[:4].isdigit():
        return None, None
    year = int(text[:4])
    month = int(text[5:7]) if len(text) >= 7 and text[5:7].isdigit() and 1 <= int(text[5:7]) <= 12 else None
    return year, f"{MAANDEN[month - 1]} {year}" if month else str(year)


def plan_in_time(plan: Plan, indelingsjaar: int) -> PlanTijd:
    """Whether ``plan`` is finished and evaluated, as of the report's ``indelingsjaar``, with a Dutch label.

    Examples: Almelo (GM0141) → ``plan 2015–2018, geëvalueerd april 2018``; Alblasserdam (GM0482) →
    ``plan 2020–2023, vastgesteld januari 2020; afgelopen, geen evaluatie van dit plan beschikbaar``.
    """
    start, eind = plan.periode.start, plan.periode.eind
    span = f"{start}–{eind}" if eind and eind != start else str(start)
    geevalueerd = plan.soort in EVALUATIE_SOORTEN
    peiljaar = peildatum = None
    if geevalueerd:
        raw = (plan.evaluatie.datum if plan.evaluatie and plan.evaluatie.datum else None) or plan.bron.datum
        peiljaar, peildatum = _date_label(raw)
    afgerond = bool(eind) and (eind < indelingsjaar or (geevalueerd and plan.soort == "evaluatie"
                                                         and peiljaar is not None and eind <= peiljaar))
    if geevalueerd:
        when = f"geëvalueerd {peildatum}" if peildatum else "geëvalueerd (datum onbekend)"
        if plan.soort == "tussenevaluatie" or (peiljaar is not None and eind and peiljaar < eind):
            when += " (vóór het einde van de planperiode)"
        return PlanTijd(afgerond, True, peiljaar, peildatum, f"plan {span}, {when}")
    kind = {"notitie": "notitie", "beleidskader": "beleidskader", "raadsbrief": "raadsbrief"}.get(plan.soort, "plan")
    _, vast = _date_label(plan.vastgesteld or plan.bron.datum)
    label = f"{kind} {span}" + (f", vastgesteld {vast}" if plan.vastgesteld and vast else f", van {vast}" if vast
                                else "")
    label += "; afgelopen, geen evaluatie van dit plan beschikbaar" if afgerond else "; nog niet geëvalueerd"
    return PlanTijd(afgerond, False, None, None, label)
