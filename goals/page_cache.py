"""Rendered public pages served again to anonymous visitors, from the shared cache, until the data they show changes.

An entry is found by the page's language, the site's origin, its path and its canonical query: the query
parameters the view names (cached_page(params=...)), and nothing else, so a visitor cannot add entries with
parameters no view reads (`?ref=1`, tracking tags); the view sees only those parameters too, so what the page
shows (its language links, say) can never carry another visitor's additions. A page that told its visitor part of
its address was ignored (a year or a period that does not exist: ignoring()) is answered but never stored, nor is
one whose parameters carry surrounding spaces: neither is a page anyone links to. It holds the data version it was
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
import weakref
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache, wraps
from hashlib import sha256
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.context_processors import csrf
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


# The version query as a prepared statement on each PostgreSQL connection: planning its eight subqueries took three
# times as long as running them (0.65 ms a read against 0.2 ms prepared), and every page and API answer reads it.
VERSION_STATEMENT = "maaltavlen_data_version"
# The driver's connections known to hold it (a reconnect makes a new one, which prepares it anew).
_prepared: weakref.WeakSet = weakref.WeakSet()


def _version_statement() -> str:
    """What reads the data version on this (open) connection: EXECUTE of the prepared statement on PostgreSQL."""
    if connection.vendor != "postgresql":
        return _version_sql()
    raw = connection.connection
    if raw not in _prepared:
        # On the driver's own cursor, as Django sets up its connections: no query of the request's. A prepared
        # statement lives as long as the session, whatever becomes of the transaction it was made in.
        with raw.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [VERSION_STATEMENT])
            if cursor.fetchone() is None:
                cursor.execute(f"PREPARE {VERSION_STATEMENT} AS {_version_sql()}")
        _prepared.add(raw)
    return f"EXECUTE {VERSION_STATEMENT}"


def data_version() -> str:
    """A fingerprint that changes whenever a pull finishes or goals, plans, targets or indicators are edited."""
    with connection.cursor() as cursor:
        cursor.execute(_version_statement())
        return "|".join(str(value) for value in cursor.fetchone())


def version_of(request: HttpRequest) -> str:
    """The data version for this request, read once however many parts of the request ask (cached_page, a view)."""
    version = getattr(request, "data_version", None)
    if version is None:
        version = request.data_version = data_version()
    return version


def request_data_version(request: HttpRequest) -> str | None:
    """The data version pages are cached under for this request (version_of); None while caching is off."""
    return version_of(request) if settings.PAGE_CACHE_SECONDS else None


T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


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


def kept_pieces(
    names: dict[K, str], version: str | None, build: Callable[[list[K]], dict[K, T]], *, refresh: bool = False
) -> dict[K, T]:
    """Pieces of data (one indicator's figures for one area, say), from the shared cache under this data version,
    in one round trip; build(missing items) reads all the missing ones at once and they are kept for the next page.

    names: item → the piece's name, which says all that decides it (no language: pieces are data, not words).
    version and refresh as for kept().
    """
    if version is None:
        return build(list(names))
    keys = {item: f"{name}:" + sha256(version.encode()).hexdigest() for item, name in names.items()}
    found = {} if refresh else cache.get_many(list(keys.values()))
    pieces = {item: found[key] for item, key in keys.items() if key in found}
    missing = [item for item in keys if item not in pieces]
    if missing:
        built = build(missing)
        pieces |= {item: built[item] for item in missing}
        cache.set_many({keys[item]: pieces[item] for item in missing}, settings.PAGE_CACHE_SECONDS)
    return pieces


def site_origin(request: HttpRequest) -> str:
    """Scheme and host that absolute URLs on a page start with: SITE_URL, else the request's own."""
    return settings.SITE_URL or f"{request.scheme}://{request.get_host()}"


def site_context(request: HttpRequest) -> dict[str, str]:
    """Template context: `site_origin` for absolute URLs (embed codes)."""
    return {"site_origin": site_origin(request)}


def part_context(request: HttpRequest) -> dict:
    """The context a part of a page rendered on its own (to be kept, say) reads of the request: the visitor, their
    CSRF token (read only if a form names it), the language and the site's origin. Not the context processors: the
    page's frame runs those once, and one of them (the data-origin banner) is a query while nothing is kept."""
    return {
        "request": request,
        "user": request.user,
        "LANGUAGE_CODE": get_language(),
        "csrf_token": csrf(request)["csrf_token"],
    } | site_context(request)


def page_key(request: HttpRequest) -> str:
    """The cache key of the page a request asks for: language, origin, path and query (canonical by cached_page)."""
    page = f"{get_language()}|{site_origin(request)}|{request.get_full_path()}"
    return "page:" + sha256(page.encode()).hexdigest()


def canonical_query(query: QueryDict, params: Iterable[str], lists: Iterable[str]) -> QueryDict:
    """The parameters a view reads, as it reads them: the last value of each of `params` (QueryDict.get), every
    value of each of `lists` (QueryDict.getlist); whatever else the query holds is left out."""
    canonical = QueryDict(mutable=True)
    for name in params:
        if name in query:
            canonical[name] = query[name]
    for name in lists:
        if name in query:
            canonical.setlist(name, query.getlist(name))
    canonical._mutable = False
    return canonical


def _canonical_request(request: HttpRequest, params: Iterable[str], lists: Iterable[str]) -> None:
    # The view, its templates (the language links) and the page key read the same query: the canonical one.
    request.GET = canonical_query(request.GET, params, lists)
    request.META["QUERY_STRING"] = request.GET.urlencode()


IGNORED = "page_cache_ignored"


def ignoring(response: HttpResponse, notices: list[str]) -> HttpResponse:
    """The response, never stored for others when its notices tell the visitor part of the address was ignored.

    Such an address (a year or period that does not exist) is nobody's link to share, and any number of them can be
    made up: storing each would let anyone fill the shared cache.
    """
    return for_this_visitor(response) if notices else response


def for_this_visitor(response: HttpResponse) -> HttpResponse:
    """The response, never stored for others: its address is one of the endless ones anyone can make up.

    A year or period that does not exist (ignoring()), a filter that matches nothing, a list of the visitor's own
    choosing: each answer would be an entry of its own, and any number of them would fill the shared cache (in
    production also the broker's Redis). Such an answer is built for its visitor, as cheaply as a cached one is not.
    """
    setattr(response, IGNORED, True)
    return response


def _spaced(query: QueryDict) -> bool:
    # " 2024" and "2024" may show the same page; only the plain one is stored, so spaces cannot make new entries.
    return any(value != value.strip() for values in query.lists() for value in values[1])


def _personal(request: HttpRequest) -> bool:
    # Logged-in users see edit links, messages and their municipality's drafts (goals/local_indicators.py); a
    # session or message cookie means the page is personal, and so does a signed-in user however recognised.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _never_stored(response: HttpResponse) -> bool:
    # A view that marked its page personal (a draft plan shown to its municipality's users) is shared with nobody.
    # (A page for one visitor alone, for_this_visitor(), never comes this far: cached_page answers it first.)
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


# A page built for one visitor's made-up address (see ignoring()) is compressed for that visitor alone, so at zlib's
# fastest level: a third of the time of GZipMiddleware's level 6 (≈0.35 against ≈1 ms for the comparison page's
# 84 KB), for ≈20 % more bytes (13.9 against 11.4 KB). A stored page keeps level 6: compressed once, sent often.
# Only anonymous pages come here (cached_page answers personal ones first): no CSRF token for BREACH to guess at.
ONE_VISITOR_LEVEL = 1


def _compressed_for_one(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The page gzip-compressed at the fastest level when the browser accepts it (GZipMiddleware then leaves it)."""
    patch_vary_headers(response, ("Accept-Encoding",))
    if "gzip" not in request.headers.get("Accept-Encoding", "") or len(response.content) < 200:
        return response
    response.content = gzip.compress(response.content, compresslevel=ONE_VISITOR_LEVEL, mtime=0)
    response["Content-Length"] = str(len(response.content))
    response["Content-Encoding"] = "gzip"
    return response


def cached_page(
    view: Callable[..., HttpResponse] | None = None, *, params: Iterable[str] = (), lists: Iterable[str] = ()
):
    """Serve the view's 200 responses from the shared cache while the data version is the same (see module doc).

    params: the query parameters the view reads one value of (the last, as QueryDict.get); lists: those it reads
    every value of (QueryDict.getlist). The view sees these only; with neither, it reads no query at all.
    `@cached_page` or `@cached_page(params=("aar",))`.
    """
    params, lists = tuple(params), tuple(lists)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            _canonical_request(request, params, lists)
            spaced = _spaced(request.GET)
            if _personal(request):
                response = view(request, *args, **kwargs)
                # A personal page is stored nowhere, not even by the browser.
                add_never_cache_headers(response)
                return response
            if request.method != "GET" or not settings.PAGE_CACHE_SECONDS:
                return view(request, *args, **kwargs)
            key, version = page_key(request), request_data_version(request)
            if not request.META.get(REFRESH):
                entry: Entry | None = cache.get(key)
                if entry is not None and (entry.is_fresh(version) or cache.get(REBUILD_PENDING)):
                    not_modified = get_conditional_response(request, etag=entry.etag)
                    return (
                        _public_headers(not_modified, entry.etag) if not_modified else entry.response(request)
                    )
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            if spaced or getattr(response, IGNORED, False):
                return _compressed_for_one(request, response)
            if _never_stored(response):
                return response
            return _store(key, version, response).response(request)

        return wrapped

    return decorate(view) if view is not None else decorate
