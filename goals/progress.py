"""Target against actual: the status rule and the generated description. Pure functions, no ORM, no request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals.formatting import compare_printed, format_period, format_value
from indicators.periods import months_between

UP, DOWN = "up", "down"


class Status(models.TextChoices):
    """A target's state at a glance (the badge)."""

    ON_TRACK = "on_track", gettext_lazy("På rette spor")
    NOT_ON_TRACK = "not_on_track", gettext_lazy("Ikke på rette spor")
    NO_TARGET = "no_target", gettext_lazy("Intet måltal")
    TOO_LITTLE_DATA = "too_little_data", gettext_lazy("For få data")


@dataclass(frozen=True)
class Point:
    """One shown value of a series."""

    period: str
    start: date
    value: Decimal


@dataclass(frozen=True)
class TargetSpec:
    """A target as the rule needs it: where from, where to, by when, and which way is better."""

    target_period: str
    target_start: date
    target_value: Decimal
    direction: str
    baseline_period: str = ""
    baseline_start: date | None = None
    baseline_value: Decimal | None = None


@dataclass(frozen=True)
class Assessment:
    """The status with its reason in plain words, and the numbers behind it."""

    status: Status
    explanation: str
    latest: Point | None = None
    expected: Decimal | None = None
    projected: Decimal | None = None


def rule_text() -> str:
    """The status rule in plain words, for under every chart with a target."""
    return _(
        "Reglen: Et måltal er på rette spor, når den seneste værdi er mindst lige så god som en lige linje fra "
        "basisværdien til målværdien tilsiger for samme periode — det vil sige, at målet nås, hvis udviklingen "
        "fortsætter i samme tempo — eller når målet allerede er nået. Uden en værdi efter basisperioden er der "
        "for få data."
    )


def better_direction(spec: TargetSpec, baseline: Decimal) -> str:
    """UP or DOWN; a target without a stated direction points from the baseline towards the target."""
    if spec.direction in (UP, DOWN):
        return spec.direction
    return DOWN if spec.target_value < baseline else UP


def is_at_least_as_good(value: Decimal, reference: Decimal, direction: str, unit: str) -> bool:
    """Whether value is as good as reference or better as both are printed, given which way is better."""
    relation = compare_printed(value, reference, unit)
    return relation >= 0 if direction == UP else relation <= 0


def assess(*, target: TargetSpec | None, points: list[Point], unit: str) -> Assessment:
    """The status of a target given the shown values (oldest first), with the reason in plain words."""
    if target is None:
        return Assessment(Status.NO_TARGET, _("Kommunen har ikke sat et måltal for denne indikator."))
    if not points:
        return Assessment(Status.TOO_LITTLE_DATA, _("Der er endnu ingen tal at måle målet på."))
    latest = points[-1]
    if target.baseline_value is not None and target.baseline_start is not None:
        base_period, base_start, base_value = (
            target.baseline_period,
            target.baseline_start,
            target.baseline_value,
        )
    else:
        first = points[0]
        base_period, base_start, base_value = first.period, first.start, first.value
    if latest.start <= base_start:
        return Assessment(
            Status.TOO_LITTLE_DATA,
            _("Der er endnu ingen tal efter basisperioden %(period)s.")
            % {"period": format_period(base_period)},
            latest=latest,
        )
    direction = better_direction(target, base_value)
    words = {
        "baseline": format_value(base_value, unit),
        "baseline_period": format_period(base_period),
        "latest": format_value(latest.value, unit),
        "latest_period": format_period(latest.period),
        "target": format_value(target.target_value, unit),
        "target_period": format_period(target.target_period),
    }
    start = _("Fra basis %(baseline)s i %(baseline_period)s til %(latest)s i %(latest_period)s; ") % words
    if is_at_least_as_good(latest.value, target.target_value, direction, unit):
        text = start + _("målet er %(target)s i %(target_period)s, og det er allerede nået.") % words
        return Assessment(Status.ON_TRACK, text, latest=latest)
    if latest.start >= target.target_start:
        text = start + _("målet var %(target)s i %(target_period)s, og det blev ikke nået.") % words
        return Assessment(Status.NOT_ON_TRACK, text, latest=latest)
    elapsed = Decimal(months_between(base_start, latest.start))
    total = Decimal(months_between(base_start, target.target_start))
    expected = base_value + (target.target_value - base_value) * elapsed / total
    projected = base_value + (latest.value - base_value) * total / elapsed
    words["projected"] = format_value(projected, unit)
    # "On track" is "the latest value is at least what a straight line from baseline to target expects", which
    # is the same as "the pace's projection reaches the target"; the projection and the target are printed in
    # the sentence, so the rule is decided on them as printed.
    if is_at_least_as_good(projected, target.target_value, direction, unit):
        text = (
            start
            + _("målet er %(target)s i %(target_period)s; i dette tempo nås det (%(projected)s).") % words
        )
        return Assessment(Status.ON_TRACK, text, latest, expected, projected)
    text = (
        start
        + _("målet er %(target)s i %(target_period)s; i dette tempo nås det ikke (%(projected)s).") % words
    )
    return Assessment(Status.NOT_ON_TRACK, text, latest, expected, projected)


def trend(old: Decimal, new: Decimal, unit: str) -> str:
    """Whether new is "up", "down" or "flat" against old, as both are printed (1,36 → 1,44 is 1,4 → 1,4: flat)."""
    return {1: "up", -1: "down", 0: "flat"}[compare_printed(new, old, unit)]


def year_before(points: list[Point]) -> Point | None:
    """The point twelve months before the latest one, if shown."""
    if not points:
        return None
    latest = points[-1]
    return next((p for p in points if months_between(p.start, latest.start) == 12), None)


def describe(
    *,
    name: str,
    unit: str,
    points: list[Point],
    country: list[Point],
    assessment: Assessment | None = None,
    target: TargetSpec | None = None,
) -> str:
    """One plain sentence: the trend over the last year, against the target, and against the country."""
    if not points:
        return _("Der er endnu ingen tal for %(name)s.") % {"name": name}
    latest = points[-1]
    earlier = year_before(points) or points[0]
    words = {
        "name": name,
        "old": format_value(earlier.value, unit),
        "old_period": format_period(earlier.period),
        "new": format_value(latest.value, unit),
        "new_period": format_period(latest.period),
    }
    if earlier is latest:
        sentence = _("%(name)s var %(new)s i %(new_period)s") % words
    else:
        sentence = {
            "up": _("%(name)s steg fra %(old)s i %(old_period)s til %(new)s i %(new_period)s"),
            "down": _("%(name)s faldt fra %(old)s i %(old_period)s til %(new)s i %(new_period)s"),
            "flat": _("%(name)s var uændret: %(new)s i %(new_period)s og i %(old_period)s"),
        }[trend(earlier.value, latest.value, unit)] % words
    sentence += _target_clause(target, assessment, unit)
    sentence += _country_clause(latest, country, unit)
    return sentence + "."


def _target_clause(target: TargetSpec | None, assessment: Assessment | None, unit: str) -> str:
    if target is None or assessment is None:
        return ""
    words = {"target": format_value(target.target_value, unit), "period": format_period(target.target_period)}
    if assessment.status == Status.ON_TRACK:
        return _(", på rette spor mod målet på %(target)s i %(period)s") % words
    if assessment.status == Status.NOT_ON_TRACK:
        return _(", ikke på rette spor mod målet på %(target)s i %(period)s") % words
    return ""


def _country_clause(latest: Point, country: list[Point], unit: str) -> str:
    same = next((p for p in reversed(country) if p.period == latest.period), None)
    if same is None:
        return ""
    words = {"country": format_value(same.value, unit)}
    relation = trend(same.value, latest.value, unit)
    if relation == "up":
        return _(", over landsgennemsnittet (%(country)s)") % words
    if relation == "down":
        return _(", under landsgennemsnittet (%(country)s)") % words
    return _(", på niveau med hele landet (%(country)s)") % words
