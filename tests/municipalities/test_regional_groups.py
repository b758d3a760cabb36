"""Which regional group (RAR area) a municipality is in, in a year: one function answers it."""

import pytest

from municipalities.models import Area, RarMembership
from municipalities.reference_data import load_reference_areas

pytestmark = pytest.mark.django_db


@pytest.fixture
def randers_redrawn():
    """Randers in RAR Østjylland 2015–2024, then in the regional council Midtjylland from 2025 (the 2025 reform)."""
    load_reference_areas()
    return Area.objects.get(slug="randers")


@pytest.mark.parametrize(
    ("year", "group"),
    [(2016, "Østjylland"), (2024, "Østjylland"), (2025, "Midtjylland"), (2031, "Midtjylland")],
)
def test_the_group_in_force_in_the_year_is_the_answer(randers_redrawn, year, group):
    assert RarMembership.objects.regional_group_of(randers_redrawn, year=year).name == group


def test_a_year_before_any_membership_gets_the_first_group(randers_redrawn):
    assert RarMembership.objects.regional_group_of(randers_redrawn, year=2010).name == "Østjylland"


def test_a_year_no_membership_covers_gets_the_newest_begun_by_then():
    load_reference_areas()
    randers = Area.objects.get(slug="randers")
    RarMembership.objects.filter(municipality=randers, rar__kind=Area.Kind.RAR).update(valid_to=2020)
    RarMembership.objects.create(
        rar=Area.objects.get(kind=Area.Kind.RAR, name="Nordjylland"),
        municipality=randers,
        valid_from=2021,
        valid_to=2022,
    )

    assert RarMembership.objects.regional_group_of(randers, year=2024).name == "Nordjylland"


def test_every_municipality_has_one_group_and_the_groups_are_the_eight_rar_areas():
    load_reference_areas()

    groups = RarMembership.objects.regional_groups(year=2023)

    assert len(groups) == 98
    assert {group.group_name for group in groups.values()} == {
        f"RAR {name}" for name in Area.objects.filter(kind=Area.Kind.RAR).values_list("name", flat=True)
    }


def test_a_table_published_per_rar_area_keeps_to_rar_areas_after_2024(randers_redrawn):
    assert RarMembership.objects.regional_group_of(randers_redrawn, year=2025).kind == Area.Kind.COUNCIL
    groups = RarMembership.objects.regional_groups(year=2025, kind=Area.Kind.RAR)
    assert groups[randers_redrawn.id].group_name == "RAR Østjylland"


def test_a_municipality_without_membership_has_no_group():
    load_reference_areas()
    randers = Area.objects.get(slug="randers")
    RarMembership.objects.filter(municipality=randers).delete()

    assert RarMembership.objects.regional_group_of(randers, year=2023) is None
