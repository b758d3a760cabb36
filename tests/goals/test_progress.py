"""The status rule and the generated description: pure functions, no database."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goals.formatting import format_value
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


def test_trend_is_decided_on_the_values_as_printed():
    # 1,36 and 1,44 are both printed 1,4: "steg fra 1,4 % til 1,4 %" must never be written.
    assert trend(Decimal("1.36"), Decimal("1.44"), "percent") == "flat"
    assert trend(Decimal("1.34"), Decimal("1.36"), "percent") == "up"  # 1,3 → 1,4
    assert trend(Decimal("4.0"), Decimal("3.5"), "percent") == "down"
    assert trend(Decimal("1041.4"), Decimal("1040.6"), "count") == "flat"  # 1.041 and 1.041
    assert trend(Decimal("58.0"), Decimal("58.4"), "percent") == "up"  # a small change that shows is a change


YEAR = ["4.0", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "5.0", "5.1", "5.2"]


@pytest.mark.parametrize(
    ("language", "values", "phrase"),
    [
        ("da", YEAR, "steg fra 4,0\xa0% i januar 2023 til 5,2\xa0% i januar 2024"),
        ("da", list(reversed(YEAR)), "faldt fra 5,2\xa0% i januar 2023 til 4,0\xa0% i januar 2024"),
        ("da", ["4.0"] * 13, "var uændret: 4,0\xa0% i januar 2024 og i januar 2023"),
        ("en", YEAR, "rose from 4.0% in January 2023 to 5.2% in January 2024"),
        ("en", list(reversed(YEAR)), "fell from 5.2% in January 2023 to 4.0% in January 2024"),
        ("en", ["4.0"] * 13, "was unchanged: 4.0% in January 2024 and in January 2023"),
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
    assert "above the national average (3.0%)" in text


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


# Property tests: whatever the series, the words never contradict the numbers printed beside them.
# The printed numbers are read back from the text the way a reader does, not through the code under test.

UNITS = {"percent": 100, "rate": 100, "count": 100_000}
SENTENCE_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def read_number(text: str, language: str) -> Decimal:
    """A printed value as a reader takes it: "1.234,5 %" (da) or "1,234.5%" (en) → 1234.5."""
    number = re.match(r"-?[\d.,]+", text).group(0)
    if language == "da":
        return Decimal(number.replace(".", "").replace(",", "."))
    return Decimal(number.replace(",", ""))


@st.composite
def value_pairs(draw, unit: str):
    """Two values close together (so equal-looking pairs are common), with up to three decimals."""
    top = UNITS[unit]
    first = draw(st.decimals(min_value=0, max_value=top, places=3))
    step = Decimal("0.3") if unit != "count" else Decimal("3")
    delta = draw(st.decimals(min_value=-step, max_value=step, places=3))
    return first, max(Decimal(0), first + delta)


@st.composite
def series_cases(draw):
    unit = draw(st.sampled_from(sorted(UNITS)))
    old, new = draw(value_pairs(unit))
    _same, country = draw(value_pairs(unit))
    country = draw(st.sampled_from([country, new + (country - _same)]))
    return draw(st.sampled_from(["da", "en"])), unit, old, new, max(Decimal(0), country)


TREND_WORDS = {
    "da": {"up": " steg fra ", "down": " faldt fra ", "flat": " var uændret: "},
    "en": {"up": " rose from ", "down": " fell from ", "flat": " was unchanged: "},
}
COUNTRY_WORDS = {
    "da": {
        "up": "over landsgennemsnittet",
        "down": "under landsgennemsnittet",
        "flat": "på niveau med hele landet",
    },
    "en": {
        "up": "above the national average",
        "down": "below the national average",
        "flat": "at the level of",
    },
}


def relation(value: Decimal, reference: Decimal) -> str:
    return "up" if value > reference else "down" if value < reference else "flat"


@SENTENCE_SETTINGS
@given(series_cases())
def test_description_words_never_contradict_the_printed_numbers(case):
    language, unit, old, new, country_value = case
    points = monthly([str(old)] + [str(new)] * 12)
    country = monthly([str(country_value)] * 13)

    with translation.override(language):
        text = describe(name="X", unit=unit, points=points, country=country)
        old_text, new_text = format_value(old, unit), format_value(new, unit)
        country_text = format_value(country_value, unit)

    printed_old, printed_new = read_number(old_text, language), read_number(new_text, language)
    printed_country = read_number(country_text, language)
    trend_word = TREND_WORDS[language][relation(printed_new, printed_old)]
    assert trend_word in text
    assert sum(word in text for word in TREND_WORDS[language].values()) == 1
    assert new_text in text and (relation(printed_new, printed_old) == "flat" or old_text in text)
    country_word = COUNTRY_WORDS[language][relation(printed_new, printed_country)]
    assert f"{country_word}" in text and f"({country_text})" in text
    assert sum(word in text for word in COUNTRY_WORDS[language].values()) == 1


@st.composite
def target_cases(draw):
    unit = draw(st.sampled_from(sorted(UNITS)))
    baseline, latest = draw(value_pairs(unit))
    _same, goal = draw(value_pairs(unit))
    goal = draw(st.sampled_from([goal, latest + (goal - _same), baseline + (goal - _same)]))
    months = draw(st.integers(min_value=1, max_value=14))
    return draw(st.sampled_from(["da", "en"])), unit, baseline, latest, max(Decimal(0), goal), months


@SENTENCE_SETTINGS
@given(target_cases(), st.sampled_from(["up", "down"]))
def test_status_explanation_never_contradicts_the_printed_target(case, direction):
    language, unit, baseline, latest, goal, months = case
    spec = TargetSpec("2023M12", date(2023, 12, 1), goal, direction, "2022M12", date(2022, 12, 1), baseline)
    points = monthly([str(latest)] * months)

    with translation.override(language):
        assessment = assess(target=spec, points=points, unit=unit)
        goal_text = format_value(goal, unit)
        latest_text = format_value(latest, unit)

    text = assessment.explanation
    better = (lambda a, b: a >= b) if direction == "up" else (lambda a, b: a <= b)
    printed_goal, printed_latest = read_number(goal_text, language), read_number(latest_text, language)
    reached = "allerede nået" in text or "already reached" in text
    assert reached == better(printed_latest, printed_goal)
    projection = re.search(r"\(([^()]+)\)\.$", text)
    if projection and not reached:
        printed_projection = read_number(projection.group(1), language)
        on_track = assessment.status == Status.ON_TRACK
        assert on_track == better(printed_projection, printed_goal)
