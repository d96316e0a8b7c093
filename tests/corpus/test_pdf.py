"""``--pdf`` (issue 13): a PDF per gemeente through headless Chromium when installed; without it the HTML is still
made and the batch says the PDFs were skipped. A browser that fails or hangs never stops the batch."""

from __future__ import annotations

import os
import stat

import pytest

from analyse.report import pdf


def _fake_browser(tmp_path, body: str):
    path = tmp_path / "fake-chromium"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_command_is_offline_and_headless(tmp_path):
    cmd = pdf.command("/usr/bin/chromium", tmp_path / "a.html", tmp_path / "a.pdf", tmp_path / "profiel")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer"):
        assert flag in cmd
    assert f"--user-data-dir={tmp_path / 'profiel'}" in cmd and f"--print-to-pdf={tmp_path / 'a.pdf'}" in cmd
    assert cmd[-1].startswith("file://")


def test_without_chromium_pdf_error_and_batch_says_skipped(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANALYSE_CHROMIUM", "")
    assert pdf.chromium() is None
    with pytest.raises(pdf.PdfError, match="niet geïnstalleerd"):
        pdf.html_to_pdf(tmp_path / "a.html", tmp_path / "a.pdf")
    from analyse.report.__main__ import report
    from analyse.report.runner import BatchSummary, Job, Result

    summary = BatchSummary([Result("GM0531", "ok")], 1.0, None)
    assert report(summary, [Job("GM0531", {}, str(tmp_path))], pdf_requested=True, pdf_available=False) == 0
    assert "PDF's overgeslagen: Chromium is niet geïnstalleerd" in capsys.readouterr().out


def test_failing_browser_is_a_pdf_error(tmp_path):
    (tmp_path / "a.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(pdf.PdfError, match="geen PDF"):
        pdf.html_to_pdf(tmp_path / "a.html", tmp_path / "a.pdf", browser=_fake_browser(tmp_path, "exit 3"))
    assert not list(tmp_path.glob("*.pdf*"))


def test_hanging_browser_is_killed(tmp_path):
    (tmp_path / "a.html").write_text("<html></html>", encoding="utf-8")
    browser = _fake_browser(tmp_path, f"echo $$ > {tmp_path}/pid\nsleep 60")
    with pytest.raises(pdf.PdfError, match="reageerde niet"):
        pdf.html_to_pdf(tmp_path / "a.html", tmp_path / "a.pdf", browser=browser, timeout=1)
    pid = int((tmp_path / "pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert pdf.RUNNING == set()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(pdf.chromium() is None, reason="Chromium not installed (apt-get install chromium)")
def test_chromium_prints_a_pdf(tmp_path):
    html = tmp_path / "r.html"
    html.write_text("<!doctype html><html lang='nl'><body><h1>Rapport</h1><p>1.234,5</p></body></html>",
                    encoding="utf-8")
    out = pdf.html_to_pdf(html, tmp_path / "r.pdf")
    assert out.read_bytes()[:5] == b"%PDF-"
