"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium (tests/conftest.py skips these tests
when it is missing, and fails them when REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Browser, Page, sync_playwright

from indicators.management.commands.vendor_plotly import BUNDLE_PATH
from tests.conftest import CHROMIUM
from tests.rows import build_once

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The WCAG 2.1 A and AA rules of axe-core (the accessibility bar).
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FIRST_MONTH = date(2022, 1, 1)
MONTHS = 30  # 2022M01 … 2024M06


@pytest.fixture(scope="session")
def plotly_bundle() -> None:
    """static/vendor/plotly.min.js, as `make setup` leaves it (tests never fetch it themselves)."""
    if not BUNDLE_PATH.exists():
        pytest.fail(f"{BUNDLE_PATH} is missing: run `make setup` (or manage.py vendor_plotly)")


@pytest.fixture(scope="module")
def browser(plotly_bundle) -> Iterator[Browser]:
    """One headless Chromium per test module."""
    # Playwright's sync API keeps an asyncio loop in this thread, which Django's ORM takes for async code;
    # the ORM calls here are the test's own set-up, not async views. Restored when the module is done.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh tab whose console errors and failed requests are collected in page.problems."""
    context = browser.new_context(
        base_url=live_server.url, locale="da-DK", viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.problems = []
    tab.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
    tab.on("console", lambda msg: _console_problem(tab, msg))
    tab.on("requestfailed", lambda request: tab.problems.append(f"request failed: {request.url}"))
    tab.on("response", lambda response: _response_problem(tab, response))
    yield tab
    context.close()


def _console_problem(tab: Page, message) -> None:
    # A failed resource is reported with its URL by _response_problem; the console only says "404".
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        tab.problems.append(f"console: {message.text}")


def _response_problem(tab: Page, response) -> None:
    # Browsers ask for /favicon.ico on their own; the site has none, and no user meets that error.
    if response.status >= 400 and not response.url.endswith("/favicon.ico"):
        tab.problems.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def axe() -> Axe:
    """axe-core, as the axe-playwright-python package ships it."""
    return Axe()


def axe_violations(axe: Axe, page: Page) -> str:
    """The page's WCAG 2.1 A/AA violations as a readable report; empty when there are none."""
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return results.generate_report() if results.violations_count else ""


def _month(index: int) -> date:
    year, month = divmod(FIRST_MONTH.month - 1 + index, 12)
    return date(FIRST_MONTH.year + year, month + 1, 1)


@pytest.fixture
def dashboard_data(transactional_db, live_server, request) -> None:
    """Reference data, the demo plans, and 30 months of every monthly indicator for every area.

    Values drift slowly around an area-specific level, so lines and bars have something to draw;
    the last two months are provisional. Seeded, so every run draws the same picture. Built once per worker;
    every later test gets the same rows written back (tests/rows.py; each transactional test empties the tables
    afterwards).
    """
    from goals.models import Goal, GoalSet, Plan
    from indicators.models import Indicator, Observation
    from municipalities.models import Area

    cache.clear()  # the rows come back with the same ids and dates: nothing cached for an earlier test may show
    build_once(
        request,
        "dashboard_data",
        _build_dashboard_data,
        reads=(Area, Indicator, GoalSet, Goal, Plan, Observation),
        first_from_empty=True,
    )


def _build_dashboard_data() -> None:
    from goals.demo import load_demo_plans
    from indicators.models import Indicator, Observation
    from municipalities.models import Area

    call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    load_demo_plans()
    rng = random.Random(4)
    fetched_at = datetime(2024, 7, 10, 6, 30, tzinfo=UTC)
    areas = list(Area.objects.exclude(kind=Area.Kind.RAR))
    rows = []
    for indicator in Indicator.objects.filter(period_type="M"):
        is_count = indicator.unit == Indicator.Unit.COUNT
        for area in areas:
            level = rng.uniform(200, 3000) if is_count else rng.uniform(2.5, 6.0)
            if indicator.code.startswith("mm13-andel"):
                level *= 9
            for index in range(MONTHS):
                month = _month(index)
                value = level * (1 + 0.004 * index + rng.uniform(-0.03, 0.03))
                rows.append(
                    Observation(
                        indicator=indicator,
                        area=area,
                        period_type="M",
                        period=f"{month.year}M{month.month:02d}",
                        period_start=month,
                        value=Decimal(f"{value:.0f}" if is_count else f"{value:.2f}"),
                        provisional=index >= MONTHS - 2,
                        fetched_at=fetched_at,
                    )
                )
    Observation.objects.bulk_create(rows, batch_size=2000)


@pytest.fixture
def chief_page(page: Page, dashboard_data, live_server) -> Page:
    """The tab, logged in as the jobcenter chief of Randers (a session made by Django's test client)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from goals.models import ChiefAssignment
    from municipalities.models import Area

    chief = get_user_model().objects.create_user("chief-rikke", "rikke@example.invalid", "pw-rikke-123")
    ChiefAssignment.objects.create(user=chief, municipality=Area.objects.get(slug="randers"))
    client = Client()
    client.force_login(chief)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return page
