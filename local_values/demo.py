"""Local indicators for `make run`: Randers' goal-1 and goal-4 indicators with targets, and a shared one; idempotent.

Every value goes through the real services: entered as a draft by one demo keeper (local_values.entry) and approved
by another (local_values.approval), except one value left waiting for approval. Running it again writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from config.demo_mode import require_demo_mode
from goals.demo import DEMO_ADMIN, DEMO_PASSWORD, DEMO_PLAN_KEEPERS
from goals.models import ChiefAssignment, PlanGoal, Target
from indicators.models import Indicator
from local_values import approval, entry
from local_values.validation import RawRow, check_rows
from municipalities.models import Area

# Randers' yearly citizen-satisfaction share (goal 1): period → (share in percent, respondents).
SATISFACTION = {
    "2019": ("71.2", "412"),
    "2020": ("72.0", "388"),
    "2021": ("70.5", "431"),
    "2022": ("73.4", "455"),
    "2023": ("74.1", "470"),
    "2024": ("75.8", "502"),
}
SATISFACTION_PENDING = ("2025", "77.0", "515")  # entered, waiting for the second keeper
# Randers' quarterly count of people with disabilities in ordinary jobs via the jobcenter (goal 4), 2019–2025.
JOBS = {
    f"{year}Q{q:02d}": str(38 + 2 * (year - 2019) + q + (q % 2))
    for year in range(2019, 2026)
    for q in range(1, 5)
}
# KL's yearly værdighed survey (shared): municipality slug → share per year 2022–2025.
DIGNITY = {
    "randers": ("64.0", "66.5", "68.1", "69.0"),
    "aarhus": ("61.2", "62.0", "63.4", "65.2"),
    "koebenhavn": ("58.3", "59.9", "60.2", "61.7"),
    "odense": ("62.8", "63.1", "65.0", "64.4"),
}
# One keeper per other reporting municipality, so its values have someone to enter them (the admin approves).
OTHER_KEEPERS = {"aarhus": "aarhus-chef", "koebenhavn": "koebenhavn-chef", "odense": "odense-chef"}


@dataclass(frozen=True)
class LocalDemoResult:
    drafts: int
    approved: int


def _user(username: str, slug: str | None = None):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.invalid"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if slug:
        ChiefAssignment.objects.get_or_create(user=user, municipality=Area.objects.get(slug=slug))
    return user


def _indicator(code: str, base_code: str | None, **fields) -> Indicator:
    base = None
    if base_code:
        base, _ = Indicator.objects.get_or_create(
            code=base_code,
            defaults={
                "name": f"{fields['name']}: grundlag",
                "source": Indicator.Source.LOCAL,
                "municipality": fields.get("municipality"),
                "unit": Indicator.Unit.COUNT,
                "better_direction": Indicator.Direction.NEUTRAL,
                "period_type": fields["period_type"],
                "provisional_months": 0,
                "definition": f"Antal besvarelser bag “{fields['name']}”.",
            },
        )
    indicator, _ = Indicator.objects.get_or_create(
        code=code,
        defaults={
            **fields,
            "source": Indicator.Source.LOCAL,
            "provisional_months": 0,
            "base_indicator": base,
        },
    )
    return indicator


def _enter_and_approve(
    indicator: Indicator, area: Area, cells: dict, entered_by, approved_by
) -> tuple[int, int]:
    raw = [RawRow(n, period, *values) for n, (period, values) in enumerate(cells.items(), start=2)]
    checked = check_rows(indicator=indicator, rows=raw, today=timezone.localdate())
    if checked.problems:  # the demo's own numbers: a failure here is a bug in this module
        raise ValueError(f"Demo values for {indicator.code} are invalid: {checked.problems}")
    submitted = entry.submit(indicator=indicator, area=area, rows=checked.rows, user=entered_by)
    ids = list(
        approval.pending(area=area)
        .filter(indicator=indicator, period__in=list(cells), entered_by=entered_by)
        .values_list("pk", flat=True)
    )
    approved = approval.approve(area=area, ids=ids, user=approved_by) if ids else 0
    return submitted.drafts, approved


def _target(area: Area, year: int, goal_number: int, indicator: Indicator, **fields) -> None:
    plan_goal = PlanGoal.objects.filter(
        plan__municipality=area, plan__goal_set__year=year, goal__number=goal_number
    ).first()
    if plan_goal is not None:
        Target.objects.get_or_create(plan_goal=plan_goal, indicator=indicator, defaults=fields)


@transaction.atomic
def load_local_demo() -> LocalDemoResult:
    """Randers' two local indicators with values and targets, and a shared one four municipalities report."""
    require_demo_mode("Lokale demoindikatorer")
    randers = Area.objects.get(slug="randers")
    chief, manager = (_user(keeper.username, keeper.municipality_slug) for keeper in DEMO_PLAN_KEEPERS)
    admin = get_user_model().objects.get(username=DEMO_ADMIN.username)
    satisfaction = _indicator(
        "randers-borgertilfredshed",
        "randers-borgertilfredshed-grundlag",
        name="Borgernes tilfredshed med sagsbehandlingen",
        municipality=randers,
        unit=Indicator.Unit.PERCENT,
        better_direction=Indicator.Direction.UP,
        period_type="Y",
        serves_goals=[1],
        definition=(
            "Jobcentrets årlige borgertilfredshedsmåling: andel af de adspurgte borgere, der er meget eller "
            "overvejende tilfredse med sagsbehandlingen. Kilde: Randers Jobcenter."
        ),
    )
    jobs = _indicator(
        "randers-handicap-ordinaert-job",
        None,
        name="Personer med handicap i ordinære job via jobcentret",
        municipality=randers,
        unit=Indicator.Unit.COUNT,
        better_direction=Indicator.Direction.UP,
        period_type="Q",
        serves_goals=[4],
        definition=(
            "Antal personer med handicap, der i kvartalet var i ordinær beskæftigelse (uden løntilskud) efter et "
            "forløb i jobcentret. Kilde: Randers Jobcenters eget register."
        ),
    )
    dignity = _indicator(
        "faelles-kl-vaerdighed",
        None,
        name="Værdig sagsbehandling (KL's årlige måling)",
        municipality=None,
        unit=Indicator.Unit.PERCENT,
        better_direction=Indicator.Direction.UP,
        period_type="Y",
        serves_goals=[1],
        definition=(
            "Andel af borgerne, der oplever at blive mødt med respekt og værdighed i jobcentret. Kilde: KL's "
            "årlige måling blandt kommunerne; hver kommune indberetter sit eget tal."
        ),
    )
    drafts = approved = 0
    for indicator, cells in ((satisfaction, SATISFACTION), (jobs, {p: (v, "") for p, v in JOBS.items()})):
        d, a = _enter_and_approve(indicator, randers, cells, chief, manager)
        drafts, approved = drafts + d, approved + a
    for slug, shares in DIGNITY.items():
        area = Area.objects.get(slug=slug)
        cells = {str(2022 + i): (share, "") for i, share in enumerate(shares)}
        if slug == "randers":
            d, a = _enter_and_approve(dignity, area, cells, chief, manager)
        else:
            d, a = _enter_and_approve(dignity, area, cells, _user(OTHER_KEEPERS[slug], slug), admin)
        drafts, approved = drafts + d, approved + a
    # One value waits for the second keeper's approval.
    period, value, base = SATISFACTION_PENDING
    pending = check_rows(
        indicator=satisfaction, rows=[RawRow(2, period, value, base)], today=timezone.localdate()
    )
    if pending.rows:
        drafts += entry.submit(indicator=satisfaction, area=randers, rows=pending.rows, user=chief).drafts
    _target(
        randers,
        2024,
        1,
        satisfaction,
        baseline_period="2023",
        baseline_value=Decimal("74.1"),
        target_period="2024",
        target_value=Decimal("76.0"),
        direction=Indicator.Direction.UP,
        narrative="Tilfredsheden skal op på 76 % i 2024.",
    )
    _target(
        randers,
        2024,
        4,
        jobs,
        baseline_period="2023Q04",
        baseline_value=Decimal(JOBS["2023Q04"]),
        target_period="2024Q04",
        target_value=Decimal(JOBS["2023Q04"]) + 8,
        direction=Indicator.Direction.UP,
        narrative="Otte flere personer med handicap i ordinære job ved udgangen af 2024.",
    )
    return LocalDemoResult(drafts=drafts, approved=approved)
