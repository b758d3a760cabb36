"""The local-value pages in Chromium: no WCAG 2.1 AA violations on entry, upload, preview and approval pages."""

import os
from datetime import date

import pytest
from django.core.management import call_command

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

BASE = "/kommune/randers/lokale-indikatorer/"


@pytest.fixture
def keeper_page(page, transactional_db, live_server):
    """Reference data, Randers' share-with-base indicator with a draft by a second keeper, and the chief logged in."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from goals.models import ChiefAssignment
    from local_values.entry import submit
    from local_values.validation import RawRow, check_rows
    from municipalities.models import Area
    from tests.local_values.conftest import define

    call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    randers = Area.objects.get(slug="randers")
    users = get_user_model().objects
    chief, manager = users.create_user("chief-rikke"), users.create_user("manager-mads")
    for user in (chief, manager):
        ChiefAssignment.objects.create(user=user, municipality=randers)
    indicator = define(
        municipality=randers, name="Borgertilfredshed", unit="percent", period_type="Y", base=True
    )
    checked = check_rows(indicator=indicator, rows=[RawRow(2, "2023", "74,1", "470")], today=date(2025, 1, 1))
    submit(indicator=indicator, area=randers, rows=checked.rows, user=manager)
    client = Client()
    client.force_login(chief)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.indicator_code = indicator.code
    return page


def test_entry_upload_preview_and_approval_pages_have_no_wcag_21_aa_violations(keeper_page, axe):
    page, code = keeper_page, keeper_page.indicator_code
    found = {}

    page.goto(f"{BASE}{code}/indtast/")
    page.fill("#id_v_2022", "abc")  # an error state, as a keeper sees it
    page.click("#entry-save")
    page.wait_for_selector(".error-summary")
    found["entry with an error"] = axe_violations(axe, page)

    page.goto(f"{BASE}{code}/upload/")
    found["upload"] = axe_violations(axe, page)
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "v.csv",
                "mimeType": "text/csv",
                "buffer": "periode;værdi;grundlag\r\n2022;73,4;455\r\n2023;74,1;470\r\n".encode(),
            }
        ],
    )
    page.click("#upload-submit")
    page.wait_for_selector("#upload-confirm")
    found["preview"] = axe_violations(axe, page)

    page.goto(f"{BASE}godkend/")
    page.wait_for_selector("#approve-form")
    found["approval"] = axe_violations(axe, page)

    assert {name: report for name, report in found.items() if report} == {}
    assert [p for p in page.problems if "HTTP 400" not in p] == []  # the error state answers 400 on purpose
