"""What the Jobindsats client returns and raises: typed results and errors (the contract callers build on).

Do not change a name or a field without updating every caller; add fields only with defaults, at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


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
