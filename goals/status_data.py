"""A status page's data, kept in the shared cache until the data it shows changes: built once, shown many times.

The page cache (goals/page_cache.py) stores a rendered page under its full path; this stores what the page shows
under what decides it: the data version, the municipality, the goal year, the view (one year or all years) and the
language. Two entries: the page's data (goals.status.StatusPage, for its embeds and downloads), and for the page
itself its data without the panels together with the goals' sections as HTML (for the site's origin, which the
embed codes name) — the bulk of the page. So a page built on demand (a permalink with a parameter the page cache
has not seen, a signed-in visitor, an embed of the same year) is put together from warm data without going to the
database for plans, targets or series, and renders only the page's frame. The background rebuild
(goals/page_rebuild.py) requests each municipality's pages after a pull or an edit, which builds them here anew.

Only the public view is kept: a plan not yet adopted and local values awaiting approval are read fresh for the
municipality's own users (a new draft value does not change the data version).
"""

from __future__ import annotations

from dataclasses import replace
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from goals.models import GoalSet
from goals.page_cache import REFRESH, site_context
from goals.progress import rule_text
from goals.status import StatusPage, status_page
from indicators.suppression import rule_text as suppression_rule_text
from municipalities.models import Area


def status_data_key(*, version: str, municipality: Area, goal_set: GoalSet, all_years: bool) -> str:
    """The cache key of one status page's data: data version, municipality, goal year, view and language."""
    decided_by = f"{version}|{municipality.id}|{goal_set.id}|{int(all_years)}|{get_language()}"
    return "status-data:" + sha256(decided_by.encode()).hexdigest()


def public_status_page(
    *, municipality: Area, goal_set: GoalSet, all_years: bool, version: str | None, refresh: bool = False
) -> StatusPage:
    """The public status page's data (adopted plan, approved values) from the shared cache, built on a miss.

    version: the current data version (goals.page_cache.data_version); None keeps nothing (the cache is off).
    refresh: build and store it even when kept (the background rebuild, which also renews what no version tracks).
    """
    if version is None or not settings.PAGE_CACHE_SECONDS:
        return status_page(municipality=municipality, goal_set=goal_set, all_years=all_years)
    key = status_data_key(version=version, municipality=municipality, goal_set=goal_set, all_years=all_years)
    page: StatusPage | None = None if refresh else cache.get(key)
    if page is None:
        page = status_page(municipality=municipality, goal_set=goal_set, all_years=all_years)
        cache.set(key, page, settings.PAGE_CACHE_SECONDS)
    return page


SECTIONS_TEMPLATE = "goals/includes/goal_sections.html"


def goal_sections(*, request: HttpRequest, page: StatusPage) -> SafeString:
    """The status page's overview strip and its goals' sections as HTML."""
    context = {
        "page": page,
        "area": page.municipality,
        "LANGUAGE_CODE": get_language(),
        "rule_text": rule_text(),
        "suppression_rule": suppression_rule_text(),
    } | site_context(request)
    return mark_safe(render_to_string(SECTIONS_TEMPLATE, context))  # noqa: S308 - a rendered template


def public_status_view(
    *, request: HttpRequest, municipality: Area, goal_set: GoalSet, all_years: bool, version: str | None
) -> tuple[StatusPage, SafeString]:
    """The public status page as its own view shows it: the page's data without its panels (the page's frame
    reads no more) and the goals' sections as HTML; kept together, for the site's origin the embed codes name."""
    refresh = bool(request.META.get(REFRESH))
    if version is None or not settings.PAGE_CACHE_SECONDS:
        page = status_page(municipality=municipality, goal_set=goal_set, all_years=all_years)
        return page, goal_sections(request=request, page=page)
    data_key = status_data_key(
        version=version, municipality=municipality, goal_set=goal_set, all_years=all_years
    )
    key = "status-view:" + sha256(f"{data_key}|{site_context(request)['site_origin']}".encode()).hexdigest()
    kept_view: tuple[StatusPage, str] | None = None if refresh else cache.get(key)
    if kept_view is None:
        page = public_status_page(
            municipality=municipality,
            goal_set=goal_set,
            all_years=all_years,
            version=version,
            refresh=refresh,
        )
        outline = replace(page, goals=[replace(goal, panels=[]) for goal in page.goals])
        kept_view = (outline, goal_sections(request=request, page=page))
        cache.set(key, kept_view, settings.PAGE_CACHE_SECONDS)
    outline, sections = kept_view
    return outline, mark_safe(sections)  # noqa: S308 - a rendered template
