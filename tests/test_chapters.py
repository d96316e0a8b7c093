"""The chapter registry (issue 21): one declaration per chapter drives content, template check, in-process
rendering and error pages; a chapter added as an exercise touches at most three files.

No kernel and no real data: the template runs in this process (:mod:`analyse.report.direct`) on the tiny frames of
the content tests.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from datetime import datetime

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from analyse import bundle, gemeenten, paths  # noqa: E402
from analyse.report import direct, export, outcome  # noqa: E402
from analyse.report.chapters import REGISTRY, Chapter, Registry, template_problems  # noqa: E402
from analyse.report.notebook import Node, new_code_cell, parameters_of, read_notebook, writes  # noqa: E402


def _markdown(text: str) -> Node:
    return Node(cell_type="markdown", id=f"md{abs(hash(text)) % 10**6}", metadata=Node(), source=text)


def _chapter_cell(source: str, title: str) -> Node:
    return new_code_cell(source, analyse={"chapter": title})


def _render_a(content, out=None):
    return None


def _render_b(content, out=None):
    return None


def _tiny_registry() -> Registry:
    reg = Registry()
    reg.register(Chapter("a", "Hoofdstuk A", _render_a, heading="A"))
    reg.register(Chapter("b", "Hoofdstuk B", _render_b))
    return reg


def _tiny_template(cells: list[Node]) -> Node:
    return Node(cells=cells, metadata=Node(), nbformat=4, nbformat_minor=5)


# ------------------------------------------------------------------------------------------------- registry
def test_the_report_template_matches_the_registry():
    nb = read_notebook(paths.TEMPLATE_NOTEBOOK)
    assert template_problems(nb) == []
    assert direct.usable(nb) == []
    assert REGISTRY.ids[:2] == ["titel", "samenvatting"] and REGISTRY.ids[-1] == "downloads"
    assert "Kostenontwikkeling" in REGISTRY.titles and len(set(REGISTRY.ids)) == len(REGISTRY)


def test_registry_refuses_a_second_declaration_and_inserts_after():
    reg = _tiny_registry()
    with pytest.raises(ValueError, match="al geregistreerd"):
        reg.register(Chapter("a", "Nog eens A", _render_b))
    reg.register(Chapter("c", "C", _render_b), after="a")
    assert reg.ids == ["a", "c", "b"]
    with pytest.raises(ValueError, match="bekend zijn: a, c, b"):
        reg.get("onbekend")


def test_template_check_names_missing_cells_wrong_titles_headings_and_order():
    reg = _tiny_registry()
    good = [_markdown("## A"), _chapter_cell("test_chapters._render_a(rapport, out)", "Hoofdstuk A"),
            _chapter_cell("test_chapters._render_b(rapport, out)", "Hoofdstuk B")]
    assert template_problems(_tiny_template(good), reg) == []
    missing = template_problems(_tiny_template(good[:2]), reg)
    assert missing == ["hoofdstukken zonder cel in het sjabloon: b"]
    wrong_title = [good[0], good[1], _chapter_cell("test_chapters._render_b(rapport, out)", "Iets anders")]
    assert "het register zegt 'Hoofdstuk B'" in template_problems(_tiny_template(wrong_title), reg)[0]
    no_heading = template_problems(_tiny_template(good[1:]), reg)
    assert no_heading == ["cel 0 (a): verwacht de kop '## A' erboven"]
    swapped = template_problems(_tiny_template([good[2], good[0], good[1]]), reg)
    assert swapped == ["volgorde van de hoofdstukken wijkt af van het register: b, a"]
    unknown = template_problems(_tiny_template(good + [_chapter_cell("print(1)", "Hoofdstuk B")]), reg)
    assert unknown == ["cel 3 (Hoofdstuk B): 'print(1)' is geen geregistreerd hoofdstuk"]


def test_parameters_are_read_from_the_template_like_papermill():
    declared = parameters_of(read_notebook(paths.TEMPLATE_NOTEBOOK))
    assert declared["gemeentecode"] == {"name": "gemeentecode", "inferred_type_name": "str", "default": '"GM0531"',
                                        "help": "CBS-code van de gemeente, GM + 4 cijfers (zie analyse.gemeenten)"}
    assert declared["regio_rollen"]["inferred_type_name"] == "list"
    assert declared["regio_rollen"]["default"] == '["regio", "nederland"]'


# ------------------------------------------------------------------------------------ the exercise: a new chapter
CONTENT_MODULE = '''
"""Content of the exercise chapter (pure: from the report's content and the bundle)."""


def build(content, inputs):
    return {"aantal_indicatoren": int(inputs.catalogue.shape[0]), "naam": content.naam}
'''

RENDER_MODULE = '''
"""Render function and declaration of the exercise chapter (in the package: sections.py)."""
from analyse.report import Block
from analyse.report.chapters import chapter

import {content}


@chapter("oefening", "Oefenhoofdstuk", heading="Oefenhoofdstuk", build={content}.build, after="kosten")
def render_oefening(content, out=None):
    part = content.parts["oefening"]
    return Block(f"<p class='oefening'>{{part['naam']}}: {{part['aantal_indicatoren']}} indicatoren</p>")
'''


@pytest.fixture
def exercise(tmp_path, monkeypatch):
    """Add a chapter the way a developer would: a content module, a render module with its declaration, and one
    heading + cell in a copy of the template. Returns (registry chapter, template copy, files written)."""
    monkeypatch.setattr(REGISTRY, "chapters", list(REGISTRY.chapters))  # restored after the test
    content_name, render_name = "oefening_inhoud", "oefening_render"
    files = [tmp_path / f"{content_name}.py", tmp_path / f"{render_name}.py", tmp_path / "gemeente_rapport.ipynb"]
    files[0].write_text(textwrap.dedent(CONTENT_MODULE), encoding="utf-8")
    files[1].write_text(textwrap.dedent(RENDER_MODULE.format(content=content_name)), encoding="utf-8")
    nb = read_notebook(paths.TEMPLATE_NOTEBOOK)
    imports = next(c for c in nb.cells if c.cell_type == "code")
    imports.source += f"\nimport {render_name}"
    at = next(i for i, c in enumerate(nb.cells) if "render_costs" in c.source) + 1
    nb.cells[at:at] = [_markdown("## Oefenhoofdstuk"),
                       _chapter_cell(f"{render_name}.render_oefening(rapport, out)", "Oefenhoofdstuk")]
    files[2].write_text(writes(nb), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        importlib.import_module(render_name)
        yield REGISTRY.get("oefening"), read_notebook(files[2]), files
    finally:
        for name in (content_name, render_name):
            sys.modules.pop(name, None)


def template_inputs():
    return bundle.load(0)


@pytest.fixture
def tiny_data(monkeypatch):
    """The template's data calls answered from the tiny frames of the content tests (no files)."""
    from test_content import GEM, _inputs

    inputs = _inputs(commit="abc1234", created=datetime(2026, 12, 7, 23, 0))
    monkeypatch.setattr(bundle, "load", lambda jaar, created=None: inputs)
    monkeypatch.setattr(gemeenten, "validate", lambda code, jaar: GEM)
    return GEM


def test_a_chapter_added_in_three_files_is_checked_built_and_rendered(exercise, tiny_data, tmp_path):
    chapter, template, files = exercise
    assert len(files) <= 3, "a new chapter may touch at most three files"
    assert REGISTRY.ids.index("oefening") == REGISTRY.ids.index("kosten") + 1
    assert template_problems(template) == []  # the template check knows the new chapter
    nb = direct.execute(template, {"gemeentecode": tiny_data.code, "indelingsjaar": int(tiny_data.indelingsjaar),
                                   "startjaar_beleid": 2020, "output_dir": str(tmp_path / "rapporten")})
    html, meta = export.report_html(nb)
    shown = f"<p class='oefening'>{tiny_data.naam}: {len(template_inputs().catalogue)} indicatoren</p>"
    assert shown in html
    assert ">Oefenhoofdstuk</a></li>" in html  # in the table of contents
    assert html.index("Oefenhoofdstuk</h2>") > html.index("Kostenontwikkeling</h2>")
    # without its cell the template no longer passes, and the runner would fall back to a kernel
    nb_without = Node(template, cells=[c for c in template.cells if "oefening" not in c.source.lower()])
    assert template_problems(nb_without) == ["hoofdstukken zonder cel in het sjabloon: oefening"]


def test_a_failing_added_chapter_is_named_on_the_error_page(exercise, tiny_data, tmp_path, monkeypatch):
    _, template, _ = exercise
    failing = Node(template)
    failing.cells = [Node(c) for c in template.cells]
    import oefening_inhoud

    def broken(content, inputs):
        raise ValueError("geen demo voor deze gemeente")

    monkeypatch.setattr(oefening_inhoud, "build", broken)
    monkeypatch.setattr(REGISTRY, "chapters", [c if c.id != "oefening" else Chapter(
        c.id, c.title, c.render, c.heading, broken) for c in REGISTRY.chapters])
    with pytest.raises(direct.DirectExecutionError) as err:
        direct.execute(failing, {"gemeentecode": tiny_data.code, "indelingsjaar": int(tiny_data.indelingsjaar),
                                 "startjaar_beleid": 2020, "output_dir": str(tmp_path / "rapporten")})
    info = outcome.failure_of(err.value.nb)
    assert (info.chapter, info.kind, info.message) == ("Oefenhoofdstuk", "ValueError", "geen demo voor deze gemeente")
    assert info.structured


def test_the_page_body_is_the_markup_of_nbconverts_basic_template():
    """The Jinja2 cells template gives the page nbconvert's exporter gives (byte for byte), so print rules hold."""
    from analyse.report.notebook import new_output

    out = new_output("execute_result", data={"text/html": "<p>Tekst &amp; meer</p>", "text/plain": "Tekst"},
                     execution_count=1)
    cells = [_markdown("## Samenvatting"), new_code_cell("x", outputs=[out]),
             Node(new_code_cell("geheim", outputs=[new_output("stream", name="stderr", text="waarschuwing")])),
             _markdown("Een **alinea** met een [link](#samenvatting).")]
    cells[1]["id"], cells[2]["id"] = "c1", "c2"
    nb = _tiny_template(cells)
    nb.metadata = Node(language_info={"name": "python"})
    import nbformat

    assert export.notebook_body(nb) == export.notebook_body(nbformat.from_dict(nb), export.make_exporter())


def test_markdown_is_cached_on_its_text(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "CACHE_DIR", tmp_path)
    first = export.markdown_html("## Kop met *nadruk*")
    stored = list((tmp_path / export.MARKDOWN_CACHE).glob("*.html"))
    assert len(stored) == 1 and stored[0].read_text(encoding="utf-8") == first
    stored[0].write_text("<h2>uit de cache</h2>", encoding="utf-8")
    assert export.markdown_html("## Kop met *nadruk*") == "<h2>uit de cache</h2>"
    assert export.markdown_html("## Andere kop") != first


def test_direct_engine_stores_outputs_like_a_kernel():
    nb = _tiny_template([Node(new_code_cell("x = 2\nprint('hallo')\nx * 21"))])
    done = direct.execute(nb, {})
    kinds = [o.output_type for o in done.cells[0].outputs]
    assert kinds == ["stream", "execute_result"] and done.cells[0].outputs[1].data["text/plain"] == "42"
