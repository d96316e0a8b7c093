"""The plan's own money: savings and taakstellingen ledger, budget vs realisatie per opgave → maatregel → actie.

Pure functions from a :class:`~analyse.plans.schema.Plan` to tidy frames with Dutch-ready labels. They feed both
the tables and the charts of the report (one frame each, so table and chart always agree).

Savings ledger semantics (``plans/SCHEMA.md``): every amount of a *reeks* is the **level reached in that year**
(the structural saving in that year compared with before the taakstellingen), not an increment: years are never
added up. Each amount has a kind:

- ``begroot``: a taakstelling in the begroting (from ``taakstellingen[].bedrag`` with ``soort: begroot`` and a
  ``reeks``, or ``besparingen[].gepland`` with ``soort_gepland: begroot``);
- ``doelstelling``: a target path ("oplopend tot € 1,4 mln in 2023");
- ``gerealiseerd``: booked savings (``besparingen[].gerealiseerd``; a printed total in ``taakstellingen[].gerealiseerd``
  wins and the sum of the posts is checked against it);
- ``schatting``: an estimate (e.g. from a study), shown apart and never counted as realised.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analyse.formatting import fmt_eur, fmt_pct
from analyse.plans.schema import Budgetregel, Plan

__all__ = [
    "LEDGER_COLUMNS",
    "BUDGET_COLUMNS",
    "BUDGET_SUMMARY_COLUMNS",
    "SPENDING_COLUMNS",
    "savings_amounts",
    "savings_ledger",
    "budget_table",
    "budget_summary",
    "plan_spending",
    "plan_growth",
    "TAAKSTELLING_COLUMNS",
    "taakstelling_table",
    "savings_headline",
]

AMOUNT_COLUMNS = [
    "reeks",
    "herkomst",
    "herkomst_id",
    "post",
    "jaar",
    "soort",
    "bedrag_eur",
    "maatregel_id",
    "toelichting",
    "bron_pagina",
]
LEDGER_COLUMNS = [
    "reeks",
    "jaar",
    "begroot_eur",
    "doelstelling_eur",
    "gerealiseerd_eur",
    "schatting_eur",
    "openstaand_eur",
    "realisatiegraad_pct",
    "som_posten_eur",
    "n_posten_onbekend",
    "opmerking",
    "bron_pagina",
]


def _num(x: object) -> float:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) else np.nan


# --------------------------------------------------------------------------------------------------- savings
def savings_amounts(plan: Plan) -> pd.DataFrame:
    """Every savings amount of the plan with its kind, one row each (long format).

    Returns:
        Columns reeks, herkomst (``besparing`` | ``taakstelling``), herkomst_id (its id), post, jaar, soort
        (begroot | doelstelling | gerealiseerd | schatting), bedrag_eur (NaN = 'pm', unknown), maatregel_id,
        toelichting, bron_pagina.
        Taakstellingen without ``reeks`` are not part of a ledger and are left out (they stay in the
        taakstellingen table).
    """
    rows = []
    for b in plan.besparingen:
        reeks = b.reeks or b.post
        base = {
            "reeks": reeks,
            "herkomst": "besparing",
            "herkomst_id": b.id,
            "post": b.post,
            "jaar": b.jaar,
            "maatregel_id": b.maatregel,
            "toelichting": b.toelichting,
            "bron_pagina": b.bron_pagina,
        }
        if b.gepland is not None:
            rows.append({**base, "soort": b.soort_gepland, "bedrag_eur": _num(b.gepland)})
        rows.append({**base, "soort": b.soort_gerealiseerd, "bedrag_eur": _num(b.gerealiseerd)})
    for t in plan.taakstellingen:
        if not t.reeks or t.jaar is None:
            continue
        base = {
            "reeks": t.reeks,
            "herkomst": "taakstelling",
            "herkomst_id": t.id,
            "post": t.omschrijving,
            "jaar": t.jaar,
            "maatregel_id": None,
            "toelichting": t.toelichting,
            "bron_pagina": t.bron_pagina,
        }
        rows.append({**base, "soort": t.soort, "bedrag_eur": _num(t.bedrag)})
        if t.gerealiseerd is not None:
            rows.append({**base, "soort": "gerealiseerd_totaal", "bedrag_eur": _num(t.gerealiseerd)})
        if t.openstaand is not None:
            rows.append({**base, "soort": "openstaand_totaal", "bedrag_eur": _num(t.openstaand)})
    out = pd.DataFrame(rows, columns=AMOUNT_COLUMNS)
    return out.astype({"bedrag_eur": "float64"})


def _sum_known(s: pd.Series) -> float:
    return float(s.sum()) if s.notna().any() else np.nan


def savings_ledger(plan: Plan) -> pd.DataFrame:
    """Savings and taakstellingen per reeks and year: begroot, gerealiseerd, openstaand and realisatiegraad.

    All amounts are the level in that year (cumulative since the start of the reeks), never summed over years.
    Almelo (GM0141, reeks 'Tabel 2', §6.2.1 p. 48-51) gives begroot 3.580.000 / 5.016.000 / 6.176.000 /
    7.376.000 / 8.276.000 and gerealiseerd 3.580.000 / 4.916.000 / 5.126.000 / 5.426.000 / 5.426.000 for 2015-2019.

    Returns:
        One row per reeks and jaar, columns :data:`LEDGER_COLUMNS`: begroot_eur, doelstelling_eur,
        gerealiseerd_eur (booked; printed total when the document gives one), schatting_eur (estimates, never in
        gerealiseerd), openstaand_eur (printed, else begroot − gerealiseerd), realisatiegraad_pct (gerealiseerd /
        begroot × 100), som_posten_eur (sum of the booked posts, to check a printed total), n_posten_onbekend
        (posts given as pm), opmerking (Dutch), bron_pagina. NaN = unknown, never 0.
    """
    amounts = savings_amounts(plan)
    rows = []
    for (reeks, jaar), g in amounts.groupby(["reeks", "jaar"], sort=False):
        by = {k: v["bedrag_eur"] for k, v in g.groupby("soort")}
        empty = pd.Series(dtype="float64")
        posts = by.get("gerealiseerd", empty)
        som = _sum_known(posts)
        printed = _sum_known(by.get("gerealiseerd_totaal", empty))
        gerealiseerd = printed if not np.isnan(printed) else som
        # a taakstelling of the reeks gives the level of that year; planned amounts of its layers are then not added
        from_task = g[g["herkomst"] == "taakstelling"]
        levels = {k: v["bedrag_eur"] for k, v in (from_task if len(from_task) else g).groupby("soort")}
        begroot = _sum_known(levels.get("begroot", by.get("begroot", empty)))
        doel = _sum_known(levels.get("doelstelling", by.get("doelstelling", empty)))
        schatting = _sum_known(by.get("schatting", empty))
        open_printed = _sum_known(by.get("openstaand_totaal", empty))
        openstaand = open_printed if not np.isnan(open_printed) else begroot - gerealiseerd
        graad = gerealiseerd / begroot * 100 if begroot and not np.isnan(begroot) else np.nan
        notes = []
        unknown_posts = g[(g["soort"] == "gerealiseerd") & g["bedrag_eur"].isna()]
        if len(unknown_posts) and np.isnan(printed):
            graad = np.nan  # a share over the known posts only would read as the whole reeks
            openstaand = open_printed  # likewise: begroot minus the known posts is not what is open
        if len(unknown_posts) and not (len(unknown_posts) == len(posts) and np.isnan(printed)):
            notes.append("pm (onbekend, niet meegeteld): " + ", ".join(dict.fromkeys(unknown_posts["post"])))
        if not np.isnan(printed) and not np.isnan(som) and abs(printed - som) > 0.5:
            notes.append(f"som van de posten ({fmt_eur(som)}) wijkt af van het gedrukte totaal ({fmt_eur(printed)})")
        if not np.isnan(schatting):
            notes.append(f"schatting {fmt_eur(schatting)}, geen geboekte realisatie")
        if not np.isnan(doel) and np.isnan(gerealiseerd):
            notes.append(f"doelstelling: oplopend tot {fmt_eur(doel)} in {int(jaar)}; realisatie niet in het plan")
        elif np.isnan(gerealiseerd) and np.isnan(schatting) and not np.isnan(begroot):
            notes.append("realisatie onbekend")
        bron = "; ".join(dict.fromkeys(str(x) for x in g["bron_pagina"].dropna()))
        rows.append(
            {
                "reeks": reeks,
                "jaar": int(jaar),
                "begroot_eur": begroot,
                "doelstelling_eur": doel,
                "gerealiseerd_eur": gerealiseerd,
                "schatting_eur": schatting,
                "openstaand_eur": openstaand,
                "realisatiegraad_pct": graad,
                "som_posten_eur": som,
                "n_posten_onbekend": len(unknown_posts),
                "opmerking": "; ".join(notes) or None,
                "bron_pagina": bron or None,
            }
        )
    out = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    floats = [c for c in LEDGER_COLUMNS if c.endswith(("_eur", "_pct"))]
    out = out.astype({c: "float64" for c in floats} | {"n_posten_onbekend": "int64"})
    return out.sort_values(["reeks", "jaar"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------- budget
BUDGET_COLUMNS = [
    "opgave_id",
    "opgave",
    "maatregel_id",
    "maatregel",
    "actie_id",
    "actie",
    "niveau",
    "post",
    "jaar",
    "begroot_eur",
    "gerealiseerd_eur",
    "realisatiegraad_pct",
    "deel_van",
    "in_totaal",
    "status",
    "toelichting",
    "bron_pagina",
]
BUDGET_SUMMARY_COLUMNS = [
    "opgave_id",
    "opgave",
    "jaar",
    "begroot_eur",
    "gerealiseerd_eur",
    "realisatiegraad_pct",
    "n_posten",
    "n_begroot_onbekend",
    "n_gerealiseerd_onbekend",
    "n_nul",
    "tekst",
]


def _status(b: Budgetregel) -> str:
    beg, ger = b.begroot, b.gerealiseerd
    pm = (b.toelichting or "").strip().lower().startswith(("pm", "p.m"))
    if beg is None and ger is None:
        return "bedragen onbekend" + (" (pm)" if pm else "")
    if beg is None:
        return ("begroting onbekend (pm)" if pm else "begroting onbekend") + (
            ", niets uitgegeven" if ger == 0 else f", {fmt_eur(ger)} uitgegeven"
        )
    if ger is None:
        return "geen budget" if beg == 0 else "realisatie onbekend"
    if beg == 0 and ger == 0:
        return "geen budget, geen uitgaven"
    if beg == 0:
        return "uitgaven zonder budget"
    if ger == 0:
        return "budget niet besteed"
    return "overschreden" if ger > beg else "binnen budget"


def budget_table(plan: Plan) -> pd.DataFrame:
    """Budget and realisation per opgave → maatregel → actie, every row labelled.

    ``post`` is the line's own label (``budget[].post``), else the actie, maatregel or opgave it belongs to.
    Exact duplicate lines (same level, ids, post, year and amounts) are kept once.

    Returns:
        Columns :data:`BUDGET_COLUMNS`; amounts in euro (NaN = unknown/pm, 0 = the document's '€ -'), status in
        Dutch words ("geen budget, geen uitgaven", "begroting onbekend (pm)", "binnen budget", …).
    """
    rows = []
    for o in plan.opgaven:

        def add(b: Budgetregel, niveau: str, m=None, a=None, o=o) -> None:  # noqa: ANN001
            label = b.post or (a.omschrijving if a is not None else m.titel if m is not None else o.titel)
            beg, ger = _num(b.begroot), _num(b.gerealiseerd)
            rows.append(
                {
                    "opgave_id": o.id,
                    "opgave": o.titel,
                    "maatregel_id": m.id if m else None,
                    "maatregel": m.titel if m else None,
                    "actie_id": a.id if a else None,
                    "actie": a.omschrijving if a else None,
                    "niveau": niveau,
                    "post": label,
                    "jaar": b.jaar,
                    "begroot_eur": beg,
                    "gerealiseerd_eur": ger,
                    "realisatiegraad_pct": ger / beg * 100
                    if beg and not np.isnan(beg) and not np.isnan(ger)
                    else np.nan,
                    "deel_van": b.deel_van,
                    "in_totaal": bool(b.in_totaal and not b.deel_van),
                    "status": _status(b),
                    "toelichting": b.toelichting,
                    "bron_pagina": b.bron_pagina,
                }
            )

        for b in o.budget:
            add(b, "opgave")
        for m in o.maatregelen:
            for b in m.budget:
                add(b, "maatregel", m)
            for a in m.acties:
                for b in a.budget:
                    add(b, "actie", m, a)
    out = pd.DataFrame(rows, columns=BUDGET_COLUMNS)
    key = ["niveau", "opgave_id", "maatregel_id", "actie_id", "post", "jaar", "begroot_eur", "gerealiseerd_eur"]
    out = out.drop_duplicates(subset=key).reset_index(drop=True)
    return out.astype({"begroot_eur": "float64", "gerealiseerd_eur": "float64", "realisatiegraad_pct": "float64"})


def _amount_words(value: float, what: str, none_text: str) -> str:
    if np.isnan(value):
        return f"{what} onbekend"
    if value == 0:
        return none_text
    return f"{what} {fmt_eur(value)}"


def _summary_text(
    n: int, beg: float, ger: float, n_beg_unknown: int, n_ger_unknown: int, n_nul: int, both_beg: float, both_ger: float
) -> str:
    if n == 0:
        return "Geen budgetregels."
    if n_nul == n:
        return f"Geen budget en geen uitgaven: alle {n} posten staan op € 0 ('€ -' in het document)."
    text = _amount_words(beg, "begroot", "niets begroot") + ", " + _amount_words(ger, "uitgegeven", "niets uitgegeven")
    text = text[0].upper() + text[1:]
    if both_beg and not np.isnan(both_beg):
        text += (
            f"; van de posten met beide bedragen is {fmt_pct(both_ger / both_beg * 100, 0)} besteed "
            f"({fmt_eur(both_ger)} van {fmt_eur(both_beg)})"
        )
    unknown = []
    if n_beg_unknown:
        unknown.append(f"bij {n_beg_unknown} van de {n} posten is de begroting onbekend (pm of niet vermeld)")
    if n_ger_unknown:
        unknown.append(f"bij {n_ger_unknown} van de {n} posten is de realisatie onbekend")
    if unknown:
        text += "; " + " en ".join(unknown)
    return text + "."


def budget_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Totals per opgave and year plus one ``opgave_id = 'totaal'`` row per year, with a Dutch sentence.

    Only lines with ``in_totaal`` count (no 'waarvan' parts, no context amounts such as the whole
    gemeentebegroting). ``realisatiegraad_pct`` is taken over the lines with both amounts known.

    Args:
        table: output of :func:`budget_table`.

    Returns:
        Columns :data:`BUDGET_SUMMARY_COLUMNS`.
    """
    rows = []
    if table.empty:
        return pd.DataFrame(columns=BUDGET_SUMMARY_COLUMNS).astype(
            {"begroot_eur": "float64", "gerealiseerd_eur": "float64", "realisatiegraad_pct": "float64"}
        )
    counted = table[table["in_totaal"].astype(bool)]
    groups = [((oid, jaar), g) for (oid, jaar), g in counted.groupby(["opgave_id", "jaar"], sort=False)]
    groups += [(("totaal", jaar), g) for jaar, g in counted.groupby("jaar")]
    for (oid, jaar), g in groups:
        beg, ger = g["begroot_eur"], g["gerealiseerd_eur"]
        both = g[beg.notna() & ger.notna()]
        bb, bg = _sum_known(both["begroot_eur"]), _sum_known(both["gerealiseerd_eur"])
        n_nul = int(((beg == 0) & (ger.isna() | (ger == 0))).sum())
        row = {
            "opgave_id": oid,
            "opgave": g["opgave"].iloc[0] if oid != "totaal" else "Totaal",
            "jaar": int(jaar),
            "begroot_eur": _sum_known(beg),
            "gerealiseerd_eur": _sum_known(ger),
            "realisatiegraad_pct": bg / bb * 100 if bb and not np.isnan(bb) else np.nan,
            "n_posten": len(g),
            "n_begroot_onbekend": int(beg.isna().sum()),
            "n_gerealiseerd_onbekend": int(ger.isna().sum()),
            "n_nul": n_nul,
        }
        row["tekst"] = _summary_text(
            len(g),
            row["begroot_eur"],
            row["gerealiseerd_eur"],
            row["n_begroot_onbekend"],
            row["n_gerealiseerd_onbekend"],
            n_nul,
            bb,
            bg,
        )
        rows.append(row)
    out = pd.DataFrame(rows, columns=BUDGET_SUMMARY_COLUMNS)
    return out.astype({"begroot_eur": "float64", "gerealiseerd_eur": "float64", "realisatiegraad_pct": "float64"})


# -------------------------------------------------------------------------------------------------- spending
SPENDING_COLUMNS = ["gemeentecode", "jaar", "soort", "post", "bedrag_eur", "scope", "toelichting", "bron_pagina"]


def plan_spending(plan: Plan) -> pd.DataFrame:
    """The spending totals the document itself gives (``uitgaven``), e.g. Almelo's 86,1 → 135,1 mln (Tabel 1).

    Returns:
        Columns :data:`SPENDING_COLUMNS` (soort ``realisatie`` | ``begroting``; bedrag_eur NaN = not given); feeds
        :func:`analyse.kosten.reconcile_plan_iv3` and :func:`analyse.kosten.cost_breaks`
        (``value_col="bedrag_eur"``).
    """
    rows = [
        {
            "gemeentecode": plan.gemeentecode,
            "jaar": u.jaar,
            "soort": u.soort,
            "post": u.post,
            "bedrag_eur": _num(u.bedrag),
            "scope": u.scope,
            "toelichting": u.toelichting,
            "bron_pagina": u.bron_pagina,
        }
        for u in plan.uitgaven
    ]
    return pd.DataFrame(rows, columns=SPENDING_COLUMNS).astype({"bedrag_eur": "float64"})


GROWTH_COLUMNS = [
    "gemeentecode",
    "van",
    "tot",
    "soort",
    "post",
    "groei_pct",
    "vergelijking",
    "toelichting",
    "bron_pagina",
]


def plan_growth(plan: Plan) -> pd.DataFrame:
    """Growth figures for spending that the document gives without amounts (``kostenontwikkeling``).

    Returns:
        Columns :data:`GROWTH_COLUMNS`; feeds :func:`analyse.kosten.reconcile_growth`.
    """
    rows = [
        {
            "gemeentecode": plan.gemeentecode,
            "van": g.van,
            "tot": g.tot,
            "soort": g.soort,
            "post": g.post,
            "groei_pct": _num(g.groei_pct),
            "vergelijking": g.vergelijking,
            "toelichting": g.toelichting,
            "bron_pagina": g.bron_pagina,
        }
        for g in plan.kostenontwikkeling
    ]
    return pd.DataFrame(rows, columns=GROWTH_COLUMNS).astype({"groei_pct": "float64"})


# ------------------------------------------------------------------------------------------------ taakstellingen
TAAKSTELLING_COLUMNS = ["id", "omschrijving", "jaar", "bedrag_eur", "soort", "schaal", "aandeel_gemeente_eur",
                        "wat_het_bedrag_is", "status", "bron_pagina"]
SOORT_WORDS = {"begroot": "taakstelling in de begroting", "doelstelling": "doelstelling (streefbedrag)"}


def _what_amount_is(t: object, gemeente: str) -> str:
    kind = SOORT_WORDS.get(getattr(t, "soort", "begroot"), str(getattr(t, "soort", "")))
    if getattr(t, "schaal", None) != "regio":
        return f"{kind} van {gemeente}" if gemeente else kind
    own = _num(getattr(t, "aandeel_gemeente", None))
    if np.isnan(_num(getattr(t, "bedrag", None))):
        return f"regionale {kind} zonder bedrag in het plan"
    if np.isnan(own):
        return (f"regionaal totaal ({kind}); het deel van {gemeente or 'de gemeente'} zit erin maar staat niet "
                "als bedrag in het plan")
    return f"regionaal totaal ({kind}); deel van {gemeente or 'de gemeente'}: {fmt_eur(own)}"


def taakstelling_table(plan: Plan) -> pd.DataFrame:
    """Every taakstelling of the plan with what its amount is: the gemeente's own, or a regional (GR) total.

    Alblasserdam (GM0482, §5.1): the € 3,6 mln of the GR Drechtsteden is the regional total 'waarin het aandeel van
    Alblasserdam is opgenomen', not Alblasserdam's own taakstelling.

    Returns:
        Columns :data:`TAAKSTELLING_COLUMNS`; ``bedrag_eur`` NaN = not given (never 0); ``wat_het_bedrag_is`` Dutch.
    """
    rows = [{"id": t.id, "omschrijving": t.omschrijving, "jaar": t.jaar, "bedrag_eur": _num(t.bedrag),
             "soort": t.soort, "schaal": t.schaal or "gemeente", "aandeel_gemeente_eur": _num(t.aandeel_gemeente),
             "wat_het_bedrag_is": _what_amount_is(t, plan.gemeente), "status": t.status, "bron_pagina": t.bron_pagina}
            for t in plan.taakstellingen]
    out = pd.DataFrame(rows, columns=TAAKSTELLING_COLUMNS)
    return out.astype({"bedrag_eur": "float64", "aandeel_gemeente_eur": "float64", "jaar": "Int64"})


def savings_headline(plan: Plan, ledger: pd.DataFrame | None = None) -> str:
    """One Dutch clause on the plan's taakstellingen for the first screen ('' when the plan has none).

    The latest year of a reeks with a realisatiegraad gives '66% gerealiseerd in 2019, € 2,85 mln open'; a plan
    whose taakstellingen have no realisation says so; a regional total is labelled as such.
    """
    ledger = savings_ledger(plan) if ledger is None else ledger
    parts = []
    for name, g in ledger.groupby("reeks", sort=False):
        reeks = str(name).split(" ('")[0]
        done = g[g["realisatiegraad_pct"].notna()]
        if len(done):
            r = done.iloc[-1]
            text = (f"{reeks}: {fmt_pct(r.realisatiegraad_pct, 0)} gerealiseerd in {int(r.jaar)} "
                    f"({fmt_eur(r.gerealiseerd_eur)} van {fmt_eur(r.begroot_eur)})")
            if pd.notna(r.openstaand_eur) and r.openstaand_eur > 0:
                text += f", {fmt_eur(r.openstaand_eur)} open"
            parts.append(text)
        elif g[["gerealiseerd_eur", "begroot_eur", "doelstelling_eur"]].notna().any().any():
            r = g.iloc[-1]
            planned = r.begroot_eur if pd.notna(r.begroot_eur) else r.doelstelling_eur
            kind = "gepland" if pd.notna(r.begroot_eur) else "als doelstelling"
            known = (f"; bekend gerealiseerd: {fmt_eur(r.gerealiseerd_eur)}" if pd.notna(r.gerealiseerd_eur)
                     else "; realisatie niet in het plan")
            n_unknown = int(r.n_posten_onbekend)
            unknown = (f", van {n_unknown} post{'en' if n_unknown != 1 else ''} is de realisatie onbekend"
                       if n_unknown and pd.notna(r.gerealiseerd_eur) else "")
            parts.append(f"{reeks}: {fmt_eur(planned)} {kind} ({int(r.jaar)}){known}{unknown}")
    regional = [t for t in plan.taakstellingen if t.schaal == "regio" and _num(t.bedrag) == _num(t.bedrag)]
    for t in regional:
        parts.append(f"{t.omschrijving.split(' (')[0].split(';')[0]}: {fmt_eur(t.bedrag)} is een "
                     f"{_what_amount_is(t, plan.gemeente)}")
    if not parts and plan.taakstellingen:
        return "Taakstellingen: de realisatie staat niet in het plan."
    return ("Taakstellingen: " + "; ".join(parts) + ".") if parts else ""
