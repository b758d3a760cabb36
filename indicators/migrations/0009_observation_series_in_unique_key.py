"""The unique key (indicator, area, breakdown, period) also serves chart series; obs_series_idx goes.

Within an indicator, period codes sort as their start dates (one period type per indicator), so ordering a series
by period is ordering it by time; a first pull then maintains one text-keyed index fewer. Reversible.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0008_observation_local_value_partial_index"),
        ("municipalities", "0002_regional_councils"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="observation",
            name="indicators_observation_one_per_period",
        ),
        migrations.RemoveIndex(
            model_name="observation",
            name="obs_series_idx",
        ),
        migrations.AddConstraint(
            model_name="observation",
            constraint=models.UniqueConstraint(
                fields=("indicator", "area", "breakdown", "period"),
                name="indicators_observation_one_per_period",
            ),
        ),
    ]
