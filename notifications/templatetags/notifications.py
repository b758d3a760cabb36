"""Template tags the municipality's pages use: the feed's <link> in the head, and the subscribe button."""

from __future__ import annotations

from django import template

from municipalities.models import Area
from notifications.models import Subscription

register = template.Library()


@register.inclusion_tag("notifications/includes/feed_link.html")
def feed_link(area: Area) -> dict:
    """<link rel="alternate" type="application/atom+xml"> announcing the municipality's Atom feed."""
    return {"area": area}


@register.inclusion_tag("notifications/includes/subscribe.html", takes_context=True)
def subscribe_button(context, area: Area) -> dict:
    """Subscribe or unsubscribe for a signed-in user (never on a cached page); a login link for others."""
    user = context["request"].user
    subscribed = user.is_authenticated and Subscription.objects.filter(user=user, municipality=area).exists()
    return {"area": area, "user": user, "subscribed": subscribed, "csrf_token": context.get("csrf_token")}
