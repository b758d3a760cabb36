"""The Atom feed of a municipality's events: the same rows and words as the mails."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from municipalities.models import Area
from notifications.models import NotificationEvent
from notifications.wording import event_text

FEED_LENGTH = 50


class MunicipalityFeed(Feed):
    """New figures and target status changes for one municipality, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> Area:
        return get_object_or_404(Area, kind=Area.Kind.MUNICIPALITY, slug=slug)

    def title(self, obj: Area) -> str:
        return _("Måltavlen: nyt om %(name)s") % {"name": obj.name}

    def subtitle(self, obj: Area) -> str:
        return _("Nye tal fra Jobindsats og måltal, der skifter status, for %(name)s Kommune.") % {
            "name": obj.name
        }

    def link(self, obj: Area) -> str:
        return obj.get_absolute_url()

    def feed_url(self, obj: Area) -> str:
        return reverse("municipality_feed", kwargs={"slug": obj.slug})

    def items(self, obj: Area):
        return (
            NotificationEvent.objects.filter(municipality=obj)
            .select_related("municipality", "indicator")
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item: NotificationEvent) -> str:
        return event_text(item).title

    def item_description(self, item: NotificationEvent) -> str:
        return event_text(item).text

    def item_link(self, item: NotificationEvent) -> str:
        return event_text(item).path

    def item_guid(self, item: NotificationEvent) -> str:
        return f"tag:maaltavlen,event:{item.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: NotificationEvent):
        return item.created_at

    def item_updateddate(self, item: NotificationEvent):
        return item.created_at
