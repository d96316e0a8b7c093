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
    assert back["Waarde"].dtype.kind == "f" and back["Waarde"].iloc[5] == pytest.approx(1234)  # as the page shows
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


# ------------------------------------------------------------------------------------------ precision, ja/nee
def test_as_shown_rounds_like_the_page_and_writes_ja_nee(tmp_path):
    frame = pd.DataFrame({"Waarde": [164.29737483086245, 3.14159, 18033000.4], "Aantal inwoners": [408.0, 12.0, 7.0],
                          "Jaar": [2023.0, 2024.0, 2025.0], "Kleine aantallen": [True, False, True],
                          "Mengsel": ["tekst", True, False]})
    shown = d.as_shown(frame)
    assert shown["Waarde"].tolist() == [164.3, 3.14, 18033000.0]
    assert str(shown["Aantal inwoners"].dtype) == "Int64" and str(shown["Jaar"].dtype) == "Int64"
    assert shown["Kleine aantallen"].tolist() == ["ja", "nee", "ja"]
    assert shown["Mengsel"].tolist() == ["tekst", "ja", "nee"]
    assert frame["Waarde"].iloc[0] == 164.29737483086245  # input unchanged
    text = d.write_csv(frame, tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert "164,3;408;2023;ja;tekst" in text and "True" not in text and "2023,0" not in text
    back = pd.read_csv(tmp_path / "t.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert back["Waarde"].dtype.kind == "f" and back["Jaar"].dtype.kind == "i"


def test_full_precision_keeps_every_digit(tmp_path):
    frame = pd.DataFrame({"Waarde": [164.29737483086245], "Vlag": [True]})
    text = d.write_csv(frame, tmp_path / "t.csv", full_precision=True).read_text(encoding="utf-8-sig")
    assert "164,29737483086245;ja" in text


# ------------------------------------------------------------------------------------------ the long data file
@pytest.fixture()
def records():
    return pd.DataFrame({
        "indicator_id": ["jeugdzorg_pct", "bijstand_per_1000"], "naam": ["Jongeren met jeugdzorg", "Bijstand"],
        "domein": ["jeugd", "participatie"], "unit": ["procent", "per_1000"],
        "source_table": ["85099NED", "seed001-t1"],
        "latest_period": ["2023", "2024"], "latest_value": [11.4, 25.5], "latest_ci_low": [10.9, np.nan],
        "latest_ci_high": [12.0, np.nan], "base_period": ["2019", "2020"],
        "reference_label": ["rest van regio X", None],
        "reference_value": [10.1, np.nan], "nederland_value": [9.8, 30.0], "benchmark_verdict": ["slechter", "beter"],
        "change_verdict": ["gelijk gebleven", "niet te beoordelen"], "verdict_allowed": [True, False],
        "latest_status": ["definitief", "voorlopig"]})


def test_long_table_one_row_per_indicator_and_period(records):
    series = pd.DataFrame({"indicator_id": ["jeugdzorg_pct"] * 3 + ["bijstand_per_1000"],
                           "period": ["2019", "2021", "2023", "2024"], "value": [10.0, 10.5, 11.4, 25.5],
                           "ci_low": [9.5, 10.0, 10.9, np.nan], "ci_high": [10.5, 11.0, 12.0, np.nan]})
    long = d.indicator_long_table(records, series, "GM0531", "Hendrik-Ido-Ambacht")
    assert list(long.columns) == list(d.LONG_COLUMNS) and len(long) == 4
    jz = long[long["Indicator"] == "Jongeren met jeugdzorg"].set_index("Periode")
    assert jz.loc["2023", "Meting"] == "laatste" and jz.loc["2019", "Meting"] == "nulmeting"
    assert jz.loc["2023", "Waarde vergelijking"] == 10.1 and pd.isna(jz.loc["2019", "Waarde vergelijking"])
    assert jz.loc["2023", "Oordeel mogelijk (marge bekend)"] == "ja"
    assert jz.loc["2023", "CBS-pagina"].endswith("/85099NED/table") and jz.loc["2023", "CBS-tabel"] == "85099NED"
    assert jz.loc["2023", "Bron"] == "CBS-tabel 85099NED"
    assert jz.loc["2023", "Eenheid"] == "%" and jz.loc["2023", "Domein"] == "Jeugd"
    bs = long[long["Indicator"] == "Bijstand"].iloc[0]
    assert bs["CBS-pagina"] == "" and bs["Eenheid"] == "per 1.000"  # a seed table has no StatLine page
    assert bs["Bron"] == "cijfers uit een document van de gemeente" and bs["CBS-tabel"] == ""
    titled = d.indicator_long_table(records, None, "GM0531", "X", {"85099NED": "Jeugdzorg; gemeenten"})
    assert titled.set_index("Indicator").loc["Jongeren met jeugdzorg", "Bron"] == "Jeugdzorg; gemeenten"
    assert not long.isin(["jeugdzorg_pct", "bijstand_per_1000"]).any().any()  # no package ids


def test_long_table_without_series_has_the_latest_values(records, tmp_path):
    long = d.indicator_long_table(records, None, "GM0531", "Hendrik-Ido-Ambacht")
    assert len(long) == 2 and set(long["Meting"]) == {"laatste"}
    d.write_csv(long, tmp_path / "lang.csv", full_precision=True)
    back = pd.read_csv(tmp_path / "lang.csv", sep=";", decimal=",", encoding="utf-8-sig")
    for col in ("Waarde", "Ondergrens (95%)", "Bovengrens (95%)", "Waarde vergelijking", "Waarde Nederland"):
        assert back[col].dtype.kind == "f", col


def test_long_table_names_a_missing_record_column(records):
    with pytest.raises(AnalyseError, match="source_table"):
        d.indicator_long_table(records.drop(columns="source_table"), None, "GM0531", "X")


def test_cbs_links_only_for_cbs_tables():
    assert d.cbs_links("85099NED;84134NED").count("https://") == 2
    assert d.cbs_links("seed000-bijlage1") == "" and d.cbs_links(None) == ""


# ------------------------------------------------------------------------------------------ workbook with Leesmij
def test_readable_sheet_names_cut_at_words_and_unique():
    names = d.readable_sheet_names({"a": "Participatie en bijstand: alle indicatoren",
                                    "b": "Participatie en bijstand: alle indicatoren", "c": "Kort"})
    assert all(len(n) <= 31 for n in names.values()) and len(set(names.values())) == 3
    assert not names["a"].endswith(("indicatore", "b")) and names["c"] == "Kort"
    assert names["b"].endswith(" 2")


def test_sheet_names_read_as_names():
    names = d.readable_sheet_names({
        "kosten-jeugd": "Lijngrafiek van de lasten per inwoner (Jeugd) (nominale euro's) van 2017 tot 2024",
        "budget": "Staafdiagram van begroot en uitgegeven voor 4 posten; van de posten met beide bedragen",
        "maatregelen-o1": "Maatregelen en hun status", "maatregelen-o3a": "Maatregelen en hun status",
        "output-o1": "Output: realisatie tegenover doel", "bronnen": "Bronnen, perioden en status van de tabellen"})
    assert names == {"kosten-jeugd": "Lasten per inwoner – Jeugd", "budget": "Begroot en uitgegeven",
                     "maatregelen-o1": "Maatregelen en hun status O1",
                     "maatregelen-o3a": "Maatregelen en hun status O3a", "output-o1": "Output O1",
                     "bronnen": "Bronnen, perioden en status"}
    assert all(len(n) <= 31 for n in names.values())


def test_workbook_with_leesmij_opens_in_openpyxl(records, tmp_path):
    from openpyxl import load_workbook

    long = d.indicator_long_table(records, None, "GM0531", "Hendrik-Ido-Ambacht")
    readme = d.readme_frame({"Indicatoren per periode": "alle indicatoren"}, {"Indicatoren per periode": "x.csv"},
                            [("Gemeente", "Hendrik-Ido-Ambacht (GM0531)")],
                            pd.DataFrame({"Indicator": ["Bijstand"], "Definitie": ["Personen met bijstand"]}))
    path = d.write_workbook({"Leesmij": readme, "Indicatoren per periode": long}, tmp_path / "w.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Leesmij"
    texts = [c.value for row in wb["Leesmij"].iter_rows() for c in row if c.value]
    assert "Tabblad" in texts and "Personen met bijstand" in texts and any("x.csv" in str(t) for t in texts)
    ws = wb["Indicatoren per periode"]
    header = [c.value for c in ws[1]]
    col = header.index("Waarde") + 1
    assert isinstance(ws.cell(row=2, column=col).value, float)
