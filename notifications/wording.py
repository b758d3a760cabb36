"""How an event reads to people, in the active language: the mails and the Atom feed use the same words."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from goals.formatting import format_period
from goals.progress import Status
from notifications.models import NotificationEvent

Kind = NotificationEvent.Kind


@dataclass(frozen=True)
class EventText:
    """An event's title, one sentence of detail, and the page (a path) where it is seen."""

    title: str
    text: str
    path: str


def event_text(event: NotificationEvent) -> EventText:
    """The words for one event (its municipality and indicator read with it)."""
    if event.kind == Kind.NEW_FIGURES:
        return _new_figures(event)
    if event.kind == Kind.STATUS_CHANGED:
        return _status_changed(event)
    if event.kind == Kind.TOKEN_REFUSED:
        return EventText(
            _("Jobindsats afviste tokenet"),
            _(
                "%(pulls)s hentninger blev afvist, fordi tokenet ikke virker længere. Bestil et nyt token på "
                "Jobindsats.dk og sæt det i JOBINDSATS_API_TOKEN. Svaret: %(error)s"
            )
            % {"pulls": event.details.get("pulls", 1), "error": event.details.get("error", "")},
            reverse("admin:indicators_ingestionrun_changelist"),
        )
    name = event.indicator.name if event.indicator else _("kataloget")
    return EventText(
        _("Hentningen af %(name)s fejlede") % {"name": name},
        event.details.get("error", ""),
        reverse("admin:indicators_ingestionrun_changelist"),
    )


def _municipality_path(event: NotificationEvent, anchor: str = "") -> str:
    return reverse("municipality", kwargs={"slug": event.municipality.slug}) + anchor


def _new_figures(event: NotificationEvent) -> EventText:
    period = event.details.get("newest_period")
    text = (
        _("Jobindsats har nye tal for %(name)s; de nyeste er for %(period)s.")
        % {"name": event.indicator.name, "period": format_period(period)}
        if period
        else _("Jobindsats har nye tal for %(name)s.") % {"name": event.indicator.name}
    )
    return EventText(_("Nye tal: %(name)s") % {"name": event.indicator.name}, text, _municipality_path(event))


def _status_changed(event: NotificationEvent) -> EventText:
    now_on_track = event.details.get("to") == Status.ON_TRACK
    title = (
        _("På rette spor igen: %(name)s") if now_on_track else _("Ikke længere på rette spor: %(name)s")
    ) % {"name": event.indicator.name}
    text = _("Måltallet for %(name)s i planen for %(year)s skiftede fra “%(old)s” til “%(new)s”.") % {
        "name": event.indicator.name,
        "year": event.details.get("year", ""),
        "old": Status(event.details["from"]).label,
        "new": Status(event.details["to"]).label,
    }
    return EventText(title, text, _municipality_path(event, f"?aar={event.details.get('year', '')}"))
