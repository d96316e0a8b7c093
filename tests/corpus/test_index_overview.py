"""index.html and overzicht.xlsx for readers (issues 13 and 19): inwoners, provincie, regio and the plan's conclusion
("geen plan" where there is none); no verdict shares over different indicator sets; the build status (status, time,
message) in a separate file, bouwstatus.csv; one workbook with every gemeente's overview row."""

from __future__ import annotations

import io
import re

import pandas as pd

from analyse.report import index
from analyse.report.runner import Result

REGISTRY = pd.DataFrame({
    "gemeentecode": ["GM0531", "GM0505", "GM0531"], "indelingsjaar": [2024, 2024, 2018],
    "gemeentenaam": ["Hendrik-Ido-Ambacht", "Dordrecht", "Hendrik-Ido-Ambacht"],
    "inwoners": [32689.0, 122070.0, 30000.0], "provincie_naam": ["Zuid-Holland"] * 3,
    "jeugdzorgregio_naam": ["Zuid-Holland Zuid"] * 3,
})


def _results() -> list[Result]:
    return [
        Result("GM0531", "ok", naam="Hendrik-Ido-Ambacht", indelingsjaar=2024, html="GM0531/GM0531.html",
               signals={"beter": 3, "slechter": 11, "gelijk": 13, "indicatoren": 27, "totaal": 30, "plan": "deels"},
               seconds=8.7, rendered_at="2026-11-30T07:15:02"),
        Result("GM0505", "ok", naam="Dordrecht", indelingsjaar=2024, html="GM0505/GM0505.html",
               signals={"beter": 2, "slechter": 2, "gelijk": 4, "indicatoren": 8, "totaal": 20}),
        Result("GM9999", "fout", indelingsjaar=2024, html="GM9999/GM9999.html",
               message="De gemeentecode is onbekend in de indeling 2024.", kind="onbekende_gemeente"),
        Result("GM0482", "niet gestart", indelingsjaar=2024),
    ]


def test_rows_have_registry_columns_and_the_plan_or_geen_plan():
    rows = {r["gemeentecode"]: r for r in index.overview_rows(_results(), REGISTRY)}
    him = rows["GM0531"]
    assert (him["inwoners"], him["provincie"], him["regio"]) == (32689, "Zuid-Holland", "Zuid-Holland Zuid")
    assert him["plan"] == "deels" and rows["GM0505"]["plan"] == "geen plan"
    assert rows["GM9999"]["plan"] is None and rows["GM9999"]["inwoners"] is None
    assert not {"beter", "slechter", "gelijk"} & set(him)  # no shares over different indicator sets


def test_page_is_for_readers_and_build_status_is_elsewhere():
    page = index.build_index(_results(), None, REGISTRY)
    head = re.search(r"<table id=\"rapporten\".*?</thead>", page, re.S).group(0)
    for title in ("Inwoners", "Provincie", "Jeugdzorgregio", "Beleidsplan"):
        assert f">{title}<" in head
    for title in ("Status", "Gemaakt", "Duur", "Beter", "Slechter", "Conclusie plan"):
        assert title not in head
    main_table = page[page.index('<table id="rapporten"'):page.index("</table>")]
    assert "geen plan" in main_table and "32.689" in main_table and "rapport niet gemaakt" in main_table
    assert "2026-11-30" not in page and "8,7" not in page  # time and duration only in bouwstatus.csv
    assert 'href="overzicht.xlsx"' in page and 'href="bouwstatus.csv"' in page
    assert page.count("<table") == 1


def test_workbook_has_every_row_numbers_as_numbers_and_no_formulas():
    from openpyxl import load_workbook

    results = _results()
    results[0].signals["plan"] = "=HYPERLINK(\"http://x\")"
    wb = load_workbook(io.BytesIO(index.workbook_bytes(index.overview_rows(results, REGISTRY))))
    ws = wb["Overzicht"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Code", "Gemeente", "Inwoners") and len(rows) == 5
    assert not {"Status", "Gemaakt", "Duur (s)", "Melding", "Aandeel beter"} & set(header)
    by_code = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    him = by_code["GM0531"]
    assert him["Inwoners"] == 32689
    assert him["Beleidsplan"].startswith("'=")  # never a formula
    assert by_code["GM0505"]["Beleidsplan"] == "geen plan"


def test_build_status_file_has_status_time_and_message(tmp_path):
    index.write_index(tmp_path, _results(), REGISTRY)
    status = pd.read_csv(tmp_path / "bouwstatus.csv", sep=";", decimal=",", encoding="utf-8-sig")
    by_code = status.set_index("Code")
    assert by_code.loc["GM0482", "Status"] == "niet gestart" and by_code.loc["GM9999", "Status"] == "fout"
    assert by_code.loc["GM0531", "Gemaakt"] == "2026-11-30 07:15" and by_code.loc["GM0531", "Duur (seconden)"] == 8.7
    assert "onbekend" in by_code.loc["GM9999", "Melding"]


def test_write_index_and_workbook_merge_earlier_runs(tmp_path):
    from analyse.report import write_atomic

    old = _results()[1]
    write_atomic(tmp_path / "GM0505" / "GM0505.json", old.to_json())
    index.write_index(tmp_path, [_results()[0]], REGISTRY)
    path = index.write_workbook(tmp_path, [_results()[0]], REGISTRY)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Dordrecht" in page and "Hendrik-Ido-Ambacht" in page
    assert path.name == "overzicht.xlsx" and path.stat().st_size > 0


def test_interrupted_gemeente_keeps_its_earlier_report_in_the_index(tmp_path):
    from analyse.report import write_atomic

    write_atomic(tmp_path / "GM0505" / "GM0505.json", _results()[1].to_json())
    stopped = Result("GM0505", "niet gestart", indelingsjaar=2024)
    rows = index.overview_rows(index.merged_results([stopped], tmp_path), REGISTRY)
    assert rows[0]["status"] == "ok" and rows[0]["rapport"] == "GM0505/GM0505.html"


def test_alias_folders_of_old_runs_are_not_listed(tmp_path):
    """Folders ``531/`` and ``GM531/`` made before codes were canonical do not add the gemeente twice."""
    from analyse.report import write_atomic

    for alias in ("531", "GM531", "GM0531"):
        write_atomic(tmp_path / alias / f"{alias}.json", Result(alias, "ok", naam="Hendrik-Ido-Ambacht").to_json())
    rows = index.overview_rows(index.merged_results([], tmp_path), REGISTRY)
    assert [r["gemeentecode"] for r in rows] == ["GM0531"]
