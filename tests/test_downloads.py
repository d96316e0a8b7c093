"""CSV (Excel-NL) and Excel workbook downloads of report tables."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from analyse.errors import AnalyseError
from analyse.report import downloads as d


@pytest.fixture()
def frame():
    return pd.DataFrame({
        "Indicator": ["=HYPERLINK(\"x\")", "Bijstand", "-kort", "@cmd", "\tTab", "normaal"],
        "Waarde": [18.8, 21.0, -1.5, np.nan, 3.0, 1234.5],
        "Ondergrens": [16.0, 19.2, -2.0, np.nan, 2.0, 1200.0],
        "Aantal inwoners": [408, 1200, 15, 0, 7, 25000],
        "Regio's": [["jeugdzorgregio", "nederland"], ["a"], [], ["b"], ["c"], ["d"]],
    })


def test_csv_has_bom_semicolon_decimal_comma_and_numbers(frame, tmp_path):
    path = d.write_csv(frame, tmp_path / "t.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header == "Indicator;Waarde;Ondergrens;Aantal inwoners;Regio's"
    assert ";18,8;16,0;408;" in first
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert back["Waarde"].dtype.kind == "f" and back["Waarde"].iloc[5] == pytest.approx(1234.5)
    assert back["Aantal inwoners"].dtype.kind == "i"
    assert back["Ondergrens"].iloc[2] == pytest.approx(-2.0)  # negative numbers stay numbers
    assert pd.isna(back["Waarde"].iloc[3])  # missing is empty, not 0


def test_csv_neutralises_formulas_and_flattens_lists(frame, tmp_path):
    text = d.write_csv(frame, tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",", keep_default_na=False)
    assert back["Indicator"].tolist()[:5] == ["'=HYPERLINK(\"x\")", "Bijstand", "'-kort", "'@cmd", "'\tTab"]
    assert back["Regio's"].iloc[0] == "jeugdzorgregio, nederland"
    assert "[" not in text


def test_input_not_mutated(frame, tmp_path):
    before = frame.copy(deep=True)
    d.write_csv(frame, tmp_path / "t.csv")
    d.write_workbook({"x": frame}, tmp_path / "t.xlsx")
    pd.testing.assert_frame_equal(frame, before)


def test_csv_rejects_non_frame(tmp_path):
    with pytest.raises(AnalyseError, match="DataFrame"):
        d.write_csv([1, 2], tmp_path / "t.csv")


def test_sheet_names_short_valid_unique():
    used: set[str] = set()
    a = d.sheet_name("Indicatoren: overzicht / 2024 van alle gemeenten in de regio", used)
    b = d.sheet_name("Indicatoren: overzicht / 2024 van alle gemeenten in de regio", used)
    assert len(a) <= 31 and len(b) <= 31 and a != b
    assert not any(ch in a for ch in "[]:*?/\\")
    assert d.sheet_name("", set()) == "Tabel"


def test_workbook_sheets_bold_header_and_number_formats(frame, tmp_path):
    from openpyxl import load_workbook

    kosten = pd.DataFrame({"jaar": [2022, 2023], "lasten_eur": [1_500_000.0, 1_600_000.0]})
    path = d.write_workbook({"Indicatoren": frame, "Kosten per jaar en cluster (prijspeil 2024)": kosten},
                            tmp_path / "gemeente.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Indicatoren" and len(wb.sheetnames[1]) <= 31
    ws = wb["Indicatoren"]
    assert [c.value for c in ws[1]] == list(frame.columns)
    assert all(c.font.bold for c in ws[1])
    assert ws["B2"].value == pytest.approx(18.8) and ws["B2"].number_format == "#,##0.0"
    assert ws["D2"].value == 408 and ws["D2"].number_format == "#,##0"
    assert ws["A2"].value.startswith("'=")
    assert ws["B5"].value is None  # NaN → empty cell
    assert ws["E2"].value == "jeugdzorgregio, nederland"
    ws2 = wb[wb.sheetnames[1]]
    assert ws2["A2"].number_format == "0" and ws2["B2"].number_format.startswith('"€"')
    back = pd.read_excel(path, sheet_name="Indicatoren")
    assert back["Waarde"].dtype.kind == "f"


def test_workbook_rejects_empty_and_non_frames(tmp_path):
    with pytest.raises(AnalyseError, match="geen tabellen"):
        d.write_workbook({}, tmp_path / "x.xlsx")
    with pytest.raises(AnalyseError, match="geen DataFrame"):
        d.write_workbook({"a": "tekst"}, tmp_path / "x.xlsx")


def test_numbers_in_object_column_get_decimal_comma(tmp_path):
    frame = pd.DataFrame({"Waarde": pd.Series([1.5, None, 3], dtype=object), "Tekst": ["a", None, "-b"]})
    text = d.write_csv(frame, tmp_path / "o.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[1] == "1,5;a" and text.splitlines()[3] == "3,0;'-b"
