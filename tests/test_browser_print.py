"""The report as a printed document and on a phone, in a real headless Chromium (offline).

Two gemeenten of the session's shared batch: Hendrik-Ido-Ambacht (GM0531, with a plan: at most 16 A4 pages) and
Groningen (GM0014, without a plan: at most 12). Print checks (:mod:`analyse.report.printcheck`): page count, no page
under a third full except a chapter's last, no header word broken inside a syllable, the appendix printed (no
"staat in de online versie"). Phone checks at 390 px: the page is never wider than the screen (tables and formula
blocks scroll in their own box) and the overview keeps the gemeente's value and its comparison in view.
The ten reference gemeenten: ``python benchmarks/bench_print.py``.

The browser is the session's one Chromium (``browser`` in conftest). Skipped with a reason when Chromium (Debian
package ``chromium``) is absent.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from analyse import paths
from analyse.report import pdf as pdfmod
from analyse.report import printcheck

CHROMIUM = pdfmod.chromium()
FULL_DATA = paths.cbs_dir() is not None
CODES = {"GM0531": True, "GM0014": False} if FULL_DATA else {"GM0531": True}  # code → has a plan
"""Groningen needs the full data; a seed-only data set (no ../shared/data) has the seed gemeenten only."""
ARTEFACTS = paths.ROOT / "tests" / "artefacts" / "browser"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no headless browser: chromium is absent "
                                                          "(apt-get install -y chromium)")]


@pytest.fixture(scope="module")
def reports(shared_reports) -> dict[str, Path]:
    """The pages of :data:`CODES` from the session's shared batch."""
    out = {code: shared_reports.html(code) for code in CODES}
    assert all(p.exists() for p in out.values()), shared_reports.stdout[-2000:] + shared_reports.stderr[-2000:]
    return out


@pytest.fixture(scope="module")
def printed(reports, browser) -> dict[str, tuple[list[printcheck.PageStat], list[dict], str, bytes]]:
    """Per gemeente: the pages of its A4 print, the header words split mid-syllable, its HTML and the PDF."""
    out = {}
    for code, html in reports.items():
        browser.open(html)
        pdf = browser.print_a4()
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        (ARTEFACTS / f"{code}-a4.pdf").write_bytes(pdf)
        out[code] = (printcheck.page_stats(pdf), browser.header_splits(), html.read_text(encoding="utf-8"), pdf)
    return out


def _chapters(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", inner).strip() for attrs, inner in re.findall(r"<h2([^>]*)>(.*?)</h2>", html, re.S)
            if "eerste-hoofdstuk" not in attrs]


def _problems(printed, code):
    stats, _, html, pdf = printed[code]
    assert len(stats) == printcheck.page_count(pdf) > 1
    return stats, printcheck.layout_problems(stats, printcheck.chapter_start_pages(stats, _chapters(html)), CODES[code])


@pytest.mark.parametrize("code", CODES)
def test_every_printed_page_is_filled(printed, code):
    stats, problems = _problems(printed, code)
    problems = [p for p in problems if "meer dan" not in p]  # the length has its own test below
    assert problems == [], f"{len(stats)} pagina's: {problems}"
    assert all(s.chars > 200 for s in stats[:-1])  # text on every page, not only a figure or a heading


@pytest.mark.parametrize("code", [
    "GM0531", pytest.param("GM0014", marks=pytest.mark.skipif(not FULL_DATA, reason="Groningen needs ../shared/data"))])
def test_print_length_within_the_limit(printed, code):
    stats, problems = _problems(printed, code)
    assert not [p for p in problems if "meer dan" in p], f"{len(stats)} pagina's"


@pytest.mark.parametrize("code", CODES)
def test_no_header_word_split_inside_a_syllable(printed, code):
    assert printed[code][1] == []


@pytest.mark.parametrize("code", CODES)
def test_appendix_is_printed(printed, code):
    stats = printed[code][0]
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", " ".join(s.text for s in stats)))  # ligatures: fi
    assert "onlineversie" not in text
    for words in ("Hoe lees ik dit rapport", "Definities van de indicatoren", "Brontabellen", "Wilson"):
        assert re.sub(r"\s+", "", words) in text, words


def test_header_check_can_fail(browser, reports):
    browser.open(next(iter(reports.values())))
    browser.js("const t = document.createElement('table'); t.id = 'qa-smal'; t.style.width = '60px';"
               "t.innerHTML = '<thead><tr><th style=\"overflow-wrap:anywhere\">Streefwaardeverschil</th></tr></thead>';"
               "document.querySelector('main').appendChild(t); true")
    assert {s["word"] for s in browser.header_splits()} == {"Streefwaardeverschil"}


def test_page_stats_measure_fill():
    """A tiny PDF made by hand: one line at the top of page 1 and one near the bottom of page 2."""
    pytest.importorskip("pypdf")
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject({NameObject("/F1"): DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")})})
    for y in (800, 45):
        page = writer.add_blank_page(width=595, height=842)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 50 {y} Td (Tekst op de pagina) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): font})
    import io

    buf = io.BytesIO()
    writer.write(buf)
    stats = printcheck.page_stats(buf.getvalue())
    assert len(stats) == 2 and stats[0].fill < 0.05 and stats[1].fill > 0.95
    assert stats[0].first_line == "Tekst op de pagina"
    problems = printcheck.layout_problems(stats, set(), has_plan=False)
    assert len(problems) == 1 and problems[0].startswith("pagina 1 is maar 1% vol (begint met 'Tekst op")
    assert printcheck.layout_problems(stats, {2}, has_plan=False) == []  # the last page of a chapter may be short
    assert stats[0].body_size == 12
    shrunk = [printcheck.PageStat(1, 500, 0.9, "x", "x", body_size=printcheck.BODY_PT * 0.77)]
    assert printcheck.layout_problems(shrunk, set(), has_plan=False) == [
        "afdruk verkleind tot 77%: iets is breder dan de pagina"]


def test_shrunk_print_is_found(browser, reports):
    """Something wider than the page makes Chromium print everything smaller: the check names it."""
    browser.open(reports["GM0531"])
    browser.js("const d = document.createElement('p'); d.style.width = '1400px'; d.textContent = 'breed'; "
               "document.querySelector('main').appendChild(d); true")
    stats = printcheck.page_stats(browser.print_a4())
    assert any(p.startswith("afdruk verkleind tot") for p in printcheck.layout_problems(stats, set(), False))


@pytest.mark.parametrize("code", CODES)
def test_phone_no_page_scroll_and_value_and_comparison_in_view(reports, browser, code):
    browser.open(reports[code], width=390, height=844)
    browser.viewport(390, 844, mobile=True)
    browser.js("document.querySelectorAll('details').forEach(d => d.open = true); "
               "new Promise(r => requestAnimationFrame(() => r(true)))")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    overflow = browser.js("document.documentElement.scrollWidth - window.innerWidth")
    wide = browser.js("Array.from(document.querySelectorAll('main *')).filter(e => { const r = "
                      "e.getBoundingClientRect(); return r.right > window.innerWidth + 1 "
                      "&& !e.closest('.tabel-wrap, pre'); }).slice(0, 5).map(e => e.tagName + '.' + "
                      "e.className + ' ' + Math.round(e.getBoundingClientRect().right))")
    assert overflow <= 1 and wide == [], (overflow, wide)
    naam = browser.js("document.querySelector('h1').textContent.split(':')[0].trim()")
    # scroll every overview table to its far right: the gemeente's value and 'Tegenover Nederland' stay in view
    res = browser.js("""(() => Array.from(document.querySelectorAll('details.domein .tabel-blok .tabel-wrap'))
      .map(w => {
        w.scrollLeft = w.scrollWidth; const ths = Array.from(w.querySelectorAll('thead th'));
        const box = w.getBoundingClientRect();
        const seen = th => { const r = th.getBoundingClientRect();
                             return r.left >= box.left - 1 && r.right <= box.right + 1; };
        const txt = th => th.textContent.replace(/\\u00ad/g, '');
        const value = ths.find(th => txt(th) === %s), comp = ths.find(th => /Tegenover/.test(txt(th)));
        return {value: !!value && seen(value), comp: !!comp && seen(comp), scrolls: w.scrollWidth > w.clientWidth};
      }))()""" % json.dumps(naam))
    browser.call("Emulation.clearDeviceMetricsOverride")
    assert res, "no overview tables"
    assert all(r["value"] and r["comp"] for r in res), res
