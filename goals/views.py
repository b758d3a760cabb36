"""Public pages: front page, status page, comparison page, their exports and embeds. Thin: validate, read, render."""

from __future__ import annotations

from collections.abc import Callable

from csp.decorators import csp_replace
from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from goals.comparison import ComparisonPage, ComparisonState, choose_comparison, comparison_page
from goals.comparison_main import comparison_main
from goals.exports import download
from goals.history import VIEW_PARAMETER, parse_view
from goals.local_indicators import is_comparable
from goals.models import GoalSet
from goals.page_cache import cached_page, for_this_visitor, ignoring, keeping, kept_for
from goals.pages import choose_goal_set, current_goal_set
from goals.roles import Action, may
from goals.status import IndicatorPanel, StatusPage, status_page
from goals.status_data import (
    goal_sections,
    municipality_options,
    public_status_main,
    public_status_page,
    status_main,
)
from indicators.models import Indicator
from municipalities.models import Area

EXPORT_FORMATS = {"csv", "xlsx"}
# Lov nr. 1656 af 30. december 2024, which abolished the minister's yearly goals (its ELI address on Retsinformation).
LAW_ENDING_MINISTERIAL_GOALS = "https://www.retsinformation.dk/eli/lta/2024/1656"
COMPARISON_CHARTS = {"fordeling", "udvikling"}
# The query parameters each kind of page reads (goals.pages, goals.history, goals.comparison.parse_state): the page
# cache keys on these alone.
STATUS_PARAMETERS = ("aar", VIEW_PARAMETER)
COMPARISON_PARAMETERS = {"params": ("kommune", "gruppe", "periode"), "lists": ("kommuner",)}


def embeddable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any intranet or council site may frame this view: no X-Frame-Options, CSP frame-ancestors * (not 'none')."""
    return xframe_options_exempt(csp_replace({"frame-ancestors": ["*"]})(view))


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What a login attempt gets once its username is locked from this address (django-axes calls it): 429."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(request, "lockout.html", {"minutes": minutes}, status=429)


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    """The current year's goals, a municipality picker and the comparable indicators."""
    goal_set = current_goal_set()
    # Each goal links to the comparisons of its share measures (counts are not compared across municipalities).
    comparable = (
        Indicator.objects.filter(
            is_active=True, municipality__isnull=True
        )  # a municipality's own are not compared
        .exclude(unit=Indicator.Unit.COUNT)
        .order_by("name")
    )
    goals = (
        list(goal_set.goals.order_by("number").prefetch_related(Prefetch("indicators", queryset=comparable)))
        if goal_set
        else []
    )
    indicators = comparable
    context = {
        "goal_set": goal_set,
        "goals": goals,
        "municipalities": Area.objects.municipalities(),
        "indicators": indicators,
        "law_url": LAW_ENDING_MINISTERIAL_GOALS,
    }
    return render(request, "goals/home.html", context)


@require_safe
def pick_municipality(request: HttpRequest) -> HttpResponse:
    """The municipality search's target: go to the municipality named (name, slug or code), in the same year."""
    query = request.GET.get("kommune", "").strip()
    year = request.GET.get("aar", "").strip()
    year = year if year.isdigit() and len(year) == 4 else ""
    found = Area.objects.matching(query)
    if len(found) == 1:
        url = found[0].get_absolute_url()
        return redirect(f"{url}?aar={year}" if year else url)
    shown = "".join(ch if ch.isprintable() else "?" for ch in query[:50])
    if found:
        message = _("“%(query)s” passer på flere kommuner. Vælg en af dem:") % {"query": shown}
    elif query:
        message = _(
            "Ingen kommune passer på “%(query)s”. Skriv kommunens navn, fx Randers, eller dens kode, fx 730."
        ) % {"query": shown}
    else:
        message = _("Skriv navnet på en kommune, fx Randers, eller dens kode, fx 730.")
    context = {"message": message, "candidates": found, "switch_query": query[:50], "switch_year": year}
    context["municipality_options"] = municipality_options()
    return render(request, "goals/pick_municipality.html", context, status=200 if found else 404)


def _choice(request: HttpRequest, slug: str) -> tuple[Area, GoalSet, list[GoalSet], bool, list[str]]:
    """The municipality, the goal year asked for, every year's goal set, the view, and what was ignored."""
    area, goal_sets = kept_for(request, f"status-area:{slug}", lambda: _area(slug))
    goal_set, goal_sets, notices = choose_goal_set(request.GET.get("aar"), area, goal_sets=goal_sets)
    if goal_set is None:
        raise Http404(_("Der er ingen mål endnu."))
    all_years, view_notices = parse_view(request.GET.get("visning"))
    return area, goal_set, goal_sets, all_years, notices + view_notices


def _status(request: HttpRequest, slug: str, *, draft_plan: bool = False) -> tuple[StatusPage, list[str]]:
    """The status page's data for its files and embeds; a plan not yet adopted only when asked and the user may
    read the municipality's drafts (goals.roles)."""
    area, goal_set, _goal_sets, all_years, notices = _choice(request, slug)
    if draft_plan and may(request.user, Action.READ_DRAFTS, area):
        page = status_page(municipality=area, goal_set=goal_set, all_years=all_years, draft_plan=True)
    else:
        version, refresh = keeping(request)
        page = public_status_page(
            municipality=area, goal_set=goal_set, all_years=all_years, version=version, refresh=refresh
        )
    return page, notices


def _area(slug: str) -> tuple[Area, list[GoalSet]]:
    area = get_object_or_404(Area.objects.select_related("region"), kind=Area.Kind.MUNICIPALITY, slug=slug)
    return area, GoalSet.objects.applying_to(area)


def _panel(page: StatusPage, code: str) -> IndicatorPanel:
    panel = next((p for goal in page.goals for p in goal.panels if p.indicator.code == code), None)
    if panel is None:
        raise Http404(_("Indikatoren findes ikke på denne side."))
    return panel


@require_safe
@cached_page(params=STATUS_PARAMETERS)
def municipality(request: HttpRequest, slug: str) -> HttpResponse:
    """The jobcenter chief's status page: per goal the plan, and per indicator chart, status and table."""
    # Drafts only for the municipality's own users; local values awaiting approval only here, never in files,
    # embeds or the API.
    area, goal_set, goal_sets, all_years, notices = _choice(request, slug)
    if may(request.user, Action.READ_DRAFTS, area):
        page = status_page(
            municipality=area, goal_set=goal_set, all_years=all_years, draft_plan=True, draft_values=True
        )
        sections = goal_sections(request=request, page=page)
        main = status_main(request=request, page=page, sections=sections, goal_sets=goal_sets)
    else:
        main = public_status_main(
            request=request, municipality=area, goal_set=goal_set, goal_sets=goal_sets, all_years=all_years
        )
    context = {"area": area, "goal_set": goal_set, "notices": notices, "main": mark_safe(main.html)}  # noqa: S308 - a rendered template
    response = ignoring(render(request, "goals/municipality.html", context), notices)
    if main.draft:
        add_never_cache_headers(response)  # a draft is personal: never stored, not by the page cache either
    return response


@require_safe
def municipality_export(request: HttpRequest, slug: str, code: str, fmt: str) -> HttpResponse:
    """One status-page chart's numbers as CSV or .xlsx."""
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("Ukendt filformat."))
    page, _notices = _status(request, slug, draft_plan=True)
    panel = _panel(page, code)
    filename = f"{page.municipality.slug}-{code}-{page.goal_set.year}" + (
        "-alle-aar" if page.all_years else ""
    )
    return download(panel.table, fmt=fmt, filename=filename, source=panel.source)


@require_safe
@embeddable
@cached_page(params=STATUS_PARAMETERS)
def municipality_embed(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """One status-page chart with title, source and a link back, without the site chrome (may be framed)."""
    page, notices = _status(request, slug)
    panel = _panel(page, code)
    back = page.municipality.get_absolute_url() + f"?{page.query}#{panel.chart_id}"
    context = {
        "figure": panel.figure,
        "chart_id": panel.chart_id,
        "title": panel.figure["layout"]["title"]["text"],
    }
    context |= {"description": panel.description, "back_url": back, "table": panel.table, "notices": notices}
    context |= {"source": panel.source, "verdicts": panel.year_verdicts}
    return ignoring(render(request, "goals/embed.html", context), notices)


def _indicator(code: str) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related("table", "base_indicator", "municipality"), code=code
    )
    if not is_comparable(indicator):
        raise LocalOnly(indicator)
    return indicator


def _kept_indicator(request: HttpRequest, code: str) -> Indicator:
    """_indicator, kept under the data version while the page cache is on."""
    return kept_for(request, f"comparison-indicator:{code}", lambda: _indicator(code))


def _comparison(request: HttpRequest, indicator: Indicator) -> ComparisonPage:
    """The comparison page the query string asks for; what none of its choices changes kept (goals.comparison)."""
    version, refresh = keeping(request)
    return comparison_page(indicator=indicator, params=request.GET, version=version, refresh=refresh)


class LocalOnly(Http404):
    """A municipality's own measure: reported by it alone, so there is nothing to compare."""

    def __init__(self, indicator: Indicator) -> None:
        super().__init__(_("Indikatoren er lokal for én kommune og sammenlignes ikke."))
        self.indicator = indicator


@require_safe
@cached_page(**COMPARISON_PARAMETERS)
def comparison(request: HttpRequest, code: str) -> HttpResponse:
    """The committee chair's comparison: all municipalities in one period in thirds, and a group over time."""
    try:
        indicator = _kept_indicator(request, code)
    except LocalOnly as local:
        context = {"indicator": local.indicator, "area": local.indicator.municipality}
        return render(request, "goals/comparison_local_only.html", context, status=404)
    version, refresh = keeping(request)
    choice = choose_comparison(indicator=indicator, params=request.GET, version=version, refresh=refresh)
    notices = choice.page.state.notices
    context = {"indicator": indicator, "notices": notices}
    context["main"] = comparison_main(request=request, choice=choice)
    return _answered(render(request, "goals/comparison.html", context), choice.page.state)


@require_safe
def comparison_export(request: HttpRequest, code: str, chart: str, fmt: str) -> HttpResponse:
    """A comparison chart's numbers ("fordeling" or "udvikling") as CSV or .xlsx."""
    if fmt not in EXPORT_FORMATS or chart not in COMPARISON_CHARTS:
        raise Http404(_("Ukendt filformat."))
    page = comparison_page(indicator=_indicator(code), params=request.GET)
    table, source = (
        (page.bar_table, page.bar_source) if chart == "fordeling" else (page.time_table, page.time_source)
    )
    if table is None:
        raise Http404(_("Der er ingen tal at hente."))
    return download(table, fmt=fmt, filename=f"{code}-{chart}-{page.state.period}", source=source)


@require_safe
@embeddable
@cached_page(**COMPARISON_PARAMETERS)
def comparison_embed(request: HttpRequest, code: str) -> HttpResponse:
    """The comparison bar chart alone, for intranets and council sites (may be framed)."""
    page = _comparison(request, _kept_indicator(request, code))
    if page.bar_figure is None:
        raise Http404(_("Der er ingen tal at vise."))
    back = request.path.replace("/embed", "", 1) + "?" + page.state.query_string()
    context = {"figure": page.bar_figure, "chart_id": "chart-comparison", "table": page.bar_table}
    context |= {"title": page.bar_figure["layout"]["title"]["text"], "back_url": back}
    context |= {"description": page.bar_description, "notices": page.state.notices, "source": page.bar_source}
    return _answered(render(request, "goals/embed.html", context), page.state)


def _answered(response: HttpResponse, state: ComparisonState) -> HttpResponse:
    """A comparison page, stored for others unless its address is a one-off (ComparisonState.one_off)."""
    return for_this_visitor(response) if state.one_off else response
