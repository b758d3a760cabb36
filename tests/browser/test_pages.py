"""What a jobcenter chief and a committee chair see in Chromium: charts drawn, no axe-core violations, keyboard use."""

import re
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

STATUS_PAGE = "/kommune/randers/?aar=2024"
ALL_YEARS_PAGE = "/kommune/randers/?aar=2024&visning=alle-aar"
PLAN_EDITOR = "/kommune/randers/plan/2024/"
COMPARISON_PAGE = "/sammenlign/mm13-andel-beskaeftigede/?kommune=randers&gruppe=region"
EMBEDS = [
    "/embed/kommune/randers/mm13-andel-beskaeftigede/?aar=2024",
    "/embed/sammenlign/mm13-andel-beskaeftigede/?kommune=randers&gruppe=region",
]
# Plotly's PNG button in Danish (static/js/plotly_locale.js) and in Plotly's own English.
PNG_BUTTON_DA, PNG_BUTTON_EN = "Hent diagrammet som PNG", "Download plot as a PNG"
# A function, not an expression: Playwright polls an expression with the page's eval, which the site's CSP (no
# 'unsafe-eval') refuses whenever the first check is false, as on a loaded machine; a function it calls directly.
CHARTS_DRAWN = (
    "() => [...document.querySelectorAll('div.chart')].every(chart => chart.dataset.rendered === 'true')"
)


def open_with_charts(page, path: str) -> None:
    """Open a page and wait until Plotly has drawn each of its charts."""
    page.goto(path)
    page.wait_for_function(CHARTS_DRAWN)


def drawn_traces(page, chart_id: str) -> tuple[int, int]:
    """(traces Plotly drew in the chart's plot area, traces in the chart's figure data)."""
    drawn = page.locator(f"#{chart_id} .main-svg .cartesianlayer .trace").count()
    expected = page.evaluate(
        f"JSON.parse(document.getElementById('{chart_id}-data').textContent).data.length"
    )
    return drawn, expected


def test_status_page_draws_every_trace_of_a_line_chart_per_indicator(page, dashboard_data):
    open_with_charts(page, STATUS_PAGE)

    chart_ids = page.eval_on_selector_all("div.chart", "charts => charts.map(chart => chart.id)")
    assert len(chart_ids) >= 4  # goals 2 and 3: a share and a count each
    for chart_id in chart_ids:
        drawn, expected = drawn_traces(page, chart_id)
        assert drawn == expected >= 1, chart_id
        assert page.locator(f"#{chart_id} .scatterlayer path.js-line").count() >= 1, chart_id
    share_chart = page.locator("#chart-3-mm13-andel-beskaeftigede")
    assert share_chart.locator(".legend").get_by_text("Hele landet", exact=True).count() == 1
    assert page.problems == []


def test_comparison_page_draws_every_municipality_as_a_bar_and_the_development(page, dashboard_data):
    open_with_charts(page, COMPARISON_PAGE)

    assert page.locator("#chart-comparison .barlayer .point").count() == 98
    assert drawn_traces(page, "chart-comparison")[0] == drawn_traces(page, "chart-comparison")[1]
    drawn, expected = drawn_traces(page, "chart-development")
    assert drawn == expected >= 2
    assert page.problems == []


ALL_PAGES = [
    STATUS_PAGE,
    COMPARISON_PAGE,
    "/en" + STATUS_PAGE,
    "/en" + COMPARISON_PAGE,
    *EMBEDS,
    ALL_YEARS_PAGE,
]


@pytest.mark.parametrize("path", ALL_PAGES)
def test_page_has_no_wcag_21_aa_violations(page, axe, dashboard_data, path):
    open_with_charts(page, path)

    violations = axe_violations(axe, page)
    assert not violations, violations


@pytest.mark.parametrize("path", EMBEDS)
def test_embed_draws_its_one_chart(page, dashboard_data, path):
    open_with_charts(page, path)

    chart_ids = page.eval_on_selector_all("div.chart", "charts => charts.map(chart => chart.id)")
    assert len(chart_ids) == 1
    drawn, expected = drawn_traces(page, chart_ids[0])
    assert drawn == expected >= 1
    assert page.problems == []


@pytest.mark.parametrize("path", [STATUS_PAGE, COMPARISON_PAGE, *EMBEDS])
def test_plotly_is_loaded_once_from_our_own_static_files(page, live_server, dashboard_data, path):
    scripts = []
    page.on("request", lambda request: request.resource_type == "script" and scripts.append(request.url))

    open_with_charts(page, path)

    plotly = [url for url in scripts if "vendor/plotly" in url]
    assert plotly == [f"{live_server.url}/static/vendor/plotly.min.js"]
    assert all(url.startswith(live_server.url) for url in scripts)


@pytest.mark.parametrize("path", [STATUS_PAGE, COMPARISON_PAGE])
def test_charts_offer_no_upload_of_the_data_to_plotly_cloud(page, dashboard_data, path):
    open_with_charts(page, path)

    assert page.locator("div.chart .modebar-btn").count() > 0
    assert page.locator('div.chart .modebar-btn[data-title="Share chart..."]').count() == 0


@pytest.mark.parametrize("path", [STATUS_PAGE, COMPARISON_PAGE])
def test_chart_downloads_as_a_png_from_its_modebar(page, dashboard_data, path, tmp_path):
    open_with_charts(page, path)
    chart = page.locator("div.chart").first
    figure = page.evaluate(
        f"JSON.parse(document.getElementById('{chart.get_attribute('id')}-data').textContent)"
    )
    chart.hover()

    with page.expect_download() as download_info:
        chart.locator(f'.modebar-btn[data-title="{PNG_BUTTON_DA}"]').click()
    saved = tmp_path / "chart.png"
    download_info.value.save_as(saved)

    png = saved.read_bytes()
    options = figure["config"]["toImageButtonOptions"]
    assert download_info.value.suggested_filename == f"{options['filename']}.png"
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (options["width"], options["height"])


@pytest.mark.parametrize(
    ("path", "label", "other"),
    [
        (STATUS_PAGE, PNG_BUTTON_DA, PNG_BUTTON_EN),
        ("/en" + STATUS_PAGE, PNG_BUTTON_EN, PNG_BUTTON_DA),
    ],
)
def test_chart_buttons_speak_the_pages_language(page, dashboard_data, path, label, other):
    open_with_charts(page, path)

    charts = page.locator("div.chart").count()
    assert page.locator(f'div.chart .modebar-btn[aria-label="{label}"]').count() == charts
    assert page.locator(f'div.chart .modebar-btn[aria-label="{other}"]').count() == 0


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, dashboard_data):
    page.goto(STATUS_PAGE)

    page.keyboard.press("Tab")
    first_stop = page.evaluate("document.activeElement.className")
    page.keyboard.press("Enter")

    assert first_stop == "skip-link"
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("path", [STATUS_PAGE, COMPARISON_PAGE])
def test_data_table_opens_by_keyboard(page, dashboard_data, path):
    open_with_charts(page, path)

    for _ in range(200):
        page.keyboard.press("Tab")
        # The first <summary> whose disclosure holds a table (the comparison form's own list is one too).
        if page.evaluate(
            "document.activeElement.tagName === 'SUMMARY'"
            " && !!document.activeElement.parentElement.querySelector('table')"
        ):
            break
    else:
        pytest.fail("no data table <summary> is reachable with Tab")
    details = page.evaluate_handle("document.activeElement.parentElement")
    assert details.evaluate("element => element.open") is False
    page.keyboard.press("Enter")

    assert details.evaluate("element => element.open") is True
    assert details.evaluate("element => element.querySelector('table').getBoundingClientRect().height") > 0


FOCUS_RING = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    return {tag: element.tagName, text: (element.textContent || element.getAttribute("aria-label") || "").trim().slice(0, 40),
            visible: outlined || style.boxShadow !== "none"};
}"""


@pytest.mark.parametrize("path", [STATUS_PAGE, COMPARISON_PAGE])
def test_every_keyboard_stop_shows_a_focus_ring(page, dashboard_data, path):
    open_with_charts(page, path)

    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUS_RING))

    # BODY: the tab order ran past the page's last stop into the browser's own controls.
    assert [stop for stop in stops if not stop["visible"] and stop["tag"] != "BODY"] == []
    assert any(stop["text"] == PNG_BUTTON_DA for stop in stops)


HEADING_LEVELS = "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => Number(h.tagName[1]))"


@pytest.mark.parametrize("path", ["/", "/en/", PLAN_EDITOR])  # anonymous on the editor: its login form
def test_front_page_and_login_have_no_wcag_21_aa_violations(page, axe, dashboard_data, path):
    page.goto(path)

    violations = axe_violations(axe, page)
    assert not violations, violations


@pytest.mark.parametrize("path", [PLAN_EDITOR, "/en" + PLAN_EDITOR])
def test_plan_editor_has_no_wcag_21_aa_violations_before_and_after_a_bad_save(chief_page, axe, path):
    chief_page.goto(path)
    assert not (violations := axe_violations(axe, chief_page)), violations

    chief_page.fill("#id_targets-0-target_value", "120")
    chief_page.click("main button[type=submit]")  # the header has a logout button too

    assert chief_page.locator("#id_targets-0-target_value[aria-invalid=true]").count() == 1
    assert not (violations := axe_violations(axe, chief_page)), violations


@pytest.mark.parametrize("path", ["/", STATUS_PAGE, COMPARISON_PAGE, PLAN_EDITOR, *EMBEDS])
def test_headings_start_at_one_h1_and_never_skip_a_level(chief_page, path):
    chief_page.goto(path)

    levels = chief_page.evaluate(HEADING_LEVELS)
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:], strict=False)), levels


def test_plan_editor_tab_order_follows_the_form_top_to_bottom(chief_page):
    chief_page.goto(PLAN_EDITOR)

    stops = []
    for _ in range(80):
        chief_page.keyboard.press("Tab")
        stop = chief_page.evaluate("document.activeElement.id || document.activeElement.tagName")
        if not stops or stops[-1] != stop:  # a date input has a stop per part
            stops.append(stop)
        if stop == "plan-save":
            break
    fields = [stop for stop in stops if stop.startswith("id_")]
    form_order = chief_page.eval_on_selector_all(
        "#plan-form input:not([type=hidden]), #plan-form select, #plan-form textarea",
        "els => els.map(e => e.id)",
    )
    assert fields == form_order
    assert stops[-1] == "plan-save"


@pytest.mark.parametrize(
    "path", ["/", STATUS_PAGE, "/sammenlign/mm17-andel-opkvalificering/?kommune=randers"]
)
def test_a_phone_never_scrolls_the_page_sideways_only_the_charts(page, dashboard_data, path):
    page.set_viewport_size({"width": 390, "height": 844})
    open_with_charts(page, path)

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    h1 = page.locator("h1").bounding_box()
    assert h1["x"] + h1["width"] <= 390


@pytest.mark.parametrize(
    ("path", "month_name"),
    [
        (STATUS_PAGE, r"(jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)\. \d{4}|maj \d{4}"),
        ("/en" + STATUS_PAGE, r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"),
    ],
)
def test_time_axes_name_months_in_the_pages_language_not_iso_codes(page, dashboard_data, path, month_name):
    open_with_charts(page, path)

    ticks = page.locator("#chart-3-mm13-andel-beskaeftigede .xtick text").all_text_contents()
    assert ticks and all(re.fullmatch(month_name, tick) for tick in ticks), ticks


FRAME_HEIGHT = "() => document.querySelector('iframe').getBoundingClientRect().height"
CONTENT_HEIGHT = "() => Math.ceil(document.documentElement.getBoundingClientRect().height)"


@pytest.fixture
def intranet():
    """Another site on loopback (another origin) whose page holds the HTML put in intranet.body."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            body = server.body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    server.body = ""
    server.url = f"http://127.0.0.1:{server.server_port}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def frame_fits(page, frame, *, timeout: float = 5.0) -> tuple[float, float]:
    """Wait until the iframe on the intranet page is as tall as the chart page in it; (frame, content) heights."""
    deadline = time.monotonic() + timeout
    while True:
        outer, inner = page.evaluate(FRAME_HEIGHT), frame.evaluate(CONTENT_HEIGHT)
        if abs(outer - inner) <= 1 or time.monotonic() > deadline:
            return outer, inner
        page.wait_for_timeout(100)


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", [STATUS_PAGE, COMPARISON_PAGE])
def test_the_embed_code_fits_its_frame_to_the_chart_also_when_the_table_is_opened(
    page, dashboard_data, intranet, path, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path)
    code = page.locator(".embed-code textarea").first.input_value()
    intranet.body = f"<!doctype html><html lang='da'><title>Intranet</title><h1>Vores tal</h1>{code}</html>"
    page.goto(intranet.url)
    chart = page.locator("iframe").element_handle().content_frame()
    chart.wait_for_selector("div.chart")
    chart.wait_for_function(CHARTS_DRAWN)

    drawn = frame_fits(page, chart)
    chart.locator("details.data-table summary").click()
    opened = frame_fits(page, chart)

    assert drawn[0] == pytest.approx(drawn[1], abs=1)
    assert opened[0] == pytest.approx(opened[1], abs=1) and opened[0] > drawn[0] + 100
    assert chart.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")
