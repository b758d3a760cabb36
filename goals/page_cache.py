"""Rendered public pages served again to anonymous visitors, from the shared cache, until the data they show changes.

An entry is found by the page's language, the site's origin and its full path, and holds the data version it was
built under (read in one query: the newest pull or catalogue sync, and the newest change to goals, plans, targets
and indicators, from their history tables), when it was built, and the body gzip-compressed once. It is served while
its version is current and it is younger than PAGE_CACHE_SECONDS (edits without a history record, an area say,
show within that); an older one is served only while a rebuild is pending (goals/page_rebuild.py), so no visitor
waits for a page that the worker is about to build.

Absolute URLs on pages start with settings.SITE_URL when it is set, so no visitor's Host header can reach another
visitor's page; without it they start with the request's own origin, which is then part of the key.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from hashlib import sha256
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_vary_headers
from django.utils.translation import get_language

from goals.models import Goal, GoalSet, Plan, PlanGoal, Target
from indicators.models import Indicator, IngestionRun, LocalValue

# Set in the WSGI environ of the requests the rebuild makes: no HTTP header can set a key without "HTTP_".
REFRESH = "maaltavlen.page_cache.refresh"
# Present while a rebuild of the pages is queued or running (goals/page_rebuild.py).
REBUILD_PENDING = "page-cache:rebuild-pending"
# Browsers and proxies may keep a page but must ask again each time; an unchanged page costs them a 304.
PUBLIC_CACHE_CONTROL = "public, no-cache"


@lru_cache(maxsize=1)
def _version_sql() -> str:
    # Built once: reading `Model.history` makes a new manager class each time (django-simple-history), which
    # cost more than the query itself on every request.
    tables = [m.history.model._meta.db_table for m in (GoalSet, Goal, Plan, PlanGoal, Target, Indicator)]
    parts = [f"(SELECT MAX(finished_at) FROM {IngestionRun._meta.db_table})"]  # noqa: S608 - model table names
    parts += [f"(SELECT MAX(history_date) FROM {table})" for table in tables]  # noqa: S608 - model table names
    # Approved local values change observations without a pull (local_values.approval).
    parts.append(f"(SELECT MAX(decided_at) FROM {LocalValue._meta.db_table})")  # noqa: S608 - a model table name
    return "SELECT " + ", ".join(parts)


def data_version() -> str:
    """A fingerprint that changes whenever a pull finishes or goals, plans, targets or indicators are edited."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        return "|".join(str(value) for value in cursor.fetchone())


def request_data_version(request: HttpRequest) -> str | None:
    """The data version for this request, read once (cached_page may have read it); None while caching is off."""
    if not settings.PAGE_CACHE_SECONDS:
        return None
    version = getattr(request, "data_version", None)
    if version is None:
        version = request.data_version = data_version()
    return version


T = TypeVar("T")


def keeping(request: HttpRequest) -> tuple[str | None, bool]:
    """What this request keeps things under: the data version (None while caching is off), and whether to build
    them anew rather than read them (a request of the background rebuild)."""
    return request_data_version(request), bool(request.META.get(REFRESH))


def kept_for(request: HttpRequest, name: str, build: Callable[[], T]) -> T:
    """kept(), under the request's data version, built anew for the background rebuild (see keeping)."""
    version, refresh = keeping(request)
    return kept(name, version, build, refresh=refresh)


def kept(name: str, version: str | None, build: Callable[[], T], *, refresh: bool = False) -> T:
    """What build() returns, from the shared cache under this data version and language (built on a miss).

    version None (the cache is off) builds every time; refresh builds and keeps it anew (the background rebuild).
    Kept no longer than PAGE_CACHE_SECONDS, as the pages are, for what no data version tracks (an area's name).
    """
    if version is None:
        return build()
    key = f"{name}:" + sha256(f"{version}|{get_language()}".encode()).hexdigest()
    value = None if refresh else cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


def site_origin(request: HttpRequest) -> str:
    """Scheme and host that absolute URLs on a page start with: SITE_URL, else the request's own."""
    return settings.SITE_URL or f"{request.scheme}://{request.get_host()}"


def site_context(request: HttpRequest) -> dict[str, str]:
    """Template context: `site_origin` for absolute URLs (embed codes)."""
    return {"site_origin": site_origin(request)}


def page_key(request: HttpRequest) -> str:
    """The cache key of the page a request asks for: language, origin and full path."""
    page = f"{get_language()}|{site_origin(request)}|{request.get_full_path()}"
    return "page:" + sha256(page.encode()).hexdigest()


def _personal(request: HttpRequest) -> bool:
    # Logged-in users see edit links, messages and their municipality's drafts (goals/local_indicators.py); a
    # session or message cookie means the page is personal, and so does a signed-in user however recognised.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _never_stored(response: HttpResponse) -> bool:
    # A view that marked its page personal (a draft plan shown to its municipality's users) is shared with nobody.
    cache_control = response.get("Cache-Control", "")
    return "private" in cache_control or "no-store" in cache_control


@dataclass(frozen=True)
class Entry:
    """A rendered page as stored: its data version, when it was built, and its gzip-compressed body."""

    version: str
    built_at: float
    content_type: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str

    def is_fresh(self, version: str) -> bool:
        """Built under this data version, and recently enough for what no version tracks."""
        return self.version == version and time.time() - self.built_at < settings.PAGE_CACHE_SECONDS

    def response(self, request: HttpRequest) -> HttpResponse:
        """The page for this request: compressed when the browser accepts gzip (browsers do)."""
        compressed = "gzip" in request.headers.get("Accept-Encoding", "")
        response = HttpResponse(
            self.body if compressed else gzip.decompress(self.body), content_type=self.content_type
        )
        for name, value in self.headers:
            response[name] = value
        if compressed:
            response["Content-Encoding"] = "gzip"
        return _public_headers(response, self.etag)


def _public_headers(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
    return response


# Headers of the view's response worth keeping (the framing rules of embeds are set by decorators outside).
KEPT_HEADERS = ("Content-Language", "Content-Disposition")


def _store(key: str, version: str, response: HttpResponse) -> Entry:
    etag = 'W/"' + sha256(f"{key}|{version}".encode()).hexdigest()[:32] + '"'
    entry = Entry(
        version=version,
        built_at=time.time(),
        content_type=response["Content-Type"],
        headers=tuple((name, response[name]) for name in KEPT_HEADERS if response.has_header(name)),
        body=gzip.compress(response.content, compresslevel=6),
        etag=etag,
    )
    # Kept past its freshness so that it can be served while the rebuild is on its way.
    cache.set(key, entry, 2 * settings.PAGE_CACHE_SECONDS)
    return entry


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's 200 responses from the shared cache while the data version is the same (see module doc)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _personal(request):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)  # a personal page is stored nowhere, not even by the browser
            return response
        if request.method != "GET" or not settings.PAGE_CACHE_SECONDS:
            return view(request, *args, **kwargs)
        key, version = page_key(request), request_data_version(request)
        if not request.META.get(REFRESH):
            entry: Entry | None = cache.get(key)
            if entry is not None and (entry.is_fresh(version) or cache.get(REBUILD_PENDING)):
                not_modified = get_conditional_response(request, etag=entry.etag)
                return _public_headers(not_modified, entry.etag) if not_modified else entry.response(request)
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming or _never_stored(response):
            return response
        return _store(key, version, response).response(request)

    return wrapped
