"""`make run`'s demo plans and demo accounts: the admin and Randers' plan keepers, only in demo mode."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from config.demo_mode import DemoModeOff
from goals.demo import DEMO_ADMIN, DEMO_PLAN_KEEPERS, load_demo, load_demo_accounts
from goals.models import ChiefAssignment, Plan
from municipalities.models import Area


def test_demo_creates_two_plan_keepers_for_randers_who_are_not_staff(reference_data):
    load_demo()

    keepers = ChiefAssignment.objects.filter(municipality__slug="randers").select_related("user")
    assert sorted(k.user.username for k in keepers) == sorted(k.username for k in DEMO_PLAN_KEEPERS)
    assert len(DEMO_PLAN_KEEPERS) == 2
    assert not any(k.user.is_staff or k.user.is_superuser for k in keepers)


@pytest.mark.parametrize("keeper", DEMO_PLAN_KEEPERS, ids=lambda k: k.username)
def test_a_demo_plan_keeper_logs_in_with_the_printed_password_and_edits_randers_plan(
    client, reference_data, keeper
):
    load_demo()

    response = client.post(
        "/kommune/randers/plan/2024/", {"login-username": keeper.username, "login-password": keeper.password}
    )

    assert response.status_code == 302
    assert client.get("/kommune/randers/plan/2024/").status_code == 200
    assert client.get("/kommune/aarhus/plan/2024/").status_code == 403


def test_the_demo_admin_logs_into_the_admin(client, reference_data):
    load_demo()

    response = client.post(
        "/admin/login/?next=/admin/", {"username": DEMO_ADMIN.username, "password": DEMO_ADMIN.password}
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_load_demo_prints_every_demo_account_with_its_password(reference_data):
    out = StringIO()

    call_command("load_demo", stdout=out)

    output = out.getvalue()
    for account in (DEMO_ADMIN, *DEMO_PLAN_KEEPERS):
        assert f"user '{account.username}', password '{account.password}'" in output
    assert "Demo plans: 8 created; demo accounts: 3 created." in output


def test_load_demo_twice_creates_nothing_new(reference_data):
    load_demo()
    users, keepers = get_user_model().objects.count(), ChiefAssignment.objects.count()

    result = load_demo()

    assert (result.plans_created, result.accounts_created) == (0, 0)
    assert (get_user_model().objects.count(), ChiefAssignment.objects.count()) == (users, keepers)


@override_settings(DEMO_MODE=False)
@pytest.mark.parametrize("command", ["load_demo", "prepare_demo", "demo_data"])
def test_outside_demo_mode_the_demo_commands_refuse_and_write_nothing(db, command):
    with pytest.raises(DemoModeOff, match=r"kun i demotilstand \(DEBUG=1"):
        call_command(command, stdout=StringIO())

    assert not get_user_model().objects.exists()
    assert not Plan.objects.exists()
    assert not Area.objects.exists()


@override_settings(DEMO_MODE=False)
def test_outside_demo_mode_no_demo_account_is_created(reference_data):
    with pytest.raises(DemoModeOff):
        load_demo_accounts()

    assert not get_user_model().objects.exists()


@override_settings(DEMO_MODE=True)
def test_demo_data_names_a_pull_that_failed_and_keeps_the_others(reference_data, monkeypatch):
    from django.core.management.base import CommandError

    from indicators.ingestion import run as run_module
    from indicators.models import Observation

    real_write = run_module.write

    def write(*, indicator, **kwargs):
        if indicator.code == "mm13-andel-beskaeftigede":
            raise RuntimeError("disk full")
        return real_write(indicator=indicator, **kwargs)

    monkeypatch.setattr(run_module, "write", write)

    with pytest.raises(CommandError, match=r"mm13-andel-beskaeftigede: .*disk full"):
        call_command("demo_data", stdout=StringIO())

    assert not Observation.objects.filter(indicator__code="mm13-andel-beskaeftigede").exists()
    assert Observation.objects.filter(indicator__code="mm13-antal-befolkning").exists()
