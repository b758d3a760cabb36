"""A snapshot against today's status page: values revised since, months final since, months added since."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models.enums import TextChoices
from django.utils.translation import gettext_lazy

from goals.formatting import format_period, format_value
from goals.progress import Status
from goals.status import StatusPage, status_page
from indicators.charts import LineSeries
from meetings.frozen import frozen_content, frozen_lines
from meetings.models import Snapshot


class Change(TextChoices):
    """What happened to one shown value since the meeting."""

    REVISED = "revised", gettext_lazy("Revideret")
    NOW_FINAL = "now_final", gettext_lazy("Foreløbig dengang, endelig nu")
    ADDED = "added", gettext_lazy("Ny siden mødet")
    GONE = "gone", gettext_lazy("Vises ikke længere")


@dataclass(frozen=True)
class ValueChange:
    """One period of one line: its value then and now (as the page writes them) and what changed."""

    line: str
    period: str
    kinds: tuple[Change, ...]
    before: str
    after: str


@dataclass
class PanelComparison:
    """One indicator panel of the snapshot against the same panel today."""

    goal_number: int
    goal_title: str
    name: str
    chart_id: str
    status_then: Status
    status_now: Status | None
    changes: list[ValueChange] = field(default_factory=list)

    @property
    def status_changed(self) -> bool:
        return self.status_now is not None and self.status_now != self.status_then


@dataclass
class Comparison:
    """Every panel of a snapshot compared with today, and the counts of each kind of change."""

    panels: list[PanelComparison]

    def count(self, kind: Change) -> int:
        """How many values changed in this way."""
        return sum(kind in c.kinds for p in self.panels for c in p.changes)

    @property
    def revised(self) -> int:
        return self.count(Change.REVISED)

    @property
    def now_final(self) -> int:
        return self.count(Change.NOW_FINAL)

    @property
    def added(self) -> int:
        return self.count(Change.ADDED)


def compare_with_today(*, snapshot: Snapshot) -> Comparison:
    """The snapshot's panels, each with every shown value that is different on today's status page."""
    today = status_page(municipality=snapshot.municipality, goal_set=snapshot.goal_set, draft_plan=True)
    now = _today_panels(today)
    panels = []
    for goal in frozen_content(snapshot)["goals"]:
        for data in goal["panels"]:
            current = now.get((goal["number"], data["code"]))
            panels.append(
                PanelComparison(
                    goal_number=goal["number"],
                    goal_title=goal["title"],
                    name=data["name"],
                    chart_id=data["chart_id"],
                    status_then=Status(data["status"]),
                    status_now=current[0] if current else None,
                    changes=_line_changes(frozen_lines(data), current[1] if current else [], data["unit"]),
                )
            )
    return Comparison(panels=panels)


def _today_panels(page: StatusPage) -> dict[tuple[int, str], tuple[Status, list[LineSeries]]]:
    return {
        (goal.goal.number, panel.indicator.code): (panel.assessment.status, panel.lines)
        for goal in page.goals
        for panel in goal.panels
    }


def _line_changes(then: list[LineSeries], now: list[LineSeries], unit: str) -> list[ValueChange]:
    """Lines are matched by role (the municipality, its group, the country); values by period."""
    now_by_role = {line.role: line for line in now}
    changes = []
    for line in then:
        today = now_by_role.get(line.role)
        before = _cells(line)
        after = _cells(today) if today else {}
        periods = list(before) + [p for p in after if p not in before]
        for period in periods:
            change = _change(before.get(period), after.get(period))
            if change:
                kinds, old, new = change
                changes.append(
                    ValueChange(
                        line=line.name,
                        period=format_period(period),
                        kinds=kinds,
                        before=format_value(old, unit) if old is not None else "–",
                        after=format_value(new, unit) if new is not None else "–",
                    )
                )
    return changes


Cell = tuple[Decimal | None, bool]


def _cells(line: LineSeries) -> dict[str, Cell]:
    flags = line.provisional or [False] * len(line.periods)
    return dict(zip(line.periods, zip(line.values, flags, strict=True), strict=True))


def _change(
    then: Cell | None, now: Cell | None
) -> tuple[tuple[Change, ...], Decimal | None, Decimal | None] | None:
    if then is None and now is None:
        return None
    if then is None:
        return ((Change.ADDED,), None, now[0]) if now[0] is not None else None
    if now is None:
        return ((Change.GONE,), then[0], None) if then[0] is not None else None
    kinds = []
    if then[0] != now[0]:
        kinds.append(Change.REVISED)
    if then[1] and not now[1]:
        kinds.append(Change.NOW_FINAL)
    return (tuple(kinds), then[0], now[0]) if kinds else None
