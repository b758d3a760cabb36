"""Who may do what: every write view and every read of a draft, for each persona, from one table.

A later view (local values, snapshots …) is one more Row. The last test fails when a URL that accepts POST is
missing here: it asks every URL pattern of the project (the Django admin's own aside: only admins change there).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from goals.models import ChiefAssignment, Goal, GoalSet, Plan, PlanGoal, Target
from indicators.models import Indicator, LocalValue, Observation
from meetings.freeze import freeze_snapshot
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
    "staff with every model permission",
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


def _csv_file() -> SimpleUploadedFile:
    """A fresh upload for each request (a file is read once)."""
    return SimpleUploadedFile("vaerdier.csv", "periode;værdi\n2023;70,5\n".encode(), "text/csv")


LOCAL = "/kommune/randers/lokale-indikatorer/randers-tilfredshed/"
GOALS_POST = {"goals-TOTAL_FORMS": "0", "goals-INITIAL_FORMS": "0"}
DEFINE_POST = {
    "name": "Tilfredshed",
    "definition": "Andel meget/overvejende tilfredse (borgertilfredshedsmåling)",
    "unit": "percent",
    "better_direction": "up",
    "period_type": "Y",
    "serves_goals": "1",
}
APPROVE = {"entries": "{draft}"}
REJECT = {"reject": "1", "entry": "{draft}", "reason": "Tallet er fra den forkerte måling."}
SNAPSHOT_POST = {
    "meeting_name": "Beskæftigelsesudvalget",
    "meeting_date": "2025-03-12",
    "year": "2024",
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
        "admin: change Randers' own goals",
        "/admin/goals/goalset/{own_2025}/change/",
        "post",
        {"year": "2025", "municipality": "{randers}", "goals-TOTAL_FORMS": "0", "goals-INITIAL_FORMS": "0"},
        ADMIN,
    ),
    Row(
        "admin: change a pulled figure (never by hand: it would bypass the revisions)",
        "/admin/indicators/observation/{observation}/change/",
        "post",
        {"value": "9.9"},
        NOBODY,
    ),
    Row(
        "admin: add a local value (never by hand: it would bypass the four eyes)",
        "/admin/indicators/localvalue/add/",
        "post",
        {},
        NOBODY,
    ),
    Row(
        "admin: delete a subscription",
        "/admin/notifications/subscription/{subscription}/delete/",
        "post",
        {"post": "yes"},
        ADMIN,
    ),  # noqa: E501
    Row(
        "goal sets: create Randers' own 2026 goals",
        "/kommune/randers/maal/ny/",
        "post",
        {"year": "2026"},
        KEEPER,
    ),
    Row("goal sets: edit Randers' own 2025 goals", "/kommune/randers/maal/2025/", "post", GOALS_POST, KEEPER),
    Row(
        "local values: define an indicator",
        "/kommune/randers/lokale-indikatorer/ny/",
        "post",
        DEFINE_POST,
        KEEPER,
    ),
    Row("local values: edit its definition", f"{LOCAL}rediger/", "post", DEFINE_POST, KEEPER),
    Row("local values: enter values", f"{LOCAL}indtast/", "post", {"v_2023": "70,5"}, KEEPER),
    Row(
        "local values: approve a draft",
        "/kommune/randers/lokale-indikatorer/godkend/",
        "post",
        APPROVE,
        KEEPER,
    ),
    Row(
        "local values: reject a draft", "/kommune/randers/lokale-indikatorer/godkend/", "post", REJECT, KEEPER
    ),
    Row("local values: upload a file", f"{LOCAL}upload/", "post", {"file": _csv_file}, KEEPER),
    Row(
        "local values: confirm an upload", f"{LOCAL}upload/forhaandsvisning/", "post", {"token": "x"}, KEEPER
    ),
    Row("meetings: freeze Randers' status", "/kommune/randers/moeder/", "post", SNAPSHOT_POST, RANDERS_USERS),
    Row(
        "meetings: make the pack",
        "/kommune/randers/moeder/{snapshot}/pakke/",
        "post",
        {"language": "da"},
        RANDERS_USERS,
    ),
    # --- Draft reads ---------------------------------------------------------------------------------------
    Row(
        "draft: a local value awaiting approval",
        "/kommune/randers/?aar=2024",
        "get",
        may=RANDERS_USERS,
        shows="Kladde",
    ),
    Row(
        "draft: the values awaiting approval",
        "/kommune/randers/lokale-indikatorer/godkend/",
        "get",
        may=KEEPER,
    ),
    Row("draft: a local indicator's history", f"{LOCAL}historik/", "get", may=RANDERS_USERS, shows="77,5"),
    Row("draft: a snapshot of a draft plan", "/kommune/randers/moeder/{snapshot}/", "get", may=RANDERS_USERS),
    Row(
        "draft: a snapshot compared with today",
        "/kommune/randers/moeder/{snapshot}/sammenlign/",
        "get",
        may=RANDERS_USERS,
    ),
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
        # Django's own way of letting a user into its admin: only goals.roles decides here, so it opens nothing.
        "staff with every model permission": users.create_user(
            "m-perms", "perms@example.invalid", is_staff=True
        ),
        "keeper of Randers": users.create_user("m-keeper", "keeper@example.invalid"),
        "chair of Randers": users.create_user("m-chair", "chair@example.invalid"),
        "chair of Aarhus": users.create_user("m-aarhus", "aarhus@example.invalid"),
    }
    people["staff with every model permission"].user_permissions.set(Permission.objects.all())
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
    own_2025 = GoalSet.objects.create(year=2025, municipality=randers)
    Goal.objects.create(goal_set=own_2025, number=1, title="Randers' eget mål 1")
    local = Indicator.objects.create(
        code="randers-tilfredshed",
        name="Tilfredshed",
        source=Indicator.Source.LOCAL,
        municipality=randers,
        unit=Indicator.Unit.PERCENT,
        period_type="Y",
        serves_goals=[1],
    )
    # Entered by a second keeper of Randers, so that the keeper persona (and the admin) may approve it.
    other_keeper = users.create_user("m-keeper-2", "keeper2@example.invalid")
    ChiefAssignment.objects.create(user=other_keeper, municipality=randers)
    draft = LocalValue.objects.create(
        indicator=local,
        area=randers,
        period="2024",
        period_start=date(2024, 1, 1),
        value=Decimal("77.5"),
        entered_by=other_keeper,
        entered_at=timezone.now(),
    )
    snapshot = freeze_snapshot(
        municipality=randers,
        goal_set=GoalSet.objects.get(year=2024, municipality=None),
        meeting_name="Beskæftigelsesudvalget",
        meeting_date=date(2025, 3, 12),
        made_by=people["keeper of Randers"],
    )
    names = {
        "token": make_token(user_id=people["admin"].pk),
        "draft_plan": plan.pk,
        "randers": randers.pk,
        "chair_of_aarhus": people["chair of Aarhus"].pk,
        "subscription": subscription.pk,
        "draft": draft.pk,
        "snapshot": snapshot.pk,
        "pk": snapshot.pk,
        "own_2025": own_2025.pk,
        "observation": Observation.objects.create(
            indicator=Indicator.objects.get(code="mm17-andel-opkvalificering"),
            area=randers,
            period_type="M",
            period="2024M01",
            period_start=date(2024, 1, 1),
            value=Decimal("4.2"),
            fetched_at=timezone.now(),
        ).pk,
        "language": "da",
    }
    return people, names


def _client(people: dict, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(people[persona])
    return client


def _fill(value, names: dict):
    if callable(value):
        return value()
    return value.format(**names) if isinstance(value, str) else value


def _granted(row: Row, response) -> bool:
    body = b"" if response.streaming else response.content
    # 404: a draft snapshot is hidden from those who may not read the municipality's drafts.
    if response.status_code in (403, 404) or b'id="login-form"' in body:
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


def _patterns(resolvers, namespace: str = "", outer: tuple = ()):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the Django admin: only admins change anything there (rows above sample it)
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, inner, (*outer, *entry.pattern.converters))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", [*outer, *entry.pattern.converters]


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
