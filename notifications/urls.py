"""Subscriptions, unsubscribe links and the municipalities' Atom feeds (included under the language prefix)."""

from django.urls import path
from django.views.decorators.http import require_safe

from notifications import views
from notifications.feeds import MunicipalityFeed

urlpatterns = [
    path("kommune/<slug:slug>/atom/", require_safe(MunicipalityFeed()), name="municipality_feed"),
    path("kommune/<slug:slug>/abonner/", views.subscribe, name="subscribe"),
    path("kommune/<slug:slug>/afmeld/", views.unsubscribe, name="unsubscribe"),
    path("abonnementer/", views.subscriptions, name="subscriptions"),
    path("abonnementer/hentninger/", views.pull_alerts, name="pull_alerts"),
    path("abonnementer/afmeld/<str:token>/", views.unsubscribe_link, name="unsubscribe_link"),
]
