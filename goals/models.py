"""The minister's goals per year, and each municipality's employment plan with its local targets."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models import Indicator
from indicators.periods import UnknownPeriodFormat, parse_period
from municipalities.models import Area


def _related(instance: models.Model, name: str) -> models.Model | None:
    """The related object, or None when there is none to read.

    `__str__` runs on historical copies too (the admin's history pages): a copy leaves out the fields its history
    excludes, and the row a version pointed to may since have been deleted. Neither may break a page.
    """
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _year(instance: models.Model) -> str:
    goal_set = _related(instance, "goal_set")
    return str(goal_set.year) if goal_set else "–"


# Lov nr. 1656 af 30. december 2024 abolished the minister's yearly goals: from 2025 a municipality sets its own.
LAST_MINISTERIAL_YEAR = 2024
FIRST_OWN_YEAR = LAST_MINISTERIAL_YEAR + 1


def _one_per_year(goal_sets: list[GoalSet], municipality_id: int | None) -> list[GoalSet]:
    """Per year the municipality's own set where it has one, else the minister's; newest first."""
    by_year: dict[int, GoalSet] = {}
    for goal_set in goal_sets:
        if goal_set.is_own and goal_set.municipality_id != municipality_id:
            continue
        if goal_set.year not in by_year or goal_set.is_own:
            by_year[goal_set.year] = goal_set
    return sorted(by_year.values(), key=lambda s: -s.year)


class GoalSetQuerySet(models.QuerySet):
    def applying_to(self, municipality: Area | None) -> list[GoalSet]:
        """The goal set that applies to a municipality in each year, newest first.

        The one rule for "the goals of municipality M in year Y": its own set where it has one, else the
        minister's. Without a municipality (the front page), the minister's sets only.
        """
        own = Q(municipality=municipality) if municipality is not None else Q(pk__in=[])
        goal_sets = list(self.filter(Q(municipality__isnull=True) | own))
        return _one_per_year(goal_sets, municipality.id if municipality else None)

    def applying_to_each(self, municipalities: list[Area]) -> dict[int, list[GoalSet]]:
        """applying_to for many municipalities in one query: municipality id → its goal sets, newest first."""
        goal_sets = list(self.all())
        return {area.id: _one_per_year(goal_sets, area.id) for area in municipalities}

    def applying_in(self, municipality: Area | None, *, year: int) -> GoalSet | None:
        """The goal set that applies to a municipality in one year (see applying_to), or None."""
        return next(iter(self.filter(year=year).applying_to(municipality)), None)


class GoalSet(models.Model):
    """One year's goals: the employment minister's (2022–2024) or, from 2025, one municipality's own."""

    year = models.PositiveSmallIntegerField(_("år"))
    municipality = models.ForeignKey(
        Area,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goal_sets",
        limit_choices_to={"kind": "municipality"},
        help_text=_("Tom for ministerens mål; ellers kommunens egne mål (fra 2025)."),
    )
    announced_on = models.DateField(_("meldt ud"), null=True, blank=True)
    source_title = models.CharField(_("kilde"), max_length=300, blank=True)
    source_url = models.URLField(_("link til kilden"), blank=True)

    objects = GoalSetQuerySet.as_manager()
    # Its source line is on the public pages: an edit must change the data version (goals.page_cache) and queue a
    # rebuild, as an edit of its goals does, and who changed it is kept as for them.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("målsæt")
        verbose_name_plural = _("målsæt")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(municipality__isnull=True),
                name="goals_goalset_one_ministerial_per_year",
                violation_error_message=_("Ministerens mål for det år findes allerede."),
            ),
            models.UniqueConstraint(
                fields=["municipality", "year"],
                condition=Q(municipality__isnull=False),
                name="goals_goalset_one_own_per_municipality_year",
                violation_error_message=_("Kommunen har allerede egne mål for det år."),
            ),
            models.CheckConstraint(
                condition=Q(municipality__isnull=True) | Q(year__gte=FIRST_OWN_YEAR),
                name="goals_goalset_own_from_2025",
                violation_error_message=_(
                    "En kommune kan først have egne mål fra 2025; til og med 2024 gælder ministerens mål."
                ),
            ),
        ]

    def __str__(self) -> str:
        municipality = _related(self, "municipality")
        return f"{self.year} · {municipality}" if municipality else str(self.year)

    @property
    def is_own(self) -> bool:
        """The municipality's own goals (not the minister's)."""
        return self.municipality_id is not None


class Goal(models.Model):
    """One goal of a year's set; its texts are edited by admins with full history."""

    goal_set = models.ForeignKey(
        GoalSet, verbose_name=_("målsæt"), on_delete=models.CASCADE, related_name="goals"
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("titel"), max_length=300)
    text = models.TextField(_("tekst"), blank=True)
    continues_from = models.ForeignKey(
        "self",
        verbose_name=_("viderefører"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="continued_by",
        help_text=_("Målet fra året før, som dette mål fortsætter."),
    )
    indicators = models.ManyToManyField(
        Indicator,
        verbose_name=_("indikatorer"),
        blank=True,
        related_name="goals",
        help_text=_("Indikatorer, der måler målet (mål 2, 3 og 5 har ministerielle indikatorer)."),
    )
    history = HistoricalRecords(excluded_fields=["goal_set", "continues_from"])

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["goal_set__year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["goal_set", "number"], name="goals_goal_one_per_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="goals_goal_number_positive"),
        ]

    def __str__(self) -> str:
        # A historical copy has no goal set (its history excludes it): the number and title still say which goal.
        goal_set = _related(self, "goal_set")
        year = f"{goal_set.year} · " if goal_set else ""
        return f"{year}{self.number}. {self.title}"

    def clean(self) -> None:
        if self.continues_from_id and self.continues_from.goal_set.year != self.goal_set.year - 1:
            raise ValidationError({"continues_from": _("Et mål kan kun videreføre et mål fra året før.")})


class Plan(models.Model):
    """A municipality's employment plan ("beskæftigelsesplan") for one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Udkast")
        ADOPTED = "adopted", _("Vedtaget")

    municipality = models.ForeignKey(
        Area,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="plans",
        limit_choices_to={"kind": "municipality"},
    )
    goal_set = models.ForeignKey(
        GoalSet, verbose_name=_("år"), on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(_("vedtaget den"), null=True, blank=True)
    decision_reference = models.CharField(_("byrådsbeslutning"), max_length=300, blank=True)
    decision_url = models.URLField(_("link til beslutningen"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beskæftigelsesplan")
        verbose_name_plural = _("beskæftigelsesplaner")
        ordering = ["municipality__name", "-goal_set__year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "goal_set"], name="goals_plan_one_per_year"),
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(adopted_on__isnull=False),
                name="goals_plan_adopted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{_related(self, 'municipality') or '–'} {_year(self)}"

    def clean(self) -> None:
        if self.municipality_id and self.municipality.kind != Area.Kind.MUNICIPALITY:
            raise ValidationError({"municipality": _("En beskæftigelsesplan hører til en kommune.")})
        if self.status == self.Status.ADOPTED and not self.adopted_on:
            raise ValidationError({"adopted_on": _("En vedtaget plan skal have en vedtagelsesdato.")})


class PlanGoal(models.Model):
    """The plan's local text for one of the year's goals."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="plan_goals"
    )
    goal = models.ForeignKey(Goal, verbose_name=_("mål"), on_delete=models.PROTECT, related_name="plan_goals")
    text = models.TextField(_("lokal tekst"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("planens mål")
        verbose_name_plural = _("planens mål")
        ordering = ["plan", "goal__number"]
        constraints = [models.UniqueConstraint(fields=["plan", "goal"], name="goals_plangoal_one_per_goal")]

    def __str__(self) -> str:
        goal = _related(self, "goal")
        return f"{_related(self, 'plan') or '–'} · {goal.number if goal else '–'}"

    def clean(self) -> None:
        if self.plan_id and self.goal_id and self.goal.goal_set_id != self.plan.goal_set_id:
            raise ValidationError({"goal": _("Målet skal høre til planens år.")})


# Far more than a plan has (a few goals, a few indicators each); the plan editor and the admin build no more
# target forms than this, whatever a request claims to send.
MAX_TARGETS_PER_PLAN = 50


class Target(models.Model):
    """A local target under a plan goal: from a baseline value in one period to a target value in a later one."""

    plan_goal = models.ForeignKey(
        PlanGoal, verbose_name=_("planens mål"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indikator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    baseline_period = models.CharField(_("basisperiode"), max_length=16, blank=True)
    baseline_period_start = models.DateField(null=True, blank=True, editable=False)
    baseline_value = models.DecimalField(
        _("basisværdi"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    target_period = models.CharField(_("målperiode"), max_length=16)
    target_period_start = models.DateField(editable=False)
    target_value = models.DecimalField(_("målværdi"), max_digits=18, decimal_places=4)
    direction = models.CharField(
        _("retning"), max_length=8, choices=Indicator.Direction.choices, default=Indicator.Direction.UP
    )
    is_percent = models.BooleanField(editable=False, default=False)
    narrative = models.TextField(_("beskrivelse"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("måltal")
        verbose_name_plural = _("måltal")
        ordering = ["plan_goal", "target_period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_period_start__isnull=True)
                | Q(baseline_period_start__lt=models.F("target_period_start")),
                name="goals_target_baseline_before_target",
            ),
            models.CheckConstraint(
                condition=Q(is_percent=False)
                | (
                    Q(target_value__gte=0, target_value__lte=100)
                    & (Q(baseline_value__isnull=True) | Q(baseline_value__gte=0, baseline_value__lte=100))
                ),
                name="goals_target_percent_between_0_and_100",
            ),
            # The status page draws one chart per indicator under a goal; targets without an indicator (a
            # narrative only) may be many, since NULLs are distinct.
            models.UniqueConstraint(
                fields=["plan_goal", "indicator"], name="goals_target_one_per_goal_indicator"
            ),
        ]

    def __str__(self) -> str:
        indicator = _related(self, "indicator")
        what = indicator.name if indicator else self.narrative[:40]
        return f"{_related(self, 'plan_goal') or '–'}: {what} → {self.target_value} ({self.target_period})"

    def save(self, *args, **kwargs) -> None:
        self._set_derived_fields()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.target_period:
            errors["target_period"] = _("Angiv målperioden, fx december 2024.")
        for field in ("baseline_period", "target_period"):
            code = getattr(self, field)
            if code:
                try:
                    parse_period(code)
                except UnknownPeriodFormat as exc:
                    errors[field] = str(exc)
        if errors:
            raise ValidationError(errors)
        self._set_derived_fields()
        if self.baseline_period_start and self.baseline_period_start >= self.target_period_start:
            errors["baseline_period"] = _("Basisperioden skal ligge før målperioden.")
        if self.is_percent:
            for field in ("baseline_value", "target_value"):
                value = getattr(self, field)
                if value is not None and not 0 <= value <= 100:
                    errors[field] = _("En procentsats skal ligge mellem 0 og 100.")
        if errors:
            raise ValidationError(errors)

    def _set_derived_fields(self) -> None:
        self.is_percent = bool(self.indicator_id and self.indicator.unit == Indicator.Unit.PERCENT)
        self.baseline_period_start = (
            parse_period(self.baseline_period).start if self.baseline_period else None
        )
        self.target_period_start = parse_period(self.target_period).start


class ChiefAssignmentQuerySet(models.QuerySet):
    def roles_of(self, *, user, municipality: Area) -> set[str]:
        """The roles a user holds in one municipality (plan keeper, committee chair); empty for strangers."""
        if not user.is_authenticated or not user.is_active:
            return set()
        return set(self.filter(user=user, municipality=municipality).values_list("role", flat=True))


class ChiefAssignment(models.Model):
    """A user's role in one municipality: plan keeper (the jobcenter chief, or a delegate) or committee chair.

    One user may chair in one municipality and keep plans in another; what each role may do is decided in
    goals.roles, the one place every view and admin action asks.
    """

    class Role(models.TextChoices):
        KEEPER = "keeper", _("Planansvarlig")
        CHAIR = "chair", _("Udvalgsformand")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="chief_assignments",
    )
    municipality = models.ForeignKey(
        Area,
        verbose_name=_("kommune"),
        on_delete=models.CASCADE,
        related_name="chief_assignments",
        limit_choices_to={"kind": "municipality"},
    )
    role = models.CharField(_("rolle"), max_length=16, choices=Role.choices, default=Role.KEEPER)

    objects = ChiefAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rolle i en kommune")
        verbose_name_plural = _("roller i kommuner")
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], name="goals_chiefassignment_one_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.municipality} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.municipality_id and self.municipality.kind != Area.Kind.MUNICIPALITY:
            raise ValidationError({"municipality": _("Vælg en kommune.")})
