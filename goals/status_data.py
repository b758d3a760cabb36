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

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from goals.models import GoalSet
from goals.page_cache import keeping, kept, site_context, site_origin
from goals.progress import rule_text
from goals.status import StatusPage, status_page
from indicators.suppression import rule_text as suppression_rule_text
from municipalities.models import Area


def _page_name(*, municipality: Area, goal_set: GoalSet, all_years: bool) -> str:
    """What decides one status page besides the data version and the language: municipality, goal year, view."""
    return f"{municipality.id}|{goal_set.id}|{int(all_years)}"


def public_status_page(
    *, municipality: Area, goal_set: GoalSet, all_years: bool, version: str | None, refresh: bool = False
) -> StatusPage:
    """The public status page's data (adopted plan, approved values) from the shared cache, built on a miss.

    version: the current data version (goals.page_cache.keeping); None keeps nothing (the cache is off).
    refresh: build and store it even when kept (the background rebuild, which also renews what no version tracks).
    """
    name = "status-data:" + _page_name(municipality=municipality, goal_set=goal_set, all_years=all_years)

    def build() -> StatusPage:
        return status_page(municipality=municipality, goal_set=goal_set, all_years=all_years)

    return kept(name, version, build, refresh=refresh)


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
    *, request: HttpRequest, municipality: Area, goal_set: GoalSet, all_years: bool
) -> tuple[StatusPage, SafeString]:
    """The public status page as its own view shows it: the page's data without its panels (the page's frame
    reads no more) and the goals' sections as HTML; kept together, for the site's origin the embed codes name."""
    version, refresh = keeping(request)

    def build() -> tuple[StatusPage, str]:
        page = public_status_page(
            municipality=municipality,
            goal_set=goal_set,
            all_years=all_years,
            version=version,
            refresh=refresh,
        )
        outline = replace(page, goals=[replace(goal, panels=[]) for goal in page.goals])
        return outline, str(goal_sections(request=request, page=page))

    page_name = _page_name(municipality=municipality, goal_set=goal_set, all_years=all_years)
    outline, sections = kept(
        f"status-view:{page_name}|{site_origin(request)}", version, build, refresh=refresh
    )
    return outline, mark_safe(sections)  # noqa: S308 - a rendered template
