"""Every year on one line: the status page's view of an indicator's whole history with every goal year's target.

The view is in the URL (`?aar=2024&visning=alle-aar`). Each panel's chart then runs from HISTORY_START to the
newest figure, and each year's target for the same municipality and indicator (from that year's plan) is marked in
its year with the year's verdict from the status rule (goals.progress.year_verdict): "2022: nået · 2023: ikke nået".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from goals.models import Target
from goals.progress import (
    Reading,
    TargetSpec,
    YearVerdict,
    figure_points,
    figure_spec,
    figure_start,
    uses_year_average,
    year_verdict,
)
from indicators.charts import GoalYear, Marker
from municipalities.models import Area

VIEW_PARAMETER = "visning"
ALL_YEARS = "alle-aar"
ONE_YEAR = "aar"
# The first year the ministerial series are pulled from (the sandbox and `ingest_indicators --since 2018M01`).
HISTORY_START = date(2018, 1, 1)


def parse_view(value: str | None) -> tuple[bool, list[str]]:
    """Whether `?visning=` asks for all years, and what was ignored (in words)."""
    value = (value or "").strip()
    if value in ("", ONE_YEAR):
        return False, []
    if value == ALL_YEARS:
        return True, []
    shown = "".join(ch if ch.isprintable() else "?" for ch in value[:20])
    return False, [_("Visningen “%(view)s” findes ikke; viser ét år.") % {"view": shown}]


def history_end(goal_year: int, today: date) -> date:
    """The last day a chart of all years reads: the end of the later of the goal year and this year."""
    return date(max(goal_year, today.year), 12, 31)


def targets_by_year(*, municipality: Area, indicator_ids: set[int]) -> dict[int, dict[int, Target]]:
    """Indicator id → goal year → the municipality's target for it in that year's plan, in one query."""
    targets = (
        Target.objects.filter(plan_goal__plan__municipality=municipality, indicator_id__in=indicator_ids)
        .select_related("plan_goal__plan__goal_set")
        .order_by("plan_goal__plan__goal_set__year", "target_period_start", "id")
    )
    found: dict[int, dict[int, Target]] = defaultdict(dict)
    for target in targets:
        # A plan names one target per goal and indicator; were an indicator under two of a year's goals, the
        # later target period is the year's.
        found[target.indicator_id][target.plan_goal.plan.goal_set.year] = target
    return found


@dataclass(frozen=True)
class YearMarks:
    """A panel's goal years: each marked on the chart, judged in words, and the verdicts for the table."""

    goal_years: list[GoalYear]
    verdicts: list[YearVerdict]

    def line(self) -> str:
        """The verdicts on one line: "2022: nået · 2023: ikke nået · 2024: nået"."""
        return " · ".join(verdict.text() for verdict in self.verdicts)

    def by_period(self) -> dict[str, str]:
        """Each verdict beside its target's period (the chart table's last column)."""
        return {
            year.target.period: verdict.text()
            for year, verdict in zip(self.goal_years, self.verdicts, strict=True)
        }


def year_marks(*, targets: dict[int, Target], readings: Sequence[Reading], spec_of, unit: str) -> YearMarks:
    """Per goal year (oldest first) the target and baseline marked where their figures lie, and the verdict.

    `readings` is the whole series of the panel's area; `spec_of` turns a Target into the rule's TargetSpec.
    """
    newest = readings[-1].start if readings else None
    goal_years, verdicts = [], []
    for year, target in sorted(targets.items()):
        average = uses_year_average(target_period=target.target_period, readings=readings)
        spec = figure_spec(spec_of(target), year_average=average)
        points = figure_points(readings=readings, year_average=average)
        verdict = year_verdict(year=year, target=spec, points=points, newest_start=newest, unit=unit)
        goal_years.append(GoalYear(year, target_marker(spec), baseline_marker(spec, average), verdict.text()))
        verdicts.append(verdict)
    return YearMarks(goal_years, verdicts)


def target_marker(spec: TargetSpec) -> Marker:
    """The target where the rule measures it (goals.progress.figure_spec)."""
    return Marker(_("Mål"), spec.target_start, spec.target_value, spec.target_period)


def baseline_marker(spec: TargetSpec, average: bool) -> Marker | None:
    """The baseline where its figure lies (a year's average at its December), if the target has one."""
    if spec.baseline_value is None or not spec.baseline_period:
        return None
    start = figure_start(spec.baseline_period, year_average=average)
    return Marker(_("Basis"), start, spec.baseline_value, spec.baseline_period)
