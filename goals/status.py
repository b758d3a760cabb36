"""The municipality status page's read path: per goal, the plan, and per indicator a chart, status and table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from goals.chart_html import chart_html, table_html
from goals.formatting import (
    chart_source,
    country_name,
    format_change,
    format_date,
    format_number,
    format_period,
    format_value,
    value_writer,
)
from goals.freshness import Freshness, freshness_of, next_pull_at
from goals.history import (
    ALL_YEARS,
    HISTORY_START,
    VIEW_PARAMETER,
    baseline_marker,
    history_end,
    target_marker,
    targets_by_year,
    year_marks,
)
from goals.local_indicators import Entry, LocalRecords, local_indicators_for, local_records
from goals.models import Goal, GoalSet, Plan, PlanGoal, Target
from goals.progress import (
    Assessment,
    Point,
    Reading,
    Status,
    TargetSpec,
    assess,
    average_rule_text,
    describe,
    figure_points,
    figure_spec,
    figure_text,
    period_type,
    uses_year_average,
    year_before,
)
from goals.regional import RegionalSegment, regional_lines, regional_segments
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
    # Set when the target is measured on 12-month averages: the figure used, and the rule, in words.
    figure_text: str = ""
    average_rule: str = ""
    # The chart of all years: each goal year's verdict on one line ("2022: nået · 2023: ikke nået").
    year_verdicts: str = ""

    @property
    def described_by(self) -> str:
        """The ids of the words that describe the chart: the generated sentence, and the verdicts when shown."""
        ids = f"{self.chart_id}-description"
        return ids + f" {self.chart_id}-verdicts" if self.year_verdicts else ids

    # Built once per panel (and kept with the page's data, goals/status_data.py): the largest parts of the page.
    @cached_property
    def chart_element(self) -> SafeString:
        """The chart's container and its figure data, named by its title, described by its words."""
        title = self.figure["layout"]["title"]["text"]
        return chart_html(self.figure, self.chart_id, self.described_by, title)

    @cached_property
    def table_element(self) -> SafeString:
        """The numbers behind the chart as a table."""
        return table_html(self.table)

    # The chart's lines and its (baseline, target) markers, as drawn: what a meeting snapshot freezes.
    lines: list[LineSeries] = field(default_factory=list)
    markers: tuple[Marker | None, Marker | None] = (None, None)
    # Local indicators: who entered and approved each value shown (and the drafts, for the municipality's users).
    entries: list[tuple[str, list[str]]] = field(default_factory=list)
    entry_text: str = ""
    drafts: int = 0


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
    # The regional group in the goal year: a RAR area until 2024, a regional council from 2025.
    rar: Area | None
    goals: list[GoalPanel]
    all_years: bool = False

    @property
    def query(self) -> str:
        """The query string of this page's year and view, for its downloads and embeds."""
        query = f"aar={self.goal_set.year}"
        return query + f"&{VIEW_PARAMETER}={ALL_YEARS}" if self.all_years else query


@dataclass
class _Context:
    municipality: Area
    country: Area
    rar: Area | None  # the RAR area, for tables published per RAR area only
    regional: list[RegionalSegment]
    store: SeriesStore
    next_pull: datetime
    # The goal year's window (the year before and the year): status, facts and description are read in it.
    start: date
    end: date
    # The chart of all years: indicator id → goal year → target; None on the one-year view.
    history: dict[int, dict[int, Target]] | None = None
    local_by_goal: dict[int, list[Indicator]] = field(default_factory=dict)
    records: LocalRecords | None = None


def _indicator_queryset():
    # The table's metadata is the whole /table/{id} reply: large, and not needed here.
    return Indicator.objects.select_related("table", "base_indicator").defer("table__metadata")


def status_page(
    *,
    municipality: Area,
    goal_set: GoalSet,
    all_years: bool = False,
    draft_plan: bool = False,
    draft_values: bool = False,
) -> StatusPage:
    """Everything the status page shows for one municipality and year, in a fixed number of queries.

    all_years: each chart runs over the whole history with every goal year's target (goals/history.py).
    draft_plan: also a plan not yet adopted; draft_values: also the local values awaiting approval, marked. Both
    only for the municipality's own users (READ_DRAFTS in goals.roles); a meeting snapshot takes the plan as it
    stands but approved values only. Without them only an adopted plan and approved values are shown.
    """
    plan = (
        Plan.objects.filter(municipality=municipality, goal_set=goal_set)
        .filter(Q() if draft_plan else Q(status=Plan.Status.ADOPTED))
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
    # The chart window: the year before the goal year (baselines, change from a year before) and the year itself.
    start, end = chart_window(goal_set.year)
    if all_years:
        read_from, read_to = HISTORY_START, history_end(goal_set.year, timezone.localdate())
    else:
        read_from, read_to = start, end
    timeline = RarMembership.objects.timeline()
    regional = regional_segments(
        timeline=timeline, municipality=municipality, years=list(range(read_from.year, read_to.year + 1))
    )
    group = timeline.in_year(goal_set.year).get(municipality.id)
    rar = timeline.in_year(goal_set.year, kind=Area.Kind.RAR).get(municipality.id)
    country = Area.objects.country()
    indicators = {i.id: i for goal in goals for i in goal.indicators.all()}
    local = list(local_indicators_for(municipality))
    indicators.update({i.id: i for i in local})
    for plan_goal in plan_goals.values():
        indicators.update({t.indicator.id: t.indicator for t in plan_goal.targets.all() if t.indicator_id})
    ids = set(indicators)
    areas = {municipality.id, country.id} | ({rar.id} if rar else set())
    areas |= {m_id for segment in regional for m_id in segment.members} | {s.group.id for s in regional}
    window = {"indicator_ids": ids, "area_ids": areas, "start": read_from, "end": read_to}
    store = SeriesStore.from_rows(list(Observation.objects.for_municipality_page(**window)))
    store.fetched_at = dict(Observation.objects.latest_fetches(**window))
    ctx = _Context(
        municipality=municipality,
        country=country,
        rar=rar,
        regional=regional,
        store=store,
        next_pull=next_pull_at(),
        start=start,
        end=end,
        history=targets_by_year(municipality=municipality, indicator_ids=ids) if all_years else None,
        local_by_goal={g.number: [i for i in local if g.number in (i.serves_goals or [])] for g in goals},
        records=local_records(
            municipality=municipality, start=read_from, end=read_to, with_drafts=draft_values
        ),
    )
    panels = [_goal_panel(goal, plan_goals.get(goal.id), ctx) for goal in goals]
    return StatusPage(
        municipality=municipality, goal_set=goal_set, plan=plan, rar=group, goals=panels, all_years=all_years
    )


def _goal_panel(goal: Goal, plan_goal: PlanGoal | None, ctx: _Context) -> GoalPanel:
    panel = GoalPanel(goal=goal, plan_goal=plan_goal)
    targets = list(plan_goal.targets.all()) if plan_goal else []
    panel.local_targets = [_local_target(t) for t in targets if not t.indicator_id]
    targeted = set()
    for target in targets:
        if target.indicator_id:
            targeted.add(target.indicator_id)
            panel.panels.append(_indicator_panel(goal, target.indicator, target, ctx))
    for indicator in [*goal.indicators.all(), *ctx.local_by_goal.get(goal.number, [])]:
        if indicator.id not in targeted:
            targeted.add(indicator.id)
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


def _in_year(points: list[Point], ctx: _Context) -> list[Point]:
    """The points in the goal year's window: the facts read the same on the one-year view and on all years."""
    return [p for p in points if ctx.start <= p.start <= ctx.end]


def chart_window(year: int) -> tuple[date, date]:
    """The values a goal year's page reads: the year before (baselines, change from a year before) and the year."""
    return date(year - 1, 1, 1), date(year, 12, 31)


def target_assessment(target: Target, readings: Sequence[Reading]) -> Assessment:
    """A target's status from its area's values in the goal year's window (the page's badge, the mails' too).

    A yearly target on a monthly series is measured on 12-month averages (goals.progress).
    """
    average = uses_year_average(target_period=target.target_period, readings=readings)
    spec = figure_spec(target_spec(target), year_average=average)
    measured = figure_points(readings=readings, year_average=average)
    return assess(
        target=spec, points=[p for p in measured if p.start <= spec.target_start], unit=target.indicator.unit
    )


def _indicator_panel(
    goal: Goal, indicator: Indicator, target: Target | None, ctx: _Context
) -> IndicatorPanel:
    store, unit = ctx.store, indicator.unit
    rar_only = indicator.area_level == Indicator.AreaLevel.RAR
    main_area = ctx.rar if rar_only else ctx.municipality
    is_count = unit == Indicator.Unit.COUNT
    lines = []
    points: list[Point] = []
    cells = store.cells.get((indicator.id, main_area.id), []) if main_area else []
    year_cells = [c for c in cells if ctx.start <= c.start <= ctx.end]
    average = target is not None and uses_year_average(target_period=target.target_period, readings=cells)
    if main_area is not None:
        lines.append(store.line(indicator.id, main_area.id, name=main_area.name, role="main"))
        points = _in_year(store.points(indicator.id, main_area.id), ctx)
        if cells and period_type(cells[0].period) == "M" and (average or ctx.history is not None):
            name = _("%(area)s, gennemsnit af 12 måneder") % {"area": main_area.name}
            lines.append(store.average_line(indicator.id, main_area.id, name=name))
    # A municipality's own measure has no other areas to draw (its RAR "median" would be itself).
    if not is_count and not (indicator.is_local and not indicator.is_shared):
        if not rar_only:
            lines += regional_lines(store=store, indicator_id=indicator.id, segments=ctx.regional)
        lines.append(store.line(indicator.id, ctx.country.id, name=country_name(), role="country"))
    lines = [line for line in lines if line and line.periods]
    spec = figure_spec(target_spec(target), year_average=average) if target else None
    until = spec.target_start if spec else None
    if target is not None:
        assessment = target_assessment(target, year_cells)
    else:
        assessment = assess(
            target=None, points=figure_points(readings=year_cells, year_average=False), unit=unit
        )
    country_points = [] if is_count else _in_year(store.points(indicator.id, ctx.country.id), ctx)
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
    approved_at = ctx.records.last_approved(indicator.id) if indicator.is_local else None
    source = chart_source(
        newest_period=newest_period(lines),
        fetched_at=approved_at or fetched,
        plans=target is not None,
        local_area=ctx.municipality if indicator.is_local else None,
    )
    drafts = (
        ctx.records.draft_line(indicator.id, name=_("Kladde – afventer godkendelse"))
        if indicator.is_local
        else None
    )
    target_mark = target_marker(spec) if spec else None
    baseline_mark = baseline_marker(spec, average) if spec else None
    marks = None
    if ctx.history is not None:
        marks = year_marks(
            targets=ctx.history.get(indicator.id, {}), readings=cells, spec_of=target_spec, unit=unit
        )
    figure = line_chart(
        title=title,
        source=source,
        unit=unit,
        series=lines + ([drafts] if drafts else []),
        target=None if marks else target_mark,
        baseline=None if marks else baseline_mark,
        filename=f"{ctx.municipality.slug}-{indicator.code}",
        value_text=value_writer(unit),
        goal_years=marks.goal_years if marks else None,
    )
    table = table_from_lines(
        title=title,
        period_label=_("Periode"),
        unit=unit,
        lines=lines + ([drafts] if drafts else []),
        markers=(
            tuple(m for y in marks.goal_years for m in (y.baseline, y.target))
            if marks
            else (baseline_mark, target_mark)
        ),
        remarks=(_("Vurdering"), marks.by_period()) if marks and marks.verdicts else None,
    )
    if marks and marks.verdicts:
        table = replace(table, notes=[*table.notes, _("Målene år for år: %(line)s") % {"line": marks.line()}])
    panel = IndicatorPanel(
        chart_id=f"chart-{goal.number}-{indicator.code}",
        indicator=indicator,
        target=target,
        assessment=assessment,
        description=description,
        figure=figure,
        table=table,
        freshness=freshness_of(indicator, fetched_at=approved_at or fetched, next_pull=ctx.next_pull),
        source=source,
        has_data=bool(points)
        or drafts is not None
        or (marks is not None and any(c.value is not None for c in cells)),
        rar_only=rar_only,
        is_count=is_count,
        has_provisional=bool(lines) and any(lines[0].provisional),
        hidden=hidden,
        lines=lines,
        markers=(baseline_mark, target_mark),
    )
    if marks and marks.verdicts:
        panel.year_verdicts = marks.line()
    if average:
        panel.figure_text = figure_text(readings=year_cells, unit=unit, until=until)
        panel.average_rule = average_rule_text()
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
    if indicator.is_local:
        _add_entries(panel, ctx.records, latest_period=points[-1].period if points else None)
    return panel


def _add_entries(panel: IndicatorPanel, records: LocalRecords, *, latest_period: str | None) -> None:
    """Who entered and who approved each value (and the drafts), and in words for the newest value shown."""
    indicator = panel.indicator
    approved = records.approved.get(indicator.id, [])
    drafts = records.drafts.get(indicator.id, [])
    entries: list[Entry] = sorted([*approved, *drafts], key=lambda e: (e.start, e.is_draft))
    panel.entries = [entry.row(indicator.unit) for entry in entries]
    panel.drafts = len(drafts)
    newest = next((e for e in reversed(approved) if e.period == latest_period), None)
    if newest is not None and newest.decided_at:
        panel.entry_text = _(
            "Indtastet af %(entered_by)s %(entered_at)s; godkendt af %(decided_by)s %(decided_at)s."
        ) % {
            "entered_by": newest.entered_by,
            "entered_at": format_date(newest.entered_at),
            "decided_by": newest.decided_by,
            "decided_at": format_date(newest.decided_at),
        }
