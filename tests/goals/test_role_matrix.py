"""Who may do what: every write view and every read of a draft, for each persona, from one table.

A later view (local values, snapshots …) is one more Row. The last test fails when a URL that accepts POST is
missing here: it asks every URL pattern of the project (the Django admin's own aside: only admins change there).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from goals.models import ChiefAssignment, Goal, GoalSet, Plan, PlanGoal, Target
from indicators.models import Indicator
from municipalities.models import Area
from notifications.models import Subscription
from notifications.unsubscribe import make_token

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "chair of Randers",
    "chair of Aarhus",
    "keeper of Randers",
    "staff without permissions",
    "admin",
)
SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
EVERYONE = frozenset(PERSONAS)
ADMIN = frozenset({"admin"})
KEEPER = frozenset({"keeper of Randers", "admin"})
RANDERS_USERS = frozenset({"keeper of Randers", "chair of Randers", "admin"})
NOBODY = frozenset()
DRAFT_TEXT = "Randers Kommunes udkast til mål 2, endnu ikke vedtaget."


@dataclass(frozen=True)
class Row:
    """One request and who may make it. `{name}` in url or data is filled from the world (ids, tokens).

    Granted means a 2xx/3xx answer that is no login form, no 403 and no redirect to a login; with `shows`, the
    page must also show that text (a draft read: the page answers everyone, the draft only some).
    """

    name: str
    url: str
    method: str
    data: dict = field(default_factory=dict)
    may: frozenset = NOBODY
    shows: str = ""


PLAN_POST = {
    "plan-status": "draft",
    "targets-TOTAL_FORMS": "0",
    "targets-INITIAL_FORMS": "0",
}
MATRIX = [
    # --- Writes ----------------------------------------------------------------------------------------------
    Row("plan editor: save Randers' plan", "/kommune/randers/plan/2024/", "post", PLAN_POST, KEEPER),
    Row("plan editor: save Aarhus' plan", "/kommune/aarhus/plan/2024/", "post", PLAN_POST, ADMIN),
    Row("plan editor: open Randers' plan", "/kommune/randers/plan/2024/", "get", may=KEEPER),
    Row("subscribe to Randers", "/kommune/randers/abonner/", "post", may=SIGNED_IN),
    Row("unsubscribe from Randers", "/kommune/randers/afmeld/", "post", may=SIGNED_IN),
    Row("pull alerts on", "/abonnementer/hentninger/", "post", {"til": "1"}, ADMIN),
    Row("unsubscribe by a mailed link", "/abonnementer/afmeld/{token}/", "post", may=EVERYONE),
    Row(
        "log in to subscribe",
        "/abonnementer/",
        "post",
        {"login-username": "matrix-login", "login-password": "pw-login-123"},
        EVERYONE,
    ),  # noqa: E501
    Row("log out", "/log-ud/", "post", may=EVERYONE),
    Row("choose a language", "/i18n/setlang/", "post", {"language": "en", "next": "/"}, EVERYONE),
    Row(
        "admin: give a role",
        "/admin/goals/chiefassignment/add/",
        "post",
        {"user": "{chair_of_aarhus}", "municipality": "{randers}", "role": "keeper"},
        ADMIN,
    ),
    Row(
        "admin: change Randers' plan",
        "/admin/goals/plan/{draft_plan}/change/",
        "post",
        {"status": "draft"},
        ADMIN,
    ),
    Row(
        "admin: delete a subscription",
        "/admin/notifications/subscription/{subscription}/delete/",
        "post",
        {"post": "yes"},
        ADMIN,
    ),  # noqa: E501
    # --- Draft reads ---------------------------------------------------------------------------------------
    Row(
        "draft: Randers' status page",
        "/kommune/randers/?aar=2024",
        "get",
        may=RANDERS_USERS,
        shows=DRAFT_TEXT,
    ),
    Row("draft: in English", "/en/kommune/randers/?aar=2024", "get", may=RANDERS_USERS, shows=DRAFT_TEXT),
    Row(
        "draft: marked as a draft",
        "/kommune/randers/?aar=2024",
        "get",
        may=RANDERS_USERS,
        shows='id="draft-notice"',
    ),
    Row(
        "draft: its target in the export",
        "/kommune/randers/mm17-andel-opkvalificering.csv?aar=2024",
        "get",
        may=RANDERS_USERS,
        shows="7,7",
    ),  # noqa: E501
    Row(
        "draft: never in an embed",
        "/embed/kommune/randers/mm17-andel-opkvalificering/?aar=2024",
        "get",
        may=NOBODY,
        shows="7,7",
    ),  # noqa: E501
    Row("draft: never in the Atom feed", "/kommune/randers/atom/", "get", may=NOBODY, shows="udkast"),
    Row(
        "draft: the admin's plan page",
        "/admin/goals/plan/{draft_plan}/change/",
        "get",
        may=ADMIN,
        shows="Udkast",
    ),
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The six personas, and a draft 2024 plan for Randers with a local text and a target of 7.7 %.

    Built once for the module inside a transaction that is rolled back at its end; each test's own transaction
    is a savepoint within it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_reference_data", verbosity=0, stdout=io.StringIO())
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> tuple[dict, dict]:
    users = get_user_model().objects
    randers, aarhus = Area.objects.get(slug="randers"), Area.objects.get(slug="aarhus")
    people = {
        "admin": users.create_superuser("m-admin", "admin@example.invalid", "pw"),
        "staff without permissions": users.create_user("m-staff", "staff@example.invalid", is_staff=True),
        "keeper of Randers": users.create_user("m-keeper", "keeper@example.invalid"),
        "chair of Randers": users.create_user("m-chair", "chair@example.invalid"),
        "chair of Aarhus": users.create_user("m-aarhus", "aarhus@example.invalid"),
    }
    users.create_user("matrix-login", "login@example.invalid", "pw-login-123")
    for persona, area, role in (
        ("keeper of Randers", randers, ChiefAssignment.Role.KEEPER),
        ("chair of Randers", randers, ChiefAssignment.Role.CHAIR),
        ("chair of Aarhus", aarhus, ChiefAssignment.Role.CHAIR),
    ):
        ChiefAssignment.objects.create(user=people[persona], municipality=area, role=role)
    plan = Plan.objects.create(municipality=randers, goal_set=GoalSet.objects.get(year=2024))
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    plan_goal = PlanGoal.objects.create(plan=plan, goal=goal, text=DRAFT_TEXT)
    Target.objects.create(
        plan_goal=plan_goal,
        indicator=Indicator.objects.get(code="mm17-andel-opkvalificering"),
        target_period="2024M12",
        target_value=Decimal("7.7"),
    )
    subscription = Subscription.objects.create(user=people["admin"], municipality=aarhus)
    names = {
        "token": make_token(user_id=people["admin"].pk),
        "draft_plan": plan.pk,
        "randers": randers.pk,
        "chair_of_aarhus": people["chair of Aarhus"].pk,
        "subscription": subscription.pk,
    }
    return people, names


def _client(people: dict, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(people[persona])
    return client


def _fill(value, names: dict):
    return value.format(**names) if isinstance(value, str) else value


def _granted(row: Row, response) -> bool:
    body = b"" if response.streaming else response.content
    if response.status_code == 403 or b'id="login-form"' in body:
        return False
    if response.status_code in (301, 302) and "/login/" in response.get("Location", ""):
        return False
    assert response.status_code < 400, f"{row.name}: unexpected {response.status_code} (fix the row's data)"
    return not row.shows or row.shows.encode() in body


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MATRIX, ids=[row.name for row in MATRIX])
def test_each_persona_may_exactly_what_the_matrix_says(world, row, persona):
    people, names = world
    client = _client(people, persona)
    url = _fill(row.url, names)
    data = {key: _fill(value, names) for key, value in row.data.items()}

    response = getattr(client, row.method)(url, data)

    assert _granted(row, response) is (persona in row.may)


# --- Every URL that accepts POST is in the matrix ----------------------------------------------------------
# A value for each URL parameter name, to build a URL of every pattern.
SAMPLES = {
    "slug": "randers",
    "code": "mm17-andel-opkvalificering",
    "year": 2024,
    "fmt": "csv",
    "chart": "fordeling",
}


def _patterns(resolvers, namespace: str = ""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the Django admin: only admins change anything there (rows above sample it)
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", list(entry.pattern.converters)


def _view_name(url: str) -> str:
    return resolve(url.split("?")[0]).view_name


def test_every_url_that_accepts_post_is_in_the_matrix(world):
    people, names = world
    admin = _client(people, "admin")
    in_matrix = {_view_name(_fill(row.url, names)) for row in MATRIX if row.method == "post"}
    accepting = set()
    for name, params in _patterns(get_resolver().url_patterns):
        missing = [p for p in params if p not in SAMPLES and p not in names]
        assert not missing, f"add a sample value for {missing} of {name} to SAMPLES"
        url = reverse(name, kwargs={p: SAMPLES.get(p, names.get(p)) for p in params})
        if admin.post(url).status_code != 405:
            accepting.add(name)

    assert accepting - in_matrix == set(), "these URLs accept POST but have no row in MATRIX"
    assert accepting  # the probe found the writes (the plan editor at least)
