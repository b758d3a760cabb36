"""One mail per subscriber with the events they have not had: plain text and HTML, in their language."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from goals.roles import Action, may
from notifications.models import NotificationEvent, SentNotice, Subscription
from notifications.unsubscribe import absolute, make_token, unsubscribe_url
from notifications.wording import event_text

logger = logging.getLogger(__name__)
# A digest lists at most this many events (a subscriber of many municipalities after a full pull); the rest wait.
MAX_EVENTS_PER_MAIL = 200


@dataclass(frozen=True)
class Digest:
    """The events one user gets now, and their subscriptions (for the unsubscribe links)."""

    user: object
    subscriptions: list[Subscription]
    events: list[NotificationEvent]


def pending_digests() -> list[Digest]:
    """Per subscriber with an address: the events of their subscriptions since they subscribed, not yet mailed."""
    by_user: dict[int, list[Subscription]] = {}
    for sub in (
        Subscription.objects.select_related("user", "municipality")
        .filter(user__is_active=True)
        .exclude(user__email="")
    ):
        by_user.setdefault(sub.user_id, []).append(sub)
    digests = []
    for subscriptions in by_user.values():
        user = subscriptions[0].user
        wanted = Q(pk__in=[])
        for sub in subscriptions:
            if sub.municipality_id is not None:
                wanted |= Q(municipality_id=sub.municipality_id, created_at__gte=sub.created_at)
            elif may(user, Action.RECEIVE_PULL_ALERTS):
                wanted |= Q(kind__in=NotificationEvent.ADMIN_KINDS, created_at__gte=sub.created_at)
        events = list(
            NotificationEvent.objects.filter(wanted)
            .exclude(sent__user=user)
            .select_related("municipality", "indicator")
            .order_by("municipality__name", "kind", "pk")[:MAX_EVENTS_PER_MAIL]
        )
        if events:
            digests.append(Digest(user=user, subscriptions=subscriptions, events=events))
    return digests


def send_digests() -> int:
    """Send every pending digest; returns how many mails went out.

    The sent-log rows are written in the same transaction as the mail is sent: a redelivered or concurrent task
    meets the unique (user, event) pair and sends nothing again; a mail server that refuses leaves no log row, so
    the events go with the next digest.
    """
    sent = 0
    for digest in pending_digests():
        try:
            with transaction.atomic():
                SentNotice.objects.bulk_create([SentNotice(user=digest.user, event=e) for e in digest.events])
                build_mail(digest).send()
            sent += 1
        except IntegrityError:
            continue  # another delivery of the task mailed these events
        except (smtplib.SMTPException, OSError):
            logger.exception(
                "Meddelelsen til bruger %s kunne ikke sendes; den sendes med næste runde.", digest.user.pk
            )
    return sent


def build_mail(digest: Digest) -> EmailMultiAlternatives:
    """The digest as a mail in the subscriber's language, with unsubscribe links and a List-Unsubscribe header."""
    language = digest.subscriptions[-1].language or settings.LANGUAGE_CODE
    with translation.override(language):
        all_token = make_token(user_id=digest.user.pk)
        texts = [(event, event_text(event)) for event in digest.events]
        context = {
            "user": digest.user,
            "items": [(event, text, absolute(text.path)) for event, text in texts],
            "subscriptions": [
                (sub, unsubscribe_url(make_token(user_id=digest.user.pk, subscription=sub)))
                for sub in digest.subscriptions
            ],
            "unsubscribe_all_url": unsubscribe_url(all_token),
            "manage_url": absolute(reverse("subscriptions")),
            "site_url": absolute("/"),
            "LANGUAGE_CODE": language,
        }
        names = sorted({e.municipality.name for e in digest.events if e.municipality_id})
        subject = (
            _("Måltavlen: nyt om %(name)s") % {"name": names[0]}
            if len(names) == 1
            else _("Måltavlen: nyt fra %(count)s kommuner") % {"count": len(names)}
            if names
            else _("Måltavlen: hentningerne fra Jobindsats")
        )
        mail = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("notifications/digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[digest.user.email],
            headers={
                "List-Unsubscribe": f"<{context['unsubscribe_all_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058: mail clients POST the link
            },
        )
        mail.attach_alternative(render_to_string("notifications/digest.html", context), "text/html")
    return mail
