"""Ask Jobindsats for one indicator's periods and areas, in chunks under the cell limit, and parse the rows.

A chunk whose reply is byte for byte what the last successful pull got for the same request is not parsed nor
written (its digest is kept with the run); every other reply is parsed column by column (rows.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings

from indicators.ingestion.errors import IndicatorNotReady, IngestionError
from indicators.ingestion.rows import AreaLookup, Pull, PullBuilder
from indicators.jobindsats import (
    ALL,
    AREA_HIERARCHY_KINDS,
    CONTEXT_HIERARCHIES,
    ROOT,
    DataTable,
    JobindsatsClient,
    JobindsatsResponseError,
    TableMetadata,
    check_breakdown_totals,
)
from indicators.jobindsats import periods_per_request as cells_fit
from indicators.models import Indicator, IngestionRun
from indicators.periods import months_between, parse_period

# Jobindsats revises recent months (late registrations, API.md § Periods): re-read this many every run.
REPULL_MONTHS = 24
# Part of every chunk's key: bump it when parsing or mapping changes what a reply stores, so that replies
# skipped as unchanged by an earlier version are read again.
DIGEST_VERSION = "1"


def ignored_rows_text(count: int) -> str:
    """Why a pull left rows out, in words; "Uoplyst område" is the only reason (hierarchies.UNKNOWN_AREA_NAMES)."""
    if not count:
        return "ingen rækker sprunget over"
    return (
        f"{count} rækker for «Uoplyst område» sprunget over (borgere uden kendt bopælskommune: "
        "ikke en kommune, region eller et RAR-område, som Måltavlen viser)"
    )


# --- What to ask for ------------------------------------------------------------------------------------
def periods_to_pull(*, indicator: Indicator, metadata: TableMetadata, since: str | None = None) -> list[str]:
    """The table's valid period ids to request: everything first time, else the newest 24 months and the gap."""
    available = list(metadata.periods.get(indicator.period_type) or ())
    if not available:
        raise IndicatorNotReady(
            f"Tabellen {metadata.table_id} har ingen perioder af typen {indicator.period_type!r} længere. "
            f"Tabellens periodetyper: {', '.join(metadata.periods) or 'ingen'}. Bind indikatoren igen."
        )
    if since:
        start = parse_period(since).start
        chosen = [code for code in available if parse_period(code).start >= start]
        if not chosen:
            raise IngestionError(
                f"Tabellen {metadata.table_id} har ingen perioder fra {since}; den nyeste er {available[-1]}."
            )
        return chosen
    newest = parse_period(available[-1]).start
    stored = indicator.observations.order_by("-period_start").values_list("period_start", flat=True).first()
    if stored is None:
        return available
    window_start = min(stored, newest)
    return [
        code
        for code in available
        if months_between(parse_period(code).start, newest) < REPULL_MONTHS
        or parse_period(code).start >= window_start
    ]


def periods_per_request(*, indicator: Indicator, metadata: TableMetadata, hierarchy_id: str) -> int:
    """How many periods fit in one data request under settings.JOBINDSATS_MAX_CELLS (API.md § Errors and limits)."""
    selectors = {hierarchy_id: ALL, **{key: str(value) for key, value in indicator.breakdown_filters.items()}}
    measures = 1 if indicator.measure_id else sum(len(group.measures) for group in metadata.mgroups)
    return cells_fit(
        metadata=metadata, hierarchies=selectors, measures=measures, max_cells=settings.JOBINDSATS_MAX_CELLS
    )


def area_hierarchies(*, indicator: Indicator, metadata: TableMetadata) -> list[str]:
    """The area hierarchies to request: the indicator's own, then RAR areas/regions when the table has them."""
    own = indicator.area_hierarchy
    if own not in AREA_HIERARCHY_KINDS:
        raise IndicatorNotReady(
            f"Områdehierarkiet {own!r} på {indicator.code} kendes ikke; brug et af {', '.join(AREA_HIERARCHY_KINDS)}."
        )
    if metadata.hierarchy(own) is None:
        raise IndicatorNotReady(f"Tabellen {metadata.table_id} har ikke områdehierarkiet {own!r} længere.")
    context = [h for h in CONTEXT_HIERARCHIES if h != own and metadata.hierarchy(h) is not None]
    return [own, *context]


def chunks(*, periods: list[str], available: tuple[str, ...], size: int) -> list[list[str]]:
    """The periods to request, in windows of `size` fixed on the table's period list.

    Fixed windows ask for the same periods in every pull, so an unchanged window's reply has the same digest
    even when the pull starts a month later.
    """
    position = {code: i for i, code in enumerate(available)}
    windows: dict[int, list[str]] = {}
    for code in periods:
        windows.setdefault(position[code] // size, []).append(code)
    return list(windows.values())


@dataclass
class _Request:
    """One pull's requests: the parts that stay the same across its chunks, and the digests it may skip by."""

    indicator: Indicator
    client: JobindsatsClient
    metadata: TableMetadata
    periods: list[str]
    provisional: set[str]
    labels: set[str]
    previous: dict[str, list]

    def replies(self, hierarchy_id: str, selector: str) -> Iterator[tuple[str, DataTable]]:
        """(chunk key, reply) per chunk of periods, each under the cell limit; unchanged replies not parsed."""
        indicator = self.indicator
        size = periods_per_request(indicator=indicator, metadata=self.metadata, hierarchy_id=hierarchy_id)
        breakdowns = {key: str(value) for key, value in indicator.breakdown_filters.items()}
        mgroups = {indicator.mgroup_id: indicator.measure_id} if indicator.mgroup_id else {"*": "*"}
        table_id = indicator.table.table_id
        available = self.metadata.periods[indicator.period_type]
        for chunk in chunks(periods=self.periods, available=available, size=size):
            hierarchies = {hierarchy_id: selector, **breakdowns}
            key = _chunk_key(
                table_id,
                indicator.measure_label,
                hierarchies,
                mgroups,
                chunk,
                self.provisional.intersection(chunk),
            )
            known = self.previous.get(key)
            reply = self.client.data(
                table_id,
                periods={indicator.period_type: chunk},
                hierarchies=hierarchies,
                mgroups=mgroups,
                measure_labels=self.labels,
                known_digest=known[0] if known else "",
            )
            yield key, reply


def _chunk_key(
    table_id: str, label: str, hierarchies: dict, mgroups: dict, chunk: list, provisional: set
) -> str:
    """What a chunk's stored rows depend on besides the reply itself: the request, its provisional periods and
    DIGEST_VERSION; hashed to keep the run's record small."""
    parts = (
        table_id,
        label,
        sorted(hierarchies.items()),
        sorted(mgroups.items()),
        chunk,
        sorted(provisional),
    )
    return hashlib.blake2b(repr((DIGEST_VERSION, *parts)).encode(), digest_size=12).hexdigest()


def previous_digests(indicator: Indicator) -> dict[str, list]:
    """The chunk digests of the indicator's last successful pull: their data is what is stored.

    None ({}) when there is no such pull, or when the indicator's rows are gone (deleted by hand): a digest
    vouches for stored rows, never for rows that are not there.
    """
    last = (
        IngestionRun.objects.filter(indicator=indicator, status=IngestionRun.Status.SUCCEEDED)
        .order_by("-started_at")
        .values_list("reply_digests", flat=True)
        .first()
    )
    if not last or not has_observations(indicator):
        return {}
    return last


def has_observations(indicator: Indicator) -> bool:
    """Whether the indicator has any stored row, read from the unique key's index.

    Ordered by that key: an unordered EXISTS may be planned as a scan of the table (PostgreSQL drops a subquery's
    ORDER BY and LIMIT there), which for an indicator with no rows reads all of it (88 ms an indicator while a
    first pull filled the table, bench/ingest.py). The write step asks it too, to tell a first pull.
    """
    key = indicator.observations.order_by("area_id", "breakdown", "period").values_list("pk", flat=True)
    return key.first() is not None


# --- Fetching ----------------------------------------------------------------------------------------------
def _check_binding(indicator: Indicator, metadata: TableMetadata) -> None:
    """The table still has the bound measure, and every breakdown's total is one we recognise."""
    if metadata.measure_by_name(indicator.measure_label) is None:
        measures = ", ".join(repr(m.name) for group in metadata.mgroups for m in group.measures) or "ingen"
        raise IndicatorNotReady(
            f"Tabellen {metadata.table_id} har ikke længere målet {indicator.measure_label!r}, som "
            f"{indicator.code} er bundet til. Tabellens mål: {measures}. Bind indikatoren igen."
        )
    try:
        check_breakdown_totals(metadata, indicator.breakdown_filters)
    except JobindsatsResponseError as exc:
        raise IndicatorNotReady(str(exc)) from None


@dataclass
class PullPlan:
    """What a pull will ask for, settled from the database and the table's metadata before any data is read."""

    request: _Request
    builder: PullBuilder
    hierarchies: list[str]  # the indicator's own area hierarchy first, then the context ones


def plan_pull(*, indicator: Indicator, client: JobindsatsClient, since: str | None = None) -> PullPlan:
    """Everything a pull reads from the database (and the table's metadata), so reading the data needs neither."""
    if not indicator.is_bound or not indicator.period_type:
        raise IndicatorNotReady(
            f"{indicator.code} er ikke bundet til en Jobindsats-tabel med mål og periodetype. "
            "Bind den i admin eller med manage.py jobindsats_bind."
        )
    metadata = client.table(indicator.table.table_id)
    _check_binding(indicator, metadata)
    periods = periods_to_pull(indicator=indicator, metadata=metadata, since=since)
    all_periods = metadata.periods[indicator.period_type]
    provisional = set(all_periods[-indicator.provisional_months :]) if indicator.provisional_months else set()
    labels = {measure.name for group in metadata.mgroups for measure in group.measures}
    labels.add(indicator.measure_label)
    request = _Request(indicator, client, metadata, periods, provisional, labels, previous_digests(indicator))
    builder = PullBuilder(
        period_type=indicator.period_type, requested=periods, provisional=provisional, areas=AreaLookup()
    )
    return PullPlan(request, builder, area_hierarchies(indicator=indicator, metadata=metadata))


def read_pull(plan: PullPlan, *, progress: Callable[[int], None] | None = None) -> Pull:
    """Request every chunk of the plan and parse it. Never touches the database, so it may run in a thread."""
    request, builder = plan.request, plan.builder
    own, *_ = plan.hierarchies
    seen = {"rows": 0, "country": False}
    for hierarchy_id in plan.hierarchies:
        _read(request, builder, hierarchy_id, ALL, seen, progress)
        if hierarchy_id == own and not seen["rows"]:
            # An empty reply is not "no data": the metadata promised these periods. Never record it as success.
            periods = request.periods
            raise IngestionError(
                f"Jobindsats sendte ingen rækker for tabel {request.metadata.table_id} ({periods[0]}–{periods[-1]}, "
                f"hierarki {own}). Prøv igen senere; sker det igen, så tjek tabellen på jobindsats.dk."
            )
    if builder.areas.country_id is not None and not seen["country"]:
        # "*" may leave out the root; "/" asks for it (API.md § Data: "/" is "Hele landet" for _nykom).
        _read(request, builder, own, ROOT, seen, progress)
    return builder.finish()


def fetch(
    *,
    indicator: Indicator,
    client: JobindsatsClient,
    since: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Pull:
    """Request every chunk of the pull and parse it; nothing is written, so a failure leaves no trace in data."""
    return read_pull(plan_pull(indicator=indicator, client=client, since=since), progress=progress)


def _read(
    request: _Request,
    builder: PullBuilder,
    hierarchy_id: str,
    selector: str,
    seen: dict,
    progress: Callable[[int], None] | None,
) -> None:
    """Every chunk of one hierarchy selection into the builder; an unchanged chunk counts its earlier rows."""
    pull = builder.pull
    for key, reply in request.replies(hierarchy_id, selector):
        if reply.unchanged:
            _, kept, ignored, has_country = pull.digests[key] = list(request.previous[key])
            pull.unchanged += kept
        else:
            added = builder.add(
                reply, hierarchy_id=hierarchy_id, label=request.indicator.measure_label, chunk_key=key
            )
            if added.kept and not added.has_total:
                raise IngestionError(
                    f"Jobindsats' svar for tabel {reply.table_id} har ingen rækker for opdelingens total ('i alt'), "
                    "så siderne ville stå uden tal. Opdelingens værdier i svaret: "
                    f"{', '.join(map(repr, added.members)) or 'ingen'}. Er en af dem totalen, skal reglen for "
                    "totaler kende den (indicators/jobindsats); ellers bind indikatoren uden opdelingen."
                )
            kept, ignored, has_country = added.kept, added.ignored, added.has_country
            pull.digests[key] = [reply.digest, kept, ignored, has_country]
        pull.ignored += ignored
        seen["rows"] += kept + ignored
        seen["country"] = seen["country"] or has_country
        if progress is not None:
            progress(kept + ignored)
