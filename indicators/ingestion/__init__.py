"""Client → parse → upsert → IngestionRun: one indicator's pull, written in one transaction or not at all.

fetch.py asks (nothing is written), rows.py maps the replies' columns into a Pull, write.py upserts it, run.py
ties them together and records the run.
"""

from indicators.ingestion.errors import (
    IndicatorNotReady,
    IngestionError,
    RunInterrupted,
    UnknownArea,
    error_kind,
    error_message,
)
from indicators.ingestion.fetch import (
    REPULL_MONTHS,
    area_hierarchies,
    fetch,
    ignored_rows_text,
    periods_per_request,
    periods_to_pull,
)
from indicators.ingestion.rows import Pull, breakdown_key
from indicators.ingestion.run import (
    expired_runs,
    finish_run,
    indicators_due,
    ingest_indicator,
    ingest_indicators,
    interrupt_expired_runs,
    lease_expired,
    lease_seconds,
    renewed_lease,
    start_run,
)
from indicators.ingestion.write import WriteCounts, write

__all__ = [
    "REPULL_MONTHS",
    "IndicatorNotReady",
    "IngestionError",
    "Pull",
    "RunInterrupted",
    "UnknownArea",
    "WriteCounts",
    "area_hierarchies",
    "breakdown_key",
    "error_kind",
    "error_message",
    "expired_runs",
    "finish_run",
    "fetch",
    "ignored_rows_text",
    "indicators_due",
    "ingest_indicator",
    "ingest_indicators",
    "interrupt_expired_runs",
    "lease_expired",
    "lease_seconds",
    "periods_per_request",
    "periods_to_pull",
    "renewed_lease",
    "start_run",
    "write",
]
