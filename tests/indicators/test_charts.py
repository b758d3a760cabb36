"""Figure builders: data in, figure out; the figure carries what a PNG download must show."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from indicators.charts import Bar, LineSeries, Marker, bar_chart, line_chart


def series(role: str, provisional_last: int = 0) -> LineSeries:
    periods = [f"2023M{m:02d}" for m in range(1, 7)]
    return LineSeries(
        name=role,
        role=role,
        periods=periods,
        starts=[date(2023, m, 1) for m in range(1, 7)],
        values=[Decimal("4.0") + Decimal(m) / 10 for m in range(1, 7)],
        provisional=[i >= 6 - provisional_last for i in range(6)],
    )


def chart(**kwargs) -> dict:
    defaults = {"title": "Titel", "source": "Kilde: Jobindsats", "unit": "percent"}
    return line_chart(**(defaults | kwargs))


def test_line_chart_puts_title_and_source_in_the_figure_for_the_png_download():
    figure = chart(series=[series("main")], filename="randers-mm17")

    assert figure["layout"]["title"]["text"] == "Titel"
    assert figure["layout"]["annotations"][0]["text"] == "Kilde: Jobindsats"
    assert figure["config"]["toImageButtonOptions"]["filename"] == "randers-mm17"
    assert figure["layout"]["legend"]


def test_provisional_months_are_a_separate_dashed_trace_joined_to_the_final_ones():
    figure = chart(series=[series("main", provisional_last=2)])

    final, provisional = figure["data"]
    assert final["line"]["dash"] == "solid" and len(final["x"]) == 4
    assert provisional["line"]["dash"] == "dash"
    assert provisional["x"] == ["2023-04-01", "2023-05-01", "2023-06-01"]


def test_lines_differ_by_marker_and_dash_not_only_colour():
    figure = chart(series=[series("main"), series("group"), series("country")])

    styles = {(t["line"]["dash"], t["marker"]["symbol"]) for t in figure["data"]}
    assert len(styles) == 3


def test_target_and_baseline_are_marked_and_joined_by_a_line():
    target = Marker("Mål", date(2023, 12, 1), Decimal("5"))
    baseline = Marker("Basis", date(2022, 12, 1), Decimal("4"))

    figure = chart(series=[series("main")], target=target, baseline=baseline)

    names = [t["name"] for t in figure["data"]]
    assert "Mål" in names and "Basis" in names
    assert figure["layout"]["shapes"][0]["y1"] == 5.0


def test_number_separators_follow_the_language():
    with translation.override("da"):
        assert chart(series=[series("main")])["layout"]["separators"] == ",."
    with translation.override("en"):
        assert chart(series=[series("main")])["layout"]["separators"] == ".,"


def test_bar_chart_sorts_highest_first_and_patterns_the_selected_and_group():
    bars = [
        Bar("A", Decimal("3"), "other", "Midterste"),
        Bar("B", Decimal("5"), "selected", "Øverste"),
        Bar("C", Decimal("1"), "group", "Nederste"),
    ]

    figure = bar_chart(
        title="T",
        source="S",
        unit="percent",
        bars=bars,
        country_name="Hele landet",
        country_value=Decimal("2.5"),
        legend_names={"selected": "Randers", "group": "RAR", "other": "Øvrige"},
    )

    assert figure["layout"]["xaxis"]["categoryarray"] == ["B", "A", "C"]
    patterns = {t["name"]: t["marker"]["pattern"]["shape"] for t in figure["data"] if t["type"] == "bar"}
    assert patterns["Randers"] and patterns["RAR"] and patterns["Randers"] != patterns["RAR"]
    country = next(t for t in figure["data"] if t["name"] == "Hele landet")
    assert country["y"] == [2.5, 2.5]


def test_bar_chart_names_the_selected_area_above_its_bar():
    bars = [Bar(f"K{i}", Decimal(i), "other", "Midterste") for i in range(50)] + [
        Bar("Randers", Decimal("7.5"), "selected", "Nederste")
    ]

    figure = bar_chart(
        title="T",
        source="S",
        unit="percent",
        bars=bars,
        country_name="Hele landet",
        country_value=None,
        legend_names={"selected": "Randers", "group": "RAR", "other": "Øvrige"},
    )

    named = [a for a in figure["layout"]["annotations"] if a.get("x") == "Randers"]
    assert named and named[0]["y"] == 7.5
    assert all(t["type"] == "bar" for t in figure["data"])  # no country line without a country value


def test_figures_never_offer_to_send_the_data_to_plotly_cloud():
    config = chart(series=[series("main")])["config"]

    assert config["showSendToCloud"] is False
    assert config["displaylogo"] is False


def test_plotly_speaks_the_page_language():
    with translation.override("da"):
        assert chart(series=[series("main")])["config"]["locale"] == "da"
    with translation.override("en"):
        assert chart(series=[series("main")])["config"]["locale"] == "en"


def halves() -> LineSeries:
    return LineSeries(
        name="RAR",
        role="main",
        periods=["2023H1", "2023H2", "2024H1", "2024H2"],
        starts=[date(2023, 1, 1), date(2023, 7, 1), date(2024, 1, 1), date(2024, 7, 1)],
        values=[Decimal("20.0"), Decimal("21.5"), Decimal("19.0"), Decimal("18.2")],
    )


def danish_percent(value: Decimal) -> str:
    return f"{value:.1f}".replace(".", ",") + "\xa0%"


def test_monthly_ticks_are_month_names_on_month_starts_never_iso_codes():
    with translation.override("da"):
        axis = chart(series=[series("main")])["layout"]["xaxis"]

    assert axis["type"] == "date" and axis["tickformat"] == "%b %Y"
    assert axis["dtick"] == "M1" and axis["tick0"] == "2000-01-01"


def test_monthly_ticks_thin_out_over_years():
    long = LineSeries(
        name="main",
        role="main",
        periods=[f"{2022 + i // 12}M{i % 12 + 1:02d}" for i in range(36)],
        starts=[date(2022 + i // 12, i % 12 + 1, 1) for i in range(36)],
        values=[Decimal("4")] * 36,
    )

    assert chart(series=[long])["layout"]["xaxis"]["dtick"] == "M6"


def test_half_years_are_drawn_at_their_period_and_named_in_words():
    with translation.override("da"):
        axis = chart(series=[halves()])["layout"]["xaxis"]
    with translation.override("en"):
        english = chart(series=[halves()])["layout"]["xaxis"]

    assert axis["tickvals"] == ["2023-01-01", "2023-07-01", "2024-01-01", "2024-07-01"]
    assert axis["ticktext"] == ["1. halvår 2023", "2. halvår 2023", "1. halvår 2024", "2. halvår 2024"]
    assert english["ticktext"][-1] == "H2 2024"
    assert "tickformat" not in axis


def test_tooltips_name_the_period_in_words_and_give_the_value_with_its_unit():
    with translation.override("da"):
        figure = chart(series=[halves()], value_text=danish_percent)

    trace = figure["data"][0]
    assert trace["text"][1] == "2. halvår 2023"
    assert trace["customdata"][1] == "21,5\xa0%"
    assert trace["hovertemplate"].startswith("%{text}: %{customdata}")


def test_target_tooltip_names_its_period_and_value():
    target = Marker("Mål", date(2024, 7, 1), Decimal("17"), "2024H2")

    with translation.override("da"):
        figure = chart(series=[halves()], target=target, value_text=danish_percent)

    marker = next(t for t in figure["data"] if t["name"] == "Mål")
    assert marker["customdata"] == ["2. halvår 2024: 17,0\xa0%"]


def test_bar_tooltips_give_the_value_with_its_unit_and_the_third():
    bars = [Bar("Randers", Decimal("4.3"), "selected", "Midterste tredjedel")]

    figure = bar_chart(
        title="T",
        source="S",
        unit="percent",
        bars=bars,
        country_name="Hele landet",
        country_value=Decimal("4"),
        legend_names={"selected": "Randers", "group": "G", "other": "Ø"},
        value_text=danish_percent,
    )

    bar, country = figure["data"]
    assert bar["customdata"] == [["4,3\xa0%", "Midterste tredjedel"]]
    assert "%{customdata[0]}" in bar["hovertemplate"] and "%{y" not in bar["hovertemplate"]
    assert country["customdata"][0] == "4,0\xa0%"


def test_value_axis_title_and_percent_flag_come_from_the_unit():
    percent = chart(series=[series("main")], unit="percent")["layout"]["yaxis"]
    count = chart(series=[series("main")], unit="count")["layout"]["yaxis"]
    rate = chart(series=[series("main")], unit="rate")["layout"]["yaxis"]

    assert (percent["title"]["text"], percent["ticksuffix"]) == ("Procent", "%")
    assert (count["title"]["text"], count["ticksuffix"]) == ("Antal", "")
    assert (rate["title"]["text"], rate["ticksuffix"]) == ("Værdi", "")


def test_png_is_drawn_at_the_layouts_own_height_with_the_source_inside_its_bottom_margin():
    for figure in [
        chart(series=[series("main")]),
        bar_chart(
            title="T",
            source="S",
            unit="percent",
            bars=[Bar("A", Decimal("3"), "other", "Midterste")],
            country_name="Hele landet",
            country_value=None,
            legend_names={"selected": "Randers", "group": "RAR", "other": "Øvrige"},
        ),
    ]:
        layout, options = figure["layout"], figure["config"]["toImageButtonOptions"]
        source = layout["annotations"][0]

        assert options["height"] == layout["height"]
        # Anchored in pixels to the figure's bottom edge, not as a share of a plot height that changes.
        assert (source["y"], source["yanchor"]) == (0, "bottom")
        assert 0 < -source["yshift"] < layout["margin"]["b"]


def test_a_single_line_still_has_its_legend_for_the_png():
    assert chart(series=[series("main")])["layout"]["showlegend"] is True
