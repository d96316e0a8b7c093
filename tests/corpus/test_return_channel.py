"""Corpus (issue 20, class 8): right diagnoses, from a structured return channel (issue 21).

The kernel sends a failure as data (:mod:`analyse.report.outcome`): chapter, class, declared ``soort`` and fields.
The runner no longer parses messages or indexes into a notebook that papermill changed, so the error page names
the chapter that failed (not the one before); on a seed-only data set an unknown gemeente is "no data for this
gemeente" without "Bedoelde u …?"; early failures carry the gemeente's name; a failed ``--pdf`` exits non-zero.
"""

from __future__ import annotations

import dataclasses

import nbformat
import pytest

from analyse.report import outcome, runner
from analyse.report.failures import explain_error


def _executed_notebook(record: dict | None, chapter: str = "Kostenontwikkeling"):
    """A notebook as papermill leaves it after a failure: an error cell inserted at 0 and an anchor before the
    failed cell (so the failed cell's original index now points at the chapter before)."""
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_code_cell("title"), nbformat.v4.new_code_cell("indicators"),
             nbformat.v4.new_code_cell("costs")]
    for cell, name in zip(cells, ["Titel en parameters", "Indicatoren", chapter]):
        cell.metadata["analyse"] = {"chapter": name}
    outputs = []
    if record is not None:
        outputs.append(nbformat.v4.new_output("display_data", data={outcome.MIME: record}))
    outputs.append(nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=[]))
    cells[2].outputs = outputs
    nb.cells = [nbformat.v4.new_markdown_cell("papermill error"), cells[0], cells[1],
                nbformat.v4.new_markdown_cell("anchor"), cells[2]]
    return nb


class _Exc:
    ename, evalue, cell_index = "ValueError", "boom", 2  # papermill's index before it inserted two cells


@pytest.mark.parametrize("structured", [True, False], ids=["record", "no-record"])
def test_error_page_names_the_chapter_that_failed(structured):
    rec = outcome.record(ValueError("boom")) if structured else None
    info = runner._cell_error(_Exc(), _executed_notebook(rec))
    assert info.chapter == "Kostenontwikkeling" and info.kind == "ValueError"
    assert info.structured is structured


def test_chapter_error_is_unwrapped_without_parsing():
    from analyse.content import ChapterError
    from analyse.errors import DataNotAvailableError

    try:
        try:
            raise DataNotAvailableError("cpi ontbreekt: 'Hoofdstuk' in de tekst")
        except DataNotAvailableError as cause:
            raise ChapterError("Kostenontwikkeling", cause) from cause
    except ChapterError as exc:
        rec = outcome.record(exc)
    info = outcome.failure_of(_executed_notebook(rec, chapter="Titel en parameters"))
    assert (info.chapter, info.kind, info.soort) == ("Kostenontwikkeling", "DataNotAvailableError", "data")
    assert info.message == "cpi ontbreekt: 'Hoofdstuk' in de tekst"


def test_handler_sends_the_record_and_the_usual_error():
    """The IPython handler displays the record, then shows the traceback as usual (an error output)."""
    from IPython.core.interactiveshell import InteractiveShell

    from analyse.errors import MergedGemeenteError

    shell = InteractiveShell.instance()
    shown: list = []
    shell.display_pub.publish = lambda data, metadata=None, **kw: shown.append(data)
    errors: list = []
    shell._showtraceback = lambda etype, value, stb: errors.append(etype)
    assert outcome.install(shell)
    shell.run_cell("from analyse.errors import MergedGemeenteError\n"
                   "raise MergedGemeenteError('GM0001 is opgegaan in GM0002', successor='GM0002')")
    shell.set_custom_exc((), None)
    assert errors == [MergedGemeenteError]
    rec = next(d[outcome.MIME] for d in shown if outcome.MIME in d)
    assert rec["kind"] == "MergedGemeenteError" and rec["fields"]["successor"] == "GM0002"
    assert rec["soort"] == "heringedeeld"


def test_merged_gemeente_successor_from_the_field_not_the_text():
    info = outcome.ErrorInfo(kind="MergedGemeenteError", message="GM0001 bestaat niet meer", soort="heringedeeld",
                             fields={"successor": "GM1978"}, structured=True)
    why = explain_error(info, 2024)
    assert why.soort == "heringedeeld" and "(GM1978)" in why.advies[0]


def test_seed_only_data_unknown_gemeente_is_no_data_not_unknown_code():
    """Groningen (GM0014) on a seed-only data set was "onbekende gemeentecode … Bedoelde u Hengelo?"."""
    info = outcome.ErrorInfo(kind="UnknownGemeenteError", soort="onbekende_gemeente", structured=True,
                             message="Onbekende gemeentecode GM0014 (indelingsjaar 2024). Bedoelde u GM0164 (Hengelo)?")
    why = explain_error(info, 2024, (), {"seed_only": True, "gemeenten": 5})
    text = " ".join([why.kop, why.uitleg, *why.advies])
    assert why.soort == "geen_gegevens" and "geen gegevens" in why.kop
    assert "Bedoelde u" not in text and "Hengelo" not in text and "make data" in text
    full = explain_error(info, 2024, (), {"seed_only": False})
    assert full.soort == "onbekende_gemeente"
    # the code comes from the error's field (never parsed from its text), and the page does not judge it
    coded = dataclasses.replace(info, fields={"code": "GM9999"})
    why = explain_error(coded, 2024, (), {"seed_only": True, "gemeenten": 2})
    assert why.kop == "Voor GM9999 zijn geen gegevens." and "niet worden nagegaan" in why.uitleg
    assert "2 daarvan hebben cijfers" in why.uitleg


def test_unknown_code_travels_as_a_field():
    from analyse.errors import MergedGemeenteError, UnknownGemeenteError

    rec = outcome.record(UnknownGemeenteError("Onbekende gemeentecode GM9999.", code="GM9999"))
    assert rec["fields"]["code"] == "GM9999"
    merged = outcome.record(MergedGemeenteError("weg", successor="GM1978", code="GM0689"))
    assert merged["fields"] == {"code": "GM0689", "successor": "GM1978"}


def test_contract_error_is_a_data_diagnosis():
    info = outcome.ErrorInfo(kind="ContractError", message="De verwerkte tabel 'cpi' klopt niet: de tabel heeft 0 "
                             "rijen. Bouw de gegevens opnieuw met 'make data'.", soort="data_beschadigd",
                             bases=("DataIntegrityError", "AnalyseError"), chapter="Kostenontwikkeling")
    why = explain_error(info, 2024)
    assert why.soort == "data_beschadigd" and "Kostenontwikkeling" in why.kop and "intern" not in why.soort


def test_early_failure_summary_has_the_name_or_no_gap(tmp_path, capsys):
    from analyse.report.__main__ import report

    results = [runner.Result("GM0531", runner.STATUS_FAILED, naam=runner.known_name("GM0531"), message="x"),
               runner.Result("GM0999", runner.STATUS_FAILED, naam=None, message="y")]
    report(runner.BatchSummary(results, 1.0, None), [runner.Job("GM0531", {}, str(tmp_path))])
    out = capsys.readouterr().out
    assert "FOUT GM0531 Hendrik-Ido-Ambacht: x" in out and "FOUT GM0999: y" in out and "GM0999 :" not in out


def test_failed_pdf_exits_non_zero(tmp_path, capsys):
    from analyse.report.__main__ import report

    res = runner.Result("GM0531", runner.STATUS_OK, note="PDF niet gemaakt: Chromium maakte geen PDF (exitcode 3)")
    summary = runner.BatchSummary([res], 1.0, None)
    assert report(summary, [runner.Job("GM0531", {}, str(tmp_path))], pdf_requested=True, pdf_available=True) == 1
    assert "1 mislukt" in capsys.readouterr().out
    ok = runner.Result("GM0531", runner.STATUS_OK, pdf="GM0531/GM0531.pdf")
    assert report(runner.BatchSummary([ok], 1.0, None), [runner.Job("GM0531", {}, str(tmp_path))],
                  pdf_requested=True, pdf_available=True) == 0
