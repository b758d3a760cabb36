"""The Jobindsats v3 HTTP client — the only module that knows the protocol (../shared/jobindsats/API.md).

The dataclasses, error classes and method signatures are the contract ingestion and discovery are built on;
do not change a signature without updating every caller. The token lives only in the session's headers:
never in a URL, a log line, an exception message or a repr.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import requests

logger = logging.getLogger(__name__)

USER_AGENT = "Maaltavlen/0.1 (Maaltavlen: dashboard for kommunernes beskaeftigelsesmaal)"
SANDBOX_HEADER = "X-Maaltavlen-Sandbox"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# A Retry-After longer than this is not waited for in full: the next scheduled run picks the work up instead.
MAX_RETRY_AFTER_SECONDS = 120.0


# --- Errors: each carries a message a municipal admin can act on -----------------------------------------
class JobindsatsError(Exception):
    """Base class of every failure talking to Jobindsats; str(exc) is safe to show and store (no token)."""


class JobindsatsAuthError(JobindsatsError):
    """401/403: the token was refused (wrong, expired, or sent without 'Bearer ')."""


class JobindsatsUnavailable(JobindsatsError):
    """Timeouts, connection errors, 429 and 5xx that persisted through every retry."""


class JobindsatsRequestError(JobindsatsError):
    """Another 4xx (e.g. 422 for an invalid period type); carries the status and the server's message."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class JobindsatsResponseError(JobindsatsError):
    """The reply was not what the protocol promises (malformed JSON, missing keys)."""


class UnknownColumnLabel(JobindsatsResponseError):
    """A data reply had a column label we do not map; names the label."""

    def __init__(self, label: str) -> None:
        super().__init__(f"Ukendt kolonnenavn fra Jobindsats: {label!r}")
        self.label = label


class UnrecognisedValue(JobindsatsResponseError):
    """A cell held something that is neither a number nor a known placeholder; names the value."""

    def __init__(self, value: object, *, column: str = "") -> None:
        super().__init__(f"Ukendt værdi fra Jobindsats i kolonnen {column!r}: {value!r}")
        self.value = value
        self.column = column


# --- Typed results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Subject:
    subject_id: str
    name: str


@dataclass(frozen=True)
class CatalogueTable:
    table_id: str  # lower case
    name: str
    subject: str
    table_group: str
    update_latest_raw: str
    update_latest: datetime | None  # parsed leniently; None when the format is not understood
    update_next_raw: str
    update_next: datetime | None
    update_freq: str
    period_types: tuple[str, ...]  # e.g. ("M", "QMAT")
    period_last: dict[str, str] = field(default_factory=dict)  # period type → last period id


@dataclass(frozen=True)
class DimensionValue:
    value_id: str
    value_name: str


@dataclass(frozen=True)
class Level:
    level_id: str
    values: tuple[DimensionValue, ...]


@dataclass(frozen=True)
class Hierarchy:
    hierarchy_id: str  # e.g. "_nykom", "_hele_landet", "_region", "_reko"
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class Dimension:
    dimension_id: str  # e.g. "_omrade"
    hierarchies: tuple[Hierarchy, ...]


@dataclass(frozen=True)
class Measure:
    measure_id: str  # e.g. "measi14_1"
    name: str  # the display label that titles its column in a data reply


@dataclass(frozen=True)
class MeasureGroup:
    mgroup_id: str  # e.g. "mgrpy25i14_1"
    name: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class TableMetadata:
    table_id: str
    periods: dict[str, tuple[str, ...]]  # period type → valid period ids, oldest first
    dimensions: tuple[Dimension, ...]
    mgroups: tuple[MeasureGroup, ...]
    raw: dict  # the reply as JSON, stored on JobindsatsTable.metadata

    def hierarchy(self, hierarchy_id: str) -> Hierarchy | None:
        """The hierarchy with this id in any dimension, or None."""
        for dimension in self.dimensions:
            for hierarchy in dimension.hierarchies:
                if hierarchy.hierarchy_id == hierarchy_id:
                    return hierarchy
        return None

    def measure_by_name(self, name: str) -> tuple[MeasureGroup, Measure] | None:
        """The measure whose display name is `name`, with its group, or None."""
        for mgroup in self.mgroups:
            for measure in mgroup.measures:
                if measure.name == name:
                    return mgroup, measure
        return None


@dataclass(frozen=True)
class Cell:
    value: Decimal | None
    suppressed: bool  # True for placeholders ("-", "..", "", null)


@dataclass(frozen=True)
class DataRow:
    period: str  # period id as in the reply, e.g. "2023M01"
    area_name: str  # e.g. "Randers", "Hele landet", "Uoplyst område"
    breakdown: tuple[
        tuple[str, str], ...
    ]  # ((dimension key, value name), ...) for non-area dimensions; () = total
    cells: dict[str, Cell]  # measure display label → cell


@dataclass(frozen=True)
class DataTable:
    table_id: str
    columns: tuple[str, ...]
    rows: tuple[DataRow, ...]
    is_sandbox: bool  # the reply came from the project's sandbox server (synthetic demo data)


# --- Parsing: the one place that knows Jobindsats' value formats and column labels --------------------
# API.md § Data: suppressed or missing cells come as placeholders; nothing else is ever read as "no value".
PLACEHOLDERS = frozenset({"", "-", "..", ".", "..."})
# Danish format: optional minus, thousands grouped by "." (in groups of three), decimals after ",".
_DANISH_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")

# Column display label → internal key, for every non-measure column we understand (API.md § Data: labels are
# Danish display texts that change without notice, so they are mapped here and nowhere else).
PERIOD_KEY = "period"
AREA_KEY = "area"
DIMENSION_LABELS: dict[str, str] = {
    "Periode": PERIOD_KEY,
    "Period": PERIOD_KEY,  # the v2 spelling
    "Område": AREA_KEY,
    "Area": AREA_KEY,  # the v2 spelling
    "Ydelsesgruppe": "ydelsesgruppe",
    "Opholdstid": "opholdstid",
    "Køn": "koen",
    "Alder": "alder",
}
# A breakdown cell naming the total carries no breakdown (DataRow.breakdown == () means "i alt").
TOTAL_NAMES = frozenset({"i alt", "total"})

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)


_SUPPRESSED = Cell(value=None, suppressed=True)


def parse_value(raw: object, *, column: str = "") -> Cell:
    """One data cell: a JSON number or Danish number string → Decimal; a placeholder → suppressed; else raise."""
    if raw is None:
        return _SUPPRESSED
    if isinstance(raw, str):
        cell = _parse_text(raw)
        if cell is not None:
            return cell
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if value.is_finite():
            return Cell(value=value, suppressed=False)
    raise UnrecognisedValue(raw, column=column)


@lru_cache(maxsize=65_536)
def _parse_text(raw: str) -> Cell | None:
    """A string cell → Cell, or None when it is neither placeholder nor Danish number (cached: values repeat)."""
    text = raw.strip().replace("\u00a0", "")
    if text in PLACEHOLDERS:
        return _SUPPRESSED
    if _DANISH_NUMBER.match(text):
        return Cell(value=Decimal(text.replace(".", "").replace(",", ".")), suppressed=False)
    return None


def parse_update_date(raw: object) -> datetime | None:
    """A catalogue update date in any of the seen forms → aware Copenhagen datetime; None when not understood."""
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - made aware just below
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=COPENHAGEN)
    return parsed.astimezone(COPENHAGEN)


def decode_json(body: bytes | str) -> object:
    """Decode a reply body, tolerating a UTF-8 byte-order mark (API.md § Data)."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise JobindsatsResponseError(f"Svaret fra Jobindsats er ikke UTF-8: {exc.reason}") from None
    body = body.removeprefix("\ufeff")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise JobindsatsResponseError(
            f"Svaret fra Jobindsats er ikke gyldig JSON ({exc.msg}, tegn {exc.pos}): {body[:80]!r}"
        ) from None


def _require(mapping: object, key: str, where: str) -> object:
    """mapping[key], or a JobindsatsResponseError naming the missing key and where it was expected."""
    if not isinstance(mapping, dict) or key not in mapping:
        raise JobindsatsResponseError(f"Svaret fra Jobindsats mangler feltet {key!r} i {where}.")
    return mapping[key]


def _require_list(value: object, where: str) -> list:
    """The value if it is a list, else a JobindsatsResponseError."""
    if not isinstance(value, list):
        raise JobindsatsResponseError(f"Svaret fra Jobindsats har ikke en liste i {where}.")
    return value


def parse_subjects(payload: object) -> list[Subject]:
    """The /subjects reply: a list of subjects (id and name; v3 key names read leniently)."""
    subjects = []
    for item in _require_list(payload, "emnelisten"):
        if not isinstance(item, dict):
            raise JobindsatsResponseError("Et emne i svaret fra Jobindsats er ikke et objekt.")
        name = item.get("subject_name", item.get("name"))
        if name is None:
            raise JobindsatsResponseError("Et emne i svaret fra Jobindsats mangler 'subject_name'.")
        subjects.append(Subject(subject_id=str(item.get("subject_id", item.get("id", name))), name=str(name)))
    return subjects


def parse_catalogue(payload: object) -> list[CatalogueTable]:
    """The /tables reply: subjects → table groups → tables (API.md § Catalogue)."""
    tables = []
    for subject in _require_list(payload, "kataloget"):
        subject_name = str(_require(subject, "subject_name", "kataloget"))
        for group in _require_list(_require(subject, "table_groups", subject_name), subject_name):
            group_name = str(_require(group, "table_group_name", subject_name))
            for table in _require_list(_require(group, "tables", group_name), group_name):
                tables.append(_parse_catalogue_table(table, subject=subject_name, group=group_name))
    return tables


def _parse_catalogue_table(table: object, *, subject: str, group: str) -> CatalogueTable:
    """One table entry of the catalogue."""
    table_id = str(_require(table, "table_id", group)).lower()
    periods = table.get("periods") or {}
    period_types = periods.get("periodtypes", []) if isinstance(periods, dict) else []
    latest_raw = str(table.get("update_latest") or "")
    next_raw = str(table.get("update_next") or "")
    return CatalogueTable(
        table_id=table_id,
        name=str(_require(table, "table_name", table_id)),
        subject=subject,
        table_group=group,
        update_latest_raw=latest_raw,
        update_latest=parse_update_date(latest_raw),
        update_next_raw=next_raw,
        update_next=parse_update_date(next_raw),
        update_freq=str(table.get("update_freq") or ""),
        period_types=tuple(str(_require(p, "periodtype_id", table_id)) for p in period_types),
        period_last={
            str(p["periodtype_id"]): str(p["period_last"]) for p in period_types if p.get("period_last")
        },
    )


def parse_table_metadata(table_id: str, payload: object) -> TableMetadata:
    """The /table/{id} reply: periods, dimensions with hierarchies and levels, measure groups."""
    where = f"tabel {table_id}"
    periods = {}
    for block in _require_list(_require(payload, "periods", where), where):
        values = _require_list(_require(block, "values", where), where)
        ids = (str(_require(value, "period_id", where)) for value in values)
        # Jobindsats' period ids of one type sort as text (2018M01 < 2018M02, 2023Q01, 2023H1).
        periods[str(_require(block, "periodtype_id", where))] = tuple(sorted(ids))
    dimensions = tuple(
        Dimension(
            dimension_id=str(_require(dim, "dimension_id", where)),
            hierarchies=tuple(_parse_hierarchy(h, where) for h in _require(dim, "hierarchies", where)),
        )
        for dim in _require_list(_require(payload, "dimensions", where), where)
    )
    mgroups = tuple(
        MeasureGroup(
            mgroup_id=str(_require(group, "mgroup_id", where)),
            name=str(group.get("mgroup_name", "")),
            measures=tuple(
                Measure(
                    measure_id=str(_require(m, "measure_id", where)),
                    name=str(_require(m, "measure_name", where)),
                )
                for m in _require_list(_require(group, "measures", where), where)
            ),
        )
        for group in _require_list(_require(payload, "mgroups", where), where)
    )
    return TableMetadata(
        table_id=table_id, periods=periods, dimensions=dimensions, mgroups=mgroups, raw=payload
    )


def _parse_hierarchy(hierarchy: object, where: str) -> Hierarchy:
    """One hierarchy of a dimension, with its levels and their members."""
    return Hierarchy(
        hierarchy_id=str(_require(hierarchy, "hierarchy_id", where)),
        levels=tuple(
            Level(
                level_id=str(_require(level, "level_id", where)),
                values=tuple(
                    DimensionValue(
                        value_id=str(_require(v, "value_id", where)),
                        value_name=str(_require(v, "value_name", where)),
                    )
                    for v in _require_list(_require(level, "values", where), where)
                ),
            )
            for level in _require_list(_require(hierarchy, "levels", where), where)
        ),
    )


def column_keys(columns: list[str], *, measure_labels: set[str]) -> list[str]:
    """Map each column label to its internal key (a measure keeps its label); raise on an unknown label."""
    keys = []
    for label in columns:
        if label in DIMENSION_LABELS:
            keys.append(DIMENSION_LABELS[label])
        elif label in measure_labels:
            keys.append(label)
        else:
            raise UnknownColumnLabel(label)
    for required in (PERIOD_KEY, AREA_KEY):
        if required not in keys:
            raise JobindsatsResponseError(f"Svaret fra Jobindsats mangler en kolonne for {required!r}.")
    return keys


def parse_data(
    table_id: str, payload: object, *, measure_labels: set[str], is_sandbox: bool = False
) -> DataTable:
    """The /data/{id} reply {"columns": [...], "rows": [[...], ...]} → typed rows with parsed cells."""
    where = f"data for {table_id}"
    columns = [str(label) for label in _require_list(_require(payload, "columns", where), where)]
    layout = _RowLayout(columns, column_keys(columns, measure_labels=measure_labels))
    rows = []
    for raw_row in _require_list(_require(payload, "rows", where), where):
        if not isinstance(raw_row, list) or len(raw_row) != len(columns):
            raise JobindsatsResponseError(
                f"En række i svaret fra Jobindsats ({table_id}) har ikke {len(columns)} kolonner: {raw_row!r:.120}"
            )
        rows.append(layout.parse(raw_row))
    return DataTable(table_id=table_id, columns=tuple(columns), rows=tuple(rows), is_sandbox=is_sandbox)


class _RowLayout:
    """Where period, area, breakdowns and measures sit in a data row; reads one row into a DataRow."""

    def __init__(self, columns: list[str], keys: list[str]) -> None:
        self.period = keys.index(PERIOD_KEY)
        self.area = keys.index(AREA_KEY)
        self.breakdowns = [
            (i, key) for i, key in enumerate(keys) if key != columns[i] and i not in (self.period, self.area)
        ]
        self.measures = [
            (i, label) for i, (label, key) in enumerate(zip(columns, keys, strict=True)) if key == label
        ]

    def parse(self, raw_row: list) -> DataRow:
        """One data row: period, area name, breakdown (totals left out) and the measure cells."""
        breakdown = tuple(
            (key, str(raw_row[i]))
            for i, key in self.breakdowns
            if str(raw_row[i]).strip().lower() not in TOTAL_NAMES
        )
        return DataRow(
            period=str(raw_row[self.period]),
            area_name=str(raw_row[self.area]),
            breakdown=breakdown,
            cells={label: parse_value(raw_row[i], column=label) for i, label in self.measures},
        )


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
    ) -> DataTable:
        """GET /data/{id} with period.<TYPE>=..., hierarchy.<id>=..., mgroup.<id>=... selectors.

        `measure_labels` are the display names of measures the caller expects (from TableMetadata); a column that
        is neither a known dimension label nor one of them raises UnknownColumnLabel.
        """
        table_id = table_id.lower()
        params = {f"period.{kind}": ",".join(ids) for kind, ids in periods.items()}
        params |= {f"hierarchy.{hierarchy_id}": sel for hierarchy_id, sel in hierarchies.items()}
        params |= {f"mgroup.{mgroup_id}": sel for mgroup_id, sel in mgroups.items()}
        payload = self._get(f"data/{table_id}", params)
        return parse_data(table_id, payload, measure_labels=measure_labels, is_sandbox=self._is_sandbox)

    # --- transport ---
    def _get(self, path: str, params: dict[str, str] | None = None) -> object:
        """GET one endpoint with bounded retries; return the decoded JSON or raise a typed error."""
        query = {"format": "json", **(params or {})}
        problem = ""
        for attempt in range(self.max_retries + 1):
            self._be_polite()
            logger.info("Jobindsats GET /%s %s (forsøg %d)", path, params or {}, attempt + 1)
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
                    return decode_json(response.content)
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
