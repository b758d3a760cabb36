"""The status page and the comparison page ask the same function for a municipality's RAR area, so they agree."""

from django.http import QueryDict

from goals.comparison import comparison_page
from goals.models import GoalSet
from goals.status import status_page
from municipalities.models import Area, RarMembership


def _move_randers_to_nordjylland_2021_2022(randers: Area) -> None:
    """Randers in Østjylland 2015–2020, in Nordjylland 2021–2022, and in no group after (none covers 2024)."""
    RarMembership.objects.filter(municipality=randers, rar__kind=Area.Kind.RAR).update(valid_to=2020)
    RarMembership.objects.create(
        rar=Area.objects.get(kind=Area.Kind.RAR, name="Nordjylland"),
        municipality=randers,
        valid_from=2021,
        valid_to=2022,
    )


def test_status_and_comparison_pages_put_randers_in_the_same_rar_area(share_data):
    randers = Area.objects.get(slug="randers")
    _move_randers_to_nordjylland_2021_2022(randers)

    status = status_page(municipality=randers, goal_set=GoalSet.objects.get(year=2024))
    comparison = comparison_page(indicator=share_data, params=QueryDict("kommune=randers&periode=2024M06"))

    assert status.rar.name == comparison.group_label.removeprefix("RAR ") == "Nordjylland"
    assert "Aalborg" in {a.name for a in comparison.group_members}


def test_the_status_pages_rar_median_is_of_the_municipalities_in_that_rar_area_that_year(client, share_data):
    randers = Area.objects.get(slug="randers")
    _move_randers_to_nordjylland_2021_2022(randers)

    csv = client.get("/kommune/randers/mm17-andel-opkvalificering.csv", {"aar": "2022"}).content.decode()

    assert "Median for kommunerne i RAR Nordjylland" in csv.splitlines()[0]
