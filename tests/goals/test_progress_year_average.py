"""A yearly target on a monthly series is measured on the 12-month average; each goal year gets a verdict."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from goals.progress import (
    MIN_SHOWN_MONTHS,
    Status,
    TargetSpec,
    Verdict,
    assess,
    figure_points,
    figure_spec,
    figure_text,
    rolling_averages,
    twelve_month_average,
    uses_year_average,
    year_verdict,
)


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


@dataclass(frozen=True)
class Month:
    period: str
    start: date
    value: Decimal | None
    provisional: bool = False


def months(values: list[str | None], *, year: int = 2023, provisional_last: int = 0) -> list[Month]:
    """Consecutive months from January of `year`; None is a month the small-number rule hides."""
    found = []
    for i, value in enumerate(values):
        y, m = year + i // 12, i % 12 + 1
        flag = i >= len(values) - provisional_last
        found.append(Month(f"{y}M{m:02d}", date(y, m, 1), None if value is None else Decimal(value), flag))
    return found


def yearly_target(value: str = "5.0", *, year: int = 2024, baseline: str = "4.0") -> TargetSpec:
    return TargetSpec(
        target_period=str(year),
        target_start=date(year, 1, 1),
        target_value=Decimal(value),
        direction="up",
        baseline_period=str(year - 1),
        baseline_start=date(year - 1, 1, 1),
        baseline_value=Decimal(baseline),
    )


def status_of(spec: TargetSpec, readings: list[Month]) -> Status:
    """The badge as the status page decides it: the rule on the figures the target is about."""
    average = uses_year_average(target_period=spec.target_period, readings=readings)
    measured = figure_spec(spec, year_average=average)
    points = [
        p for p in figure_points(readings=readings, year_average=average) if p.start <= measured.target_start
    ]
    return assess(target=measured, points=points, unit="percent").status


# 2023 at the baseline (4,0 %), then a 2024 that swings: eleven months at 4,2 % and a December of 9,0 %. The
# year's average is 4,6 %: below the target of 5,0 %. December alone (9,0 %) would say the target was met.
SWINGING_2024 = ["4.0"] * 12 + ["4.2"] * 11 + ["9.0"]


def test_a_yearly_target_on_a_monthly_series_is_judged_on_the_years_average_not_its_last_month():
    readings = months(SWINGING_2024)

    assert status_of(yearly_target("5.0"), readings) == Status.NOT_ON_TRACK
    # The same figures against a target for December 2024 (a month): December's own value decides, as before.
    december = TargetSpec(
        "2024M12", date(2024, 12, 1), Decimal("5.0"), "up", "2023M12", date(2023, 12, 1), Decimal("4.0")
    )
    assert status_of(december, readings) == Status.ON_TRACK


def test_the_explanation_and_the_figure_say_it_is_the_average_of_the_years_twelve_months():
    readings = months(SWINGING_2024)
    spec = figure_spec(yearly_target("5.0"), year_average=True)
    points = figure_points(readings=readings, year_average=True)

    explanation = assess(target=spec, points=points, unit="percent").explanation

    assert "4,6\xa0% i 2024 (gennemsnit af årets 12 måneder)" in explanation
    assert "blev ikke nået" in explanation
    assert figure_text(readings=readings, unit="percent") == "Gennemsnit af de 12 måneder i 2024: 4,6\xa0%"


def test_during_the_year_the_rule_follows_the_rolling_average_towards_the_target():
    # Baseline 4,0 % (2023's average); by June 2024 the 12-month average is 4,3 % where the line expects 4,5 %.
    readings = months(["4.0"] * 12 + ["4.6"] * 6)

    assert status_of(yearly_target("5.0"), readings) == Status.NOT_ON_TRACK
    text = figure_text(readings=readings, unit="percent")
    assert text == "Gennemsnit af de 12 måneder til juni 2024: 4,3\xa0%"


def test_hidden_months_are_left_out_of_the_average_and_said():
    values = ["4.0"] * 12 + ["5.0"] * 10 + [None, None]
    readings = months(values)

    average = twelve_month_average(readings, readings[-1])

    assert average.value == Decimal("5.0") and average.shown == 10
    assert "2 af de 12 måneder indgår ikke" in figure_text(readings=readings, unit="percent")


def test_with_fewer_than_the_required_shown_months_there_is_no_average():
    readings = months(["5.0"] * (MIN_SHOWN_MONTHS - 1) + [None] * (13 - MIN_SHOWN_MONTHS))

    assert twelve_month_average(readings, readings[-1]) is None
    assert "for få måneder" in figure_text(readings=readings, unit="percent")


def test_an_average_with_provisional_months_is_provisional():
    readings = months(["5.0"] * 12, provisional_last=2)

    assert twelve_month_average(readings, readings[-1]).provisional
    assert not twelve_month_average(readings, readings[-3]).provisional
    assert figure_text(readings=readings, unit="percent").endswith("(foreløbige tal)")


def test_a_month_target_or_a_series_that_is_not_monthly_keeps_the_periods_own_values():
    readings = months(["5.0"] * 12)
    yearly = [Month("2023", date(2023, 1, 1), Decimal("5.0"))]

    assert not uses_year_average(target_period="2023M12", readings=readings)
    assert not uses_year_average(target_period="2023", readings=yearly)
    assert uses_year_average(target_period="2023", readings=readings)


shown_or_hidden = st.one_of(
    st.none(), st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
)


@given(st.lists(shown_or_hidden, min_size=12, max_size=12))
def test_the_average_is_the_mean_of_the_shown_months_and_only_exists_with_enough_of_them(values):
    readings = months([None if v is None else str(v) for v in values])
    shown = [v for v in values if v is not None]

    average = twelve_month_average(readings, readings[-1])

    if len(shown) < MIN_SHOWN_MONTHS:
        assert average is None
    else:
        assert average.value == sum(shown, Decimal(0)) / len(shown)
        assert min(shown) <= average.value <= max(shown)
        assert average.shown + average.left_out == 12


@given(st.lists(shown_or_hidden, min_size=1, max_size=40), st.integers(min_value=0, max_value=3))
def test_a_rolling_average_never_reaches_back_more_than_twelve_months(values, provisional_last):
    readings = months([None if v is None else str(v) for v in values], provisional_last=provisional_last)

    averages = rolling_averages(readings)

    assert len(averages) == len(readings)
    for index, average in enumerate(averages):
        window = readings[max(0, index - 11) : index + 1]
        if average is None:
            assert sum(r.value is not None for r in window) < MIN_SHOWN_MONTHS
        else:
            assert average.shown == sum(r.value is not None for r in window)
            assert average.provisional == any(r.provisional for r in window)


def month_target(year: int, value: str = "5.0") -> TargetSpec:
    return TargetSpec(
        f"{year}M12",
        date(year, 12, 1),
        Decimal(value),
        "up",
        f"{year - 1}M12",
        date(year - 1, 12, 1),
        Decimal("4.0"),
    )


@pytest.mark.parametrize(
    ("values", "spec", "verdict"),
    [
        (["5.5"] * 24, month_target(2023), Verdict.MET),
        (["4.5"] * 24, month_target(2023), Verdict.NOT_MET),
        (["5.5"] * 18, month_target(2024), Verdict.RUNNING),  # the data stops in June 2024
        (["5.5"] * 23 + [None, "5.5"], month_target(2024), Verdict.TOO_LITTLE_DATA),  # December 2024 hidden
    ],
)
def test_year_verdict_is_met_not_met_running_or_too_little_data(values, spec, verdict):
    readings = months(values)
    points = figure_points(readings=readings, year_average=False)

    found = year_verdict(
        year=spec.target_start.year,
        target=spec,
        points=points,
        newest_start=readings[-1].start,
        unit="percent",
    )

    assert found.verdict == verdict


def test_year_verdicts_in_words_in_danish_and_english():
    readings = months(["5.5"] * 18)
    points = figure_points(readings=readings, year_average=False)
    met = year_verdict(
        year=2023, target=month_target(2023), points=points, newest_start=readings[-1].start, unit="percent"
    )
    running = year_verdict(
        year=2024, target=month_target(2024), points=points, newest_start=readings[-1].start, unit="percent"
    )

    assert met.text() == "2023: nået"
    assert running.text() == "2024: i gang (på rette spor)"
    with translation.override("en"):
        assert met.text() == "2023: met"
        assert running.text() == "2024: in progress (on track)"


def test_a_yearly_verdict_on_a_monthly_series_is_the_years_average_against_the_target():
    readings = months(SWINGING_2024)
    spec = figure_spec(yearly_target("5.0"), year_average=True)
    points = figure_points(readings=readings, year_average=True)

    found = year_verdict(
        year=2024, target=spec, points=points, newest_start=readings[-1].start, unit="percent"
    )

    assert found.verdict == Verdict.NOT_MET
