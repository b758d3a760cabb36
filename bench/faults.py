"""Fault benchmark (prints figures, not a test): pulls through a real worker and beat while things break.

    .venv/bin/python bench/faults.py [--database-url URL] [--redis-url URL] [--cases NAME,…]
                                     [--lease-seconds 180] [--catch-up-seconds 300] [--timeout-minutes 15]

Each case starts from an empty copy of the bound indicators, starts `celery worker` (prefork) and `celery beat`
(the database schedule) as subprocesses against the sandbox Jobindsats server on loopback, breaks something, and
waits until the data is complete again: every row a clean pull writes, with the same value. It prints per case
whether the fault was recovered automatically or reported on the source-health page (a failed or interrupted run
with its reason), rows a failed pull half-wrote, rows lost and duplicate rows at the end, and the minutes until
the data was complete. A fault that needs a person (a refused token, a renamed column) is cleared by the bench
after it was reported, and the next daily round (`ingest_due`) is sent, as an admin would.

Cases (default: all that leave PostgreSQL and Redis running):
  worker-kill-child   SIGKILL of the worker's pool process mid-pull (redelivered at once: reject_on_worker_lost)
  worker-kill-main    SIGKILL of the whole worker mid-pull, restarted 5 s later (the catch-up after the lease)
  sandbox-<kind>      each sandbox fault: 401 429 500 503 slow malformed renamed_label unknown_area
  postgres-stop-mid   PostgreSQL stopped with -m immediate mid-pull, started 10 s later     (stops a service)
  postgres-stop-after PostgreSQL stopped with -m immediate right after a pull reported done (stops a service)
  redis-stop-tick     Redis stopped across beat's 06:30-style tick, started 60 s later       (stops a service)

The service-stopping cases stop the machine's PostgreSQL or Redis for everyone: run them only on a quiet machine,
and name them in --cases. Targets (issue 11): 0 rows lost, 0 duplicates, complete within 10 minutes.
The production lease is 180 s and the catch-up runs every 300 s; shorter values make the bench quicker and are
printed with the results.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/maaltavlen_faults"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/10"
INDICATORS = ("mm17-andel-opkvalificering", "mm13-andel-beskaeftigede")
SANDBOX_FAULTS = ("401", "429", "500", "503", "slow", "malformed", "renamed_label", "unknown_area")
# Faults that a person must clear (the token, the data's shape); the others pass with the client's retries.
NEEDS_A_PERSON = {"401", "malformed", "renamed_label", "unknown_area"}
SAFE_CASES = ["worker-kill-child", "worker-kill-main", *[f"sandbox-{kind}" for kind in SANDBOX_FAULTS]]
SERVICE_CASES = ["postgres-stop-mid", "postgres-stop-after", "redis-stop-tick"]
PG_CTL = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main"]


@dataclass
class Outcome:
    case: str
    recovered: str
    reported: bool
    half_written: int
    lost: int
    duplicates: int
    minutes: float | None


def setup_django(database_url: str) -> None:
    """Create the database if missing and set Django up on it (as bench/ingest.py does), then migrate it."""
    from ingest import setup_django as setup_bench_database  # bench/ is this script's own folder on sys.path

    setup_bench_database(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


class Processes:
    """The worker and beat as subprocesses, configured through the environment like production."""

    def __init__(self, env: dict, logs: Path) -> None:
        self.env, self.logs = env, logs
        self.worker: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None

    def _start(self, *args: str, name: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "a")  # noqa: SIM115 - the process keeps it
        command = [sys.executable, "-m", "celery", "-A", "config", *args, "--loglevel=INFO"]
        return subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_worker(self) -> None:
        self.worker = self._start(
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            name="worker",
        )

    def start_beat(self) -> None:
        self.beat = self._start(
            "beat", f"--pidfile={self.logs / 'beat.pid'}", f"--schedule={self.logs / 'beat'}", name="beat"
        )

    def pool_children(self) -> list[int]:
        pid = self.worker.pid
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def stop(self) -> None:
        for process in (self.worker, self.beat):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.worker = self.beat = None


def reference_rows(sandbox) -> dict:
    """Every indicator's rows as a clean pull in this process writes them: {(indicator, area, period, breakdown): value}."""
    from indicators.catalogue import bind_indicator, sync_catalogue
    from indicators.ingestion import ingest_indicator
    from indicators.jobindsats import JobindsatsClient
    from indicators.models import Indicator

    client = JobindsatsClient(base_url=sandbox.url, token=sandbox.token, pause_seconds=0)
    sync_catalogue(client=client)
    tables = {"mm17-andel-opkvalificering": "mm17a01", "mm13-andel-beskaeftigede": "mm13a01"}
    for code in INDICATORS:
        indicator = bind_indicator(
            indicator=Indicator.objects.get(code=code), table_id=tables[code], client=client
        )
        ingest_indicator(indicator=indicator, client=client)
    rows = current_rows()
    reset()
    return rows


def current_rows() -> dict:
    from indicators.models import Observation

    query = Observation.objects.filter(indicator__code__in=INDICATORS)
    return {
        (code, area, period, breakdown): value
        for code, area, period, breakdown, value in query.values_list(
            "indicator__code", "area_id", "period", "breakdown", "value"
        )
    }


def duplicate_rows() -> int:
    from indicators.models import Observation

    query = Observation.objects.filter(indicator__code__in=INDICATORS)
    return query.count() - query.values("indicator", "area", "period", "breakdown").distinct().count()


def reset() -> None:
    """No observations or indicator runs of the bench's indicators; the catalogue run stays (synced today)."""
    from django.db import close_old_connections

    from indicators.models import IngestionRun, Observation

    close_old_connections()
    Observation.objects.filter(indicator__code__in=INDICATORS).delete()
    IngestionRun.objects.filter(indicator__code__in=INDICATORS).delete()


def reported() -> bool:
    """The source-health page shows a failed or interrupted pull with its reason for a bench indicator."""
    from indicators.source_health import source_health

    rows = [row for row in source_health().indicators if row.indicator.code in INDICATORS]
    return any(row.failing and (row.last_attempt.error or row.interrupted) for row in rows)


def send(task: str, broker: str) -> None:
    from celery import Celery

    Celery("bench", broker=broker).send_task(task)


def wait_until(condition, *, timeout: float, step: float = 1.0) -> float | None:
    """Seconds until condition() held, or None at the timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if condition():
                return time.monotonic() - start
        except Exception:  # noqa: BLE001, S112 - a service may be down on purpose; look again
            from django.db import close_old_connections

            close_old_connections()
        time.sleep(step)
    return None


def running_pull() -> bool:
    from indicators.models import IngestionRun

    return IngestionRun.objects.filter(
        indicator__code__in=INDICATORS, status=IngestionRun.Status.RUNNING
    ).exists()


def run_case(
    case: str, *, reference: dict, sandbox, processes: Processes, broker: str, timeout: float
) -> Outcome:
    """Break something mid-pull, then wait for the data to be complete again."""
    reset()
    sandbox.reset()
    kind = case.removeprefix("sandbox-")
    # Set before the worker starts: its start-up catch-up pulls everything (nothing was pulled yet).
    if case in ("worker-kill-child", "worker-kill-main", "postgres-stop-mid"):
        sandbox.set_fault("slow", times=1, delay=4, endpoint="data")  # a pull to break in the middle
    elif case.startswith("sandbox-"):
        if kind in NEEDS_A_PERSON:
            sandbox.set_fault(kind, endpoint="data")  # until a person fixes it
        else:
            sandbox.set_fault(kind, times=2, endpoint="data", retry_after=1, delay=2)
    elif case == "redis-stop-tick":
        _daily_pull_in(minutes=1)
        subprocess.run(["redis-cli", "-u", broker, "shutdown", "nosave"], check=False)
    started = time.monotonic()
    processes.start_worker()
    processes.start_beat()
    was_reported, half_written = False, 0

    if case == "worker-kill-child":
        wait_until(running_pull, timeout=60, step=0.2)
        for child in processes.pool_children():
            os.kill(child, signal.SIGKILL)
    elif case == "worker-kill-main":
        wait_until(running_pull, timeout=60, step=0.2)
        children = processes.pool_children()
        processes.worker.kill()
        for child in children:
            os.kill(child, signal.SIGKILL)
        processes.worker.wait()
        time.sleep(5)  # a supervisor (compose's restart policy, systemd) starts it again
        processes.start_worker()
    elif case.startswith("sandbox-") and kind in NEEDS_A_PERSON:
        wait_until(reported, timeout=120)
        was_reported = reported()
        half_written = len(current_rows())
        sandbox.clear_fault()
        send("indicators.tasks.ingest_due", broker)  # the next daily round, or an admin's "run now"
    elif case == "postgres-stop-mid":
        wait_until(running_pull, timeout=60, step=0.2)
        subprocess.run([*PG_CTL, "stop", "-m", "immediate"], check=True)
        time.sleep(10)
        subprocess.run([*PG_CTL, "start"], check=True)
    elif case == "postgres-stop-after":
        from indicators.models import IngestionRun

        done = IngestionRun.objects.filter(
            indicator__code__in=INDICATORS, status=IngestionRun.Status.SUCCEEDED
        )
        wait_until(done.exists, timeout=120, step=0.05)
        subprocess.run([*PG_CTL, "stop", "-m", "immediate"], check=True)
        time.sleep(5)
        subprocess.run([*PG_CTL, "start"], check=True)
    elif case == "redis-stop-tick":
        time.sleep(90)  # beat's tick passes while the broker is away
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "-::1",
                "--port",
                "6379",
                "--save",
                "",
            ]
            + ["--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"],
            check=True,
        )
    seconds = wait_until(lambda: current_rows() == reference, timeout=timeout)
    was_reported = was_reported or reported()
    processes.stop()
    rows = current_rows()
    lost = sum(1 for key, value in reference.items() if rows.get(key) != value)
    recovered = "yes" if seconds is not None else "no"
    if kind in NEEDS_A_PERSON and seconds is not None:
        recovered = "after a person"
    minutes = (time.monotonic() - started) / 60 if seconds is not None else None
    return Outcome(case, recovered, was_reported, half_written, lost, duplicate_rows(), minutes)


def _daily_pull_in(*, minutes: int) -> None:
    """Move the daily pull's crontab to a few minutes from now (as an admin could)."""
    from django.utils import timezone
    from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks

    when = timezone.localtime() + timezone.timedelta(minutes=minutes)
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=str(when.minute), hour=str(when.hour), timezone="Europe/Copenhagen"
    )
    PeriodicTask.objects.filter(task="indicators.tasks.ingest_due").update(crontab=crontab)
    PeriodicTasks.update_changed()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--cases", default=",".join(SAFE_CASES), help="comma-separated; see above")
    parser.add_argument("--lease-seconds", type=int, default=180)
    parser.add_argument("--catch-up-seconds", type=int, default=300)
    parser.add_argument("--timeout-minutes", type=float, default=15)
    args = parser.parse_args()
    cases = [case.strip() for case in args.cases.split(",") if case.strip()]
    unknown = [case for case in cases if case not in SAFE_CASES + SERVICE_CASES]
    if unknown:
        parser.error(f"unknown cases: {', '.join(unknown)}; known: {', '.join(SAFE_CASES + SERVICE_CASES)}")

    setup_django(args.database_url)
    import redis
    from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

    from indicators.sandbox import SandboxServer

    redis.Redis.from_url(args.redis_url).flushdb()
    interval, _ = IntervalSchedule.objects.get_or_create(every=args.catch_up_seconds, period="seconds")
    PeriodicTask.objects.filter(task="indicators.tasks.catch_up").update(interval=interval)
    PeriodicTasks.update_changed()
    sandbox = SandboxServer(token="bench-sandbox-token").start()  # noqa: S106 - the sandbox's demo token
    reference = reference_rows(sandbox)
    logs = Path(tempfile.mkdtemp(prefix="maaltavlen-faults-"))
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": args.database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": args.redis_url,
        "JOBINDSATS_BASE_URL": sandbox.url,
        "JOBINDSATS_API_TOKEN": sandbox.token,
        "JOBINDSATS_PAUSE_SECONDS": "0",
        "JOBINDSATS_TIMEOUT_SECONDS": "30",
        "INGEST_LEASE_SECONDS": str(args.lease_seconds),
    }
    processes = Processes(env, logs)
    print(
        f"{len(reference)} rows per complete pull of {', '.join(INDICATORS)}; lease {args.lease_seconds} s, "
        f"catch-up every {args.catch_up_seconds} s, worker visibility timeout per settings; logs in {logs}"
    )
    header = f"{'case':<22} {'recovered':<15} {'reported':<9} {'half-written':>12} {'lost':>6} {'dupl.':>6} {'min. to complete':>17}"
    print(header)
    print("-" * len(header))
    try:
        for case in cases:
            outcome = run_case(
                case,
                reference=reference,
                sandbox=sandbox,
                processes=processes,
                broker=args.redis_url,
                timeout=args.timeout_minutes * 60,
            )
            minutes = f"{outcome.minutes:.1f}" if outcome.minutes is not None else "never"
            print(
                f"{outcome.case:<22} {outcome.recovered:<15} {'yes' if outcome.reported else 'no':<9} "
                f"{outcome.half_written:>12} {outcome.lost:>6} {outcome.duplicates:>6} {minutes:>17}",
                flush=True,
            )
    finally:
        processes.stop()
        sandbox.stop()


if __name__ == "__main__":
    main()
