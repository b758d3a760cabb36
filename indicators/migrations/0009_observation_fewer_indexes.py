"""Fewer indexes for a first pull to maintain on indicators_observation; every read path keeps one.

- The unique key becomes (indicator, area, breakdown, period) and also serves chart series: within an indicator,
  period codes sort as their start dates (one period type per indicator), so obs_series_idx goes.
- obs_cross_section_idx becomes (indicator, period) over totals only, the rows comparison pages read.
- Django's index on the area foreign key goes (reference data; see Observation.area).
Reversible: migrating back rebuilds the former indexes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0008_observation_local_value_partial_index'),
        ('municipalities', '0002_regional_councils'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='observation',
            name='indicators_observation_one_per_period',
        ),
        migrations.RemoveIndex(
            model_name='observation',
            name='obs_series_idx',
        ),
        migrations.RemoveIndex(
            model_name='observation',
            name='obs_cross_section_idx',
        ),
        migrations.AlterField(
            model_name='observation',
            name='area',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='municipalities.area'),
        ),
        migrations.AddIndex(
            model_name='observation',
            index=models.Index(condition=models.Q(('breakdown', '')), fields=['indicator', 'period'], name='obs_cross_section_idx'),
        ),
        migrations.AddConstraint(
            model_name='observation',
            constraint=models.UniqueConstraint(fields=('indicator', 'area', 'breakdown', 'period'), name='indicators_observation_one_per_period'),
        ),
    ]
