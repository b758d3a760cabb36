"""Journeys through the production processes: an admin, a plan keeper and a committee chair, in Chromium.

Every page visited, the admin's included, is checked with axe-core (WCAG 2.1 A/AA) in Danish and, through its
language switch, in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import axe_violations
from tests.e2e.conftest import ADMIN, CHIEF

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

SOURCE_HEALTH = "/admin/indicators/ingestionrun/source-health/"
SCHEDULE = "/admin/django_celery_beat/periodictask/"
DAILY_PULL = "Dagligt: hent de indikatorer, der skal hentes"
STATUS_PAGE = "/kommune/randers/?aar=2024"
PLAN_EDITOR = "/kommune/randers/plan/2024/"
PERMALINK = "/sammenlign/mm17-andel-opkvalificering/?kommune=randers&gruppe=liste&kommuner=aarhus,odense"


@pytest.fixture
def tab(browser: Browser, stack) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the stack."""
    context = browser.new_context(base_url=stack.url, locale="da-DK", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def check_page(page: Page, axe: Axe) -> None:
    """No WCAG 2.1 AA violation, and the English link leads to the same page in English."""
    assert axe_violations(axe, page) == "", page.url
    danish = page.url
    page.locator("nav.language a[hreflang=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url != danish
    assert axe_violations(axe, page) == "", page.url
    page.locator("nav.language a[hreflang=da]").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")


def log_in(page: Page, credentials: tuple[str, str]) -> None:
    # The admin's form, or the plan page's (its fields have the prefix "login").
    page.fill("input[name$=username]", credentials[0])
    page.fill("input[name$=password]", credentials[1])
    page.locator("input[name$=password]").press("Enter")


def test_an_admin_starts_the_daily_pull_and_watches_source_health_report_it(tab, stack):
    axe = Axe()
    tab.goto(f"/admin/login/?next={SCHEDULE}")
    check_page(tab, axe)
    log_in(tab, ADMIN)
    check_page(tab, axe)
    # The schedule lives in the database: the admin runs the daily pull now with the "Run selected tasks" action.
    tab.locator("tr", has_text=DAILY_PULL).locator("input.action-select").check()
    tab.select_option("select[name=action]", "run_tasks")
    tab.locator("button[name=index]").click()
    expect(tab.locator("ul.messagelist")).to_contain_text("1")
    check_page(tab, axe)

    tab.goto(SOURCE_HEALTH)
    row = tab.locator("#source-health tr", has_text="mm17-andel-opkvalificering")
    for _ in range(120):  # the worker pulls from the sandbox: the admin reloads until it is done
        if "gennemført" in row.inner_text():
            break
        tab.wait_for_timeout(500)
        tab.reload()
    expect(row).to_contain_text("gennemført")
    expect(row).to_contain_text("sandkasse")
    assert int(row.locator("td").nth(2).inner_text()) > 99 * 12  # rows changed by the pull
    expect(tab.locator("#content-main")).to_contain_text("Nøglen virker mod sandkassen")
    check_page(tab, axe)


def test_a_plan_keeper_edits_a_target_and_sees_the_status_change(tab, stack):
    axe = Axe()
    tab.goto(PLAN_EDITOR)
    check_page(tab, axe)  # the plan editor's login form
    log_in(tab, CHIEF)
    expect(tab.locator("input[name='targets-0-target_value']")).to_be_visible()
    check_page(tab, axe)

    statuses = []
    # Out of reach, then already passed (the target is a share that should go up).
    for target_value in ("50", "0,01"):
        tab.goto(PLAN_EDITOR)
        tab.select_option("select[name='targets-0-direction']", "up")
        field = tab.locator("input[name='targets-0-target_value']")
        field.clear()
        field.fill(target_value)
        assert field.input_value() == target_value
        with tab.expect_navigation():
            tab.locator("#plan-save").click()
        # Saved: back on the status page with the message (a refusal would keep the editor, saying why).
        assert "Planen er gemt." in tab.locator("main").inner_text(), tab.locator("main").inner_text()[:2000]
        statuses.append(tab.locator("main").inner_text().count("Ikke på rette spor"))
        check_page(tab, axe)

    # The edited target went from "not on track" to "on track" (its badge and its summary line say so).
    assert statuses[0] > statuses[1]


def test_a_chair_opens_a_permalink_in_a_fresh_context_and_sees_the_same_view(tab, stack):
    axe = Axe()
    tab.goto(PERMALINK)

    expect(tab.locator("h1")).to_be_visible()
    assert re.search(r"kommuner=aarhus(%2C|,)odense", tab.url)
    main = tab.locator("main").inner_text()
    assert "Aarhus" in main and "Odense" in main and "Randers" in main
    check_page(tab, axe)
    assert "kommuner=" in tab.url  # the language switch kept the view
