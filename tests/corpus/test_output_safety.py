"""Corpus: what a rendered report may not contain. One report (Dordrecht, GM0505, whose plan titles carry ``<script>``
and an ``<img onerror>``) of the session's shared batch (``rendered_report`` in conftest) is inspected here."""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser

import pytest

from analyse import formatting, paths

from .conftest import XSS_CODE, XSS_OPGAVE_TITLE, XSS_PLAN_TITLE, run


class Collector(HTMLParser):
    """Tags, attributes and script bodies of a document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture(scope="module")
def doc(rendered_report):
    text = rendered_report.read_text(encoding="utf-8")
    parser = Collector()
    parser.feed(text)
    return text, parser


def visible_text(text: str) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))


def test_plan_text_with_script_is_escaped(doc):
    text, parser = doc
    assert "<script>alert(" not in text and "<img src=x" not in text
    assert "&lt;script&gt;" in text or "&lt;script>" in text
    assert not any("xss" in s for s in parser.scripts), "plan text ended up inside a <script>"
    assert not any(tag == "img" and "onerror" in attrs for tag, attrs in parser.tags)
    shown = visible_text(text)
    assert XSS_PLAN_TITLE in shown and XSS_OPGAVE_TITLE in shown  # shown as text, literally


def test_no_external_resources(doc):
    text, parser = doc
    loads = [(tag, attrs.get(a)) for tag, attrs in parser.tags for a in ("src", "href", "data", "poster", "srcset")
             if attrs.get(a) and not (tag == "a" and a == "href")]
    external = [x for x in loads if re.match(r"^\s*(https?:)?//", x[1] or "", re.I)]
    assert external == []
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", text, re.I)  # CSS
    assert not re.search(r"@import\s", text)
    assert not any(re.search(r"\b(fetch|XMLHttpRequest|import\()", s) for s in parser.scripts)


def test_no_code_cells_or_prompts(doc):
    text, _ = doc
    assert "jp-CodeCell" not in text and "jp-InputArea" not in text and "input_area" not in text
    shown = visible_text(text)
    for python in ("from analyse import", "sections.render_title(", "gemeenten.validate(", "In [", "Out["):
        assert python not in shown


def test_no_local_paths(doc):
    text, _ = doc
    from pathlib import Path

    home = str(Path.home())
    leaks = re.findall(r"(?:/work/|/tmp/|/home/|/root/|file://|\.venv|site-packages)[^\"'<\s]*", text)
    assert leaks == [], leaks[:5]
    assert home == "/" or home not in visible_text(text)


def test_no_stack_trace(doc):
    text, _ = doc
    for marker in ("Traceback (most recent call last)", "File \"", "Error:", "ansi-red-fg"):
        assert marker not in text


def test_marked_gaps_are_visible_words_never_nan(doc):
    shown = visible_text(doc[0])
    assert not re.search(r"\b(nan|NaN|None|<NA>|inf)\b", shown)
    assert "Dordrecht" in shown


def test_escape_helper():
    assert formatting.escape("<b>&\"'") == "&lt;b&gt;&amp;&quot;&#x27;"
    assert formatting.escape(None) == ""


def test_error_page_plain_words_traceback_in_log(report_env, tmp_path):
    res = run(["analyse.report", "-g", "GM9999", "-o", str(tmp_path), "--jobs", "1", "--no-progress"], report_env)
    assert res.returncode == 1
    page = (tmp_path / "GM9999" / "GM9999.html").read_text(encoding="utf-8")
    shown = visible_text(page)
    if paths.cbs_dir() is not None:
        assert "Onbekende gemeentecode GM9999" in shown and "Wat kunt u doen?" in shown
    else:  # a seed-only data set knows only the seed gemeenten: no data, the code not judged, how to build
        assert "Voor GM9999 zijn geen gegevens" in shown and "make data" in shown and "Wat kunt u doen?" in shown
        assert "Bedoelde u" not in shown
    assert "Traceback" not in page and "/work/" not in page and "/tmp/" not in page
    log = (tmp_path / "GM9999" / "GM9999.log").read_text(encoding="utf-8")
    assert "Traceback" in log or "UnknownGemeenteError" in log


# ------------------------------------------------------------------------------ every output kind (issue 14, 7)
def _private_strings(out) -> list[str]:
    import getpass
    import os
    import socket
    from pathlib import Path

    from analyse import paths

    words = {str(out), str(Path(out).resolve()), str(paths.ROOT), "/tmp/", "/work/", "/home/", "/root/", "file://"}
    home = os.path.expanduser("~")
    if home not in ("/", ""):
        words.add(home)
    user = getpass.getuser()
    if len(user) >= 3 and user not in {"root", "user"}:
        words.add(user)
    host = socket.gethostname()
    if len(host) >= 4:
        words.add(host)
    return sorted(words)


def _texts(folder):
    """(path, text) of every output file: HTML, error page, log, JSON, notebook, CSV, and the workbook's XML."""
    import zipfile

    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix == ".pdf":
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    yield f"{path.name}:{name}", z.read(name).decode("utf-8", "replace")
        else:
            yield path.name, path.read_bytes().decode("utf-8", "replace")


def test_no_local_path_user_or_host_in_any_output_file(rendered_report, shared_reports):
    out = rendered_report.parent.parent
    # the shared batch wrote error pages, logs and status files next to the rendered reports, then the index and
    # the workbook
    assert shared_reports.returncode == 1 and set(shared_reports.failing) <= {p.name for p in out.iterdir()}
    kinds = {p.suffix for p in out.rglob("*") if p.is_file()}
    assert {".html", ".json", ".ipynb", ".csv", ".log", ".xlsx"} <= kinds, kinds
    private = _private_strings(out)
    leaks = [(name, w) for name, text in _texts(out) for w in private if w in text]
    assert leaks == [], leaks[:10]
    nb = __import__("json").loads((out / XSS_CODE / f"{XSS_CODE}.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"].get("output_dir", "") == ""
    assert nb["metadata"]["papermill"]["input_path"] == "notebooks/gemeente_rapport.ipynb"


def test_index_title_attributes_have_no_paths(tmp_path):
    from analyse.report import index, runner

    res = runner.Result("GM0531", "fout", naam="Hendrik-Ido-Ambacht", html="GM0531/GM0531.html",
                        message="Kan /home/anna/analyse/data/processed/lasten.parquet niet lezen")
    page = index.build_index([res], None, registry=None)
    assert "/home/anna" not in page and "rapport niet gemaakt" in page  # the message is for maintainers
    index.write_status(tmp_path, [res], registry=None)
    status = (tmp_path / index.STATUS_NAME).read_text(encoding="utf-8-sig")
    assert "/home/anna" not in status and "lasten.parquet" in status


@pytest.mark.parametrize("text, kept", [
    pytest.param("\x1b[32m/work/x/analyse/gemeenten.py:348\x1b[39m", "gemeenten.py:348", id="ansi-coloured-traceback"),
    pytest.param("Could not open '/home/anna/data/processed/lasten.parquet'", "lasten.parquet", id="quoted"),
    pytest.param("file:///tmp/pytest-7/out/GM0531/GM0531.html", "GM0531.html", id="file-url"),
    pytest.param('output_dir = "/srv/rapporten/.bouw-GM0531-12-abcdef12"', "output_dir", id="parameter"),
])
def test_redact_removes_local_paths(text, kept):
    from analyse.report.publish import redact

    out = redact(text)
    assert kept in out and not re.search(r"/(work|home|tmp|srv)/", out), out


@pytest.mark.parametrize("text", ["en/of", "5/30", "https://www.cbs.nl/a/b", "data:image/png;base64,AB/cd/ef==",
                                  "</td></tr>"])
def test_redact_leaves_ordinary_text(text):
    from analyse.report.publish import redact

    assert redact(text) == text


def test_sanitise_notebook_every_place_papermill_or_a_cell_puts_a_path():
    import nbformat

    from analyse.report.publish import sanitise_notebook

    nb = nbformat.v4.new_notebook()
    injected = nbformat.v4.new_code_cell('gemeentecode = "GM0531"\noutput_dir = "/srv/uit/.bouw-GM0531-1-ab12cd34"\n',
                                         metadata={"tags": ["injected-parameters"]})
    cell = nbformat.v4.new_code_cell("x")
    png = "iVBORw0KGgo/AAAA+/bb=="
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="/home/anna/.venv/lib/site-packages/x.py:3: Warning\n"),
        nbformat.v4.new_output("error", ename="OSError", evalue="[Errno 28] '/srv/uit/a.csv'",
                               traceback=["\x1b[32m/home/anna/analyse/analyse/x.py:1\x1b[39m"]),
        nbformat.v4.new_output("display_data", data={"text/html": f'<img src="data:image/png;base64,{png}">',
                                                     "text/plain": "/srv/uit/GM0531"},
                               metadata={"analyse": {"parameters": {"output_dir": "/srv/uit/x"}}}),
    ]
    nb.cells = [injected, cell]
    nb.metadata["papermill"] = {"input_path": "/home/anna/analyse/notebooks/gemeente_rapport.ipynb",
                                "output_path": "/srv/uit/.bouw-GM0531-1-ab12cd34/GM0531/.GM0531.1.tmp.ipynb",
                                "parameters": {"gemeentecode": "GM0531", "output_dir": "/srv/uit"},
                                "environment_variables": {"HOME": "/home/anna"}}
    text = nbformat.writes(sanitise_notebook(nb, "GM0531"))
    assert not re.search(r"/(home|srv)/", text), text
    assert png in text and '"output_path": "GM0531.ipynb"' in text
    assert 'output_dir = ""' in nb.cells[0].source
    nbformat.validate(nb)
