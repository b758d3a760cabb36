"""The meeting pages in Chromium: the snapshot draws its frozen charts; snapshot, compare and pack pages pass axe."""

from datetime import date

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_pages import CHARTS_DRAWN

pytestmark = pytest.mark.browser


def test_snapshot_compare_and_pack_pages_work_and_have_no_wcag_21_aa_violations(chief_page, axe):
    from django.contrib.auth import get_user_model

    from goals.models import GoalSet
    from meetings.freeze import freeze_snapshot
    from meetings.models import MeetingPack
    from meetings.pack import make_pack
    from municipalities.models import Area

    shot = freeze_snapshot(
        municipality=Area.objects.get(slug="randers"),
        goal_set=GoalSet.objects.get(year=2024),
        meeting_name="Beskæftigelsesudvalget",
        meeting_date=date(2024, 3, 12),
        made_by=get_user_model().objects.get(username="chief-rikke"),
    )
    page = chief_page
    url = shot.get_absolute_url()

    page.goto(url)
    page.wait_for_function(CHARTS_DRAWN)
    assert page.get_by_text("Som vist på mødet i Beskæftigelsesudvalget 12. marts 2024").is_visible()
    assert axe_violations(axe, page) == ""

    page.goto(f"{url}sammenlign/")
    assert page.locator("h1").inner_text().startswith("Randers: Beskæftigelsesudvalget")
    assert axe_violations(axe, page) == ""

    pack = MeetingPack.objects.create(snapshot=shot, language="da")
    page.goto(f"{url}pakke/da/")
    assert page.locator("#pack-download").is_hidden()
    assert axe_violations(axe, page) == ""
    make_pack(pack_id=pack.pk)
    page.locator("#pack-download").wait_for(state="visible", timeout=15_000)  # the page polls its status
    assert page.locator("#pack-state").inner_text() == "Mødepakken er klar."
    assert axe_violations(axe, page) == ""
    assert page.problems == []
