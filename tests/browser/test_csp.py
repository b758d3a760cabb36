"""Every kind of page runs under the Content-Security-Policy in Chromium: no violation, charts drawn and styled."""

import pytest

from tests.browser.test_pages import CHARTS_DRAWN

pytestmark = pytest.mark.browser

# Collects what the browser refused, before any of the page's own code runs.
LISTEN_FOR_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
});
"""
CHART_PAGES = [
    "/",
    "/kommune/randers/?aar=2024",
    "/en/kommune/randers/?aar=2024",
    "/sammenlign/mm13-andel-beskaeftigede/?kommune=randers&gruppe=region",
    "/embed/kommune/randers/mm13-andel-beskaeftigede/?aar=2024",
    "/embed/sammenlign/mm13-andel-beskaeftigede/?kommune=randers&gruppe=region",
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/goals/plan/",
    "/admin/goals/goalset/add/",
    "/admin/indicators/indicator/",
    "/admin/axes/accessattempt/",
]


def _watch(page) -> None:
    # Chromium also logs each refusal to the console ("Refused to …"), which the page fixture collects.
    page.context.add_init_script(LISTEN_FOR_VIOLATIONS)


def _violations(page) -> list[str]:
    return page.evaluate("window.cspViolations") + [p for p in page.problems if "Refused to" in p]


def _log_in(page, live_server, user) -> None:
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.parametrize("path", CHART_PAGES)
def test_pages_with_charts_draw_and_style_them_without_a_policy_violation(page, dashboard_data, path):
    _watch(page)

    page.goto(path)
    page.wait_for_function(CHARTS_DRAWN)

    assert _violations(page) == []
    if page.locator("div.chart").count():
        # Plotly's own stylesheet (modebar, hover labels) was let in.
        rules = page.evaluate("document.getElementById('plotly.js-style-global').sheet.cssRules.length")
        assert rules > 0
    assert page.problems == []


def test_the_plan_editor_and_its_login_run_without_a_policy_violation(page, dashboard_data, live_server):
    from django.contrib.auth import get_user_model

    from goals.models import ChiefAssignment
    from municipalities.models import Area

    _watch(page)
    page.goto("/kommune/randers/plan/2024/")
    assert page.locator("#login-form").count() == 1
    chief = get_user_model().objects.create_user("chief-rikke", "rikke@example.invalid", "pw-rikke-123")
    ChiefAssignment.objects.create(user=chief, municipality=Area.objects.get(slug="randers"))

    page.fill("#id_login-username", "chief-rikke")
    page.fill("#id_login-password", "pw-rikke-123")
    page.click("#login-submit")
    page.wait_for_selector("#plan-form")

    assert _violations(page) == []
    assert page.problems == []


def test_the_lockout_page_runs_without_a_policy_violation(page, dashboard_data):
    _watch(page)
    page.goto("/admin/login/")
    for _attempt in range(6):
        page.fill("#id_username", "nobody")
        page.fill("#id_password", "wrong")
        page.click("input[type=submit]")
        if page.locator("h1", has_text="Log ind er spærret").count():
            break

    assert page.locator("h1", has_text="Log ind er spærret").count() == 1
    assert _violations(page) == []


@pytest.mark.parametrize("path", ["/admin/login/", *ADMIN_PAGES])
def test_admin_pages_run_without_a_policy_violation(page, dashboard_data, live_server, admin_user, path):
    _watch(page)
    if path != "/admin/login/":
        _log_in(page, live_server, admin_user)

    page.goto(path)
    page.wait_for_load_state("load")

    assert _violations(page) == []
    assert page.problems == []
