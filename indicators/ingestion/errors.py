"""Why a pull failed: typed errors with Danish messages an admin can act on, and their stored kind."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from indicators.jobindsats import (
    JobindsatsAuthError,
    JobindsatsError,
    JobindsatsRequestError,
    JobindsatsUnavailable,
)
from indicators.periods import UnknownPeriodFormat


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


class RunInterrupted(IngestionError):
    """The process running a pull stopped (killed, restarted, out of memory) before it recorded an outcome."""

    kind = "interrupted"

    def __init__(self, *, last_alive: datetime) -> None:
        super().__init__(
            "Hentningen blev afbrudt: processen, der hentede, stoppede undervejs (sidst i live "
            f"{timezone.localtime(last_alive):%d.%m.%Y %H:%M}). Intet fra den blev gemt; den hentes igen "
            "automatisk inden for få minutter."
        )


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


def error_message(error: BaseException) -> str:
    """The text stored on IngestionRun.error: the typed errors' Danish message, never the token."""
    if isinstance(error, (JobindsatsError, IngestionError, UnknownPeriodFormat)):
        text = str(error)
    else:
        text = f"Uventet fejl under hentningen ({type(error).__name__}: {error}). Intet blev gemt; kontakt driften."
    token = settings.JOBINDSATS_API_TOKEN
    # Defence in depth: no message of ours holds the token, but a server could echo it into one.
    return (text.replace(token, "***") if token else text)[:2000]
