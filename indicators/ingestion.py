"""Client → parse → upsert → IngestionRun: one indicator's pull, written in one transaction or not at all."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from indicators.jobindsats import (
    DataRow,
    JobindsatsAuthError,
    JobindsatsClient,
    JobindsatsError,
    JobindsatsRequestError,
    JobindsatsUnavailable,
    TableMetadata,
)
from indicators.models import Indicator, IngestionRun, Observation, ObservationRevision
from indicators.periods import UnknownPeriodFormat, months_between, parse_period
from municipalities.models import Area

logger = logging.getLogger(__name__)

# Jobindsats revises recent months (late registrations, API.md § Periods): re-read this many every run.
REPULL_MONTHS = 24
UNKNOWN_AREA_NAME = "uoplyst område"
COUNTRY_NAMES = {"hele landet"}
# Which kind of Area a hierarchy's members are (API.md § Table metadata).
HIERARCHY_KINDS = {
    "_nykom": Area.Kind.MUNICIPALITY,
    "_kom": Area.Kind.MUNICIPALITY,
    "_reko": Area.Kind.RAR,
    "_rar": Area.Kind.RAR,
    "_region": Area.Kind.REGION,
    "_hele_landet": Area.Kind.COUNTRY,
}
# Context hierarchies pulled besides the indicator's own, when the table has them.
CONTEXT_HIERARCHIES = ("_reko", "_region")
_FOUR_PLACES = Decimal("0.0001")


class IngestionError(Exception):
    """A pull that cannot be completed for a reason on our side or in the data; message in Danish."""

    kind = "data"


class IndicatorNotReady(IngestionError):
    """The indicator is not bound to a table, measure and period type that the table still has."""

    kind = "binding"


class UnknownArea(IngestionError):
    """A reply named an area we do not know; the run fails naming it rather than guessing."""

    def __init__(self, name: str, *, hierarchy_id: str) -> None:
        super().__init__(
            f"Ukendt område i svaret fra Jobindsats: {name!r} (hierarki {hierarchy_id}). "
            "Ret områdets navn under Områder, så det staves som i Jobindsats, og hent igen."
        )
        self.name = name


def error_kind(error: BaseException) -> str:
    """A short, stable name for a failure, stored on IngestionRun.error_kind (auth, unavailable, …)."""
    if isinstance(error, JobindsatsAuthError):
        return "auth"
    if isinstance(error, JobindsatsUnavailable):
        return "unavailable"
    if isinstance(error, JobindsatsRequestError):
        return "request"
    if isinstance(error, IngestionError):
        return error.kind
    if isinstance(error, JobindsatsError):
        return "response"
    return "internal"


@dataclass
class Pull:
    """The parsed rows of one pull, keyed by (area id, period, breakdown), before anything is written."""

    period_type: str
    rows: dict[tuple[int, str, str], tuple] = field(default_factory=dict)
    ignored: int = 0


@dataclass(frozen=True)
class WriteCounts:
    inserted: int
    updated: int
    unchanged: int


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
        return [code for code in available if parse_period(code).start >= start]
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


def _hierarchy_size(metadata: TableMetadata, hierarchy_id: str, selector: str = "*") -> int:
    hierarchy = metadata.hierarchy(hierarchy_id)
    if hierarchy is None or selector == "/":
        return 1
    if selector.startswith("level:"):
        level_id = selector.removeprefix("level:")
        return sum(len(level.values) for level in hierarchy.levels if level.level_id == level_id) or 1
    if selector != "*":
        return len(selector.split(","))
    return sum(len(level.values) for level in hierarchy.levels) + 1


def periods_per_request(*, indicator: Indicator, metadata: TableMetadata, hierarchy_id: str) -> int:
    """How many periods fit in one data request under settings.JOBINDSATS_MAX_CELLS (API.md § Errors and limits)."""
    cells_per_period = _hierarchy_size(metadata, hierarchy_id)
    for breakdown_id, selector in indicator.breakdown_filters.items():
        cells_per_period *= _hierarchy_size(metadata, breakdown_id, str(selector))
    if not indicator.measure_id:
        cells_per_period *= max(1, sum(len(group.measures) for group in metadata.mgroups))
    return max(1, settings.JOBINDSATS_MAX_CELLS // cells_per_period)


def area_hierarchies(*, indicator: Indicator, metadata: TableMetadata) -> list[str]:
    """The area hierarchies to request: the indicator's own, then RAR areas/regions when the table has them."""
    own = indicator.area_hierarchy
    if own not in HIERARCHY_KINDS:
        raise IndicatorNotReady(
            f"Områdehierarkiet {own!r} på {indicator.code} kendes ikke; brug et af {', '.join(HIERARCHY_KINDS)}."
        )
    if metadata.hierarchy(own) is None:
        raise IndicatorNotReady(f"Tabellen {metadata.table_id} har ikke områdehierarkiet {own!r} længere.")
    context = [h for h in CONTEXT_HIERARCHIES if h != own and metadata.hierarchy(h) is not None]
    return [own, *context]


# --- Parsing a reply into rows -------------------------------------------------------------------------
class _AreaLookup:
    """Area names as Jobindsats spells them → Area ids, per kind (Bornholm is a municipality and a RAR area)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], int] = {}
        for area_id, kind, name in Area.objects.values_list("id", "kind", "name"):
            self._ids[(kind, self._normal(name))] = area_id
        self.country_id = self._ids.get((Area.Kind.COUNTRY, "hele landet"))

    @staticmethod
    def _normal(name: str) -> str:
        name = " ".join(name.split()).casefold()
        for prefix in ("region ", "rar "):
            name = name.removeprefix(prefix)
        return name

    def area_id(self, name: str, *, hierarchy_id: str) -> int | None:
        """The Area id, None for "Uoplyst område"; UnknownArea for anything else we do not know."""
        normal = self._normal(name)
        if normal == UNKNOWN_AREA_NAME:
            return None
        if normal in COUNTRY_NAMES and self.country_id is not None:
            return self.country_id
        area_id = self._ids.get((HIERARCHY_KINDS[hierarchy_id], normal))
        if area_id is None:
            raise UnknownArea(name, hierarchy_id=hierarchy_id)
        return area_id


def breakdown_key(breakdown: tuple[tuple[str, str], ...]) -> str:
    """The stored breakdown: "dimension=member" pairs joined by ";"; "" is the total (the client drops "i alt")."""
    return ";".join(f"{key}={name}" for key, name in breakdown)


def _value(row: DataRow, label: str, table_id: str) -> tuple[Decimal | None, bool]:
    cell = row.cells.get(label)
    if cell is None:
        raise IngestionError(
            f"Kolonnen {label!r} mangler i svaret fra Jobindsats for tabel {table_id}; svarets kolonner: "
            f"{', '.join(map(repr, row.cells)) or 'ingen'}. Bind indikatoren til det rigtige mål igen."
        )
    if cell.value is None:
        return None, True
    try:
        return cell.value.quantize(_FOUR_PLACES), cell.suppressed
    except InvalidOperation as exc:
        raise IngestionError(f"Værdien {cell.value} i tabel {table_id} er for stor til at gemme.") from exc


def _add_rows(
    pull: Pull,
    rows: tuple[DataRow, ...],
    *,
    indicator: Indicator,
    areas: _AreaLookup,
    hierarchy_id: str,
    provisional: set[str],
) -> None:
    # Hot loop (a million rows in the benchmark): names and periods are resolved once each, not per row.
    label, table_id, store = indicator.measure_label, indicator.table.table_id, pull.rows
    area_ids: dict[str, int | None] = {}
    starts: dict[str, date] = {}
    for row in rows:
        name, period = row.area_name, row.period
        if name not in area_ids:
            area_ids[name] = areas.area_id(name, hierarchy_id=hierarchy_id)
        area_id = area_ids[name]
        if area_id is None:
            pull.ignored += 1
            continue
        if period not in starts:
            starts[period] = parse_period(period).start
        key = (area_id, period, breakdown_key(row.breakdown) if row.breakdown else "")
        if key not in store:
            value, suppressed = _value(row, label, table_id)
            store[key] = (starts[period], value, suppressed, period in provisional)


# --- Fetching ----------------------------------------------------------------------------------------------
def fetch(
    *,
    indicator: Indicator,
    client: JobindsatsClient,
    since: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Pull:
    """Request every chunk of the pull and parse it; nothing is written, so a failure leaves no trace in data."""
    if not indicator.is_bound or not indicator.period_type:
        raise IndicatorNotReady(
            f"{indicator.code} er ikke bundet til en Jobindsats-tabel med mål og periodetype. "
            "Bind den i admin eller med manage.py jobindsats_bind."
        )
    table_id = indicator.table.table_id
    metadata = client.table(table_id)
    periods = periods_to_pull(indicator=indicator, metadata=metadata, since=since)
    all_periods = metadata.periods[indicator.period_type]
    provisional = set(all_periods[-indicator.provisional_months :]) if indicator.provisional_months else set()
    mgroups = {indicator.mgroup_id: indicator.measure_id} if indicator.mgroup_id else {"*": "*"}
    labels = {measure.name for group in metadata.mgroups for measure in group.measures}
    labels.add(indicator.measure_label)
    areas = _AreaLookup()
    pull = Pull(period_type=indicator.period_type)
    for hierarchy_id in area_hierarchies(indicator=indicator, metadata=metadata):
        size = periods_per_request(indicator=indicator, metadata=metadata, hierarchy_id=hierarchy_id)
        for start in range(0, len(periods), size):
            reply = client.data(
                table_id,
                periods={indicator.period_type: periods[start : start + size]},
                hierarchies={
                    hierarchy_id: "*",
                    **{k: str(v) for k, v in indicator.breakdown_filters.items()},
                },
                mgroups=mgroups,
                measure_labels=labels,
            )
            _add_rows(
                pull,
                reply.rows,
                indicator=indicator,
                areas=areas,
                hierarchy_id=hierarchy_id,
                provisional=provisional,
            )
            if progress is not None:
                progress(len(reply.rows))
    return pull


# --- Writing ---------------------------------------------------------------------------------------------
def write(*, indicator: Indicator, pull: Pull, run: IngestionRun, now: datetime) -> WriteCounts:
    """Upsert the pull's rows; unchanged rows are not touched, a changed value is first kept as a revision.

    Call inside a transaction that holds the indicator's row lock, so two pulls of one indicator take turns.
    """
    if connection.vendor == "postgresql":
        return _write_postgresql(indicator=indicator, pull=pull, run=run, now=now)
    return _write_portable(indicator=indicator, pull=pull, run=run, now=now)


_STAGE_SQL = """
    DROP TABLE IF EXISTS pg_temp.ingest_stage, pg_temp.ingest_changed;
    CREATE TEMP TABLE ingest_stage (
        area_id bigint NOT NULL, period varchar(16) NOT NULL, breakdown varchar(200) NOT NULL,
        period_start date NOT NULL, value numeric(18, 4), suppressed boolean NOT NULL, provisional boolean NOT NULL
    ) ON COMMIT DROP
"""
# New rows and rows whose value or flags differ; unchanged rows are never touched (no dead tuples, no locks).
_CHANGED_SQL = """
    CREATE TEMP TABLE ingest_changed ON COMMIT DROP AS
    SELECT s.*, o.id AS observation_id, o.value AS old_value, o.suppressed AS old_suppressed,
           o.provisional AS old_provisional, o.fetched_at AS old_fetched_at
    FROM ingest_stage s
    LEFT JOIN indicators_observation o
      ON o.indicator_id = %(indicator)s AND o.area_id = s.area_id AND o.period = s.period
         AND o.breakdown = s.breakdown
    WHERE o.id IS NULL
       OR (o.value, o.suppressed, o.provisional) IS DISTINCT FROM (s.value, s.suppressed, s.provisional)
"""
_REVISIONS_SQL = """
    INSERT INTO indicators_observationrevision
        (observation_id, value, suppressed, provisional, fetched_at, replaced_at, run_id)
    SELECT observation_id, old_value, old_suppressed, old_provisional, old_fetched_at, %(now)s, %(run)s
    FROM ingest_changed
    WHERE observation_id IS NOT NULL
      AND (old_value, old_suppressed) IS DISTINCT FROM (value, suppressed)
    ON CONFLICT ON CONSTRAINT indicators_revision_one_per_fetch DO NOTHING
"""
_UPSERT_SQL = """
    WITH upserted AS (
        INSERT INTO indicators_observation AS o
            (indicator_id, area_id, period_type, period, period_start, breakdown, value, suppressed, provisional,
             fetched_at)
        SELECT %(indicator)s, area_id, %(period_type)s, period, period_start, breakdown, value, suppressed,
               provisional, %(now)s
        FROM ingest_changed
        ORDER BY area_id, period, breakdown  -- in key order: the unique index is filled page by page
        ON CONFLICT ON CONSTRAINT indicators_observation_one_per_period DO UPDATE SET
            value = EXCLUDED.value,
            suppressed = EXCLUDED.suppressed,
            provisional = EXCLUDED.provisional,
            fetched_at = CASE WHEN (o.value, o.suppressed) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.suppressed)
                              THEN EXCLUDED.fetched_at ELSE o.fetched_at END
        WHERE (o.value, o.suppressed, o.provisional)
              IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.suppressed, EXCLUDED.provisional)
        RETURNING (xmax = 0) AS inserted
    )
    SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
"""


def _write_postgresql(*, indicator: Indicator, pull: Pull, run: IngestionRun, now: datetime) -> WriteCounts:
    """COPY into a temporary table, keep revisions of changed values, then one INSERT … ON CONFLICT."""
    params = {"indicator": indicator.pk, "run": run.pk, "now": now, "period_type": pull.period_type}
    with connection.cursor() as cursor:
        # A pull is idempotent and repeated until it succeeds, so it need not wait for its WAL flush at commit:
        # a crash right after commit loses at most this pull, never consistency (the run record goes with it).
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(_STAGE_SQL)
        columns = "area_id, period, breakdown, period_start, value, suppressed, provisional"
        with cursor.cursor.copy(f"COPY ingest_stage ({columns}) FROM STDIN") as copy:
            for key, rest in pull.rows.items():
                copy.write_row(key + rest)
        cursor.execute("ANALYZE ingest_stage")
        cursor.execute(_CHANGED_SQL, params)
        cursor.execute(_REVISIONS_SQL, params)
        cursor.execute(_UPSERT_SQL, params)
        inserted, updated = cursor.fetchone()
        cursor.execute("DROP TABLE ingest_stage, ingest_changed")
    return WriteCounts(inserted, updated, len(pull.rows) - inserted - updated)


def _write_portable(*, indicator: Indicator, pull: Pull, run: IngestionRun, now: datetime) -> WriteCounts:
    """The same semantics with the ORM, for SQLite (the embedded database of `make run`)."""
    existing = {
        (obs.area_id, obs.period, obs.breakdown): obs
        for obs in Observation.objects.filter(indicator=indicator, period__in={key[1] for key in pull.rows})
    }
    new, changed, revisions = [], [], []
    for key, (period_start, value, suppressed, provisional) in pull.rows.items():
        obs = existing.get(key)
        if obs is None:
            new.append(
                Observation(
                    indicator=indicator,
                    area_id=key[0],
                    period=key[1],
                    breakdown=key[2],
                    period_type=pull.period_type,
                    period_start=period_start,
                    value=value,
                    suppressed=suppressed,
                    provisional=provisional,
                    fetched_at=now,
                )
            )
            continue
        value_changed = obs.value != value or obs.suppressed != suppressed
        if not value_changed and obs.provisional == provisional:
            continue
        if value_changed:
            revisions.append(
                ObservationRevision(
                    observation=obs,
                    value=obs.value,
                    suppressed=obs.suppressed,
                    provisional=obs.provisional,
                    fetched_at=obs.fetched_at,
                    replaced_at=now,
                    run=run,
                )
            )
            obs.value, obs.suppressed, obs.fetched_at = value, suppressed, now
        obs.provisional = provisional
        changed.append(obs)
    ObservationRevision.objects.bulk_create(revisions, batch_size=2000)
    Observation.objects.bulk_create(new, batch_size=2000)
    Observation.objects.bulk_update(
        changed, ["value", "suppressed", "provisional", "fetched_at"], batch_size=2000
    )
    return WriteCounts(len(new), len(changed), len(pull.rows) - len(new) - len(changed))


# --- One pull, start to finish ------------------------------------------------------------------------------
def ingest_indicator(
    *,
    indicator: Indicator,
    client: JobindsatsClient,
    since: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestionRun:
    """Pull one indicator and upsert it in one transaction; every outcome leaves an IngestionRun.

    A failure records a failed run (observations untouched) and re-raises, so a task can retry transient ones.
    """
    run = IngestionRun.objects.create(
        kind=IngestionRun.Kind.INDICATOR,
        indicator=indicator,
        table_id=indicator.table.table_id if indicator.table_id else "",
        table_update_latest_raw=indicator.table.update_latest_raw if indicator.table_id else "",
        started_at=timezone.now(),
    )
    try:
        pull = fetch(indicator=indicator, client=client, since=since, progress=progress)
        with transaction.atomic():
            # Claim the indicator: a second pull of it waits here, then finds the first one's rows unchanged.
            Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
            counts = write(indicator=indicator, pull=pull, run=run, now=timezone.now())
            run.rows_inserted, run.rows_updated, run.rows_unchanged = (
                counts.inserted,
                counts.updated,
                counts.unchanged,
            )
            run.rows_ignored = pull.ignored
            _finish(run, client, status=IngestionRun.Status.SUCCEEDED)
    except (JobindsatsError, IngestionError, UnknownPeriodFormat) as exc:
        _finish(run, client, status=IngestionRun.Status.FAILED, error=exc)
        logger.warning("Hentning af %s fejlede (%s): %s", indicator.code, run.error_kind, run.error)
        raise
    logger.info(
        "Hentede %s: %d nye, %d ændrede, %d uændrede, %d ignorerede rækker",
        indicator.code,
        run.rows_inserted,
        run.rows_updated,
        run.rows_unchanged,
        run.rows_ignored,
    )
    return run


def _finish(run: IngestionRun, client: JobindsatsClient, *, status: str, error: BaseException | None = None):
    run.status = status
    run.finished_at = timezone.now()
    run.data_origin = "sandbox" if client.is_sandbox else "jobindsats"
    if error is not None:
        run.error_kind, run.error = error_kind(error), str(error)[:2000]
    run.save()


# --- What is due ---------------------------------------------------------------------------------------------
def indicators_due() -> QuerySet[Indicator]:
    """Bound, active indicators never pulled, whose last pull failed, or whose table changed since the last success."""
    runs = IngestionRun.objects.filter(indicator=OuterRef("pk"), kind=IngestionRun.Kind.INDICATOR)
    last_status = (
        runs.exclude(status=IngestionRun.Status.RUNNING).order_by("-started_at").values("status")[:1]
    )
    succeeded_on_current = runs.filter(
        status=IngestionRun.Status.SUCCEEDED,
        table_id=OuterRef("table__table_id"),
        table_update_latest_raw=OuterRef("table__update_latest_raw"),
    )
    candidates = Indicator.objects.filter(
        source=Indicator.Source.JOBINDSATS, is_active=True, table__isnull=False
    ).exclude(measure_label="")
    return (
        candidates.annotate(last_status=Subquery(last_status), current=Exists(succeeded_on_current))
        .exclude(current=True, last_status=IngestionRun.Status.SUCCEEDED)
        .select_related("table")
        .order_by("code")
    )
