"""Static checks of the page shell (no browser): badge classes and contrast, print and phone rules, first chapter."""

from __future__ import annotations

import re

import pytest

from analyse.report import export


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    rgb = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_helper_is_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("cls", sorted(set(export.BADGE_CLASSES.values())))
def test_badge_text_contrast_at_least_4_5(cls):
    rule = re.search(r"\." + cls + r"(?:\s*,\s*\.[\w-]+)*\s*\{([^}]*)\}", export.css())
    assert rule, f"no CSS rule for .{cls}"
    bg = re.search(r"background:\s*(#[0-9a-fA-F]{6})", rule.group(1)).group(1)
    fg = re.search(r"(?<!-)color:\s*(#[0-9a-fA-F]{6})", rule.group(1)).group(1)
    assert contrast(fg, bg) >= 4.5


def test_verdict_badge_words_classes_and_escaping():
    assert export.verdict_badge("Op koers") == '<span class="badge badge-op-koers">op koers</span>'
    assert "deels op koers" in export.verdict_badge("deels")
    html = export.verdict_badge("niet op koers", label="<b>Jeugd</b>", count=3)
    assert "&lt;b&gt;Jeugd&lt;/b&gt;: niet op koers" in html and '<span class="aantal">3</span>' in html
    with pytest.raises(ValueError, match="Onbekend oordeel"):
        export.verdict_badge("prima")


def test_first_chapter_has_no_page_break_class():
    body, nav = export._toc('<h2>Samenvatting</h2><h2 class="x">Jeugd</h2><h2>Bronnen</h2>')
    assert body.count("eerste-hoofdstuk") == 1
    assert '<h2 id="samenvatting" class="eerste-hoofdstuk">' in body and 'class="x"' in body
    assert nav.count("<li>") == 3


def test_print_and_phone_rules_present():
    css = export.css()
    printing = css[css.index("@media print"):]
    assert "@page { size: A4" in css
    assert re.search(r"\.bijlage-start\s*\{\s*break-before:\s*page", printing)  # chapters flow; the appendix
    assert "break-after: avoid" in printing and "table-header-group" in printing
    assert "break-after: avoid" in printing and "details > summary { display: none; }" in printing
    assert "table { width: 100%" in printing
    phone = css[css.index("@media (max-width: 600px)"):]
    assert "td:last-child" in phone and "position: sticky; right: 0" in phone
    assert export.offline_problems(export.page("t", "<h2>a</h2>")) == []


def test_methods_appendix_is_packaged_dutch_and_complete():
    md = export.appendix_markdown()
    assert md.startswith("## Hoe lees ik dit rapport?")
    for term in ("Wilson", "Poisson", "95%-grenzen", "99,8%-grenzen", "opvallend", "Marge onbekend", "Breuken",
                 "gewone schommeling van jaar tot jaar", "rest van de regio",
                 "chi-kwadraattoets voor trend", "verschil-in-verschillen", "onderdrukt", "constante prijzen",
                 "Spiegelhalter", "PHEindicatormethods", "Nederlands gemiddelde"):
        assert term in md, term
    assert "$" not in md  # no LaTeX: the page has no MathJax
    html = export.appendix_html()
    assert "<h2" in html and "<table" in html and "<pre" in html
    assert export.offline_problems(html) == []
