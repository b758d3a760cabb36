"""The plan keeper's own-goals pages in Chromium: no axe-core violations, from creating a year to its status page."""

from tests.browser.conftest import axe_violations


def test_creating_and_editing_own_goals_has_no_wcag_21_aa_violations(chief_page, axe):
    chief_page.goto("/kommune/randers/")
    assert chief_page.locator("#own-goals-missing").count() == 1
    assert not (violations := axe_violations(axe, chief_page)), violations

    chief_page.click("#own-goals-missing a")
    assert not (violations := axe_violations(axe, chief_page)), violations
    chief_page.fill("#id_year", "2024")
    chief_page.click("#goal-set-create")
    assert chief_page.locator("#id_year[aria-invalid=true]").count() == 1
    assert not (violations := axe_violations(axe, chief_page)), violations

    chief_page.fill("#id_year", "2025")
    chief_page.click("#goal-set-create")
    assert chief_page.url.endswith("/kommune/randers/maal/2025/")
    assert not (violations := axe_violations(axe, chief_page)), violations

    chief_page.fill("#id_goals-1-title", "Flere ledige i Randers skal opkvalificeres")
    chief_page.click("#goal-set-save")
    assert chief_page.url.endswith("/kommune/randers/?aar=2025")
    assert "Flere ledige i Randers skal opkvalificeres" in chief_page.locator("#goal-2-heading").inner_text()
    assert not (violations := axe_violations(axe, chief_page)), violations

    chief_page.goto("/en/kommune/randers/maal/2025/")
    assert not (violations := axe_violations(axe, chief_page)), violations
