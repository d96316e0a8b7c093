"""Rule-based conclusions per opgave and for the plan as a whole, with derived recommendations.

Inputs per opgave (sub-opgaven via ``onderdeel_van`` included):

* **uitvoering** ``u`` (0-1): mean of :data:`STATUS_SCORE` over the maatregelen whose status says something
  (``opgegaan in``, ``te vroeg``, ``gepland`` and ``onbekend`` are left out);
* **outputs** ``o`` (0-1): mean of ``min(realisatie / doel, 1)`` over outputs with both numbers;
* **indicatoren** ``i`` (-1…1): mean of +1 (beter), 0 (gelijk gebleven), -1 (slechter) over the linked indicators
  with a verdict. Verdicts come from ``analyse.compare.verdicts()`` when given, otherwise from the plan's own
  ``baseline`` → ``realisatie`` (indicative: figures without intervals);
* **doelbereik** ``t`` (0-1): share of numeric ``streefwaarde`` that the latest value meets;
* **budget** realisation ``Σ gerealiseerd / Σ begroot`` (context only) and the evaluability audit (context).

Rules, applied in this order; the first that fires decides (ids end up in ``regels_toegepast``):

=====================  ==========================================================  ========================
rule                   condition                                                   uitkomst
=====================  ==========================================================  ========================
R1_geen_gegevens       u, o, i and t all unknown                                   nog niet te beoordelen
R2_te_vroeg            ≥ half of the maatregelen ``te vroeg``/``gepland``          nog niet te beoordelen
R2b_uitvoering_onbekend ≥ half of the maatregelen status ``onbekend``: without      nog niet te beoordelen
                       indicators or targets; otherwise an 'op koers' of R5/R6      deels op koers
                       is capped (the known half cannot speak for the rest)
R3_uitvoering_laag     u < 0,35                                                    niet op koers
R4_laag_en_slechter    u < 0,5 and i < 0                                           niet op koers
R5_doelen_gehaald      t = 1 and (u unknown or u ≥ 0,5)                            op koers
R6_op_koers            u ≥ 0,7, i unknown or ≥ 0, o unknown or ≥ 0,75,             op koers
                       t unknown or ≥ 0,5
R7_alleen_indicatoren  u and o unknown: t known → op/deels/niet by t;              see condition
                       else (indicators only, no implementation data)              nog niet te beoordelen
R8_gemengd             anything else                                               deels op koers
=====================  ==========================================================  ========================

Plan as a whole (``RP_*``): all opgaven the same → that outcome; no opgave judgeable → nog niet te beoordelen;
at least half ``niet op koers`` → niet op koers; otherwise deels op koers.

Texts are plain Dutch (no HTML); numbers go through :mod:`analyse.formatting`.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyse import vocab
from analyse.formatting import fmt_eur, fmt_number, fmt_pct, fmt_value, period_label
from analyse.plans.evaluability import PlanAudit, audit, scope
from analyse.plans.schema import UITKOMSTEN, Maatregel, Plan, Tekst

EVALUATIE_SOORTEN = ("evaluatie", "tussenevaluatie", "voortgangsrapportage")

STATUS_SCORE: dict[str, float] = {
    "gerealiseerd": 1.0,
    "buiten plan gerealiseerd": 0.75,
    "gestart": 0.5,
    "ten dele": 0.5,
    "gestrand": 0.0,
    "niet uitgevoerd": 0.0,
}
STATUS_LABEL = {
    "gerealiseerd": "gerealiseerd",
    "buiten plan gerealiseerd": "buiten het plan gerealiseerd",
    "gestart": "gestart",
    "ten dele": "ten dele uitgevoerd",
    "gestrand": "gestrand",
    "niet uitgevoerd": "niet uitgevoerd",
    "te vroeg": "nog te vroeg om te beoordelen",
    "gepland": "gepland",
    "onbekend": "zonder bekende status",
}
VERDICT_SCORE = {"beter": 1.0, "gelijk gebleven": 0.0, "slechter": -1.0}
WEIGHTS = {"u": 0.5, "o": 0.2, "i": 0.2, "t": 0.1}
U_NIET, U_LAAG, U_OP_KOERS, O_OP_KOERS = 0.35, 0.5, 0.7, 0.75

KANTTEKENING_ATTRIBUTIE = (
    "Indicatoren bewegen door veel oorzaken (economie, corona, landelijke en regionale ontwikkelingen); een "
    "verandering is niet zonder meer aan het plan toe te schrijven."
)


@dataclass(frozen=True)
class IndicatorBewijs:
    """One indicator's evidence in a conclusion."""

    indicator_id: str
    naam: str
    eenheid: str | None
    base_period: str | None
    latest_period: str | None
    base_value: float | None
    latest_value: float | None
    verdict: str
    verdict_reason: str
    herkomst: str  # "monitor" (compare.verdicts) | "document" (plan baseline → realisatie)
    small_numbers: bool = False
    n_points: int | None = None
    streefwaarde: float | None = None
    doel_gehaald: bool | None = None


@dataclass(frozen=True)
class Conclusie:
    """A conclusion for an opgave, a group of maatregelen or the whole plan."""

    niveau: str  # "opgave" | "groep" | "plan"
    id: str
    titel: str
    uitkomst: str
    tekst: str
    bewijs: tuple[str, ...]
    kanttekeningen: tuple[str, ...]
    regels_toegepast: tuple[str, ...]
    score: float | None = None
    componenten: dict = field(default_factory=dict)
    indicatoren: tuple[IndicatorBewijs, ...] = ()
    aanbevelingen_evaluatoren: tuple[str, ...] = ()
    """The evaluators' own recommendations for this opgave (its maatregelen and sub-opgaven included)."""
    oordeel_evaluatoren: str | None = None
    """The evaluators' own words (short verbatim label, else their text) with the page, when the evaluation gives a
    verdict for this part; never our outcome word."""
    uitleg: str = ""
    """One Dutch sentence: which rule of this report decided or capped ``uitkomst``, and why."""
    woorden_evaluatoren: tuple[str, ...] = ()
    """The evaluators' own conclusions about this opgave, verbatim with page (``'label': tekst (p. x)``)."""


@dataclass(frozen=True)
class Aanbeveling:
    """A recommendation derived from a gap; ``regel`` names the gap rule."""

    tekst: str
    regel: str
    opgave_id: str | None = None
    ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanConclusies:
    """Result of :func:`conclude`."""

    plan: Conclusie
    opgaven: tuple[Conclusie, ...]
    aanbevelingen: tuple[Aanbeveling, ...]
    audit: PlanAudit

    def opgave(self, opgave_id: str) -> Conclusie:
        return next(c for c in self.opgaven if c.id == opgave_id)

    def to_frame(self) -> pd.DataFrame:
        """One row per conclusion (opgaven, then plan): niveau, id, titel, uitkomst, score, tekst."""
        rows = [
            {
                "niveau": c.niveau,
                "id": c.id,
                "titel": c.titel,
                "uitkomst": c.uitkomst,
                "score": c.score,
                "tekst": c.tekst,
                "kanttekeningen": " ".join(c.kanttekeningen),
                "regels_toegepast": ", ".join(c.regels_toegepast),
            }
            for c in (*self.opgaven, self.plan)
        ]
        return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------ indicator evidence
def _isnum(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)) and not math.isnan(x)


def _polariteit(plan: Plan, indicator_id: str, richting: str | None, catalogue: pd.DataFrame | None) -> str | None:
    reg = plan.indicator_def(indicator_id)
    if reg is not None and reg.polariteit:
        return reg.polariteit
    if catalogue is not None and len(catalogue):
        col = "id" if "id" in catalogue.columns else "indicator_id"
        hit = catalogue[catalogue[col] == indicator_id]
        if len(hit) and "polarity" in hit.columns:
            return str(hit["polarity"].iloc[0])
    return {"hoger": "hoger_beter", "lager": "lager_beter"}.get(richting or "")


def _own_verdict(base: float, latest: float, unit: str | None, pol: str | None) -> tuple[str, str]:
    """A plan's own baseline → realisatie figures have no margin: the difference is shown, never judged.

    A verdict word (verbeterd, verslechterd, gelijk gebleven) is a claim that the change exceeds (or stays within)
    chance; without counts or an interval that cannot be said, so these figures never count towards an outcome.
    """
    if pol not in (vocab.HOGER_BETER, vocab.LAGER_BETER):
        return vocab.NIET_TE_BEOORDELEN, "Geen richting bekend waarin deze indicator beter is."
    richting = "hoger" if latest > base else "lager" if latest < base else "gelijk"
    return vocab.MARGE_ONBEKEND, (f"Het cijfer uit het document is {richting} dan de nulmeting; zonder aantallen of "
                                 "marge is niet te zeggen of dat meer is dan toeval, dus het telt niet mee.")


def _meets(latest: float | None, target: float | None, pol: str | None, richting: str | None) -> bool | None:
    if not (_isnum(latest) and _isnum(target)):
        return None
    up = pol == "hoger_beter" or richting == "hoger"
    down = pol == "lager_beter" or richting == "lager"
    if up:
        return latest >= target
    if down:
        return latest <= target
    return None


def indicator_evidence(
    plan: Plan,
    indicator_ids: list[str],
    doelindicatoren: list,
    verdicts: pd.DataFrame | None,
    catalogue: pd.DataFrame | None = None,
) -> list[IndicatorBewijs]:
    """Evidence per indicator: a monitor verdict when ``verdicts`` has the id, else the plan's own figures."""
    v = verdicts if verdicts is not None else pd.DataFrame()
    if len(v) and "gemeentecode" in v.columns:
        v = v[v["gemeentecode"] == plan.gemeentecode]
    own = {di.indicator_id: di for di in doelindicatoren if di.gemeentecode in (None, plan.gemeentecode)}
    out: list[IndicatorBewijs] = []
    for ind in dict.fromkeys(indicator_ids):
        reg = plan.indicator_def(ind)
        di = own.get(ind)
        target = di.streefwaarde.waarde if di is not None and di.streefwaarde is not None else None
        richting = di.streefwaarde.richting if di is not None and di.streefwaarde is not None else None
        pol = _polariteit(plan, ind, richting, catalogue)
        unit = reg.eenheid if reg else None
        rows = v[v["indicator_id"] == ind] if len(v) else v
        if len(rows):
            r = rows.iloc[0]
            latest = r.get("latest_value")
            out.append(
                IndicatorBewijs(
                    ind,
                    str(r.get("naam") or (reg.naam if reg else ind)),
                    unit,
                    _s(r.get("base_period")),
                    _s(r.get("latest_period")),
                    _f(r.get("base_value")),
                    _f(latest),
                    str(r.get("verdict")),
                    str(r.get("verdict_reason") or ""),
                    "monitor",
                    _truthy(r.get("small_numbers")),
                    int(r["n_points"]) if _isnum(r.get("n_points")) else None,
                    target,
                    _meets(_f(latest), target, pol, richting),
                )
            )
        elif (
            di is not None
            and di.baseline is not None
            and di.realisatie is not None
            and _isnum(di.baseline.waarde)
            and _isnum(di.realisatie.waarde)
        ):
            verdict, reason = _own_verdict(di.baseline.waarde, di.realisatie.waarde, unit, pol)
            out.append(
                IndicatorBewijs(
                    ind,
                    reg.naam if reg else ind,
                    unit,
                    di.baseline.periode,
                    di.realisatie.periode,
                    di.baseline.waarde,
                    di.realisatie.waarde,
                    verdict,
                    reason,
                    "document",
                    False,
                    2,
                    target,
                    _meets(di.realisatie.waarde, target, pol, richting),
                )
            )
        else:
            out.append(
                IndicatorBewijs(
                    ind,
                    reg.naam if reg else ind,
                    unit,
                    None,
                    None,
                    None,
                    None,
                    vocab.NIET_TE_BEOORDELEN,
                    "Geen meting beschikbaar (geen monitorcijfer en geen realisatie in het document).",
                    "geen",
                )
            )
    return out


def _truthy(x: object) -> bool:
    try:
        return bool(x) and not pd.isna(x)
    except (TypeError, ValueError):
        return False


def _s(x: object) -> str | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


def _f(x: object) -> float | None:
    return float(x) if _isnum(x) else None


# ---------------------------------------------------------------------------------------------- core rules
def decide(
    u: float | None, o: float | None, i: float | None, t: float | None, share_early: float, share_unknown: float = 0.0
) -> tuple[str, str]:
    """Apply rules R1-R8 (see module docstring) and return (uitkomst, rule id).

    ``u`` is computed over the maatregelen with a known status only; ``share_unknown`` (the share whose status
    is ``onbekend``) keeps a well-carried-out known part from declaring the whole opgave on course (R2b).
    """
    if u is None and o is None and i is None and t is None:
        return "nog niet te beoordelen", "R1_geen_gegevens"
    if share_early >= 0.5:
        return "nog niet te beoordelen", "R2_te_vroeg"
    mostly_unknown = share_unknown >= 0.5
    if mostly_unknown and i is None and t is None:
        return "nog niet te beoordelen", "R2b_uitvoering_onbekend"
    outcome, rule = _decide_known(u, o, i, t)
    if mostly_unknown and outcome == "op koers":
        return "deels op koers", "R2b_uitvoering_onbekend"
    return outcome, rule


def _decide_known(u: float | None, o: float | None, i: float | None, t: float | None) -> tuple[str, str]:
    if u is not None and u < U_NIET:
        return "niet op koers", "R3_uitvoering_laag"
    if u is not None and u < U_LAAG and i is not None and i < 0:
        return "niet op koers", "R4_laag_en_slechter"
    if t is not None and t == 1 and (u is None or u >= U_LAAG):
        return "op koers", "R5_doelen_gehaald"
    if (
        u is not None
        and u >= U_OP_KOERS
        and (i is None or i >= 0)
        and (o is None or o >= O_OP_KOERS)
        and (t is None or t >= 0.5)
    ):
        return "op koers", "R6_op_koers"
    if u is None and o is None:
        if t is None:
            return "nog niet te beoordelen", "R7_alleen_indicatoren"
        return ("op koers" if t == 1 else "niet op koers" if t == 0 else "deels op koers"), "R7_alleen_indicatoren"
    return "deels op koers", "R8_gemengd"


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _score(comp: dict) -> float | None:
    parts = {"u": comp["u"], "o": comp["o"], "i": None if comp["i"] is None else (comp["i"] + 1) / 2, "t": comp["t"]}
    w = {k: WEIGHTS[k] for k, v in parts.items() if v is not None}
    return None if not w else round(100 * sum(parts[k] * w[k] for k in w) / sum(w.values()), 1)


def _ids(ms: list[Maatregel]) -> str:
    return ", ".join(m.id for m in ms)


def _conclude_scope(
    plan: Plan,
    niveau: str,
    ident: str,
    titel: str,
    maatregelen: list[Maatregel],
    doelen: list,
    verdicts: pd.DataFrame | None,
    catalogue: pd.DataFrame | None,
    audit_item: object | None = None,
) -> Conclusie:
    bewijs: list[str] = []
    kant: list[str] = []
    # uitvoering
    judged = [m for m in maatregelen if m.status in STATUS_SCORE]
    relevant = [m for m in maatregelen if m.status != "opgegaan in"]
    early = [m for m in relevant if m.status in ("te vroeg", "gepland")]
    u = _mean([STATUS_SCORE[m.status] for m in judged])
    if maatregelen:
        groups = {}
        for m in maatregelen:
            groups.setdefault(m.status, []).append(m)
        one = len(relevant) == 1  # "de enige maatregel is gerealiseerd", never "van de 1 maatregel is 1 …"
        parts = [("" if one else f"{len(ms)} ") + f"{STATUS_LABEL.get(s, s)} ({_ids(ms)})"
                 for s, ms in groups.items() if s != "opgegaan in"]
        merged = [f"{m.id} is opgegaan in {m.opgegaan_in}" for m in groups.get("opgegaan in", [])]
        head = "de enige maatregel is" if one else f"van de {len(relevant)} maatregelen zijn er"
        bewijs.append(
            f"Uitvoering: {head} " + "; ".join(parts) + "." + (" " + "; ".join(merged) + "." if merged else "")
        )
        unknown = groups.get("onbekend", [])
        if unknown:
            kant.append(f"Van {len(unknown)} maatregelen ({_ids(unknown)}) is de uitvoering onbekend.")
        outside = groups.get("buiten plan gerealiseerd", [])
        if outside:
            kant.append(
                f"{_ids(outside)} is buiten het plan gefinancierd of uitgevoerd; het resultaat is niet aan "
                "het plan toe te schrijven."
            )
    # outputs
    ratios, out_txt = [], []
    for m in maatregelen:
        for x in m.outputs:
            if _isnum(x.realisatie) and _isnum(x.doel) and x.doel:
                ratios.append(min(x.realisatie / x.doel, 1.0))
                target = fmt_number(x.doel) + (f"-{fmt_number(x.doel_max)}" if _isnum(x.doel_max) else "")
                out_txt.append(
                    f"{x.omschrijving} ({m.id}): {fmt_number(x.realisatie)} van {target}"
                    f"{' ' + x.eenheid if x.eenheid else ''} ({fmt_pct(100 * x.realisatie / x.doel, 0)})"
                )
    o = _mean(ratios)
    if out_txt:
        bewijs.append("Outputs: " + "; ".join(out_txt) + ".")
    # indicators
    dis = [di for d in doelen for di in d.indicatoren]
    ind_ids = [di.indicator_id for di in dis] + [x for m in maatregelen for x in m.indicatoren]
    ev = indicator_evidence(plan, ind_ids, dis, verdicts, catalogue)
    scored = [e for e in ev if e.verdict in VERDICT_SCORE]
    i = _mean([VERDICT_SCORE[e.verdict] for e in scored])
    met = [e.doel_gehaald for e in ev if e.doel_gehaald is not None]
    t = _mean([1.0 if x else 0.0 for x in met])
    for e in ev:
        if e.base_value is None or e.latest_value is None:
            continue
        if e.base_period == e.latest_period:
            bewijs.append(
                f"{e.naam}: alleen een meting ({period_label(e.base_period)}: "
                f"{fmt_value(e.base_value, e.eenheid or '')})."
            )
            continue
        line = (
            f"{e.naam}: van {fmt_value(e.base_value, e.eenheid or '')} ({period_label(e.base_period)}) naar "
            f"{fmt_value(e.latest_value, e.eenheid or '')} ({period_label(e.latest_period)}), {e.verdict}"
        )
        if e.streefwaarde is not None:
            line += f"; streefwaarde {fmt_value(e.streefwaarde, e.eenheid or '')} " + (
                "gehaald" if e.doel_gehaald else "niet gehaald"
            )
        bewijs.append(line + ".")
    if scored or any(e.verdict == vocab.MARGE_ONBEKEND for e in ev):  # figures shown: say what they cannot prove
        kant.append(KANTTEKENING_ATTRIBUTIE)
    elif maatregelen:
        kant.append(
            "Er is geen indicator met een bruikbare meting aan dit onderdeel gekoppeld; het oordeel rust op de "
            "uitvoering van maatregelen (input en output), niet op maatschappelijk effect."
        )
    for e in ev:
        reg = plan.indicator_def(e.indicator_id)
        if e.verdict == vocab.NIET_TE_BEOORDELEN:
            kant.append(f"{e.naam}: niet te beoordelen. {e.verdict_reason}")
        if e.herkomst == "document":
            kant.append(
                f"{e.naam}: cijfers uit het document zonder betrouwbaarheidsinterval (twee meetpunten); "
                "het oordeel is indicatief."
            )
        elif e.n_points is not None and e.n_points < 3 and e.herkomst == "monitor":
            kant.append(f"{e.naam}: te weinig meetpunten ({e.n_points}) om een trend vast te stellen.")
        if e.small_numbers:
            kant.append(f"{e.naam}: kleine aantallen, toevallige schommelingen zijn groot.")
        if reg is not None and reg.continuiteit in ("definitie_gewijzigd", "niet_herleidbaar", "geen_nieuwe_meting"):
            kant.append(f"{e.naam}: reeks onderbroken ({reg.continuiteit.replace('_', ' ')}).")
    # budget
    lines = [b for m in maatregelen for b in (*m.budget, *(bb for a in m.acties for bb in a.budget))]
    both = [b for b in lines if _isnum(b.begroot) and _isnum(b.gerealiseerd)]
    if both:
        beg, ger = sum(b.begroot for b in both), sum(b.gerealiseerd for b in both)
        rate = ger / beg if beg else None
        if beg == 0 and ger == 0:
            bewijs.append("Budget: voor deze maatregelen is niets begroot en niets uitgegeven (posten op '€ -').")
        elif beg == 0:
            bewijs.append(f"Budget: {fmt_eur(ger)} uitgegeven zonder begroot bedrag.")
        else:
            bewijs.append(
                f"Budget: {fmt_eur(ger)} uitgegeven van {fmt_eur(beg)} begroot ({fmt_pct(100 * rate, 0)}) "
                "in de jaren met beide bedragen."
            )
        if rate is not None and rate < 0.5:
            kant.append("Minder dan de helft van het budget is besteed; dat wijst op achterblijvende uitvoering.")
    elif maatregelen:
        kant.append("Begroting en realisatie zijn niet per maatregel bekend; over doelmatigheid valt niets te zeggen.")
    if audit_item is not None and audit_item.score <= 3:
        kant.append(
            f"Evalueerbaarheid laag ({audit_item.score} van {audit_item.max_score}): "
            + ", ".join(audit_item.ontbreekt)
            + "."
        )
    comp = {
        "u": u,
        "o": o,
        "i": i,
        "t": t,
        "n_maatregelen": len(maatregelen),
        "n_beoordeeld": len(judged),
        "n_indicatoren": len(scored),
    }
    unknown_share = (sum(m.status == "onbekend" for m in relevant) / len(relevant)) if relevant else 0.0
    uitkomst, rule = decide(u, o, i, t, len(early) / len(relevant) if relevant else 0.0, unknown_share)
    tekst = f"{titel}: {uitkomst}. " + " ".join(bewijs)
    if kant:
        tekst += " Wat niet te concluderen is: " + " ".join(kant)
    return Conclusie(
        niveau,
        ident,
        titel,
        uitkomst,
        tekst.strip(),
        tuple(bewijs),
        tuple(kant),
        (rule,),
        _score(comp),
        comp,
        tuple(ev),
    )


# -------------------------------------------------------------------------------------------------- public
def conclude_opgave(
    plan: Plan,
    opgave_id: str,
    verdicts: pd.DataFrame | None = None,
    catalogue: pd.DataFrame | None = None,
    plan_audit: PlanAudit | None = None,
) -> Conclusie:
    """Conclusion for one opgave (its sub-opgaven included), weighed against the evidence.

    The rule-based outcome of R1-R8 is then weighed (:func:`weigh_evidence`): capped at "deels op koers" when the
    evaluability is very low (R9), when only inputs were measured (R9b) or when the evaluators name at least as many
    knelpunten as successen (R10); the evaluators' own verdict for the opgave, where the evaluation gives one, is
    the outcome (R0) and a differing rule outcome is named.

    Args:
        plan: a loaded plan.
        opgave_id: id of the opgave.
        verdicts: frame from ``analyse.compare.verdicts()`` (may be None or empty).
        catalogue: indicator catalogue (for polarity of catalogue indicators), optional.
        plan_audit: a precomputed audit (computed when None).
    """
    o = plan.opgave(opgave_id)
    doelen, maatregelen = scope(plan, o)
    pa = plan_audit or audit(plan)
    raw = _conclude_scope(
        plan, "opgave", o.id, f"Opgave {o.id} '{o.titel}'", maatregelen, doelen, verdicts, catalogue, pa.item(o.id)
    )
    return weigh_evidence(plan, raw, pa.item(o.id))


EVALUEERBAARHEID_ZEER_LAAG = 2
"""An opgave that meets at most this many of the 7 evaluability criteria is at most 'deels op koers'."""
ORDE = {"niet op koers": 0, "deels op koers": 1, "op koers": 2}


def classify_bevinding(t: Tekst) -> str:
    """``succes``, ``knelpunt`` or ``neutraal``: the bevinding's ``soort``, else read from its wording."""
    if t.soort:
        return t.soort
    low = t.tekst.lower()
    if "knelpunt" in low or low.startswith(("verbeterpunt", "probleem")):
        return "knelpunt"
    if low.startswith(("succes", "het belangrijkste succes")) or "succesfactor" in low or "heeft zich bewezen" in low:
        return "succes"
    return "neutraal"


def bevindingen_scope(plan: Plan, opgave_id: str) -> tuple[list[Tekst], str]:
    """The evaluators' bevindingen about an opgave (its maatregelen and sub-opgaven included) and where they come
    from: ``opgave``; or, for an evaluation that reports findings for the plan as a whole only, ``plan``."""
    o = plan.opgave(opgave_id)
    sub = [x for x in plan.opgaven if x.id == o.id or x.onderdeel_van == o.id]
    own = [t for x in sub for t in x.bevindingen] + [
        t for _, m in ((x, m) for x in sub for m in x.maatregelen) for t in m.bevindingen
    ]
    if own:
        return own, "opgave"
    if plan.soort in EVALUATIE_SOORTEN:
        return list(plan.bevindingen), "plan"
    return [], "opgave"


def _evaluator_verdict(plan: Plan, opgave_id: str) -> tuple[str, str] | None:
    if plan.evaluatie is None:
        return None
    own = {m.id for m in plan.opgave(opgave_id).maatregelen}
    hits = [
        c
        for c in plan.evaluatie.conclusies
        if c.opgave == opgave_id and c.uitkomst and (not c.maatregelen or (own and own <= set(c.maatregelen)))
    ]
    if not hits:
        return None
    judged = [c for c in hits if c.uitkomst in ORDE]
    best = min(judged, key=lambda c: ORDE[c.uitkomst]) if judged else hits[0]
    text = f"'{(best.oordeel or best.tekst).strip()}'"
    return best.uitkomst, f"{text} ({best.bron_pagina})" if best.bron_pagina else text


def evaluator_recommendations(plan: Plan) -> pd.DataFrame:
    """The evaluators' recommendations (aanbevelingen) as written in the evaluation, per opgave.

    Returns:
        Columns niveau (``plan`` | ``opgave`` | ``maatregel``), opgave_id (None for the plan), maatregel_id, tekst,
        bron, bron_pagina; plan-level first, then in document order.
    """
    def rows_of(niveau: str, opgave_id: str | None, maatregel_id: str | None, texts: tuple) -> list[dict]:
        return [{"niveau": niveau, "opgave_id": opgave_id, "maatregel_id": maatregel_id, "tekst": t.tekst,
                 "bron": t.bron, "bron_pagina": t.bron_pagina} for t in texts]

    rows = rows_of("plan", None, None, plan.aanbevelingen)
    for o in plan.opgaven:
        rows += rows_of("opgave", o.id, None, o.aanbevelingen)
        for m in o.maatregelen:
            rows += rows_of("maatregel", o.id, m.id, m.aanbevelingen)
    return pd.DataFrame(rows, columns=["niveau", "opgave_id", "maatregel_id", "tekst", "bron", "bron_pagina"])


def _recommendations_for(plan: Plan, opgave_id: str) -> tuple[str, ...]:
    o = plan.opgave(opgave_id)
    ids = {x.id for x in plan.opgaven if x.id == o.id or x.onderdeel_van == o.id}
    recs = evaluator_recommendations(plan)
    recs = recs[recs["opgave_id"].isin(ids)]
    return tuple(
        f"{r.tekst} ({r.bron_pagina})" if isinstance(r.bron_pagina, str) else r.tekst for r in recs.itertuples()
    )


def weigh_evidence(plan: Plan, c: Conclusie, audit_item: object | None = None) -> Conclusie:
    """Weigh a rule-based opgave conclusion against the strength of its evidence and the evaluators' findings.

    Rules (ids added to ``regels_toegepast``):

    - R9_evalueerbaarheid_zeer_laag: audit score ≤ :data:`EVALUEERBAARHEID_ZEER_LAAG` of 7 → at most deels op koers;
    - R9b_alleen_input: no output, indicator or target evidence, only the implementation of maatregelen → at most
      deels op koers;
    - R10_knelpunten: the evaluators name at least as many knelpunten as successen (and at least one) → at most
      deels op koers;
    - R0_oordeel_evaluatoren: the evaluation gives its own verdict for this opgave → that verdict is the outcome;
      the rule outcome is kept in ``componenten['eigen_toets']`` and named when it differs.
    """
    uit = c.uitkomst
    rules = list(c.regels_toegepast)
    kant = list(c.kanttekeningen)
    bewijs = list(c.bewijs)
    comp = dict(c.componenten)
    cap_reasons = []
    if audit_item is not None and audit_item.score <= EVALUEERBAARHEID_ZEER_LAAG:
        cap_reasons.append(
            (
                "R9_evalueerbaarheid_zeer_laag",
                f"de evalueerbaarheid zeer laag is ({audit_item.score} van {audit_item.max_score})",
            )
        )
    if comp.get("u") is not None and all(comp.get(k) is None for k in ("o", "i", "t")):
        cap_reasons.append(
            ("R9b_alleen_input", "alleen de uitvoering van maatregelen (input) is vastgesteld, geen output of effect")
        )
    found, herkomst = bevindingen_scope(plan, c.id) if c.niveau == "opgave" else ([], "opgave")
    kinds = [classify_bevinding(t) for t in found]
    n_k, n_s = kinds.count("knelpunt"), kinds.count("succes")
    comp["knelpunten"], comp["successen"] = n_k, n_s
    if n_k and n_k >= n_s:
        waar = "voor het plan als geheel" if herkomst == "plan" else "bij deze opgave"
        cap_reasons.append(
            (
                "R10_knelpunten",
                f"de evaluatie {waar} {n_k} knelpunt{'en' if n_k != 1 else ''} noemt "
                f"tegenover {n_s} succes{'sen' if n_s != 1 else ''}",
            )
        )
    if uit == "op koers" and cap_reasons:
        uit = "deels op koers"
        rules += [r for r, _ in cap_reasons]
    else:
        cap_reasons = []
    comp["eigen_toets"] = uit
    own = own_rule_sentence(uit, rules, comp, cap_reasons)
    ev = _evaluator_verdict(plan, c.id) if c.niveau == "opgave" else None
    oordeel, uitleg = None, own
    if ev is not None:
        ev_uit, ev_text = ev
        oordeel = ev_text
        uitleg = reading_sentence(ev_uit, ev_text, uit, own)
        uit = ev_uit
        rules.insert(0, "R0_oordeel_evaluatoren")
    tekst = f"{c.titel}: {uit} (uitkomst van dit rapport). {uitleg} " + " ".join(bewijs)
    if kant:
        tekst += " Wat niet te concluderen is: " + " ".join(kant)
    return dataclasses.replace(
        c,
        uitkomst=uit,
        tekst=tekst.strip(),
        bewijs=tuple(bewijs),
        kanttekeningen=tuple(kant),
        regels_toegepast=tuple(rules),
        componenten=comp,
        aanbevelingen_evaluatoren=_recommendations_for(plan, c.id) if c.niveau == "opgave" else (),
        oordeel_evaluatoren=oordeel,
        uitleg=uitleg,
        woorden_evaluatoren=evaluator_words(plan, c.id) if c.niveau == "opgave" else (),
    )


RULE_REASONS: dict[str, str] = {
    "R1_geen_gegevens": "er is niets bekend over uitvoering, output, indicatoren of doelen",
    "R2_te_vroeg": "de helft of meer van de maatregelen is nog gepland of nog te vroeg om te beoordelen",
    "R2b_uitvoering_onbekend": "van de helft of meer van de maatregelen is niet bekend of ze zijn uitgevoerd",
    "R3_uitvoering_laag": "weinig maatregelen zijn uitgevoerd (uitvoeringsscore {u} , onder 35%)",
    "R4_laag_en_slechter": "de uitvoering blijft achter (score {u}) en de gekoppelde indicatoren verslechterden",
    "R5_doelen_gehaald": "alle streefwaarden met een meting zijn gehaald",
    "R6_op_koers": "de maatregelen zijn grotendeels uitgevoerd (score {u}) en niets wijst de andere kant op",
    "R7_alleen_indicatoren": "alleen indicatoren en streefwaarden zijn bekend, niet de uitvoering",
    "R8_gemengd": "het beeld is gemengd (uitvoeringsscore {u}; outputs, indicatoren en doelen wijzen niet één kant op)",
}
"""One plain-Dutch reason per decision rule R1-R8 (``{u}`` = the uitvoering score as a percentage)."""
CAP_RULES = ("R9_evalueerbaarheid_zeer_laag", "R9b_alleen_input", "R10_knelpunten")


def own_rule_sentence(uitkomst: str, rules: list[str], comp: dict, cap_reasons: list[tuple[str, str]]) -> str:
    """One Dutch sentence naming the rule of this report that decided (or capped) an outcome and why."""
    u = comp.get("u")
    base = next((r for r in rules if r in RULE_REASONS), None)
    if cap_reasons:
        reasons = [t for _, t in cap_reasons]
        joined = reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + " en " + reasons[-1]
        ids = ", ".join(r.split("_")[0] for r, _ in cap_reasons)
        return (f"Volgens de rekenregels van dit rapport hooguit '{uitkomst}' ({ids}): de uitvoering alleen gaf "
                f"'op koers', maar de uitkomst is begrensd omdat {joined}.")
    if base is None:
        return f"Volgens de rekenregels van dit rapport: '{uitkomst}'."
    reason = RULE_REASONS[base].format(u=fmt_pct(100 * u, 0) if u is not None else "onbekend")
    return f"Volgens de rekenregels van dit rapport: '{uitkomst}' ({base.split('_')[0]}: {reason})."


def reading_sentence(ev_uitkomst: str, ev_words: str, own_uitkomst: str, own_sentence: str) -> str:
    """The sentence that says an outcome is our reading of the evaluators' words (rule R0), not their scale."""
    head = (f"'{ev_uitkomst}' is de lezing door dit rapport van wat de evaluatoren schrijven ({ev_words}) op de "
            "schaal van dit rapport (regel R0); die schaal gebruiken de evaluatoren zelf niet.")
    tail = own_sentence.removeprefix("Volgens de rekenregels van dit rapport").lstrip(": ").rstrip(".")
    if own_uitkomst == ev_uitkomst:
        return head + f" Ook de rekenregels van dit rapport geven {tail}."
    return head + f" Zonder hun oordeel zouden de rekenregels van dit rapport uitkomen op {tail}."


def evaluator_words(plan: Plan, opgave_id: str) -> tuple[str, ...]:
    """The evaluators' own conclusions about an opgave, verbatim with page: ``'label': tekst (p. x)``."""
    if plan.evaluatie is None:
        return ()
    out = []
    for c in plan.evaluatie.conclusies:
        if c.opgave != opgave_id:
            continue
        head = f"'{c.oordeel.strip()}': " if c.oordeel else ""
        out.append(f"{head}{c.tekst.strip()}" + (f" ({c.bron_pagina})" if c.bron_pagina else ""))
    return tuple(out)


VOICE_COLUMNS = ["niveau", "opgave_id", "maatregel_id", "soort", "oordeel", "tekst", "bron", "bron_pagina"]
VOICE_KINDS = ("conclusie", "knelpunt", "succes", "bevinding", "aanbeveling", "tekortkoming")
"""Kinds of the evaluators' (or the document's) own texts, in the order the page shows them."""


def evaluator_voice(plan: Plan) -> pd.DataFrame:
    """Every text of the evaluators (or of the document's authors) that the plan file transcribes, one row each.

    Conclusions (``evaluatie.conclusies``), bevindingen classified as knelpunt / succes / bevinding
    (:func:`classify_bevinding`), aanbevelingen and the monitoring gaps the evaluators name (``tekortkoming``), at
    plan, opgave and maatregel level. Nothing is summarised or re-worded: the page shows these as the authors'.

    Returns:
        Columns :data:`VOICE_COLUMNS`; ``niveau`` is ``plan`` | ``opgave`` | ``maatregel`` (conclusions about a
        group of maatregelen without an opgave count as plan level), ``soort`` one of :data:`VOICE_KINDS`; rows in
        the order plan first, then opgaven in document order, and within each level by :data:`VOICE_KINDS`.
    """
    rows: list[dict] = []

    def add(niveau: str, opgave_id: str | None, maatregel_id: str | None, soort: str, tekst: str,
            bron: str | None = None, pagina: str | None = None, oordeel: str | None = None) -> None:
        rows.append({"niveau": niveau, "opgave_id": opgave_id, "maatregel_id": maatregel_id, "soort": soort,
                     "oordeel": oordeel, "tekst": tekst.strip(), "bron": bron, "bron_pagina": pagina})

    def add_texts(niveau: str, opgave_id: str | None, maatregel_id: str | None, bevindingen: tuple,
                  aanbevelingen: tuple) -> None:
        for t in bevindingen:
            kind = classify_bevinding(t)
            add(niveau, opgave_id, maatregel_id, "bevinding" if kind == "neutraal" else kind, t.tekst, t.bron,
                t.bron_pagina)
        for t in aanbevelingen:
            add(niveau, opgave_id, maatregel_id, "aanbeveling", t.tekst, t.bron, t.bron_pagina)

    ev = plan.evaluatie
    known = {o.id for o in plan.opgaven}
    if ev is not None:
        for c in ev.conclusies:
            opg = c.opgave if c.opgave in known else None
            add("opgave" if opg else "plan", opg, ", ".join(c.maatregelen) or None, "conclusie", c.tekst, None,
                c.bron_pagina, c.oordeel)
        for t in ev.tekortkomingen:
            opg = t.opgave if t.opgave in known else None
            add("opgave" if opg else "plan", opg, None, "tekortkoming", t.tekst, t.soort, t.bron_pagina)
    add_texts("plan", None, None, plan.bevindingen, plan.aanbevelingen)
    for o in plan.opgaven:
        add_texts("opgave", o.id, None, o.bevindingen, o.aanbevelingen)
        for m in o.maatregelen:
            add_texts("maatregel", o.id, m.id, m.bevindingen, m.aanbevelingen)
    out = pd.DataFrame(rows, columns=VOICE_COLUMNS)
    order = {None: -1, **{o.id: i for i, o in enumerate(plan.opgaven)}}
    out["_o"] = out["opgave_id"].map(lambda x: order.get(x, -1))
    out["_k"] = out["soort"].map(VOICE_KINDS.index)
    return out.sort_values(["_o", "_k"], kind="stable").drop(columns=["_o", "_k"]).reset_index(drop=True)


def conclude_maatregelen(
    plan: Plan,
    maatregel_ids: list[str],
    titel: str | None = None,
    verdicts: pd.DataFrame | None = None,
    catalogue: pd.DataFrame | None = None,
) -> Conclusie:
    """Conclusion for a group of maatregelen (e.g. M17-M20 'betekenisvolle contacten') with the doelen of their opgaven
    restricted to the indicators these maatregelen name (all doel-indicators when they name none)."""
    ms = [plan.maatregel(x) for x in maatregel_ids]
    own_ind = {x for m in ms for x in m.indicatoren}
    doelen = []
    for o, m in plan.maatregelen():
        if m.id in maatregel_ids:
            for d in o.doelen:
                if d not in doelen and (not own_ind or any(di.indicator_id in own_ind for di in d.indicatoren)):
                    doelen.append(d)
    label = titel or f"Maatregelen {', '.join(maatregel_ids)}"
    return _conclude_scope(plan, "groep", "+".join(maatregel_ids), label, ms, doelen, verdicts, catalogue)


def _counts_text(cs: list[Conclusie]) -> str:
    counts = {u: sum(c.uitkomst == u for c in cs) for u in UITKOMSTEN}
    return (
        f"{counts['op koers']} op koers, {counts['deels op koers']} deels op koers, "
        f"{counts['niet op koers']} niet op koers en {counts['nog niet te beoordelen']} nog niet te beoordelen"
    )


def _plan_conclusion(plan: Plan, opg: list[Conclusie], pa: PlanAudit) -> Conclusie:
    top = [c for c in opg if plan.opgave(c.id).onderdeel_van is None] or opg
    subs = [c for c in opg if c not in top]
    counts = {u: sum(c.uitkomst == u for c in top) for u in UITKOMSTEN}
    judged = [c for c in top if c.uitkomst != "nog niet te beoordelen"]
    if not top or not judged:
        uit, rule = "nog niet te beoordelen", "RP_niets_te_beoordelen"
    elif len({c.uitkomst for c in judged}) == 1 and len(judged) == len(top):
        uit, rule = judged[0].uitkomst, "RP_eensluidend"
    elif counts["niet op koers"] >= len(judged) / 2:
        uit, rule = "niet op koers", "RP_meerderheid_niet"
    else:
        uit, rule = "deels op koers", "RP_gemengd"
    rules = [rule]
    kinds = [classify_bevinding(t) for t in plan.bevindingen]
    if uit == "op koers" and kinds.count("knelpunt") and kinds.count("knelpunt") >= kinds.count("succes"):
        uit = "deels op koers"
        rules.append("RP10_knelpunten")
    bewijs = [f"{c.titel}: {c.uitkomst}." for c in top]
    own = plan_rule_sentence(uit, rules, counts, len(top))
    ev = None
    if plan.evaluatie is not None:
        ev = next((c for c in plan.evaluatie.conclusies if c.opgave is None and not c.maatregelen and c.uitkomst), None)
    oordeel, uitleg = None, own
    if ev is not None:
        oordeel = f"'{(ev.oordeel or ev.tekst).strip()}'" + (f" ({ev.bron_pagina})" if ev.bron_pagina else "")
        uitleg = reading_sentence(ev.uitkomst, oordeel, uit, own)
        uit = ev.uitkomst
        rules.insert(0, "RP0_oordeel_evaluatoren")
    scored = [c for c in top if c.score is not None]
    if len(scored) > 1:
        best = max(scored, key=lambda c: c.score)
        worst = min(scored, key=lambda c: c.score)
        bewijs.append(f"Het verst gevorderd is {best.titel}; het minst {worst.titel}.")
    kant = (
        [KANTTEKENING_ATTRIBUTIE, f"Evalueerbaarheid van het plan: gemiddeld {round(pa.score)} van 100."]
        if pa.opgaven
        else []
    )
    kant += [g.tekst for g in pa.gaten if g.soort in ("geen_beleidstheorie", "doelen_niet_smart")]
    n = len(top)
    tekst = f"Het plan als geheel: {uit}. Van de {n} opgave{'n' if n != 1 else ''} "
    tekst += ("is die " if n == 1 else "zijn er ") + _counts_text(top) + "."
    if subs:
        tekst += f" Van de {len(subs)} deelopgaven zijn er {_counts_text(subs)}."
    tekst += " " + uitleg + " " + " ".join(b for b in bewijs if b.startswith("Het verst"))
    if kant:
        tekst += " Wat niet te concluderen is: " + " ".join(kant)
    score = _mean([c.score for c in scored])
    return Conclusie(
        "plan",
        plan.gemeentecode,
        plan.titel,
        uit,
        tekst.strip(),
        tuple(bewijs),
        tuple(kant),
        tuple(rules),
        None if score is None else round(score, 1),
        {"aantallen": counts, "aantallen_deelopgaven": {u: sum(c.uitkomst == u for c in subs) for u in UITKOMSTEN}},
        oordeel_evaluatoren=oordeel,
        uitleg=uitleg,
        woorden_evaluatoren=plan_evaluator_words(plan),
    )


PLAN_RULE_REASONS = {
    "RP_niets_te_beoordelen": "geen enkele opgave is te beoordelen",
    "RP_eensluidend": "alle {n} opgaven hebben dezelfde uitkomst",
    "RP_meerderheid_niet": "de helft of meer van de beoordeelde opgaven is niet op koers",
    "RP_gemengd": "de opgaven hebben verschillende uitkomsten",
    "RP10_knelpunten": "de evaluatie noemt voor het plan als geheel minstens zoveel knelpunten als successen",
}


def plan_rule_sentence(uitkomst: str, rules: list[str], counts: dict, n: int) -> str:
    """One Dutch sentence naming the plan-level rule (RP_*) that decided the plan's outcome, and why."""
    used = [r for r in rules if r in PLAN_RULE_REASONS]
    reasons = "; ".join(PLAN_RULE_REASONS[r].format(n=n) for r in used)
    ids = ", ".join(used)
    return f"Volgens de rekenregels van dit rapport: '{uitkomst}' ({ids}: {reasons})." if used else (
        f"Volgens de rekenregels van dit rapport: '{uitkomst}'.")


def plan_evaluator_words(plan: Plan) -> tuple[str, ...]:
    """The evaluators' conclusions about the plan as a whole (no opgave), verbatim with page."""
    if plan.evaluatie is None:
        return ()
    known = {o.id for o in plan.opgaven}
    out = []
    for c in plan.evaluatie.conclusies:
        if c.opgave in known:
            continue
        head = f"'{c.oordeel.strip()}': " if c.oordeel else ""
        out.append(f"{head}{c.tekst.strip()}" + (f" ({c.bron_pagina})" if c.bron_pagina else ""))
    return tuple(out)


def _norm_theme(text: str | None) -> str:
    text = (text or "").lower().strip()
    text = re.sub(r"^(wmo|jeugd|mantelzorg)\s*:\s*", "", text)
    return re.sub(r"[^a-z0-9 ]", "", text).strip()


def shared_themes(results: list[tuple[Plan, PlanConclusies]]) -> pd.DataFrame:
    """One consistent statement per theme that several plans of a gemeente share.

    Opgaven of different plans belong to one theme when their titles are the same (ignoring a 'Wmo:' or
    'Jeugd:' prefix) or their ``thema`` fields are. The statement's ``uitkomst`` is the most cautious judged
    outcome among them ('nog niet te beoordelen' only when none is judged); ``tekst`` names each plan's verdict.

    Returns:
        Columns thema, uitkomst, tekst, onderdelen (``plan-titel/opgave-id`` joined by '; '), n_plannen. Only
        themes that occur in at least two plans.
    """
    nodes = [(i, p, c) for i, (p, pc) in enumerate(results) for c in pc.opgaven]
    parent = list(range(len(nodes)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keys: dict[str, int] = {}
    for k, (_, p, c) in enumerate(nodes):
        o = p.opgave(c.id)
        for key in {f"t:{_norm_theme(o.titel)}", f"h:{_norm_theme(o.thema)}" if o.thema else ""} - {""}:
            if key in keys:
                parent[find(k)] = find(keys[key])
            else:
                keys[key] = k
    groups: dict[int, list[int]] = {}
    for k in range(len(nodes)):
        groups.setdefault(find(k), []).append(k)
    rows = []
    for members in groups.values():
        plans_in = {nodes[k][0] for k in members}
        if len(plans_in) < 2:
            continue
        cs = [(nodes[k][1], nodes[k][2]) for k in members]
        judged = [c.uitkomst for _, c in cs if c.uitkomst in ORDE]
        uit = min(judged, key=ORDE.get) if judged else "nog niet te beoordelen"
        first = cs[0][1].titel
        parts = [f"{c.uitkomst} in '{p.titel.split(' - ')[-1]}' ({c.id})" for p, c in cs]
        same = len({c.uitkomst for _, c in cs}) == 1
        tekst = (
            f"{first}: {uit} in alle {len(plans_in)} plannen."
            if same
            else f"{first}: samen {uit} (het voorzichtigste oordeel); per plan: " + "; ".join(parts) + "."
        )
        titles = [_norm_theme(p.opgave(c.id).titel) for p, c in cs]
        label = max(titles, key=titles.count)
        first = next(c.titel for (p, c), t in zip(cs, titles) if t == label)
        tekst = (
            f"{first}: {uit} in alle {len(plans_in)} plannen."
            if same
            else f"{first}: samen {uit} (het voorzichtigste oordeel); per plan: " + "; ".join(parts) + "."
        )
        rows.append(
            {
                "thema": label,
                "uitkomst": uit,
                "tekst": tekst,
                "onderdelen": "; ".join(f"{p.titel.split(' - ')[-1]}/{c.id}" for p, c in cs),
                "n_plannen": len(plans_in),
            }
        )
    return pd.DataFrame(rows, columns=["thema", "uitkomst", "tekst", "onderdelen", "n_plannen"])


def recommend(
    plan: Plan, plan_audit: PlanAudit | None = None, opgaven: list[Conclusie] | None = None
) -> list[Aanbeveling]:
    """Recommendations derived from gaps in the plan, the audit and the conclusions (plain Dutch)."""
    pa = plan_audit or audit(plan)
    out: list[Aanbeveling] = []
    for item in pa.opgaven:
        o = plan.opgave(item.id)
        if not item.criteria["specifiek_doel"] or not item.criteria["streefwaarde"]:
            out.append(
                Aanbeveling(
                    f"Stel kwantitatieve doelen op voor opgave {o.id} '{o.titel}' (indicator, "
                    "streefwaarde en termijn).",
                    "A1_kwantitatieve_doelen",
                    o.id,
                )
            )
        doelen, maatregelen = scope(plan, o)
        no_base = [
            di.indicator_id for d in doelen for di in d.indicatoren if di.baseline is None or di.baseline.waarde is None
        ]
        for ind in dict.fromkeys(no_base):
            reg = plan.indicator_def(ind)
            out.append(
                Aanbeveling(
                    f"Leg een nulmeting vast voor '{reg.naam if reg else ind}' (opgave {o.id}).",
                    "A2_nulmeting",
                    o.id,
                    (ind,),
                )
            )
        if o.onderdeel_van is None and not item.criteria["eigenaar"]:
            missing = [m.id for m in maatregelen if not (m.eigenaar or m.uitvoerder)]
            if missing:
                out.append(
                    Aanbeveling(
                        f"Wijs een eigenaar aan voor de maatregelen {', '.join(missing)} (opgave {o.id}).",
                        "A3_eigenaar",
                        o.id,
                        tuple(missing),
                    )
                )
    if "geen_beleidstheorie" in pa.soorten():
        out.append(
            Aanbeveling(
                "Beschrijf per opgave een beleidstheorie: hoe de maatregelen bijdragen aan het doel en "
                "welke tussenresultaten dat laten zien.",
                "A4_beleidstheorie",
            )
        )
    for g in pa.gaten:
        if g.soort == "indicator_continuiteit":
            out.append(
                Aanbeveling(
                    "Zoek vervangende, openbaar herleidbare reeksen voor onderbroken indicatoren en leg "
                    "de definitie en bron vast.",
                    "A5_continuiteit",
                    None,
                    g.ids,
                )
            )
    pilots = [x for x in plan.interventies if not x.resultaat_gerapporteerd]
    if pilots:
        out.append(
            Aanbeveling(
                "Rapporteer resultaten van pilots: " + ", ".join(f"{x.naam} ({x.id})" for x in pilots) + ".",
                "A6_pilots_rapporteren",
                None,
                tuple(x.id for x in pilots),
            )
        )
    if "financien_niet_herleidbaar" in pa.soorten():
        out.append(
            Aanbeveling(
                "Begroot en verantwoord per maatregel (begroot en gerealiseerd per jaar), zodat "
                "besteding en resultaat te verbinden zijn.",
                "A7_financien",
            )
        )
    for c in opgaven or []:
        if c.uitkomst == "niet op koers":
            o = plan.opgave(c.id)
            stalled = [m.id for m in scope(plan, o)[1] if m.status in ("niet uitgevoerd", "gestrand")]
            if stalled:
                out.append(
                    Aanbeveling(
                        f"Maak de maatregelen {', '.join(stalled)} concreet met een eigenaar en planning, "
                        "of schrap ze bewust en zoek een alternatief.",
                        "A8_stilgevallen_maatregelen",
                        o.id,
                        tuple(stalled),
                    )
                )
    unique: dict[str, Aanbeveling] = {}
    for a in out:
        unique.setdefault(a.tekst, a)
    return list(unique.values())


def conclude(plan: Plan, verdicts: pd.DataFrame | None = None, catalogue: pd.DataFrame | None = None) -> PlanConclusies:
    """Conclusions per opgave, for the plan as a whole, and recommendations.

    Args:
        plan: a loaded plan.
        verdicts: frame from ``analyse.compare.verdicts()`` for the plan's gemeente (None or empty allowed).
        catalogue: indicator catalogue (optional; gives polarity of catalogue indicators without a verdict).

    Returns:
        :class:`PlanConclusies` with ``plan``, ``opgaven`` (one :class:`Conclusie` each), ``aanbevelingen``, ``audit``.
    """
    pa = audit(plan)
    opg = [conclude_opgave(plan, o.id, verdicts, catalogue, pa) for o in plan.opgaven]
    return PlanConclusies(_plan_conclusion(plan, opg, pa), tuple(opg), tuple(recommend(plan, pa, opg)), pa)
