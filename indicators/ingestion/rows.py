"""A pull's rows: the replies' columns mapped to area ids, periods, breakdowns and values, then made unique.

Everything here works per distinct name or value and moves rows as numpy arrays: a million rows cost little
more than the replies' JSON. The Pull it builds is what write.py stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation

import numpy as np

from indicators.ingestion.errors import IngestionError, UnknownArea
from indicators.jobindsats import AREA_HIERARCHY_KINDS, Column, DataTable, is_country, is_unknown_area
from indicators.jobindsats.hierarchies import COUNTRY, area_name_key
from indicators.periods import parse_period
from municipalities.models import Area

_FOUR_PLACES = Decimal("0.0001")
# Observation.value is numeric(18, 4): at most 14 digits before the decimal point. Quantizing to four places in
# 18 digits of precision raises InvalidOperation for anything larger, so the range check costs nothing more.
_STORABLE = Context(prec=18, rounding=ROUND_HALF_EVEN)
TOTAL = ""  # the stored breakdown of a total ("i alt")


def breakdown_key(breakdown: tuple[tuple[str, str], ...]) -> str:
    """The stored breakdown: "dimension=member" pairs joined by ";"; "" is the total (the client drops "i alt")."""
    return ";".join(f"{key}={name}" for key, name in breakdown)


@dataclass
class Pull:
    """One pull's parsed rows, column by column, before anything is written; (area, period, breakdown) is unique.

    Row i is area[i] × periods[period[i]] × breakdowns[breakdown[i]] with values[value[i]] = (value, suppressed).
    """

    period_type: str
    periods: list[str] = field(default_factory=list)
    period_starts: list[date] = field(default_factory=list)
    provisional: list[bool] = field(default_factory=list)  # per period
    breakdowns: list[str] = field(default_factory=list)
    values: list[tuple[Decimal | None, bool]] = field(default_factory=list)
    area: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    period: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    breakdown: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    value: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ignored: int = 0  # rows for "Uoplyst område", never stored
    unchanged: int = 0  # rows of replies skipped as unchanged since the last successful pull (not parsed)
    digests: dict[str, list] = field(
        default_factory=dict
    )  # request key → [digest, rows, ignored, has country]

    def __len__(self) -> int:
        return len(self.area)

    def records(self) -> Iterator[tuple[int, str, str, date, Decimal | None, bool, bool]]:
        """(area id, period, breakdown, period start, value, suppressed, provisional) per row (slow path)."""
        for area, period, breakdown, value in zip(
            self.area.tolist(),
            self.period.tolist(),
            self.breakdown.tolist(),
            self.value.tolist(),
            strict=True,
        ):
            number, suppressed = self.values[value]
            yield (
                area,
                self.periods[period],
                self.breakdowns[breakdown],
                self.period_starts[period],
                number,
                suppressed,
                self.provisional[period],
            )


class AreaLookup:
    """Area names as Jobindsats spells them → Area ids, per kind (Bornholm is a municipality and a RAR area)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], int] = {}
        self.names: dict[int, str] = {}
        for area_id, kind, name in Area.objects.values_list("id", "kind", "name"):
            self._ids[(kind, area_name_key(name))] = area_id
            self.names[area_id] = name
        self.country_id = self._ids.get((COUNTRY, area_name_key("Hele landet")))

    def area_id(self, name: str, *, hierarchy_id: str) -> int | None:
        """The Area id, None for "Uoplyst område"; UnknownArea for anything else we do not know."""
        if is_unknown_area(name):
            return None
        if is_country(name) and self.country_id is not None:
            return self.country_id
        area_id = self._ids.get((AREA_HIERARCHY_KINDS[hierarchy_id], area_name_key(name)))
        if area_id is None:
            raise UnknownArea(name, hierarchy_id=hierarchy_id)
        return area_id


@dataclass(frozen=True)
class ChunkRows:
    """What one reply added: rows kept and ignored, whether it held the country and any total rows."""

    kept: int
    ignored: int
    has_country: bool
    has_total: bool
    members: tuple[str, ...]  # the breakdown member labels it held (named when a total is missing)


class PullBuilder:
    """Collects replies into a Pull: maps each distinct label once, keeps the rows as integer arrays."""

    def __init__(self, *, period_type: str, requested: list[str], provisional: set[str], areas: AreaLookup):
        self.pull = Pull(period_type=period_type)
        self.areas = areas
        self._requested, self._provisional = set(requested), provisional
        self._period_index: dict[str, int] = {}
        self._breakdown_index: dict[str, int] = {}
        # A measure's raw value as the replies had it ("1.234,5", 17, "..") → index into pull.values. Text hashes
        # once and keeps its hash, so a value met in an earlier reply is found in C (map over the reply's distinct
        # values), never read again; only values new to the pull are quantized and checked in Python.
        self._value_index: dict[object, int] = {}
        self._parts: list[tuple[np.ndarray, ...]] = []
        self._chunk_keys: list[str] = []

    def add(self, reply: DataTable, *, hierarchy_id: str, label: str, chunk_key: str) -> ChunkRows:
        """Map one reply's rows (the bound measure only) and keep them; ignored areas are counted, not kept."""
        if not len(reply):
            return ChunkRows(kept=0, ignored=0, has_country=False, has_total=False, members=())
        table_id = reply.table_id
        area_ids = [self._area(name, hierarchy_id) for name in reply.area.labels]
        area = np.array(area_ids, dtype=np.int64)[reply.area.codes]
        period = np.array([self._period(p, table_id) for p in reply.period.labels], dtype=np.int64)
        breakdown, members = self._breakdowns(reply)
        value = self._measure(reply, label)
        keep = area >= 0
        area, period, breakdown = area[keep], period[reply.period.codes][keep], breakdown[keep]
        self._parts.append((area, period, breakdown, value[keep], np.full(len(area), len(self._chunk_keys))))
        self._chunk_keys.append(chunk_key)
        country = self.areas.country_id
        return ChunkRows(
            kept=len(area),
            ignored=len(keep) - len(area),
            has_country=bool(country is not None and (area == country).any()),
            has_total=bool((breakdown == self._breakdown(TOTAL)).any()),
            members=members,
        )

    def _area(self, name: str, hierarchy_id: str) -> int:
        area_id = self.areas.area_id(name, hierarchy_id=hierarchy_id)
        return -1 if area_id is None else area_id

    def _period(self, period: str, table_id: str) -> int:
        index = self._period_index.get(period)
        if index is None:
            if period not in self._requested:
                # Not a period we asked for (nor one the metadata lists): storing it would be a guess.
                raise IngestionError(
                    f"Jobindsats svarede med perioden {period!r}, som ikke var bedt om, for tabel {table_id} "
                    f"(periodetype {self.pull.period_type}). Hent igen; sker det igen, så bind indikatoren igen."
                )
            index = self._period_index[period] = len(self.pull.periods)
            self.pull.periods.append(period)
            self.pull.period_starts.append(parse_period(period).start)
            self.pull.provisional.append(period in self._provisional)
        return index

    def _breakdown(self, key: str) -> int:
        index = self._breakdown_index.get(key)
        if index is None:
            index = self._breakdown_index[key] = len(self.pull.breakdowns)
            self.pull.breakdowns.append(key)
        return index

    def _breakdowns(self, reply: DataTable) -> tuple[np.ndarray, tuple[str, ...]]:
        """Each row's breakdown index: the breakdown columns' codes combined, each combination named once."""
        combined = np.zeros(len(reply), dtype=np.int64)
        for _, column in reply.breakdowns:
            combined = combined * max(1, len(column.labels)) + column.codes
        combinations, inverse = np.unique(combined, return_inverse=True)
        indexes = []
        for combination in combinations.tolist():
            parts = []
            for key, column in reversed(reply.breakdowns):
                combination, code = divmod(combination, max(1, len(column.labels)))
                if column.labels[code] is not None:  # None: the dimension's total
                    parts.append((key, column.labels[code]))
            indexes.append(self._breakdown(breakdown_key(tuple(reversed(parts)))))
        members = tuple(str(name) for _, column in reply.breakdowns for name in column.labels)
        return np.array(indexes, dtype=np.int64)[inverse.reshape(-1)], members

    def _measure(self, reply: DataTable, label: str) -> np.ndarray:
        column = reply.measures.get(label)
        if column is None:
            raise IngestionError(
                f"Kolonnen {label!r} mangler i svaret fra Jobindsats for tabel {reply.table_id}; svarets "
                f"kolonner: {', '.join(map(repr, reply.measures)) or 'ingen'}. Bind indikatoren til det rigtige "
                "mål igen."
            )
        found = list(map(self._value_index.get, column.raw))
        if None in found:
            self._add_values(column, found, reply, label)
        return np.array(found, dtype=np.int64)[column.codes]

    def _add_values(self, column: Column, found: list, reply: DataTable, label: str) -> None:
        """Fill the gaps in found: each value new to the pull quantized to four places and added to pull.values.

        Equal values from different raw values ("1.000" and 1000) get two indexes: finish() compares values, not
        indexes. A value too large to store fails the pull, named.
        """
        new = [i for i, index in enumerate(found) if index is None]
        cells = [column.labels[i] for i in new]
        try:
            values = [
                None if c.value is None else c.value.quantize(_FOUR_PLACES, context=_STORABLE) for c in cells
            ]
        except InvalidOperation:
            bad = next(c.value for c in cells if c.value is not None and not _storable(c.value))
            raise IngestionError(
                f"Værdien {bad} i kolonnen {label!r} i tabel {reply.table_id} er for stor til at gemme (højst 14 "
                "cifre før kommaet). Tjek at indikatoren er bundet til det rigtige mål."
            ) from None
        first = len(self.pull.values)
        self.pull.values.extend(zip(values, [c.value is None or c.suppressed for c in cells], strict=True))
        for index, i in enumerate(new, start=first):
            found[i] = index
        self._value_index.update(
            zip([column.raw[i] for i in new], range(first, len(self.pull.values)), strict=True)
        )

    def finish(self) -> Pull:
        """The Pull with each (area, period, breakdown) once; the same key with two values fails, naming it."""
        pull = self.pull
        if not self._parts:
            return pull
        area, period, breakdown, value, chunk = (
            np.concatenate(column) for column in zip(*self._parts, strict=True)
        )
        # Stable sort by key: the first reply's row comes first among equals and is the one kept.
        order = np.lexsort((breakdown, period, area))
        area, period, breakdown, value, chunk = (a[order] for a in (area, period, breakdown, value, chunk))
        repeat = np.zeros(len(area), dtype=bool)
        repeat[1:] = (area[1:] == area[:-1]) & (period[1:] == period[:-1]) & (breakdown[1:] == breakdown[:-1])
        differ = np.flatnonzero(repeat & (np.roll(value, 1) != value))
        clash = [i for i in differ.tolist() if pull.values[value[i - 1]] != pull.values[value[i]]]
        if clash:
            i = clash[0]
            raise IngestionError(
                f"Jobindsats sendte to forskellige værdier for {self.areas.names.get(int(area[i]), area[i])}, "
                f"{pull.periods[period[i]]}, opdeling {pull.breakdowns[breakdown[i]] or 'i alt'!r} "
                f"({pull.values[value[i - 1]][0]} og {pull.values[value[i]][0]}). Tjek opdelingens navne i "
                "tabellen; en værdi, der ligner en total ('… i alt'), kan stå for noget andet."
            )
        unique = ~repeat
        pull.area, pull.period, pull.breakdown, pull.value = (
            a[unique] for a in (area, period, breakdown, value)
        )
        kept = np.bincount(chunk[unique], minlength=len(self._chunk_keys)).tolist()
        for key, rows in zip(self._chunk_keys, kept, strict=True):
            pull.digests[key][1] = rows
        return pull


def _storable(value: Decimal) -> bool:
    """Whether numeric(18, 4) holds the value once quantized (at most 14 digits before the decimal point)."""
    try:
        value.quantize(_FOUR_PLACES, context=_STORABLE)
    except InvalidOperation:
        return False
    return True
