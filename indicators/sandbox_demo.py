"""Demo data for `make run`: the sandbox on loopback, catalogued, bound and pulled exactly like the real source.

In demo mode without a Jobindsats token the sandbox *is* the source: `source_client()` is what the admin's
binding form talks to, and the source-health page says so (`pulls_from_sandbox()`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from indicators.catalogue import bind_indicator, sync_catalogue
from indicators.ingestion import ingest_indicators
from indicators.jobindsats import JobindsatsClient
from indicators.models import Indicator, IngestionRun
from indicators.sandbox import DEFAULT_TOKEN, TABLES, SandboxServer

# What the source-health page names as the token in use when the sandbox is the source.
SANDBOX_TOKEN = DEFAULT_TOKEN

# Seeded indicator → (sandbox table, measure id). A measure id is given where the table has several counts.
DEMO_BINDINGS: dict[str, tuple[str, str | None]] = {
    "mm17-andel-opkvalificering": ("mm17a01", None),
    "mm17-antal-opkvalificering": ("mm17a01", "measmm17_1"),
    "mm13-andel-beskaeftigede": ("mm13a01", None),
    "mm13-antal-befolkning": ("mm13a01", "measmm13_1"),
    "forgaeves-rekrutteringer-antal": ("rek01h", None),
    "forgaeves-rekrutteringer-andel": ("rek01h", None),
}


@dataclass(frozen=True)
class DemoPull:
    bound: int
    runs: list[IngestionRun]

    @property
    def rows_written(self) -> int:
        """Observations inserted or updated by this demo step (0 when the data was there already)."""
        return sum(run.rows_inserted + run.rows_updated for run in self.runs)


def _measure_label(table_id: str, measure_id: str | None) -> str | None:
    if measure_id is None:
        return None
    return next(m.label for m in TABLES[table_id].measures if m.measure_id == measure_id)


def _bind_unbound(client: JobindsatsClient) -> int:
    """Bind the seeded indicators an admin has not bound yet; never touch an admin's own binding."""
    bound = 0
    for code, (table_id, measure_id) in DEMO_BINDINGS.items():
        indicator = Indicator.objects.filter(code=code, table__isnull=True).first()
        if indicator is not None:
            bind_indicator(
                indicator=indicator,
                table_id=table_id,
                client=client,
                measure_label=_measure_label(table_id, measure_id),
            )
            bound += 1
    return bound


def pulls_from_sandbox() -> bool:
    """Demo mode without a Jobindsats token: the site's source is the sandbox (production never is)."""
    return settings.DEMO_MODE and not settings.JOBINDSATS_API_TOKEN


@contextmanager
def sandbox_client() -> Iterator[JobindsatsClient]:
    """A client for the sandbox, started on a free loopback port for as long as the block runs."""
    with SandboxServer(host="127.0.0.1", port=0, token=SANDBOX_TOKEN) as server:
        client = JobindsatsClient(base_url=server.url, token=server.token, pause_seconds=0, max_retries=2)
        try:
            yield client
        finally:
            client.close()


@contextmanager
def source_client() -> Iterator[JobindsatsClient]:
    """A client for the site's source: Jobindsats with the token from the environment, or the sandbox in demo mode
    without a token (so `make run`'s admin can bind indicators like a production admin)."""
    if pulls_from_sandbox():
        with sandbox_client() as client:
            yield client
        return
    client = JobindsatsClient.from_settings()
    try:
        yield client
    finally:
        client.close()


def load_sandbox_demo() -> DemoPull:
    """Start the sandbox on a free loopback port, sync its catalogue, bind the seeded indicators, pull them."""
    with sandbox_client() as client:
        sync_catalogue(client=client)
        bound = _bind_unbound(client)
        demo_tables = {table_id for table_id, _ in DEMO_BINDINGS.values()}
        indicators = Indicator.objects.filter(
            code__in=DEMO_BINDINGS, table__table_id__in=demo_tables, is_active=True
        ).select_related("table")
        runs = ingest_indicators(indicators=indicators, client=client)
    return DemoPull(bound=bound, runs=runs)
