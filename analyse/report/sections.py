"""Rendering of the report chapters: :class:`analyse.content.ReportContent` → HTML blocks.

Each ``render_*`` function is the whole of one template cell: it takes the report content and the
:class:`~analyse.report.OutputTarget` (where CSV/PNG files go, ``None`` for none) and returns a
:class:`~analyse.report.Block`, or ``None`` when the chapter does not apply (e.g. no plan). Nothing here
computes a number or reads a file: every value comes from the content object, numbers are formatted the
Dutch way with :mod:`analyse.formatting`, text is escaped. A chapter without data shows a short Dutch sentence.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

import analyse
from analyse import maps, plots, vocab
from analyse.content import (
    ReportContent,
    cost_chapter,
    indicator_chapter,
    plan_chapter,
    sources_chapter,
    summary_chapter,
)
from analyse.content.cost_chapter import CostContent
from analyse.content.sources_chapter import display_sources
from analyse.formatting import (
    escape,
    fmt_interval,
    fmt_list,
    fmt_number,
    fmt_plural,
    fmt_pp,
    fmt_signed,
    fmt_value,
    period_label,
)
from analyse.report import (
    Block,
    OutputTarget,
    blocks,
    file_link,
    heading,
    md,
    svg,
    svg_block,
    table_block,
)
from analyse.report import slug as slug_of
from analyse.report.chapters import REGISTRY as CHAPTERS
from analyse.report.chapters import chapter
from analyse.report.downloads import (
    as_shown,
    indicator_long_table,
    readable_sheet_names,
    readme_frame,
    write_csv,
    write_workbook,
)
from analyse.report.export import appendix_html, verdict_badge
from analyse.report.figcache import chart

__all__ = ["CHAPTERS", "note", "render_title", "render_summary", "render_key_figures", "render_overview",
           "render_trends", "render_policy_start", "render_funnel", "render_costs", "render_plan_goals",
           "render_savings", "render_prevention", "render_sources", "render_appendix", "render_colofon",
           "render_downloads", "funnel_block"]

PEER_METHOD_TEXT = {"kenmerken": "gekozen op inwonertal, stedelijkheid, leeftijdsopbouw, lage inkomens en bijstand",
                    "grootteklasse": "gemeenten van dezelfde grootteklasse", "regio": "gemeenten uit dezelfde regio"}
POLICY_SOURCE = {"plan": "uit het beleidsplan", "parameter": "gekozen bij het maken van dit rapport",
                 "standaard": "standaardjaar; er is geen beleidsplan met een startjaar"}


def note(text: str) -> Block:
    """A short Dutch remark in a grey box (e.g. why a chapter is empty)."""
    return Block(f'<p class="melding">{escape(text)}</p>', text)


BADGE_WORD = {"op koers": "op koers", "deels op koers": "deels op koers", "niet op koers": "niet op koers",
              "nog niet te beoordelen": "niet te beoordelen"}


def _badge(uitkomst: str) -> str:
    return verdict_badge(uitkomst if uitkomst in BADGE_WORD else "nog niet te beoordelen")


@chapter("titel", "Titel en parameters")
def render_title(content: ReportContent, out: OutputTarget | None = None) -> Block:
    """The report title (the only ``<h1>``) and the facts of the first screen; carries the report's metadata.

    Gemeente, inwoners, regio and policy period in one line each, so a reader sees who and when at a glance.
    """
    g = content.gemeente
    first, policy = content.first_screen, content.policy
    inw = getattr(g, "inwoners", None)
    facts = [("Gemeente", f"{g.naam} ({g.code}), provincie {getattr(g, 'provincie_naam', None) or '–'}"),
             ("Inwoners", fmt_number(inw) if inw else "onbekend"),
             ("Regio", f"jeugdzorgregio {first.regio}" if first and first.regio else "–"),
             ("Beleidsperiode", f"{first.periode if first else policy.startjaar} "
                                f"({POLICY_SOURCE.get(policy.bron, policy.bron)})")]
    dl = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in facts)
    html = (f"<h1>{escape(g.naam)}: monitor sociaal domein</h1>"
            f'<dl class="feiten">{dl}</dl>')
    text = "; ".join(f"{k}: {v}" for k, v in facts)
    return Block(html, text, meta=content.metadata())  # the report's one metadata output


def _first_screen(content: ReportContent) -> list[Block | None]:
    first = content.first_screen
    if first is None:
        return []
    parts: list[Block | None] = []
    if first.plans:
        items = "".join(f"<li>{escape(t)}</li>" for t in first.plans)
        parts.append(Block(f'<ul class="plannen">{items}</ul>', " ".join(first.plans)))
    if first.money:
        text = " ".join(first.money)
        parts.append(Block(f'<p class="geld"><strong>Geld.</strong> {escape(text)}</p>', f"Geld: {text}"))
    if first.badges:
        counts = ", ".join(f"{n} {BADGE_WORD[o]}" for o, n in first.counts.items() if n)
        items = []
        for b in first.badges:
            subs = "".join(f"<li>{escape(t)} {_badge(u)}</li>" for t, u in b.onderdelen)
            detail = "".join(f'<span class="{cls}">{escape(t)}</span>' for cls, t in
                             (("woorden", b.evaluatoren), ("cijfer", b.kerncijfer)) if t)
            items.append(f'<li>{_badge(b.uitkomst)} <span class="opgave">{escape(b.titel)}</span>'
                         + (f'<ul class="onderdelen">{subs}</ul>' if subs else "")
                         + (f'<span class="badge-detail">{detail}</span>' if detail else "") + "</li>")
        rest = (f", uitkomst volgens de rekenregels van dit rapport: {counts}. Bij elke opgave wat de evaluatoren "
                "zelf schrijven en het cijfer dat telt; de uitleg per opgave staat onder Opgaven.")
        head = f"{len(first.badges)} opgaven{rest}"
        parts.append(Block(f'<p class="telling"><strong>{len(first.badges)} opgaven</strong>{escape(rest)}</p>'
                           f'<ul class="badges{" veel" if len(first.badges) > 6 else ""}">{"".join(items)}</ul>',
                           head))
    for line in first.monitoring:
        parts.append(Block(f'<p class="telling">{escape(line)}</p>', line))
    if first.recommendations:
        items = "".join(f"<li>{escape(t)}</li>" for t in first.recommendations)
        more = first.recommendations_total - len(first.recommendations)
        tail = f'<p class="noot">En {more} meer; alle aanbevelingen staan onder Opgaven.</p>' if more > 0 else ""
        title = ("Aanbevelingen van de evaluatoren" if first.recommendations_by == "de evaluatoren" else
                 "Aanbevelingen in het plan zelf")
        # texts that carry the document's own numbering ("1. Bouw voort …") are not numbered a second time
        own = all(re.match(r"\s*\d+[.)]\s", t) for t in first.recommendations)
        lijst = ('<ul class="aanbevelingen" style="list-style:none;padding-left:0">' if own
                 else '<ol class="aanbevelingen">')
        parts.append(Block(f'<h3 id="aanbevelingen">{title} ({first.recommendations_total})</h3>'
                           f'{lijst}{items}</{"ul" if own else "ol"}>{tail}', title))
    if first.effect_note:
        parts.append(Block(f'<p class="telling">{escape(first.effect_note)}</p>', first.effect_note))
    if first.messages:
        items = "".join(f'<li class="bericht-{m.richting}"><span class="teken" aria-hidden="true">'
                        f'{"▲" if m.richting == "beter" else "▼"}</span> {escape(m.tekst)}'
                        + (f' <span class="bij-opgave">(opgave: {escape(m.opgave)})</span>' if m.opgave else "")
                        + "</li>" for m in first.messages)
        note_html = f'<p class="noot">{escape(first.messages_note)}</p>' if first.messages_note else ""
        parts.append(Block(f'<h3 id="kernboodschappen">{escape(first.messages_heading)}</h3>{note_html}'
                           f'<ul class="kernboodschappen">{items}</ul>', first.messages_heading))
    return parts


@chapter("samenvatting", "Samenvatting", heading="Samenvatting", source=summary_chapter.build)
def render_summary(content: ReportContent, out: OutputTarget | None = None) -> Block:
    """The first screen: badges per opgave, three key messages, and one sentence on all indicators.

    Details (the plan's conclusion in full, every indicator with its reason) follow in the chapters; the
    summary stays short enough to read in ten seconds.
    """
    parts: list[Block | None] = _first_screen(content)
    v, sig = content.indicators.verdicts, content.indicators.signals
    if v is None or v.empty:
        parts.append(note("Voor deze gemeente zijn geen indicatoren met gegevens gevonden."))
    else:
        neutral = sig["indicatoren"] - sig["beter"] - sig["slechter"] - sig["gelijk"]
        tail = (", en {r} zonder voorkeursrichting gestegen of gedaald" if neutral else "")
        parts.append(md("Van de {n} indicatoren met gegevens is bij {m} bekend hoe groot de toevalsmarge is, en "
                        "daarmee te zeggen of ze sinds het basisjaar veranderd zijn: {b} **verbeterd**, "
                        "{s} **verslechterd**, {g} gelijk gebleven" + tail + ". Bij {u} is de marge onbekend: "
                        "daar staat alleen het verschil, zonder oordeel (zie Indicatoren).",
                        n=sig["totaal"], m=sig["indicatoren"], b=sig["beter"], s=sig["slechter"], g=sig["gelijk"],
                        r=neutral, u=sig.get("marge_onbekend", 0)))
    if not content.plans:
        parts.append(note("Er is geen beleidsplan van deze gemeente als gegevens beschikbaar; het rapport bevat "
                          "daarom geen oordeel per opgave."))
    return blocks(parts)


@chapter("kerncijfers", "Kerncijfers", heading="Kerncijfers", source=indicator_chapter.build)
def render_key_figures(content: ReportContent, out: OutputTarget | None = None) -> Block:
    """Size, regions and the latest value of a few headline indicators as tiles."""
    g = content.gemeente
    tiles = [("Inwoners", fmt_number(g.inwoners) if getattr(g, "inwoners", None) else "–"),
             ("Grootteklasse", getattr(g, "grootteklasse", None) or "–")]
    regions = getattr(g, "regions", {}) or {}
    for role, label in (("jeugdzorgregio", "Jeugdzorgregio"), ("ggd_regio", "GGD-regio"),
                        ("arbeidsmarktregio", "Arbeidsmarktregio")):
        if role in regions:
            tiles.append((label, regions[role][1]))
    for naam, value, unit, period in content.indicators.key_figures:
        tiles.append((f"{naam} ({period_label(period)})", fmt_value(value, unit)))
    html = "".join(f'<div class="kerncijfer"><div class="waarde">{escape(v)}</div>'
                   f'<div class="label">{escape(k)}</div></div>' for k, v in tiles)
    return blocks([Block(f'<div class="kerncijfers">{html}</div>', "; ".join(f"{k}: {v}" for k, v in tiles)),
                   _map_block(content, out)])


def _map_block(content: ReportContent, out: OutputTarget | None) -> Block | None:
    m = content.indicators.map
    if m is None:
        return None
    if m.geo is None:
        return note(m.note or "Geen kaart: de gemeentegrenzen zijn niet beschikbaar.")
    return chart(maps.plot_gemeente_map, m.geo, content.code, m.values, m.members, name="kaart", out=out,
                 title=f"{m.naam} ({period_label(m.period)})", indicator_label=m.naam, unit=m.unit,
                 region_label=m.region_label)


def _value(v: Any, unit: str) -> str:
    return "–" if v is None or pd.isna(v) else fmt_value(v, unit)


def _interval(row: Any) -> str:
    if pd.isna(row.ci_low) or pd.isna(row.ci_high):
        return _value(row.value, row.unit)  # units in words (per 1.000, euro) without an interval
    return fmt_interval(row.value, row.ci_low, row.ci_high, unit=row.unit)


def _comparison_word(comparison: str, level: float) -> str:
    if comparison in ("niet te beoordelen", "", None):
        return "–"
    return f"{comparison}, ruim" if level and level > 0.99 and comparison != "vergelijkbaar" else comparison


MIN_SPREAD = 10
"""An indicator is drawn in the spine chart only when at least this many gemeenten have a value that period."""
CHANGE_WORD = {vocab.BETER: "verbeterd", vocab.SLECHTER: "verslechterd", vocab.GELIJK: "gelijk gebleven",
               vocab.HOGER: "gestegen", vocab.LAGER: "gedaald", vocab.MARGE_ONBEKEND: "marge onbekend"}


def _change_word(change: str, base: Any) -> str:
    word = CHANGE_WORD.get(change)
    if word is None:
        return "–"
    return f"{word} (sinds {period_label(base)})" if isinstance(base, str) and base else word


SPARK_POINTS = 10
"""A sparkline shows at most this many latest periods of the indicator's series."""


def _spark_series(content: ReportContent) -> dict[str, pd.DataFrame]:
    """indicator_id → the last :data:`SPARK_POINTS` points of the gemeente's reported series (in period order)."""
    series = content.indicators.series
    if series is None or series.empty:
        return {}
    return {k: g.tail(SPARK_POINTS) for k, g in series.groupby("indicator_id", sort=False)}  # already in order


def _sparklines(grouped: dict[str, pd.DataFrame], rows: pd.DataFrame) -> list[str]:
    """One sparkline per overview row (the gemeente's reported series of that indicator; empty when < 2 points)."""
    out = []
    for iid, naam in zip(rows["indicator_id"], rows["naam"]):
        g = grouped.get(iid)
        out.append("" if g is None else svg.sparkline(g["value"].tolist(), [period_label(p) for p in g["period"]],
                                                      str(naam)))
    return out


@chapter("overzicht", "Indicatoren", heading="Indicatoren", source=indicator_chapter.build)
def render_overview(content: ReportContent, out: OutputTarget | None = None) -> Block:
    """All indicators at a glance, per domein: a spine chart and a table (value, regio, Nederland, trend)."""
    ov = content.indicators.overview
    if ov is None or ov.rows.empty:
        return note("Voor deze gemeente zijn geen indicatoren met gegevens gevonden.")
    parts: list[Block | None] = [
        heading("Overzicht van alle indicatoren", 3),
        md("Per indicator de laatste waarde van {naam} met het 95%-interval, de regio en Nederland (beide zonder "
           "{naam}), de vergelijking met Nederland en de trend over de laatste vijf jaren. In de figuur: de "
           "spreiding over alle gemeenten (lijn: laagste tot hoogste, balk: middelste helft, streep: Nederland) en "
           "{naam} als symbool, gekleurd naar de vergelijking met Nederland.", naam=content.naam)]
    if content.indicators.reference_notes:
        parts.append(note(" ".join(content.indicators.reference_notes[:3])))
    marks = _series_marks(content, ov.rows["indicator_id"].tolist())
    if marks is not None:
        parts.append(marks)
    if ov.stale is not None and len(ov.stale):
        parts.append(note("Niet in het overzicht, omdat het laatste cijfer meer dan vijf jaar oud is: "
                          + "; ".join(f"{n} ({period_label(p)})" for n, p in zip(ov.stale["naam"], ov.stale["period"]))
                          + "."))
    comp = content.indicators.comparison
    if comp is not None and out is not None:  # every comparison row (also counts and references) for reuse
        # writes the CSV (the page shows the overview); the reference is named by its label, not by its code
        table_block(comp.drop(columns=["reference_code"], errors="ignore"), "indicatoren-vergelijking", out)
        parts.append(Block(file_link(out, "indicatoren-vergelijking.csv", "Alle vergelijkingen per indicator en "
                                     "referentie (CSV voor Excel)"), "CSV met alle vergelijkingen"))
    grouped = _spark_series(content)
    for label, rows in ov.blocks():
        spread = rows[rows["n_gemeenten"].fillna(0) >= MIN_SPREAD]  # a spread needs enough gemeenten
        spine = pd.DataFrame({
            "indicator_naam": [f"{n} ({period_label(p)})" for n, p in zip(spread["naam"], spread["period"])],
            "gemeente_value": spread["value"], "nl_value": spread["nl_all"].fillna(spread["nl_value"]),
            "min": spread["min"], "q1": spread["q1"], "q3": spread["q3"], "max": spread["max"],
            "comparison": spread["comparison"], "level": spread["level"], "polarity": spread["polarity"].fillna(""),
            "value_label": [_value(v, u) for v, u in zip(spread["value"], spread["unit"])]})
        figure = None
        if len(spine):
            svg_text, alt, drawn = svg.spine_chart(spine, title=label, gemeente_label=content.naam)
            figure = svg_block(svg_text, f"overzicht-{slug_of(label)}", out, alt, drawn)
        sparks = _sparklines(grouped, rows)
        # the headers name the reference actually used (one label for the whole block, else a generic word)
        used = list(dict.fromkeys(str(lab) for lab, v in zip(rows["regio_label"], rows["regio_value"])
                                  if isinstance(lab, str) and pd.notna(v)))
        nl_used = list(dict.fromkeys(str(lab) for lab, v in zip(rows["nl_label"], rows["nl_value"])
                                     if isinstance(lab, str) and pd.notna(v)))
        regio_head = used[0] if len(used) == 1 else (
            f"Regio zonder {content.naam}" if used and all(u.startswith("rest van") for u in used) else "Regio")
        nl_head = nl_used[0] if len(nl_used) == 1 else "Nederland"
        table = pd.DataFrame({
            "Indicator": rows["naam"], "Periode": [period_label(p) for p in rows["period"]],
            content.naam: [_interval(r) for r in rows.itertuples()],
            regio_head[:1].upper() + regio_head[1:]: [_value(v, u) for v, u in zip(rows["regio_value"], rows["unit"])],
            nl_head: [_value(v, u) for v, u in zip(rows["nl_value"], rows["unit"])],
            "Tegenover Nederland": [_comparison_word(c, lv) for c, lv in zip(rows["comparison"], rows["level"])],
            f"Sinds de nulmeting (≤ {content.policy.startjaar})": [
                f"breuk in de reeks ({period_label(k)})" if c == vocab.NIET_TE_BEOORDELEN and isinstance(k, str)
                else _change_word(c, b) for c, b, k in zip(rows["change"], rows["base_period"], rows["break_period"])],
            "Trend laatste 5 jaar": rows["trend"]})
        regios = ", ".join(dict.fromkeys(str(lab) for lab, v in zip(rows["regio_label"], rows["regio_value"])
                                         if isinstance(lab, str) and pd.notna(v)))  # only references shown
        defs = "".join(f"<li><strong>{escape(n)}</strong>: {escape(d)}</li>"
                       for n, d in zip(rows["naam"], rows["definitie"]) if isinstance(d, str) and d)
        inner = blocks([figure,
                        Block(f'<p>Regio: {escape(regios or "geen (alleen Nederland)")}. <span class="uitleg-herhaald">'
                              f"Tegenover Nederland: de marge van {escape(content.naam)} (het toeval van het eigen "
                              "cijfer: de meetonzekerheid plus de gewone schommeling van jaar tot jaar bij gemeenten "
                              "van deze omvang) ligt boven (hoger) of onder (lager) de waarde van Nederland, of omvat "
                              "die (vergelijkbaar); <em>ruim</em>: ook buiten de 99,8%-marge. <em>Marge onbekend</em>:"
                              " zonder aantallen of gepubliceerde marge staat alleen het verschil er, zonder oordeel."
                              "</span></p>", f"Regio: {regios}"),
                        table_block(table, f"overzicht-{slug_of(label)}-tabel", out,
                                    caption=f"{label}: alle indicatoren",
                                    extra={"Verloop": sparks} if any(sparks) else None),
                        Block(f'<details class="alleen-scherm"><summary>Definities</summary><ul>{defs}</ul></details>')
                        if defs else None])
        count = fmt_plural(len(rows), "indicator", "indicatoren")
        parts.append(Block(f'<details class="domein" open><summary>{escape(label)} ({count})'
                           f"</summary>{inner.html}</details>", inner.text))
    return blocks(parts)


@chapter("trends", "Indicatoren", source=indicator_chapter.build)
def render_trends(content: ReportContent, out: OutputTarget | None = None) -> Block:
    """A trend chart (gemeente vs references, policy start marked) per judged indicator."""
    ind = content.indicators
    if not ind.trends:
        return note("Er zijn geen indicatoren met een reeks van ten minste drie jaren om als trend te tonen.")
    figures = []
    for ts in ind.trends:
        figures.append(chart(plots.plot_trend, ts.frame, content.code, name=f"trend-{ts.indicator_id}", out=out,
                             labels=ind.labels, title=ts.naam, unit=ts.unit, policy_year=content.policy.startjaar))
    grid = blocks(figures)
    return blocks([heading("Ontwikkeling per indicator", 3),
                   Block(f'<div class="figuren-rij">{grid.html}</div>', grid.text),
                   _series_marks(content, [t.indicator_id for t in ind.trends])])


def _periods_text(periods: list[str]) -> str:
    labels = [period_label(p) for p in periods]
    return labels[0] if len(labels) == 1 else f"{labels[0]} tot en met {labels[-1]}"


def _series_marks(content: ReportContent, ids: list[str]) -> Block | None:
    """One note naming the periods of these indicators that were harmonised, filled or follow a break."""
    ser = content.indicators.series
    if ser is None or ser.empty:
        return None
    names = content.indicators.records.set_index("indicator_id")["naam"] if content.indicators.records is not None \
        else pd.Series(dtype=str)
    lines = []
    for iid in ids:
        s = ser[ser["indicator_id"] == iid]
        harm = s.loc[s["harmonised"].astype(bool), "period"].astype(str).tolist() if "harmonised" in s else []
        fill = s.loc[s["filled"].astype(bool), "period"].astype(str).tolist() if "filled" in s else []
        brk = s.loc[s["break_before"].astype(bool), "period"].astype(str).tolist()
        bits = []
        if harm:
            bits.append(f"omgerekend naar de gemeentelijke indeling van {content.indelingsjaar} "
                        f"(voorgangers opgeteld of naar adressen verdeeld): {_periods_text(harm)}")
        if fill:
            bits.append(f"aangevuld uit een andere CBS-tabel: {', '.join(period_label(p) for p in fill)}")
        if brk:
            grens = "een verandering over die grens wordt" if len(brk) == 1 else \
                "veranderingen over die grenzen worden"
            bits.append(f"nieuwe reeks (andere CBS-tabel of definitie) vanaf "
                        f"{fmt_list([period_label(p) for p in brk])}; {grens} niet beoordeeld")
        if bits:
            lines.append(f"{names.get(iid, iid)}: " + "; ".join(bits) + ".")
    return note(" ".join(lines)) if lines else None


@chapter("beleidsstart", "Indicatoren", source=indicator_chapter.build)
def render_policy_start(content: ReportContent, out: OutputTarget | None = None) -> Block:
    """Indicative difference-in-differences of the trend indicators against the first regional reference."""
    ind, start = content.indicators, content.policy.startjaar
    if ind.policy_start is None:
        return note("Er zijn geen indicatoren met een reeks om een verandering rond de beleidsstart te toetsen.")
    if ind.policy_start.empty:
        return note("Voor de trendindicatoren zijn geen gegevens van de regio (zonder de gemeente) beschikbaar.")
    rows = []
    for r in ind.policy_start.itertuples(index=False):
        def diff(value: float, unit: str = r.unit) -> str:  # differences of percentages are procentpunten
            return fmt_pp(value) if unit == "procent" else fmt_signed(value, 1)

        estimate = ("–" if pd.isna(r.estimate) else f"{diff(r.estimate)} ({diff(r.ci_low)} tot {diff(r.ci_high)})")
        rows.append({"Indicator": r.naam, "Referentie": r.reference, "Verschil met referentie vóór": diff(r.gap_before),
                     f"Verschil vanaf {start}": diff(r.gap_after),
                     "Verandering van het verschil (95%-interval)": estimate,
                     "Meetpunten vóór / vanaf": f"{int(r.n_before)} / {int(r.n_after)}",
                     "Opmerking": r.message or "indicatief"})
    intro = md("Is het verschil met de regio (zonder {naam}) vanaf het startjaar van het beleid ({jaar}) anders dan "
               "daarvoor? Dit is een *indicatieve* vergelijking (verschil-in-verschillen): één gemeente, weinig "
               "meetpunten en veel andere oorzaken; een verandering is geen bewijs van effect van het beleid.",
               naam=content.naam, jaar=start)
    return blocks([heading("Rond de start van het beleid", 3), intro,
                   table_block(pd.DataFrame(rows), "beleidsstart", out,
                               caption="Verschil-in-verschillen (indicatief)")])


def funnel_block(funnel: Any, code: str | list[str], labels: dict[str, str], out: OutputTarget | None = None) -> Block:
    """A funnel plot of :class:`~analyse.content.indicator_chapter.FunnelContent` (a note when ``None``).

    ``code`` is the gemeente to highlight, or a list of gemeenten (each highlighted, each position named).
    """
    if funnel is None:
        return note("Voor deze indicator zijn teller en noemer van de gemeente niet bekend; een funnelplot is daarom "
                    "niet te maken.")
    codes = [code] if isinstance(code, str) else list(code)
    naam = f"{funnel.naam} ({funnel.period})"
    text = None
    if funnel.position and len(codes) == 1:
        text = md("Positie van {naam} bij {ind}: **{pos}** (95%-grenzen, {n} gemeenten).", naam=labels.get(code, code),
                  ind=naam, pos=funnel.position, n=fmt_number(len(funnel.points)))
    elif len(codes) > 1 and "positie_95" in funnel.points:
        pos = funnel.points.drop_duplicates("gemeentecode").set_index("gemeentecode")["positie_95"]
        shown = [f"{labels.get(c, c)}: {pos[c]}" for c in codes if c in pos.index]
        if shown:
            text = md("Positie bij {ind} (95%-grenzen, {n} gemeenten): {lijst}.", ind=naam,
                      n=fmt_number(len(funnel.points)), lijst="; ".join(shown))
    return blocks([text, chart(plots.plot_funnel, funnel.points, funnel.limits, name=f"funnel-{funnel.indicator_id}",
                               out=out, highlight=codes, labels=labels, title=naam, unit=funnel.unit)])


@chapter("funnel", "Indicatoren", source=indicator_chapter.build)
def render_funnel(content: ReportContent, out: OutputTarget | None = None) -> Block:
    """Funnel plot: the gemeente among all gemeenten for the headline share indicator."""
    f = content.indicators.funnel
    if f is None:
        return note("Voor geen van de kernindicatoren zijn teller en noemer van deze gemeente bekend; "
                    "een funnelplot is daarom niet te maken.")
    word = vocab.FUNNEL_WORDS.get(str(f.position), vocab.NIET_TE_BEOORDELEN)
    inner = blocks([heading("Positie ten opzichte van alle gemeenten", 3),
                    md("{naam} is bij {ind} ({periode}) **{woord}** tussen alle gemeenten. De trechter beantwoordt "
                       "een andere vraag dan de kolom ‘Tegenover Nederland’: die kolom zegt of het cijfer verder van "
                       "Nederland ligt dan de gewone schommeling van het eigen cijfer van jaar tot jaar; de trechter "
                       "zegt of de gemeente opvalt tussen álle gemeenten, met de gewone verschillen tussen gemeenten "
                       "meegerekend. Een cijfer kan dus hoger dan Nederland zijn en toch niet opvallend.",
                       naam=content.naam, ind=f.naam, periode=period_label(f.period), woord=word),
                    funnel_block(f, content.code, {content.code: content.naam}, out)])
    return Block(f'<div class="alleen-scherm">{inner.html}</div>', inner.text)  # in print the overview says it


@chapter("kosten", "Kostenontwikkeling", heading="Kostenontwikkeling", source=cost_chapter.build)
def render_costs(content: ReportContent, out: OutputTarget | None = None) -> Block:
    """Iv3 lasten per inwoner per cluster vs peers and Nederland, breaks in the series, begroting against
    jaarrekening, and the plan's own cost figures reconciled with Iv3."""
    costs: CostContent = content.costs
    if not costs.available:
        return note("Voor deze gemeente zijn geen Iv3-lasten (begroting of jaarrekening) beschikbaar.")
    parts: list[Block | None] = [
        md("Lasten per inwoner van {naam} vergeleken met {n} vergelijkbare gemeenten (mediaan en middelste helft) "
           "en Nederland, uit de Iv3-gegevens van het CBS, in euro's van elk jaar (nominaal).", naam=content.naam,
           n=fmt_number(len(costs.peers)))]
    if costs.real_growth:
        parts.append(md("{t}", t=costs.real_growth))
    if content.peer_note:
        parts.append(note(content.peer_note))
    breaks = costs.breaks if costs.breaks is not None else pd.DataFrame()
    row: list[Block] = []  # the clusters side by side after the total
    for cluster in costs.clusters:
        sub = costs.cluster(cluster)
        if sub.empty:
            continue
        mine = breaks[breaks["cluster"] == cluster] if len(breaks) else None
        block = chart(plots.plot_cost_development, sub, name=f"kosten-{cluster}", out=out, mode="per_inwoner",
                      cluster=cluster, gemeente_label=content.naam, breaks=mine)
        (parts if cluster == costs.clusters[0] else row).append(block)
    if row:
        joined = blocks(row)
        parts.append(Block(f'<div class="figuren-rij">{joined.html}</div>', joined.text))
    if len(breaks):
        items = "".join(f"<li>{escape(t)}</li>" for t in dict.fromkeys(breaks["tekst"]) if t)
        parts.append(blocks([heading("Let op bij het vergelijken van jaren", 3),
                             Block(f"<ul>{items}</ul>", "Breuken in de reeksen")]))
    bj = costs.budget_vs_actual
    if bj is not None and bj["jaarrekening_eur"].notna().any():
        done = bj[bj["jaarrekening_eur"].notna()]
        total = done[done["cluster"] == "sociaal_domein_totaal"]
        table = pd.DataFrame({"Jaar": total["jaar"], "Begroot (euro)": total["begroting_eur"],
                              "Jaarrekening (euro)": total["jaarrekening_eur"],
                              "Verschil (euro)": total["afwijking_eur"], "Verschil (%)": total["afwijking_pct"]})
        inner = table_block(table, "begroting-jaarrekening", out,
                            caption="Sociaal domein: begroot tegenover uitgegeven (Iv3)")
        parts.append(blocks([heading("Begroting tegenover jaarrekening", 3),
                             md("{t}", t=str(total["tekst"].iloc[-1])) if len(total) else None,
                             chart(plots.plot_begroting_jaarrekening, done, name="begroting-jaarrekening", out=out,
                                   title=f"{content.naam}: jaarrekening tegenover begroting"),
                             Block(f'<details class="alleen-scherm"><summary>Tabel sociaal domein totaal</summary>'
                                   f"{inner.html}</details>", inner.text)]))
    for i, rec in enumerate(costs.reconciliations):
        parts.append(_reconciliation_block(rec, i, out))
    parts.append(_peer_block(content, out))
    return blocks(parts)


def _reconciliation_block(rec: pd.DataFrame, i: int, out: OutputTarget | None) -> Block:
    text = rec.attrs.get("toelichting") or " ".join(dict.fromkeys(rec.get("toelichting", pd.Series(dtype=str))))
    if "plan_eur" in rec:
        table = pd.DataFrame({"Jaar": rec["jaar"], "Soort": rec["soort"], "Post in het plan": rec["post"],
                              "Plan (euro)": rec["plan_eur"], "Iv3 (euro)": rec["iv3_eur"],
                              "Verschil (euro)": rec["verschil_eur"], "Bron": rec["bron_pagina"]})
    else:
        table = pd.DataFrame({"Periode": rec["van"].astype(str) + "–" + rec["tot"].astype(str), "Post": rec["post"],
                              "Groei volgens plan (%)": rec["plan_groei_pct"], "Groei Iv3 (%)": rec["iv3_groei_pct"],
                              "Groei Iv3 per inwoner (%)": rec["iv3_groei_per_inwoner_pct"],
                              "Bron": rec["bron_pagina"]})
    figure = None
    if "plan_eur" in rec:
        own = rec[rec["soort"] == "realisatie"].dropna(subset=["plan_eur"])
        if len(own) >= 2:
            figure = chart(plots.plot_spending_break, own, name=f"plan-uitgaven-{i + 1}", out=out,
                           value_col="plan_eur", title="Uitgaven sociaal domein volgens het plan")
    return blocks([heading("Kosten volgens het plan naast Iv3", 3), md("{t}", t=text), figure,
                   table_block(table, f"plan-en-iv3-{i + 1}", out, caption="Cijfers van het plan naast Iv3")])


def _peer_block(content: ReportContent, out: OutputTarget | None) -> Block | None:
    table = content.costs.peer_table
    if table is None or len(table) <= 1:
        return None
    year = table["jaar"].dropna()
    label = f"Lasten sociaal domein per inwoner {int(year.iloc[0])} (euro)" if len(year) else "Lasten per inwoner"
    shown = pd.DataFrame({"Gemeente": table["naam"], "Inwoners": table["inwoners"].round().astype("Int64"),
                          label: table["per_inwoner"].round(0)})
    return blocks([heading("Vergelijkbare gemeenten", 3),
                   md("Met deze gemeenten is {naam} vergeleken ({methode}); de eerste rij is {naam} zelf.",
                      naam=content.naam, methode=PEER_METHOD_TEXT.get(content.parameters.peer_method, "")),
                   table_block(shown, "vergelijkbare-gemeenten", out, caption="Vergelijkbare gemeenten")])


def _label(ids: pd.Series, titles: pd.Series) -> pd.Series:
    return ids.astype(str).str.cat(titles.fillna("").astype(str), sep=" ").str.strip()


def _opgave_blocks(pc: Any, opg: Any, out: OutputTarget | None) -> list[Block | None]:
    c = next((c for c in pc.conclusions.opgaven if c.id == opg.id), None)
    # two plans of one gemeente may name an opgave alike (Dordrecht: "Bevordering vrijwillige inzet"): one id each
    parts: list[Block | None] = [heading(f"{opg.titel}", 3, anchor=_unique(f"{opg.titel}", out))]
    if opg.doel:
        parts.append(md("**Doel:** {doel}", doel=opg.doel))
    parts.append(_voice_block(pc, pc.voice[pc.voice["opgave_id"] == opg.id], _unique(f"voice-{opg.id}", out)))
    if c is not None:
        uitleg = getattr(c, "uitleg", "")
        parts.append(Block(f'<p class="onze-uitkomst"><strong>Uitkomst van dit rapport</strong> (rekenregels, geen '
                           f'oordeel van de evaluatoren): {_badge(c.uitkomst)} {escape(uitleg)}</p>'
                           f'<p>{escape(" ".join(c.bewijs))}</p>', f"Uitkomst van dit rapport: {c.uitkomst}. {uitleg}"))
        own = pc.caveats.get(opg.id) or []
        if own:
            parts.append(Block("<p>Kanttekeningen bij deze opgave:</p><ul>"
                               + "".join(f"<li>{escape(k)}</li>" for k in own) + "</ul>"))
    frames = pc.frames
    mr = frames["maatregelen"]
    mr = mr[mr["opgave_id"] == opg.id]
    titles = dict(zip(mr["maatregel_id"], _label(mr["maatregel_id"], mr["titel"])))
    if len(mr):
        shown = pd.DataFrame({"Maatregel": _label(mr["maatregel_id"], mr["titel"]), "Status": mr["status"]})
        inner = table_block(shown, f"maatregelen-{opg.id}", out, caption="Maatregelen en hun status")
        listed = "; ".join(f"{escape(m)} ({escape(s) if isinstance(s, str) and s else 'status onbekend'})"
                           for m, s in zip(shown["Maatregel"], shown["Status"]))
        parts.append(Block(f'<div class="alleen-scherm">{inner.html}</div>'  # on paper: the same rows as one list
                           f'<p class="alleen-print maatregelen-kort"><strong>Maatregelen en hun status:</strong> '
                           f"{listed}.</p>", inner.text))
    outputs = frames["outputs"]
    outputs = outputs[outputs["opgave_id"] == opg.id]
    if len(outputs):
        shown = pd.DataFrame({"Maatregel": outputs["maatregel_id"].map(titles).fillna(outputs["maatregel_id"]),
                              "Wat": outputs["omschrijving"], "Gerealiseerd": outputs["realisatie"],
                              "Doel": outputs["doel"], "Eenheid": outputs["eenheid"], "Periode": outputs["periode"]})
        inner = table_block(shown, f"output-{opg.id}", out, caption="Output: realisatie tegenover doel")
        parts.append(Block(f'<details class="alleen-scherm"><summary>Output '
                           f'({fmt_plural(len(shown), "regel", "regels")})</summary>'
                           f"{inner.html}</details>", inner.text))
    bud = pc.budget[pc.budget["opgave_id"] == opg.id]
    if len(bud):
        where = bud["maatregel_id"].map(titles).fillna(bud["maatregel_id"]).fillna("opgave als geheel")
        where = where.where(bud["actie_id"].isna(), "actie " + bud["actie_id"].astype(str))
        shown = pd.DataFrame({"Maatregel/actie": where, "Post": bud["post"], "Jaar": bud["jaar"],
                              "Begroot (euro)": bud["begroot_eur"], "Uitgegeven (euro)": bud["gerealiseerd_eur"],
                              "Stand": bud["status"]})
        total = pc.budget_summary[pc.budget_summary["opgave_id"] == opg.id]
        if len(total):
            parts.append(md("**Budget:** {t}", t=" ".join(f"{int(r.jaar)}: {r.tekst}" for r in total.itertuples())))
        inner = table_block(shown, f"budget-{opg.id}", out, caption="Budget tegenover realisatie (euro)")
        parts.append(Block(f'<details class="alleen-scherm"><summary>Budget per maatregel en actie '
                           f'({fmt_plural(len(shown), "regel", "regels")})</summary>{inner.html}</details>',
                           inner.text))
    screen_only = [fmt_plural(n, f"{what}regel", f"{what}regels") for what, n in
                   (("output", len(outputs)), ("budget", len(bud))) if n]
    if screen_only:  # on paper: where the rows of the screen-only tables are (nothing of the plan file is dropped)
        parts.append(Block(f'<p class="alleen-print noot">{" en ".join(screen_only)} van deze opgave '
                           "staan als tabel in de schermversie van dit rapport (HTML) en in het Excel-bestand."
                           "</p>"))
    if pc.missing.get(opg.id):
        parts.append(md("**Wat ontbreekt om deze opgave te kunnen evalueren:** {m}.",
                        m=", ".join(str(x) for x in pc.missing[opg.id])))
    return parts


VOICE_HEADINGS = {"conclusie": "Conclusie", "knelpunt": "Knelpunten", "succes": "Successen",
                  "bevinding": "Bevindingen", "aanbeveling": "Aanbevelingen",
                  "tekortkoming": "Wat zij missen om te kunnen meten"}


def _who(pc: Any) -> str:
    """Who wrote the texts: the evaluators of an evaluation, or the document's authors (a plan or notitie)."""
    tijd = getattr(pc, "tijd", None)
    return "de evaluatoren" if tijd is None or tijd.geevalueerd else "het document zelf"


def _page(b: Any) -> str:
    return f' <span class="bron">({escape(b)})</span>' if isinstance(b, str) and b else ""


def _unique(name: str, out: OutputTarget | None) -> str:
    """An HTML id no other block of this report has (the report's name registry, see analyse.safetext)."""
    return out.claim(name) if out is not None else slug_of(name)


def _voice_block(pc: Any, rows: pd.DataFrame, key: str) -> Block | None:
    """The evaluators' own texts (conclusions, knelpunten, successen, bevindingen, aanbevelingen, gaps), verbatim
    with their page, grouped by kind; attributed to them and kept apart from the outcome of this report."""
    if rows is None or rows.empty:
        return None
    ev = getattr(pc.plan, "evaluatie", None)
    cited = _who(pc) != "de evaluatoren"
    html, text = [], []
    for kind in VOICE_HEADINGS:
        sub = rows[rows["soort"] == kind]
        if sub.empty:
            continue
        title = VOICE_HEADINGS[kind]
        if kind in ("conclusie", "tekortkoming") and cited and ev is not None:
            title += f" van een eerdere evaluatie, geciteerd in het document ({ev.uitvoerder or 'onbekend'})"
        items = []
        for r in sub.itertuples(index=False):
            who = f"{escape(r.maatregel_id)}: " if isinstance(r.maatregel_id, str) and kind != "conclusie" else ""
            label = f"<strong>'{escape(r.oordeel)}'</strong> " if isinstance(r.oordeel, str) and r.oordeel else ""
            items.append(f"<li>{who}{label}{escape(r.tekst)}{_page(r.bron_pagina)}</li>")
            text.append(r.tekst)
        tag = "ol" if kind == "aanbeveling" else "ul"
        html.append(f"<h4>{escape(title)} ({len(sub)})</h4><{tag}>{''.join(items)}</{tag}>")
    who = _who(pc)
    verb = "schrijven" if who == "de evaluatoren" else "schrijft"
    return Block(f'<div class="stem" id="{escape(key)}"><p><strong>Wat {who} {verb}</strong> '
                 f"(hun woorden, met bladzijde):</p>" + "".join(html) + "</div>", " ".join(text))


def _since_block(pc: Any, out: OutputTarget | None) -> Block | None:
    """For an evaluated plan: the linked indicators' CBS figures newer than the evaluation, dated and apart."""
    since, tijd = getattr(pc, "since", None), getattr(pc, "tijd", None)
    if since is None or since.empty or tijd is None or not tijd.geevalueerd:
        return None
    table = pd.DataFrame({"Indicator": since["naam"],
                          "Van": [f"{_value(v, u)} ({period_label(p)})" for v, u, p in
                                  zip(since["base_value"], since["unit"], since["base_period"])],
                          "Naar": [f"{_value(v, u)} ({period_label(p)})" for v, u, p in
                                   zip(since["latest_value"], since["unit"], since["latest_period"])],
                          "Verandering": [CHANGE_WORD.get(v, "–") if not (isinstance(i, bool) and i) else
                                          "indicatief, zonder bekende marge" for v, i in
                                          zip(since["verdict"], since["indicative"])]})
    latest = max(period_label(p) for p in since["latest_period"])
    return blocks([heading(f"Sinds de evaluatie ({tijd.peildatum})", 3),
                   md("CBS-cijfers tot {latest} van de indicatoren die het plan noemt. Ze zijn nieuwer dan de "
                      "evaluatie en tellen niet mee in de uitkomst van het plan hierboven.", latest=latest),
                   table_block(table, f"sinds-evaluatie-{slug_of(pc.title)[:30]}", out,
                               caption=f"Na de evaluatie van {tijd.peildatum}")])


def _budget_chart(pc: Any, out: OutputTarget | None) -> Block | None:
    """Begroot against uitgegeven per labelled post for the latest year in which both are known; where only one
    of the two is known, a table that says what is missing instead of a chart of empty bars."""
    bud = pc.budget
    if bud is None or bud.empty:
        return None
    both = bud[bud["begroot_eur"].notna() & bud["gerealiseerd_eur"].notna()]
    money = both[(both["begroot_eur"] > 0) | (both["gerealiseerd_eur"] > 0)]
    if len(money):
        year = int(money["jaar"].max())
        zero = both[(both["jaar"] == year) & (both["begroot_eur"] == 0) & (both["gerealiseerd_eur"] == 0)]
        text = (md("{n} posten van {jaar} zonder budget en zonder uitgaven (€ 0 begroot, € 0 uitgegeven) staan niet "
                   "in de figuur; ze staan in de tabellen per opgave.", n=len(zero), jaar=year) if len(zero) else None)
        return blocks([chart(plots.plot_budget_vs_realisatie, money, name=f"budget-{slug_of(pc.title)[:40]}-{year}",
                             out=out, jaar=year, title=f"Begroot en uitgegeven per post, {year}"), text])
    known = bud[bud["begroot_eur"].notna() | bud["gerealiseerd_eur"].notna()]
    if known.empty:
        return None
    missing = ["alleen begroot; uitgegeven niet in het document" if pd.isna(g) else
               "alleen uitgegeven; begroot niet in het document" for g in known["gerealiseerd_eur"]]
    table = pd.DataFrame({"Post": known["post"], "Jaar": known["jaar"], "Begroot (euro)": known["begroot_eur"],
                          "Uitgegeven (euro)": known["gerealiseerd_eur"], "Wat ontbreekt": missing})
    return blocks([md("Geen figuur: van geen enkele post zijn begroot én uitgegeven bekend."),
                   table_block(table, f"budget-{slug_of(pc.title)[:40]}", out,
                               caption="Bedragen van het plan en wat ontbreekt")])


def _monitoring_block(pc: Any, out: OutputTarget | None) -> Block | None:
    if pc.monitoring is None:
        return None
    summary = pc.monitoring_summary
    items = "".join(f"<li><strong>{escape(o)}</strong>: {escape(t)}</li>"
                    for o, t in zip(summary["opgave"], summary["tekst"]))
    view = pc.monitoring
    table = pd.DataFrame({"Opgave": view["opgave"], "Doel": view["doel"], "Indicator": view["indicator"],
                          "Nulmeting": view["nulmeting"], "Streefwaarde": view["streefwaarde"],
                          "Met CBS-cijfers te volgen": view["meetbaar_met_cbs"].map({True: "ja", False: "nee"}),
                          "Wat de gemeente zelf moet vastleggen": view["vastleggen"]})
    return blocks([heading("Wat er te volgen is", 3),
                   md("Dit plan is een plan, geen evaluatie: de maatregelen hebben (nog) geen status. In plaats van "
                      "een oordeel per opgave staat hier wat er nu te meten is en wat de gemeente nog moet "
                      "vastleggen."),
                   Block(f"<ul>{items}</ul>", "Per opgave"),
                   table_block(table, "monitoring", out, caption="Doelen, indicatoren en wat er te meten is")])


@chapter("opgaven", "Opgaven", source=plan_chapter.build)
def render_plan_goals(content: ReportContent, out: OutputTarget | None = None) -> Block | None:
    """Per opgave: doel, maatregelen with status, output vs targets, budget, conclusion, what is missing."""
    if not content.plans:
        return None
    parts: list[Block | None] = [heading("Opgaven", 2)]
    general: list[str] = []
    themes = content.plan_themes
    if themes is not None and len(themes):
        items = "".join(f"<li>{_badge(u)} <strong>{escape(t)}</strong>: {escape(x)}</li>"
                        for t, u, x in zip(themes["thema"], themes["uitkomst"], themes["tekst"]))
        parts.append(Block(f"<p>Thema's die in meer dan één plan voorkomen, met één oordeel:</p><ul>{items}</ul>",
                           "Gedeelde thema's"))
    for pc in content.plans:
        concl = pc.conclusions.plan
        tijd = getattr(pc, "tijd", None)
        parts.append(heading(f"{pc.title.split(' - ')[-1]}: het plan als geheel", 3))
        parts.append(Block(f"<p><strong>{escape(pc.title)}</strong>" + (f": {escape(tijd.label)}." if tijd else ".")
                           + "</p>", pc.title))
        parts.append(_voice_block(pc, pc.voice[pc.voice["niveau"] == "plan"], _unique(f"voice-plan-{pc.title}", out)))
        if getattr(pc, "geen_effectcijfers", None):
            parts.append(note(f"De evaluatie gebruikt bewust geen effectcijfers: {pc.geen_effectcijfers} Dit rapport "
                              "zet daarom geen voor-en-na-cijfers bij de opgaven van dit plan."))
        if pc.monitoring is None:
            when = (f" Stand per {tijd.peildatum}, het moment van de evaluatie." if tijd and tijd.geevalueerd
                    and tijd.peildatum else "")
            parts.append(Block(f'<p class="onze-uitkomst"><strong>Uitkomst van dit rapport voor het plan als geheel'
                               f"</strong> (rekenregels, geen oordeel van de evaluatoren): {_badge(concl.uitkomst)} "
                               f"{escape(concl.tekst)}{escape(when)}</p>", f"{pc.title}: {concl.uitkomst}"))
        parts.append(_since_block(pc, out))
        parts.append(_monitoring_block(pc, out))
        parts.append(_budget_chart(pc, out))
        for opg in pc.plan.opgaven:
            parts += _opgave_blocks(pc, opg, out)
        general += [k for k in pc.general_caveats if k not in general]
        remarks = list(getattr(pc.plan, "warnings", ()) or ())
        if remarks:  # the plan loader's warnings (e.g. a budget year outside the plan period)
            items = "".join(f"<li>{escape(w)}</li>" for w in remarks)
            parts.append(Block(f'<details class="alleen-scherm"><summary>{len(remarks)} opmerking(en) bij het '
                               f"planbestand</summary><ul>{items}</ul></details>", f"{len(remarks)} opmerkingen"))
    if general:
        items = "".join(f"<li>{escape(k)}</li>" for k in general)
        parts.append(blocks([heading("Wat niet te concluderen is", 3),
                             Block(f'<details class="alleen-scherm"><summary>{len(general)} kanttekeningen die '
                                   f"voor alle opgaven gelden</summary><ul>{items}</ul></details>")]))
    return blocks(parts)


@chapter("besparingen", "Besparingen en taakstellingen", source=plan_chapter.build)
def render_savings(content: ReportContent, out: OutputTarget | None = None) -> Block | None:
    """Planned vs realised savings and taakstellingen from the plan."""
    if not content.plans:
        return None
    parts: list[Block | None] = [heading("Besparingen en taakstellingen", 2)]
    for pc in content.plans:
        ledger, taak = pc.ledger, pc.frames["taakstellingen"]
        start = getattr(getattr(pc.plan, "beleidsperiode", None), "startjaar", None)
        for i, reeks in enumerate(dict.fromkeys(ledger["reeks"])):
            rows = ledger[ledger["reeks"] == reeks]
            parts.append(chart(plots.plot_savings_ledger, ledger, reeks, name=f"besparingen-{i}", out=out,
                               start_jaar=start))
            table = pd.DataFrame({"Jaar": rows["jaar"], "Begroot (euro)": rows["begroot_eur"],
                                  "Doelstelling (euro)": rows["doelstelling_eur"],
                                  "Gerealiseerd (euro)": rows["gerealiseerd_eur"],
                                  "Schatting (euro)": rows["schatting_eur"],
                                  "Openstaand (euro)": rows["openstaand_eur"],
                                  "Realisatiegraad (%)": rows["realisatiegraad_pct"],
                                  "Opmerking": rows["opmerking"].fillna("")}).dropna(axis=1, how="all")
            parts.append(table_block(table, f"besparingen-{i}-tabel", out,
                                     caption=f"{reeks}: stand per jaar (cumulatief), "
                                             f"bron {rows['bron_pagina'].iloc[0]}"))
        tk = getattr(pc, "taakstellingen", None)
        if tk is not None and len(tk):
            shown = pd.DataFrame({"Taakstelling": tk["omschrijving"], "Bedrag (euro)": tk["bedrag_eur"],
                                  "Wat het bedrag is": tk["wat_het_bedrag_is"], "Jaar": tk["jaar"],
                                  "Status": tk["status"].fillna(""), "Bron": tk["bron_pagina"].fillna("")})
            regional = tk[(tk["schaal"] == "regio") & tk["bedrag_eur"].notna()]
            if len(regional):
                parts.append(note("Let op: " + " ".join(f"{r.omschrijving.split(' (')[0]}: het bedrag is een "
                                                        f"{r.wat_het_bedrag_is}." for r in regional.itertuples())))
            inner = table_block(shown, "taakstellingen", out, caption="Taakstellingen zoals in het plan")
            summary = f"Alle {len(shown)} taakstellingen uit het plan"
            html = (f"<details open><summary>{summary}</summary>{inner.html}</details>" if len(regional) or len(shown)
                    <= 5 else f'<details class="alleen-scherm"><summary>{summary}</summary>{inner.html}</details>')
            parts.append(Block(html, inner.text))
        elif len(taak):
            shown = taak[["omschrijving", "bedrag", "jaar", "status"]].set_axis(
                ["Taakstelling", "Bedrag (euro)", "Jaar", "Status"], axis=1)
            parts.append(table_block(shown, "taakstellingen", out, caption="Taakstellingen zoals in het plan"))
    if len(parts) == 1:
        parts.append(note("Het plan bevat geen besparingen of taakstellingen."))
    return blocks(parts)


@chapter("preventie", "Preventiematrix", source=plan_chapter.build)
def render_prevention(content: ReportContent, out: OutputTarget | None = None) -> Block | None:
    """Interventions by prevention level (from the plan's preventiematrix / interventies)."""
    if not content.plans:
        return None
    parts: list[Block | None] = [heading("Preventiematrix", 2)]
    for pc in content.plans:
        inter = pc.frames["interventies"]
        if len(inter):
            shown = inter[["naam", "preventie_niveau", "domein", "status", "resultaat"]].set_axis(
                ["Interventie", "Preventieniveau", "Domein", "Status", "Resultaat"], axis=1)
            for col, label in (("kosten", "Kosten, investering (euro)"),
                               ("bezuiniging", "Bezuiniging of opbrengst volgens het plan (euro)")):
                if col in inter and inter[col].notna().any():  # every amount the plan carries, with its kind
                    shown[label] = inter[col].to_numpy()
            parts.append(table_block(shown, "preventiematrix", out, caption="Interventies per preventieniveau"))
    if len(parts) == 1:
        parts.append(note("Het plan bevat geen preventiematrix."))
    return blocks(parts)


def _definitions_block(content: ReportContent) -> Block | None:
    """The definition of every indicator of the report, as a compact list (printed in two columns)."""
    ov = content.indicators.overview
    rows = ov.rows if ov is not None else None
    if rows is None or rows.empty or "definitie" not in rows:
        return None
    defs = rows[["naam", "definitie"]].drop_duplicates("naam").sort_values("naam", key=lambda s: s.str.lower())
    items = "".join(f"<dt>{escape(n)}</dt><dd>{escape(d)}</dd>" for n, d in zip(defs["naam"], defs["definitie"])
                    if isinstance(d, str) and d.strip())
    if not items:
        return None
    return Block(f'<h3 id="definities">Definities van de indicatoren</h3><div class="bijlage kolommen">'
                 f'<dl class="definities">{items}</dl></div>', "Definities van de indicatoren")


@chapter("bronnen", "Data en bronnen", heading="Data en bronnen", source=sources_chapter.build)
def render_sources(content: ReportContent, out: OutputTarget | None = None) -> Block:
    """Source tables with periods and status, the definitions of the indicators; printed as well (the appendix)."""
    src = content.sources
    if src is None or src.tables.empty:
        return note("Geen bronnen: er zijn geen gegevens voor deze gemeente.")
    n = len(src.tables)
    table = table_block(display_sources(src.tables), "bronnen", out, caption="Brontabellen, perioden en status")
    return blocks([md("Cijfers uit {n} {woord} (CBS en de bronnen van de gemeente). Onderdrukte of niet geleverde "
                      "cijfers staan als – en tellen nergens als 0 mee. De CBS-tabel is op StatLine te vinden onder "
                      "het genoemde nummer; het Excel-bestand van dit rapport geeft per indicator de koppeling.",
                      n=n, woord="brontabel" if n == 1 else "brontabellen"),
                   Block(f'<div class="bijlage">{table.html}</div>', table.text),
                   _definitions_block(content)])


DATA_LABELS = {"indicators": "indicatoren", "referenties": "referentiegebieden", "region_members": "regio-indeling",
               "gemeenten": "gemeenten", "herindelingen": "herindelingen", "lasten": "lasten (Iv3)",
               "lasten_clusters": "lasten per cluster (Iv3)", "cpi": "consumentenprijsindex",
               "boundaries": "gemeentegrenzen", "stat_preferred": "gekozen cijfer per indicator en periode",
               "stat_dispersion": "spreiding tussen gemeenten", "stat_variation": "schommeling van jaar tot jaar",
               "stat_membership": "regio-indeling (leden)", "stat_totals": "tellers en noemers per regio",
               "stat_rounding": "afronding per bron", "stat_autocorrelation": "samenhang van jaar op jaar",
               "stat_covariates": "kenmerken voor vergelijkbare gemeenten",
               "stat_spread": "spreiding over alle gemeenten", "stat_funnel": "trechtergrenzen",
               "stat_funnel_points": "punten van het trechterdiagram"}
"""Processed data files → the words the colofon uses for them."""


def data_label(file_name: str) -> str:
    """``indicators_2024.parquet`` → ``indicatoren (indeling 2024)``: a data file named for readers."""
    stem = re.sub(r"\.\w+$", "", str(file_name))
    found = re.fullmatch(r"(.+?)_(\d{4})", stem)
    base, year = (found.group(1), found.group(2)) if found else (stem, None)
    label = DATA_LABELS.get(base, base.replace("_", " "))
    return f"{label} (indeling {year})" if year else label


@chapter("colofon", "Colofon", heading="Colofon", source=sources_chapter.build)
def render_colofon(content: ReportContent, out: OutputTarget | None = None) -> Block:
    """Package version, git commit, parameters, data checksums and the peer list."""
    src = content.sources
    p = content.parameters
    rows = [("Pakket", f"analyse {analyse.__version__}"), ("Git-commit", src.commit if src else "onbekend"),
            ("Gemaakt op", src.created if src else "–"),
            ("Startjaar beleid", f"{content.policy.startjaar} ({POLICY_SOURCE.get(content.policy.bron, '')})"),
            ("Aantal vergelijkbare gemeenten", str(p.peer_k)),
            ("Keuze vergelijkbare gemeenten", PEER_METHOD_TEXT.get(p.peer_method, p.peer_method)),
            ("Referenties", ", ".join(content.indicators.labels.get(c, c)
                                      for c in content.indicators.references.values()) or "–")]
    sums = src.checksums if src else []
    if sums:  # one row: the data files and their checksums (sha256, first characters), compact on paper too
        rows.append(("Gegevens en controlegetallen (sha256)",
                     "; ".join(f"{data_label(name)}: {digest}" for name, digest in sums)))
    peer_names = content.costs.peer_table["naam"].iloc[1:].tolist() if content.costs.peer_table is not None else []
    rows.append(("Vergelijkbare gemeenten", ", ".join(map(str, peer_names)) or "–"))
    body = "".join(f"<tr><th scope=\"row\">{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return Block(f'<div class="tabel-wrap"><table class="tabel colofon"><tbody>{body}</tbody></table></div>',
                 "Colofon")


@chapter("methoden", "Hoe lees ik dit rapport", after="bronnen")
def render_appendix(content: ReportContent, out: OutputTarget | None = None) -> Block:
    """The "Hoe lees ik dit rapport?" appendix: verdicts, intervals, references and trends explained once.

    On paper too (two columns, small type), so a printed copy can be defended without the online version.
    """
    html = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", appendix_html())  # no ¶ in the table of contents
    head, sep, body = html.partition("</h2>")
    if not sep:
        return Block(html, "Hoe lees ik dit rapport?")
    return Block(f'{head}</h2><div class="bijlage kolommen methoden">{body}</div>', "Hoe lees ik dit rapport?")


INDICATOR_FIGURES = ("overzicht-", "trend-", "kaart", "funnel-")
"""Figures whose data the long data file already holds (left out of the workbook; their CSV stays)."""


def _readme_facts(content: ReportContent) -> list[tuple[str, str]]:
    src = content.sources
    facts = [("Gemeente", f"{content.naam} ({content.code}), indeling {content.gemeente.indelingsjaar}"),
             ("Gemaakt op", src.created if src else "–"),
             ("Versie van het programma", src.commit if src else "onbekend")]
    facts += [(f"Gegevensversie {name}", f"sha256 {digest[:16]}") for name, digest in (src.checksums if src else [])]
    facts += [("Getallen", "Als getal, niet als tekst. In de CSV-bestanden: puntkomma als scheidingsteken en "
                           "decimale komma (Excel-NL). Een lege cel is niet beschikbaar of door het CBS onderdrukt, "
                           "nooit 0."),
              ("Marges", "Ondergrens en bovengrens: het 95%-interval (zie 'Hoe lees ik dit rapport?' in het rapport)."),
              ("Ja/nee", "Kolommen met een ja/nee-vraag staan als ja of nee.")]
    return facts


def _definitions_frame(content: ReportContent) -> pd.DataFrame | None:
    ov = content.indicators.overview
    if ov is None or ov.rows.empty or "definitie" not in ov.rows:
        return None
    d = ov.rows[["naam", "definitie"]].drop_duplicates("naam")
    return pd.DataFrame({"Indicator": d["naam"], "Definitie": d["definitie"].fillna("")})


@chapter("downloads", "Colofon", source=sources_chapter.build)
def render_downloads(content: ReportContent, out: OutputTarget | None = None) -> Block | None:
    """The data of the report as data: one long file with every indicator and period (CSV and the first sheet of
    the workbook), and one Excel workbook with a "Leesmij" sheet and a readable sheet per table of the report."""
    if out is None or not out.tables:
        return None

    records = getattr(content.indicators, "records", None)
    long = None
    long_name = f"{content.code}-indicatoren.csv"
    if records is not None and len(records):
        titles = {}
        if content.sources is not None and len(content.sources.tables):
            t = content.sources.tables
            titles = {str(k): str(v) for k, v in zip(t["tabel"], t["titel"]) if isinstance(v, str) and v.strip()}
        long = indicator_long_table(records, getattr(content.indicators, "series", None), content.code, content.naam,
                                    titles)
        write_csv(long, out.report_dir / long_name, full_precision=True)
    keep = {k: v for k, v in out.tables.items()
            if not (k in out.figure_data and k.startswith(INDICATOR_FIGURES))}
    titles = {k: out.titles.get(k, k) for k in keep}
    names = readable_sheet_names({"__leesmij": "Leesmij", "__lang": "Indicatoren per periode", **titles})
    sheets: dict[str, str] = {}
    files: dict[str, str] = {}
    if long is not None:
        sheets[names["__lang"]] = ("Alle indicatoren van de gemeente per periode: waarde, marge, vergelijking, "
                                   "oordelen, eenheid en bron (volledige precisie)")
        files[names["__lang"]] = long_name
    for k in keep:
        sheets[names[k]] = ("Gegevens bij de figuur: " if k in out.figure_data else "Tabel: ") + titles[k]
        files[names[k]] = f"{k}.csv"
    sources = display_sources(content.sources.tables) if content.sources is not None else None
    readme = readme_frame(sheets, files, _readme_facts(content), _definitions_frame(content), sources)
    book = {names["__leesmij"]: readme}
    if long is not None:
        book[names["__lang"]] = long
    book.update({names[k]: as_shown(v) for k, v in keep.items()})
    name = f"{content.code}-tabellen.xlsx"
    write_workbook(book, out.report_dir / name)
    n = len(book)
    links = (file_link(out, long_name, "Alle indicatoren per periode als één gegevensbestand (CSV voor Excel)")
             if long is not None else "")
    links += file_link(out, name, f"Alle tabellen van dit rapport in één Excel-bestand ({n} "
                                  f"{'tabblad' if n == 1 else 'tabbladen'}, met een tabblad Leesmij)")
    return Block(links, "Gegevensbestand en Excel-bestand met alle tabellen")
