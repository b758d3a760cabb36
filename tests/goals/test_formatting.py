"""Numbers the page's way: 4,6 % in Danish (the % never on a line of its own), 4.6% in English."""

from decimal import Decimal

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from goals.formatting import as_printed, compare_printed, country_name, format_change, format_value


def test_danish_percent_keeps_its_sign_on_the_same_line():
    with translation.override("da"):
        assert format_value(Decimal("58.04"), "percent") == "58,0\xa0%"


def test_english_percent_has_no_space():
    with translation.override("en"):
        assert format_value(Decimal("58.04"), "percent") == "58.0%"


def test_the_country_is_named_in_the_pages_language():
    with translation.override("en"):
        assert country_name() == "The whole country"
    with translation.override("da"):
        assert country_name() == "Hele landet"


def test_halves_round_up_and_nothing_is_printed_as_minus_zero():
    with translation.override("da"):
        assert format_value(Decimal("1.25"), "percent") == "1,3\xa0%"
        assert format_value(Decimal("-0.04"), "percent") == "0,0\xa0%"
        assert format_value(Decimal("1040.5"), "count") == "1.041"


def test_a_change_is_the_difference_of_the_values_as_printed():
    # 1,36 % → 1,44 % reads 1,4 % → 1,4 %: the change beside it must not say +0,1.
    with translation.override("da"):
        assert format_change(Decimal("1.36"), Decimal("1.44"), "percent") == "±0,0 procentpoint"
        assert format_change(Decimal("1.34"), Decimal("1.36"), "percent") == "+0,1 procentpoint"
        assert format_change(Decimal("12.6"), Decimal("10.4"), "count") == "−3"


def read_printed(text: str, language: str) -> Decimal:
    number = text.replace("\xa0%", "").replace("%", "")
    if language == "da":
        return Decimal(number.replace(".", "").replace(",", "."))
    return Decimal(number.replace(",", ""))


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=-1000, max_value=100_000, places=3),
    st.decimals(min_value=-1, max_value=1, places=3),
    st.sampled_from(["percent", "count", "rate"]),
    st.sampled_from(["da", "en"]),
)
def test_compare_printed_agrees_with_the_numbers_as_written(value, delta, unit, language):
    reference = value + delta
    with translation.override(language):
        written = read_printed(format_value(value, unit), language)
        written_reference = read_printed(format_value(reference, unit), language)

    expected = (written > written_reference) - (written < written_reference)
    assert compare_printed(value, reference, unit) == expected
    assert as_printed(value, unit) == written
