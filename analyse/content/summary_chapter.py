"""Content of the first screen: who the gemeente is, per opgave our outcome beside the evaluators' words and the one
figure that matters, one money line, the evaluators' recommendations and at most three key messages.

The wethouder reads this and nothing else: it must say in ten seconds how the gemeente is doing.

Key messages come from the indicator records (``indicator_chapter.records``) and are chosen by this rule
(stated once, here):

1. only indicators whose change since the nulmeting is ``beter`` or ``slechter`` beyond chance with a known
   margin (``verdict_allowed``; never "marge onbekend"), not stale, not across a break, and no absolute counts
   (unit ``aantal``: their share or rate says the same, comparably);
2. one message per indicator family (the catalogue's ``familie``, else the first word of the id: jeugdzorg and
   jeugdzorg in natura are one family);
3. indicators linked to an opgave of the gemeente's plan come first, then the largest relative change;
4. at most :data:`MAX_MESSAGES`; the first screen says how many there are, never more.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analyse import vocab
from analyse.formatting import fmt_signed, fmt_value, period_label

OUTCOMES = ("op koers", "deels op koers", "niet op koers", "nog niet te beoordelen")
"""Opgave outcomes in the order the badges are counted."""
MAX_MESSAGES = 3
NUMBER_WORDS = {1: "Eén", 2: "Twee", 3: "Drie", 4: "Vier", 5: "Vijf"}
MAX_RECOMMENDATIONS = 5
"""At most this many plan-level aanbevelingen on the first screen (the rest in the chapter Opgaven)."""


@dataclass
class Badge:
    """One opgave with its outcome (ours, by the rules of this report); ``onderdelen`` are the sub-opgaven (title,
    outcome). ``evaluatoren`` is what the evaluators wrote (their words and page), ``kerncijfer`` the one figure
    that matters and ``uitleg`` the sentence naming the rule behind the outcome."""

    titel: str
    uitkomst: str
    plan: str
    onderdelen: list[tuple[str, str]] = field(default_factory=list)
    evaluatoren: str = ""
    kerncijfer: str = ""
    uitleg: str = ""


@dataclass
class KeyMessage:
    """A plain-Dutch key message about one indicator."""

    indicator_id: str
    tekst: str
    richting: str
    """``beter`` or ``slechter``."""
    opgave: str | None = None
    indicatief: bool = False
    """Kept for the renderer; always False now (a message needs a known margin)."""


@dataclass
class FirstScreen:
    """What the first screen shows."""

    badges: list[Badge]
    counts: dict[str, int]
    messages: list[KeyMessage]
    regio: str | None
    periode: str
    monitoring: list[str] = field(default_factory=list)
    """For plans without statuses (no evaluation yet): one sentence per plan on what can be followed."""
    plans: list[str] = field(default_factory=list)
    """Per plan: where it stands in time and, for an evaluation, the evaluators' overall conclusion in their words."""
    money: list[str] = field(default_factory=list)
    """The money line: begroting vs jaarrekening, real growth vs peers and Nederland, taakstellingen."""
    recommendations: list[str] = field(default_factory=list)
    """The evaluators' plan-level aanbevelingen (first sentence, page), the decisions on the table."""
    recommendations_total: int = 0
    recommendations_by: str = "de evaluatoren"
    """Who wrote the recommendations: ``de evaluatoren``, or ``het plan`` for a plan document without evaluation."""
    effect_note: str | None = None
    """Why no before/after figures are headlined (the evaluation itself declined effect figures)."""
    messages_note: str | None = None
    """When the plan is finished: the key messages are CBS figures after it, not a verdict on the plan."""

    @property
    def messages_heading(self) -> str:
        """'Eén kernboodschap', 'Twee kernboodschappen', …: never more than the messages shown."""
        n = len(self.messages)
        word = NUMBER_WORDS.get(n, str(n))
        return f"{word} kernboodschap" if n == 1 else f"{word} kernboodschappen"


EXECUTION_WORDS = {"gerealiseerd": "gerealiseerd", "buiten plan gerealiseerd": "gerealiseerd",
                   "gestart": "gestart of ten dele", "ten dele": "gestart of ten dele",
                   "gestrand": "niet uitgevoerd of gestrand", "niet uitgevoerd": "niet uitgevoerd of gestrand"}


def key_figure(pc: Any, opgave_id: str, conclusion: Any | None) -> str:
    """The one figure that matters for an opgave: a measured indicator change (not when the evaluation declined
    effect figures), else outputs against their target, else how many maatregelen were carried out."""
    if conclusion is not None and not getattr(pc, "geen_effectcijfers", None):
        for e in getattr(conclusion, "indicatoren", ()):
            if e.base_value is None or e.latest_value is None or e.base_period == e.latest_period:
                continue
            unit = e.eenheid or ""
            return (f"{e.naam}: {fmt_value(e.base_value, unit)} ({period_label(e.base_period)}) → "
                    f"{fmt_value(e.latest_value, unit)} ({period_label(e.latest_period)})")
    plan = pc.plan
    scope_ids = {o.id for o in plan.opgaven if o.id == opgave_id or getattr(o, "onderdeel_van", None) == opgave_id}
    ms = [m for o in plan.opgaven if o.id in scope_ids for m in getattr(o, "maatregelen", ())]
    for m in ms:
        for x in m.outputs:
            if isinstance(x.realisatie, (int, float)) and isinstance(x.doel, (int, float)) and x.doel:
                unit = f" {x.eenheid}" if x.eenheid and x.eenheid.lower() not in x.omschrijving.lower() else ""
                return f"{x.omschrijving}: {fmt_value(x.realisatie, 'aantal')} van {fmt_value(x.doel, 'aantal')}{unit}"
    judged = [m for m in ms if m.status in EXECUTION_WORDS]
    if not judged:
        return ""
    counts: dict[str, int] = {}
    for m in judged:
        counts[EXECUTION_WORDS[m.status]] = counts.get(EXECUTION_WORDS[m.status], 0) + 1
    parts = [f"{n} {w}" for w, n in counts.items()]
    return f"Van de {len(judged)} maatregelen met een bekende status: " + ", ".join(parts)


def _evaluator_line(pc: Any, opgave_id: str, conclusion: Any | None) -> str:
    """The evaluators' words about an opgave, or (without them) what their findings count."""
    words = getattr(conclusion, "oordeel_evaluatoren", None) if conclusion is not None else None
    if words:
        return f"Evaluatoren: {words}"
    comp = getattr(conclusion, "componenten", {}) or {}
    n_k, n_s = comp.get("knelpunten", 0), comp.get("successen", 0)
    if n_k or n_s:
        from analyse.plans.conclusions import bevindingen_scope

        _, where = bevindingen_scope(pc.plan, opgave_id)
        scope = f" voor heel '{pc.title.split(' - ')[-1]}'" if where == "plan" else ""
        return (f"Evaluatoren: geen eigen oordeel over deze opgave; zij noemen {n_k} knelpunt"
                f"{'en' if n_k != 1 else ''} en {n_s} succes{'sen' if n_s != 1 else ''}{scope}")
    return ""


def badges(plan_contents: list[Any]) -> list[Badge]:
    """One badge per top-level opgave of every plan (sub-opgaven listed on their parent's badge)."""
    out = []
    seen: set[str] = set()
    for pc in plan_contents:
        if getattr(pc, "monitoring", None) is not None:
            continue  # a plan, not an evaluation: no verdicts to show (see monitoring_lines)
        by_id = {c.id: c for c in pc.conclusions.opgaven}
        for opg in pc.plan.opgaven:
            if getattr(opg, "onderdeel_van", None):
                continue
            c = by_id.get(opg.id)
            subs = [(sub.titel, by_id[sub.id].uitkomst) for sub in pc.plan.opgaven
                    if getattr(sub, "onderdeel_van", None) == opg.id and sub.id in by_id]
            words = _evaluator_line(pc, opg.id, c)
            if words and words in seen:
                words = ""  # a plan-level count is said once, on the plan's first badge
            seen.add(words)
            out.append(Badge(opg.titel, c.uitkomst if c else "nog niet te beoordelen", pc.title, subs,
                             words, key_figure(pc, opg.id, c), getattr(c, "uitleg", "") if c else ""))
    return out


JUDGED_ORDER = ("niet op koers", "deels op koers", "op koers")
"""Most cautious first: the outcome of a theme shared by several plans."""


def _theme_key(title: str) -> str:
    text = str(title).strip().lower()
    for prefix in ("wmo:", "jeugd:", "participatie:", "preventie:"):
        text = text.removeprefix(prefix).strip()
    return text


def merge_shared(badge_list: list[Badge]) -> list[Badge]:
    """One badge per theme: opgaven of different plans with the same title (ignoring a 'Wmo:'/'Jeugd:' prefix)
    become one badge with the most cautious judged outcome ('nog niet te beoordelen' only when none is judged),
    the same rule as :func:`analyse.plans.conclusions.shared_themes`."""
    groups: dict[str, list[Badge]] = {}
    for b in badge_list:
        groups.setdefault(_theme_key(b.titel), []).append(b)
    out = []
    for members in groups.values():
        if len(members) == 1:
            out.append(members[0])
            continue
        judged = [m.uitkomst for m in members if m.uitkomst in JUDGED_ORDER]
        outcome = min(judged, key=JUDGED_ORDER.index) if judged else "nog niet te beoordelen"
        subs = [s for m in members for s in m.onderdelen]
        quoted = [m.evaluatoren for m in members if m.evaluatoren.startswith("Evaluatoren: '")]
        words = "; ".join(dict.fromkeys(quoted)) or next((m.evaluatoren for m in members if m.evaluatoren), "")
        figure = next((m.kerncijfer for m in members if m.kerncijfer), "")
        out.append(Badge(members[0].titel, outcome, f"{len(members)} plannen", subs, words, figure,
                         f"Eén uitkomst voor {len(members)} plannen met dit thema: de voorzichtigste."))
    return out


def monitoring_lines(plan_contents: list[Any]) -> list[str]:
    """One sentence per plan without statuses: how many doelen have an indicator, a nulmeting, CBS data."""
    out = []
    for pc in plan_contents:
        view = getattr(pc, "monitoring", None)
        if view is None or view.empty:
            continue
        doelen = view.drop_duplicates(["opgave_id", "doel_id"])
        n = len(doelen)
        out.append(f"{pc.title}: een plan zonder evaluatie. Van de {n} doelen hebben er "
                   f"{int(doelen['heeft_indicator'].sum())} een indicator en {int(doelen['heeft_nulmeting'].sum())} "
                   f"een nulmeting; {int(view['meetbaar_met_cbs'].sum())} indicatoren zijn nu met CBS-cijfers te "
                   "volgen (zie Opgaven: wat er te volgen is).")
    return out


def count_outcomes(badge_list: list[Badge]) -> dict[str, int]:
    """Number of badges per outcome (every outcome present, also with 0)."""
    counts = {o: 0 for o in OUTCOMES}
    for b in badge_list:
        counts[b.uitkomst if b.uitkomst in counts else "nog niet te beoordelen"] += 1
    return counts


def linked_indicators(plan_contents: list[Any]) -> dict[str, str]:
    """indicator_id → title of the (first) opgave whose doelen or maatregelen name it."""
    out: dict[str, str] = {}
    for pc in plan_contents:
        for opg in pc.plan.opgaven:
            ids = [di.indicator_id for d in opg.doelen for di in d.indicatoren]
            ids += [i for m in opg.maatregelen for i in getattr(m, "indicatoren", ()) if isinstance(i, str)]
            for ind in ids:
                out.setdefault(ind, opg.titel)
    return out


def _relative_change(base: float, latest: float) -> float:
    if base is None or latest is None or pd.isna(base) or pd.isna(latest) or base == 0:
        return 0.0
    return abs(latest - base) / abs(base)


def family(indicator_id: str, catalogue_family: str | None = None) -> str:
    """The indicator family of a key message (rule 2 of the module docstring)."""
    if isinstance(catalogue_family, str) and catalogue_family:
        return catalogue_family
    return str(indicator_id).split("_")[0]


def key_messages(recs: pd.DataFrame | None, linked: dict[str, str], limit: int = MAX_MESSAGES) -> list[KeyMessage]:
    """At most ``limit`` key messages from the indicator records, by the rules in the module docstring."""
    if recs is None or recs.empty:
        return []
    ok = (recs["change_verdict"].isin([vocab.BETER, vocab.SLECHTER]) & recs["verdict_allowed"]
          & ~recs["stale"].astype(bool) & (recs["unit"] != "aantal"))
    v = recs[ok].copy()
    if v.empty:
        return []
    v["is_linked"] = v["indicator_id"].map(lambda i: i in linked)
    v["rel_change"] = [_relative_change(b, latest) for b, latest in zip(v["base_value"], v["latest_value"])]
    v["familie"] = [family(i) for i in v["indicator_id"]]
    v = v.sort_values(["is_linked", "rel_change"], ascending=[False, False], kind="stable")
    v = v.drop_duplicates("familie")
    out = []
    for r in v.head(limit).itertuples(index=False):
        unit = str(r.unit or "")
        naam = r.naam if isinstance(r.naam, str) and r.naam else r.indicator_id
        moved = "gestegen" if r.latest_value > r.base_value else "gedaald"
        gunstig = "gunstig" if r.change_verdict == vocab.BETER else "ongunstig"
        text = (f"{naam} is {moved} van {fmt_value(r.base_value, unit)} ({period_label(r.base_period)}) naar "
                f"{fmt_value(r.latest_value, unit)} ({period_label(r.latest_period)}): meer dan de gewone "
                f"schommeling van jaar tot jaar, en {gunstig}.")
        out.append(KeyMessage(r.indicator_id, text, r.change_verdict, linked.get(r.indicator_id), False))
    return out


def policy_label(start: int, plan_contents: list[Any]) -> str:
    """Policy period for the header: the plan's ``start–eind`` when known, else ``vanaf <start>``."""
    for pc in plan_contents:
        periode = getattr(pc.plan, "periode", None)
        eind = getattr(periode, "eind", 0) if periode is not None else 0
        if eind and not (isinstance(eind, float) and math.isnan(eind)) and int(eind) >= start:
            return f"{start}–{int(eind)}"
    return f"vanaf {start}"


def _overall_words(plan: Any) -> str:
    """The evaluators' overall verdict on the plan: their short label (or first sentence) with its page."""
    ev = getattr(plan, "evaluatie", None)
    known = {o.id for o in plan.opgaven}
    loose = [c for c in getattr(ev, "conclusies", ()) if c.opgave not in known]
    c = next((c for c in loose if not c.maatregelen), loose[0] if loose else None)
    if c is None:
        return ""
    words = f"'{c.oordeel.strip()}'" if c.oordeel else _first_sentence(c.tekst, 140)
    return words + (f" ({c.bron_pagina})" if c.bron_pagina else "")


def plan_lines(plan_contents: list[Any]) -> list[str]:
    """Per evaluation document: the plans it evaluates with their place in time ('plan 2015–2018, geëvalueerd april
    2018') and the evaluators' overall verdict in their words; a finished plan's outcome is stated as of its
    evaluation. Plans without evaluation get their own line ('plan 2020–2023, vastgesteld januari 2020; …')."""
    groups: dict[str, list[Any]] = {}
    for pc in plan_contents:
        if getattr(pc, "tijd", None) is None:
            continue
        key = getattr(getattr(pc.plan, "bron", None), "document", None) or pc.title
        groups.setdefault(f"{pc.tijd.geevalueerd}:{key}", []).append(pc)
    out = []
    for members in groups.values():
        first = members[0]
        tijd = first.tijd
        if len(members) == 1:
            title = first.title.split(" - ")[-1].rstrip()
            end = "" if title.endswith(("?", ".", "!")) else "."
            line = f"{tijd.label[0].upper()}{tijd.label[1:]}: {title}{end}"
        else:
            parts = [f"{pc.title.split(' - ')[-1]} ({pc.tijd.label.split(', geëvalueerd')[0]}"
                     + (", vóór het einde van de planperiode" if "vóór het einde" in pc.tijd.label else "") + ")"
                     for pc in members]
            line = f"Eén evaluatie ({tijd.peildatum or 'datum onbekend'}) van {len(members)} plannen: " + "; ".join(
                parts) + "."
        if tijd.geevalueerd:
            words = next((w for w in (_overall_words(pc.plan) for pc in members) if w), "")
            if words:
                line += f" Evaluatoren over het geheel: {words}."
            if all(pc.tijd.afgerond for pc in members) and tijd.peildatum:
                line += f" Uitkomsten per opgave zoals bij de evaluatie ({tijd.peildatum})."
        out.append(line)
    return out


def _split_page(text: str) -> tuple[str, str]:
    """``("tekst", " (p. 5)")`` from ``"tekst (p. 5)"``; nested brackets (``(hoofdstuk 7 (p. 57))``) kept whole."""
    text = text.strip()
    if not text.endswith(")"):
        return text, ""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return (text[:i].rstrip(), f" {text[i:]}") if i > 0 else (text, "")
    return text, ""


SENTENCE_END = re.compile(r"(?<=[^\d\s])[.!?](?=\s+[A-Z'\"(])")


def _first_sentence(text: str, limit: int = 160) -> str:
    """The first sentence of an evaluator's text (their words, cut with '…' when longer than ``limit``), with
    a trailing page reference kept."""
    text, page = _split_page(text)
    m = SENTENCE_END.search(text)
    first = text[: m.end()] if m else text
    first = first.removesuffix(" ...")  # a transcriber's elision right after the sentence: one '…' is enough
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0] + " …"
    elif len(first) < len(text):
        first += " …"
    return first + page


def recommendation_lines(plan_contents: list[Any]) -> tuple[list[str], int]:
    """The evaluators' plan-level aanbevelingen (first sentence and page) and how many there are in total."""
    lines = []
    for pc in plan_contents:
        voice = getattr(pc, "voice", None)
        if voice is None or voice.empty:
            continue
        recs = voice[(voice["niveau"] == "plan") & (voice["soort"] == "aanbeveling")]
        for t, b in zip(recs["tekst"], recs["bron_pagina"]):
            lines.append(_first_sentence(f"{t} ({b})" if isinstance(b, str) and b else t))
    return lines[:MAX_RECOMMENDATIONS], len(lines)


def money_lines(costs: Any | None, plan_contents: list[Any]) -> list[str]:
    """One money line: begroting vs jaarrekening, real growth against peers and Nederland (with the breaks it
    crosses and the years that stay nominal), taakstellingen realised where a plan has them."""
    out = []
    line = getattr(costs, "budget_line", "") if costs is not None else ""
    if line:
        out.append(line[0].upper() + line[1:] + ".")
    g = getattr(costs, "growth", None) if costs is not None else None
    if g is not None:
        text = (f"Lasten sociaal domein per inwoner na inflatie {g.van}–{g.tot}: {fmt_signed(g.gemeente_pct, 0)}%")
        cmp = [f"{fmt_signed(g.peers_pct, 0)}% bij vergelijkbare gemeenten" if g.peers_pct is not None else "",
               f"{fmt_signed(g.nl_pct, 0)}% in Nederland" if g.nl_pct is not None else ""]
        cmp = [c for c in cmp if c]
        if cmp:
            text += ", tegen " + " en ".join(cmp)
        if g.breaks:
            text += "; let op, over breuken heen (" + "; ".join(g.breaks) + ")"
        if g.nominal_years:
            text += (f"; {', '.join(map(str, g.nominal_years))} alleen nominaal (CPI-reeks tot {g.cpi_last})")
        out.append(text + ".")
    for pc in plan_contents:
        if getattr(pc, "savings_line", ""):
            out.append(pc.savings_line)
    return out


def effect_note(plan_contents: list[Any]) -> str | None:
    """When every evaluated plan declined effect figures: the evaluators' reason, so no before/after figure is
    headlined on the first screen."""
    evaluated = [pc for pc in plan_contents if getattr(getattr(pc, "tijd", None), "geevalueerd", False)]
    reasons = [pc.geen_effectcijfers for pc in evaluated if getattr(pc, "geen_effectcijfers", None)]
    if not evaluated or len(reasons) < len(evaluated):
        return None
    return (f"De evaluatie nam bewust geen effectcijfers op: {reasons[0].strip()} Daarom staan hier geen "
            "voor-en-na-cijfers als kernboodschap; de CBS-cijfers staan in het hoofdstuk Indicatoren.")


def _messages_note(plan_contents: list[Any], messages: list[KeyMessage], verdicts: pd.DataFrame | None) -> str | None:
    tijd = [pc.tijd for pc in plan_contents if getattr(pc, "tijd", None) is not None]
    if not messages or not tijd or not all(t.afgerond and t.geevalueerd for t in tijd):
        return None
    if verdicts is None or verdicts.empty:
        return None
    shown = verdicts[verdicts["indicator_id"].isin([m.indicator_id for m in messages])]
    years = [int(str(p)[:4]) for p in shown["latest_period"].dropna() if str(p)[:4].isdigit()]
    ends = max(pc.plan.periode.eind for pc in plan_contents if getattr(pc, "tijd", None) is not None)
    if not years or max(years) <= ends:
        return None
    return (f"Het plan liep tot {ends}; deze CBS-cijfers lopen tot {max(years)} en gaan ook over de tijd daarna: "
            "ze zijn geen oordeel over het plan.")


def build(gemeente: Any, plan_contents: list[Any], records: pd.DataFrame | None, start: int,
          costs: Any | None = None) -> FirstScreen:
    """The first screen of one report: ``records`` are the indicator records (``indicator_chapter.records``),
    ``costs`` the cost chapter's content (for the money line)."""
    regions = getattr(gemeente, "regions", {}) or {}
    regio = regions["jeugdzorgregio"][1] if "jeugdzorgregio" in regions else None
    b = merge_shared(badges(plan_contents))
    note = effect_note(plan_contents)
    messages = [] if note else key_messages(records, linked_indicators(plan_contents))
    recs, n_recs = recommendation_lines(plan_contents)
    evaluated = any(getattr(getattr(pc, "tijd", None), "geevalueerd", False) for pc in plan_contents)
    return FirstScreen(badges=b, counts=count_outcomes(b), messages=messages, regio=regio,
                       periode=policy_label(start, plan_contents), monitoring=monitoring_lines(plan_contents),
                       plans=plan_lines(plan_contents), money=money_lines(costs, plan_contents),
                       recommendations=recs, recommendations_total=n_recs,
                       recommendations_by="de evaluatoren" if evaluated else "het plan", effect_note=note,
                       messages_note=_messages_note(plan_contents, messages, records))
