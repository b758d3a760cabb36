"""Local indicators on the public pages: which ones a municipality shows, who entered and approved each value.

Approved values are observations like Jobindsats' (the status page, comparison, exports, embeds and the API read
them there); drafts live only in LocalValue and are shown, marked, to the municipality's own users on its status
page (Action.READ_DRAFTS), never to anyone else and never in a file, an embed or the API.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from goals.formatting import format_date, format_period, format_value
from indicators.charts import LineSeries
from indicators.models import Indicator, LocalValue, Observation
from municipalities.models import Area


def local_indicators_for(municipality: Area) -> QuerySet[Indicator]:
    """The local indicators a municipality's page shows: its own, and shared ones it has reported values for."""
    reported = Observation.objects.filter(indicator_id=OuterRef("pk"), area_id=municipality.id)
    return (
        Indicator.objects.filter(source=Indicator.Source.LOCAL, is_active=True)
        .alias(has_values=Exists(reported))
        .filter(Q(municipality_id=municipality.id) | Q(municipality__isnull=True, has_values=True))
        .select_related("table", "base_indicator", "municipality")
        .defer("table__metadata")
        .order_by("name")
    )


def offered_to(municipality: Area) -> Q:
    """Indicators a municipality may use (plan targets): Jobindsats', shared local ones and its own local ones."""
    return Q(source=Indicator.Source.JOBINDSATS) | Q(municipality__isnull=True) | Q(municipality=municipality)


def is_comparable(indicator: Indicator) -> bool:
    """Only indicators reported the same way everywhere are compared: Jobindsats' and shared local ones."""
    return not indicator.is_local or indicator.is_shared


def person(user) -> str:
    """A user as the pages name them: full name, else the username ("–" when the user was deleted)."""
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Entry:
    """One value's record for the page: period, value, who entered it and when, who approved it and when."""

    period: str
    start: date
    value: object
    entered_by: str
    entered_at: datetime
    decided_by: str
    decided_at: datetime | None
    is_draft: bool

    def row(self, unit: str) -> tuple[str, list[str]]:
        """The entry as a table row in the page language."""
        decided = (
            _("Kladde – afventer godkendelse")
            if self.is_draft
            else f"{self.decided_by}, {format_date(self.decided_at)}"
            if self.decided_at
            else "–"
        )
        entered = f"{self.entered_by}, {format_date(self.entered_at)}"
        return format_period(self.period), [format_value(self.value, unit), entered, decided]


@dataclass
class LocalRecords:
    """Per (indicator id): approved entries (the ones observations hold) and drafts, oldest first."""

    approved: dict[int, list[Entry]]
    drafts: dict[int, list[Entry]]

    def draft_line(self, indicator_id: int, *, name: str) -> LineSeries | None:
        """The drafts as a series for the chart (distinct markers) and the table (their own column)."""
        drafts = self.drafts.get(indicator_id, [])
        if not drafts:
            return None
        return LineSeries(
            name=name,
            role="draft",
            periods=[d.period for d in drafts],
            starts=[d.start for d in drafts],
            values=[d.value for d in drafts],
        )

    def last_approved(self, indicator_id: int) -> datetime | None:
        """When a value of this indicator was last approved (its freshness)."""
        times = [e.decided_at for e in self.approved.get(indicator_id, []) if e.decided_at]
        return max(times) if times else None


def local_records(*, municipality: Area, start: date, end: date, with_drafts: bool) -> LocalRecords:
    """Who entered and approved the municipality's shown local values in a window, and its drafts if allowed: 1 query."""
    shown = Observation.objects.filter(area_id=municipality.id, local_value_id=OuterRef("pk"), breakdown="")
    wanted = Q(is_shown=True)
    if with_drafts:
        wanted |= Q(status=LocalValue.Status.DRAFT)
    values = (
        LocalValue.objects.filter(area_id=municipality.id, period_start__gte=start, period_start__lte=end)
        .alias(is_shown=Exists(shown))
        .filter(wanted)
        .select_related("entered_by", "decided_by")
        .order_by("period_start")
    )
    approved: dict[int, list[Entry]] = defaultdict(list)
    drafts: dict[int, list[Entry]] = defaultdict(list)
    for value in values:
        is_draft = value.status == LocalValue.Status.DRAFT
        entry = Entry(
            period=value.period,
            start=value.period_start,
            value=value.value,
            entered_by=person(value.entered_by),
            entered_at=value.entered_at,
            decided_by=person(value.decided_by),
            decided_at=value.decided_at,
            is_draft=is_draft,
        )
        (drafts if is_draft else approved)[value.indicator_id].append(entry)
    return LocalRecords(approved=dict(approved), drafts=dict(drafts))
