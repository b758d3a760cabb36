"""Observation rows → the series a page shows: the small-number rule applied, group medians, chart tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from statistics import median

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from goals.formatting import format_period, format_value, value_writer
from goals.progress import Point, rolling_averages
from indicators.charts import LineSeries, Marker
from indicators.periods import period_label


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
    def from_rows(cls, rows: list[tuple]) -> SeriesStore:
        """Build from ObservationQuerySet.PAGE_FIELDS rows, whose values the small-number rule already applied."""
        store = cls()
        for indicator_id, area_id, period, start, shown, provisional in rows:
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

    def average_line(self, indicator_id: int, area_id: int, *, name: str) -> LineSeries | None:
        """An area's 12-month average per month (goals.progress.rolling_averages), beside its monthly values."""
        cells = self.cells.get((indicator_id, area_id), [])
        averages = rolling_averages(cells)
        shown = [
            (cell, average) for cell, average in zip(cells, averages, strict=True) if average is not None
        ]
        if not shown:
            return None
        return LineSeries(
            name=name,
            role="average",
            periods=[cell.period for cell, _average in shown],
            starts=[cell.start for cell, _average in shown],
            values=[average.value for _cell, average in shown],
            provisional=[average.provisional for _cell, average in shown],
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
    """A chart's numbers as a table: one row per period (or area), one column per line (or fact).

    `provisional` flags each row whose values may still be revised; `period` is the one period of a table with a
    row per area; `notes` are the target and baseline as the chart marks them, in words.
    """

    title: str
    first_column: str
    columns: list[str]
    rows: list[tuple[str, list[Decimal | str | None]]]
    unit: str
    period_rows: bool = True
    provisional: list[bool] = field(default_factory=list)
    period: str = ""
    notes: list[str] = field(default_factory=list)

    def display_rows(self) -> list[tuple[str, list[str]]]:
        """Rows with the first cell and the values written for people in the page language."""
        value_text, language = value_writer(self.unit), get_language()  # the language read once, not per cell
        return [
            (
                period_label(key, language=language) if self.period_rows else key,
                [v if isinstance(v, str) else value_text(v) for v in values],
            )
            for key, values in self.rows
        ]

    def value_columns(self) -> list[bool]:
        """Per column, whether it holds values of the indicator's unit (rather than words such as a region)."""
        return [
            all(not isinstance(values[i], str) for _key, values in self.rows)
            for i in range(len(self.columns))
        ]


def table_from_lines(
    *,
    title: str,
    period_label: str,
    unit: str,
    lines: list[LineSeries],
    markers: tuple[Marker | None, ...] = (),
    remarks: tuple[str, dict[str, str]] | None = None,
) -> ChartTable:
    """The numbers behind a line chart: periods down, lines across, then the baseline and target it marks.

    Markers with the same label share one column (every year's target under "Mål"); `remarks` is a last column
    of words by period, e.g. each goal year's verdict beside its target.
    """
    shown = [m for m in markers if m is not None and m.period]
    labels = list(dict.fromkeys(m.label for m in shown))
    marked = {(m.label, m.period): m.value for m in shown}
    starts: dict[str, date] = {m.period: m.start for m in shown}
    values: dict[tuple[str, str], Decimal | None] = {}
    provisional: set[str] = set()
    for line in lines:
        flags = line.provisional or [False] * len(line.periods)
        for period, start, value, flag in zip(line.periods, line.starts, line.values, flags, strict=True):
            starts[period] = start
            values[(line.name, period)] = value
            if flag:
                provisional.add(period)
    periods = sorted(starts, key=starts.__getitem__)
    rows = [
        (
            p,
            [values.get((line.name, p)) for line in lines]
            + [marked.get((label, p)) for label in labels]
            + ([remarks[1].get(p)] if remarks else []),
        )
        for p in periods
    ]
    notes = [
        _("%(label)s: %(value)s i %(period)s")
        % {"label": m.label, "value": format_value(m.value, unit), "period": format_period(m.period)}
        for m in shown
    ]
    columns = [line.name for line in lines] + labels + ([remarks[0]] if remarks else [])
    return ChartTable(
        title, period_label, columns, rows, unit, provisional=[p in provisional for p in periods], notes=notes
    )


def newest_period(lines: list[LineSeries]) -> str | None:
    """The newest period any line shows a value for (the data date of a chart's source line)."""
    shown = [
        (start, period)
        for line in lines
        for period, start, value in zip(line.periods, line.starts, line.values, strict=True)
        if value is not None
    ]
    return max(shown)[1] if shown else None
