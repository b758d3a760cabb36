"""A chart of all years: every goal year's target and baseline marked with its verdict, wide and on a phone."""

from datetime import date
from decimal import Decimal

from indicators.charts import GoalYear, LineSeries, Marker, line_chart
from indicators.narrow_charts import MAX_NARROW_LABELS, NARROW_PERIOD_TICKS

YEARS = (2022, 2023, 2024)
VERDICTS = {2022: "2022: nået", 2023: "2023: ikke nået", 2024: "2024: nået"}


def history(first: int = 2018, last: int = 2024) -> LineSeries:
    months = [(y, m) for y in range(first, last + 1) for m in range(1, 13)]
    return LineSeries(
        name="Randers",
        role="main",
        periods=[f"{y}M{m:02d}" for y, m in months],
        starts=[date(y, m, 1) for y, m in months],
        values=[Decimal("4.5") for _ in months],
    )


def goal_years(years=YEARS) -> list[GoalYear]:
    return [
        GoalYear(
            year,
            Marker("Mål", date(year, 12, 1), Decimal("5.0"), f"{year}M12"),
            Marker("Basis", date(year - 1, 12, 1), Decimal("4.1"), f"{year - 1}M12"),
            VERDICTS[year],
        )
        for year in years
    ]


def chart(years=YEARS) -> dict:
    return line_chart(
        title="Andel — Randers",
        source="Kilde",
        unit="percent",
        series=[history()],
        goal_years=goal_years(years),
    )


def trace(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if t["name"] == name)


def test_every_goal_years_target_is_marked_in_its_year_with_its_verdict():
    figure = chart()

    targets = trace(figure, "Mål år for år")
    assert targets["x"] == ["2022-12-01", "2023-12-01", "2024-12-01"]
    assert targets["text"] == ["2022: nået", "2023: ikke nået", "2024: nået"]
    assert targets["mode"] == "markers+text"
    assert trace(figure, "Basis")["x"] == ["2021-12-01", "2022-12-01", "2023-12-01"]
    assert [(s["x0"], s["x1"]) for s in figure["layout"]["shapes"]] == [
        ("2021-12-01", "2022-12-01"),
        ("2022-12-01", "2023-12-01"),
        ("2023-12-01", "2024-12-01"),
    ]


def test_a_yearly_target_marked_at_its_december_keeps_the_monthly_axis():
    years = [GoalYear(2024, Marker("Mål", date(2024, 12, 1), Decimal("5.0"), "2024"), None, "2024: nået")]
    figure = line_chart(title="T", source="S", unit="percent", series=[history()], goal_years=years)

    assert figure["layout"]["xaxis"]["tickformat"] == "%b %Y"  # months, not a list of period names


def test_on_a_phone_the_many_years_keep_four_ticks_and_their_markers_without_crowded_words():
    narrow = chart()["narrow"]

    targets = next(t for t in narrow["data"] if t["name"].startswith("Mål år for år"))
    assert targets["mode"] == "markers"  # the verdicts are written under the chart on the page
    assert len(targets["x"]) == 3 > MAX_NARROW_LABELS
    assert narrow["layout"]["xaxis"]["nticks"] == NARROW_PERIOD_TICKS
    assert "dtick" not in narrow["layout"]["xaxis"]


def test_on_a_phone_a_single_target_keeps_its_words():
    narrow = chart(years=(2024,))["narrow"]

    assert next(t for t in narrow["data"] if t["name"].startswith("Mål år for år"))["mode"] == "markers+text"


def test_the_12_month_average_is_its_own_line_not_told_by_colour_alone():
    average = LineSeries(
        "Randers, gennemsnit af 12 måneder", "average", ["2024M12"], [date(2024, 12, 1)], [Decimal(5)]
    )
    figure = line_chart(title="T", source="S", unit="percent", series=[history(), average])

    main, drawn = trace(figure, "Randers"), trace(figure, "Randers, gennemsnit af 12 måneder")
    assert drawn["line"]["width"] > main["line"]["width"]
    assert drawn["marker"]["symbol"] != main["marker"]["symbol"]
