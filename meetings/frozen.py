"""A snapshot's stored JSON back as the status page's own objects, so its templates and chart builders draw it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from goals.formatting import format_value
from goals.freshness import Freshness
from goals.models import Goal, Plan, PlanGoal, Target
from goals.progress import Assessment, Status
from goals.series import table_from_lines
from goals.status import GoalPanel, IndicatorPanel, LocalTarget, StatusPage
from indicators.charts import LineSeries, Marker, line_chart
from indicators.models import Indicator
from meetings.models import Snapshot
from municipalities.models import Area


def frozen_content(snapshot: Snapshot, language: str | None = None) -> dict:
    """The snapshot's page as it was written in the language (the active one by default; Danish if missing)."""
    languages = snapshot.content["languages"]
    language = (language or get_language() or "da")[:2]
    return languages.get(language) or languages["da"]


def frozen_page(snapshot: Snapshot, language: str | None = None) -> StatusPage:
    """The status page as shown when the snapshot was made, with charts and tables drawn again from its numbers."""
    content = frozen_content(snapshot, language)
    rar = Area(name=content["rar"], kind=Area.Kind.RAR) if content["rar"] else None
    return StatusPage(
        municipality=snapshot.municipality,
        goal_set=snapshot.goal_set,
        plan=_plan(content["plan"]),
        rar=rar,
        goals=[_goal(goal, snapshot) for goal in content["goals"]],
    )


def _plan(data: dict | None) -> Plan | None:
    if data is None:
        return None
    return Plan(
        status=data["status"],
        adopted_on=_date(data["adopted_on"]),
        decision_reference=data["decision_reference"],
        decision_url=data["decision_url"],
    )


def _goal(data: dict, snapshot: Snapshot) -> GoalPanel:
    return GoalPanel(
        goal=Goal(number=data["number"], title=data["title"], text=data["text"]),
        plan_goal=PlanGoal(text=data["plan_text"]) if data["plan_text"] else None,
        panels=[frozen_panel(panel, slug=snapshot.municipality.slug) for panel in data["panels"]],
        local_targets=[LocalTarget(**target) for target in data["local_targets"]],
        status=Status(data["status"]),
    )


def frozen_lines(data: dict) -> list[LineSeries]:
    """A frozen panel's chart lines, with exact decimal values."""
    return [
        LineSeries(
            name=line["name"],
            role=line["role"],
            periods=line["periods"],
            starts=[date.fromisoformat(start) for start in line["starts"]],
            values=[Decimal(value) if value is not None else None for value in line["values"]],
            provisional=line["provisional"],
        )
        for line in data["lines"]
    ]


def frozen_marker(data: dict | None) -> Marker | None:
    """A frozen baseline or target marker."""
    if data is None:
        return None
    return Marker(data["label"], date.fromisoformat(data["start"]), Decimal(data["value"]), data["period"])


def frozen_panel(data: dict, *, slug: str) -> IndicatorPanel:
    """One frozen indicator panel; its chart and table built by the same builders as the live page's."""
    unit = data["unit"]
    lines = frozen_lines(data)
    baseline, target = frozen_marker(data["baseline"]), frozen_marker(data["target"])
    figure = line_chart(
        title=data["title"],
        source=data["source"],
        unit=unit,
        series=lines,
        target=target,
        baseline=baseline,
        filename=f"{slug}-{data['code']}",
        value_text=lambda value: format_value(value, unit),
    )
    table = table_from_lines(
        title=data["title"], period_label=_("Periode"), unit=unit, lines=lines, markers=(baseline, target)
    )
    fresh = data["freshness"]
    return IndicatorPanel(
        chart_id=data["chart_id"],
        indicator=Indicator(code=data["code"], name=data["name"], unit=unit, source=data["source_kind"]),
        target=Target() if data["has_target"] else None,
        assessment=Assessment(status=Status(data["status"]), explanation=data["explanation"]),
        description=data["description"],
        figure=figure,
        table=table,
        freshness=Freshness(
            table_updated=_moment(fresh["table_updated"]),
            table_next=_moment(fresh["table_next"]),
            fetched_at=_moment(fresh["fetched_at"]),
            next_pull=_moment(fresh["next_pull"]),
        ),
        source=data["source"],
        latest_text=data["latest_text"],
        target_text=data["target_text"],
        change_text=data["change_text"],
        has_data=data["has_data"],
        rar_only=data["rar_only"],
        is_count=data["is_count"],
        has_provisional=data["has_provisional"],
        hidden=data["hidden"],
        lines=lines,
        markers=(baseline, target),
    )


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
