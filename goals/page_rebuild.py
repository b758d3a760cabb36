"""Rebuild the public pages into the shared cache after a pull or an edit, so no visitor waits for a page build.

When a pull or catalogue sync finishes, or a goal, plan, target, indicator or local value is saved, a rebuild is
queued once the transaction commits (goals.tasks.rebuild_pages); until it has run, visitors get the previous
page (goals/page_cache.py). The rebuild requests each page through Django's own request handling, as an
anonymous visitor at settings.SITE_URL would, with a marker no HTTP header can set that makes the page cache
build and store the page instead of answering from the cache.
"""

from __future__ import annotations

import io
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from simple_history.signals import post_create_historical_record

from goals.history import ALL_YEARS, VIEW_PARAMETER
from goals.models import Goal, GoalSet, Plan, PlanGoal, Target
from goals.page_cache import REBUILD_PENDING, REFRESH
from goals.pages import current_of
from indicators.models import Indicator, IngestionRun, Observation
from municipalities.models import Area

logger = logging.getLogger(__name__)
# At most this long visitors get the previous page while a rebuild is queued (a stopped worker must not freeze
# the site's pages): then they build them again themselves.
REBUILD_PENDING_SECONDS = 15 * 60
REBUILD_QUEUED = "page-cache:rebuild-queued"
HISTORY_MODELS = (Goal, Plan, PlanGoal, Target, Indicator)


def default_paths() -> list[str]:
    """The pages a visitor reaches from the front page, in both languages, most visited first.

    The front page; every municipality's status page, then its chart of all years (as the page's view switch links
    it); each comparison page; the embed of each status-page chart for the year the status page shows (the embed
    code the page offers); each comparison embed.
    """
    areas = list(Area.objects.municipalities())
    slugs = [area.slug for area in areas]
    # A municipality's own local indicator has no comparison page.
    compared = list(
        Indicator.objects.filter(is_active=True, municipality__isnull=True)
        .exclude(unit=Indicator.Unit.COUNT)
        .order_by("code")
        .values_list("code", flat=True)
    )
    # Each status page's default year: the goal set that applies to the municipality now (its own or the minister's).
    applying = GoalSet.objects.applying_to_each(areas)
    shown = {area.slug: current_of(applying[area.id]) for area in areas}
    charted = {
        goal_set.id: list(
            Indicator.objects.filter(goals__goal_set=goal_set, is_active=True)
            .distinct()
            .order_by("code")
            .values_list("code", flat=True)
        )
        for goal_set in {s for s in shown.values() if s is not None}
    }
    paths = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            paths.append(reverse("home"))
            paths += [reverse("municipality", kwargs={"slug": slug}) for slug in slugs]
            paths += [
                reverse("municipality", kwargs={"slug": slug})
                + f"?aar={goal_set.year}&{VIEW_PARAMETER}={ALL_YEARS}"
                for slug, goal_set in shown.items()
                if goal_set is not None
            ]
            paths += [reverse("comparison", kwargs={"code": code}) for code in compared]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            paths += [
                reverse("municipality_embed", kwargs={"slug": slug, "code": code}) + f"?aar={goal_set.year}"
                for slug, goal_set in shown.items()
                if goal_set is not None
                for code in charted[goal_set.id]
            ]
            paths += [reverse("comparison_embed", kwargs={"code": code}) for code in compared]
    return paths


def _environ(path: str) -> dict:
    """A WSGI environ for GET `path` at SITE_URL, marked as a rebuild."""
    site = urlsplit(settings.SITE_URL)
    path_info, _sep, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": site.hostname,
        "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": site.netloc,
        # Read only when BEHIND_PROXY trusts it; then it says what the proxy would.
        "HTTP_X_FORWARDED_PROTO": site.scheme,
        "wsgi.url_scheme": site.scheme,
        "wsgi.input": io.BytesIO(b""),
        REFRESH: True,
    }


def rebuild(*, paths: list[str]) -> int:
    """Build each page into the shared cache; returns how many were stored (200), logging the others."""
    if not settings.PAGE_CACHE_SECONDS:
        return 0
    if not settings.SITE_URL:
        logger.warning("Siderne genopbygges ikke i baggrunden: SITE_URL er ikke sat.")
        return 0
    handler = BaseHandler()
    handler.load_middleware()
    stored = 0
    for path in paths:
        response = handler.get_response(WSGIRequest(_environ(path)))
        if response.status_code == 200:
            stored += 1
        else:
            logger.info("Genopbygning af %s gav %s", path, response.status_code)
    return stored


def rebuild_all() -> int:
    """Rebuild every default page (the task's work); returns how many were stored."""
    cache.delete(REBUILD_QUEUED)  # a change from now on queues another rebuild
    cache.set(
        REBUILD_PENDING, True, REBUILD_PENDING_SECONDS
    )  # also when the schedule, not a change, started it
    try:
        return rebuild(paths=default_paths())
    finally:
        if not cache.get(REBUILD_QUEUED):
            cache.delete(REBUILD_PENDING)


def request_rebuild() -> None:
    """Once the current transaction commits: queue one rebuild, and serve the previous pages until it has run."""
    if settings.PAGE_CACHE_SECONDS and settings.SITE_URL:
        transaction.on_commit(_enqueue)


def _enqueue() -> None:
    from goals.tasks import rebuild_pages

    cache.set(REBUILD_PENDING, True, REBUILD_PENDING_SECONDS)
    # Many saves in one edit (a plan with its goals and targets) queue one rebuild, not one each.
    if cache.add(REBUILD_QUEUED, True, REBUILD_PENDING_SECONDS):
        rebuild_pages.delay()


@receiver(post_save, sender=IngestionRun, dispatch_uid="page_rebuild_after_run")
def _after_run(sender, instance: IngestionRun, **kwargs) -> None:
    if instance.finished_at is not None:  # the data version reads finished runs
        request_rebuild()


@receiver(post_create_historical_record, dispatch_uid="page_rebuild_after_edit")
def _after_edit(sender, instance, **kwargs) -> None:
    if isinstance(instance, HISTORY_MODELS):
        request_rebuild()


@receiver(post_save, sender=Observation, dispatch_uid="page_rebuild_after_local_value")
@receiver(post_delete, sender=Observation, dispatch_uid="page_rebuild_after_local_value_deleted")
def _after_local_value(sender, instance: Observation, **kwargs) -> None:
    # A value typed in the admin (pulls write in bulk, without signals, and finish with a run).
    request_rebuild()
