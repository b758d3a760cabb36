"""Periods for people: one name per period in each language, and one parser for what people type."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from indicators.periods import UnknownPeriodFormat, parse_period_text, period_label


@pytest.mark.parametrize(
    ("code", "danish", "english"),
    [
        ("2024M03", "marts 2024", "March 2024"),
        ("2024H2", "2. halvår 2024", "H2 2024"),
        ("2024Q01", "1. kvartal 2024", "Q1 2024"),
        ("2023QMAT02", "12 mdr. til 2. kvartal 2023", "12 months to Q2 2023"),
        ("2023MYTD09", "året til og med september 2023", "year to September 2023"),
        ("2024", "2024", "2024"),
    ],
)
def test_period_label_names_a_period_as_people_read_it(code, danish, english):
    with translation.override("da"):
        assert period_label(code) == danish
    with translation.override("en"):
        assert period_label(code) == english


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("marts 2024", "2024M03"),
        ("Marts 2024", "2024M03"),
        ("mar 2024", "2024M03"),
        ("mar. 2024", "2024M03"),
        ("March 2024", "2024M03"),
        ("sept. 2023", "2023M09"),
        ("okt 2023", "2023M10"),
        ("2024 marts", "2024M03"),
        ("2024-03", "2024M03"),
        ("3/2024", "2024M03"),
        ("2. halvår 2024", "2024H2"),
        ("2.halvår 2024", "2024H2"),
        ("2024 2. halvår", "2024H2"),
        ("andet halvår 2024", "2024H2"),
        ("H2 2024", "2024H2"),
        ("2024 H2", "2024H2"),
        ("2nd half of 2024", "2024H2"),
        ("1. kvartal 2024", "2024Q01"),
        ("Q1 2024", "2024Q01"),
        ("K1 2024", "2024Q01"),
        ("first quarter 2024", "2024Q01"),
        ("2024", "2024"),
        ("2024M03", "2024M03"),
        ("2024m3", "2024M03"),
        ("2024H2", "2024H2"),
        ("2024Q1", "2024Q01"),
        ("2024Q01", "2024Q01"),
        (" 2024\u00a0M03 ", "2024M03"),
    ],
)
def test_parse_period_text_accepts_words_in_both_languages_and_the_code(typed, code):
    assert parse_period_text(typed).code == code


@pytest.mark.parametrize(
    "typed", ["", "snart", "marts", "13. måned 2024", "3. halvår 2024", "2024M13", "2024-13"]
)
def test_parse_period_text_refuses_what_is_not_a_period_and_says_how_to_write_one(typed):
    with translation.override("da"), pytest.raises(UnknownPeriodFormat) as error:
        parse_period_text(typed)

    assert "er ikke en periode" in str(error.value) and "2. halvår 2024" in str(error.value)


CODES = st.one_of(
    st.builds(lambda y, m: f"{y}M{m:02d}", st.integers(2000, 2040), st.integers(1, 12)),
    st.builds(lambda y, m: f"{y}MYTD{m:02d}", st.integers(2000, 2040), st.integers(1, 12)),
    st.builds(lambda y, q: f"{y}Q{q:02d}", st.integers(2000, 2040), st.integers(1, 4)),
    st.builds(lambda y, q: f"{y}QMAT{q:02d}", st.integers(2000, 2040), st.integers(1, 4)),
    st.builds(lambda y, h: f"{y}H{h}", st.integers(2000, 2040), st.integers(1, 2)),
    st.builds(str, st.integers(2000, 2040)),
)


@given(CODES, st.sampled_from(["da", "en"]))
def test_every_period_named_for_people_is_read_back_as_the_same_period(code, language):
    # The plan editor shows stored periods in words; saving the form unchanged must store the same code.
    with translation.override(language):
        label = period_label(code)

    assert parse_period_text(label).code == code
    assert parse_period_text(code).code == code
