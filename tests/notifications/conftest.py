"""Personas and pulls for the notification tests: a subscriber of Randers, an admin with pull alerts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.goals.conftest import build_observations, demo_plans, monthly_periods, share_data  # noqa: F401


@pytest.fixture(autouse=True)
def no_queued_digest():
    """Each test starts without a digest marked as queued by an earlier one."""
    from notifications.triggers import DIGEST_QUEUED

    cache.delete(DIGEST_QUEUED)
    yield
    cache.delete(DIGEST_QUEUED)


@pytest.fixture
def subscriber(randers):
    """Rikke follows Randers by e-mail (subscribed a minute ago)."""
    from django.contrib.auth import get_user_model

    from notifications.models import Subscription

    user = get_user_model().objects.create_user("follower-rikke", "rikke@example.invalid", "pw-rikke-123")
    Subscription.objects.create(user=user, municipality=randers)
    Subscription.objects.filter(user=user).update(created_at=timezone.now() - timedelta(minutes=1))
    return user


@pytest.fixture
def alerted_admin(admin_user):
    """An admin who asked for mails about failed pulls."""
    from notifications.models import Subscription

    Subscription.objects.create(user=admin_user, municipality=None)
    Subscription.objects.filter(user=admin_user).update(created_at=timezone.now() - timedelta(minutes=1))
    return admin_user


def finish_pull(
    indicator=None, *, status: str = "succeeded", rows: int = 10, error_kind: str = "", error: str = ""
):
    """Record a finished pull of one indicator, as ingestion's finish_run does."""
    from indicators.models import IngestionRun

    now = timezone.now()
    return IngestionRun.objects.create(
        indicator=indicator,
        started_at=now - timedelta(seconds=30),
        finished_at=now,
        status=status,
        rows_inserted=rows if status == "succeeded" else 0,
        error_kind=error_kind,
        error=error,
        data_origin="sandbox",
    )


def set_randers_values(indicator, value: str) -> None:
    """Every 2024 value of Randers for the indicator becomes `value` (a revision pull would do this)."""
    from indicators.models import Observation

    Observation.objects.filter(indicator=indicator, area__slug="randers", period__startswith="2024").update(
        value=Decimal(value)
    )


__all__ = ["build_observations", "finish_pull", "monthly_periods", "set_randers_values"]
