"""Upsert one pull's rows: COPY + INSERT … ON CONFLICT on PostgreSQL, the same semantics with the ORM on SQLite."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.backends.utils import CursorWrapper

from indicators.ingestion.fetch import Pull
from indicators.models import Indicator, IngestionRun, Observation, ObservationRevision


@dataclass(frozen=True)
class WriteCounts:
    inserted: int
    updated: int
    unchanged: int


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


_HAS_ROWS_SQL = "SELECT EXISTS (SELECT 1 FROM indicators_observation WHERE indicator_id = %(indicator)s)"
_OBSERVATION_COLUMNS = "indicator_id, area_id, period, breakdown, period_type, period_start, value, suppressed, provisional, fetched_at"


def _copy_first_pull(
    cursor: CursorWrapper, *, indicator: Indicator, pull: Pull, now: datetime
) -> WriteCounts:
    """An indicator's first pull: nothing to compare or revise, so COPY straight into the table, in key order.

    Safe without ON CONFLICT because the caller holds the indicator's lock: no other pull can insert its rows.
    """
    head = (indicator.pk,)
    with cursor.cursor.copy(f"COPY indicators_observation ({_OBSERVATION_COLUMNS}) FROM STDIN") as copy:
        for key in sorted(pull.rows):
            period_start, value, suppressed, provisional = pull.rows[key]
            copy.write_row(head + key + (pull.period_type, period_start, value, suppressed, provisional, now))
    return WriteCounts(inserted=len(pull.rows), updated=0, unchanged=0)


def _write_postgresql(*, indicator: Indicator, pull: Pull, run: IngestionRun, now: datetime) -> WriteCounts:
    """COPY into a temporary table, keep revisions of changed values, then one INSERT … ON CONFLICT.

    An indicator's first pull skips the staging (nothing stored yet to compare with).
    """
    params = {"indicator": indicator.pk, "run": run.pk, "now": now, "period_type": pull.period_type}
    with connection.cursor() as cursor:
        cursor.execute(_HAS_ROWS_SQL, params)
        if not cursor.fetchone()[0]:
            return _copy_first_pull(cursor, indicator=indicator, pull=pull, now=now)
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
