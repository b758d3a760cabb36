"""Freeze the status page for a meeting: every panel's values, texts, statuses and sources, in Danish and English."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import translation

from goals.freshness import Freshness
from goals.models import GoalSet, Plan
from goals.progress import rule_text
from goals.status import GoalPanel, IndicatorPanel, StatusPage, status_page
from indicators.charts import LineSeries, Marker
from indicators.suppression import rule_text as suppression_rule_text
from meetings.models import Snapshot
from municipalities.models import Area

# The languages a snapshot is frozen in: the generated words are kept as they were written for each.
FROZEN_LANGUAGES = ("da", "en")
CONTENT_VERSION = 1


def freeze_snapshot(
    *, municipality: Area, goal_set: GoalSet, meeting_name: str, meeting_date: date, made_by
) -> Snapshot:
    """Store what the status page shows now, for the meeting, as a Snapshot that is never changed."""
    languages, plan = {}, None
    for language in FROZEN_LANGUAGES:
        with translation.override(language):
            page = status_page(municipality=municipality, goal_set=goal_set, draft_plan=True)
            languages[language], plan = page_content(page), page.plan
    with transaction.atomic():
        return Snapshot.objects.create(
            municipality=municipality,
            goal_set=goal_set,
            meeting_name=meeting_name,
            meeting_date=meeting_date,
            made_by=made_by,
            is_public=plan is not None and plan.status == Plan.Status.ADOPTED,
            content={"version": CONTENT_VERSION, "languages": languages},
        )


def page_content(page: StatusPage) -> dict:
    """The status page as JSON: the words in the active language, the numbers as exact decimals in text."""
    plan = page.plan
    return {
        "municipality": page.municipality.name,
        "region": page.municipality.region.name if page.municipality.region_id else "",
        "rar": page.rar.name if page.rar else None,
        "year": page.goal_set.year,
        "plan": _plan(plan) if plan else None,
        "rule_text": rule_text(),
        "suppression_rule": suppression_rule_text(),
        "goals": [_goal(goal) for goal in page.goals],
    }


def _plan(plan: Plan) -> dict:
    return {
        "status": plan.status,
        "adopted_on": _text(plan.adopted_on),
        "decision_reference": plan.decision_reference,
        "decision_url": plan.decision_url,
    }


def _goal(panel: GoalPanel) -> dict:
    return {
        "number": panel.goal.number,
        "title": panel.goal.title,
        "text": panel.goal.text,
        "plan_text": panel.plan_goal.text if panel.plan_goal else "",
        "status": panel.status.value,
        "local_targets": [
            {"narrative": t.narrative, "baseline": t.baseline, "target": t.target}
            for t in panel.local_targets
        ],
        "panels": [_panel(p) for p in panel.panels],
    }


def _panel(panel: IndicatorPanel) -> dict:
    indicator = panel.indicator
    baseline, target = panel.markers
    return {
        "chart_id": panel.chart_id,
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "source_kind": indicator.source,
        "title": panel.figure["layout"]["title"]["text"],
        "status": panel.assessment.status.value,
        "explanation": panel.assessment.explanation,
        "description": panel.description,
        "has_target": panel.target is not None,
        "latest_text": panel.latest_text,
        "target_text": panel.target_text,
        "change_text": panel.change_text,
        "has_data": panel.has_data,
        "rar_only": panel.rar_only,
        "is_count": panel.is_count,
        "has_provisional": panel.has_provisional,
        "hidden": panel.hidden,
        "source": panel.source,
        "freshness": _freshness(panel.freshness),
        "lines": [_line(line) for line in panel.lines],
        "baseline": _marker(baseline),
        "target": _marker(target),
    }


def _freshness(freshness: Freshness) -> dict:
    return {
        "table_updated": _text(freshness.table_updated),
        "table_next": _text(freshness.table_next),
        "fetched_at": _text(freshness.fetched_at),
        "next_pull": _text(freshness.next_pull),
    }


def _line(line: LineSeries) -> dict:
    return {
        "name": line.name,
        "role": line.role,
        "periods": list(line.periods),
        "starts": [_text(start) for start in line.starts],
        "values": [_text(value) for value in line.values],
        "provisional": list(line.provisional) or [False] * len(line.periods),
    }


def _marker(marker: Marker | None) -> dict | None:
    if marker is None:
        return None
    return {
        "label": marker.label,
        "start": _text(marker.start),
        "value": _text(marker.value),
        "period": marker.period,
    }


def _text(value: Decimal | date | datetime | None) -> str | None:
    """Exact decimals and ISO dates as text: JSON keeps them as they were, never as floats."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)
