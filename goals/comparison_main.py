"""The comparison page's main part (all but the site's frame) as HTML, kept in the shared cache under the data version.

What it shows is decided by the indicator and the page's state as parse_state validated it (municipality, group,
period), the language and the site's origin (the embed code names it), and by nothing about the visitor: the same
HTML serves everyone. So a page built on demand (a permalink with a period that does not exist, say, answered with
a notice and the newest period) renders only the site's frame around a kept main part, without reading or drawing
a figure. What the URL got wrong is in the frame's notices, never in the main part.

A user's own list of municipalities is never kept: any number of lists can be made up, and each would be an entry.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from goals.comparison import GROUPS, ComparisonChoice, ComparisonPage, fill_comparison
from goals.page_cache import keeping, kept, part_context, site_origin
from indicators.suppression import rule_text as suppression_rule_text

MAIN_TEMPLATE = "goals/includes/comparison_main.html"


def _main_name(choice: ComparisonChoice, origin: str) -> str:
    """What decides the main part besides the data version and the language."""
    page, state = choice.page, choice.page.state
    municipality = state.municipality.id if state.municipality else ""
    return f"comparison-main:{page.indicator.id}|{municipality}|{state.group}|{state.period}|{origin}"


def render_main(*, request: HttpRequest, page: ComparisonPage) -> SafeString:
    """The main part of a comparison page with its figures (goals.comparison.fill_comparison)."""
    context = {"page": page, "indicator": page.indicator, "groups": GROUPS}
    context |= {"suppression_rule": suppression_rule_text()} | part_context(request)
    return mark_safe(render_to_string(MAIN_TEMPLATE, context))  # noqa: S308 - a rendered template


def comparison_main(*, request: HttpRequest, choice: ComparisonChoice) -> SafeString:
    """The chosen page's main part: kept under the data version, built (figures and all) on a miss."""
    version, refresh = keeping(request)

    def build() -> str:
        page = fill_comparison(choice, version=version, refresh=refresh)
        return str(render_main(request=request, page=page))

    if choice.page.state.listed:
        return mark_safe(build())  # noqa: S308 - a rendered template
    name = _main_name(choice, site_origin(request))
    return mark_safe(kept(name, version, build, refresh=refresh))  # noqa: S308 - a rendered template
