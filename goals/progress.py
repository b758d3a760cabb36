"""Target against actual: the status rule and the generated description. Pure functions, no ORM, no request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals.formatting import compare_printed, format_period, format_value
from indicators.periods import UnknownPeriodFormat, months_between, parse_period

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
    # The period in words where it is not a Jobindsats period (a 12-month average); empty: the period's own name.
    label: str = ""
    provisional: bool = False


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


def _period_words(point: Point) -> str:
    return point.label or format_period(point.period)


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
        base_period, base_start, base_value = first.label or first.period, first.start, first.value
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
        "latest_period": _period_words(latest),
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


# The figure a target is about. A target for a year ("2024") on a monthly series is about the year as a whole:
# it is measured on the average of the year's 12 months, never on its last month alone (monthly shares swing
# from 0,4 % to 2,1 %). A target for a month (2024M12), or on a series that is not monthly, is measured on the
# values of the series' own periods, as always. One rule for the badge, the yearly verdicts and the chart's line.
YEAR_MONTHS = 12
# Months the small-number rule hides, or that Jobindsats never published, are left out of an average (their value
# is never used, so no hidden value can be worked back from it); an average needs at least this many shown months
# of its twelve, otherwise there are too few figures. Provisional months count, and make the average provisional.
MIN_SHOWN_MONTHS = 10


class Reading(Protocol):
    """One period of a series as a page has it: its value, or None where hidden, and whether it is provisional."""

    period: str
    start: date
    value: Decimal | None
    provisional: bool


@dataclass(frozen=True)
class Average:
    """The average of the twelve months ending in `end` (its period code `period`), over its shown months."""

    period: str
    end: date
    value: Decimal
    shown: int
    provisional: bool

    @property
    def left_out(self) -> int:
        """Months of the twelve not in the average: hidden by the small-number rule or not published."""
        return YEAR_MONTHS - self.shown


def period_type(code: str) -> str:
    """The type of a period code (M, Q, H, Y …), or "" when it is no Jobindsats period."""
    try:
        return parse_period(code).type
    except UnknownPeriodFormat:
        return ""


def uses_year_average(*, target_period: str, readings: Sequence[Reading]) -> bool:
    """Whether a target is measured on 12-month averages: a yearly target on a monthly series."""
    return period_type(target_period) == "Y" and bool(readings) and period_type(readings[0].period) == "M"


def twelve_month_average(readings: Sequence[Reading], end: Reading) -> Average | None:
    """The average of the shown months among the twelve ending with `end`; None with fewer than MIN_SHOWN_MONTHS."""
    window = [r for r in readings if 0 <= months_between(r.start, end.start) < YEAR_MONTHS]
    shown = [r.value for r in window if r.value is not None]
    if len(shown) < MIN_SHOWN_MONTHS:
        return None
    value = sum(shown, Decimal(0)) / len(shown)
    return Average(end.period, end.start, value, len(shown), any(r.provisional for r in window))


def rolling_averages(readings: Sequence[Reading]) -> list[Average | None]:
    """Per reading (oldest first), the 12-month average ending with it, or None where there are too few months."""
    return [twelve_month_average(readings, reading) for reading in readings]


def average_words(average: Average) -> str:
    """The averaged months in words, as they follow "i": "2024 (gennemsnit af årets 12 måneder)"."""
    if average.end.month == 12:
        return _("%(year)s (gennemsnit af årets 12 måneder)") % {"year": average.end.year}
    return _("de 12 måneder til %(period)s (gennemsnit)") % {"period": format_period(average.period)}


def figure_start(code: str, *, year_average: bool) -> date:
    """Where a period's figure lies on the time line: a year's average at its December, else the period's start."""
    start = parse_period(code).start
    return date(start.year, 12, 1) if year_average and period_type(code) == "Y" else start


def figure_spec(spec: TargetSpec, *, year_average: bool) -> TargetSpec:
    """The target with its periods placed where their figures lie (a yearly target's at its December)."""
    if not year_average:
        return spec
    baseline_start = (
        figure_start(spec.baseline_period, year_average=True) if spec.baseline_period else spec.baseline_start
    )
    return TargetSpec(
        target_period=spec.target_period,
        target_start=figure_start(spec.target_period, year_average=True),
        target_value=spec.target_value,
        direction=spec.direction,
        baseline_period=spec.baseline_period,
        baseline_start=baseline_start,
        baseline_value=spec.baseline_value,
    )


def figure_points(*, readings: Sequence[Reading], year_average: bool) -> list[Point]:
    """The figures a target is measured on, oldest first: the shown values, or their 12-month averages."""
    if not year_average:
        return [
            Point(r.period, r.start, r.value, provisional=r.provisional)
            for r in readings
            if r.value is not None
        ]
    return [
        Point(a.period, a.end, a.value, label=average_words(a), provisional=a.provisional)
        for a in rolling_averages(readings)
        if a is not None
    ]


def figure_text(*, readings: Sequence[Reading], unit: str, until: date | None = None) -> str:
    """The figure a yearly target was measured on, in words: "Gennemsnit af de 12 måneder i 2024: 1,2 %"."""
    ends = [r for r in readings if until is None or r.start <= until]
    average = twelve_month_average(readings, ends[-1]) if ends else None
    if average is None:
        return _("Et årsmål måles på gennemsnittet af årets 12 måneder; der er endnu for få måneder til det.")
    words = {"value": format_value(average.value, unit), "period": format_period(average.period)}
    if average.end.month == 12:
        words["period"] = str(average.end.year)
        text = _("Gennemsnit af de 12 måneder i %(period)s: %(value)s") % words
    else:
        text = _("Gennemsnit af de 12 måneder til %(period)s: %(value)s") % words
    if average.left_out:
        text += " " + _(
            "(%(n)s af de 12 måneder indgår ikke: skjult efter reglen for små tal eller ikke udgivet)"
        ) % {"n": average.left_out}
    if average.provisional:
        text += " " + _("(foreløbige tal)")
    return text


def average_rule_text() -> str:
    """The averaging rule in plain words, for under a chart whose target is measured on an average."""
    return _(
        "Et mål for et helt år måles på gennemsnittet af årets 12 måneder, ikke på den sidste måned alene. "
        "Måneder, der er skjult efter reglen for små tal, indgår ikke; gennemsnittet kræver mindst %(min)s "
        "viste måneder. Indgår foreløbige måneder, er gennemsnittet også foreløbigt."
    ) % {"min": MIN_SHOWN_MONTHS}


class Verdict(models.TextChoices):
    """A goal year's target, judged when its period is over."""

    MET = "met", gettext_lazy("nået")
    NOT_MET = "not_met", gettext_lazy("ikke nået")
    RUNNING = "running", gettext_lazy("i gang")
    TOO_LITTLE_DATA = "too_little_data", gettext_lazy("for få data")


@dataclass(frozen=True)
class YearVerdict:
    """One goal year's verdict on its target, from the status rule, and the figure it was decided on."""

    year: int
    verdict: Verdict
    assessment: Assessment
    provisional: bool = False

    def text(self) -> str:
        """One year in words: "2022: nået", "2026: i gang (på rette spor)", "2025: nået (foreløbige tal)"."""
        text = f"{self.year}: {self.verdict.label}"
        if self.verdict == Verdict.RUNNING and self.assessment.status in (
            Status.ON_TRACK,
            Status.NOT_ON_TRACK,
        ):
            text += f" ({str(self.assessment.status.label).lower()})"
        elif self.provisional and self.verdict in (Verdict.MET, Verdict.NOT_MET):
            text += " " + _("(foreløbige tal)")
        return text


def year_verdict(
    *, year: int, target: TargetSpec, points: list[Point], newest_start: date | None, unit: str
) -> YearVerdict:
    """A goal year's verdict: met or not as the status rule finds it on the target period's own figure.

    `target` and `points` as the rule measures them (figure_spec, figure_points). A target period whose figure is
    not there yet is running; one the data has passed without a figure (hidden, too few months) has too few data.
    """
    until = [p for p in points if p.start <= target.target_start]
    assessment = assess(target=target, points=until, unit=unit)
    if until and until[-1].start == target.target_start:
        met = assessment.status == Status.ON_TRACK
        return YearVerdict(year, Verdict.MET if met else Verdict.NOT_MET, assessment, until[-1].provisional)
    if newest_start is None or newest_start < target.target_start:
        return YearVerdict(year, Verdict.RUNNING, assessment)
    return YearVerdict(year, Verdict.TOO_LITTLE_DATA, assessment)
