"""The committee chair's comparison page: every municipality in thirds, groups in the URL, never a 500."""

import io
import json
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from goals.comparison import third_name, thirds
from indicators.models import Indicator
from municipalities.models import Area
from tests.goals.conftest import build_observations, monthly_periods, share_value
from tests.goals.test_exports import read_csv

URL = "/sammenlign/mm17-andel-opkvalificering/"


def figure(body: str, chart_id: str) -> dict:
    match = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(match.group(1))


def bar_roles(body: str) -> dict[str, list[str]]:
    return {t["name"]: t["x"] for t in figure(body, "chart-comparison")["data"] if t["type"] == "bar"}


def test_thirds_split_evenly_and_ties_share_the_higher_third():
    values = {i: Decimal(v) for i, v in enumerate(["9", "8", "7", "6", "5", "4", "3", "2", "1"])}
    assert sorted(thirds(values, "percent").values()) == [0, 0, 0, 1, 1, 1, 2, 2, 2]

    tied = {
        1: Decimal("5"),
        2: Decimal("5"),
        3: Decimal("5"),
        4: Decimal("5"),
        5: Decimal("1"),
        6: Decimal("0"),
    }
    result = thirds(tied, "percent")
    assert result[1] == result[2] == result[3] == result[4] == 0
    assert result[5] == 2 and result[6] == 2


def test_comparison_page_shows_all_municipalities_sorted_with_the_selected_one_and_its_rar_group(
    client, share_data
):
    body = client.get(URL, {"kommune": "randers", "periode": "2024M06"}).content.decode()

    roles = bar_roles(body)
    assert sum(len(x) for x in roles.values()) == 98
    assert roles["Randers"] == ["Randers"]
    assert "Aarhus" in roles["RAR Østjylland"] and "Aalborg" not in roles["RAR Østjylland"]
    assert "Randers ligger i" in body
    layout = figure(body, "chart-comparison")["layout"]
    values = {
        name: share_value(Area.objects.get(name=name), 29) for name in layout["xaxis"]["categoryarray"][:3]
    }
    assert list(values.values()) == sorted(values.values(), reverse=True)
    assert any(t["name"] == "Hele landet" for t in figure(body, "chart-comparison")["data"])


def test_region_and_own_list_groups_come_from_the_url(client, share_data):
    region = bar_roles(client.get(URL, {"kommune": "randers", "gruppe": "region"}).content.decode())
    listed = bar_roles(
        client.get(
            URL, {"kommune": "randers", "gruppe": "liste", "kommuner": "odense,aalborg"}
        ).content.decode()
    )

    assert "Viborg" in region["Region Midtjylland"]
    assert sorted(listed["Egen liste"]) == ["Aalborg", "Odense"]


def test_development_over_time_shows_the_municipality_its_group_and_the_country(client, share_data):
    body = client.get(URL, {"kommune": "randers"}).content.decode()

    names = {t["name"] for t in figure(body, "chart-development")["data"]}
    assert {"Randers", "Median for RAR Østjylland", "Hele landet"} <= names


def test_permalink_round_trip_keeps_the_same_state(client, share_data):
    body = client.get(
        URL, {"kommune": "aarhus", "gruppe": "liste", "kommuner": "odense", "periode": "2023M03"}
    )
    permalink = (
        re.search(r'href="\?([^"]+)" id="permalink"', body.content.decode()).group(1).replace("&amp;", "&")
    )

    again = client.get(f"{URL}?{permalink}").content.decode()

    assert permalink == "kommune=aarhus&gruppe=liste&kommuner=odense&periode=2023M03"
    assert '<option value="2023M03" selected>' in again
    assert '<option value="aarhus" selected>' in again
    assert bar_roles(again)["Egen liste"] == ["Odense"]


def test_counts_are_not_compared_and_the_page_points_to_the_share(client, share_data):
    body = client.get("/sammenlign/mm17-antal-opkvalificering/").content.decode()

    assert "Antal sammenlignes ikke på tværs af kommuner" in body
    assert 'href="/sammenlign/mm17-andel-opkvalificering/"' in body
    assert "chart-comparison" not in body


def test_indicator_without_data_says_so(client, reference_data):
    body = client.get(URL).content.decode()

    assert "Der er endnu ingen tal for denne indikator" in body
    assert re.search(r"næste hentning er \w+", body)  # the date of the next pull, not an empty slot


def test_hidden_values_are_not_ranked_and_the_rule_is_explained(client, reference_data):
    share = Indicator.objects.get(code="mm17-andel-opkvalificering")
    areas = list(Area.objects.filter(kind__in=["municipality", "country"]))
    build_observations(
        share,
        areas,
        monthly_periods(2024, 2024),
        lambda a, i: None if a.slug == "laesoe" else share_value(a, i),
    )

    body = client.get(URL, {"kommune": "laesoe"}).content.decode()

    assert "Læsø" not in sum(bar_roles(body).values(), [])
    assert "1 område vises ikke og indgår ikke i tredjedelene" in body


def test_unknown_indicator_is_a_404_in_the_site_style(client, reference_data):
    response = client.get("/sammenlign/findes-ikke/")

    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"kommune": "atlantis"},
        {"gruppe": "<script>"},
        {"gruppe": "liste", "kommuner": ",,,x,,y"},
        {"periode": "2099M13"},
        {"periode": "'; DROP TABLE"},
        {"kommune": "randers", "gruppe": "region", "periode": ""},
        {"kommuner": "a" * 5000},
    ],
)
def test_bad_parameters_fall_back_and_never_give_a_500(client, share_data, params):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_ignored_parameters_are_named(client, share_data):
    body = client.get(URL, {"gruppe": "naboer", "periode": "1999M01"}).content.decode()

    assert "Sammenligningsgruppen “naboer” findes ikke" in body
    assert "Perioden “1999M01” findes ikke" in body


@pytest.mark.parametrize("size", ["small", "large"])
def test_comparison_page_query_count_does_not_grow_with_the_data(
    client, reference_data, django_assert_num_queries, size
):
    share = Indicator.objects.get(code="mm17-andel-opkvalificering")
    areas = list(Area.objects.filter(kind__in=["municipality", "country"]))
    if size == "small":
        areas = [a for a in areas if a.slug in {"randers", "aarhus"} or a.kind == "country"]
    build_observations(share, areas, monthly_periods(2023 if size == "small" else 2020, 2024), share_value)

    # indicator, areas, periods, RAR memberships, observations, when they were fetched, the data-origin banner,
    # and the next daily pull from the database schedule.
    with django_assert_num_queries(8):
        client.get(URL, {"kommune": "randers", "gruppe": "rar"})


def test_rar_level_indicator_compares_rar_areas_and_highlights_the_municipalitys(client, reference_data):
    indicator = Indicator.objects.get(code="forgaeves-rekrutteringer-andel")
    rars = list(Area.objects.filter(kind__in=["rar", "country"]))
    periods = [("2023H1", date(2023, 1, 1)), ("2023H2", date(2023, 7, 1))]
    build_observations(
        indicator, rars, periods, lambda a, i: Decimal(20 + len(a.name) + i), provisional_last=0
    )

    body = client.get("/sammenlign/forgaeves-rekrutteringer-andel/", {"kommune": "randers"}).content.decode()

    roles = bar_roles(body)
    assert roles["Østjylland"] == ["Østjylland"]
    assert sum(len(x) for x in roles.values()) == Area.objects.filter(kind="rar").count()
    assert "Alle RAR-områder, 2. halvår 2023" in body
    assert "ikke for den enkelte kommune" in body


def _rar_level_observations():
    indicator = Indicator.objects.get(code="forgaeves-rekrutteringer-andel")
    rars = list(Area.objects.filter(kind__in=["rar", "country"]))
    periods = [("2023H1", date(2023, 1, 1)), ("2023H2", date(2023, 7, 1))]
    build_observations(
        indicator, rars, periods, lambda a, i: Decimal(20 + len(a.name) + i), provisional_last=0
    )


def test_rar_level_page_says_the_third_is_the_rar_areas_not_the_municipalitys(client, reference_data):
    _rar_level_observations()

    body = client.get("/sammenlign/forgaeves-rekrutteringer-andel/", {"kommune": "randers"}).content.decode()

    assert "RAR-området for Randers, Østjylland, ligger i" in body
    assert "Randers ligger i" not in body


def test_rar_level_page_says_comparison_groups_are_not_used(client, reference_data):
    _rar_level_observations()

    body = client.get(
        "/en/sammenlign/forgaeves-rekrutteringer-andel/",
        {"kommune": "randers", "gruppe": "liste", "kommuner": "aarhus"},
    ).content.decode()

    assert "Comparison groups are not used here" in body


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"kommune": "randers", "gruppe": "liste"}, "Egen liste er tom"),
        ({"kommune": "randers", "gruppe": "rar", "kommuner": "odense"}, "Listen over kommuner bruges kun"),
        ({"gruppe": "region"}, "Vælg en kommune for at se dens sammenligningsgruppe fremhævet"),
    ],
)
def test_a_group_that_cannot_be_shown_says_why(client, share_data, params, notice):
    body = client.get(URL, params).content.decode()

    assert notice in body.split('class="notices"', 1)[1].split("</div>", 1)[0]


def test_english_comparison_names_the_country_in_english(client, share_data):
    body = client.get("/en" + URL, {"kommune": "randers"}).content.decode()

    names = {t["name"] for t in figure(body, "chart-development")["data"]}
    assert "The whole country" in names and "Hele landet" not in names
    assert "Hele landet" not in body.split("<main", 1)[1]


def test_thirds_are_named_by_value_and_the_better_direction_is_said_beside_them(client, reference_data):
    # Failed recruitments: lower is better, so the highest third must not read as the best one.
    _rar_level_observations()

    body = client.get(
        "/en/sammenlign/forgaeves-rekrutteringer-andel/", {"kommune": "randers"}
    ).content.decode()

    assert re.search(
        r"is in the (best third \(lowest values\)|middle third|worst third \(highest values\))\.", body
    )
    assert body.count("Lower is better.") == 1
    assert "top third" not in body.lower() and "highest third" not in body.lower()


def test_rar_level_page_offers_no_groups_and_its_own_permalink_raises_no_notice(client, reference_data):
    _rar_level_observations()
    url = "/sammenlign/forgaeves-rekrutteringer-andel/"
    permalink = re.search(
        r'href="\?([^"]+)" id="permalink"', client.get(url, {"kommune": "randers"}).content.decode()
    ).group(1)

    body = client.get(f"{url}?{permalink.replace('&amp;', '&')}").content.decode()

    assert 'name="gruppe"' not in body and 'name="kommuner"' not in body
    assert 'class="notices"' not in body


def test_development_chart_explains_its_dashed_provisional_months(client, share_data):
    body = client.get(URL, {"kommune": "randers"}).content.decode()

    development = body.split('id="development-heading"', 1)[1]
    assert "De nyeste måneder er foreløbige og tegnet stiplet" in development


def test_an_ignored_value_is_shown_back_in_quotes_with_control_characters_as_question_marks(
    client, share_data
):
    body = client.get(URL, {"kommune": "rand\x01ers\x1b"}).content.decode()

    assert "Kommunen “rand?ers?” findes ikke og er ignoreret." in body


def test_thirds_are_decided_on_the_values_as_printed():
    # Holstebro 1,54 % and Stevns 1,45 % are both shown as 1,5 %: they must not land in different thirds.
    values = dict(enumerate(["3.0", "2.0", "1.54", "1.45", "1.2", "1.1", "1.0", "0.9", "0.8"]))
    result = thirds({key: Decimal(v) for key, v in values.items()}, "percent")

    assert result[2] == result[3] == 0
    assert result[4] == 1 and result[8] == 2


@pytest.mark.parametrize(
    ("direction", "highest", "lowest"),
    [
        ("up", "Bedste tredjedel (højeste værdier)", "Dårligste tredjedel (laveste værdier)"),
        ("down", "Dårligste tredjedel (højeste værdier)", "Bedste tredjedel (laveste værdier)"),
        ("neutral", "Højeste tredjedel", "Laveste tredjedel"),
    ],
)
def test_thirds_are_named_by_merit_with_the_value_order_beside(direction, highest, lowest):
    assert third_name(0, direction) == highest
    assert third_name(1, direction) == "Midterste tredjedel"
    assert third_name(2, direction) == lowest


def test_rar_level_page_names_the_rar_areas_and_ranks_lower_values_best(client, reference_data):
    _rar_level_observations()

    body = client.get("/sammenlign/forgaeves-rekrutteringer-andel/", {"kommune": "randers"}).content.decode()

    assert "RAR-områderne deles i tre lige store grupper" in body and "Kommunerne deles" not in body
    assert "<h1>Sammenlign RAR-områderne:" in body
    description = body.split('id="chart-comparison-description">', 1)[1].split("</p>", 1)[0]
    assert description.startswith(f"{Area.objects.filter(kind='rar').count()} RAR-områder med tal i")
    thirds_list = body.split('<ul class="thirds">', 1)[1].split("</ul>", 1)[0]
    assert thirds_list.index("Bedste tredjedel (laveste værdier)") < thirds_list.index("Dårligste tredjedel")


def test_equal_printed_values_share_a_third_on_the_page(client, reference_data):
    indicator = Indicator.objects.get(code="forgaeves-rekrutteringer-andel")
    rars = sorted(Area.objects.filter(kind="rar"), key=lambda a: a.name)
    raw = ["30.0", "25.0", "15.54", "15.45", "12.0", "11.0", "10.0", "9.0"][: len(rars)]
    value_of = {area.id: Decimal(v) for area, v in zip(rars, raw, strict=False)}
    periods = [("2023H2", date(2023, 7, 1))]
    build_observations(indicator, rars, periods, lambda a, i: value_of[a.id], provisional_last=0)

    response = client.get("/sammenlign/forgaeves-rekrutteringer-andel/fordeling.csv")

    rows = {row[0]: row for row in read_csv(response.content)[1:]}
    assert rows[rars[2].name][3] == rows[rars[3].name][3] == "Dårligste tredjedel (højeste værdier)"


def test_the_period_may_be_written_in_words_in_the_address(client, share_data):
    body = client.get(URL, {"kommune": "randers", "periode": "juni 2024"}).content.decode()

    assert "Alle kommuner, juni 2024" in body
    assert 'class="notices"' not in body
    assert "periode=2024M06" in body  # the permalink keeps the code


def test_better_direction_is_said_once(client, share_data):
    body = client.get(URL, {"kommune": "randers"}).content.decode()

    assert body.count("Højere er bedre.") == 1


def test_both_comparison_charts_and_their_downloads_carry_the_data_date(client, share_data):
    params = {"kommune": "randers", "periode": "2024M06"}
    body = client.get(URL, params).content.decode()

    bar = figure(body, "chart-comparison")["layout"]["annotations"][0]["text"]
    development = figure(body, "chart-development")["layout"]["annotations"][0]["text"]
    assert "tal til og med juni 2024, hentet 10. januar 2025" in bar
    assert "tal til og med juni 2024, hentet 10. januar 2025" in development
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(URL + "fordeling.xlsx", params).content))
    assert bar in [cell.value for cell in workbook["Om"]["A"]]


def test_comparison_page_says_how_fresh_its_numbers_are(client, share_data):
    body = client.get(URL, {"kommune": "randers"}).content.decode()

    freshness = body.split('<p class="freshness">', 1)[1].split("</p>", 1)[0]
    assert "Måltavlens kopi er fra 10. januar 2025" in freshness


def test_own_list_is_checkboxes_in_a_fieldset_and_each_ticked_one_is_sent(client, share_data):
    body = client.get(URL, {"kommune": "randers", "gruppe": "liste", "kommuner": "odense"}).content.decode()

    own_list = body.split('<fieldset class="field own-list"', 1)[1].split("</fieldset>", 1)[0]
    assert "<legend>" in own_list
    assert own_list.count('type="checkbox" name="kommuner"') == 98
    assert '<input type="checkbox" name="kommuner" value="odense" checked>' in own_list
    assert "multiple" not in body.split('id="comparison-form"', 1)[1].split("</form>", 1)[0]
    # What the form sends when two boxes are ticked: the parameter twice.
    ticked = client.get(
        URL + "?kommune=randers&gruppe=liste&kommuner=odense&kommuner=aalborg"
    ).content.decode()
    assert sorted(bar_roles(ticked)["Egen liste"]) == ["Aalborg", "Odense"]
