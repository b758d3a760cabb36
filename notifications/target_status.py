"""Each adopted plan's targets' status now, as the status page's badge computes it (goals.status)."""

from __future__ import annotations

from collections import defaultdict

from goals.models import Plan, Target
from goals.progress import Status
from goals.series import SeriesStore
from goals.status import chart_window, target_assessment
from indicators.models import Indicator, Observation
from municipalities.models import Area, RarMembership


def adopted_targets(*, indicator_ids: set[int]):
    """Targets on these indicators in adopted plans (the public ones), with what their status needs."""
    return Target.objects.filter(
        indicator_id__in=indicator_ids, plan_goal__plan__status=Plan.Status.ADOPTED
    ).select_related("indicator", "plan_goal__plan__goal_set", "plan_goal__plan__municipality")


def current_statuses(targets: list[Target]) -> dict[int, Status]:
    """Target id → status, read per goal year in one query each (the page's window, areas and rule)."""
    by_year: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        by_year[target.plan_goal.plan.goal_set.year].append(target)
    statuses: dict[int, Status] = {}
    for year, year_targets in by_year.items():
        # An indicator Jobindsats has per RAR area only is read for the RAR area, as on the page.
        groups = RarMembership.objects.regional_groups(year=year, kind=Area.Kind.RAR)
        area_of = {t.pk: _area_id(t, groups) for t in year_targets}
        start, end = chart_window(year)
        rows = Observation.objects.for_municipality_page(
            indicator_ids={t.indicator_id for t in year_targets},
            area_ids={a for a in area_of.values() if a is not None},
            start=start,
            end=end,
        )
        store = SeriesStore.from_rows(list(rows))
        for target in year_targets:
            readings = store.cells.get((target.indicator_id, area_of[target.pk]), [])
            statuses[target.pk] = target_assessment(target, readings).status
    return statuses


def _area_id(target: Target, groups: dict) -> int | None:
    """The municipality, or its RAR area for an indicator Jobindsats has only per RAR area (as on the page)."""
    municipality = target.plan_goal.plan.municipality
    if target.indicator.area_level == Indicator.AreaLevel.RAR:
        rar = groups.get(municipality.pk)
        return rar.pk if rar else None
    return municipality.pk
