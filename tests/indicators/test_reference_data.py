"""The seeded ministerial indicators: bases for the small-number rule, on new installs and on existing ones."""

import importlib

import pytest
from django.apps import apps

from indicators.models import Indicator
from indicators.reference_data import load_ministerial_indicators

MIGRATION = importlib.import_module("indicators.migrations.0003_data_rules_mm17_share_base")


def _base_of(code: str) -> str | None:
    base = Indicator.objects.get(code=code).base_indicator
    return base.code if base else None


@pytest.mark.parametrize(
    ("share", "count"),
    [
        ("mm13-andel-beskaeftigede", "mm13-antal-befolkning"),
        ("mm17-andel-opkvalificering", "mm17-antal-opkvalificering"),
    ],
)
def test_every_seeded_share_of_persons_has_its_count_as_base(db, share, count):
    load_ministerial_indicators()

    assert _base_of(share) == count


def test_an_install_seeded_before_mm17_had_a_base_gets_it_from_the_migration(db):
    load_ministerial_indicators()
    Indicator.objects.filter(code="mm17-andel-opkvalificering").update(base_indicator=None)

    MIGRATION.set_mm17_base(apps, None)

    assert _base_of("mm17-andel-opkvalificering") == "mm17-antal-opkvalificering"


def test_the_migration_and_the_loader_keep_a_base_an_admin_chose(db):
    load_ministerial_indicators()
    chosen = Indicator.objects.get(code="mm13-antal-befolkning")
    Indicator.objects.filter(code="mm17-andel-opkvalificering").update(base_indicator=chosen)

    MIGRATION.set_mm17_base(apps, None)
    load_ministerial_indicators()

    assert _base_of("mm17-andel-opkvalificering") == "mm13-antal-befolkning"


def test_the_migration_does_nothing_before_the_indicators_are_seeded(db):
    MIGRATION.set_mm17_base(apps, None)

    assert not Indicator.objects.exists()
