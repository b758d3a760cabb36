"""What a chief and a chair see in a real browser: the pages load, pass axe-core, and work by keyboard."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/kommune/randers/"])
def test_page_has_no_wcag_violations(page, axe, dashboard_data, path):
    page.goto(path)

    assert axe_violations(axe, page) == ""
    assert page.problems == []


def test_skip_link_moves_focus_to_main_content(page, dashboard_data):
    page.goto("/kommune/randers/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    page.keyboard.press("Enter")

    assert focused == "skip-link"
    assert page.evaluate("document.activeElement.id") == "main"
