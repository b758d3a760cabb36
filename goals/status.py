"""The municipality status page's read path: per goal, the plan, and per indicator a chart, status and table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from goals.formatting import (
    chart_source,
    country_name,
    format_change,
    format_number,
    format_period,
    format_value,
)
from goals.freshness import Freshness, freshness_of, next_pull_at
from goals.models import Goal, GoalSet, Plan, PlanGoal, Target
from goals.progress import Assessment, Point, Status, TargetSpec, assess, describe, year_before
from goals.series import ChartTable, SeriesStore, newest_period, table_from_lines
from indicators.charts import LineSeries, Marker, line_chart
from indicators.models import Indicator, Observation
from municipalities.models import Area, RarMembership

# Worst first: a goal's badge is the worst status among its targets and indicators.
BADGE_ORDER = [Status.NOT_ON_TRACK, Status.ON_TRACK, Status.TOO_LITTLE_DATA, Status.NO_TARGET]


@dataclass
class IndicatorPanel:
    """One indicator (with its target, if any) on the status page: chart, status, description, table."""

    chart_id: str
    indicator: Indicator
    target: Target | None
    assessment: Assessment
    description: str
    figure: dict
    table: ChartTable
    freshness: Freshness
    source: str = ""
    latest_text: str = ""
    target_text: str = ""
    change_text: str = ""
    has_data: bool = False
    rar_only: bool = False
    is_count: bool = False
    has_provisional: bool = False
    hidden: int = 0


@dataclass(frozen=True)
class LocalTarget:
    """A plan target without an indicator, written for people: what, from where, to where."""

    narrative: str
    baseline: str
    target: str


@dataclass
class GoalPanel:
    """One of the year's goals: the plan's text, its panels, its local targets and its badge."""

    goal: Goal
    plan_goal: PlanGoal | None
    panels: list[IndicatorPanel] = field(default_factory=list)
    local_targets: list[LocalTarget] = field(default_factory=list)
    status: Status = Status.NO_TARGET

    @property
    def has_jobindsats_indicator(self) -> bool:
        """Goals 1 and 4 have none: municipalities choose their own way of following them."""
        return any(p.indicator.source == Indicator.Source.JOBINDSATS for p in self.panels)


@dataclass
class StatusPage:
    """Everything the status page shows."""

    municipality: Area
    goal_set: GoalSet
    plan: Plan | None
    rar: Area | None
    goals: list[GoalPanel]


@dataclass
class _Context:
    municipality: Area
    country: Area
    rar: Area | None
    rar_members: list[int]
    store: SeriesStore
    next_pull: datetime


def _indicator_queryset():
    # The table's metadata is the whole /table/{id} reply: large, and not needed here.
    return Indicator.objects.select_related("table", "base_indicator").defer("table__metadata")


def status_page(*, municipality: Area, goal_set: GoalSet, include_drafts: bool = False) -> StatusPage:
    """Everything the status page shows for one municipality and year, in a fixed number of queries.

    A plan not yet adopted is shown only with include_drafts (the municipality's own users: goals.roles).
    """
    plan = (
        Plan.objects.filter(municipality=municipality, goal_set=goal_set)
        .filter(Q() if include_drafts else Q(status=Plan.Status.ADOPTED))
        .prefetch_related(
            Prefetch(
                "plan_goals",
                queryset=PlanGoal.objects.prefetch_related(
                    Prefetch(
                        "targets",
                        queryset=Target.objects.select_related(
                            "indicator__table", "indicator__base_indicator"
                        ).defer("indicator__table__metadata"),
                    )
                ),
            )
        )
        .first()
    )
    goals = list(
        goal_set.goals.order_by("number").prefetch_related(
            Prefetch("indicators", queryset=_indicator_queryset())
        )
    )
    plan_goals = {pg.goal_id: pg for pg in plan.plan_goals.all()} if plan else {}
    groups = RarMembership.objects.regional_groups(year=goal_set.year)
    rar = groups.get(municipality.id)
    rar_members = [m_id for m_id, group in groups.items() if rar is not None and group.id == rar.id]
    country = Area.objects.country()
    indicators = {i.id: i for goal in goals for i in goal.indicators.all()}
    for plan_goal in plan_goals.values():
        indicators.update({t.indicator.id: t.indicator for t in plan_goal.targets.all() if t.indicator_id})
    ids = set(indicators)
    areas = {municipality.id, country.id} | set(rar_members) | ({rar.id} if rar else set())
    # The chart window: the year before the goal year (baselines, change from a year before) and the year itself.
    start, end = chart_window(goal_set.year)
    window = {"indicator_ids": ids, "area_ids": areas, "start": start, "end": end}
    store = SeriesStore.from_rows(list(Observation.objects.for_municipality_page(**window)))
    store.fetched_at = dict(Observation.objects.latest_fetches(**window))
    ctx = _Context(
        municipality=municipality,
        country=country,
        rar=rar,
        rar_members=rar_members,
        store=store,
        next_pull=next_pull_at(),
    )
    panels = [_goal_panel(goal, plan_goals.get(goal.id), ctx) for goal in goals]
    return StatusPage(municipality=municipality, goal_set=goal_set, plan=plan, rar=rar, goals=panels)


def _goal_panel(goal: Goal, plan_goal: PlanGoal | None, ctx: _Context) -> GoalPanel:
    panel = GoalPanel(goal=goal, plan_goal=plan_goal)
    targets = list(plan_goal.targets.all()) if plan_goal else []
    panel.local_targets = [_local_target(t) for t in targets if not t.indicator_id]
    targeted = set()
    for target in targets:
        if target.indicator_id:
            targeted.add(target.indicator_id)
            panel.panels.append(_indicator_panel(goal, target.indicator, target, ctx))
    for indicator in goal.indicators.all():
        if indicator.id not in targeted:
            panel.panels.append(_indicator_panel(goal, indicator, None, ctx))
    statuses = {p.assessment.status for p in panel.panels}
    if panel.local_targets:
        statuses.add(Status.TOO_LITTLE_DATA)
    panel.status = next((s for s in BADGE_ORDER if s in statuses), Status.NO_TARGET)
    return panel


def _local_target(target: Target) -> LocalTarget:
    """Values as the page's language writes them (5,5 / 5.5; 60), periods as words (december 2024)."""

    def value_in(value, period: str) -> str:
        return _("%(value)s i %(period)s") % {"value": _plain_number(value), "period": format_period(period)}

    baseline = (
        value_in(target.baseline_value, target.baseline_period)
        if target.baseline_value is not None and target.baseline_period
        else "–"
    )
    return LocalTarget(target.narrative, baseline, value_in(target.target_value, target.target_period))


def _plain_number(value: Decimal) -> str:
    """A local target's number with as many decimals as it has (at most two): 60, 5,5, 0,25."""
    exponent = value.normalize().as_tuple().exponent
    return format_number(value, min(2, max(0, -exponent)) if isinstance(exponent, int) else 0)


def target_spec(target: Target) -> TargetSpec:
    """The pure rule's view of a Target row."""
    return TargetSpec(
        target_period=target.target_period,
        target_start=target.target_period_start,
        target_value=target.target_value,
        direction=target.direction,
        baseline_period=target.baseline_period,
        baseline_start=target.baseline_period_start,
        baseline_value=target.baseline_value,
    )


def chart_window(year: int) -> tuple[date, date]:
    """The values a goal year's page reads: the year before (baselines, change from a year before) and the year."""
    return date(year - 1, 1, 1), date(year, 12, 31)


def target_assessment(target: Target, points: list[Point]) -> Assessment:
    """A target's status from its area's shown values up to the target period (the page's badge, the mails' too)."""
    until = target.target_period_start
    return assess(
        target=target_spec(target), points=[p for p in points if p.start <= until], unit=target.indicator.unit
    )


def _rar_line(indicator: Indicator, ctx: _Context) -> LineSeries | None:
    """The RAR area's own figure from Jobindsats where the table has it, else its municipalities' median."""
    own = ctx.store.line(
        indicator.id, ctx.rar.id, name=_("RAR %(rar)s") % {"rar": ctx.rar.name}, role="group"
    )
    if any(value is not None for value in own.values):
        return own
    group_name = _("Median for kommunerne i RAR %(rar)s") % {"rar": ctx.rar.name}
    return ctx.store.median_line(indicator.id, ctx.rar_members, name=group_name)


def _indicator_panel(
    goal: Goal, indicator: Indicator, target: Target | None, ctx: _Context
) -> IndicatorPanel:
    store, unit = ctx.store, indicator.unit
    rar_only = indicator.area_level == Indicator.AreaLevel.RAR
    main_area = ctx.rar if rar_only else ctx.municipality
    is_count = unit == Indicator.Unit.COUNT
    lines = []
    points: list[Point] = []
    if main_area is not None:
        lines.append(store.line(indicator.id, main_area.id, name=main_area.name, role="main"))
        points = store.points(indicator.id, main_area.id)
    if not is_count:
        if not rar_only and ctx.rar is not None:
            lines.append(_rar_line(indicator, ctx))
        lines.append(store.line(indicator.id, ctx.country.id, name=country_name(), role="country"))
    lines = [line for line in lines if line and line.periods]
    spec = target_spec(target) if target else None
    assessment = (
        target_assessment(target, points) if target else assess(target=None, points=points, unit=unit)
    )
    country_points = [] if is_count else store.points(indicator.id, ctx.country.id)
    description = describe(
        name=indicator.name,
        unit=unit,
        points=points,
        country=country_points,
        assessment=assessment,
        target=spec,
    )
    hidden = store.hidden.get((indicator.id, main_area.id), 0) if main_area else 0
    if hidden and not points:
        # describe() would say "no figures yet": there are figures, but every one is hidden.
        description = _("Alle tal for %(name)s i perioden er skjult efter reglen for små tal.") % {
            "name": indicator.name
        }
    title = f"{indicator.name} — {main_area.name if main_area else ''}"
    fetched = store.fetched_at.get(indicator.id)
    source = chart_source(newest_period=newest_period(lines), fetched_at=fetched, plans=target is not None)
    target_marker = (
        Marker(_("Mål"), target.target_period_start, target.target_value, target.target_period)
        if target
        else None
    )
    baseline_marker = (
        Marker(_("Basis"), target.baseline_period_start, target.baseline_value, target.baseline_period)
        if target and target.baseline_value is not None and target.baseline_period_start
        else None
    )
    figure = line_chart(
        title=title,
        source=source,
        unit=unit,
        series=lines,
        target=target_marker,
        baseline=baseline_marker,
        filename=f"{ctx.municipality.slug}-{indicator.code}",
        value_text=lambda value: format_value(value, unit),
    )
    table = table_from_lines(
        title=title,
        period_label=_("Periode"),
        unit=unit,
        lines=lines,
        markers=(baseline_marker, target_marker),
    )
    panel = IndicatorPanel(
        chart_id=f"chart-{goal.number}-{indicator.code}",
        indicator=indicator,
        target=target,
        assessment=assessment,
        description=description,
        figure=figure,
        table=table,
        freshness=freshness_of(indicator, fetched_at=fetched, next_pull=ctx.next_pull),
        source=source,
        has_data=bool(points),
        rar_only=rar_only,
        is_count=is_count,
        has_provisional=bool(lines) and any(lines[0].provisional),
        hidden=hidden,
    )
    if target is not None:
        panel.target_text = _("%(value)s i %(period)s") % {
            "value": format_value(target.target_value, unit),
            "period": format_period(target.target_period),
        }
    if points:
        latest = points[-1]
        panel.latest_text = _("%(value)s i %(period)s") % {
            "value": format_value(latest.value, unit),
            "period": format_period(latest.period),
        }
        earlier = year_before(points)
        if earlier is not None:
            panel.change_text = format_change(earlier.value, latest.value, unit)
    return panel
