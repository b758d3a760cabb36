"""Rendered public pages served again to anonymous visitors until the data they show changes.

The key holds the page's full URL (language and every parameter are in it), today's pull schedule, and a data
version read in one query: the newest pull or catalogue sync, and the newest change to goals, plans, targets and
indicators (their history tables). Edits without a history record (an area, an observation typed in the admin)
show within PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from goals.freshness import next_pull_at
from goals.models import Goal, Plan, PlanGoal, Target
from indicators.models import Indicator, IngestionRun


def _version_sql() -> str:
    tables = [m.history.model._meta.db_table for m in (Goal, Plan, PlanGoal, Target, Indicator)]
    parts = [f"(SELECT MAX(finished_at) FROM {IngestionRun._meta.db_table})"]  # noqa: S608 - model table names
    parts += [f"(SELECT MAX(history_date) FROM {table})" for table in tables]  # noqa: S608 - model table names
    return "SELECT " + ", ".join(parts)


def data_version() -> str:
    """A fingerprint that changes whenever a pull finishes or goals, plans, targets or indicators are edited."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        return "|".join(str(value) for value in cursor.fetchone())


def _cacheable(request: HttpRequest) -> bool:
    # Logged-in users see edit links and messages; a session or message cookie means the page is personal.
    personal = settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
    return bool(settings.PAGE_CACHE_SECONDS) and request.method == "GET" and not personal


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's 200 responses from the cache while the data version and the URL are the same."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        fingerprint = (
            f"{get_language()}|{request.get_full_path()}|{next_pull_at():%Y%m%d%H%M}|{data_version()}"
        )
        key = "page:" + sha256(fingerprint.encode()).hexdigest()
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    return wrapped
