"""local_values.validation: the one set of rules for a typed or uploaded value."""

from datetime import date
from decimal import Decimal

import pytest

from local_values.validation import NotANumber, RawRow, check_rows, parse_number, scale_bounds

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("72,5", Decimal("72.5")),
        ("72.5", Decimal("72.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1.234.567", Decimal("1234567")),
        ("12,5 %", Decimal("12.5")),
        ("\u00a0 40 ", Decimal("40")),
        ("", None),
    ],
)
def test_parse_number_reads_danish_and_english_notation(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["=1+1", "@SUM(A1)", "tolv", "1,2,3", "12a", "+-3"])
def test_parse_number_refuses_text_and_formulas(text):
    with pytest.raises(NotANumber):
        parse_number(text)


def test_scale_bounds_reads_the_scale_people_write():
    assert scale_bounds("1–5 (5 er bedst)") == (Decimal(1), Decimal(5))
    assert scale_bounds("0-100") == (Decimal(0), Decimal(100))
    assert scale_bounds("fra lav til høj") is None


def test_check_rows_accepts_periods_in_words_and_codes(db, satisfaction, jobs):
    yearly = check_rows(indicator=satisfaction, rows=[RawRow(2, "2024", "75,8", "502")], today=TODAY)
    quarterly = check_rows(
        indicator=jobs,
        rows=[RawRow(2, "4. kvartal 2024", "51", ""), RawRow(3, "2024Q3", "50", "")],
        today=TODAY,
    )
    assert [(r.period, r.value, r.base) for r in yearly.rows] == [("2024", Decimal("75.8"), Decimal(502))]
    assert [r.period for r in quarterly.rows] == ["2024Q04", "2024Q03"]
    assert not yearly.problems and not quarterly.problems


def test_check_rows_refuses_a_period_that_has_not_begun(db, jobs):
    checked = check_rows(indicator=jobs, rows=[RawRow(2, "2025Q04", "51", "")], today=TODAY)
    assert checked.problems[0].message == "4. kvartal 2025 er ikke begyndt endnu."
