"""Four eyes: a second keeper (or an admin) approves into observations; nobody approves their own; history."""

from decimal import Decimal

import pytest

from indicators.models import LocalValue, Observation, ObservationRevision
from local_values import approval
from local_values.entry import submit
from local_values.validation import RawRow, check_rows

APPROVALS = "/kommune/randers/lokale-indikatorer/godkend/"


def enter(indicator, area, user, cells: dict) -> list[int]:
    from datetime import date

    raw = [RawRow(n, period, *values) for n, (period, values) in enumerate(cells.items())]
    checked = check_rows(indicator=indicator, rows=raw, today=date(2025, 6, 1))
    assert not checked.problems
    submit(indicator=indicator, area=area, rows=checked.rows, user=user)
    return list(LocalValue.objects.filter(status="draft").values_list("pk", flat=True))


def test_second_keeper_approves_value_and_base_into_observations(
    client, randers_chief, randers_manager, randers, satisfaction
):
    ids = enter(satisfaction, randers, randers_chief, {"2023": ("74,1", "470"), "2024": ("75,8", "502")})
    client.force_login(randers_manager)

    response = client.post(APPROVALS, {"entries": [str(i) for i in ids]})

    assert response.status_code == 302
    values = dict(Observation.objects.filter(indicator=satisfaction).values_list("period", "value"))
    bases = dict(
        Observation.objects.filter(indicator=satisfaction.base_indicator).values_list("period", "value")
    )
    assert values == {"2023": Decimal("74.1"), "2024": Decimal("75.8")} and bases == {
        "2023": 470,
        "2024": 502,
    }
    observation = Observation.objects.get(indicator=satisfaction, period="2024")
    assert (observation.local_value.entered_by, observation.local_value.decided_by) == (
        randers_chief,
        randers_manager,
    )
    assert (observation.period_type, observation.provisional, observation.suppressed) == ("Y", False, False)
    assert set(LocalValue.objects.values_list("status", flat=True)) == {"approved"}


def test_nobody_approves_their_own_entries_not_even_an_admin(
    client, randers_chief, admin_user, randers, jobs
):
    own = enter(jobs, randers, randers_chief, {"2024Q01": ("40", "")})
    client.force_login(randers_chief)

    response = client.post(APPROVALS, {"entries": [str(i) for i in own]}, follow=True)

    assert "Du kan ikke godkende værdier, du selv har indtastet" in response.content.decode()
    assert LocalValue.objects.get().status == "draft" and not Observation.objects.exists()
    submit_by_admin = enter(jobs, randers, admin_user, {"2024Q02": ("41", "")})
    with pytest.raises(approval.DecisionRefused):
        approval.approve(area=randers, ids=submit_by_admin, user=admin_user)
    assert not Observation.objects.exists()


def test_a_refused_entry_in_a_bulk_approval_approves_none(randers_chief, randers_manager, randers, jobs):
    enter(jobs, randers, randers_chief, {"2024Q01": ("40", "")})
    enter(jobs, randers, randers_manager, {"2024Q02": ("41", "")})
    ids = LocalValue.objects.values_list("pk", flat=True)

    with pytest.raises(approval.DecisionRefused):
        approval.approve(area=randers, ids=ids, user=randers_manager)

    assert not Observation.objects.exists()
    assert set(LocalValue.objects.values_list("status", flat=True)) == {"draft"}


def test_an_admin_approves_a_keepers_entry(randers_chief, admin_user, randers, jobs):
    ids = enter(jobs, randers, randers_chief, {"2024Q01": ("40", "")})

    assert approval.approve(area=randers, ids=ids, user=admin_user) == 1
    assert Observation.objects.get(indicator=jobs).value == 40


def test_rejection_needs_a_reason(client, randers_chief, randers_manager, randers, jobs):
    (entry_id,) = enter(jobs, randers, randers_chief, {"2024Q01": ("40", "")})
    client.force_login(randers_manager)

    without = client.post(APPROVALS, {"reject": "1", "entry": entry_id, "reason": "  "}, follow=True)
    assert "Skriv en begrundelse for afvisningen." in without.content.decode()
    assert LocalValue.objects.get().status == "draft"

    client.post(
        APPROVALS, {"reject": "1", "entry": entry_id, "reason": "Tallet er for 1. halvår, ikke kvartalet."}
    )
    rejected = LocalValue.objects.get()
    assert (rejected.status, rejected.decided_by, rejected.reason) == (
        "rejected",
        randers_manager,
        "Tallet er for 1. halvår, ikke kvartalet.",
    )
    assert not Observation.objects.exists()


def test_the_approval_list_marks_own_entries_and_offers_the_others(
    client, randers_chief, randers_manager, randers, jobs
):
    enter(jobs, randers, randers_chief, {"2024Q01": ("40", "")})
    enter(jobs, randers, randers_manager, {"2024Q02": ("41", "")})
    client.force_login(randers_manager)

    page = client.get(APPROVALS).content.decode()

    assert "Godkend Handicap i ordinære job, 1. kvartal 2024" in page
    assert "Godkend Handicap i ordinære job, 2. kvartal 2024" not in page and "din egen" in page


def test_history_shows_every_entry_and_decision_with_before_and_after(
    client, randers_chief, randers_manager, randers, jobs
):
    first = enter(jobs, randers, randers_chief, {"2024Q01": ("40", "")})
    approval.approve(area=randers, ids=first, user=randers_manager)
    second = enter(jobs, randers, randers_chief, {"2024Q01": ("44", "")})
    approval.approve(area=randers, ids=second, user=randers_manager)
    third = enter(jobs, randers, randers_chief, {"2024Q01": ("45", "")})
    approval.reject(area=randers, entry_id=third[0], user=randers_manager, reason="Ikke opgjort endnu")
    client.force_login(randers_manager)

    events = approval.history(indicator=jobs, area=randers)
    page = client.get(f"/kommune/randers/lokale-indikatorer/{jobs.code}/historik/").content.decode()

    assert [(e.kind, e.who, e.before[0], e.after[0]) for e in events] == [
        ("rejected", "manager-mads", Decimal(44), Decimal(45)),
        ("entered", "chief-rikke", Decimal(44), Decimal(45)),
        ("approved", "manager-mads", Decimal(40), Decimal(44)),
        ("entered", "chief-rikke", Decimal(40), Decimal(44)),
        ("approved", "manager-mads", None, Decimal(40)),
        ("entered", "chief-rikke", None, Decimal(40)),
    ]
    assert "Afvist: Ikke opgjort endnu" in page and "<td>40</td>\n    <td>44</td>" in page
    assert ObservationRevision.objects.get().value == 40


def test_approval_queues_one_rebuild_of_the_public_pages_on_commit(
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
    randers_chief,
    randers_manager,
    randers,
    satisfaction,
):
    from django.core.cache import cache

    from goals.page_cache import data_version

    settings.PAGE_CACHE_SECONDS, settings.SITE_URL = 600, "http://testserver"
    cache.clear()
    ids = enter(satisfaction, randers, randers_chief, {"2023": ("74,1", "470"), "2024": ("75,8", "502")})
    rebuilds, version = [], data_version()
    monkeypatch.setattr("goals.tasks.rebuild_pages.delay", lambda: rebuilds.append(1))

    with django_capture_on_commit_callbacks(execute=True):
        approval.approve(area=randers, ids=ids, user=randers_manager)

    assert rebuilds == [1]
    assert data_version() != version  # cached pages are not served as current any more
    cache.clear()
