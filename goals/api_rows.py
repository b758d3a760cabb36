"""Pages of observations as the JSON API lists them (goals/api.py): rows as tuples, the small-number rule applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from indicators.models import Observation

# The order of the unique key (breakdown is fixed by the filter), so a page is an index range, not a sort of every
# row, and pages neither overlap nor skip. Within an indicator, period codes sort as their starts.
OBSERVATION_ORDER = ("indicator_id", "area_id", "period")


@lru_cache(maxsize=4)
def _shown_rows(min_base: int) -> QuerySet:
    """Every observation as the API lists it, the small-number rule applied, filtered per request.

    Built once per threshold (with_shown_value reads it from the setting): a request then only adds its filters.
    Filtering copies it, so it is never evaluated. `fetched_at` comes as text (iso_utc): parsing a timestamp per
    row, only to format it again, took an eighth of a page's time.
    """
    return (
        Observation.objects.with_shown_value()
        .annotate(fetched_text=Cast("fetched_at", TextField()))
        .order_by(*OBSERVATION_ORDER)
        .values_list("indicator_id", "area_id", "period", "breakdown", "shown", "provisional", "fetched_text")
    )


# Values that stand for a request's filter values while a first page's SQL is compiled (_first_page_sql), each
# unlike any value a filter or the rule's own parameters hold, so each is found once among the compiled parameters.
_PLACEHOLDERS = {
    "breakdown": "\x00breakdown",  # a NUL: no query string may carry one (config/query_guard.py)
    "indicator_id": -2_000_000_001,
    "area_id": -2_000_000_002,
    "period_start__gte": date(1, 1, 1),
    "period_start__lte": date(1, 1, 2),
}


def _db_value(lookup: str, value: object) -> object:
    """The value as the database takes it for this filter (what Django puts among a query's parameters)."""
    field = Observation._meta.get_field(lookup.split("__")[0])
    return field.get_db_prep_value(value, connection, prepared=False)


@dataclass(frozen=True)
class PageSQL:
    """A first page's SQL for one set of filter names, compiled once: a request only puts in its values."""

    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]  # (index among params, filter name)

    def params_for(self, filters: dict, size: int) -> list:
        """The parameters for these filter values (the names compiled for) and this many rows."""
        params = list(self.params)
        for index, name in self.slots:
            params[index] = _db_value(name, filters[name])
        return [*params, size]


@lru_cache(maxsize=64)
def _first_page_sql(min_base: int, names: tuple[str, ...]) -> PageSQL:
    """_shown_rows filtered on these names, as SQL with a LIMIT parameter, compiled from the ORM once.

    Turning the queryset into SQL took a fifth of a page's time, the same work for every request with the same
    filter names; the SQL stays the ORM's (the small-number rule is written once, in with_shown_value).
    """
    sql, params = (
        _shown_rows(min_base).filter(**{name: _PLACEHOLDERS[name] for name in names}).query.sql_with_params()
    )
    slots = []
    for name in names:
        found = [i for i, param in enumerate(params) if param == _db_value(name, _PLACEHOLDERS[name])]
        if len(found) != 1:
            raise RuntimeError(f"the compiled page holds the value for {name!r} {len(found)} times, not once")
        slots.append((found[0], name))
    # LIMIT after ORDER BY is the same in PostgreSQL and SQLite.
    return PageSQL(sql=f"{sql} LIMIT %s", params=tuple(params), slots=tuple(slots))


def shown_page(filters: dict, start: int, stop: int) -> list[tuple]:
    """Rows start to stop of the observations filtered so, as the API lists them."""
    if start == 0:
        page = _first_page_sql(settings.SUPPRESSION_MIN_BASE, tuple(sorted(filters)))
        with connection.cursor() as cursor:
            cursor.execute(page.sql, page.params_for(filters, stop))
            return cursor.fetchall()
    # Past the first page the rows skipped are found on the index alone: PostgreSQL would compute the rule's
    # subquery for every row it skips to reach an offset, and page 3,000 of the unfiltered list took a second.
    rows = _shown_rows(settings.SUPPRESSION_MIN_BASE).filter(**filters)
    page = Observation.objects.filter(**filters).order_by(*OBSERVATION_ORDER).values("pk")[start:stop]
    return list(rows.filter(pk__in=page))


@lru_cache(maxsize=4096)
def iso_utc(text: str) -> str:
    """A stored timestamp's text (PostgreSQL's in UTC, SQLite's naive UTC) as ISO 8601 with its UTC offset.

    Cached: an indicator's rows share the moment they were fetched, so a page holds a few distinct ones.
    """
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
