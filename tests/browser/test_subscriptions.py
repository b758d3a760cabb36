"""The subscription pages in Chromium: no WCAG 2.1 AA violations for a signed-in admin or a visitor."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def subscribed_admin(transactional_db, live_server):
    """An admin who follows Randers and Aarhus and gets pull alerts; returns a link token for the admin."""
    from django.contrib.auth import get_user_model

    from municipalities.models import Area
    from notifications.models import Subscription
    from notifications.unsubscribe import make_token

    call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    admin = get_user_model().objects.create_superuser("admin-anne", "anne@example.invalid", "pw-anne-123")
    for slug in ("randers", "aarhus"):
        Subscription.objects.create(user=admin, municipality=Area.objects.get(slug=slug))
    Subscription.objects.create(user=admin, municipality=None)
    return admin, make_token(user_id=admin.pk)


def test_subscription_pages_have_no_wcag_21_aa_violations(page, axe, live_server, subscribed_admin):
    from django.test import Client

    admin, token = subscribed_admin
    anonymous = ["/abonnementer/", f"/abonnementer/afmeld/{token}/", "/abonnementer/afmeld/forfalsket/"]
    for path in anonymous:  # the login form, the unsubscribe confirmation, a refused link
        page.goto(path)
        assert not (violations := axe_violations(axe, page)), f"{path}: {violations}"
    client = Client()
    client.force_login(admin)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    for path in ["/abonnementer/", "/kommune/randers/"]:
        page.goto(path)
        assert not (violations := axe_violations(axe, page)), f"{path}: {violations}"
    page.goto("/abonnementer/")
    assert page.get_by_role("button", name="Afmeld Randers").is_visible()
    assert page.get_by_role("button", name="Stop beskeder om hentninger").is_visible()
    assert [p for p in page.problems if "forfalsket" not in p] == []  # only the refused link answers 400
