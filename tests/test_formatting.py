"""Dutch number formatting used in every report text."""

import math

import pytest

from analyse import formatting as f


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, 1, "1.234,5"),
        (1234567, 0, "1.234.567"),
        (0.05, 2, "0,05"),
        (-1250, 0, "-1.250"),
        (-0.01, 1, "0,0"),  # no negative zero
        (10.8, 1, "10,8"),
    ],
)
def test_fmt_number_dutch_separators(value, decimals, expected):
    assert f.fmt_number(value, decimals) == expected


@pytest.mark.parametrize("missing", [None, math.nan, float("nan")])
def test_missing_is_marked_not_zero(missing):
    assert f.fmt_number(missing) == f.MISSING
    assert f.fmt_pct(missing) == f.MISSING
    assert f.fmt_eur(missing) == f.MISSING


def test_fmt_number_rejects_text():
    with pytest.raises(TypeError, match="expects a number"):
        f.fmt_number("12")


def test_pct_pp_signed_and_eur():
    assert f.fmt_pct(11.1) == "11,1%"
    assert f.fmt_pp(0.3) == "+0,3 procentpunt"
    assert f.fmt_pp(-0.4) == "-0,4 procentpunt"
    assert f.fmt_signed(2.78, 1, "%") == "+2,8%"
    assert f.fmt_eur(20000) == "€ 20.000"
    assert f.fmt_eur(1_400_000) == "€ 1,4 mln"


def test_fmt_value_by_unit():
    assert f.fmt_value(10.8, "procent") == "10,8%"
    assert f.fmt_value(46.0, "per_1000") == "46,0"
    assert f.fmt_value(1385, "aantal") == "1.385"
    assert f.fmt_value(512.4, "eur_per_inwoner") == "€ 512"


def test_escape_neutralises_markup():
    assert f.escape("<script>alert('x')</script>") == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    assert f.escape(None) == ""


def test_fmt_count_whole_numbers_with_unit():
    assert f.fmt_count(408.0, "inwoners") == "408 inwoners"
    assert f.fmt_count(12345.4) == "12.345"
    assert f.fmt_count(None) == f.MISSING


def test_fmt_list_in_words_never_python_list():
    assert f.fmt_list(["jeugdzorgregio", "nederland"]) == "jeugdzorgregio en nederland"
    assert f.fmt_list(("a", "b", "c")) == "a, b en c"
    assert f.fmt_list([]) == f.MISSING
    assert f.fmt_list("al tekst") == "al tekst"
    assert "[" not in f.fmt_list(["x", None, "y"])


def test_fmt_interval():
    assert f.fmt_interval(18.8, 16.0, 21.94) == "18,8 (16,0 tot 21,9)"
    assert f.fmt_interval(18.8, 16.0, 21.9, unit="procent") == "18,8% (16,0% tot 21,9%)"
    assert f.fmt_interval(18.8, None, 21.9) == "18,8"
    assert f.fmt_interval(math.nan, 1, 2) == f.MISSING


def test_dutch_columns_renames_known_raw_names_and_keeps_input():
    import pandas as pd

    raw = pd.DataFrame(columns=["maatregel_id", "preventie_niveau", "cum_realisatiegraad_pct", "peers_q1",
                                "z_adjusted", "small_numbers", "Al Nederlands"])
    out = f.dutch_columns(raw)
    assert list(raw.columns)[0] == "maatregel_id"  # input unchanged
    assert list(out.columns) == ["Maatregel", "Preventieniveau", "Realisatiegraad cumulatief (%)",
                                 "Vergelijkingsgemeenten, 25e percentiel",
                                 "Afwijking (gecorrigeerd, in standaardafwijkingen)", "Kleine aantallen",
                                 "Al Nederlands"]
    assert not any(f.is_raw_name(c) and "_" in c for c in out.columns)


def test_dutch_columns_unknown_raw_name_raises_or_logs(caplog):
    import pandas as pd

    from analyse.errors import AnalyseError

    frame = pd.DataFrame(columns=["onbekende_kolom"])
    with pytest.raises(AnalyseError, match="onbekende_kolom"):
        f.dutch_columns(frame)
    with caplog.at_level("WARNING"):
        assert list(f.dutch_columns(frame, strict=False).columns) == ["Onbekende kolom"]
    assert "onbekende_kolom" in caplog.text
    assert list(f.dutch_columns(frame, extra={"onbekende_kolom": "Eigen naam"}).columns) == ["Eigen naam"]


def test_dutch_columns_rejects_duplicate_labels():
    import pandas as pd

    from analyse.errors import AnalyseError

    with pytest.raises(AnalyseError, match="dezelfde"):
        f.dutch_columns(pd.DataFrame(columns=["ci_low", "lower"]))


def test_single_lowercase_word_gets_a_capital():
    import pandas as pd

    assert list(f.dutch_columns(pd.DataFrame(columns=["status", "titel", "kolom"])).columns) == [
        "Status", "Titel", "Kolom"]


SEEN_IN_REPORTS = ['bedrag', 'begroot', 'cum_gepland_eur', 'cum_gerealiseerd_eur', 'cum_openstaand_eur',
                   'cum_realisatiegraad_pct', 'denominator', 'doel', 'domein', 'eenheid', 'eerste_periode',
                   'gemeentecode', 'gepland_eur', 'gerealiseerd', 'gerealiseerd_eur', 'indicator_id', 'indicatoren',
                   'jaar', 'laatste_periode', 'maatregel_id', 'naam', 'numerator', 'omschrijving', 'openstaand_eur',
                   'opgehaald', 'opmerking', 'period', 'period_type', 'periode', 'positie_95', 'positie_998',
                   'preventie_niveau', 'realisatie', 'realisatiegraad_pct', 'reeks', 'resultaat', 'small_numbers',
                   'source_table', 'status', 'tabel', 'titel', 'unit', 'value', 'waarde', 'y', 'z', 'z_adjusted']
"""Raw table headers found in the seven issue-13 reports (GM0014, 0141, 0164, 0344, 0482, 0505, 0531)."""


@pytest.mark.parametrize("column", SEEN_IN_REPORTS)
def test_every_raw_header_seen_in_reports_has_a_dutch_label(column):
    label = f.dutch_label(column)
    assert label != column and not f.is_raw_name(label)


def test_soft_hyphens_at_syllables_only_in_long_words():
    from analyse.formatting import SOFT_HYPHEN, soft_hyphens

    shown = {w: soft_hyphens(w).replace(SOFT_HYPHEN, "-") for w in
             ("Nulmeting", "Streefwaarde", "procentpunt", "Regio", "Welzijn", "Preventieniveau")}
    assert shown == {"Nulmeting": "Nul-me-ting", "Streefwaarde": "Streef-waarde", "procentpunt": "pro-cent-punt",
                     "Regio": "Regio", "Welzijn": "Welzijn", "Preventieniveau": "Pre-ven-tie-ni-veau"}
    assert soft_hyphens("Sinds de nulmeting (≤ 2020)").replace(SOFT_HYPHEN, "") == "Sinds de nulmeting (≤ 2020)"
    assert soft_hyphens(None) == ""


def test_table_decimals_one_rule():
    from analyse.formatting import table_decimals

    assert [table_decimals(v, "Waarde") for v in (1234.5, 18.8, 3.14)] == [0, 1, 2]
    assert table_decimals(12.4, "Aantal inwoners") == 0 and table_decimals(2023.0, "Jaar") == 0


def test_every_column_of_the_comparison_record_and_overview_has_a_dutch_label():
    """A column added to these frames without a Dutch label fails here, not as a log line in a report."""
    from analyse import compare
    from analyse.content import overview_chapter
    from analyse.content.indicator_chapter import RECORD_COLUMNS
    from analyse.formatting import COLUMN_LABELS, is_raw_name

    cols = [*compare.OUTPUT_COLUMNS, *RECORD_COLUMNS, *overview_chapter.COLUMNS]
    assert sorted({c for c in cols if c not in COLUMN_LABELS and is_raw_name(c) and "_" in c}) == []
