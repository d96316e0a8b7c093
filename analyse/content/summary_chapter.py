"""Content of the first screen: who the gemeente is, one badge per opgave and three key messages.

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
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analyse import vocab
from analyse.formatting import fmt_value, period_label

OUTCOMES = ("op koers", "deels op koers", "niet op koers", "nog niet te beoordelen")
"""Opgave outcomes in the order the badges are counted."""
MAX_MESSAGES = 3


@dataclass
class Badge:
    """One opgave with its outcome; ``onderdelen`` are the sub-opgaven (title, outcome)."""

    titel: str
    uitkomst: str
    plan: str
    onderdelen: list[tuple[str, str]] = field(default_factory=list)


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


def badges(plan_contents: list[Any]) -> list[Badge]:
    """One badge per top-level opgave of every plan (sub-opgaven listed on their parent's badge)."""
    out = []
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
            out.append(Badge(opg.titel, c.uitkomst if c else "nog niet te beoordelen", pc.title, subs))
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
        out.append(Badge(members[0].titel, outcome, f"{len(members)} plannen", subs))
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


def build(gemeente: Any, plan_contents: list[Any], records: pd.DataFrame | None, start: int) -> FirstScreen:
    """The first screen of one report."""
    regions = getattr(gemeente, "regions", {}) or {}
    regio = regions["jeugdzorgregio"][1] if "jeugdzorgregio" in regions else None
    b = merge_shared(badges(plan_contents))
    return FirstScreen(badges=b, counts=count_outcomes(b),
                       messages=key_messages(records, linked_indicators(plan_contents)), regio=regio,
                       periode=policy_label(start, plan_contents), monitoring=monitoring_lines(plan_contents))
