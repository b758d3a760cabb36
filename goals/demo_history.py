"""Demo data for every year on one line: Randers' 2022 plan with targets for the whole year (demo mode only).

With the 2023 and 2024 demo plans (goals/demo.py) Randers' chart of all years then judges three goal years, and
its 2022 targets, set for the year as a whole, are measured on the year's 12-month average: near the sandbox's
series, so the year is met on its average where December alone would have missed it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from config.demo_mode import require_demo_mode
from goals.models import Goal, Plan, PlanGoal, Target
from indicators.models import Indicator
from municipalities.models import Area

YEAR = 2022
PLAN_TEXT = "Målene for 2022 gælder året som helhed og følges på årets gennemsnit."
# goal number → (indicator, baseline for 2021 as a whole, target for 2022 as a whole), in percent.
YEARLY_TARGETS = {
    2: ("mm17-andel-opkvalificering", Decimal("1.05"), Decimal("1.1")),
    3: ("mm13-andel-beskaeftigede", Decimal("46.3"), Decimal("49.0")),
}


@transaction.atomic
def load_demo_history() -> int:
    """Randers' adopted 2022 plan with yearly targets for goals 2 and 3; idempotent; returns plans created."""
    require_demo_mode("Demoplaner")
    goals = list(Goal.objects.filter(goal_set__year=YEAR))
    if not goals:
        return 0
    plan, created = Plan.objects.get_or_create(
        municipality=Area.objects.get(slug="randers"),
        goal_set=goals[0].goal_set,
        defaults={
            "status": Plan.Status.ADOPTED,
            "adopted_on": date(YEAR - 1, 12, 15),
            "decision_reference": f"Byrådets møde december {YEAR - 1} (demo)",
        },
    )
    for goal in goals:
        plan_goal, _ = PlanGoal.objects.get_or_create(plan=plan, goal=goal, defaults={"text": PLAN_TEXT})
        if goal.number in YEARLY_TARGETS:
            code, baseline, target = YEARLY_TARGETS[goal.number]
            Target.objects.get_or_create(
                plan_goal=plan_goal,
                indicator=Indicator.objects.get(code=code),
                defaults={
                    "baseline_period": str(YEAR - 1),
                    "baseline_value": baseline,
                    "target_period": str(YEAR),
                    "target_value": target,
                    "direction": Indicator.Direction.UP,
                    "narrative": "Måltal for året som helhed, vedtaget af byrådet i beskæftigelsesplanen.",
                },
            )
    return int(created)
