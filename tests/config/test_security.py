"""Inputs that hurt, each class as parametrised cases: oversized formsets, tampered targets, password guessing,
pages without a Content-Security-Policy, a production configuration `check --deploy` warns about, and a dead
database connection reused after a restart."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from config.admin_site import RecordAdmin
from goals.models import MAX_TARGETS_PER_PLAN, Goal, Plan, PlanGoal, Target
from goals.plan_edit import DUPLICATE_TARGET, TargetFormSet
from indicators.models import Indicator
from tests.config.test_settings import ROOT

PLAN_EDITOR = "/kommune/randers/plan/2024/"


def _management(prefix: str, total: int, initial: int) -> dict[str, str]:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def _plan_post(
    *, targets: list[dict[str, str]], initial: int = 0, total: int | None = None
) -> dict[str, str]:
    """The plan editor's POST: a draft plan, no texts, and these target forms."""
    data = {
        "plan-status": "draft",
        **_management("targets", len(targets) if total is None else total, initial),
    }
    for index, target in enumerate(targets):
        data |= {f"targets-{index}-{name}": value for name, value in target.items()}
    return data


def _target(goal: Goal, indicator: Indicator, target_id: int | None = None) -> dict[str, str]:
    fields = {
        "goal": str(goal.id),
        "indicator": str(indicator.id),
        "target_period": "2024M12",
        "target_value": "5",
        "direction": "up",
    }
    return fields | ({"id": str(target_id)} if target_id else {})


# --- Formsets are bounded ------------------------------------------------------------------------------


def _inline_formsets() -> dict[str, type]:
    """Every admin inline's formset class, by model admin and inline."""
    request = RequestFactory().get("/")
    request.user = type(
        "Superuser",
        (),
        {"is_active": True, "is_authenticated": True, "is_superuser": True, "has_perm": lambda *a: True},
    )()
    formsets = {}
    for model, model_admin in admin.site._registry.items():
        for inline in model_admin.get_inline_instances(request):
            formsets[f"{model._meta.label}:{inline.model._meta.model_name}"] = inline.get_formset(request)
    return formsets


FORMSETS = {"plan editor targets": TargetFormSet} | _inline_formsets()


@pytest.mark.parametrize("name", sorted(FORMSETS))
def test_every_formset_builds_no_more_forms_than_it_allows(name):
    formset = FORMSETS[name]

    # Django's default lets a request make it build max_num + 1000 forms.
    assert formset.absolute_max == formset.max_num <= 1000


def test_plan_editor_answers_100000_forms_with_the_limit_and_builds_none_of_them(
    client, randers_chief, django_assert_max_num_queries
):
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(randers_chief)
    data = _plan_post(targets=[_target(goal, indicator)], total=100_000)

    with django_assert_max_num_queries(15):
        response = client.post(PLAN_EDITOR, data)

    page = response.content.decode()
    assert response.status_code == 400
    assert f"En plan kan højst have {MAX_TARGETS_PER_PLAN} måltal" in page
    assert page.count('class="target-form"') <= MAX_TARGETS_PER_PLAN
    assert not Plan.objects.filter(municipality__slug="randers").exists()


ADMIN_ADD_PAGES_WITH_INLINES = sorted(
    {
        f"{model._meta.app_label}/{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if model_admin.inlines and not isinstance(model_admin, RecordAdmin)  # records: nothing added by hand
    }
)


@pytest.mark.parametrize("page", ADMIN_ADD_PAGES_WITH_INLINES)
def test_admin_inline_answers_100000_forms_with_the_limit(
    client, admin_user, reference_data, page, django_assert_max_num_queries
):
    client.force_login(admin_user)
    url = f"/admin/{page}/add/"
    formsets = client.get(url).context["inline_admin_formsets"]
    data = {}
    for inline in formsets:
        data |= _management(inline.formset.prefix, 100_000, 0)

    with django_assert_max_num_queries(250):
        response = client.post(url, data)

    assert response.status_code == 200
    for inline in response.context["inline_admin_formsets"]:
        codes = [error.code for error in inline.formset.non_form_errors().as_data()]
        assert codes == ["too_many_forms"]
        assert len(inline.formset.forms) <= inline.formset.max_num


# --- Option labels cost no query -----------------------------------------------------------------------


def _editor_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PLAN_EDITOR).status_code == 200
    return len(queries)


def test_plan_editor_reads_the_same_number_of_queries_for_1_or_40_targets_and_many_indicators(
    client, randers_chief, demo_plans
):
    client.force_login(randers_chief)
    few = _editor_queries(client)
    plan_goal = PlanGoal.objects.get(
        plan__goal_set__year=2024, plan__municipality__slug="randers", goal__number=5
    )
    extra = [
        Indicator.objects.create(
            code=f"lokal-{n}", name=f"Lokal indikator {n}", unit="percent", source="local"
        )
        for n in range(40)
    ]
    for indicator in extra:
        Target.objects.create(
            plan_goal=plan_goal, indicator=indicator, target_period="2024M12", target_value=5
        )

    many = _editor_queries(client)

    assert many == few
    assert client.get(PLAN_EDITOR).content.decode().count('class="target-form"') == 2 + 40 + 1


def _unchanged(target: Target) -> dict[str, str]:
    """The target's form as the editor renders it, sent back without a change."""

    def number(value) -> str:
        return "" if value is None else f"{value.normalize():f}".replace(".", ",")

    return _target(target.plan_goal.goal, target.indicator, target.id) | {
        "baseline_period": target.baseline_period,
        "baseline_value": number(target.baseline_value),
        "target_period": target.target_period,
        "target_value": number(target.target_value),
        "direction": target.direction,
        "narrative": target.narrative,
    }


def test_plan_editor_save_reads_no_query_per_submitted_target(client, randers_chief, demo_plans):
    client.force_login(randers_chief)
    plan = Plan.objects.get(municipality__slug="randers", goal_set__year=2024)

    def post_unchanged() -> int:
        targets = Target.objects.filter(plan_goal__plan=plan).select_related("plan_goal__goal", "indicator")
        forms = [_unchanged(target) for target in targets]
        with CaptureQueriesContext(connection) as queries:
            response = client.post(PLAN_EDITOR, _plan_post(targets=forms, initial=len(forms)))
        assert response.status_code == 302, response.context and response.context["error_links"]
        return len(queries)

    before = post_unchanged()
    plan_goal = PlanGoal.objects.get(plan=plan, goal__number=5)
    for n in range(10):
        indicator = Indicator.objects.create(
            code=f"lokal-{n}", name=f"Lokal {n}", unit="percent", source="local"
        )
        Target.objects.create(
            plan_goal=plan_goal, indicator=indicator, target_period="2024M12", target_value=5
        )

    assert post_unchanged() == before


# --- One target per goal and indicator -----------------------------------------------------------------


def test_a_tampered_form_that_hides_the_existing_target_cannot_add_a_second_one(
    client, randers_chief, demo_plans
):
    existing = Target.objects.get(plan_goal__plan__goal_set__year=2024, plan_goal__goal__number=2)
    client.force_login(randers_chief)
    # INITIAL_FORMS=0: the existing target is not sent, only a new one for the same goal and indicator.
    data = _plan_post(targets=[_target(existing.plan_goal.goal, existing.indicator)])

    response = client.post(PLAN_EDITOR, data)

    assert response.status_code == 400
    assert str(DUPLICATE_TARGET) in response.content.decode()
    assert Target.objects.filter(plan_goal=existing.plan_goal, indicator=existing.indicator).count() == 1


def test_two_new_forms_for_the_same_goal_and_indicator_are_refused(client, randers_chief):
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(randers_chief)

    response = client.post(
        PLAN_EDITOR, _plan_post(targets=[_target(goal, indicator), _target(goal, indicator)])
    )

    assert response.status_code == 400
    assert str(DUPLICATE_TARGET) in response.content.decode()
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("indicator_code", "refused"),
    [("mm17-andel-opkvalificering", True), (None, False)],
    ids=["indicator", "none"],
)
def test_the_database_holds_one_target_per_goal_and_indicator(demo_plans, indicator_code, refused):
    plan_goal = PlanGoal.objects.get(
        plan__goal_set__year=2024, plan__municipality__slug="randers", goal__number=2
    )
    indicator = Indicator.objects.get(code=indicator_code) if indicator_code else None
    fields = {"plan_goal": plan_goal, "indicator": indicator, "target_period": "2024M12", "target_value": 5}
    if indicator is None:
        Target.objects.create(**fields, narrative="Første")

    if refused:
        with pytest.raises(IntegrityError), transaction.atomic():
            Target.objects.create(**fields)
    else:
        # Targets without an indicator are narrative: a goal may have several.
        Target.objects.create(**fields, narrative="Anden")
        assert Target.objects.filter(plan_goal=plan_goal, indicator=None).count() == 2


# --- Login throttling ----------------------------------------------------------------------------------

LOGIN_PAGES = {
    "admin login": ("/admin/login/?next=/admin/", "username", "password", "admin"),
    "plan editor login": (PLAN_EDITOR, "login-username", "login-password", "chief"),
}


@pytest.fixture
def people(admin_user, randers_chief) -> dict:
    """Who logs in on which page, with the right password; and a colleague with the same kind of access."""
    from django.contrib.auth import get_user_model

    from goals.models import ChiefAssignment

    User = get_user_model()
    colleague_admin = User.objects.create_superuser("admin-bo", "bo@example.invalid", "pw-bo-123")
    colleague_chief = User.objects.create_user("chief-kim", "kim@example.invalid", "pw-kim-123")
    ChiefAssignment.objects.create(
        user=colleague_chief, municipality=randers_chief.chief_assignments.get().municipality
    )
    return {
        "admin": (admin_user, "pw-anne-123", colleague_admin, "pw-bo-123"),
        "chief": (randers_chief, "pw-rikke-123", colleague_chief, "pw-kim-123"),
    }


def _log_in(client: Client, page: str, username: str, password: str, **extra):
    url, user_field, password_field, _who = LOGIN_PAGES[page]
    return client.post(url, {user_field: username, password_field: password}, **extra)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("page", sorted(LOGIN_PAGES))
def test_100_wrong_passwords_lock_the_account_out_even_for_the_right_one(client, people, page):
    user, password, _colleague, _colleague_password = people[LOGIN_PAGES[page][3]]
    for _attempt in range(100):
        _log_in(client, page, user.username, "wrong-password")

    response = _log_in(client, page, user.username, password)

    assert response.status_code == 429
    assert "Log ind er spærret for en tid" in response.content.decode()
    assert "de næste 15 minutter" in response.content.decode()
    assert not _logged_in(client)


@pytest.mark.parametrize("page", sorted(LOGIN_PAGES))
def test_a_lockout_holds_one_account_from_one_address_only(client, people, page):
    user, password, colleague, colleague_password = people[LOGIN_PAGES[page][3]]
    for _attempt in range(5):
        _log_in(client, page, user.username, "wrong-password")
    assert _log_in(client, page, user.username, password).status_code == 429

    assert _log_in(client, page, colleague.username, colleague_password).status_code == 302
    client.logout()
    assert _log_in(client, page, user.username, password, REMOTE_ADDR="10.1.2.3").status_code == 302


@pytest.mark.parametrize("page", sorted(LOGIN_PAGES))
def test_an_admin_unlocks_a_locked_account_in_the_admin(client, people, page):
    from axes.models import AccessAttempt

    user, password, colleague, colleague_password = people[LOGIN_PAGES[page][3]]
    for _attempt in range(5):
        _log_in(client, page, user.username, "wrong-password")
    attempt = AccessAttempt.objects.get(username=user.username)

    helper = Client()
    helper.force_login(people["admin"][2])
    changelist = helper.get("/admin/axes/accessattempt/")
    assert user.username in changelist.content.decode()
    deleted = helper.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert deleted.status_code == 302

    assert _log_in(client, page, user.username, password).status_code == 302
    assert _logged_in(client)


# --- Content-Security-Policy on every page kind --------------------------------------------------------

PAGE_KINDS = {
    "home": "/",
    "status": "/kommune/randers/?aar=2024",
    "comparison": "/sammenlign/mm17-andel-opkvalificering/?kommune=randers",
    "plan editor login": PLAN_EDITOR,
    "admin login": "/admin/login/",
    "english status": "/en/kommune/randers/?aar=2024",
}
EMBEDS = {
    "status embed": "/embed/kommune/randers/mm17-andel-opkvalificering/?aar=2024",
    "comparison embed": "/embed/sammenlign/mm17-andel-opkvalificering/?kommune=randers",
}


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.partition(" ")[2] for part in header.split("; ")}


@pytest.mark.parametrize("path", list(PAGE_KINDS.values()), ids=list(PAGE_KINDS))
def test_every_page_has_a_policy_of_own_scripts_only_and_may_not_be_framed(client, share_data, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == "'self'"
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", list(EMBEDS.values()), ids=list(EMBEDS))
def test_embeds_have_the_policy_and_may_be_framed_by_any_site(client, share_data, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in response.headers


def test_the_lockout_page_has_the_policy(client, people):
    for _attempt in range(5):
        _log_in(client, "plan editor login", "chief-rikke", "wrong-password")

    response = _log_in(client, "plan editor login", "chief-rikke", "pw-rikke-123")

    assert _policy(response)["script-src"] == "'self'"


# --- Production configuration --------------------------------------------------------------------------


def _production(*command: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    environment |= {
        "DEBUG": "0",
        "SECRET_KEY": "production-like-" + "k3y" * 20,
        "ALLOWED_HOSTS": "maaltavlen.example.dk,localhost",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    } | env
    return subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_finds_nothing_to_warn_about_in_production_settings():
    result = _production("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


HTTPS_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="maaltavlen.example.dk")
page, health = client.get("/"), Client(HTTP_HOST="localhost").get("/healthz")
print(json.dumps({"page": [page.status_code, page.get("Location")], "healthz": health.status_code,
                  "hsts": client.get("/healthz", secure=True).get("Strict-Transport-Security"),
                  "health_checks": [db.get("CONN_HEALTH_CHECKS") for db in settings.DATABASES.values()
                                    if db.get("CONN_MAX_AGE")]}))
"""


def test_production_redirects_plain_http_sends_hsts_and_keeps_healthz_plain_for_the_stack(tmp_path):
    import json

    result = _production(
        "-c", HTTPS_PROBE, DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}", LOG_LEVEL="ERROR"
    )

    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["page"] == [301, "https://maaltavlen.example.dk/"]
    assert probe["healthz"] == 200
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert probe["health_checks"] and all(probe["health_checks"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_first_request_after_the_database_dropped_a_kept_connection_is_answered(client):
    from django.db import close_old_connections, connections

    connection.ensure_connection()
    assert connection.settings_dict["CONN_MAX_AGE"], "connections are kept between requests"
    backend = connection.connection.info.backend_pid
    # What a database restart does to every kept connection.
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    other.close()

    close_old_connections()  # what Django does when a request starts (the test client skips it)
    response = client.get("/healthz")

    assert response.status_code == 200


def test_the_lockout_page_speaks_english_on_english_pages(client, people):
    for _attempt in range(5):
        client.post(
            "/en" + PLAN_EDITOR, {"login-username": "chief-rikke", "login-password": "wrong-password"}
        )

    response = client.post(
        "/en" + PLAN_EDITOR, {"login-username": "chief-rikke", "login-password": "pw-rikke-123"}
    )

    assert response.status_code == 429
    assert "cannot log in from here for the next 15 minutes" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_constraint_migration_refuses_a_database_with_duplicate_targets_and_names_them(demo_plans):
    from django.db.migrations.executor import MigrationExecutor

    before, constrained = (
        ("goals", "0002_chief_assignment"),
        ("goals", "0003_security_target_one_per_goal_indicator"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state(before).apps
        target = old.get_model("goals", "Target").objects.get(
            plan_goal__plan__goal_set__year=2024, plan_goal__goal__number=2
        )
        target.pk = None
        target.save()  # what the tampered form once did

        with pytest.raises(RuntimeError, match=r"Randers 2024, mål 2, mm17-andel-opkvalificering: 2 måltal"):
            MigrationExecutor(connection).migrate([constrained])
        assert (
            Target.objects.filter(plan_goal__goal__number=2, plan_goal__plan__goal_set__year=2024).count()
            == 2
        )
        target.delete()
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
