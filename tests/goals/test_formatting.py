"""Numbers the page's way: 4,6 % in Danish (the % never on a line of its own), 4.6% in English."""

from decimal import Decimal

from django.utils import translation

from goals.formatting import country_name, format_value


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
