"""The municipality quick switch: a search by name, slug or code that goes to that municipality's page and year."""

import pytest

from municipalities.models import Area

SWITCH = "/kommune/"


def test_exact_name_goes_to_the_municipality_in_the_same_year(client, reference_data):
    response = client.get(SWITCH, {"kommune": "Aarhus", "aar": "2023"})

    assert response.status_code == 302
    assert response["Location"] == "/kommune/aarhus/?aar=2023"


@pytest.mark.parametrize("query", ["randers", "RANDERS", "  Randers  ", "Randers Kommune", "730"])
def test_name_in_any_case_the_slug_and_the_code_all_find_the_municipality(client, reference_data, query):
    response = client.get(SWITCH, {"kommune": query})

    assert response.status_code == 302
    assert response["Location"] == "/kommune/randers/"


def test_danish_letters_may_be_spelt_as_in_the_url(client, reference_data):
    assert client.get(SWITCH, {"kommune": "koebenhavn"})["Location"] == "/kommune/koebenhavn/"
    assert client.get(SWITCH, {"kommune": "københavn"})["Location"] == "/kommune/koebenhavn/"


def test_a_unique_part_of_a_name_is_enough(client, reference_data):
    response = client.get(SWITCH, {"kommune": "skjern", "aar": "2024"})

    assert response["Location"] == "/kommune/ringkoebing-skjern/?aar=2024"


def test_an_ambiguous_search_lists_the_candidates_to_choose_from(client, reference_data):
    response = client.get(SWITCH, {"kommune": "her", "aar": "2024"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "passer på flere kommuner" in body
    for name in ["Herlev", "Herning"]:
        area = Area.objects.get(name=name)
        assert f'<a href="/kommune/{area.slug}/?aar=2024">{name}</a>' in body
    assert 'value="her"' in body  # the search box keeps what was typed


def test_a_search_that_matches_nothing_says_so_and_how_to_search(client, reference_data):
    response = client.get(SWITCH, {"kommune": "Atlantis"})

    body = response.content.decode()
    assert response.status_code == 404
    assert "Ingen kommune passer på “Atlantis”" in body
    assert "fx Randers" in body


def test_an_empty_search_asks_for_a_name(client, reference_data):
    response = client.get(SWITCH, {"kommune": " "})

    assert response.status_code == 404
    assert "Skriv navnet på en kommune" in response.content.decode()


def test_english_switch_stays_in_english(client, reference_data):
    assert client.get("/en" + SWITCH, {"kommune": "Odense"})["Location"] == "/en/kommune/odense/"
    body = client.get("/en" + SWITCH, {"kommune": "Atlantis"}).content.decode()
    assert "No municipality matches" in body


def test_a_bad_year_is_not_carried_along(client, reference_data):
    assert client.get(SWITCH, {"kommune": "Odense", "aar": "<x>"})["Location"] == "/kommune/odense/"


def test_every_status_page_has_the_switch_with_all_98_names_and_its_year(client, demo_plans):
    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    switch = body.split('class="municipality-switch"', 1)[1].split("</form>", 1)[0]
    assert 'action="/kommune/"' in body.split('class="municipality-switch"', 1)[0][-200:]
    assert '<label for="skift-kommune">' in switch
    assert 'list="kommune-navne"' in switch
    assert switch.count("<option value=") == 98
    assert '<input type="hidden" name="aar" value="2023">' in switch
