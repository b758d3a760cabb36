"""Digests: one mail per subscriber per round of pulls, never twice, in the subscriber's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from indicators.models import Indicator
from notifications import tasks
from notifications.models import NotificationEvent, SentNotice, Subscription
from tests.notifications.conftest import finish_pull, set_randers_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def share(share_data):
    return share_data


def test_a_pull_with_new_figures_sends_the_subscriber_one_digest(share, subscriber):
    finish_pull(share)
    finish_pull(Indicator.objects.get(code="mm17-antal-opkvalificering"))

    tasks.send_digests.delay()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rikke@example.invalid"]
    assert message.subject == "Måltavlen: nyt om Randers"
    assert f"Nye tal: {share.name}" in message.body


def test_a_redelivered_digest_task_sends_nothing_more(share, subscriber):
    finish_pull(share)
    tasks.send_digests.delay()

    tasks.send_digests.delay()  # the broker hands the same message out again
    tasks.send_digests.delay()

    assert len(mail.outbox) == 1
    assert (
        SentNotice.objects.filter(user=subscriber).count()
        == NotificationEvent.objects.filter(municipality__slug="randers").count()
    )


def test_the_next_pull_sends_only_its_own_news(share, subscriber):
    finish_pull(share)
    tasks.send_digests.delay()
    finish_pull(share)

    tasks.send_digests.delay()

    assert len(mail.outbox) == 2
    assert mail.outbox[1].body.count(f"Nye tal: {share.name}") == 1


def test_a_pull_that_committed_queues_the_digest(share, subscriber, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        finish_pull(share)

    assert len(mail.outbox) == 1  # Celery runs eagerly in tests: the queued task has run


def test_a_pull_without_new_rows_is_no_news(share, subscriber):
    finish_pull(share, rows=0)

    tasks.send_digests.delay()

    assert mail.outbox == []


def test_news_from_before_subscribing_is_not_sent(share, subscriber):
    finish_pull(share)
    Subscription.objects.filter(user=subscriber).update(created_at=timezone.now() + timedelta(hours=1))

    tasks.send_digests.delay()

    assert mail.outbox == []


def test_a_target_leaving_the_track_is_mailed(share, subscriber):
    set_randers_values(share, "9.0")  # far above the target of 5.0: on track
    finish_pull(share)
    tasks.send_digests.delay()
    set_randers_values(share, "1.0")  # a revision pull: far below the path to 5.0

    finish_pull(share)
    tasks.send_digests.delay()

    changed = NotificationEvent.objects.get(kind=NotificationEvent.Kind.STATUS_CHANGED)
    assert changed.details["from"] == "on_track" and changed.details["to"] == "not_on_track"
    assert f"Ikke længere på rette spor: {share.name}" in mail.outbox[-1].body
    assert "fra “På rette spor” til “Ikke på rette spor”" in mail.outbox[-1].body


def test_a_target_of_a_draft_plan_changing_status_is_no_news(share, subscriber):
    from goals.models import Plan

    Plan.objects.filter(municipality__slug="randers").update(status=Plan.Status.DRAFT)
    set_randers_values(share, "9.0")
    finish_pull(share)
    tasks.send_digests.delay()
    set_randers_values(share, "1.0")  # would leave the track, were the plan adopted

    finish_pull(share)
    tasks.send_digests.delay()

    assert not NotificationEvent.objects.filter(kind=NotificationEvent.Kind.STATUS_CHANGED).exists()
    assert not any("rette spor" in m.body for m in mail.outbox)


def test_a_target_back_on_track_is_mailed_once(share, subscriber):
    set_randers_values(share, "1.0")
    finish_pull(share)
    tasks.send_digests.delay()
    set_randers_values(share, "9.0")
    finish_pull(share)
    tasks.send_digests.delay()

    finish_pull(share)  # the same figures again: no change
    tasks.send_digests.delay()

    assert NotificationEvent.objects.filter(kind=NotificationEvent.Kind.STATUS_CHANGED).count() == 1
    assert sum("På rette spor igen" in m.body for m in mail.outbox) == 1


def test_failed_pulls_are_mailed_to_admins_only(share, subscriber, alerted_admin):
    finish_pull(share, status="failed", error_kind="unavailable", error="Jobindsats svarede ikke.")

    tasks.send_digests.delay()

    assert [m.to for m in mail.outbox] == [["anne@example.invalid"]]
    assert f"Hentningen af {share.name} fejlede" in mail.outbox[0].body
    assert "Jobindsats svarede ikke." in mail.outbox[0].body


def test_a_refused_token_is_one_alert_however_many_pulls_it_stopped(share, alerted_admin):
    for code in ("mm17-andel-opkvalificering", "mm17-antal-opkvalificering"):
        finish_pull(Indicator.objects.get(code=code), status="failed", error_kind="auth", error="401")

    tasks.send_digests.delay()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("Jobindsats afviste tokenet") == 1


def test_a_user_who_is_no_longer_admin_gets_no_pull_alerts(share, alerted_admin):
    alerted_admin.is_superuser = False
    alerted_admin.save()
    finish_pull(share, status="failed", error_kind="unavailable")

    tasks.send_digests.delay()

    assert mail.outbox == []


def test_the_mail_has_an_html_part_and_a_one_click_unsubscribe_header(share, subscriber):
    finish_pull(share)
    tasks.send_digests.delay()

    message = mail.outbox[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="da">' in html and f"Nye tal: {share.name}" in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/abonnementer/afmeld/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_mail_is_in_the_language_the_user_subscribed_in(share, subscriber):
    Subscription.objects.filter(user=subscriber).update(language="en")
    finish_pull(share)

    tasks.send_digests.delay()

    message = mail.outbox[0]
    assert message.subject == "Måltavlen: news about Randers"
    assert "/en/kommune/randers/" in message.body
