"""Give MM17's share its count as base on installs seeded before the count was its base (the loader does it for
new installs), so a share built on 0 or few persons is hidden by the small-number rule. An admin's own choice of
base is kept."""

from django.db import migrations

SHARE, COUNT = "mm17-andel-opkvalificering", "mm17-antal-opkvalificering"


def set_mm17_base(apps, schema_editor) -> None:
    Indicator = apps.get_model("indicators", "Indicator")
    count = Indicator.objects.filter(code=COUNT).first()
    if count is not None:
        Indicator.objects.filter(code=SHARE, base_indicator__isnull=True).update(base_indicator=count)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_observation_indicator_index_from_unique_key"),
    ]

    operations = [migrations.RunPython(set_mm17_base, migrations.RunPython.noop)]
