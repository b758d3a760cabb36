"""One target per indicator under a plan's goal, enforced by the database.

A database that already holds such duplicates (made by a tampered plan form) is refused with a list of them,
rather than merged: which of two targets is the right one is the plan keeper's call, and deleting one here
would lose it without a history record. Delete the extra target (Admin → Måltal, or "Slet" in the plan
editor) and migrate again.
"""

from django.db import migrations, models
from django.db.models import Count


def refuse_duplicate_targets(apps, schema_editor):
    Target = apps.get_model("goals", "Target")
    duplicates = (
        Target.objects.filter(indicator__isnull=False)
        .values(
            "plan_goal__plan__municipality__name",
            "plan_goal__plan__goal_set__year",
            "plan_goal__goal__number",
            "indicator__code",
        )
        .annotate(count=Count("id"))
        .filter(count__gt=1)
        .order_by("plan_goal__plan__municipality__name", "plan_goal__plan__goal_set__year")
    )
    if duplicates:
        lines = [
            f"  {row['plan_goal__plan__municipality__name']} {row['plan_goal__plan__goal_set__year']}, "
            f"mål {row['plan_goal__goal__number']}, {row['indicator__code']}: {row['count']} måltal"
            for row in duplicates
        ]
        raise RuntimeError(
            "Disse planer har flere måltal for samme indikator under samme mål:\n"
            + "\n".join(lines)
            + "\nSlet de overskydende måltal (Admin → Måltal, eller “Slet” i planeditoren) og kør migrate igen."
        )


class Migration(migrations.Migration):

    dependencies = [
        ("goals", "0002_chief_assignment"),
        ("indicators", "0002_observation_indicator_index_from_unique_key"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicate_targets, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.UniqueConstraint(
                fields=("plan_goal", "indicator"), name="goals_target_one_per_goal_indicator"
            ),
        ),
    ]
