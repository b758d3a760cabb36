"""The read-only JSON API: indicators, areas and observations, paginated (documented in README.md)."""

from __future__ import annotations

from hashlib import sha256

import orjson
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from goals.page_cache import cached_page, data_version, site_origin
from indicators.models import Indicator, Observation
from indicators.periods import UnknownPeriodFormat, parse_period
from municipalities.models import Area

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# A count is kept per data version (a pull changes it), and at most this long for what no version tracks.
COUNT_CACHE_SECONDS = 600


class BadRequest(ValueError):
    """A query parameter the API cannot use; the message says which and why."""


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _whole_number(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    # isdecimal first: int() would also take "1_000", " 7" or "٣", and refuses over 4300 digits with its own error.
    if not raw.isascii() or not raw.isdecimal() or len(raw) > 18:
        raise BadRequest(f"{name} must be a whole number from 1, such as {name}={default}")
    return int(raw)


def _page_numbers(request: HttpRequest) -> tuple[int, int]:
    page = _whole_number(request, "page", 1)
    size = _whole_number(request, "page_size", DEFAULT_PAGE_SIZE)
    if page < 1 or size < 1:
        raise BadRequest("page and page_size must be 1 or more")
    return page, min(size, MAX_PAGE_SIZE)


def _count(queryset: QuerySet, filters: str) -> int:
    """The queryset's row count, counted once per data version and filter (a count over 1M rows takes a second).

    `filters` names the queryset's rows (endpoint and filter values): cheaper to key on than its compiled SQL.
    """
    key = "api-count:" + sha256(f"{data_version()}|{filters}".encode()).hexdigest()
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


def _paginate(request: HttpRequest, queryset: QuerySet, filters: str) -> tuple[list, dict]:
    """One page of a queryset and the envelope: count, next and previous links (absolute URLs)."""
    page, size = _page_numbers(request)
    count = _count(queryset, filters)
    last = max(1, -(-count // size))
    if page > last:
        raise BadRequest(f"page {page} is beyond the last page, {last}, at page_size={size}")
    items = list(queryset[(page - 1) * size : page * size])

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        params["page_size"] = str(size)
        return f"{site_origin(request)}{request.path}?{params.urlencode()}"

    envelope = {
        "count": count,
        "page": page,
        "page_size": size,
        "next": link(page + 1) if page < last else None,
        "previous": link(page - 1) if page > 1 else None,
    }
    return items, envelope


def _json(*params: str):
    """Turn BadRequest into a 400 with its message; every response is JSON; cached by the query `params` only."""
    return lambda handler: _json_view(handler, params)


def _json_view(handler, params: tuple[str, ...]):
    def wrapped(request: HttpRequest) -> HttpResponse:
        try:
            return handler(request)
        except BadRequest as exc:
            return _error(str(exc))

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return require_GET(cached_page(params=params)(wrapped))


@_json("page", "page_size")
def indicators(request: HttpRequest) -> HttpResponse:
    """GET /api/indicators/: every indicator definition."""
    queryset = Indicator.objects.select_related("table", "base_indicator", "municipality").order_by("code")
    items, envelope = _paginate(request, queryset, "indicators")
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
            # Local indicators: the owning municipality (null for Jobindsats' and shared ones).
            "municipality": i.municipality.slug if i.municipality else None,
            "serves_goals": i.serves_goals,
        }
        for i in items
    ]
    return _json_response(envelope)


@_json("kind", "page", "page_size")
def areas(request: HttpRequest) -> HttpResponse:
    """GET /api/areas/?kind=: municipalities, regions, RAR areas and the country."""
    queryset = Area.objects.select_related("region").order_by("kind", "name")
    kind = request.GET.get("kind")
    if kind:
        if kind not in Area.Kind.values:
            raise BadRequest(f"kind must be one of {', '.join(Area.Kind.values)}")
        queryset = queryset.filter(kind=kind)
    items, envelope = _paginate(request, queryset, f"areas|{kind!r}")
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
    return _json_response(envelope)


def _filter_observations(request: HttpRequest) -> tuple[QuerySet, str]:
    """The observations the query string asks for, and the filter values that name them (for the count's key)."""
    breakdown = request.GET.get("breakdown", "")
    queryset = Observation.objects.filter(breakdown=breakdown)
    named: list = [breakdown]
    code = request.GET.get("indicator")
    if code:
        indicator_id = Indicator.objects.filter(code=code).values_list("pk", flat=True).first()
        if indicator_id is None:
            raise BadRequest(f"unknown indicator {code!r}; see /api/indicators/")
        queryset = queryset.filter(indicator_id=indicator_id)
    named.append(code or None)
    slug = request.GET.get("area")
    if slug:
        area_id = Area.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if area_id is None:
            raise BadRequest(f"unknown area {slug!r}; see /api/areas/")
        queryset = queryset.filter(area_id=area_id)
    named.append(slug or None)
    for name, lookup in (("from", "period_start__gte"), ("to", "period_start__lte")):
        start = None
        if request.GET.get(name):
            try:
                start = parse_period(request.GET[name]).start
            except UnknownPeriodFormat as exc:
                raise BadRequest(f"{name} must be a period code such as 2023M01, 2023Q01 or 2023") from exc
            queryset = queryset.filter(**{lookup: start})
        named.append(start)
    # The order of the unique key (breakdown is fixed by the filter), so a page is an index range, not a sort of
    # every row, and pages neither overlap nor skip. Within an indicator, period codes sort as their starts.
    return queryset.order_by("indicator_id", "area_id", "period"), f"observations|{named!r}"


@_json("breakdown", "indicator", "area", "from", "to", "page", "page_size")
def observations(request: HttpRequest) -> HttpResponse:
    """GET /api/observations/?indicator=&area=&from=&to=: values under the site's small-number rule."""
    queryset, filters = _filter_observations(request)
    queryset = queryset.with_shown_value().values_list(
        "indicator__code", "area__slug", "period", "breakdown", "shown", "provisional", "fetched_at"
    )
    items, envelope = _paginate(request, queryset, filters)
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
    return _json_response(envelope)


def _json_response(envelope: dict) -> HttpResponse:
    """The envelope as JSON (orjson: a page of 1,000 rows is encoded in a fraction of the standard library's time)."""
    return HttpResponse(orjson.dumps(envelope), content_type="application/json")
