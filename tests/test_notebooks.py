"""Notebook checks: the committed notebooks are thin and stripped, and the template renders real reports.

The smoke test runs ``python -m analyse.report`` (warm kernels, 2 workers) for a gemeente with a plan
file, one without, and one unknown code, against processed data built into a temporary
``ANALYSE_DATA_DIR``; it then inspects the HTML as a reader's browser would get it.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys

import nbformat
import pytest
from support import copy_tree

from analyse import paths
from analyse.report.export import quiet_problems

NOTEBOOKS = [paths.NOTEBOOKS_DIR / "gemeente_rapport.ipynb", paths.NOTEBOOKS_DIR / "verkenning.ipynb"]
WITH_PLAN, WITHOUT_PLAN, UNKNOWN = "GM0531", "GM0482", "GM9999"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin_and_stripped(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "notebook has code cells"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, "commit notebooks without outputs"
        assert not re.search(r"^\s*(def|class|async def)\s", cell.source, re.M), "no def/class in notebooks"
        assert "if gemeentecode" not in cell.source, "no gemeente-specific branches"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    for line in tagged[0].source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert re.match(r"^\w+: \w+ = .+  # .+", line), f"annotated, commented literal expected: {line!r}"


def test_verkenning_parameters_are_papermill_clean():
    import papermill

    params = papermill.inspect_notebook(str(paths.NOTEBOOKS_DIR / "verkenning.ipynb"))
    wanted = {"gemeentecodes", "indicator_id", "period_type", "indelingsjaar", "startjaar_beleid", "peer_k"}
    assert wanted <= set(params)
    assert params["gemeentecodes"]["inferred_type_name"] == "list"


def test_template_declares_the_report_parameters():
    import papermill

    params = papermill.inspect_notebook(str(paths.TEMPLATE_NOTEBOOK))
    assert {"gemeentecode", "indelingsjaar", "startjaar_beleid", "peer_k", "peer_method", "regio_rollen",
            "output_dir"} <= set(params)
    assert params["gemeentecode"]["inferred_type_name"] == "str"


@pytest.fixture(scope="module")
def data_dir(built_data_dir):
    """The session's processed data (``built_data_dir``: seeds plus ../shared/data when present, built once)."""
    return built_data_dir


@pytest.fixture(scope="module")
def rendered(shared_reports):
    """The session's shared batch (``python -m analyse.report`` with warm kernels, 2 workers) holds a gemeente with
    a plan file, Alblasserdam and an unknown code; (output root with reports/ and figures/, the finished process)."""
    assert {WITH_PLAN, WITHOUT_PLAN, UNKNOWN} <= set(shared_reports.codes)
    return shared_reports.root, shared_reports.process()


@pytest.mark.slow
@pytest.mark.parametrize("code", [WITH_PLAN, WITHOUT_PLAN])
def test_report_html_is_offline_clean_and_accessible(rendered, code):
    out, proc = rendered
    html_path = out / "reports" / code / f"{code}.html"
    assert html_path.is_file(), proc.stdout + proc.stderr
    html = html_path.read_text(encoding="utf-8")
    status = json.loads((out / "reports" / code / f"{code}.json").read_text())
    assert status["status"] == "ok", status
    naam = status["naam"]
    assert re.search(rf"<title>[^<]*{re.escape(naam)}[^<]*</title>", html)
    # no code, no tracebacks, nothing loaded from the network
    for marker in ("sections.", "import ", "Traceback", "gemeenten.validate", "In&nbsp;[", "nog niet beschikbaar"):
        assert marker not in html, marker
    assert not re.search(r"<script[^>]*\bsrc=", html, re.I)
    assert not re.search(r"\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html, re.I)
    assert "require.js" not in html and "mathjax" not in html.lower()
    # figures embedded with alt text, data table and CSV
    imgs = re.findall(r"<img [^>]*>", html)
    assert imgs, "report has figures"
    for img in imgs:
        assert 'src="data:image/png;base64,' in img
        assert re.search(r'alt="[^"]{10,}"', img), img
    assert html.count("<details>") >= len(imgs)
    assert list((out / "reports" / code).glob("*.csv")), "CSV next to the HTML"
    assert list((out / "figures" / code).glob("*.png")), "PNG in figures/<code>"
    assert len(html.encode()) < 1_500_000
    for chapter in ("Samenvatting", "Kerncijfers", "Indicatoren", "Kostenontwikkeling", "Data en bronnen", "Colofon"):
        assert f">{chapter}<" in html, chapter


@pytest.mark.slow
@pytest.mark.parametrize("code", [WITH_PLAN, WITHOUT_PLAN])
def test_executed_template_is_quiet_and_shows_each_figure_once(rendered, code):
    out, proc = rendered
    nb = nbformat.read(out / "reports" / code / f"{code}.ipynb", as_version=4)
    assert quiet_problems(nb) == []
    assert "Passed unknown parameter" not in proc.stderr
    html = (out / "reports" / code / f"{code}.html").read_text(encoding="utf-8")
    assert "data-analyse-notebook" not in html  # the notebook style stays in the notebook
    assert not re.search(r'href="\.\./', html), "download links point next to the page"


@pytest.mark.slow
def test_failing_gemeente_gets_error_page_and_nonzero_exit(rendered):
    out, proc = rendered
    assert proc.returncode == 1, proc.stdout + proc.stderr
    page = (out / "reports" / UNKNOWN / f"{UNKNOWN}.html").read_text(encoding="utf-8")
    assert "rapport niet gemaakt" in page and "onbekend" in page
    assert "Traceback" not in page
    assert "Traceback" in (out / "reports" / UNKNOWN / f"{UNKNOWN}.log").read_text()
    assert f"FOUT {UNKNOWN}" in proc.stdout
    index = (out / "reports" / "index.html").read_text(encoding="utf-8")
    for code in (WITH_PLAN, WITHOUT_PLAN, UNKNOWN):
        assert f'href="{code}/{code}.html"' in index


@pytest.mark.slow
def test_second_run_skips_up_to_date_reports(shared_reports, tmp_path):
    out = copy_tree(shared_reports.reports, tmp_path / "reports")  # the shared batch stays as it was
    env = {**shared_reports.env, "ANALYSE_REPORTS_DIR": str(out), "ANALYSE_FIGURES_DIR": str(tmp_path / "figures")}
    before = (out / WITHOUT_PLAN / f"{WITHOUT_PLAN}.html").stat().st_mtime_ns
    proc = subprocess.run([sys.executable, "-m", "analyse.report", "--gemeente", WITHOUT_PLAN, "--no-progress"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 overgeslagen" in proc.stdout
    assert (out / WITHOUT_PLAN / f"{WITHOUT_PLAN}.html").stat().st_mtime_ns == before


def test_unknown_parameter_fails_fast(capsys):
    """The command line (its ``main``, in this process) stops with exit 2 before any work."""
    from analyse.report.__main__ import main

    assert main(["--gemeente", "GM0531", "-p", "gemeentcode=GM1", "--no-progress"]) == 2
    assert "Onbekende parameter" in capsys.readouterr().err


@pytest.mark.slow
def test_verkenning_runs_top_to_bottom_on_its_defaults(data_dir, tmp_path):
    """The exploration notebook runs in a plain kernel (no warm engine) and writes no files."""
    import papermill

    env_before = dict(os.environ)
    os.environ["ANALYSE_DATA_DIR"] = str(data_dir)
    os.environ["ANALYSE_FIGURES_DIR"] = str(tmp_path / "figures")
    run = functools.partial(papermill.execute_notebook, str(paths.NOTEBOOKS_DIR / "verkenning.ipynb"),
                            str(tmp_path / "out.ipynb"), kernel_name="python3", progress_bar=False,
                            cwd=str(paths.NOTEBOOKS_DIR), parameters={"gemeentecodes": ["GM0531", "GM0505", "GM0482"]})
    try:
        if paths.cbs_dir() is None:
            # seed-only data: comparing gemeenten cannot work; the first data cell says why and how to fix it
            with pytest.raises(papermill.PapermillExecutionError) as info:
                run()
            assert info.value.ename == "DataNotAvailableError"
            assert "voorbeeldcijfers" in info.value.evalue and "make data" in info.value.evalue
            assert not (tmp_path / "figures").exists()
            return
        nb = run()
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert quiet_problems(nb) == []
    assert any("data:image/png" in str(o.get("data", {})) for o in outputs)
    assert not (tmp_path / "figures").exists()
    text = " ".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    # every chosen gemeente is highlighted in the funnel and named (not a bare code) among the peers
    funnel = next(str(o.data["text/html"]) for o in outputs if "Trechterdiagram" in str(o.get("data", {})))
    for naam in ("Hendrik-Ido-Ambacht", "Dordrecht", "Alblasserdam"):
        assert naam in funnel
    assert "gemeentenaam" in text and "distance" in text
