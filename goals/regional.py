"""The regional line on a status-page chart: the municipality's RAR area until 2024, its regional council after.

A chart spanning 2024 and 2025 gets one line per group, each over its own years and labelled with its name, so
no line silently joins two different groups.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from goals.series import SeriesStore
from indicators.charts import LineSeries
from municipalities.models import Area, RegionalTimeline


@dataclass(frozen=True)
class RegionalSegment:
    """One regional group of the municipality over the years it held it, with that group's members."""

    group: Area
    years: frozenset[int]
    members: tuple[int, ...]


def regional_segments(
    *, timeline: RegionalTimeline, municipality: Area, years: list[int]
) -> list[RegionalSegment]:
    """The municipality's regional groups over the years (oldest first), each with its members in those years."""
    segments: dict[int, tuple[Area, set[int], set[int]]] = {}
    for year in sorted(years):
        groups = timeline.in_year(year)
        group = groups.get(municipality.id)
        if group is None:
            continue
        _group, held, members = segments.setdefault(group.id, (group, set(), set()))
        held.add(year)
        members.update(m_id for m_id, g in groups.items() if g.id == group.id)
    return [RegionalSegment(g, frozenset(held), tuple(sorted(m))) for g, held, m in segments.values()]


def _within(line: LineSeries | None, years: frozenset[int]) -> LineSeries | None:
    if line is None:
        return None
    keep = [i for i, start in enumerate(line.starts) if start.year in years]
    return LineSeries(
        name=line.name,
        role=line.role,
        periods=[line.periods[i] for i in keep],
        starts=[line.starts[i] for i in keep],
        values=[line.values[i] for i in keep],
        provisional=[line.provisional[i] for i in keep] if line.provisional else [],
    )


def regional_lines(
    *, store: SeriesStore, indicator_id: int, segments: list[RegionalSegment]
) -> list[LineSeries]:
    """Per group: its own figure from Jobindsats where the table has it, else its municipalities' median.

    Jobindsats publishes figures per RAR area; whether it will per regional council is not known, so a council's
    line is usually the median of its municipalities, and the line's name says so.
    """
    lines = []
    for segment in segments:
        name = segment.group.group_name
        own = _within(store.line(indicator_id, segment.group.id, name=name, role="group"), segment.years)
        if any(value is not None for value in own.values):
            lines.append(own)
            continue
        median_name = _("Median for kommunerne i %(group)s") % {"group": name}
        median = _within(
            store.median_line(indicator_id, list(segment.members), name=median_name), segment.years
        )
        if median is not None and median.periods:
            lines.append(median)
    return lines
