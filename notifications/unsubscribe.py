"""Unsubscribe links that work without logging in: a signed token names the user and the subscription."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from notifications.models import Subscription

SALT = "notifications.unsubscribe"
ALL = "all"


class InvalidToken(Exception):
    """The link was altered, or signed with another SECRET_KEY."""


def make_token(*, user_id: int, subscription: Subscription | None = None) -> str:
    """A token for one subscription, or for every subscription of the user (subscription None)."""
    return signing.dumps({"u": user_id, "s": subscription.pk if subscription else ALL}, salt=SALT)


def subscriptions_of(token: str):
    """The subscriptions a token may end; InvalidToken when it was tampered with."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise InvalidToken from None
    found = Subscription.objects.filter(user_id=payload.get("u")).select_related("municipality")
    return found if payload.get("s") == ALL else found.filter(pk=payload.get("s"))


def absolute(path: str) -> str:
    """A link for a mail: the site's own address (SITE_URL; the development server's without it)."""
    return (settings.SITE_URL or settings.NOTIFICATION_FALLBACK_SITE_URL) + path


def unsubscribe_url(token: str) -> str:
    """The absolute address of the page a token ends subscriptions on."""
    return absolute(reverse("unsubscribe_link", kwargs={"token": token}))
