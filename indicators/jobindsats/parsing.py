"""Parsing Jobindsats v3 replies: the one place that knows its value formats, date forms and column labels."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import lru_cache, partial
from operator import itemgetter
from zoneinfo import ZoneInfo

import numpy as np
import orjson

from indicators.jobindsats.hierarchies import is_total_label
from indicators.jobindsats.results import (
    CatalogueTable,
    Cell,
    Column,
    DataTable,
    Dimension,
    DimensionValue,
    Hierarchy,
    JobindsatsResponseError,
    Level,
    Measure,
    MeasureGroup,
    Subject,
    TableMetadata,
    UnknownColumnLabel,
    UnrecognisedValue,
)

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
_BOM = "\ufeff".encode()

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


def parse_values(raws: list, *, column: str = "") -> tuple[Cell, ...]:
    """parse_value of each raw cell, in order; text cells are looked up in _parse_text's cache from C.

    A column's distinct values come here (Column.of), a hundred thousand per pull: the loop over them is map()'s,
    and only cells that are not text, or text that is no number, reach parse_value (which names what it refuses).
    """
    if set(map(type, raws)) <= {str}:
        cells = tuple(map(_parse_text, raws))
        if all(cells):  # a Cell is true; None is a text that is no number
            return cells
    return tuple(parse_value(raw, column=column) for raw in raws)


@lru_cache(maxsize=131_072)
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
    """Decode a reply body, tolerating a UTF-8 byte-order mark (API.md § Data).

    orjson reads a reply several times faster than the standard library; what it refuses (NaN, integers beyond
    64 bits, lone surrogates, bad JSON) is read again by the standard library, so the result and the errors are
    the standard library's.

    Columnar readers that make no Python object per cell were measured over a first pull's replies and rejected
    (bench/ingest.py prints them when installed): pyarrow.json refuses rows that mix text and numbers, which
    Jobindsats may send, and read the all-text replies no faster than orjson reads all of them; polars reads 5–30 %
    faster, varying with the run, but turns a number into text where its schema says text (1.5e3 into "1500"), so
    1.234 and the Danish "1.234" (1234) would read alike unless every reply were checked a second time; and it is a
    40 MB dependency.
    """
    if isinstance(body, bytes):
        try:
            return orjson.loads(body.removeprefix(_BOM))
        except orjson.JSONDecodeError:
            pass
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


def body_digest(body: bytes) -> str:
    """A short fingerprint of a reply's body: equal bodies, equal digests (SHA-256, the first 128 bits).

    SHA-256 rather than BLAKE2b: CPUs with SHA instructions (x86 since 2017, ARMv8) hash twice as fast with it
    (≈34 against ≈64 ms for a first pull's 50 MB of replies). A digest stored by the former hash never matches,
    so each reply is read once more, as after any change to a reply.
    """
    return hashlib.sha256(body).hexdigest()[:32]


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
    table_id: str, payload: object, *, measure_labels: set[str], is_sandbox: bool = False, digest: str = ""
) -> DataTable:
    """The /data/{id} reply {"columns": [...], "rows": [[...], ...]} → its columns, factorised and parsed.

    Column by column (each distinct value is read once), so a reply of 100,000 rows costs little more than
    decoding its JSON.
    """
    where = f"data for {table_id}"
    columns = [str(label) for label in _require_list(_require(payload, "columns", where), where)]
    keys = column_keys(columns, measure_labels=measure_labels)
    rows = _require_list(_require(payload, "rows", where), where)
    values = _columns(rows, len(columns))
    if values is None:  # no rows, or a row of another shape (named by _check_row_shapes)
        _check_row_shapes(table_id, rows, len(columns))
        # Transposed with C-level itemgetters: one list per column.
        values = [list(map(itemgetter(i), rows)) for i in range(len(columns))]
    period, area, breakdowns, measures = None, None, [], {}
    for label, key, column in zip(columns, keys, values, strict=True):
        if key == PERIOD_KEY:
            period = _dimension_column(column, label, str)
        elif key == AREA_KEY:
            area = _dimension_column(column, label, str)
        elif key != label:
            breakdowns.append((key, _dimension_column(column, label, _member_label)))
        else:
            measures[label] = _measure_column(column, label)
    return DataTable(
        table_id=table_id,
        columns=tuple(columns),
        period=period,
        area=area,
        breakdowns=tuple(breakdowns),
        measures=measures,
        is_sandbox=is_sandbox,
        digest=digest,
    )


def _columns(rows: list, width: int) -> list[np.ndarray] | None:
    """Each column of the rows as an object array, transposed and copied in C; None unless every row is a list of
    `width` cells.

    zip() transposes the rows into one tuple per column and np.fromiter copies each (never unpacking a cell that
    is itself a list). (Rejected, measured on a pull's replies: np.array(rows) sliced by column, which discovers
    the shape cell by cell, and np.fromiter over the chained rows after checking their lengths, which walks the
    rows three times.)
    """
    if not rows or set(map(type, rows)) != {list}:
        return None
    try:
        columns = list(zip(*rows, strict=True))
    except ValueError:  # a row of another length
        return None
    if len(columns) != width:
        return None
    return [np.fromiter(column, dtype=object, count=len(column)) for column in columns]


def _check_row_shapes(table_id: str, rows: list, width: int) -> None:
    """Every row a list of `width` cells, else a JobindsatsResponseError quoting the first bad row."""
    if set(map(type, rows)) <= {list} and set(map(len, rows)) <= {width}:
        return
    bad = next(row for row in rows if not isinstance(row, list) or len(row) != width)
    raise JobindsatsResponseError(
        f"En række i svaret fra Jobindsats ({table_id}) har ikke {width} kolonner: {bad!r:.120}"
    )


def _member_label(raw: object) -> str | None:
    """A breakdown cell: its member's name, or None for the breakdown's total (hierarchies.is_total_label)."""
    return None if is_total_label(raw) else str(raw)


def _dimension_column(column: list, label: str, read: Callable[[object], str | None]) -> Column:
    """A period, area or breakdown column: names (or numbers, as a year may come) read once per distinct value."""

    def checked(raw: object) -> str | None:
        if type(raw) not in (str, int):
            raise JobindsatsResponseError(f"Ukendt værdi fra Jobindsats i kolonnen {label!r}: {raw!r:.80}")
        return read(raw)

    try:
        return Column.of(column, checked)
    except TypeError:  # an unhashable cell (a list or an object) where a name belongs
        bad = next(raw for raw in column if type(raw) not in (str, int))
        raise JobindsatsResponseError(
            f"Ukendt værdi fra Jobindsats i kolonnen {label!r}: {bad!r:.80}"
        ) from None


# Cell types a measure column may hold (API.md § Data). A column with anything else is read cell by cell so the
# offending cell is named (and True is never taken for 1, which it equals).
_CELL_TYPES = frozenset({str, int, float, type(None)})
# Distinct values of these types alone mean every cell is of them: only a number can equal (and hide) a bool.
_TEXT_TYPES = frozenset({str, type(None)})


def _measure_column(column: list | np.ndarray, label: str) -> Column:
    """A measure column with every distinct value parsed once (parse_values).

    The cells' types are checked on the distinct values when those are text (what Jobindsats sends), else on every
    cell: a bool hides among equal numbers once factorised, and an unhashable cell cannot be factorised at all.
    """
    read = partial(parse_values, column=label)
    try:
        parsed = Column.of(column, labels_of=read)
    except (TypeError, UnrecognisedValue):  # named below, in the column's order
        parsed = None
    if parsed is None or not set(map(type, parsed.raw)) <= _TEXT_TYPES:
        if not set(map(type, column)) <= _CELL_TYPES:
            for raw in column:
                parse_value(raw, column=label)
        if parsed is None:
            parsed = Column.of(column, labels_of=read)
    return parsed
