"""Danish by default, English complete: the catalogue, the pages, numbers and the language switch."""

from pathlib import Path

import polib
from django.conf import settings

from tests.goals.test_status_page import figure

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE))

    assert len(catalogue) > 100
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_english_status_page_is_in_english_with_english_numbers(client, share_data):
    body = client.get("/en/kommune/randers/", {"aar": "2023"}).content.decode()

    assert '<html lang="en">' in body
    assert "Randers Municipality — goals 2023" in body
    assert "The municipality's plan" in body
    assert "Not on track" in body
    assert "From the baseline 4.1% in December 2022" in body
    assert "Overblik" not in body and "Kommunens plan" not in body


def test_danish_is_the_default_with_danish_numbers(client, share_data):
    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    assert '<html lang="da">' in body
    assert "Fra basis 4,1\xa0% i december 2022" in body


def test_english_chart_labels_and_separators(client, share_data):
    body = client.get("/en/kommune/randers/", {"aar": "2023"}).content.decode()

    assert figure(body, "chart-2-mm17-andel-opkvalificering")["layout"]["separators"] == ".,"
    assert "Target" in body and "Baseline" in body


def test_language_switch_keeps_the_page_and_its_query_string(client, share_data):
    body = client.get("/sammenlign/mm17-andel-opkvalificering/", {"kommune": "randers", "gruppe": "region"})

    assert (
        'href="/en/sammenlign/mm17-andel-opkvalificering/?kommune=randers&amp;gruppe=region" hreflang="en"'
        in body.content.decode()
    )
    english = client.get("/en/kommune/randers/", {"aar": "2023"}).content.decode()
    assert 'href="/kommune/randers/?aar=2023" hreflang="da"' in english


def test_english_comparison_page_is_in_english(client, share_data):
    body = client.get("/en/sammenlign/mm17-andel-opkvalificering/", {"kommune": "randers"}).content.decode()

    assert "Compare the municipalities" in body
    assert "Randers is in the" in body
