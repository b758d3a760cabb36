"""Subscriptions to a municipality, the events a pull brought, and the log of what was mailed to whom."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from goals.models import Target
from goals.progress import Status
from indicators.models import Indicator, IngestionRun
from municipalities.models import Area


class Subscription(models.Model):
    """A user wants a digest of a municipality's events; without a municipality: an admin's pull alerts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    municipality = models.ForeignKey(
        Area,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        limit_choices_to={"kind": "municipality"},
    )
    language = models.CharField(_("sprog"), max_length=8, default="da")
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnementer")
        ordering = ["user", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(municipality__isnull=False),
                name="notifications_subscription_one_per_municipality",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(municipality__isnull=True),
                name="notifications_subscription_one_for_pull_alerts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.municipality or _('hentninger')}"


class PullRound(models.Model):
    """The finished pulls one digest reports: those that ended since the previous round (see notifications/events.py)."""

    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("hentningsrunde")
        verbose_name_plural = _("hentningsrunder")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.pk} {self.created_at:%Y-%m-%d %H:%M}"


class NoticedRun(models.Model):
    """A finished pull whose events are recorded, in the round that recorded them: never recorded twice."""

    run = models.OneToOneField(IngestionRun, on_delete=models.CASCADE, related_name="noticed")
    round = models.ForeignKey(PullRound, on_delete=models.CASCADE, related_name="runs")

    class Meta:
        verbose_name = _("registreret hentning")
        verbose_name_plural = _("registrerede hentninger")

    def __str__(self) -> str:
        return f"{self.run_id} → {self.round_id}"


class NotificationEvent(models.Model):
    """Something a subscriber hears about: the mails and the Atom feed show the same rows."""

    class Kind(models.TextChoices):
        NEW_FIGURES = "new_figures", _("Nye tal")
        STATUS_CHANGED = "status_changed", _("Måltal skiftede status")
        PULL_FAILED = "pull_failed", _("Hentning fejlede")
        TOKEN_REFUSED = "token_refused", _("Token afvist")

    ADMIN_KINDS = (Kind.PULL_FAILED, Kind.TOKEN_REFUSED)

    # What makes an event the same event again (a round re-run, a redelivered task): "figures:run=12:area=730".
    key = models.CharField(_("nøgle"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    round = models.ForeignKey(PullRound, on_delete=models.CASCADE, related_name="events")
    municipality = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="notification_events"
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    run = models.ForeignKey(IngestionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What the words are made from, in any language: periods, statuses, the error as stored.
    details = models.JSONField(_("detaljer"), default=dict, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("hændelse")
        verbose_name_plural = _("hændelser")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Serves a municipality's Atom feed and a subscriber's unsent events (newest first).
            models.Index(fields=["municipality", "-created_at"], name="notif_event_area_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.municipality or ''} {self.created_at:%Y-%m-%d %H:%M}"


class TargetStatus(models.Model):
    """A target's status when the last pull was recorded: a change from it is an event."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="last_status")
    status = models.CharField(_("status"), max_length=32, choices=Status.choices)
    updated_at = models.DateTimeField(_("opdateret"), auto_now=True)

    class Meta:
        verbose_name = _("måltals seneste status")
        verbose_name_plural = _("måltals seneste status")

    def __str__(self) -> str:
        return f"{self.target_id}: {self.status}"


class SentNotice(models.Model):
    """An event mailed to a user: the unique pair makes a redelivered task send nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(NotificationEvent, on_delete=models.CASCADE, related_name="sent")
    sent_at = models.DateTimeField(_("sendt"), auto_now_add=True)

    class Meta:
        verbose_name = _("sendt meddelelse")
        verbose_name_plural = _("sendte meddelelser")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"], name="notifications_sentnotice_once_per_user_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.event_id}"
