"""A phone (390 × 844) and the PNG download in Chromium: charts fit their card and show what matters; every PNG
holds its title, legend and source line with the data date; the comparison form and the municipality switch."""

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_pages import ALL_YEARS_PAGE, COMPARISON_PAGE, STATUS_PAGE, open_with_charts

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DATA_DATE = ("tal til og med juni 2024", "hentet 10. juli 2024")  # the fixture's newest month and fetch

# Where a drawn element lies, in the viewport; and whether any part of the page or chart scrolls sideways.
BOX = "element => { const r = element.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
NO_SIDEWAYS_SCROLL = """id => {
    const chart = document.getElementById(id);
    const boxes = [chart, chart.parentElement, document.documentElement];
    return window.scrollX === 0 && boxes.every(box => box.scrollWidth <= box.clientWidth + 1);
}"""
# The figure's own trace index of the main line's newest point and of the target marker, as Plotly drew them.
NEWEST_AND_TARGET = """id => {
    const chart = document.getElementById(id);
    const traces = chart.querySelectorAll(".scatterlayer .trace");
    const data = chart.data;
    const main = data.map((trace, i) => [trace, i]).filter(([trace]) => trace.legendgroup === data[0].legendgroup);
    const newest = main[main.length - 1][1];
    const points = traces[newest].querySelectorAll("path.point");
    const target = data.findIndex(trace => trace.name === "Mål");
    const box = element => { const r = element.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    return {newest: box(points[points.length - 1]), target: box(traces[target].querySelector("path.point"))};
}"""


def inside(box: list[float], width: int = PHONE["width"], height: int = PHONE["height"]) -> bool:
    left, top, right, bottom = box
    return left >= 0 and top >= 0 and right <= width and bottom <= height


def charts_with_a_target(page) -> list[str]:
    return page.eval_on_selector_all(
        "div.chart", "charts => charts.filter(c => c.data.some(t => t.name === 'Mål')).map(c => c.id)"
    )


def test_phone_status_charts_show_the_newest_value_and_the_target_without_sideways_scrolling(
    page, dashboard_data
):
    page.set_viewport_size(PHONE)
    open_with_charts(page, STATUS_PAGE)

    chart_ids = charts_with_a_target(page)
    assert chart_ids  # the demo plan of Randers has targets on its share charts
    for chart_id in chart_ids:
        page.locator(f"#{chart_id}").evaluate("chart => chart.scrollIntoView({block: 'start'})")
        drawn = page.evaluate(NEWEST_AND_TARGET, chart_id)

        assert page.locator(f"#{chart_id}").get_attribute("data-layout") == "narrow"
        assert inside(drawn["newest"]), (chart_id, drawn)
        assert inside(drawn["target"]), (chart_id, drawn)
        assert page.evaluate(NO_SIDEWAYS_SCROLL, chart_id), chart_id


def test_phone_comparison_shows_the_chosen_municipalitys_bar_without_sideways_scrolling(page, dashboard_data):
    page.set_viewport_size(PHONE)
    open_with_charts(page, COMPARISON_PAGE)
    chart = page.locator("#chart-comparison")
    chart.evaluate("chart => chart.scrollIntoView({block: 'start'})")

    chosen = chart.locator(".barlayer .trace").last.locator("path")  # the chosen area's trace is drawn last
    plot = chart.locator(".nsewdrag").evaluate(BOX)
    bar = chosen.evaluate(BOX)

    assert chosen.count() == 1
    assert inside(bar), bar
    assert plot[1] <= bar[1] and bar[3] <= plot[3] and plot[0] <= bar[0] and bar[2] <= plot[2] + 1
    assert page.evaluate(NO_SIDEWAYS_SCROLL, "chart-comparison")
    assert page.locator(".yaxislayer-above text", has_text="Randers").count() == 1


def test_phone_comparison_opens_the_full_list_in_one_tap_and_closes_it_again(page, dashboard_data):
    page.set_viewport_size(PHONE)
    open_with_charts(page, COMPARISON_PAGE)
    toggle = page.locator("#chart-comparison-toggle")
    shown = "document.querySelectorAll('#chart-comparison .yaxislayer-above text').length"
    before = page.evaluate(shown)

    toggle.click()
    page.wait_for_function(f"() => {shown} > {before}")  # a function: see CHARTS_DRAWN
    after = page.evaluate(shown)
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    page.wait_for_function(f"() => {shown} === {before}")

    assert before <= 15 < after
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate(NO_SIDEWAYS_SCROLL, "chart-comparison")


def test_wide_screens_keep_the_wide_layout_and_no_toggle(page, dashboard_data):
    open_with_charts(page, COMPARISON_PAGE)

    assert page.locator("#chart-comparison").get_attribute("data-layout") == "wide"
    assert page.locator("#chart-comparison-toggle").is_hidden()


# What the modebar's PNG button does (Plotly.toImage with the chart's toImageButtonOptions), and the same figure
# drawn at that export size, to see where title, legend and source line lie in the image.
EXPORT = """async id => {
    const chart = document.getElementById(id);
    const options = chart._context.toImageButtonOptions;
    const scale = options.scale || 1;
    const url = await Plotly.toImage(chart, {format: "png", width: options.width, height: options.height, scale});
    const image = new Image();
    image.src = url;
    await image.decode();
    const copy = document.createElement("div");
    copy.style.position = "absolute";
    copy.style.left = "0";
    copy.style.top = "0";
    document.body.appendChild(copy);
    const layout = Object.assign(JSON.parse(JSON.stringify(chart.layout)), {width: options.width, height: options.height});
    await Plotly.newPlot(copy, JSON.parse(JSON.stringify(chart.data)), layout, {staticPlot: true});
    const frame = copy.querySelector(".main-svg").getBoundingClientRect();
    const box = element => {
        if (!element) return null;
        const r = element.getBoundingClientRect();
        return [r.left - frame.left, r.top - frame.top, r.right - frame.left, r.bottom - frame.top];
    };
    const source = [...copy.querySelectorAll(".annotation")].find(a => a.textContent.startsWith("Kilde"));
    const result = {
        width: options.width, height: options.height, scale, image: [image.naturalWidth, image.naturalHeight],
        title: box(copy.querySelector(".gtitle")), legend: box(copy.querySelector(".legend")),
        plot: [copy._fullLayout._size.l, copy._fullLayout._size.t,
               copy._fullLayout._size.l + copy._fullLayout._size.w, copy._fullLayout._size.t + copy._fullLayout._size.h],
        source: box(source), sourceText: source && source.textContent,
    };
    Plotly.purge(copy);
    copy.remove();
    return result;
}"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", [STATUS_PAGE, COMPARISON_PAGE])
def test_every_png_download_holds_title_legend_and_the_dated_source_inside_the_image(
    page, dashboard_data, path, width
):
    page.set_viewport_size({"width": width, "height": 844})
    open_with_charts(page, path)

    chart_ids = page.eval_on_selector_all("div.chart", "charts => charts.map(chart => chart.id)")
    for chart_id in chart_ids:
        png = page.evaluate(EXPORT, chart_id)
        size = (png["width"], png["height"])

        assert png["image"] == [png["width"] * png["scale"], png["height"] * png["scale"]], chart_id
        for part in ("title", "legend", "source"):
            assert png[part] and inside(png[part], *size), (chart_id, part, png)
        assert png["source"][1] >= png["plot"][3], (chart_id, png)  # under the plot, not over the data
        assert png["legend"][3] <= png["source"][1] + 1, (chart_id, png)
        # Above the plot (wide) or under it (narrow), never over the data.
        assert png["legend"][3] <= png["plot"][1] + 1 or png["legend"][1] >= png["plot"][3] - 1, (
            chart_id,
            png,
        )
        # A wrapped source line's text runs its lines together: compare without spaces.
        source = "".join(png["sourceText"].split())
        assert all("".join(words.split()) in source for words in DATA_DATE), png["sourceText"]


@pytest.mark.parametrize("path", [STATUS_PAGE, COMPARISON_PAGE, "/kommune/?kommune=her&aar=2024"])
def test_phone_pages_have_no_wcag_21_aa_violations(page, axe, dashboard_data, path):
    page.set_viewport_size(PHONE)
    page.goto(path)
    if page.locator("div.chart").count():
        open_with_charts(page, path)

    violations = axe_violations(axe, page)
    assert not violations, violations


def test_the_municipality_search_result_page_has_no_wcag_21_aa_violations(page, axe, dashboard_data):
    page.goto("/kommune/?kommune=Atlantis")

    violations = axe_violations(axe, page)
    assert not violations, violations


def test_municipality_switch_goes_to_the_typed_municipality_in_the_same_year(page, dashboard_data):
    page.set_viewport_size(PHONE)
    page.goto(STATUS_PAGE)

    page.get_by_role("combobox", name="Skift kommune").fill("skjern")
    page.keyboard.press("Enter")

    page.wait_for_url("**/kommune/ringkoebing-skjern/?aar=2024")
    assert page.locator("h1").inner_text().startswith("Ringkøbing-Skjern")
    assert page.evaluate("document.getElementById('kommune-navne').options.length") == 98


def test_own_list_filter_narrows_the_checkboxes_and_a_ticked_one_is_sent(page, dashboard_data):
    page.set_viewport_size(PHONE)
    open_with_charts(page, COMPARISON_PAGE)

    page.get_by_text("Vælg kommuner til listen").click()
    page.get_by_label("Find kommune i listen").fill("ode")
    visible = [name.strip() for name in page.locator("#own-list-options li:visible").all_inner_texts()]
    page.get_by_label("Odense").check()

    assert "Odense" in visible and all("ode" in name.lower() for name in visible) and len(visible) < 10
    assert page.locator("#own-list-count").inner_text() == "Valgt: 1 (Odense)"
    assert page.locator("input[name=gruppe][value=liste]").is_checked()
    page.locator("#comparison-form button[type=submit]").click()
    page.wait_for_url("**gruppe=liste**")
    assert "kommuner=odense" in page.url
    assert page.locator("#own-list-options input[value=odense]").is_checked()


def test_phone_chart_of_all_years_is_narrow_marks_every_goal_year_and_passes_axe(page, axe, dashboard_data):
    page.set_viewport_size(PHONE)
    open_with_charts(page, ALL_YEARS_PAGE)

    chart = page.locator("#chart-2-mm17-andel-opkvalificering")
    assert chart.get_attribute("data-layout") == "narrow"
    marked = chart.evaluate("c => c.data.find(t => t.name.startsWith('Mål år for år')).x.length")
    assert marked == 2  # the demo plans' targets for 2023 and 2024
    assert page.locator("#chart-2-mm17-andel-opkvalificering-verdicts").inner_text().count(":") == 3
    assert page.evaluate(NO_SIDEWAYS_SCROLL, "chart-2-mm17-andel-opkvalificering")
    violations = axe_violations(axe, page)
    assert not violations, violations


# Each chart's title box and its modebar's box (the download and zoom buttons Plotly draws in the top right corner).
TITLE_AND_BUTTONS = """charts => charts.map(chart => {
    const box = element => { const r = element.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    return {id: chart.id, title: box(chart.querySelector(".gtitle")), buttons: box(chart.querySelector(".modebar")),
            chart: box(chart)};
})"""


def overlap(one: list[float], other: list[float]) -> bool:
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


@pytest.mark.parametrize("width", [320, 390, 700, 1280])
@pytest.mark.parametrize("path", [STATUS_PAGE, COMPARISON_PAGE])
def test_a_charts_title_stays_inside_it_and_never_runs_under_its_buttons(page, dashboard_data, path, width):
    page.set_viewport_size({"width": width, "height": 844})
    open_with_charts(page, path)
    for chart in page.locator("div.chart").all():
        chart.hover()  # the buttons show while the pointer (or a finger) is on the chart

    charts = page.eval_on_selector_all("div.chart", TITLE_AND_BUTTONS)

    assert charts
    assert [c["id"] for c in charts if overlap(c["title"], c["buttons"])] == []
    assert [
        c["id"] for c in charts if not c["chart"][0] <= c["title"][0] <= c["title"][2] <= c["chart"][2]
    ] == []
