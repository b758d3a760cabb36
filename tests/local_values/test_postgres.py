"""On PostgreSQL: the one-draft-per-period constraint, concurrent entries, and approval as one transaction."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from indicators.models import LocalValue, Observation
from local_values import approval
from local_values.entry import submit
from local_values.validation import ValueRow

pytestmark = pytest.mark.postgres


def row(value: str, period: str = "2024Q01") -> ValueRow:
    return ValueRow(period, date(2024, 1, 1), Decimal(value), None)


def test_a_second_draft_for_the_same_period_is_refused_by_the_database(randers_chief, randers, jobs):
    submit(indicator=jobs, area=randers, rows=[row("40")], user=randers_chief)

    with (
        pytest.raises(IntegrityError, match="indicators_localvalue_one_draft_per_period"),
        transaction.atomic(),
    ):
        LocalValue.objects.create(
            indicator=jobs,
            area=randers,
            period="2024Q01",
            period_start=date(2024, 1, 1),
            value=41,
            entered_by=randers_chief,
            entered_at=timezone.now(),
        )


@pytest.mark.django_db(transaction=True)
def test_two_keepers_entering_the_same_period_at_once_leave_one_draft(
    reference_data, randers_chief, randers_manager, jobs
):
    from municipalities.models import Area

    randers = Area.objects.get(slug="randers")
    errors = []

    def enter(user, value):
        try:
            submit(indicator=jobs, area=randers, rows=[row(value)], user=user)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=enter, args=(u, v))
        for u, v in ((randers_chief, "40"), (randers_manager, "41"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(LocalValue.objects.values_list("status", flat=True)) == ["draft", "withdrawn"]


def test_approval_is_one_transaction_a_failure_midway_saves_nothing(
    monkeypatch, randers_chief, randers_manager, randers, satisfaction
):
    submit(
        indicator=satisfaction,
        area=randers,
        user=randers_chief,
        rows=[
            ValueRow("2023", date(2023, 1, 1), Decimal("74.1"), Decimal(470)),
            ValueRow("2024", date(2024, 1, 1), Decimal("75.8"), Decimal(502)),
        ],
    )
    real, calls = approval.write_observation, []

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:  # the second entry's value, after the first entry's value and base
            raise IntegrityError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(approval, "write_observation", failing)

    with pytest.raises(IntegrityError):
        approval.approve(
            area=randers, ids=LocalValue.objects.values_list("pk", flat=True), user=randers_manager
        )

    assert not Observation.objects.exists()
    assert set(LocalValue.objects.values_list("status", flat=True)) == {"draft"}
