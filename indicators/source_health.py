"""What the admins' source-health page shows: per indicator its table and pulls, and whether the token works."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from indicators.ingestion import RunInterrupted, lease_expired
from indicators.models import Indicator, IngestionRun
from indicators.sandbox_demo import pulls_from_sandbox


@dataclass(frozen=True)
class IndicatorHealth:
    indicator: Indicator
    last_success: IngestionRun | None
    last_attempt: IngestionRun | None  # the newest pull that ended, or whose process died
    current: IngestionRun | None = None  # a pull running now (its lease is alive)

    @property
    def interrupted(self) -> bool:
        """The newest pull's process stopped before it could record an outcome (marked so or not yet)."""
        attempt = self.last_attempt
        return attempt is not None and (
            attempt.status == IngestionRun.Status.RUNNING or attempt.error_kind == RunInterrupted.kind
        )

    @property
    def failing(self) -> bool:
        """The newest pull failed or was interrupted."""
        return self.last_attempt is not None and (
            self.last_attempt.status == IngestionRun.Status.FAILED or self.interrupted
        )

    @property
    def rows_changed(self) -> int | None:
        """Rows the last successful pull inserted or updated."""
        if self.last_success is None:
            return None
        return self.last_success.rows_inserted + self.last_success.rows_updated


@dataclass(frozen=True)
class TokenHealth:
    configured: bool
    sandbox: bool  # demo mode without a token: the sandbox is the source, with its demo token
    works: bool | None  # None: no call has told us yet
    last_auth_error: IngestionRun | None
    deciding_run: IngestionRun | None  # the newest run that told whether the token works

    @property
    def tested_on_sandbox(self) -> bool:
        """The verdict came from the sandbox server, not the real Jobindsats."""
        return self.deciding_run is not None and self.deciding_run.data_origin == "sandbox"


@dataclass(frozen=True)
class SourceHealth:
    indicators: list[IndicatorHealth]
    token: TokenHealth
    last_catalogue: IngestionRun | None


def _latest(runs, **filters) -> Subquery:
    return Subquery(runs.filter(**filters).order_by("-started_at").values("pk")[:1])


def _token_health() -> TokenHealth:
    # The newest call that reached the server tells: a success means the token was accepted, an auth error not.
    # Sandbox successes count too, or a refusal there would be shown forever after the demo token was fixed.
    decisive = IngestionRun.objects.filter(
        Q(status=IngestionRun.Status.SUCCEEDED) | Q(error_kind="auth")
    ).order_by("-started_at")
    latest = decisive.first()
    last_auth_error = decisive.filter(error_kind="auth").first()
    works = None if latest is None else latest.error_kind != "auth"
    return TokenHealth(
        configured=bool(settings.JOBINDSATS_API_TOKEN),
        sandbox=pulls_from_sandbox(),
        works=works,
        last_auth_error=last_auth_error,
        deciding_run=latest,
    )


def source_health(*, now: datetime | None = None) -> SourceHealth:
    """Every Jobindsats indicator with its bound table, last successful pull and last attempt (fixed queries).

    A run whose process died counts as an attempt (interrupted) as soon as its lease expires, before the next
    catch-up marks it so.
    """
    dead = lease_expired(now=now or timezone.now())
    runs = IngestionRun.objects.filter(indicator=OuterRef("pk"))
    ended = runs.filter(~Q(status=IngestionRun.Status.RUNNING) | dead)
    indicators = list(
        Indicator.objects.filter(source=Indicator.Source.JOBINDSATS)
        .select_related("table")
        .annotate(
            last_success_id=_latest(runs, status=IngestionRun.Status.SUCCEEDED),
            last_attempt_id=_latest(ended),
            current_id=_latest(runs.filter(status=IngestionRun.Status.RUNNING).exclude(dead)),
        )
        .order_by("code")
    )
    wanted = {pk for i in indicators for pk in (i.last_success_id, i.last_attempt_id, i.current_id)}
    by_id = IngestionRun.objects.in_bulk([pk for pk in wanted if pk is not None])
    rows = [
        IndicatorHealth(
            i, by_id.get(i.last_success_id), by_id.get(i.last_attempt_id), by_id.get(i.current_id)
        )
        for i in indicators
    ]
    catalogue = IngestionRun.objects.filter(kind=IngestionRun.Kind.CATALOGUE).order_by("-started_at").first()
    return SourceHealth(indicators=rows, token=_token_health(), last_catalogue=catalogue)
