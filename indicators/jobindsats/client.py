"""The Jobindsats v3 HTTP client: one method per endpoint, one reused session, bounded retries with back-off.

The token lives only in the session's headers: never in a URL, a log line, an exception message or a repr.
"""

from __future__ import annotations

import email.utils
import gc
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime

import requests

from indicators.jobindsats.parsing import (
    COPENHAGEN,
    body_digest,
    decode_json,
    parse_catalogue,
    parse_data,
    parse_subjects,
    parse_table_metadata,
)
from indicators.jobindsats.results import (
    CatalogueTable,
    DataTable,
    JobindsatsAuthError,
    JobindsatsError,
    JobindsatsRequestError,
    JobindsatsResponseError,
    JobindsatsUnavailable,
    Subject,
    TableMetadata,
)

logger = logging.getLogger(__name__)

USER_AGENT = "Maaltavlen/0.1 (Maaltavlen: dashboard for kommunernes beskaeftigelsesmaal)"
SANDBOX_HEADER = "X-Maaltavlen-Sandbox"
# A Retry-After longer than this is not waited for in full: the next scheduled run picks the work up instead.
MAX_RETRY_AFTER_SECONDS = 120.0

# --- The client ---------------------------------------------------------------------------------------
# Failures worth another try (API.md § Errors and limits); everything else fails at once.
_TRANSIENT_EXCEPTIONS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class JobindsatsClient:
    """One method per v3 endpoint; a requests.Session reused across calls; bounded retries with back-off."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        timeout: float = 30.0,
        max_retries: int = 4,
        pause_seconds: float = 0.5,
        backoff_seconds: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        max_retry_after: float = MAX_RETRY_AFTER_SECONDS,
    ) -> None:
        if not token:
            raise JobindsatsAuthError(
                "Der er ingen nøgle (token) til Jobindsats: JOBINDSATS_API_TOKEN er ikke sat."
            )
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.pause_seconds = pause_seconds
        self.backoff_seconds = backoff_seconds
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._token = token
        self._is_sandbox = False
        self._last_request_at: float | None = None
        self._session = requests.Session()
        self._session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": USER_AGENT}
        )

    def __repr__(self) -> str:
        return f"JobindsatsClient(base_url={self.base_url!r})"

    @classmethod
    def from_settings(cls) -> JobindsatsClient:
        """A client configured from settings.JOBINDSATS_* (the token only from the environment)."""
        from django.conf import settings

        return cls(
            base_url=settings.JOBINDSATS_BASE_URL,
            token=settings.JOBINDSATS_API_TOKEN,
            timeout=settings.JOBINDSATS_TIMEOUT_SECONDS,
            max_retries=settings.JOBINDSATS_MAX_RETRIES,
            pause_seconds=settings.JOBINDSATS_PAUSE_SECONDS,
        )

    @property
    def is_sandbox(self) -> bool:
        """True once a reply carried the sandbox server's marker header."""
        return self._is_sandbox

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    def subjects(self) -> list[Subject]:
        """GET /subjects."""
        return parse_subjects(self._get("subjects"))

    def catalogue(self) -> list[CatalogueTable]:
        """GET /tables: every table with its subject, group, update dates and period types."""
        return parse_catalogue(self._get("tables"))

    def table(self, table_id: str) -> TableMetadata:
        """GET /table/{id}: periods, dimensions with hierarchies, measure groups."""
        table_id = table_id.lower()
        return parse_table_metadata(table_id, self._get(f"table/{table_id}"))

    def data(
        self,
        table_id: str,
        *,
        periods: dict[str, list[str]],
        hierarchies: dict[str, str],
        mgroups: dict[str, str],
        measure_labels: set[str],
        known_digest: str = "",
    ) -> DataTable:
        """GET /data/{id} with period.<TYPE>=..., hierarchy.<id>=..., mgroup.<id>=... selectors.

        `measure_labels` are the display names of measures the caller expects (from TableMetadata); a column that
        is neither a known dimension label nor one of them raises UnknownColumnLabel. When the reply's body has
        `known_digest` (what an earlier pull of the same request got), it is not parsed: `unchanged` is set.
        """
        table_id = table_id.lower()
        params = {f"period.{kind}": ",".join(ids) for kind, ids in periods.items()}
        params |= {f"hierarchy.{hierarchy_id}": sel for hierarchy_id, sel in hierarchies.items()}
        params |= {f"mgroup.{mgroup_id}": sel for mgroup_id, sel in mgroups.items()}
        body = self._get_body(f"data/{table_id}", params)
        return read_data_reply(
            table_id,
            body,
            measure_labels=measure_labels,
            is_sandbox=self._is_sandbox,
            known_digest=known_digest,
        )

    # --- transport ---
    def _get(self, path: str, params: dict[str, str] | None = None) -> object:
        """GET one endpoint with bounded retries; return the decoded JSON or raise a typed error."""
        return decode_json(self._get_body(path, params))

    def _get_body(self, path: str, params: dict[str, str] | None = None) -> bytes:
        """GET one endpoint with bounded retries; return the reply's body or raise a typed error."""
        query = {"format": "json", **(params or {})}
        problem = ""
        for attempt in range(self.max_retries + 1):
            self._be_polite()
            logger.info("Jobindsats GET /%s %s (forsøg %d)", path, _summary(params or {}), attempt + 1)
            try:
                response = self._session.get(f"{self.base_url}/{path}", params=query, timeout=self.timeout)
            except _TRANSIENT_EXCEPTIONS as exc:
                problem = self._describe_exception(exc)
                wait = self._backoff(attempt)
            except requests.RequestException as exc:
                raise JobindsatsError(
                    f"Forespørgslen til Jobindsats (/{path}) kunne ikke sendes: {type(exc).__name__}."
                ) from None
            else:
                wait = self._handle_status(response, path=path, attempt=attempt)
                if wait is None:
                    return response.content
                problem = f"HTTP {response.status_code}"
            finally:
                self._last_request_at = time.monotonic()
            if attempt < self.max_retries:
                logger.warning("Jobindsats /%s: %s; prøver igen om %.2f s", path, problem, wait)
                self._sleep(wait)
        raise JobindsatsUnavailable(
            f"Jobindsats svarer ikke lige nu: /{path} fejlede {self.max_retries + 1} gange "
            f"(sidst: {problem}). Prøv igen senere."
        )

    def _handle_status(self, response: requests.Response, *, path: str, attempt: int) -> float | None:
        """None for a usable reply, the seconds to wait for a transient one; raise for a final error."""
        status = response.status_code
        if response.headers.get(SANDBOX_HEADER) == "1":
            self._is_sandbox = True
        logger.debug("Jobindsats /%s → HTTP %d (%d bytes)", path, status, len(response.content))
        if status in (401, 403):
            raise JobindsatsAuthError(
                "Jobindsats afviste nøglen (token) — den kan være udløbet; bestil en ny hos STAR og sæt den i "
                f"JOBINDSATS_API_TOKEN (HTTP {status})."
            )
        if status == 429 or status >= 500:
            return max(self._backoff(attempt), self._retry_after(response))
        if status >= 400:
            raise JobindsatsRequestError(
                f"Jobindsats afviste forespørgslen på /{path} (HTTP {status}): {self._server_message(response)}",
                status=status,
            )
        if status != 200:
            raise JobindsatsResponseError(f"Uventet svar fra Jobindsats på /{path}: HTTP {status}.")
        return None

    def _be_polite(self) -> None:
        """Wait out the pause between two requests (API.md: no documented rate limit, so be polite)."""
        if self._last_request_at is None or self.pause_seconds <= 0:
            return
        remaining = self.pause_seconds - (time.monotonic() - self._last_request_at)
        if remaining > 0:
            self._sleep(remaining)

    def _backoff(self, attempt: int) -> float:
        """Growing back-off: backoff_seconds × 2^attempt."""
        return self.backoff_seconds * (2**attempt)

    def _retry_after(self, response: requests.Response) -> float:
        """The server's Retry-After (seconds or an HTTP date), capped; 0 when absent or unreadable."""
        raw = (response.headers.get("Retry-After") or "").strip()
        if not raw:
            return 0.0
        try:
            seconds = float(raw)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(raw)
            except (TypeError, ValueError):
                return 0.0
            seconds = (when - datetime.now(tz=when.tzinfo or COPENHAGEN)).total_seconds()
        return min(max(seconds, 0.0), self.max_retry_after)

    def _server_message(self, response: requests.Response) -> str:
        """The first few hundred characters of the server's error text, token scrubbed."""
        text = response.content.decode("utf-8", errors="replace").removeprefix("\ufeff").strip()
        try:
            payload = json.loads(text)
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            text = str(payload.get("message") or payload.get("error") or payload.get("detail") or text)
        return self._scrub(text[:300]) or "(ingen besked)"

    def _describe_exception(self, exc: Exception) -> str:
        """A token-free description of a transport failure (requests' own messages can hold URLs)."""
        if isinstance(exc, requests.Timeout):
            return f"intet svar inden for {self.timeout:g} sekunder ({type(exc).__name__})"
        return f"forbindelsesfejl ({type(exc).__name__})"

    def _scrub(self, text: str) -> str:
        """The text with the token replaced, should a server ever echo it."""
        return text.replace(self._token, "***")


def read_data_reply(
    table_id: str, body: bytes, *, measure_labels: set[str], is_sandbox: bool, known_digest: str = ""
) -> DataTable:
    """A data reply's body → DataTable; not parsed (`unchanged`) when its digest is `known_digest`."""
    digest = body_digest(body)
    if known_digest and digest == known_digest:
        return DataTable(table_id=table_id, columns=(), is_sandbox=is_sandbox, digest=digest, unchanged=True)
    # A reply is ~10^5 small objects without cycles: the cyclic collector would only rescan them over and over.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return parse_data(
            table_id, decode_json(body), measure_labels=measure_labels, is_sandbox=is_sandbox, digest=digest
        )
    finally:
        if collecting:
            gc.enable()


def _summary(params: dict[str, str]) -> dict[str, str]:
    """Query parameters for a log line, long id lists shortened to "first … last (n)"."""
    shown = {}
    for key, value in params.items():
        ids = value.split(",")
        shown[key] = f"{ids[0]} … {ids[-1]} ({len(ids)})" if len(ids) > 4 else value
    return shown
