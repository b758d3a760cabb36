"""A municipality's status frozen for a committee meeting, and the meeting pack (PDF) made from it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goals.models import GoalSet
from municipalities.models import Area

LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]


class SnapshotIsFrozen(Exception):
    """A snapshot is what a meeting saw: it is never changed (the database refuses too)."""


class SnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        raise SnapshotIsFrozen(_("Et øjebliksbillede ændres aldrig."))

    def visible(self, *, drafts: bool) -> SnapshotQuerySet:
        """The snapshots a visitor may see: all with READ_DRAFTS in the municipality (drafts=True), else the public."""
        return self if drafts else self.filter(is_public=True)


class Snapshot(models.Model):
    """What the status page showed at one moment, kept for a meeting ("as shown at the meeting"), never changed."""

    municipality = models.ForeignKey(
        Area, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="snapshots"
    )
    goal_set = models.ForeignKey(
        GoalSet, verbose_name=_("år"), on_delete=models.PROTECT, related_name="snapshots"
    )
    meeting_name = models.CharField(_("møde"), max_length=200, help_text=_("Fx Beskæftigelsesudvalget."))
    meeting_date = models.DateField(_("mødedato"))
    # PROTECT: a snapshot row is never updated (SET_NULL would be an update); deactivate the user instead.
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lavet af"),
        on_delete=models.PROTECT,
        related_name="snapshots",
    )
    made_at = models.DateTimeField(_("lavet"), default=timezone.now)
    is_public = models.BooleanField(
        _("offentlig"), help_text=_("Planen var vedtaget, da øjebliksbilledet blev lavet.")
    )
    content = models.JSONField(_("indhold"), help_text=_("Statussiden, som den så ud, på dansk og engelsk."))

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("øjebliksbillede")
        verbose_name_plural = _("øjebliksbilleder")
        ordering = ["-meeting_date", "-made_at"]
        indexes = [
            # The municipality's list of snapshots, newest meeting first.
            models.Index(fields=["municipality", "-meeting_date"], name="meetings_snapshot_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_name} {self.meeting_date:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise SnapshotIsFrozen(_("Et øjebliksbillede ændres aldrig."))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("snapshot", kwargs={"slug": self.municipality.slug, "pk": self.pk})


class MeetingPack(models.Model):
    """A snapshot's PDF in one language: made once by a task, then served as stored."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Venter")
        MAKING = "making", _("Laves")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlede")

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="packs")
    language = models.CharField(_("sprog"), max_length=8, choices=LANGUAGES)
    state = models.CharField(_("tilstand"), max_length=16, choices=State.choices, default=State.WAITING)
    # In the database rather than MEDIA_ROOT: web and worker need no shared volume, and backups hold the packs.
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    error = models.TextField(_("fejl"), blank=True)
    requested_at = models.DateTimeField(_("bestilt"), default=timezone.now)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)

    class Meta:
        verbose_name = _("mødepakke")
        verbose_name_plural = _("mødepakker")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "language"], name="meetings_meetingpack_one_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} ({self.language})"
