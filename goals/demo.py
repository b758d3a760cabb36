"""Demo plans for a few municipalities, a demo admin and Randers' demo plan keepers, for `make run`; idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from config.demo_mode import require_demo_mode
from goals.demo_history import load_demo_history
from goals.demo_own_goals import load_demo_own_goals
from goals.models import ChiefAssignment, Goal, GoalSet, Plan, PlanGoal, Target
from indicators.models import Indicator
from municipalities.models import Area

DEMO_PASSWORD = "maaltavlen-demo"  # noqa: S105 - printed by `make run`; created only in demo mode
DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = DEMO_PASSWORD

# municipality slug → (goal 2 baseline, goal 2 target, goal 3 baseline, goal 3 target), in percent; near the
# sandbox's synthetic series (indicators.sandbox), so the demo shows targets both met and missed.
DEMO_PLANS = {
    "randers": (Decimal("0.6"), Decimal("0.8"), Decimal("51.5"), Decimal("54.0")),
    "aarhus": (Decimal("0.75"), Decimal("0.85"), Decimal("54.0"), Decimal("56.0")),
    "koebenhavn": (Decimal("1.15"), Decimal("1.3"), Decimal("54.0"), Decimal("57.0")),
    "odense": (Decimal("0.8"), Decimal("0.95"), Decimal("49.5"), Decimal("53.0")),
}
LOCAL_TEXTS = {
    1: "Jobcentret måler borgernes tilfredshed med sagsbehandlingen to gange om året.",
    2: "Vi vil øge brugen af jobrettet uddannelse og voksenlærlingeforløb, især for dagpengemodtagere.",
    3: "Flere flygtninge skal i ordinære timer gennem virksomhedsrettede forløb og brobygning.",
    4: "Vi styrker samarbejdet med virksomheder om fleksjob og job med løntilskud til personer med handicap.",
    5: "Virksomhedsservice skal hjælpe flere virksomheder med rekruttering inden for mangelområder.",
}


@dataclass(frozen=True)
class DemoAccount:
    """A demo login that `make run` prints: the admin, or a plan keeper of one municipality."""

    username: str
    role: str
    municipality_slug: str | None = None  # set: keeps this municipality's plan (not staff)
    password: str = DEMO_PASSWORD


DEMO_ADMIN = DemoAccount(DEMO_ADMIN_USERNAME, "admin")
# Two keepers of Randers' plan: the jobcenter chief who writes it, and a manager (a second keeper, so that one
# can write and another approve).
DEMO_PLAN_KEEPERS = (
    DemoAccount("randers-chef", "jobcenterchef i Randers, planansvarlig", "randers"),
    DemoAccount("randers-leder", "leder i Randers, planansvarlig", "randers"),
)


@dataclass(frozen=True)
class DemoResult:
    plans_created: int
    accounts_created: int


def _targets_for(plan_goal: PlanGoal, values: tuple[Decimal, ...], year: int) -> None:
    number = plan_goal.goal.number
    if number not in (2, 3):
        return
    code = "mm17-andel-opkvalificering" if number == 2 else "mm13-andel-beskaeftigede"
    baseline, target = values[:2] if number == 2 else values[2:]
    Target.objects.get_or_create(
        plan_goal=plan_goal,
        indicator=Indicator.objects.get(code=code),
        target_period=f"{year}M12",
        defaults={
            "baseline_period": f"{year - 1}M12",
            "baseline_value": baseline,
            "target_value": target,
            "direction": Indicator.Direction.UP,
            "narrative": "Måltal vedtaget af byrådet i beskæftigelsesplanen.",
        },
    )


@transaction.atomic
def load_demo_plans() -> int:
    """Create adopted 2023 and 2024 plans with local texts and targets for a few municipalities; returns how many."""
    created = 0
    for goal_set in GoalSet.objects.filter(year__in=[2023, 2024]):
        goals = list(Goal.objects.filter(goal_set=goal_set))
        for slug, values in DEMO_PLANS.items():
            municipality = Area.objects.get(slug=slug)
            plan, was_created = Plan.objects.get_or_create(
                municipality=municipality,
                goal_set=goal_set,
                defaults={
                    "status": Plan.Status.ADOPTED,
                    "adopted_on": date(goal_set.year - 1, 12, 15),
                    "decision_reference": f"Byrådets møde december {goal_set.year - 1} (demo)",
                },
            )
            created += was_created
            for goal in goals:
                plan_goal, _ = PlanGoal.objects.get_or_create(
                    plan=plan, goal=goal, defaults={"text": LOCAL_TEXTS[goal.number]}
                )
                _targets_for(plan_goal, values, goal_set.year)
    return created


def load_demo_accounts() -> int:
    """Create the demo admin and Randers' demo plan keepers (demo mode only); returns how many were created."""
    require_demo_mode("Demokonti")
    user_model = get_user_model()
    created = 0
    if not user_model.objects.filter(username=DEMO_ADMIN.username).exists():
        user_model.objects.create_superuser(DEMO_ADMIN.username, "admin@example.invalid", DEMO_ADMIN.password)
        created += 1
    for keeper in DEMO_PLAN_KEEPERS:
        user, was_created = user_model.objects.get_or_create(
            username=keeper.username, defaults={"email": f"{keeper.username}@example.invalid"}
        )
        if was_created:
            user.set_password(keeper.password)
            user.save(update_fields=["password"])
            created += 1
        ChiefAssignment.objects.get_or_create(
            user=user, municipality=Area.objects.get(slug=keeper.municipality_slug)
        )
    return created


@transaction.atomic
def load_demo() -> DemoResult:
    """`make run`'s demo plans and demo accounts; refused outside demo mode, before anything is written."""
    require_demo_mode("Demoplaner og demokonti")
    load_demo_history()  # goals/demo_history.py: Randers' 2022 plan, for the chart of all years
    result = DemoResult(plans_created=load_demo_plans(), accounts_created=load_demo_accounts())
    load_demo_own_goals()  # Randers' own goals for 2025 and 2026 (goals/demo_own_goals.py)
    return result
