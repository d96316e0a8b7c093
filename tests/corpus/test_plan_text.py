"""Corpus (issue 20, classes 1 and 2): plan text never breaks rendering; every table has its own file and id.

Class 1: a plan text that ``python -m analyse.plans check`` accepts renders in every output (HTML, figure,
CSV, XLSX, file name) through the one boundary :mod:`analyse.safetext`. The property test feeds arbitrary
Unicode into every free-text field of a shipped plan and renders its chapters in-process (no kernel).
Class 2: two plans that both have an opgave ``O1`` (Dordrecht) or ``O1`` and ``o1`` in one plan write separate
files and ids; no two links of a page point to one file.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from analyse import paths, safetext  # noqa: E402
from analyse.errors import PlanValidationError  # noqa: E402
from analyse.plans import schema  # noqa: E402
from analyse.plans.load import PlanWarning, load_plan  # noqa: E402

PLAN = paths.ROOT / "plans" / "GM0531-kracht-van-ambacht.yml"
NASTY = ["€ $x$ per jaar", "$", "a$b$c", "Titel\x0bmet verticale tab", "\u202eevil.csv", "\u2066geïsoleerd",
         "O" * 250, "o1", "O1", "../../etc/passwd", "con", "=SUM(A1)", "tab\tin\ttekst", "\x00nul", "é" * 40]


# ------------------------------------------------------------------------------------------------ helpers
def _text_fields(cls: type) -> dict[str, schema.Field]:
    return schema.SPEC.get(cls, {})


def _walk(data: object, cls: type | None, out: list[tuple[object, object]]) -> None:
    """Collect ``(container, key)`` of every free-text leaf (kind str/strlist/str_or_list without vocabulary)."""
    if cls is None or not isinstance(data, dict):
        return
    for key, value in data.items():
        f = _text_fields(cls).get(key)
        if f is None or value is None or key == "gemeentecode" or f.vocab is not None:
            continue
        if f.kind == "str" and f.vocab is None and isinstance(value, str):
            out.append((data, key))
        elif f.kind in ("strlist", "str_or_list") and isinstance(value, list):
            out.extend((value, i) for i, v in enumerate(value) if isinstance(v, str))
        elif f.kind == "str_or_list" and isinstance(value, str):
            out.append((data, key))
        elif f.kind == "obj":
            _walk(value, f.cls, out)
        elif f.kind == "list" and isinstance(value, list):
            for item in value:
                if isinstance(item, str) and f.text_ok:
                    continue
                _walk(item, f.cls, out)


def substituted(texts: list[str]) -> dict:
    """The GM0531 plan with every distinct free-text value replaced by one of ``texts`` (consistently, so an id
    and the references to it stay equal)."""
    data = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    leaves: list[tuple[object, object]] = []
    _walk(data, schema.Plan, leaves)
    mapping: dict[str, str] = {}
    for container, key in leaves:
        old = container[key]  # type: ignore[index]
        if old not in mapping:
            mapping[old] = texts[len(mapping) % len(texts)] + ("" if len(mapping) < len(texts) else f" {len(mapping)}")
        container[key] = mapping[old]  # type: ignore[index]
    return data


def render_plan(path: Path, out_dir: Path) -> tuple[str, list[Path]]:
    """Validate ``path`` and render the plan chapters and downloads in-process; return the HTML and the files."""
    from analyse.content import plan_chapter
    from analyse.report import output_for, sections

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlanWarning)
        plan = load_plan(path, catalogue=None)
    catalogue = _catalogue()
    contents = plan_chapter.build([plan], None, catalogue, [])
    content = SimpleNamespace(plans=contents, plan_themes=plan_chapter.themes(contents), code="GM0531",
                              naam="Gemeente", gemeente=SimpleNamespace(code="GM0531", naam="Gemeente",
                                                                        indelingsjaar=2024),
                              indicators=SimpleNamespace(records=None, series=None, overview=None), sources=None)
    out = output_for("GM0531", out_dir / "reports")
    out.figure_dir = out_dir / "figures"
    html = "".join(b.html for b in (sections.render_plan_goals(content, out), sections.render_savings(content, out),
                                    sections.render_prevention(content, out), sections.render_downloads(content, out))
                   if b is not None)
    files = sorted(p for p in out_dir.rglob("*") if p.is_file())
    return html, files


_CAT: list[pd.DataFrame] = []


def _catalogue() -> pd.DataFrame:
    if not _CAT:
        from analyse.data.catalogue import load_catalogue

        _CAT.append(load_catalogue())
    return _CAT[0]


def check_outputs(html: str, files: list[Path]) -> None:
    assert not re.search("[" + safetext.BIDI_CONTROLS + "\x00-\x08\x0b\x0c\x0e-\x1f]", html)
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert len(hrefs) == len(set(hrefs)), "two links point to one file"
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "an HTML id repeats"
    for f in files:
        assert len(f.name.encode()) <= 100 and f.name.isascii(), f.name
        if f.suffix == ".csv":
            text = f.read_text(encoding="utf-8-sig")
            assert not re.search("[" + safetext.BIDI_CONTROLS + "\x00-\x08\x0b\x0c\x0e-\x1f]", text)


# ------------------------------------------------------------------------------------------------ class 1
@pytest.mark.parametrize("texts", [NASTY, NASTY[::-1]], ids=["nasty", "reversed"])
def test_nasty_text_in_every_field_renders(texts, tmp_path):
    """The known breakers (``$…$`` for mathtext, vertical tab for openpyxl, 250-character ids, RLO), spread over
    every text field in three arrangements: check and report agree, and the report renders safely."""
    path = tmp_path / "GM0531-plan.yml"
    path.write_text(yaml.safe_dump(substituted(texts), allow_unicode=True), encoding="utf-8")
    try:
        html, files = render_plan(path, tmp_path / "out")
    except PlanValidationError as exc:  # refused by the one validator: the report refuses it the same way
        assert exc.problems
        return
    check_outputs(html, files)


_TEXT = st.one_of(st.text(min_size=1, max_size=80), st.sampled_from(NASTY),
                  st.text(alphabet=st.sampled_from("$\x0b\u202e\u2067aO1 -/\\"), min_size=1, max_size=12))


@pytest.mark.slow  # renders the plan chapters with figures for every example (many seconds of CPU)
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(texts=st.lists(_TEXT, min_size=1, max_size=6))
def test_arbitrary_unicode_in_every_text_field(texts, tmp_path_factory):
    """Property: any Unicode in the plan's text fields is either refused by ``plans check`` or renders to HTML,
    figures, CSV and XLSX with no control/bidi characters, unique links and ids, and short ASCII file names."""
    tmp = tmp_path_factory.mktemp("prop")
    path = tmp / "GM0531-plan.yml"
    path.write_text(yaml.safe_dump(substituted(texts), allow_unicode=True), encoding="utf-8")
    try:
        html, files = render_plan(path, tmp / "out")
    except PlanValidationError:
        return
    check_outputs(html, files)


def test_safetext_boundary_functions():
    assert safetext.clean("a\x0bb\u202ec\n") == "abc\n"
    assert safetext.for_cell("x\x0b") == "x" and safetext.for_cell(3) == 3
    assert len(safetext.slug("O" * 250)) == safetext.SLUG_MAX
    assert safetext.slug("O" * 250) != safetext.slug("O" * 249 + "P")
    assert safetext.slug("Één/twee") == "een-twee"


def test_dollar_text_draws_in_a_figure():
    """A budget post ``$x$`` used to be parsed as mathtext (and failed on ``$``); mathtext is off in plots."""
    import matplotlib.pyplot as plt

    import analyse.plots  # noqa: F401 - sets the theme (text.parse_math off)
    from analyse.report import figure_block

    fig, ax = plt.subplots()
    ax.bar(["a$b", "$x$"], [1, 2])
    ax.set_title("Post $\\frac{1}{$ en \x0b")
    fig.alt_text = "test"
    block = figure_block(fig, "t", None)
    assert "<img" in block.html


# ------------------------------------------------------------------------------------------------ class 2
def test_same_opgave_id_twice_gets_two_files(tmp_path):
    """``O1`` and ``o1`` in one report (or two plans with ``O1``) write two files with two ids."""
    from analyse.report import output_for, table_block

    out = output_for("GM0505", tmp_path)
    frames = [pd.DataFrame({"a": [1]}), pd.DataFrame({"a": [2]}), pd.DataFrame({"a": [3]})]
    blocks = [table_block(f, name, out) for f, name in zip(frames, ["maatregelen-O1", "maatregelen-o1",
                                                                     "maatregelen-O1"])]
    hrefs = [re.search(r'href="([^"]+)"', b.html).group(1) for b in blocks]
    ids = [re.search(r'id="([^"]+)"', b.html).group(1) for b in blocks]
    assert len(set(hrefs)) == 3 and len(set(ids)) == 3
    assert [pd.read_csv(tmp_path / "GM0505" / h, sep=";").iloc[0, 0] for h in hrefs] == [1, 2, 3]


@pytest.mark.parametrize("names", [
    pytest.param(("GM0505-mantelzorg.yml", "GM0505-vrijwillige-inzet.yml"), id="both-use-O1"),
    pytest.param(("GM0505-vrijwillige-inzet.yml", "GM0505-wmo.yml"), id="both-name-an-opgave-alike"),
])
def test_two_plans_of_one_gemeente_link_their_own_tables(tmp_path, names):
    """Dordrecht's plans both use ``O1``: the mantelzorg table must not link to the vrijwillige-inzet data; the wmo
    and vrijwillige-inzet plans both have an opgave "Bevordering vrijwillige inzet": two headings, two ids."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlanWarning)
        plans = [load_plan(paths.ROOT / "plans" / n, catalogue=None) for n in names]
    from analyse.content import plan_chapter
    from analyse.report import output_for, sections

    contents = plan_chapter.build(plans, None, _catalogue(), [])
    content = SimpleNamespace(plans=contents, plan_themes=plan_chapter.themes(contents), code="GM0505")
    out = output_for("GM0505", tmp_path / "reports")
    out.figure_dir = tmp_path / "figures"
    html = sections.render_plan_goals(content, out).html
    hrefs = re.findall(r'href="([^"]+\.csv)"', html)
    assert hrefs and len(hrefs) == len(set(hrefs))
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_rendered_page_has_one_file_per_link_and_unique_ids(rendered_report):
    """The whole rendered page (kernel run shared with the output-safety tests): no two download links point to
    one file, no HTML id repeats, and every linked file exists."""
    html = rendered_report.read_text(encoding="utf-8")
    files = [h for h in re.findall(r'href="([^"]+)"', html) if not h.startswith(("#", "http", "data:", "mailto:"))]
    assert files and len(files) == len(set(files))
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for f in files:
        assert (rendered_report.parent / f).is_file(), f
