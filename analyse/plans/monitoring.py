"""Monitoring view for a plan without statuses (a plan document, not an evaluation).

Instead of "nog niet te beoordelen" for every opgave, the view says per doel which targets have an indicator,
a nulmeting and a streefwaarde, which can be followed with CBS data today (the caller passes the indicator ids
that are available in the processed data) and what the gemeente would have to record itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from analyse.data.catalogue import load_catalogue
from analyse.formatting import period_label
from analyse.plans.schema import DoelIndicator, Plan

__all__ = ["VIEW_COLUMNS", "SUMMARY_COLUMNS", "monitoring_view", "monitoring_summary", "needs_monitoring_view"]

VIEW_COLUMNS = [
    "opgave_id",
    "opgave",
    "doel_id",
    "doel",
    "indicator_id",
    "indicator",
    "heeft_indicator",
    "heeft_nulmeting",
    "nulmeting",
    "heeft_streefwaarde",
    "streefwaarde",
    "meetbaar_met_cbs",
    "cbs_alternatief",
    "status",
    "vastleggen",
    "bron_pagina",
]

CBS_ALTERNATIEVEN: dict[str, tuple[str, ...]] = {
    "bijstand": ("bijstand_personen_per_1000", "bijstandsuitkeringen_aantal"),
    "eenzaam": ("zeer_ernstig_eenzaam_65plus_pct", "niet_eenzaam_65plus_pct", "zeer_ernstig_eenzaam_19_65_pct"),
    "mantelzorg": ("mantelzorg_verleent_pct",),
    "jeugdhulp": ("jeugdhulp_aantal", "jeugdzorg_pct"),
    "jeugdzorg": ("jeugdzorg_pct", "jeugdzorg_aantal"),
    "huishoudelijk": ("huishoudens_wmo_maatwerk_pct", "wmo_clienten_per_1000"),
    "wmo": ("huishoudens_wmo_maatwerk_pct", "wmo_clienten_per_1000"),
    "inkomen": ("huishoudens_laag_inkomen_pct", "kinderen_laag_inkomen_pct"),
    "armoede": ("huishoudens_laag_inkomen_pct", "kinderen_laag_inkomen_pct"),
    "samenhang": ("sociale_samenhang_lbm2",),
    "regie": ("geen_regie_65plus_pct", "geen_regie_19_65_pct"),
}
"""Keyword in an indicator's name → CBS catalogue ids that measure something close (suggestions only; the plan's
own ``vervangen_door`` wins)."""
SUMMARY_COLUMNS = [
    "opgave_id",
    "opgave",
    "n_doelen",
    "n_met_indicator",
    "n_met_nulmeting",
    "n_met_streefwaarde",
    "n_meetbaar_met_cbs",
    "tekst",
]


def needs_monitoring_view(plan: Plan) -> bool:
    """True for a plan whose maatregelen carry no evaluation status (all ``gepland``/``onbekend``)."""
    statuses = [m.status for _, m in plan.maatregelen()]
    return not statuses or all(s in ("gepland", "onbekend") for s in statuses)


def _fmt(value: float | None, period: str | None) -> str | None:
    if value is None:
        return None
    text = f"{value:g}".replace(".", ",")
    return f"{text} ({period_label(period)})" if period else text


def _row(plan: Plan, o, d, di: DoelIndicator | None, available: set[str]) -> dict:  # noqa: ANN001
    reg = plan.indicator_def(di.indicator_id) if di is not None else None
    base = di.baseline if di is not None else None
    target = di.streefwaarde if di is not None else None
    has_base = base is not None and base.waarde is not None
    has_target = target is not None and (target.waarde is not None or target.richting is not None)
    cbs = di is not None and di.indicator_id in available
    alternatief = None
    if di is not None and not cbs:
        naam = (reg.naam if reg else di.indicator_id).lower()
        candidates = (
            list(reg.vervangen_door)
            if reg and reg.vervangen_door
            else [c for key, ids in CBS_ALTERNATIEVEN.items() if key in naam for c in ids]
        )
        alternatief = next((c for c in dict.fromkeys(candidates) if c in available), None)
    todo = []
    if di is None:
        todo.append("kies een indicator die laat zien of dit doel dichterbij komt")
    else:
        if not has_base:
            todo.append("leg een nulmeting vast (waarde en jaar)" + (" uit de CBS-reeks" if cbs else ""))
        if not has_target:
            todo.append("leg een streefwaarde en een termijn vast")
        if not cbs:
            naam = reg.naam if reg else di.indicator_id
            todo.append(
                f"registreer '{naam}' zelf (niet in de CBS-gegevens van dit rapport) en lever de cijfers "
                "jaarlijks aan" + (f", of volg het CBS-alternatief '{_indicator_name(alternatief)}'"
                                   if alternatief else "")
            )
    if di is None:
        status = "geen indicator"
    elif cbs and has_base:
        status = "te volgen met CBS-cijfers"
    elif cbs:
        status = "te volgen met CBS-cijfers; nulmeting nog vastleggen"
    elif alternatief:
        status = "eigen registratie nodig; CBS-alternatief beschikbaar"
    else:
        status = "alleen met eigen registratie te volgen"
    streef = None
    if target is not None:
        streef = (
            _fmt(target.waarde, target.deadline)
            if target.waarde is not None
            else (
                f"richting {target.richting}" + (f" ({target.deadline})" if target.deadline else "")
                if target.richting
                else None
            )
        )
    return {
        "opgave_id": o.id,
        "opgave": o.titel,
        "doel_id": d.id if d else None,
        "doel": d.tekst if d else None,
        "indicator_id": di.indicator_id if di else None,
        "indicator": (reg.naam if reg else di.indicator_id) if di else None,
        "heeft_indicator": di is not None,
        "heeft_nulmeting": has_base,
        "nulmeting": _fmt(base.waarde, base.periode) if has_base else None,
        "heeft_streefwaarde": has_target,
        "streefwaarde": streef,
        "meetbaar_met_cbs": bool(cbs),
        "cbs_alternatief": alternatief,
        "status": status,
        "vastleggen": "; ".join(todo) or None,
        "bron_pagina": (d.bron_pagina if d else None) or o.bron_pagina,
    }


@lru_cache(maxsize=1)
def _catalogue_names() -> dict[str, str]:

    cat = load_catalogue()
    return dict(zip(cat["id"].astype(str), cat["naam"].astype(str)))


def _indicator_name(indicator_id: str) -> str:
    """The Dutch name of a catalogue indicator (the id itself when the catalogue does not know it)."""
    return _catalogue_names().get(str(indicator_id), str(indicator_id))


def monitoring_view(plan: Plan, available_indicators: Iterable[str] = ()) -> pd.DataFrame:
    """One row per doel × indicator (a doel without indicator gets one row), for plans without statuses.

    Args:
        plan: a loaded plan.
        available_indicators: indicator ids present in the processed CBS data for this gemeente (e.g. the
            ``indicator_id`` values of the harmonised indicators with a value).

    Returns:
        Columns :data:`VIEW_COLUMNS`: booleans heeft_indicator / heeft_nulmeting / heeft_streefwaarde /
        meetbaar_met_cbs, Dutch ``status`` and ``vastleggen`` (what the gemeente has to record). Opgaven without
        doelen get one row that asks for a doel.
    """
    available = set(map(str, available_indicators))
    rows = []
    for o in plan.opgaven:
        if not o.doelen:
            row = _row(plan, o, None, None, available)
            row["vastleggen"] = "formuleer een toetsbaar doel met een indicator, nulmeting en streefwaarde"
            rows.append(row)
        for d in o.doelen:
            if not d.indicatoren:
                rows.append(_row(plan, o, d, None, available))
            rows += [_row(plan, o, d, di, available) for di in d.indicatoren]
    return pd.DataFrame(rows, columns=VIEW_COLUMNS)


def monitoring_summary(view: pd.DataFrame) -> pd.DataFrame:
    """Per opgave: how many doelen have an indicator, a nulmeting, a streefwaarde, CBS data; with a Dutch sentence.

    Args:
        view: output of :func:`monitoring_view`.

    Returns:
        Columns :data:`SUMMARY_COLUMNS`.
    """
    rows = []
    for oid, g in view.groupby("opgave_id", sort=False):
        per_doel = g.groupby(g["doel_id"].fillna("(geen doel)"), sort=False).agg(
            ind=("heeft_indicator", "any"),
            base=("heeft_nulmeting", "any"),
            target=("heeft_streefwaarde", "any"),
            cbs=("meetbaar_met_cbs", "any"),
        )
        n = len(per_doel) if g["doel_id"].notna().any() else 0
        counts = {k: int(per_doel[k].sum()) if n else 0 for k in ("ind", "base", "target", "cbs")}
        if n == 0:
            tekst = "Geen doelen geformuleerd; deze opgave is zo niet te volgen."
        else:
            tekst = (
                f"Van de {n} doel{'en' if n != 1 else ''} {'hebben er' if n != 1 else 'heeft'} {counts['ind']} "
                f"een indicator, {counts['base']} een nulmeting en {counts['target']} een streefwaarde; "
                f"{counts['cbs']} {'is' if counts['cbs'] == 1 else 'zijn'} nu met CBS-cijfers te volgen."
            )
            if counts["cbs"] < n:
                tekst += " Voor de rest moet de gemeente zelf gegevens vastleggen."
        rows.append(
            {
                "opgave_id": oid,
                "opgave": g["opgave"].iloc[0],
                "n_doelen": n,
                "n_met_indicator": counts["ind"],
                "n_met_nulmeting": counts["base"],
                "n_met_streefwaarde": counts["target"],
                "n_meetbaar_met_cbs": counts["cbs"],
                "tekst": tekst,
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
