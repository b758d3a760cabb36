"""What the Jobindsats client returns and raises: typed results and errors (the contract callers build on).

Do not change a name or a field without updating every caller; add fields only with defaults, at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import numpy as np


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
class Column:
    """One column of a data reply, factorised: per row a code into `labels`, the column's distinct values.

    Dimension columns have str labels (a breakdown's total is None); measure columns have parsed Cells.
    """

    codes: np.ndarray  # one integer per row
    labels: tuple
    # The distinct values as the reply had them, labels[i] read from raw[i]: a reader that meets the same raw
    # value in many replies (rows.PullBuilder, a measure's numbers) can look it up without reading it again.
    raw: tuple = ()

    @classmethod
    def of(
        cls,
        values: list | np.ndarray,
        label: Callable[[object], object] = str,
        *,
        labels_of: Callable[[list], tuple] | None = None,
    ) -> Column:
        """Factorise a column's raw values (in C), then read each distinct value once with `label`.

        labels_of, when given, reads all the distinct values in one call instead (parsing.parse_values).

        Equal values share a code (so do 1 and 1.0, which read alike); NaN never equals itself, so each NaN
        stays its own value and is refused by `label`. An object array (a column of a reply's rows) is
        factorised by pandas' hash table, several times faster than a dict; what that path would read
        differently (NaN, unhashable cells) is read from the list instead.
        """
        read = labels_of or (lambda distinct: tuple(map(label, distinct)))
        if isinstance(values, np.ndarray):
            column = cls._of_array(values, read)
            if column is not None:
                return column
            values = values.tolist()
        distinct = list(dict.fromkeys(values))
        index = dict(zip(distinct, range(len(distinct)), strict=True))
        codes = np.fromiter(map(index.__getitem__, values), dtype=np.intp, count=len(values))
        return cls(codes=codes, labels=tuple(read(distinct)), raw=tuple(distinct))

    @classmethod
    def _of_array(cls, values: np.ndarray, read: Callable[[list], tuple]) -> Column | None:
        """Column.of by pandas.factorize; None where it would differ from the dict (a NaN, an unhashable cell)."""
        import pandas  # here: only ingestion needs it, not every process that imports the client's results

        try:
            codes, distinct = pandas.factorize(values)
        except TypeError:
            return None
        missing = codes < 0  # pandas sets None and NaN apart from the other values
        if missing.any():
            if any(value is not None for value in values[missing].tolist()):
                return None
            codes[missing] = len(distinct)
            distinct = [*distinct.tolist(), None]
        else:
            distinct = distinct.tolist()
        return cls(codes=codes, labels=tuple(read(distinct)), raw=tuple(distinct))

    def values(self) -> list:
        """The label of every row (for small replies and tests; ingestion works on the codes)."""
        return [self.labels[code] for code in self.codes.tolist()]


_NO_ROWS = Column(codes=np.zeros(0, dtype=np.intp), labels=())


@dataclass(frozen=True)
class DataTable:
    """A data reply, column by column; `unchanged` replies (digest as asked about) carry no rows at all."""

    table_id: str
    columns: tuple[str, ...]
    period: Column = _NO_ROWS
    area: Column = _NO_ROWS
    breakdowns: tuple[tuple[str, Column], ...] = ()  # (dimension key, member labels; None = the total)
    measures: dict[str, Column] = field(default_factory=dict)  # measure display label → column of Cells
    is_sandbox: bool = False  # the reply came from the project's sandbox server (synthetic demo data)
    digest: str = ""  # of the reply's body, so a later pull can tell an unchanged reply before parsing it
    unchanged: bool = False  # the body's digest was the one the caller already had: not parsed

    def __len__(self) -> int:
        return len(self.period.codes)

    @property
    def rows(self) -> tuple[DataRow, ...]:
        """The rows as DataRow objects (slow: for tests and small replies; ingestion reads the columns)."""
        breakdowns = [(key, column.values()) for key, column in self.breakdowns]
        measures = [(label, column.values()) for label, column in self.measures.items()]
        return tuple(
            DataRow(
                period=period,
                area_name=area,
                breakdown=tuple((key, names[i]) for key, names in breakdowns if names[i] is not None),
                cells={label: cells[i] for label, cells in measures},
            )
            for i, (period, area) in enumerate(zip(self.period.values(), self.area.values(), strict=True))
        )

    @classmethod
    def from_rows(
        cls, table_id: str, rows: Iterable[DataRow], *, is_sandbox: bool = False, digest: str = ""
    ) -> DataTable:
        """The columnar form of typed rows (stand-in clients build their replies this way)."""
        rows = list(rows)
        keys = list(dict.fromkeys(key for row in rows for key, _ in row.breakdown))
        labels = list(rows[0].cells) if rows else []
        # The client's rule for totals applies here too: a member labelled as the total becomes the total.
        from indicators.jobindsats.hierarchies import is_total_label

        member = [{k: None if is_total_label(v) else v for k, v in row.breakdown} for row in rows]
        return cls(
            table_id=table_id,
            columns=(),
            period=Column.of([row.period for row in rows]),
            area=Column.of([row.area_name for row in rows]),
            breakdowns=tuple((key, Column.of([m.get(key) for m in member], _same)) for key in keys),
            measures={label: Column.of([row.cells[label] for row in rows], _same) for label in labels},
            is_sandbox=is_sandbox,
            digest=digest,
        )


def _same(value: object) -> object:
    return value
