"""Subscriptions: subscribe to a municipality, the user's list, and unsubscribing by a mailed link. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from goals.login import log_in_here
from goals.roles import Action, may
from municipalities.models import Area
from notifications.models import Subscription
from notifications.unsubscribe import InvalidToken, subscriptions_of


def subscriptions(request: HttpRequest) -> HttpResponse:
    """The user's subscriptions, each with a button that ends it; anonymous visitors log in here first."""
    if not request.user.is_authenticated:
        return _log_in(request)
    context = {
        "subscriptions": Subscription.objects.filter(user=request.user, municipality__isnull=False)
        .select_related("municipality")
        .order_by("municipality__name"),
        "may_get_alerts": may(request.user, Action.RECEIVE_PULL_ALERTS),
        "gets_alerts": Subscription.objects.filter(user=request.user, municipality__isnull=True).exists(),
        "has_email": bool(request.user.email),
    }
    return render(request, "notifications/subscriptions.html", context)


def _log_in(request: HttpRequest) -> HttpResponse:
    return log_in_here(request, template="notifications/login.html", context={}, then="subscriptions")


def _refuse_anonymous(request: HttpRequest) -> HttpResponse | None:
    if request.user.is_authenticated:
        return None
    return HttpResponseForbidden(_("Log ind for at abonnere."))


@require_POST
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    """Subscribe the signed-in user to the municipality's events, in the page's language."""
    if refused := _refuse_anonymous(request):
        return refused
    area = get_object_or_404(Area, kind=Area.Kind.MUNICIPALITY, slug=slug)
    Subscription.objects.update_or_create(
        user=request.user, municipality=area, defaults={"language": get_language() or "da"}
    )
    messages.success(request, _("Du abonnerer nu på nyt om %(name)s.") % {"name": area.name})
    return redirect(area.get_absolute_url())


@require_POST
def unsubscribe(request: HttpRequest, slug: str) -> HttpResponse:
    """End the signed-in user's subscription to the municipality."""
    if refused := _refuse_anonymous(request):
        return refused
    area = get_object_or_404(Area, kind=Area.Kind.MUNICIPALITY, slug=slug)
    Subscription.objects.filter(user=request.user, municipality=area).delete()
    messages.success(request, _("Du abonnerer ikke længere på nyt om %(name)s.") % {"name": area.name})
    return redirect("subscriptions" if request.POST.get("tilbage") == "liste" else area.get_absolute_url())


@require_POST
def pull_alerts(request: HttpRequest) -> HttpResponse:
    """Turn an admin's mails about failed pulls and a refused token on or off."""
    if not may(request.user, Action.RECEIVE_PULL_ALERTS):
        return HttpResponseForbidden(_("Kun administratorer kan få besked om fejlede hentninger."))
    if request.POST.get("til") == "1":
        Subscription.objects.update_or_create(
            user=request.user, municipality=None, defaults={"language": get_language() or "da"}
        )
    else:
        Subscription.objects.filter(user=request.user, municipality__isnull=True).delete()
    return redirect("subscriptions")


@csrf_exempt  # the signed token is the proof; mail clients POST it without a form (RFC 8058 one-click)
def unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    """A mailed link: GET shows what it ends and a button; POST ends it. No login; a tampered token is refused."""
    try:
        found = list(subscriptions_of(token))
    except InvalidToken:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        Subscription.objects.filter(pk__in=[sub.pk for sub in found]).delete()
        return render(request, "notifications/unsubscribe.html", {"done": True, "subscriptions": found})
    return render(request, "notifications/unsubscribe.html", {"subscriptions": found})
