"""Scale simulation (prints figures, not a test): today's data × --factor, pulled, re-pulled and read.

    .venv/bin/python bench/scale.py [--database-url URL] [--factor 10]

Today's national dataset is ≈1.2M observations (27 indicators, 2018M01→, every breakdown). The simulation
grows it the way it will grow: every monthly sandbox table from 2008M01 instead of 2018M01 (2.1× the
periods), every measure and breakdown, and more indicators bound to them (the municipalities' own local
series, at the national shape) until the rows are --factor × today's. The same code as bench/ingest.py pulls
it (replies made before the clock, everything else timed), then it prints the first pull, an unchanged
re-pull, a cold build of the status and comparison pages (through Django's test client, every cache cleared: the
first request after the pull, which also pays the process's start, and the median of five more) and the
database's size. The default (10×, ≈12M rows) takes minutes on a quiet 2-core machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest as bench  # noqa: E402 - bench/ingest.py, beside this file

FIRST_PERIOD = "2008M01"


def grow_tables() -> float:
    """Start every monthly sandbox table in 2008 (as MM13 does on Jobindsats); returns the growth in periods."""
    from indicators.sandbox import world

    before = len(world.period_ids(world.TABLES["mm17a01"], today=bench.TODAY))
    for table_id in bench.MONTHLY_TABLES:
        world.TABLES[table_id] = dataclasses.replace(world.TABLES[table_id], first_period=FIRST_PERIOD)
    world._horizon_series.cache_clear()
    return len(world.period_ids(world.TABLES["mm17a01"], today=bench.TODAY)) / before


def cold_pages(rounds: int = 5) -> dict[str, float]:
    """Seconds to build the status and comparison pages with no cache: the first request after the pull, which also
    pays the process's one-time start (templates, URL patterns, the database's cold buffers), then the median of
    `rounds` more, every cache cleared before each (what a page built from scratch costs at this size)."""
    import statistics

    from django.core.cache import cache
    from django.test import Client

    client, seconds = Client(HTTP_HOST="localhost"), {}
    urls = {
        "status page": "/kommune/randers/",
        "comparison page": "/sammenlign/mm17-andel-opkvalificering/?kommune=randers",
    }
    timings = {name: [] for name in urls}
    for _ in range(1 + rounds):
        for name, url in urls.items():
            cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings[name].append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
    for name, measured in timings.items():
        seconds[f"{name}, first request"] = measured[0]
        seconds[f"{name}, median of {rounds}"] = statistics.median(measured[1:])
    return seconds


def sizes() -> dict[str, int]:
    """Bytes on disk: the observation table with its indexes, its indexes alone, and the whole database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('indicators_observation'), pg_indexes_size('indicators_observation'), "
            "pg_database_size(current_database())"
        )
        table, indexes, database = cursor.fetchone()
    return {"observations with indexes": table, "of which indexes": indexes, "database": database}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", bench.DEFAULT_DATABASE_URL))
    parser.add_argument("--factor", type=float, default=10.0, help="rows as a multiple of today's ≈1.2M")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench/scale.py measures PostgreSQL: give a postgres:// --database-url.")
    bench.setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection

    from indicators.catalogue import sync_catalogue
    from indicators.models import IngestionRun

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    growth = grow_tables()
    replicas = max(1, math.ceil(args.factor * 3 / growth))
    client = bench.ReplayClient()
    sync_catalogue(client=client)
    indicators = bench.bench_indicators(client, replicas)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE indicators_observation, indicators_observationrevision")
    IngestionRun.objects.filter(indicator__in=indicators).delete()

    first = bench.pull_all(indicators, client, since=None)
    repull = bench.pull_all(indicators, client, since=FIRST_PERIOD)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE indicators_observation")
    pages = cold_pages()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = first["rows"]
    print(
        f"{len(indicators)} indicators, {rows:,} observations = {rows / bench.ISSUE_ROWS:.1f}× today "
        f"({FIRST_PERIOD}–2026M11: {growth:.1f}× the periods, {replicas} indicators per table and measure)"
    )
    print(
        f"first pull          {first['seconds']:8.1f} s  {rows / first['seconds']:>10,.0f} rows/s  "
        f"(reading replies {first['read']:.1f} s)"
    )
    print(
        f"unchanged re-pull   {repull['seconds']:8.1f} s  wrote {repull['written']} rows  "
        f"({repull['seconds'] / first['seconds']:.2f}× the first pull)"
    )
    for name, seconds in pages.items():
        print(f"cold {name:<30}{seconds * 1000:8.0f} ms")
    for name, size in sizes().items():
        print(f"{name:<26}{size / 2**20:8,.0f} MB  ({size / rows:.0f} bytes per observation)")
    print(f"peak memory {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
