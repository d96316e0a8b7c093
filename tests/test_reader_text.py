"""Reader text hygiene: the visible text and the downloads of real reports carry no developer text.

The chapters of the template (every ``sections.render_*`` call of ``notebooks/gemeente_rapport.ipynb``) are rendered
in-process for the five seed gemeenten with a report and two large gemeenten (Groningen, Amsterdam), with the
processed data of this checkout; figures are built but not drawn to PNG (the text is what is checked). The text a
reader can see (tags stripped, toggles included) is scanned for :data:`FORBIDDEN`; the CSV files written next to
the report must have Dutch headers and open in pandas with numeric columns.

Runs on the session's data build (``built_data_dir``): the seed-only set without ../shared/data.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import support

from analyse import bundle, paths

FULL_DATA_ONLY = ("GM0014", "GM0363")
"""Groningen and Amsterdam need the full data; a seed-only data set (no ../shared/data) has the seed gemeenten."""
CODES = ["GM0531", "GM0505", "GM0482", "GM0141", "GM0164", *FULL_DATA_ONLY]
if __import__("os").environ.get("READER_TEXT_CODES"):  # a quicker run while editing: READER_TEXT_CODES=GM0531
    CODES = __import__("os").environ["READER_TEXT_CODES"].split()

FORBIDDEN = {
    "regiocode waar een naam hoort": r"\b(?:JZ|PV|CR|AM|GG|GK)\d{2,4}\b|\bNL01\b|\bRG_[A-Z]",
    "code-naam (snake_case)": r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b",
    "Engels label": r"\b(?:Reference|Rounded|Suppressed|Level|Kind|Phi|Against|English|rounded|unknown|one year|"
                    r"Source|verify|Likely|uncertain|Truncated|rows only)\b",
    "True/False/None/nan": r"\b(?:True|False|None|nan|NaN|NA)\b",
    "parameter=waarde": r"\b[a-z_]+=[\w.]+",
    "seednummer": r"(?i)\bseed ?\d{3}\b",
    "vermoedelijk": r"(?i)vermoedelijk",
    "ontwikkelaarsnotitie": r"(?i)CBS-metadata|bron zonder titel|afgeleid door de build|\bTODO\b|FIXME"
                            r"|~\d{4}|\bpolariteit\b|niet gecontroleerd",
    "enkelvoud/meervoud": r"\(1 (?:indicatoren|regels|maatregelen|tabbladen|opgaven|gemeenten)\)"
                          r"|\b1 (?:indicatoren|regels|tabbladen|brontabellen)\b|van de 1 maatregel is 1 ",
    "groot getal zonder punten": r"(?<![\w.,-])[1-9]\d{4,}(?![\w.,])",  # not a zaaknummer 2022-0005372
    "Python-lijst": r"\['|'\]",
    "online versie": r"staat in de online versie",
}
"""Patterns that never appear in the text a reader sees (name → regular expression)."""


def find_forbidden(text: str) -> list[str]:
    """Every forbidden pattern found in ``text`` as ``"<name>: <match> … context …"`` (empty: clean)."""
    found = []
    for name, pattern in FORBIDDEN.items():
        for m in list(re.finditer(pattern, text))[:3]:
            context = text[max(0, m.start() - 40):m.end() + 30].replace("\n", " ")
            found.append(f"{name}: {m.group(0)!r} … {context} …")
    return found


def visible_text(body: str) -> str:
    """The text of an HTML fragment as a reader sees it: no tags, styles or scripts; entities and soft hyphens
    resolved."""
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", body, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\u00ad", "")
    return re.sub(r"[ \t]+", " ", text)


def test_the_scan_finds_what_it_looks_for():
    bad = ("Noemer (rounded=True), JZ31 en wmo_clienten_per_1000: 18033000 (1 indicatoren), vermoedelijk; "
           "CBS-metadata controleren, seed 000, False")
    names = {f.split(":")[0] for f in find_forbidden(bad)}
    assert {"regiocode waar een naam hoort", "code-naam (snake_case)", "Engels label", "parameter=waarde",
            "groot getal zonder punten", "enkelvoud/meervoud", "vermoedelijk", "ontwikkelaarsnotitie",
            "seednummer", "True/False/None/nan"} <= names
    clean = ("Hendrik-Ido-Ambacht (GM0531) telt 32.689 inwoners; 1 indicator, 2 indicatoren; CBS-tabel 85099NED; "
             "controlegetal (sha256) 3f2a0c9e81b70d4c; 2023; € 17,0 mln")
    assert find_forbidden(clean) == []


def _chapter_calls() -> tuple[list[str], list[str]]:
    nb = json.loads(paths.TEMPLATE_NOTEBOOK.read_text(encoding="utf-8"))
    calls, heads = [], []
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code":
            calls += re.findall(r"sections\.(render_\w+)\(rapport, out\)", src)
        else:
            heads += [line for line in src.splitlines() if line.startswith("## ")]
    return calls, heads


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, built_data_dir):
    """Per gemeente: (visible text of every chapter, folder with its downloads), on the session's data build (what
    ``make data`` builds, so a fresh clone checks it too)."""
    import analyse.report as report
    from analyse import content, gemeenten
    from analyse.report import OutputTarget, sections

    calls, heads = _chapter_calls()
    assert len(calls) >= 10, calls
    mp = pytest.MonkeyPatch()
    support.point_paths(mp, ANALYSE_DATA_DIR=built_data_dir, ANALYSE_PROCESSED_DIR=None)
    mp.setattr(report, "_png_bytes", lambda fig, dpi=96: b"\x89PNG\r\n\x1a\n")  # text only: skip drawing
    out = {}
    try:
        for code in CODES:
            if code in FULL_DATA_ONLY and paths.cbs_dir() is None:
                continue
            folder = tmp_path_factory.mktemp(code)
            rapport = content.build_report(gemeenten.validate(code, 2024), content.ReportParameters(),
                                           bundle.load(2024))
            target = OutputTarget(code, folder, folder / "figuren")
            parts = [getattr(sections, name)(rapport, target) for name in calls]
            body = "\n".join(p.html for p in parts if p is not None)
            out[code] = (visible_text(body) + "\n" + "\n".join(heads), folder)
    finally:
        mp.undo()
    return out


def _rendered(rendered, code):
    if code not in rendered:
        pytest.skip(f"{code} needs the full data (../shared/data); this data set is seed-only")
    return rendered[code]


@pytest.mark.slow  # builds and renders seven whole reports in this process
@pytest.mark.parametrize("code", CODES)
def test_visible_text_has_no_developer_text(rendered, code):
    text, _ = _rendered(rendered, code)
    assert len(text) > 5_000
    found = find_forbidden(text)
    assert not found, "\n".join(found)


@pytest.mark.slow  # builds and renders seven whole reports in this process
@pytest.mark.parametrize("code", CODES)
def test_downloads_have_dutch_headers_and_open_as_numbers(rendered, code):
    from analyse.formatting import is_raw_name

    _, folder = _rendered(rendered, code)
    files = sorted(folder.glob("*.csv"))
    assert len(files) > (10 if paths.cbs_dir() is not None else 5)  # seed-only: the plan's tables, fewer indicators
    for path in files:
        frame = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
        raw = [c for c in frame.columns if is_raw_name(c) and "_" in c]
        assert raw == [], f"{path.name}: kolommen zonder Nederlandse naam {raw}"
        assert find_forbidden(" ".join(map(str, frame.columns))) == [], path.name
        texts = frame[[c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]]
        assert not texts.isin(["True", "False"]).any().any(), f"{path.name}: True/False in plaats van ja/nee"
    comparison = folder / "indicatoren-vergelijking.csv"  # absent only for a seed gemeente without CBS indicators
    assert comparison.exists() or paths.cbs_dir() is None
    if comparison.exists():
        comp = pd.read_csv(comparison, sep=";", decimal=",", encoding="utf-8-sig")
        words = comp[[c for c in comp.columns if not pd.api.types.is_numeric_dtype(comp[c])]].fillna("").astype(str)
        codes = [v for v in words.stack() if re.search(FORBIDDEN["regiocode waar een naam hoort"], v)]
        assert codes == [] and "Vergelijking (code)" not in comp.columns, codes[:3]  # references named, not coded
        assert set(comp["Soort vergelijking"].dropna()) <= {"Nederland", "regio"}
    for path in folder.glob("kosten-*.csv"):  # cost figures: every series names its unit
        cols = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig").columns
        assert all(c == "Jaar" or re.search(r"\((?:euro per inwoner|index \d{4} = 100), ", c) for c in cols), cols
    long = folder / f"{code}-indicatoren.csv"
    if long.exists():  # written from the indicator record (IndicatorContent.records)
        frame = pd.read_csv(long, sep=";", decimal=",", encoding="utf-8-sig")
        for col in ("Waarde", "Ondergrens (95%)", "Bovengrens (95%)", "Waarde Nederland"):
            assert frame[col].dtype.kind == "f", col
        assert frame["Indicator"].notna().all() and frame["Bron"].notna().all()
        assert find_forbidden(" ".join(frame["Bron"].astype(str).unique())) == []


@pytest.mark.slow  # builds and renders seven whole reports in this process
@pytest.mark.parametrize("code", CODES[:1])
def test_workbook_has_leesmij_and_readable_unique_sheet_names(rendered, code):
    from openpyxl import load_workbook

    _, folder = _rendered(rendered, code)
    wb = load_workbook(Path(folder) / f"{code}-tabellen.xlsx", read_only=True)
    names = wb.sheetnames
    assert names[0] == "Leesmij"
    assert len(names) == len({n.lower() for n in names}) and all(len(n) <= 31 for n in names)
    assert not [n for n in names if re.search(r"\(\d+\)$|-$|^[a-z0-9]+(?:[-_][a-z0-9]+)+$", n)], names
    loose = r"(?i)\b(?:van|de|het|en|per|op|met|voor|tot|tegenover)$|^(?:Lijngrafiek|Staafdiagram|Kaart)\b"
    assert not [n for n in names if re.search(loose, n)], names  # names, not half sentences or chart words
