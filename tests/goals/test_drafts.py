"""A plan not yet adopted: shown, marked as a draft, to the municipality's own users only, and never cached."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from goals.models import ChiefAssignment, Plan
from goals.views import municipality

pytestmark = pytest.mark.django_db
URL = "/kommune/randers/"


@pytest.fixture
def draft(demo_plans):
    """Randers' 2024 plan sent back to draft."""
    plan = Plan.objects.get(municipality__slug="randers", goal_set__year=2024)
    plan.status, plan.adopted_on = Plan.Status.DRAFT, None
    plan.save()
    return plan


@pytest.fixture
def chair(committee_chair, randers):
    ChiefAssignment.objects.create(
        user=committee_chair, municipality=randers, role=ChiefAssignment.Role.CHAIR
    )
    return committee_chair


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def test_the_chair_sees_the_draft_marked_as_a_draft(client, draft, chair):
    client.force_login(chair)

    page = client.get(URL, {"aar": "2024"}).content.decode()

    assert "Randers' plan for mål 2." in page.replace("&#x27;", "'")
    assert 'id="draft-notice"' in page and "Beskæftigelsesplan: Udkast" in page
    assert "Rediger planen" not in page  # the chair edits nothing


def test_a_visitor_sees_no_draft(client, draft):
    page = client.get(URL, {"aar": "2024"}).content.decode()

    assert "plan for mål 2." not in page
    assert "Kommunen har ingen beskæftigelsesplan for 2024" in page


def test_a_draft_page_is_stored_for_nobody_even_without_a_session_cookie(client, draft, chair, page_cache):
    # A request that carries no session cookie yet has a user (another authentication path): the page cache
    # would take it for an anonymous visitor's; the view's own no-store mark keeps it out.
    request = RequestFactory().get(URL, {"aar": "2024"})
    request.user = chair
    request.session = {}
    drafted = municipality(request, slug="randers")
    assert "plan for mål 2." in drafted.content.decode()
    assert "no-store" in drafted["Cache-Control"]

    page = client.get(URL, {"aar": "2024"})

    assert "plan for mål 2." not in page.content.decode()


def test_an_adopted_plan_is_still_cached_for_visitors(
    client, demo_plans, page_cache, django_assert_num_queries
):
    client.get(URL, {"aar": "2024"})

    with django_assert_num_queries(1):
        again = client.get(URL, {"aar": "2024"})

    assert "plan for mål 2." in again.content.decode()


@pytest.mark.parametrize(("status", "draft"), [("draft", True), ("adopted", False), (None, False)])
def test_a_status_page_s_main_part_is_a_draft_while_it_shows_a_plan_not_adopted(status, draft):
    from goals.status_data import StatusMain

    plan = Plan(status=status) if status else None

    assert StatusMain(html="", plan=plan).draft is draft
