"""Unit tests for analyse.report: display blocks, atomic writes, export, index, skip logic, parameters."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analyse import paths  # noqa: E402
from analyse.errors import ParameterError  # noqa: E402
from analyse.report import (  # noqa: E402  # noqa: E402
    Block,
    OutputTarget,
    export,
    figure_block,
    frame_to_html,
    index,
    md,
    output_for,
    runner,
    table_block,
    write_atomic,
)
from analyse.report.failures import explain, strip_ansi  # noqa: E402


@pytest.fixture()
def out(tmp_path):
    return OutputTarget("GM0531", tmp_path / "reports" / "GM0531", tmp_path / "figures" / "GM0531")


def test_output_for_uses_the_given_root_and_figures_follow_it(tmp_path):
    target = output_for("GM0531", str(tmp_path / "r"))
    assert target.report_dir == (tmp_path / "r" / "GM0531").resolve()
    assert target.figure_dir == (tmp_path / "r" / "GM0531" / "figures").resolve()  # not the repository's figures/
    assert output_for("GM0531").report_dir == paths.REPORTS_DIR / "GM0531"
    assert output_for("GM0531").figure_dir == paths.FIGURES_DIR / "GM0531"
    # the batch runner stages inside the reports folder: figures stay in figures/<code>
    staged = output_for("GM0531", str(paths.REPORTS_DIR / ".staging-GM0531-1-abcdef12"))
    assert staged.figure_dir == paths.FIGURES_DIR / "GM0531"


def test_file_links_work_in_the_notebook_and_in_the_page(tmp_path, monkeypatch):
    from analyse.report import export, file_link

    monkeypatch.chdir(paths.NOTEBOOKS_DIR)
    target = output_for("GM0531", str(paths.REPORTS_DIR))
    html = file_link(target, "tabel.csv", "Gegevens")
    rel = os.path.relpath(paths.REPORTS_DIR / "GM0531" / "tabel.csv", paths.NOTEBOOKS_DIR)
    assert f'href="{rel}"' in html  # where JupyterLab (cwd = the notebook's folder) finds it
    # outside the repository or in a batch staging folder: no local path goes into the stored notebook
    assert 'href="tabel.csv"' in file_link(output_for("GM0531", str(tmp_path / "r")), "tabel.csv", "Gegevens")
    staged = output_for("GM0531", str(paths.REPORTS_DIR / ".staging-GM0531-1-abcdef12"))
    assert 'href="tabel.csv"' in file_link(staged, "tabel.csv", "Gegevens")
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "execute_result", data={"text/html": html, "text/plain": "x"}, execution_count=1)])])
    page = export.notebook_body(nb)
    assert 'href="tabel.csv"' in page and "../r/GM0531" not in page


def test_notebook_style_is_scoped_to_outputs_and_left_out_of_the_page():
    import nbformat

    from analyse.report import export, notebook_style

    style = notebook_style().html
    assert ".jp-OutputArea-output .kerncijfers" in style and "@media" not in style and "@page" not in style
    assert not re.search(r"(^|[},])\s*(body|h1|table)\s*[{,]", style.split(">", 1)[1])  # nothing unscoped
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "execute_result", data={"text/html": style, "text/plain": " "}, execution_count=1)])])
    assert "data-analyse-notebook" not in export.notebook_body(nb)


def _fig():
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([2020, 2021, 2022], [1.0, 2.5, 2.0])
    fig.alt_text = "Het aandeel steeg van 1,0% in 2020 naar 2,0% in 2022."
    fig.data = pd.DataFrame({"jaar": [2020, 2021, 2022], "waarde": [1.0, 2.5, 2.0], "naam": ["a<b", "c", "d"]})
    return fig


# ------------------------------------------------------------------------------------------ blocks
def test_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "sub" / "a.html"
    write_atomic(target, "eerste")
    write_atomic(target, b"tweede")
    assert target.read_text() == "tweede"
    assert [p.name for p in target.parent.iterdir()] == ["a.html"]


def test_write_atomic_keeps_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "a.html"
    write_atomic(target, "goed")

    def boom(*args, **kwargs):
        raise OSError("schijf vol")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "half")
    assert target.read_text() == "goed"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]


def test_md_escapes_values_and_keeps_markup():
    block = md("Gemeente **{naam}** heeft {n} inwoners", naam="<script>x</script>", n="1.234")
    assert "<strong>&lt;script&gt;x&lt;/script&gt;</strong>" in block.html
    assert "<script>" not in block.html


def test_frame_to_html_dutch_numbers_escaping_and_missing():
    frame = pd.DataFrame({"jaar": [2020, 2021], "waarde": [1234.5, float("nan")], "tekst": ["a&b", "c"]})
    html = frame_to_html(frame)
    assert "<td>2020</td>" in html  # years not formatted as 2.020
    assert "1.234" in html and "–" in html and "a&amp;b" in html


def test_frame_to_html_truncates_with_note():
    html = frame_to_html(pd.DataFrame({"x": range(10)}), max_rows=3)
    assert html.count("<tr>") == 4 and "CSV-bestand" in html


def test_figure_block_embeds_png_alt_table_and_writes_files(out):
    block = figure_block(_fig(), "Trend jeugdzorg", out)
    assert 'src="data:image/png;base64,' in block.html
    assert 'alt="Het aandeel steeg van 1,0% in 2020 naar 2,0% in 2022."' in block.html
    assert "<details>" in block.html and "a&lt;b" in block.html
    assert (out.report_dir / "trend-jeugdzorg.csv").is_file()
    assert (out.figure_dir / "trend-jeugdzorg.png").read_bytes()[:4] == b"\x89PNG"
    assert block.meta == {}  # only the title block carries report metadata


def test_figure_block_without_target_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    block = figure_block(_fig(), "Trend", None)
    assert "data:image/png" in block.html and 'class="download"' not in block.html
    assert list(tmp_path.iterdir()) == []


def test_figure_without_alt_text_is_refused(out):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt"):
        figure_block(fig, "x", None)
    plt.close(fig)


def test_block_mimebundle_carries_metadata():
    data, meta = Block("<p>x</p>", "x", {"signals": {"beter": 1}})._repr_mimebundle_()
    assert data["text/html"] == "<p>x</p>" and meta == {"analyse": {"signals": {"beter": 1}}}


def test_table_block_writes_csv(out):
    table_block(pd.DataFrame({"gemeentecode": ["GM0531"], "peers_q1": [1.5]}), "Kerncijfers", out)
    raw = (out.report_dir / "kerncijfers.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel-NL opens it as UTF-8
    assert raw.decode("utf-8-sig").splitlines() == ["Gemeentecode;Vergelijkingsgemeenten, 25e percentiel",
                                                    "GM0531;1,5"]
    assert list(out.tables) == ["kerncijfers"]


def test_page_tables_hide_technical_columns_and_speak_dutch():
    frame = pd.DataFrame({"indicator_id": ["jeugdzorg_pct"], "period": ["2023"], "value": [12.5],
                          "source_table": ["kwb-pdok-2012"], "inwoners": [408.0]})
    html = frame_to_html(frame)
    assert "jeugdzorg_pct" not in html and "kwb-pdok" not in html and "indicator_id" not in html
    assert "<td>408</td>" in html and "Waarde" in html


# ------------------------------------------------------------------------------------------ export
def _executed_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Kerncijfers"),
        nbformat.v4.new_code_cell("secret_code_marker = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print_me()"),
        nbformat.v4.new_markdown_cell("verborgen-notitie", metadata={"tags": ["remove-cell"]}),
    ]
    nb.cells[2].outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<h1>Katwijk: monitor</h1><p>tekst</p>",
                                                     "text/plain": "x"},
                               metadata={"analyse": {"gemeente": {"code": "GM0537", "naam": "Katwijk",
                                                                  "indelingsjaar": 2024}}}),
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: lelijk"),
    ]
    return nb


def test_report_html_has_no_code_no_stderr_and_title():
    html, meta = export.report_html(_executed_notebook())
    assert "<title>Katwijk (GM0537)" in html
    assert "secret_code_marker" not in html and "print_me" not in html
    assert "UserWarning" not in html and "verborgen-notitie" not in html
    assert export.offline_problems(html) == []
    assert '<nav class="inhoud"' in html and 'href="#Kerncijfers"' in html
    assert meta["gemeente"]["naam"] == "Katwijk"


def test_offline_problems_detects_external_resources():
    assert export.offline_problems('<script src="https://cdn/x.js"></script>')
    assert export.offline_problems('<img src="//example.org/a.png">')
    assert export.offline_problems('<link rel="stylesheet" href="https://x/y.css">')
    assert export.offline_problems("<style>@import url(http://x)</style>")
    assert not export.offline_problems('<a href="GM0531/GM0531.html">x</a><script>var a=1;</script>')


def test_error_page_plain_dutch_without_traceback():
    why = explain("MergedGemeenteError", "GM0501 is per 2019 opgegaan in GM1978 (Molenlanden)", indelingsjaar=2024)
    html = export.error_page("GM0501", None, why.kop, why.uitleg, why.advies, log_name="GM0501.log")
    assert "heringedeeld" in html and "GM1978" in html and "GM0501.log" in html
    assert "Traceback" not in html and export.offline_problems(html) == []


def test_explain_internal_error_hides_message():
    why = explain("KeyError", "'secret column'", section="Kostenontwikkeling")
    assert "Kostenontwikkeling" in why.kop and "secret column" not in why.summary()
    assert strip_ansi("\x1b[31mrood\x1b[0m") == "rood"


# ------------------------------------------------------------------------------------------ runner
def test_validate_parameters_rejects_unknown_and_coerces():
    declared = runner.template_parameters()
    assert {"gemeentecode", "indelingsjaar", "output_dir"} <= set(declared)
    with pytest.raises(ParameterError, match="Onbekende parameter"):
        runner.validate_parameters({"gemeentcode": "GM0531"}, declared)
    assert runner.validate_parameters({"indelingsjaar": "2023"}, declared) == {"indelingsjaar": 2023}
    with pytest.raises(ParameterError):
        runner.validate_parameters({"indelingsjaar": "twintig"}, declared)


def test_normalise_code_refuses_unsafe_names():
    assert runner.normalise_code(" gm0531 ") == "GM0531"
    with pytest.raises(ParameterError):
        runner.normalise_code("../etc")


def test_skip_logic_uses_stored_input_hash(tmp_path):
    job = runner.Job("GM0531", {"gemeentecode": "GM0531"}, str(tmp_path), input_hash="abc")
    assert runner.is_up_to_date(job) is None
    job.folder.mkdir()
    write_atomic(job.path(".html"), "<html></html>")
    write_atomic(job.path(".json"), runner.Result("GM0531", "ok", input_hash="abc").to_json())
    assert runner.is_up_to_date(job) is not None
    job.input_hash = "changed"
    assert runner.is_up_to_date(job) is None
    job.input_hash = "abc"
    write_atomic(job.path(".json"), runner.Result("GM0531", "fout", input_hash="abc").to_json())
    assert runner.is_up_to_date(job) is None  # failed reports are always retried


def test_input_hash_changes_with_plan_file(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PLANS_DIR", tmp_path)
    fp = {"template": "t"}
    h1 = runner.input_hash("GM0531", {"a": 1}, fp)
    (tmp_path / "GM0531-test.yml").write_text("a: 1")
    h2 = runner.input_hash("GM0531", {"a": 1}, fp)
    assert h1 != h2 and h2 != runner.input_hash("GM0531", {"a": 2}, fp)
    assert runner.input_hash("GM0505", {"a": 1}, fp) == h1


def test_run_jobs_skips_up_to_date_without_starting_kernels(tmp_path):
    job = runner.Job("GM0531", {"gemeentecode": "GM0531"}, str(tmp_path), input_hash="abc")
    job.folder.mkdir()
    write_atomic(job.path(".html"), "<html></html>")
    write_atomic(job.path(".json"), runner.Result("GM0531", "ok", naam="Hendrik-Ido-Ambacht",
                                                  input_hash="abc").to_json())
    summary = runner.run_jobs([job], progress=False)
    assert [r.status for r in summary.results] == ["overgeslagen"]
    assert "Hendrik-Ido-Ambacht" in summary.index.read_text()


def test_index_page_searchable_sortable_offline(tmp_path):
    results = [runner.Result("GM0531", "ok", naam="Hendrik-Ido-Ambacht", html="GM0531/GM0531.html",
                             signals={"beter": 3, "slechter": 1, "indicatoren": 6, "plan": "deels bereikt"}),
               runner.Result("GM9999", "fout", html="GM9999/GM9999.html", message="onbekend"),
               runner.Result("GM0505", "overgeslagen", naam="Dordrecht", html="GM0505/GM0505.html")]
    path = index.write_index(tmp_path, results)
    html = path.read_text()
    assert 'href="GM0531/GM0531.html"' in html and "deels bereikt" in html
    assert "status-fout" in html and "overgeslagen" in html
    assert 'id="zoek"' in html and "<script>" in html
    assert export.offline_problems(html) == []


def test_index_includes_reports_of_earlier_runs(tmp_path):
    earlier = runner.Result("GM0505", "ok", naam="Dordrecht", html="GM0505/GM0505.html")
    write_atomic(tmp_path / "GM0505" / "GM0505.json", earlier.to_json())
    html = index.build_index([runner.Result("GM0531", "ok", naam="H-I-A", html="GM0531/GM0531.html")], tmp_path)
    assert "Dordrecht" in html and "H-I-A" in html


def test_result_json_roundtrip(tmp_path):
    res = runner.Result("GM0531", "ok", naam="X", signals={"beter": 2})
    write_atomic(tmp_path / "r.json", res.to_json())
    assert runner.load_status(tmp_path / "r.json") == res
    assert json.loads((tmp_path / "r.json").read_text())["signals"] == {"beter": 2}
    assert runner.load_status(Path(tmp_path / "missing.json")) is None


def test_report_body_has_no_self_closing_non_void_tags():
    """Regression: '<a class="anchor-link" ... />' made browsers hide whole chapters inside an open link."""
    import re

    import nbformat

    from analyse.report.export import notebook_body

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Samenvatting\n\nTekst")])
    body = notebook_body(nb)
    assert "Tekst" in body and 'id="Samenvatting"' in body
    void = {"img", "br", "hr", "meta", "link", "input", "source", "wbr", "col", "area", "base", "embed", "track"}
    assert {t for t in re.findall(r"<(\w+)[^<>]*/>", body)} <= void


def test_prepare_worker_parses_template_and_ignores_errors(monkeypatch):
    runner._template.cache_clear()
    runner._prepare_worker(str(paths.TEMPLATE_NOTEBOOK))
    assert runner._template.cache_info().currsize == 1
    runner._prepare_worker("/does/not/exist.ipynb")  # a warm-up problem never breaks the worker
    runner._template.cache_clear()


def test_quiet_problems_names_stderr_errors_and_twice_shown_figures():
    import nbformat

    from analyse.report.export import quiet_problems

    png = "data:image/png;base64," + "A" * 100
    out = nbformat.v4.new_output
    cells = [nbformat.v4.new_code_cell(outputs=[out("stream", name="stderr", text="Kolom 'x' heeft geen naam"),
                                                out("display_data", data={"image/png": "AAAA"}),
                                                out("execute_result", data={"text/html": f'<img src="{png}">'},
                                                    execution_count=1)]),
             nbformat.v4.new_code_cell(outputs=[out("execute_result", data={"text/html": f'<img src="{png}">'},
                                                    execution_count=2)])]
    problems = quiet_problems(nbformat.v4.new_notebook(cells=cells))
    assert len(problems) == 3 and "stderr" in problems[0] and "losse afbeelding" in problems[1]
    assert "twee keer" in problems[2]
    assert quiet_problems(nbformat.v4.new_notebook(cells=cells[1:])) == []
