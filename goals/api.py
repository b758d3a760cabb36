"""The read-only JSON API: indicators, areas and observations, paginated (documented in README.md)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from indicators.models import Indicator, Observation
from indicators.periods import UnknownPeriodFormat, parse_period
from municipalities.models import Area

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class BadRequest(ValueError):
    """A query parameter the API cannot use; the message says which and why."""


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _page_numbers(request: HttpRequest) -> tuple[int, int]:
    try:
        page = int(request.GET.get("page", "1"))
        size = int(request.GET.get("page_size", str(DEFAULT_PAGE_SIZE)))
    except ValueError as exc:
        raise BadRequest("page and page_size must be whole numbers") from exc
    if page < 1 or size < 1:
        raise BadRequest("page and page_size must be 1 or more")
    return page, min(size, MAX_PAGE_SIZE)


def _paginate(request: HttpRequest, queryset: QuerySet) -> tuple[list, dict]:
    """One page of a queryset and the envelope: count, next and previous links (absolute URLs)."""
    page, size = _page_numbers(request)
    count = queryset.count()
    items = list(queryset[(page - 1) * size : page * size])

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        params["page_size"] = str(size)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    envelope = {
        "count": count,
        "page": page,
        "page_size": size,
        "next": link(page + 1) if page * size < count else None,
        "previous": link(page - 1) if page > 1 else None,
    }
    return items, envelope


def _json(handler):
    """Turn BadRequest into a 400 with its message; every response is JSON."""

    def wrapped(request: HttpRequest) -> JsonResponse:
        try:
            return handler(request)
        except BadRequest as exc:
            return _error(str(exc))

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return require_GET(wrapped)


@_json
def indicators(request: HttpRequest) -> JsonResponse:
    """GET /api/indicators/: every indicator definition."""
    queryset = Indicator.objects.select_related("table", "base_indicator").order_by("code")
    items, envelope = _paginate(request, queryset)
    envelope["results"] = [
        {
            "code": i.code,
            "name": i.name,
            "source": i.source,
            "unit": i.unit,
            "better_direction": i.better_direction,
            "area_level": i.area_level,
            "period_type": i.period_type,
            "table_id": i.table.table_id if i.table else None,
            "base_indicator": i.base_indicator.code if i.base_indicator else None,
            "definition": i.definition,
        }
        for i in items
    ]
    return JsonResponse(envelope)


@_json
def areas(request: HttpRequest) -> JsonResponse:
    """GET /api/areas/?kind=: municipalities, regions, RAR areas and the country."""
    queryset = Area.objects.select_related("region").order_by("kind", "name")
    kind = request.GET.get("kind")
    if kind:
        if kind not in Area.Kind.values:
            raise BadRequest(f"kind must be one of {', '.join(Area.Kind.values)}")
        queryset = queryset.filter(kind=kind)
    items, envelope = _paginate(request, queryset)
    envelope["results"] = [
        {
            "slug": a.slug,
            "code": a.code,
            "name": a.name,
            "kind": a.kind,
            "region": a.region.slug if a.region else None,
        }
        for a in items
    ]
    return JsonResponse(envelope)


def _filter_observations(request: HttpRequest) -> QuerySet:
    queryset = Observation.objects.filter(breakdown=request.GET.get("breakdown", ""))
    code = request.GET.get("indicator")
    if code:
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            raise BadRequest(f"unknown indicator {code!r}; see /api/indicators/")
        queryset = queryset.filter(indicator=indicator)
    slug = request.GET.get("area")
    if slug:
        area = Area.objects.filter(slug=slug).first()
        if area is None:
            raise BadRequest(f"unknown area {slug!r}; see /api/areas/")
        queryset = queryset.filter(area=area)
    for name, lookup in (("from", "period_start__gte"), ("to", "period_start__lte")):
        if request.GET.get(name):
            try:
                start = parse_period(request.GET[name]).start
            except UnknownPeriodFormat as exc:
                raise BadRequest(f"{name} must be a period code such as 2023M01, 2023Q01 or 2023") from exc
            queryset = queryset.filter(**{lookup: start})
    return queryset.order_by("indicator__code", "area__slug", "period_start", "id")


@_json
def observations(request: HttpRequest) -> JsonResponse:
    """GET /api/observations/?indicator=&area=&from=&to=: values under the site's small-number rule."""
    queryset = (
        _filter_observations(request)
        .with_shown_value()
        .values_list(
            "indicator__code", "area__slug", "period", "breakdown", "shown", "provisional", "fetched_at"
        )
    )
    items, envelope = _paginate(request, queryset)
    envelope["results"] = [
        {
            "indicator": code,
            "area": slug,
            "period": period,
            "breakdown": breakdown,
            "value": None if shown is None else float(shown),
            "hidden": shown is None,
            "provisional": provisional,
            "fetched_at": fetched.isoformat() if fetched else None,
        }
        for code, slug, period, breakdown, shown, provisional, fetched in items
    ]
    return JsonResponse(envelope)
