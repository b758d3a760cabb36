from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Abonnementer og meddelelser")

    def ready(self) -> None:
        # A finished pull queues the digest once its transaction commits (the receiver lives there).
        from notifications import triggers  # noqa: F401
