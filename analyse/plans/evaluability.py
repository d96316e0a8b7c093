"""Evaluability audit (evalueerbaarheid) of a plan: is there enough to judge it by?

Per opgave and per maatregel seven criteria are checked; the score is the number met (``x van 7``) and
``ontbreekt`` lists in Dutch what is missing. On plan level the audit names gaps with the same vocabulary the
evaluators' ``evaluatie.tekortkomingen`` use (``doelen_niet_smart``, ``geen_beleidstheorie``,
``indicator_continuiteit``, …), so the two can be compared.

Opgave criteria: specifiek doel, indicator, nulmeting, streefwaarde, deadline, budget, eigenaar.
Maatregel criteria: doel, meetbaar (indicator or output), nulmeting, streefwaarde, deadline, budget, eigenaar.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analyse.plans.schema import Doel, DoelIndicator, Maatregel, Opgave, Plan

CRITERIA_OPGAVE = ("specifiek_doel", "indicator", "nulmeting", "streefwaarde", "deadline", "budget", "eigenaar")
CRITERIA_MAATREGEL = ("doel", "meetbaar", "nulmeting", "streefwaarde", "deadline", "budget", "eigenaar")
ONTBREEKT_TEKST = {
    "specifiek_doel": "geen specifiek (toetsbaar) doel",
    "doel": "geen eigen doel geformuleerd",
    "indicator": "geen indicator",
    "meetbaar": "geen indicator of outputmaat",
    "nulmeting": "geen nulmeting (baseline)",
    "streefwaarde": "geen streefwaarde",
    "deadline": "geen termijn (deadline)",
    "budget": "geen begroot bedrag",
    "eigenaar": "geen eigenaar of uitvoerder",
}


@dataclass(frozen=True)
class AuditItem:
    """Audit of one opgave or maatregel."""

    niveau: str  # "opgave" | "maatregel"
    id: str
    titel: str
    opgave_id: str
    criteria: dict[str, bool]
    ontbreekt: tuple[str, ...]

    @property
    def score(self) -> int:
        """Number of criteria met (0-7)."""
        return sum(self.criteria.values())

    @property
    def max_score(self) -> int:
        return len(self.criteria)

    @property
    def pct(self) -> float:
        """Score as 0-100."""
        return 100 * self.score / self.max_score


@dataclass(frozen=True)
class Gat:
    """A plan-level monitoring gap, in the vocabulary of ``evaluatie.tekortkomingen``."""

    soort: str
    tekst: str
    ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanAudit:
    """Result of :func:`audit`."""

    opgaven: tuple[AuditItem, ...]
    maatregelen: tuple[AuditItem, ...]
    gaten: tuple[Gat, ...] = field(default_factory=tuple)

    @property
    def score(self) -> float:
        """Mean opgave score as 0-100 (NaN without opgaven)."""
        return sum(i.pct for i in self.opgaven) / len(self.opgaven) if self.opgaven else float("nan")

    def item(self, ident: str) -> AuditItem:
        for i in (*self.opgaven, *self.maatregelen):
            if i.id == ident:
                return i
        raise KeyError(ident)

    def soorten(self) -> set[str]:
        """The gap kinds found."""
        return {g.soort for g in self.gaten}

    def samenvatting(self) -> str:
        """Dutch one-paragraph summary (plain text)."""
        n = len(self.opgaven)
        parts = [f"Evalueerbaarheid: gemiddeld {round(self.score)} van 100 over {n} opgave{'n' if n != 1 else ''}."]
        parts += [g.tekst for g in self.gaten]
        return " ".join(parts)

    def to_frame(self) -> pd.DataFrame:
        """One row per opgave/maatregel: niveau, id, titel, opgave_id, one bool column per criterion, score,
        max_score, ontbreekt (joined)."""
        rows = [
            {
                "niveau": i.niveau,
                "id": i.id,
                "titel": i.titel,
                "opgave_id": i.opgave_id,
                **i.criteria,
                "score": i.score,
                "max_score": i.max_score,
                "ontbreekt": "; ".join(i.ontbreekt),
            }
            for i in (*self.opgaven, *self.maatregelen)
        ]
        return pd.DataFrame(rows)


def scope(plan: Plan, opgave: Opgave) -> tuple[list[Doel], list[Maatregel]]:
    """Doelen and maatregelen of an opgave including its sub-opgaven (``onderdeel_van``)."""
    doelen, maatregelen, todo, seen = [], [], [opgave], set()
    while todo:
        cur = todo.pop(0)
        if cur.id in seen:
            continue
        seen.add(cur.id)
        doelen += cur.doelen
        maatregelen += cur.maatregelen
        todo += [o for o in plan.opgaven if o.onderdeel_van == cur.id]
    return doelen, maatregelen


def _doel_specifiek(d: Doel) -> bool:
    if d.smart and d.smart.get("specifiek") is False:
        return False
    quantitative = any(di.streefwaarde is not None and di.streefwaarde.waarde is not None for di in d.indicatoren)
    return quantitative or (d.smart is not None and d.smart.get("specifiek") is True)


def _has_baseline(di: DoelIndicator) -> bool:
    return di.baseline is not None and di.baseline.waarde is not None


def _has_target(di: DoelIndicator) -> bool:
    return di.streefwaarde is not None and (di.streefwaarde.waarde is not None or di.streefwaarde.richting is not None)


def _budgeted(budget: tuple) -> bool:
    return any(b.begroot is not None for b in budget)


def _ontbreekt(criteria: dict[str, bool]) -> tuple[str, ...]:
    return tuple(ONTBREEKT_TEKST[k] for k, ok in criteria.items() if not ok)


def audit_opgave(plan: Plan, opgave: Opgave) -> AuditItem:
    """Seven evaluability criteria for one opgave (sub-opgaven included)."""
    doelen, maatregelen = scope(plan, opgave)
    dis = [di for d in doelen for di in d.indicatoren]
    crit = {
        "specifiek_doel": any(_doel_specifiek(d) for d in doelen),
        "indicator": bool(dis) or any(m.indicatoren for m in maatregelen),
        "nulmeting": any(_has_baseline(di) for di in dis),
        "streefwaarde": any(_has_target(di) for di in dis),
        "deadline": any(d.deadline for d in doelen) or any(_has_target(di) and di.streefwaarde.deadline for di in dis),
        "budget": _budgeted(opgave.budget)
        or any(_budgeted(m.budget) or any(_budgeted(a.budget) for a in m.acties) for m in maatregelen),
        "eigenaar": bool(opgave.eigenaar)
        or (bool(maatregelen) and all(m.eigenaar or m.uitvoerder for m in maatregelen)),
    }
    return AuditItem("opgave", opgave.id, opgave.titel, opgave.id, crit, _ontbreekt(crit))


def audit_maatregel(plan: Plan, opgave: Opgave, m: Maatregel) -> AuditItem:
    """Seven evaluability criteria for one maatregel."""
    linked = [di for d in scope(plan, opgave)[0] for di in d.indicatoren if di.indicator_id in m.indicatoren]
    crit = {
        "doel": bool(m.doel),
        "meetbaar": bool(m.indicatoren) or bool(m.outputs),
        "nulmeting": any(_has_baseline(di) for di in linked),
        "streefwaarde": any(o.doel is not None for o in m.outputs) or any(_has_target(di) for di in linked),
        "deadline": m.eind is not None
        or any(o.periode for o in m.outputs if o.doel is not None)
        or any(_has_target(di) and di.streefwaarde.deadline for di in linked),
        "budget": _budgeted(m.budget) or any(_budgeted(a.budget) for a in m.acties),
        "eigenaar": bool(m.eigenaar or m.uitvoerder),
    }
    return AuditItem("maatregel", m.id, m.titel, opgave.id, crit, _ontbreekt(crit))


def _plan_gaps(plan: Plan, opg: list[AuditItem], mr: list[AuditItem]) -> list[Gat]:  # noqa: C901
    gaps: list[Gat] = []
    not_smart = [i.id for i in opg if not i.criteria["specifiek_doel"]]
    if not_smart:
        gaps.append(
            Gat(
                "doelen_niet_smart",
                f"{len(not_smart)} van {len(opg)} opgaven hebben geen specifiek, "
                f"toetsbaar doel (geen kwantitatieve streefwaarde): {', '.join(not_smart)}.",
                tuple(not_smart),
            )
        )
    no_target = [i.id for i in opg if not i.criteria["streefwaarde"]]
    if no_target:
        gaps.append(
            Gat("geen_streefwaarden", f"Geen streefwaarde bij opgave {', '.join(no_target)}.", tuple(no_target))
        )
    no_base = [i.id for i in opg if i.criteria["indicator"] and not i.criteria["nulmeting"]]
    if no_base:
        gaps.append(
            Gat(
                "geen_nulmeting",
                f"Wel indicatoren maar geen nulmeting bij opgave {', '.join(no_base)}.",
                tuple(no_base),
            )
        )
    if not plan.beleidstheorie and not any(o.beleidstheorie for o in plan.opgaven):
        gaps.append(
            Gat(
                "geen_beleidstheorie",
                "Het plan beschrijft geen beleidstheorie (verandertheorie) die "
                "maatregelen, opgaven en beoogde effecten met elkaar verbindt.",
            )
        )
    broken = [i for i in plan.indicatoren if i.continuiteit not in (None, "bijgewerkt")]
    if broken:
        gaps.append(
            Gat(
                "indicator_continuiteit",
                "Indicatorreeksen zijn onderbroken: "
                + "; ".join(f"{i.naam} ({i.continuiteit.replace('_', ' ')})" for i in broken)
                + ".",
                tuple(i.indicator_id for i in broken),
            )
        )
    drift = [m.id for _, m in plan.maatregelen() if m.doelverschuiving]
    if drift:
        gaps.append(
            Gat(
                "doelverschuiving",
                f"Doel of doelgroep verschoof tijdens de uitvoering bij {', '.join(drift)}, "
                "zonder dat de doelstellingen zijn bijgesteld.",
                tuple(drift),
            )
        )
    with_budget_lines = [(m, b) for _, m in plan.maatregelen() for b in m.budget]
    unknown = [m.id for m, b in with_budget_lines if b.begroot is None and b.gerealiseerd is None]
    no_budget = [i.id for i in mr if not i.criteria["budget"]]
    if mr and (len(no_budget) > len(mr) / 2 or (with_budget_lines and len(unknown) > len(with_budget_lines) / 3)):
        gaps.append(
            Gat(
                "financien_niet_herleidbaar",
                f"Financiën zijn niet herleidbaar tot maatregelen: {len(no_budget)} "
                f"van {len(mr)} maatregelen zonder begroot bedrag.",
                tuple(no_budget),
            )
        )
    assessable = [m for _, m in plan.maatregelen() if m.status not in ("opgegaan in", "niet uitgevoerd", "gepland")]
    no_out = [m.id for m in assessable if not m.outputs]
    if assessable and len(no_out) > len(assessable) / 2:
        gaps.append(
            Gat(
                "outputdata_ontbreken",
                f"Outputgegevens ontbreken voor {len(no_out)} van {len(assessable)} "
                "uitgevoerde of gestarte maatregelen.",
                tuple(no_out),
            )
        )
    pilots = [x.id for x in plan.interventies if not x.resultaat_gerapporteerd]
    if pilots:
        gaps.append(
            Gat(
                "outputdata_ontbreken",
                f"Van {len(pilots)} pilots/interventies is geen resultaat gerapporteerd: {', '.join(pilots)}.",
                tuple(pilots),
            )
        )
    return gaps


def audit(plan: Plan) -> PlanAudit:
    """Evaluability audit of a plan: per opgave and maatregel (x van 7) plus plan-level gaps.

    Args:
        plan: a loaded plan.

    Returns:
        :class:`PlanAudit` (``opgaven``, ``maatregelen``, ``gaten``, ``score``, ``to_frame()``, ``samenvatting()``).
    """
    opg = [audit_opgave(plan, o) for o in plan.opgaven]
    mr = [audit_maatregel(plan, o, m) for o in plan.opgaven for m in o.maatregelen]
    return PlanAudit(tuple(opg), tuple(mr), tuple(_plan_gaps(plan, opg, mr)))
