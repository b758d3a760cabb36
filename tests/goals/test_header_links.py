"""The site header shows each persona only the links they can use; the admin reads as Måltavlen's, in Danish."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from goals.models import GoalSet


@pytest.fixture
def staff_member(db):
    """Staff with every model permission, but no admin (goals.roles): Django would let them into its admin."""
    user = get_user_model().objects.create_user(
        "staff-sofie", "sofie@example.invalid", "pw-sofie-123", is_staff=True
    )
    user.user_permissions.set(Permission.objects.all())
    return user


def _header_links(client) -> list[str]:
    body = client.get("/").content.decode()
    header = body.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    return re.findall(r'<a href="([^"]+)"', header)


@pytest.mark.parametrize(
    ("persona", "sees_admin"),
    [
        ("anonymous", False),
        ("randers_chief", False),
        ("committee_chair", False),
        ("staff_member", False),
        ("admin_user", True),
    ],
)
def test_header_links_admin_only_to_those_the_admin_lets_in(
    client, reference_data, request, persona, sees_admin
):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    links = _header_links(client)

    assert ("/admin/" in links) is sees_admin
    assert "/" in links and "/#sammenlign" in links
    assert (client.get("/admin/").status_code == 200) is sees_admin


def test_a_chief_would_be_refused_by_the_admin_the_header_hides(client, randers_chief):
    client.force_login(randers_chief)

    assert client.get("/admin/").status_code == 302  # the admin's login page: not for plan keepers


def test_admin_is_named_for_maaltavlen_in_danish(client, admin_user):
    client.force_login(admin_user)

    body = client.get("/admin/").content.decode()

    assert '<html lang="da"' in body
    assert "<title>Administration | Måltavlen – administration</title>" in body
    assert '<a href="/admin/">Måltavlen – administration</a>' in body
    assert "Django" not in body.split("<body", 1)[1]


def test_admin_lists_show_a_dash_for_an_empty_value(client, admin_user, reference_data):
    client.force_login(admin_user)

    first_year = GoalSet.objects.get(year=2022)

    body = client.get("/admin/goals/goal/", {"goal_set__id__exact": first_year.pk}).content.decode()

    # The 2022 goals continue no earlier goal.
    assert re.search(r'<td class="field-continues_from[^"]*">–</td>', body)
    assert "None" not in body
