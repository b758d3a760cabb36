from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from municipalities.models import Area, RarMembership
from municipalities.reference_data import danish_slug, load_reference_areas

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple]:
    areas = list(
        Area.objects.order_by("kind", "code").values_list("kind", "code", "name", "slug", "region_id")
    )
    members = list(
        RarMembership.objects.order_by("id").values_list("rar_id", "municipality_id", "valid_from")
    )
    return areas + members


def test_load_reference_areas_creates_98_municipalities_5_regions_8_rar_and_the_country():
    load_reference_areas()

    assert Area.objects.filter(kind=Area.Kind.MUNICIPALITY).count() == 98
    assert Area.objects.filter(kind=Area.Kind.REGION).count() == 5
    assert Area.objects.filter(kind=Area.Kind.RAR).count() == 8
    assert Area.objects.country().name == "Hele landet"


def test_every_municipality_has_a_region_and_exactly_one_rar_area():
    load_reference_areas()

    for municipality in Area.objects.municipalities().prefetch_related("rar_memberships__rar"):
        assert municipality.region.kind == Area.Kind.REGION
        rar = [m for m in municipality.rar_memberships.all() if m.rar.kind == Area.Kind.RAR]
        assert len(rar) == 1 and (rar[0].valid_from, rar[0].valid_to) == (2015, 2024), municipality.name


def test_from_2025_every_municipality_but_bornholm_is_in_its_regions_council():
    load_reference_areas()

    groups = RarMembership.objects.regional_groups(year=2025)

    councils = Area.objects.filter(kind=Area.Kind.COUNCIL)
    assert sorted(c.group_name for c in councils) == [
        f"Regionalt beskæftigelsesråd {name}"
        for name in ["Hovedstaden", "Midtjylland", "Nordjylland", "Sjælland", "Syddanmark"]
    ]
    members = Counter(group.name for group in groups.values() if group.kind == Area.Kind.COUNCIL)
    # The law's lists: 11, 19, 22, 17 and 28 municipalities (Hovedstaden without Bornholm).
    assert members == {
        "Nordjylland": 11,
        "Midtjylland": 19,
        "Syddanmark": 22,
        "Sjælland": 17,
        "Hovedstaden": 28,
    }
    for municipality in Area.objects.municipalities().exclude(name="Bornholm"):
        assert f"Region {groups[municipality.id].name}" == municipality.region.name
    bornholm = Area.objects.get(kind=Area.Kind.MUNICIPALITY, name="Bornholm")
    assert groups[bornholm.id].group_name == "RAR Bornholm"


def test_randers_is_in_region_midtjylland_and_rar_oestjylland():
    load_reference_areas()

    randers = Area.objects.get(kind=Area.Kind.MUNICIPALITY, code="730")
    assert randers.name == "Randers"
    assert randers.region.name == "Region Midtjylland"
    assert RarMembership.objects.regional_group_of(randers, year=2024).name == "Østjylland"


def test_load_reference_areas_counts_areas_per_kind_and_memberships_apart():
    result = load_reference_areas()

    assert dict(result.created_by_kind) == {
        "country": 1,
        "region": 5,
        "municipality": 98,
        "rar": 8,
        "council": 5,
    }
    assert result.created == Area.objects.count() == 117
    assert result.memberships_created == RarMembership.objects.count() == 98 + 97
    assert result.summary() == (
        "areas 117 created (1 country, 5 regions, 98 municipalities, 8 RAR areas, 5 regional councils), 0 updated; "
        "regional group memberships 195 created"
    )


def test_reference_data_command_prints_the_true_number_of_areas():
    out = StringIO()

    call_command("load_reference_data", stdout=out)
    call_command("load_reference_data", stdout=out)

    first, second = out.getvalue().splitlines()
    assert first.startswith(
        "Reference data: areas 117 created (1 country, 5 regions, 98 municipalities, 8 RAR"
    )
    assert "210" not in first
    assert second.startswith(
        "Reference data: areas 0 created, 0 updated; regional group memberships 0 created;"
    )


def test_loading_reference_areas_twice_changes_nothing():
    first = load_reference_areas()
    before = _snapshot()

    second = load_reference_areas()

    assert first.created > 0
    assert (second.created, second.updated) == (0, 0)
    assert _snapshot() == before


def test_loading_again_repairs_an_edited_name_without_duplicating():
    load_reference_areas()
    Area.objects.filter(code="730", kind=Area.Kind.MUNICIPALITY).update(name="Randers (typo)")

    result = load_reference_areas()

    assert result.updated == 1
    assert Area.objects.filter(kind=Area.Kind.MUNICIPALITY).count() == 98
    assert Area.objects.get(code="730", kind=Area.Kind.MUNICIPALITY).name == "Randers"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("København", "koebenhavn"),
        ("Ærø", "aeroe"),
        ("Lyngby-Taarbæk", "lyngby-taarbaek"),
        ("Tårnby", "taarnby"),
    ],
)
def test_danish_slug_spells_danish_letters_out(name, slug):
    assert danish_slug(name) == slug
