"""The Celery application; tasks live in each app's tasks.py."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("maaltavlen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def catch_up_when_a_worker_starts(sender, **kwargs) -> None:
    """A worker back after a crash, a deploy or a broker outage first queues what the schedule missed meanwhile."""
    sender.app.send_task("indicators.tasks.catch_up")
