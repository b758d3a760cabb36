"""The schedule, in the database where admins edit it (django-celery-beat); created once, never overwritten."""

from django.db import migrations
from django.utils import timezone

TIMEZONE = "Europe/Copenhagen"
DAILY = [
    # (name, task, hour, minute)
    ("Dagligt: hent Jobindsats' katalog", "indicators.tasks.sync_catalogue", "6", "0"),
    ("Dagligt: hent de indikatorer, der skal hentes", "indicators.tasks.ingest_due", "6", "30"),
]
CATCH_UP = ("Indhent det, der blev sprunget over", "indicators.tasks.catch_up", 5)


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, hour, minute in DAILY:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone=TIMEZONE
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})
    name, task, minutes = CATCH_UP
    interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})
    # Tell a running beat to reload its schedule.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[entry[0] for entry in DAILY] + [CATCH_UP[0]]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0005_ops_ingestionrun_heartbeat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
