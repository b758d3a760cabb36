"""The status rule and the generated description: pure functions, no database."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from goals.progress import Point, Status, TargetSpec, assess, describe, trend


@pytest.fixture(autouse=True)
def danish():
    """Pure functions speak the active language: Danish unless a test says otherwise."""
    with translation.override("da"):
        yield


def monthly(values: list[str], year: int = 2023, month: int = 1) -> list[Point]:
    points = []
    for i, value in enumerate(values):
        y, m = year + (month - 1 + i) // 12, (month - 1 + i) % 12 + 1
        points.append(Point(f"{y}M{m:02d}", date(y, m, 1), Decimal(value)))
    return points


def target(value: str, *, baseline: str | None = "4.0", direction: str = "up") -> TargetSpec:
    return TargetSpec(
        target_period="2023M12",
        target_start=date(2023, 12, 1),
        target_value=Decimal(value),
        direction=direction,
        baseline_period="2022M12" if baseline else "",
        baseline_start=date(2022, 12, 1) if baseline else None,
        baseline_value=Decimal(baseline) if baseline else None,
    )


# Baseline 4.0 in 2022M12, target in 2023M12; six months in, the straight line says halfway.
@pytest.mark.parametrize(
    ("values", "spec", "expected"),
    [
        (["4.2", "4.4", "4.6", "4.7", "4.9", "5.0"], target("5.0"), Status.ON_TRACK),  # already met
        (["4.1", "4.2", "4.3", "4.4", "4.5", "4.6"], target("5.0"), Status.ON_TRACK),  # above the line
        (["4.0", "4.0", "4.1", "4.1", "4.2", "4.2"], target("5.0"), Status.NOT_ON_TRACK),  # below the line
        (["3.9", "3.8", "3.8", "3.7", "3.6", "3.5"], target("3.0", direction="down"), Status.ON_TRACK),
        (["4.0", "4.0", "3.9", "3.9", "3.9", "3.9"], target("3.0", direction="down"), Status.NOT_ON_TRACK),
        (["2.9", "2.9", "2.9", "2.9", "2.9", "2.9"], target("3.0", direction="down"), Status.ON_TRACK),  # met
        (["4.0", "4.0"], target("5.0", direction="neutral"), Status.NOT_ON_TRACK),  # neutral: towards target
        ([], target("5.0"), Status.TOO_LITTLE_DATA),
        (["4.1", "4.2"], None, Status.NO_TARGET),
    ],
)
def test_status_rule(values, spec, expected):
    assert assess(target=spec, points=monthly(values), unit="percent").status == expected


def test_status_is_too_little_data_without_a_value_after_the_baseline():
    points = monthly(["4.0"], year=2022, month=12)

    assert assess(target=target("5.0"), points=points, unit="percent").status == Status.TOO_LITTLE_DATA


def test_without_a_baseline_the_first_value_is_the_starting_point():
    spec = target("5.0", baseline=None)

    assert assess(target=spec, points=monthly(["4.0", "4.9"]), unit="percent").status == Status.ON_TRACK
    assert assess(target=spec, points=monthly(["4.0"]), unit="percent").status == Status.TOO_LITTLE_DATA


def test_target_period_passed_without_reaching_it_is_not_on_track():
    points = monthly(["4.1"] * 14)  # Jan 2023 … Feb 2024

    assessment = assess(target=target("5.0"), points=points, unit="percent")

    assert assessment.status == Status.NOT_ON_TRACK
    assert "blev ikke nået" in assessment.explanation


def test_explanation_states_baseline_latest_target_and_the_pace_in_danish_numbers():
    points = monthly(["4.2", "4.3", "4.4", "4.5", "4.5", "4.6", "4.6", "4.6", "4.6"])

    with translation.override("da"):
        text = assess(target=target("5.0", baseline="4.1"), points=points, unit="percent").explanation

    assert text.startswith("Fra basis 4,1\xa0% i december 2022 til 4,6\xa0% i september 2023")
    assert "målet er 5,0\xa0% i december 2023" in text


def test_trend_treats_small_changes_as_flat():
    assert trend(Decimal("4.0"), Decimal("4.03")) == "flat"
    assert trend(Decimal("52.3"), Decimal("53.2")) == "up"
    assert trend(Decimal("4.0"), Decimal("4.5")) == "up"
    assert trend(Decimal("4.0"), Decimal("3.5")) == "down"


YEAR = ["4.0", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "5.0", "5.1", "5.2"]


@pytest.mark.parametrize(
    ("language", "values", "phrase"),
    [
        ("da", YEAR, "steg fra 4,0\xa0% i januar 2023 til 5,2\xa0% i januar 2024"),
        ("da", list(reversed(YEAR)), "faldt fra 5,2\xa0% i januar 2023 til 4,0\xa0% i januar 2024"),
        ("da", ["4.0"] * 13, "var stort set uændret: 4,0\xa0% i januar 2024"),
        ("en", YEAR, "rose from 4.0% in January 2023 to 5.2% in January 2024"),
        ("en", list(reversed(YEAR)), "fell from 5.2% in January 2023 to 4.0% in January 2024"),
        ("en", ["4.0"] * 13, "was about unchanged: 4.0% in January 2024"),
    ],
)
def test_description_tells_the_trend_in_the_page_language(language, values, phrase):
    with translation.override(language):
        text = describe(name="X", unit="percent", points=monthly(values), country=[])

    assert phrase in text
    assert text.endswith(".")


def test_description_compares_with_the_country_and_the_target():
    points = monthly(YEAR)
    country = monthly(["3.0"] * 13)
    spec = TargetSpec(
        "2024M06", date(2024, 6, 1), Decimal("5.0"), "up", "2022M12", date(2022, 12, 1), Decimal("4.0")
    )
    assessment = assess(target=spec, points=points, unit="percent")

    with translation.override("en"):
        text = describe(
            name="X", unit="percent", points=points, country=country, assessment=assessment, target=spec
        )

    assert "on track for the target of 5.0% in June 2024" in text
    assert "above the whole country (3.0%)" in text


@pytest.mark.parametrize(
    ("code", "danish", "english"),
    [
        ("2023M09", "september 2023", "September 2023"),
        ("2023Q02", "2. kvartal 2023", "Q2 2023"),
        ("2023QMAT02", "12 mdr. til 2. kvartal 2023", "12 months to Q2 2023"),
        ("2023H2", "2. halvår 2023", "H2 2023"),
        ("2023", "2023", "2023"),
        ("garbage", "garbage", "garbage"),
    ],
)
def test_periods_are_written_for_people_in_both_languages(code, danish, english):
    from goals.formatting import format_period

    with translation.override("da"):
        assert format_period(code) == danish
    with translation.override("en"):
        assert format_period(code) == english
