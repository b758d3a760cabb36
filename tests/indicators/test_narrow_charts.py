"""The narrow-screen variant of each figure: everything fits a phone-wide card, nothing scrolls sideways."""

from datetime import date
from decimal import Decimal

from indicators.charts import Bar, LineSeries, Marker, bar_chart, line_chart
from indicators.narrow_charts import LEGEND_CHARS, SOURCE_CHARS, TITLE_CHARS

LONG_TITLE = "Andel ydelsesmodtagere, der har påbegyndt et opkvalificeringsforløb — Ringkøbing-Skjern"
LONG_SOURCE = "Kilde: Jobindsats.dk (STAR) · tal til og med december 2024, hentet 10. januar 2025 · Måltavlen"


def line(name: str, role: str) -> LineSeries:
    months = range(1, 13)
    return LineSeries(
        name=name,
        role=role,
        periods=[f"2024M{m:02d}" for m in months],
        starts=[date(2024, m, 1) for m in months],
        values=[Decimal("4") + Decimal(m) / 10 for m in months],
        provisional=[m > 10 for m in months],
    )


def status_chart() -> dict:
    return line_chart(
        title=LONG_TITLE,
        source=LONG_SOURCE,
        unit="percent",
        series=[line("Randers", "main"), line("Median for kommunerne i RAR Østjylland", "group")],
        target=Marker("Mål", date(2024, 12, 1), Decimal("5.5")),
        baseline=Marker("Basis", date(2023, 12, 1), Decimal("4")),
    )


def comparison_chart(selected: str | None = "K80") -> dict:
    bars = [
        Bar(f"K{i:02d}", Decimal(100 - i), "selected" if f"K{i:02d}" == selected else "other", "Midterste")
        for i in range(92)
    ]
    return bar_chart(
        title=LONG_TITLE,
        source=LONG_SOURCE,
        unit="percent",
        bars=bars,
        country_name="Hele landet",
        country_value=Decimal("50"),
        legend_names={"selected": selected or "Valgt", "group": "RAR", "other": "Øvrige"},
    )


def lines_of(text: str) -> list[str]:
    return text.split("<br>")


def test_narrow_line_chart_wraps_title_legend_and_source_to_the_cards_width():
    narrow = status_chart()["narrow"]

    assert all(len(part) <= TITLE_CHARS for part in lines_of(narrow["layout"]["title"]["text"]))
    assert len(lines_of(narrow["layout"]["title"]["text"])) > 1
    source = narrow["layout"]["annotations"][0]["text"]
    assert all(len(part) <= SOURCE_CHARS for part in lines_of(source))
    assert source.replace("<br>", " ") == LONG_SOURCE
    assert all(len(part) <= LEGEND_CHARS for t in narrow["data"] for part in lines_of(t["name"]))


def test_narrow_line_chart_puts_the_legend_under_the_plot_with_fewer_date_ticks():
    figure = status_chart()
    layout = figure["narrow"]["layout"]

    assert (
        layout["legend"]["yanchor"] == "bottom"
        and layout["legend"]["y"] < layout["margin"]["b"] / layout["height"]
    )
    assert layout["xaxis"]["nticks"] <= 4
    assert "nticks" not in figure["layout"]["xaxis"]
    assert figure["narrow"]["below"] > 390


def test_narrow_layouts_count_their_height_from_their_parts():
    for figure in [status_chart(), comparison_chart()]:
        layout = figure["narrow"]["layout"]
        margin = layout["margin"]
        source = layout["annotations"][0]

        assert layout["height"] > margin["t"] + margin["b"]
        # The source line starts inside the figure's bottom-left corner, whatever the plot's size.
        assert source["yanchor"] == "bottom" and source["yshift"] == -(margin["b"] - 8)
        assert source["xshift"] == -(margin["l"] - 8)
        assert figure["narrow"]["export"]["height"] == layout["height"]


def test_narrow_comparison_lays_the_bars_sideways_around_the_chosen_area():
    figure = comparison_chart(selected="K80")
    narrow = figure["narrow"]
    axis = narrow["layout"]["yaxis"]

    bars = [t for t in narrow["data"] if t["type"] == "bar"]
    assert all(t["orientation"] == "h" for t in bars)
    chosen = next(t for t in bars if t["name"] == "K80")
    assert chosen["y"] == ["K80"] and chosen["x"] == [20.0]
    # Sideways, the name is on y and the value (written with its unit) still comes from customdata.
    assert "%{y}" in chosen["hovertemplate"] and "%{customdata[0]}" in chosen["hovertemplate"]
    position = axis["categoryarray"].index("K80")
    low, high = axis["range"]
    assert low < position < high and high - low <= 15
    assert axis["categoryarray"][-1] == "K00"  # highest on top
    assert "<b>K80</b>" in axis["ticktext"]
    country = next(t for t in narrow["data"] if t["name"] == "Hele landet")
    assert country["x"] == [50.0, 50.0]


def test_narrow_comparison_opens_to_the_full_list_and_back():
    narrow = comparison_chart()["narrow"]

    full = narrow["expanded"]["layout"]
    assert full["yaxis"]["range"] == [-0.5, 91.5]
    assert full["height"] > narrow["layout"]["height"]
    assert narrow["expanded"]["export"]["height"] == full["height"]
    assert "92" in narrow["expanded"]["show"]


def test_narrow_comparison_without_a_chosen_area_shows_the_highest():
    axis = comparison_chart(selected=None)["narrow"]["layout"]["yaxis"]

    low, high = axis["range"]
    assert high == 91.5 and low == 91.5 - 15
