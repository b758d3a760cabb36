"""`make run`'s notifications: Randers' jobcenter chief follows Randers, and the demo pull's digest is mailed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from config.demo_mode import require_demo_mode
from goals.demo import DEMO_PLAN_KEEPERS
from municipalities.models import Area
from notifications import digest, events
from notifications.models import NotificationEvent, Subscription


@dataclass(frozen=True)
class DemoNotifications:
    subscriber: str
    mails_sent: int
    mail_location: str


def mail_location() -> str:
    """Where this process's mails go, in words: the folder of the file backend, else the backend's name."""
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend == "filebased":
        return str(Path(settings.EMAIL_FILE_PATH).resolve())
    if backend == "smtp":
        return f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return backend


def load_demo_notifications() -> DemoNotifications:
    """Subscribe Randers' demo jobcenter chief to Randers and send what the demo pull brought; idempotent."""
    require_demo_mode("Demoabonnementer")
    user = get_user_model().objects.get(username=DEMO_PLAN_KEEPERS[0].username)
    randers = Area.objects.get(slug="randers")
    subscription, created = Subscription.objects.get_or_create(user=user, municipality=randers)
    if created:
        # Subscribed before the demo's pull, so the first digest reports it.
        first = NotificationEvent.objects.filter(municipality=randers).order_by("created_at").first()
        if first is not None:
            Subscription.objects.filter(pk=subscription.pk).update(created_at=first.created_at)
    events.record_round()
    return DemoNotifications(
        subscriber=f"{user.username} <{user.email}>",
        mails_sent=digest.send_digests(),
        mail_location=mail_location(),
    )
