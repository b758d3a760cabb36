"""Ingestion benchmark (prints figures, not a test): ≈1M observations from sandbox-shaped replies into PostgreSQL.

    .venv/bin/python bench/ingest.py [--database-url URL] [--replicas 3] [--sample 0.1]

The sandbox's pure reply functions (indicators.sandbox.replies) answer the client's parsing functions
(indicators.jobindsats.parse_*) in process, without HTTP: every monthly sandbox table, every measure, every
breakdown, 98 municipalities + the country (+ RAR areas and regions), 2018M01–2026M11. Each (table, measure) is
pulled by `--replicas` indicators (the seeded ones first) to reach ≈1M rows. It prints the first pull, an
unchanged full re-pull (must write 0 rows), the routine 24-month re-pull, a raw COPY of the same rows into a
bare table (the floor) and the ratio, a naive per-row ORM loop on a sample (extrapolated), and peak memory.
The ingested data is left in the database for bench/pages.py.

Targets (issue 3): first pull ≤ 2× the COPY floor; unchanged re-pull writes 0 rows in ≤ half the first pull;
peak memory ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/maaltavlen_bench"
TODAY = date(2026, 12, 15)  # fixed, so the periods are 2018M01–2026M11 on every run
MONTHLY_TABLES = ("mm17a01", "mm13a01", "y30r21")
SEEDED = {  # (table, measure id) → the seeded indicator that pulls it
    ("mm17a01", "measmm17_3"): "mm17-andel-opkvalificering",
    ("mm17a01", "measmm17_1"): "mm17-antal-opkvalificering",
    ("mm13a01", "measmm13_3"): "mm13-andel-beskaeftigede",
    ("mm13a01", "measmm13_1"): "mm13-antal-befolkning",
}
COLUMNS = "indicator_id, area_id, period_type, period, period_start, breakdown, value, suppressed, provisional, fetched_at"


def setup_django(database_url: str) -> None:
    """Create the database if missing, then set Django up on it (development settings, quiet logs)."""
    import psycopg
    from psycopg import sql

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ.update(
        DEBUG="1", DATABASE_URL=database_url, LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="config.settings"
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class ReplayClient:
    """Answers like JobindsatsClient from the sandbox's reply functions; counts the time spent making replies."""

    is_sandbox = True

    def __init__(self) -> None:
        self.reply_seconds = 0.0

    def catalogue(self):
        from indicators.jobindsats import parse_catalogue
        from indicators.sandbox import catalogue_reply

        return parse_catalogue(catalogue_reply(today=TODAY))

    def table(self, table_id: str):
        from indicators.jobindsats import parse_table_metadata
        from indicators.sandbox import table_reply

        return parse_table_metadata(table_id, table_reply(table_id, today=TODAY))

    def data(self, table_id, *, periods, hierarchies, mgroups, measure_labels):
        from indicators.jobindsats import parse_data
        from indicators.sandbox import data_reply

        started = time.perf_counter()
        query = {f"period.{kind}": ",".join(ids) for kind, ids in periods.items()}
        query |= {f"hierarchy.{key}": selector for key, selector in hierarchies.items()}
        query |= {f"mgroup.{key}": selector for key, selector in mgroups.items()}
        reply = data_reply(table_id, query, today=TODAY, max_cells=10**9)
        parsed = parse_data(table_id, reply, measure_labels=measure_labels, is_sandbox=True)
        self.reply_seconds += time.perf_counter() - started
        return parsed


def bench_indicators(client: ReplayClient, replicas: int) -> list:
    """Every (monthly table, measure) × replicas, bound with all breakdowns; seeded indicators are replica 1."""
    from indicators.catalogue import bind_indicator
    from indicators.models import Indicator
    from indicators.sandbox import TABLES

    indicators = []
    for table_id in MONTHLY_TABLES:
        spec = TABLES[table_id]
        breakdowns = {spec.breakdown.hierarchy_id: "*"} if spec.breakdown else {}
        for measure in spec.measures:
            for replica in range(1, replicas + 1):
                code = SEEDED.get((table_id, measure.measure_id)) if replica == 1 else None
                code = code or f"bench-{table_id}-{measure.measure_id}-r{replica}".replace("_", "-")
                indicator, _ = Indicator.objects.get_or_create(
                    code=code,
                    defaults={"name": f"{measure.label} (benchmark {replica})", "catalogue_hint": table_id},
                )
                indicator.breakdown_filters = breakdowns
                indicator.save(update_fields=["breakdown_filters"])
                indicators.append(
                    bind_indicator(
                        indicator=indicator, table_id=table_id, client=client, measure_label=measure.label
                    )
                )
    return indicators


FETCH_SECONDS = [0.0]


def timed_fetch():
    """Wrap ingestion's fetch step (replies + parsing) with a stopwatch, to split a pull's time."""
    from indicators.ingestion import run

    original = run.fetch

    def fetch(**kwargs):
        started = time.perf_counter()
        try:
            return original(**kwargs)
        finally:
            FETCH_SECONDS[0] += time.perf_counter() - started

    run.fetch = fetch


def pull_all(indicators: list, client: ReplayClient, since: str | None) -> tuple[float, float, int, int]:
    """Pull every indicator; returns (seconds, reply seconds, rows seen, rows written) and prints the split."""
    from indicators.ingestion import ingest_indicator

    client.reply_seconds, FETCH_SECONDS[0] = 0.0, 0.0
    started = time.perf_counter()
    seen = written = 0
    for indicator in indicators:
        run = ingest_indicator(indicator=indicator, client=client, since=since)
        seen += run.rows_inserted + run.rows_updated + run.rows_unchanged
        written += run.rows_inserted + run.rows_updated
    seconds = time.perf_counter() - started
    parse, rest = FETCH_SECONDS[0] - client.reply_seconds, seconds - FETCH_SECONDS[0]
    SPLITS.append(f"replies {client.reply_seconds:.1f} s, parsing {parse:.1f} s, write + commit {rest:.1f} s")
    return seconds, client.reply_seconds, seen, written


SPLITS: list[str] = []


def copy_floor(indicators: list, *, indexed: bool) -> tuple[float, int]:
    """COPY the stored rows again into a scratch table, one indicator per transaction, as the pulls were written.

    Bare: no keys, indexes or foreign keys (the floor of the issue). Indexed: the observation table's own
    indexes, unique key and foreign keys, without any upsert logic (the floor for a table that keeps its integrity).
    """
    from django.db import connection, transaction

    seconds, rows = 0.0, 0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_floor")
        if indexed:
            cursor.execute("CREATE TABLE bench_copy_floor (LIKE indicators_observation INCLUDING ALL)")
            for column, target in (
                ("indicator_id", "indicators_indicator"),
                ("area_id", "municipalities_area"),
            ):
                cursor.execute(
                    f"ALTER TABLE bench_copy_floor ADD FOREIGN KEY ({column}) REFERENCES {target} (id) "
                    "DEFERRABLE INITIALLY DEFERRED"
                )
        else:
            cursor.execute(
                "CREATE TABLE bench_copy_floor (LIKE indicators_observation INCLUDING DEFAULTS INCLUDING IDENTITY)"
            )
        for indicator in indicators:
            cursor.execute(
                f"SELECT {COLUMNS} FROM indicators_observation WHERE indicator_id = %s", [indicator.pk]
            )
            batch = cursor.fetchall()
            started = time.perf_counter()
            with transaction.atomic():
                cursor.execute("SET LOCAL synchronous_commit TO OFF")  # as the ingestion's own transactions
                with cursor.cursor.copy(f"COPY bench_copy_floor ({COLUMNS}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            seconds += time.perf_counter() - started
            rows += len(batch)
        cursor.execute("DROP TABLE bench_copy_floor")
    return seconds, rows


def naive_orm_loop(indicators: list, fraction: float) -> tuple[float, int]:
    """update_or_create per row, as a naive loop would, on a random sample into a scratch indicator."""
    from indicators.models import Indicator, Observation

    scratch, _ = Indicator.objects.get_or_create(
        code="bench-naive-orm", defaults={"name": "Benchmark: naive ORM loop", "catalogue_hint": "bench"}
    )
    Observation.objects.filter(indicator=scratch).delete()
    source = Observation.objects.filter(indicator__in=indicators).values(
        "area_id", "period_type", "period", "period_start", "breakdown", "value", "suppressed", "provisional"
    )
    sample = [row for row in source.iterator(chunk_size=20000) if random.random() < fraction]  # noqa: S311
    started = time.perf_counter()
    for row in sample:
        key = {field: row.pop(field) for field in ("area_id", "period", "breakdown")}
        Observation.objects.update_or_create(
            indicator=scratch, **key, defaults={**row, "fetched_at": scratch_now()}
        )
    seconds = time.perf_counter() - started
    Observation.objects.filter(indicator=scratch).delete()
    scratch.delete()
    return seconds, len(sample)


def scratch_now():
    from django.utils import timezone

    return timezone.now()


def rate(rows: int, seconds: float) -> str:
    return f"{seconds:8.1f} s  {rows / seconds if seconds else 0:>10,.0f} rows/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument(
        "--replicas", type=int, default=3, help="indicators per (table, measure); 3 ≈ 1.2M rows"
    )
    parser.add_argument("--sample", type=float, default=0.1, help="fraction for the naive ORM loop")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench/ingest.py measures PostgreSQL: give a postgres:// --database-url.")
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection

    from indicators.catalogue import sync_catalogue

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = ReplayClient()
    timed_fetch()
    sync_catalogue(client=client)
    indicators = bench_indicators(client, args.replicas)
    with connection.cursor() as cursor:  # a first pull starts from an empty table
        cursor.execute("TRUNCATE indicators_observation, indicators_observationrevision")

    first, first_reply, rows, written = pull_all(indicators, client, since=None)
    repull, repull_reply, repull_rows, repull_written = pull_all(indicators, client, since="2018M01")
    routine, routine_reply, routine_rows, routine_written = pull_all(indicators, client, since=None)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE indicators_observation")
    floor, floor_rows = copy_floor(indicators, indexed=False)
    indexed_floor, _ = copy_floor(indicators, indexed=True)
    naive, naive_rows = naive_orm_loop(indicators, args.sample)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    first_ingest, repull_ingest = first - first_reply, repull - repull_reply
    print(
        f"{len(indicators)} indicators, {rows:,} observations (2018M01–2026M11, all measures and breakdowns)"
    )
    print(f"first pull            {rate(rows, first)}  wrote {written:,}  (replies: {first_reply:.1f} s)")
    print(f"  ingestion only      {rate(rows, first_ingest)}  ({SPLITS[0]})")
    print(
        f"unchanged re-pull     {rate(repull_rows, repull)}  wrote {repull_written:,}  (replies: {repull_reply:.1f} s)"
    )
    print(f"  ingestion only      {rate(repull_rows, repull_ingest)}  ({SPLITS[1]})")
    print(f"routine 24-month pull {rate(routine_rows, routine)}  wrote {routine_written:,}")
    print(f"COPY floor            {rate(floor_rows, floor)}  (bare table: no keys, indexes or foreign keys)")
    print(
        f"COPY, indexed table   {rate(floor_rows, indexed_floor)}  (same indexes, unique key and foreign keys)"
    )
    print(f"naive ORM loop        {rate(naive_rows, naive)}  on a {args.sample:.1%} sample")
    print(f"  extrapolated        {naive / naive_rows * rows if naive_rows else 0:8.1f} s for all rows")
    print(f"peak memory           {peak_mb:8.0f} MB")
    print("targets (ingestion only = without the time the source took to make its replies):")
    print(
        f"  first pull ≤ 2× bare COPY floor    {first_ingest / floor:5.2f}×  (with replies {first / floor:5.2f}×)"
    )
    print(
        f"  … against the indexed COPY         {first_ingest / indexed_floor:5.2f}×  (with replies {first / indexed_floor:5.2f}×)"
    )
    print(
        f"  unchanged re-pull ≤ ½ first pull   {repull_ingest / first_ingest:5.2f}   (with replies {repull / first:5.2f}); wrote {repull_written} rows"
    )
    print(f"  peak memory ≤ 1 GB                 {peak_mb:5.0f} MB")


if __name__ == "__main__":
    main()
