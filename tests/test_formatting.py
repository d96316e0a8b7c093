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
