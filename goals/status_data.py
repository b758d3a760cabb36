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

from dataclasses import dataclass, replace

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from goals.models import GoalSet, Plan
from goals.page_cache import keeping, kept, kept_for, part_context, site_context, site_origin
from goals.pages import without_own_goals
from goals.progress import rule_text
from goals.roles import Action, may
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


def municipality_options() -> SafeString:
    """The municipality switch's suggestions as <option> elements, alphabetically (98 of them: written once)."""
    names = Area.objects.municipalities().values_list("name", flat=True)
    return format_html_join("", '<option value="{}"></option>', ((name,) for name in names))


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


MAIN_TEMPLATE = "goals/includes/municipality_main.html"


@dataclass(frozen=True)
class StatusMain:
    """The status page's main part (all but the site's frame) as HTML, and the plan it shows."""

    html: str
    plan: Plan | None

    @property
    def draft(self) -> bool:
        """Whether it shows a plan not yet adopted (only ever to the municipality's own users)."""
        return self.plan is not None and self.plan.status != Plan.Status.ADOPTED


def status_main(
    *, request: HttpRequest, page: StatusPage, sections: SafeString, goal_sets: list[GoalSet]
) -> StatusMain:
    """The main part for this visitor: their rights decide the edit links, the snapshot form, the subscription."""
    municipality = page.municipality
    context = {
        "page": page,
        "area": municipality,
        "goal_set": page.goal_set,
        "goal_sets": goal_sets,
        "can_edit_plan": may(request.user, Action.EDIT_PLAN, municipality),
        "can_make_snapshot": may(request.user, Action.MAKE_SNAPSHOT, municipality),
        "can_edit_goal_set": may(request.user, Action.EDIT_GOAL_SET, municipality),
        "without_own_goals": without_own_goals(goal_sets),
        # The quick switch to another municipality's page in the same year.
        "municipality_options": kept_for(request, "municipality-options", municipality_options),
        "switch_year": page.goal_set.year,
        "goal_sections": sections,
    } | part_context(request)
    return StatusMain(html=render_to_string(MAIN_TEMPLATE, context), plan=page.plan)


def public_status_main(
    *, request: HttpRequest, municipality: Area, goal_set: GoalSet, goal_sets: list[GoalSet], all_years: bool
) -> StatusMain:
    """The public page's main part; for an anonymous visitor kept whole under the data version (one such visitor
    sees what every other sees), so a page built on demand renders only the site's frame around it."""
    version, refresh = keeping(request)

    def build() -> StatusMain:
        page, sections = public_status_view(
            request=request, municipality=municipality, goal_set=goal_set, all_years=all_years
        )
        return status_main(request=request, page=page, sections=sections, goal_sets=goal_sets)

    if request.user.is_authenticated:
        return build()
    page_name = _page_name(municipality=municipality, goal_set=goal_set, all_years=all_years)
    return kept(f"status-main:{page_name}|{site_origin(request)}", version, build, refresh=refresh)
