"""Observation rows → the series a page shows: the small-number rule applied, group medians, chart tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from statistics import median

from goals.formatting import format_period, format_value
from goals.progress import Point
from indicators.charts import LineSeries
from indicators.models import Indicator
from indicators.suppression import visible


@dataclass
class Cell:
    """One period's value as shown (None when hidden)."""

    period: str
    start: date
    value: Decimal | None
    provisional: bool


@dataclass
class SeriesStore:
    """Shown values by (indicator id, area id), oldest first; hidden values are kept as None."""

    cells: dict[tuple[int, int], list[Cell]] = field(default_factory=lambda: defaultdict(list))
    hidden: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    fetched_at: dict[int, datetime] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: list[tuple], indicators: list[Indicator]) -> SeriesStore:
        """Build from ObservationQuerySet.PAGE_FIELDS rows, applying the suppression rule."""
        base_of = {i.id: i.base_indicator_id for i in indicators if i.base_indicator_id}
        bases: dict[tuple[int, int, str], Decimal | None] = {}
        wanted_bases = set(base_of.values())
        for row in rows:
            if row[0] in wanted_bases:
                bases[(row[0], row[1], row[2])] = None if row[5] else row[4]
        store = cls()
        for row in rows:
            indicator_id, area_id, period, start, value, suppressed, provisional = row[:7]
            base_id = base_of.get(indicator_id)
            base = bases.get((base_id, area_id, period)) if base_id else None
            if base_id and (base_id, area_id, period) in bases and base is None:
                suppressed = True  # an unknown base is treated like a too-small one
            shown = visible(value=value, suppressed=suppressed, base=base)
            store.cells[(indicator_id, area_id)].append(Cell(period, start, shown, provisional))
            if shown is None:
                store.hidden[(indicator_id, area_id)] += 1
        return store

    def points(self, indicator_id: int, area_id: int, until: date | None = None) -> list[Point]:
        """The shown values as Points, oldest first, optionally up to a date."""
        return [
            Point(c.period, c.start, c.value)
            for c in self.cells.get((indicator_id, area_id), [])
            if c.value is not None and (until is None or c.start <= until)
        ]

    def line(self, indicator_id: int, area_id: int, *, name: str, role: str) -> LineSeries:
        """One area's line for a chart."""
        cells = self.cells.get((indicator_id, area_id), [])
        return LineSeries(
            name=name,
            role=role,
            periods=[c.period for c in cells],
            starts=[c.start for c in cells],
            values=[c.value for c in cells],
            provisional=[c.provisional for c in cells],
        )

    def median_line(self, indicator_id: int, area_ids: list[int], *, name: str) -> LineSeries | None:
        """The median of several areas' shown values per period (a peer group's line)."""
        by_period: dict[str, list[Decimal]] = defaultdict(list)
        starts: dict[str, date] = {}
        for area_id in area_ids:
            for cell in self.cells.get((indicator_id, area_id), []):
                starts[cell.period] = cell.start
                if cell.value is not None:
                    by_period[cell.period].append(cell.value)
        periods = sorted(by_period, key=starts.__getitem__)
        if not periods:
            return None
        return LineSeries(
            name=name,
            role="group",
            periods=periods,
            starts=[starts[p] for p in periods],
            values=[Decimal(median(by_period[p])) for p in periods],
        )


@dataclass(frozen=True)
class ChartTable:
    """A chart's numbers as a table: one row per period (or area), one column per line (or fact)."""

    title: str
    first_column: str
    columns: list[str]
    rows: list[tuple[str, list[Decimal | str | None]]]
    unit: str
    period_rows: bool = True

    def display_rows(self) -> list[tuple[str, list[str]]]:
        """Rows with the first cell and the values written for people in the page language."""
        return [
            (
                format_period(key) if self.period_rows else key,
                [v if isinstance(v, str) else format_value(v, self.unit) for v in values],
            )
            for key, values in self.rows
        ]


def table_from_lines(*, title: str, period_label: str, unit: str, lines: list[LineSeries]) -> ChartTable:
    """The numbers behind a line chart: periods down, lines across."""
    starts: dict[str, date] = {}
    values: dict[tuple[str, str], Decimal | None] = {}
    for line in lines:
        for period, start, value in zip(line.periods, line.starts, line.values, strict=True):
            starts[period] = start
            values[(line.name, period)] = value
    periods = sorted(starts, key=starts.__getitem__)
    rows = [(p, [values.get((line.name, p)) for line in lines]) for p in periods]
    return ChartTable(title, period_label, [line.name for line in lines], rows, unit)


def newest_period(lines: list[LineSeries]) -> str | None:
    """The newest period any line shows a value for (the data date of a chart's source line)."""
    shown = [
        (start, period)
        for line in lines
        for period, start, value in zip(line.periods, line.starts, line.values, strict=True)
        if value is not None
    ]
    return max(shown)[1] if shown else None
