"""Upsert one pull's rows: COPY + INSERT … ON CONFLICT on PostgreSQL, the same semantics with the ORM elsewhere.

Both writers keep one rule: unchanged rows are not touched, a changed value keeps its earlier one as a revision,
and everything happens in the caller's transaction (nothing partial). The chunk digests go with the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper

from indicators.ingestion.fetch import has_observations
from indicators.ingestion.rows import Pull
from indicators.models import Indicator, IngestionRun, Observation, ObservationRevision


@dataclass(frozen=True)
class WriteCounts:
    inserted: int
    updated: int
    unchanged: int


# --- Writing ---------------------------------------------------------------------------------------------
def write(
    *, indicator: Indicator, pull: Pull, run: IngestionRun, now: datetime, copy: bytes | None = None
) -> WriteCounts:
    """Upsert the pull's rows; unchanged rows are not touched, a changed value is first kept as a revision.

    Call inside a transaction that holds the indicator's row lock, so two pulls of one indicator take turns.
    Rows of replies skipped as unchanged count as unchanged; the run keeps the chunk digests for the next pull.
    `copy` is prepared_copy's text for the same pull and `now`, when it was made beforehand.
    """
    counts = WRITERS[writer_name()](indicator=indicator, pull=pull, run=run, now=now, copy=copy)
    run.reply_digests = pull.digests
    IngestionRun.objects.filter(pk=run.pk).update(reply_digests=pull.digests)
    return WriteCounts(counts.inserted, counts.updated, counts.unchanged + pull.unchanged)


def writer_name() -> str:
    """Which writer this database gets: "postgresql" (COPY and SQL in bulk) or "portable" (the ORM)."""
    return "postgresql" if connection.vendor == "postgresql" else "portable"


_STAGE_SQL = """
    DROP TABLE IF EXISTS pg_temp.ingest_stage, pg_temp.ingest_changed;
    CREATE TEMP TABLE ingest_stage (
        indicator_id bigint NOT NULL, area_id bigint NOT NULL, period varchar(16) NOT NULL,
        breakdown varchar(200) NOT NULL, period_type varchar(8) NOT NULL, period_start date NOT NULL,
        provisional boolean NOT NULL, value numeric(18, 4), suppressed boolean NOT NULL,
        fetched_at timestamptz NOT NULL
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
        ORDER BY area_id, breakdown, period  -- in key order: the unique index is filled page by page
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


# The order of copy_text's fields.
_COPY_COLUMNS = "indicator_id, area_id, period, breakdown, period_type, period_start, provisional, value, suppressed, fetched_at"


_NULL = "\\N"  # COPY's NULL in text format


def _escape(text: str) -> str:
    """A text field in COPY's text format (backslash, tab and line breaks escaped)."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_text(pull: Pull, *, indicator_id: int, now: datetime) -> bytes:
    """The pull's rows as COPY text in key order, each field formatted once per distinct value.

    A row is three pieces (indicator and area; period and breakdown; value, flags and time), each encoded once
    per distinct value; numpy lays the pieces of every row side by side and one bytes.join copies them out, so
    there is no Python work per row nor a str per row (half the time of joining str rows, bench/ingest.py).
    """
    if not len(pull):
        return b""
    n_breakdowns = len(pull.breakdowns)
    period_rank = np.argsort(np.argsort(np.array(pull.periods, dtype=object)))
    breakdown_rank = np.argsort(np.argsort(np.array(pull.breakdowns, dtype=object)))
    # The unique key's order (indicator, area, breakdown, period): its index is filled page by page.
    order = np.lexsort((period_rank[pull.period], breakdown_rank[pull.breakdown], pull.area))
    areas, area_codes = np.unique(pull.area[order], return_inverse=True)
    head = np.array([f"{indicator_id}\t{area}\t".encode() for area in areas.tolist()], dtype=object)
    flag = {True: "t", False: "f"}
    middle = np.array(
        [
            f"{_escape(period)}\t{_escape(breakdown)}\t{pull.period_type}\t{start}\t{flag[provisional]}\t".encode()
            for period, start, provisional in zip(
                pull.periods, pull.period_starts, pull.provisional, strict=True
            )
            for breakdown in pull.breakdowns
        ],
        dtype=object,
    )
    stamp = now.isoformat()
    tail = np.array(
        [
            f"{_NULL if value is None else value}\t{flag[suppressed]}\t{stamp}\n".encode()
            for value, suppressed in pull.values
        ],
        dtype=object,
    )
    pieces = np.empty(3 * len(order), dtype=object)
    pieces[0::3] = head[area_codes.reshape(-1)]
    pieces[1::3] = middle[pull.period[order] * n_breakdowns + pull.breakdown[order]]
    pieces[2::3] = tail[pull.value[order]]
    return b"".join(pieces.tolist())


def prepared_copy(*, indicator: Indicator, pull: Pull, now: datetime) -> bytes | None:
    """The COPY text write() will send for the pull, where the database takes COPY; made before the write.

    Nothing in it needs the indicator's lock or the database, so a pull made of several indicators makes it in
    the thread that reads (run.ingest_indicators), beside the previous indicator's writing.
    """
    if writer_name() != "postgresql" or not len(pull):
        return None
    return copy_text(pull, indicator_id=indicator.pk, now=now)


def _copy(cursor: CursorWrapper, table: str, payload: bytes) -> None:
    """COPY prepared text into a table, in a few large writes."""
    view = memoryview(payload)  # slices of a view, not copies of the bytes
    with cursor.cursor.copy(f"COPY {table} ({_COPY_COLUMNS}) FROM STDIN") as copy:
        for start in range(0, len(payload), 1 << 20):
            copy.write(view[start : start + (1 << 20)])


# What the foreign keys of indicators_observation check for each row, done once per distinct key: the referenced
# rows exist, and are locked FOR KEY SHARE (as the row-by-row check locks them) so none goes away before commit.
_LOCK_KEYS_SQL = """
    SELECT (SELECT count(*) FROM (SELECT 1 FROM indicators_indicator WHERE id = %(indicator)s FOR KEY SHARE) i),
           (SELECT count(*) FROM (SELECT 1 FROM municipalities_area WHERE id = ANY(%(areas)s) FOR KEY SHARE) a)
"""


def _copy_first_pull(cursor: CursorWrapper, *, indicator: Indicator, pull: Pull, payload: bytes) -> None:
    """COPY an indicator's first pull with its foreign keys checked in bulk, where the database allows it.

    Row by row, the two foreign keys cost more than the COPY itself (bench/ingest.py). With the privilege to set
    session_replication_role (a superuser, or GRANT SET ON PARAMETER in PostgreSQL ≥ 15) the per-row checks are
    switched off for this COPY only, after the same check has been made once per distinct key; otherwise the
    database checks every row as usual. Either way a row can only refer to an indicator and an area that exist.
    """
    areas = [int(area) for area in np.unique(pull.area)]
    try:
        with transaction.atomic():  # a savepoint: a refused SET must not abort the pull's transaction
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        _copy(cursor, "indicators_observation", payload)
        return
    # On any failure below the pull's transaction is rolled back, and the SET LOCAL with it.
    cursor.execute(_LOCK_KEYS_SQL, {"indicator": indicator.pk, "areas": areas})
    if cursor.fetchone() != (1, len(areas)):
        raise IntegrityError(
            f"Hentningen af {indicator.code} henviser til en indikator eller et område, der ikke findes "
            "længere (slettet under hentningen?). Intet blev gemt; hent igen."
        )
    _copy(cursor, "indicators_observation", payload)
    cursor.execute("SET LOCAL session_replication_role = origin")


def _write_postgresql(
    *, indicator: Indicator, pull: Pull, run: IngestionRun, now: datetime, copy: bytes | None
) -> WriteCounts:
    """An indicator's first pull: COPY straight into the table (nothing to compare or revise; the caller holds
    the indicator's lock, so no other pull inserts its rows). Later pulls: COPY into a temporary table, keep
    revisions of changed values, then one INSERT … ON CONFLICT that touches changed rows only.
    """
    params = {"indicator": indicator.pk, "run": run.pk, "now": now, "period_type": pull.period_type}
    if not len(pull):
        return WriteCounts(0, 0, 0)
    payload = copy if copy is not None else copy_text(pull, indicator_id=indicator.pk, now=now)
    with connection.cursor() as cursor:
        if not has_observations(indicator):
            _copy_first_pull(cursor, indicator=indicator, pull=pull, payload=payload)
            return WriteCounts(len(pull), 0, 0)
        cursor.execute(_STAGE_SQL)
        _copy(cursor, "ingest_stage", payload)
        cursor.execute("ANALYZE ingest_stage")
        cursor.execute(_CHANGED_SQL, params)
        cursor.execute(_REVISIONS_SQL, params)
        cursor.execute(_UPSERT_SQL, params)
        inserted, updated = cursor.fetchone()
        cursor.execute("DROP TABLE ingest_stage, ingest_changed")
    return WriteCounts(inserted, updated, len(pull) - inserted - updated)


def _write_portable(
    *, indicator: Indicator, pull: Pull, run: IngestionRun, now: datetime, copy: bytes | None
) -> WriteCounts:
    """The same semantics with the ORM, for SQLite (the embedded database of `make run`)."""
    existing = {
        (obs.area_id, obs.period, obs.breakdown): obs
        for obs in Observation.objects.filter(indicator=indicator, period__in=pull.periods)
    }
    new, changed, revisions = [], [], []
    for area_id, period, breakdown, period_start, value, suppressed, provisional in pull.records():
        key = (area_id, period, breakdown)
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
            revisions.append(ObservationRevision.of(obs, replaced_at=now, run=run))
            obs.value, obs.suppressed, obs.fetched_at = value, suppressed, now
        obs.provisional = provisional
        changed.append(obs)
    ObservationRevision.objects.bulk_create(revisions, batch_size=2000)
    Observation.objects.bulk_create(new, batch_size=2000)
    Observation.objects.bulk_update(
        changed, ["value", "suppressed", "provisional", "fetched_at"], batch_size=2000
    )
    return WriteCounts(len(new), len(changed), len(pull) - len(new) - len(changed))


WRITERS: dict[str, Callable[..., WriteCounts]] = {
    "postgresql": _write_postgresql,
    "portable": _write_portable,
}
