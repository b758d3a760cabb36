"""The read-only JSON API: indicators, areas and observations, paginated (documented in README.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from hashlib import sha256

import orjson
from django.core.cache import cache, caches
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from goals.api_rows import iso_utc, shown_page
from goals.page_cache import cached_page, for_this_visitor, site_origin, version_of
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


def _count_key(version: str, filters: str) -> str:
    return "api-count:" + sha256(f"{version}|{filters}".encode()).hexdigest()


def _recall(keys: list[str]) -> dict[str, object]:
    """What is kept under these keys: this process's copy (the "local" cache, settings.CACHES), else the shared
    cache's (one round trip for all). Every key names its data version, so a copy is never read under another."""
    nearby = caches["local"]
    found = nearby.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        shared = cache.get_many(missing)
        nearby.set_many(shared)
        found |= shared
    return found


def _keep(key: str, value: object) -> None:
    """Keep the value in the shared cache for every process, and a copy in this one."""
    cache.set(key, value, COUNT_CACHE_SECONDS)
    caches["local"].set(key, value)


def _count(key: str, kept: int | None, count: Callable[[], int]) -> int:
    """A row count, counted once per data version and filter (a count over 1M rows takes a second).

    `key` (_count_key) names the rows by endpoint and filter values: cheaper to key on than a query's compiled SQL.
    `kept` is what is kept under it (_recall); count() is called only when nothing is.
    """
    if kept is None:
        kept = count()
        _keep(key, kept)
    return kept


def _paginate(
    request: HttpRequest, rows: Callable[[int, int], list], count: Callable[[], int]
) -> tuple[list, dict]:
    """One page, rows(start, stop), and the envelope: count, next and previous links (absolute URLs)."""
    page, size = _page_numbers(request)
    total = count()
    last = max(1, -(-total // size))
    if page > last:
        raise BadRequest(f"page {page} is beyond the last page, {last}, at page_size={size}")
    items = rows((page - 1) * size, page * size)

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        params["page_size"] = str(size)
        return f"{site_origin(request)}{request.path}?{params.urlencode()}"

    envelope = {
        "count": total,
        "page": page,
        "page_size": size,
        "next": link(page + 1) if page < last else None,
        "previous": link(page - 1) if page > 1 else None,
    }
    return items, envelope


def _paginate_queryset(request: HttpRequest, queryset: QuerySet, filters: str) -> tuple[list, dict]:
    """One page of the queryset and its envelope; its count kept under `filters`, which names its rows."""

    def count() -> int:
        key = _count_key(version_of(request), filters)
        return _count(key, _recall([key]).get(key), queryset.count)

    return _paginate(request, lambda start, stop: list(queryset[start:stop]), count)


def _json(*params: str):
    """Turn BadRequest into a 400 with its message; every response is JSON; cached by the query `params` only."""
    return lambda handler: _json_view(handler, params)


def _json_view(handler, params: tuple[str, ...]):
    @wraps(handler)
    def wrapped(request: HttpRequest) -> HttpResponse:
        try:
            return handler(request)
        except BadRequest as exc:
            return _error(str(exc))

    return require_GET(cached_page(params=params)(wrapped))


@_json("page", "page_size")
def indicators(request: HttpRequest) -> HttpResponse:
    """GET /api/indicators/: every indicator definition."""
    queryset = Indicator.objects.select_related("table", "base_indicator", "municipality").order_by("code")
    items, envelope = _paginate_queryset(request, queryset, "indicators")
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
    items, envelope = _paginate_queryset(request, queryset, f"areas|{kind!r}")
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


@dataclass(frozen=True)
class Names:
    """Indicator codes and area slugs by id and back: a few hundred entries, kept per data version, so that a page
    of observations names its rows in Python instead of joining two tables, and a filter costs no query."""

    indicator_ids: dict[str, int]
    area_ids: dict[str, int]
    indicator_codes: dict[int, str]
    area_slugs: dict[int, str]

    @classmethod
    def read(cls) -> Names:
        """Both maps from the database (two small queries)."""
        indicators = dict(Indicator.objects.values_list("code", "pk"))
        areas = dict(Area.objects.values_list("slug", "pk"))
        return cls(
            indicator_ids=indicators,
            area_ids=areas,
            indicator_codes={pk: code for code, pk in indicators.items()},
            area_slugs={pk: slug for slug, pk in areas.items()},
        )

    def name(self, rows: list[tuple]) -> list[tuple] | None:
        """Rows starting (indicator id, area id, …) with code and slug instead; None if an id is not known here."""
        try:
            return [(self.indicator_codes[i], self.area_slugs[a], *rest) for i, a, *rest in rows]
        except KeyError:
            return None


def _names_key(version: str) -> str:
    return "api-names:" + sha256(version.encode()).hexdigest()


def _names(version: str, kept: Names | None) -> Names:
    """The names kept under this data version, read anew when there are none yet."""
    if kept is None:
        # Areas have no history, so no data version sees one added; they are kept no longer than the counts.
        kept = Names.read()
        _keep(_names_key(version), kept)
    return kept


@dataclass(frozen=True)
class ObservationFilter:
    """What the query string asks of /api/observations/, checked before any query runs."""

    breakdown: str
    indicator: str | None
    area: str | None
    start_from: date | None
    start_to: date | None

    @classmethod
    def of(cls, request: HttpRequest) -> ObservationFilter:
        """The filter a request names; BadRequest for a period that is no period code."""
        starts = []
        for name in ("from", "to"):
            start = None
            if request.GET.get(name):
                try:
                    start = parse_period(request.GET[name]).start
                except UnknownPeriodFormat as exc:
                    raise BadRequest(
                        f"{name} must be a period code such as 2023M01, 2023Q01 or 2023"
                    ) from exc
            starts.append(start)
        return cls(
            breakdown=request.GET.get("breakdown", ""),
            indicator=request.GET.get("indicator") or None,
            area=request.GET.get("area") or None,
            start_from=starts[0],
            start_to=starts[1],
        )

    @property
    def key(self) -> str:
        """Names the rows (for the count's cache key)."""
        return f"observations|{[self.breakdown, self.indicator, self.area, self.start_from, self.start_to]!r}"

    def known_to(self, names: Names) -> bool:
        """Whether the indicator and area asked for are among these names."""
        return (self.indicator is None or self.indicator in names.indicator_ids) and (
            self.area is None or self.area in names.area_ids
        )

    def filters(self, names: Names) -> dict:
        """The observations asked for as field lookups; BadRequest for an unknown indicator or area."""
        filters: dict = {"breakdown": self.breakdown}
        if self.indicator is not None:
            if self.indicator not in names.indicator_ids:
                raise BadRequest(f"unknown indicator {self.indicator!r}; see /api/indicators/")
            filters["indicator_id"] = names.indicator_ids[self.indicator]
        if self.area is not None:
            if self.area not in names.area_ids:
                raise BadRequest(f"unknown area {self.area!r}; see /api/areas/")
            filters["area_id"] = names.area_ids[self.area]
        if self.start_from is not None:
            filters["period_start__gte"] = self.start_from
        if self.start_to is not None:
            filters["period_start__lte"] = self.start_to
        return filters


@_json("breakdown", "indicator", "area", "from", "to", "page", "page_size")
def observations(request: HttpRequest) -> HttpResponse:
    """GET /api/observations/?indicator=&area=&from=&to=: values under the site's small-number rule."""
    wanted = ObservationFilter.of(request)
    version = version_of(request)  # cached_page may have read it already
    names_key, count_key = _names_key(version), _count_key(version, wanted.key)
    kept = _recall([names_key, count_key])
    names = _names(version, kept.get(names_key))
    if not wanted.known_to(names):
        names = _names(version, None)  # added since they were kept, or unknown (filters() says so)
    filters = wanted.filters(names)
    items, envelope = _paginate(
        request,
        lambda start, stop: shown_page(filters, start, stop),
        # The queryset is built only for a count nothing keeps: building it costs a tenth of a page.
        lambda: _count(count_key, kept.get(count_key), lambda: Observation.objects.filter(**filters).count()),
    )
    named = names.name(items)
    if named is None:  # an area added since the names were kept
        named = _names(version, None).name(items)
    envelope["results"] = [
        {
            "indicator": code,
            "area": slug,
            "period": period,
            "breakdown": breakdown,
            "value": None if shown is None else float(shown),
            "hidden": shown is None,
            # The first page's rows come straight from the database: SQLite's booleans are 0 and 1.
            "provisional": bool(provisional),
            "fetched_at": iso_utc(fetched) if fetched else None,
        }
        for code, slug, period, breakdown, shown, provisional, fetched in named
    ]
    response = _json_response(envelope)
    # A filter that matches nothing (a made-up breakdown, a range without data) is answered, never stored.
    return response if envelope["count"] else for_this_visitor(response)


def _json_response(envelope: dict) -> HttpResponse:
    """The envelope as JSON (orjson: a page of 1,000 rows is encoded in a fraction of the standard library's time)."""
    return HttpResponse(orjson.dumps(envelope), content_type="application/json")
