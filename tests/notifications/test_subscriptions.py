"""Subscribing from the status page, the user's list, and unsubscribing by a mailed link without logging in."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from notifications import tasks
from notifications.models import Subscription
from notifications.unsubscribe import make_token
from tests.notifications.conftest import finish_pull

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_subscribes_from_the_status_page(client, stranger, randers):
    client.force_login(stranger)
    page = client.get("/kommune/randers/").content.decode()
    assert 'action="/kommune/randers/abonner/"' in page

    response = client.post("/kommune/randers/abonner/")
    client.post("/kommune/randers/abonner/")  # twice is still one subscription

    assert response.status_code == 302 and response["Location"] == "/kommune/randers/"
    assert list(Subscription.objects.values_list("user__username", "municipality__slug")) == [
        ("stranger-sam", "randers")
    ]
    page = client.get("/kommune/randers/").content.decode()
    assert "Afmeld nyt om kommunen" in page and "Du abonnerer nu på nyt om Randers." in page


def test_subscribing_from_the_english_page_sets_english_mails(client, stranger, randers):
    client.force_login(stranger)

    client.post("/en/kommune/randers/abonner/")

    assert Subscription.objects.get(user=stranger).language == "en"


def test_an_anonymous_visitor_cannot_subscribe(client, randers):
    response = client.post("/kommune/randers/abonner/")

    assert response.status_code == 403
    assert not Subscription.objects.exists()


def test_the_subscriptions_page_lists_and_ends_subscriptions(client, subscriber):
    client.force_login(subscriber)
    assert "Randers" in client.get("/abonnementer/").content.decode()

    response = client.post("/kommune/randers/afmeld/", {"tilbage": "liste"})

    assert response["Location"] == "/abonnementer/"
    assert not Subscription.objects.filter(user=subscriber).exists()


def test_the_subscriptions_page_asks_anonymous_visitors_to_log_in(client, subscriber):
    page = client.get("/abonnementer/")
    assert 'id="login-form"' in page.content.decode()

    response = client.post(
        "/abonnementer/", {"login-username": "follower-rikke", "login-password": "pw-rikke-123"}
    )

    assert response.status_code == 302
    assert "Randers" in client.get("/abonnementer/").content.decode()


def test_only_admins_may_turn_on_pull_alerts(client, stranger, admin_user):
    client.force_login(stranger)
    assert client.post("/abonnementer/hentninger/", {"til": "1"}).status_code == 403
    client.force_login(admin_user)

    client.post("/abonnementer/hentninger/", {"til": "1"})

    assert list(Subscription.objects.values_list("user__username", "municipality")) == [("admin-anne", None)]


def _link_in(body: str) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/abonnementer/afmeld/[^/\s]+/)", body).group(1)


def test_the_mailed_link_unsubscribes_without_logging_in(client, share_data, subscriber):
    finish_pull(share_data)
    tasks.send_digests.delay()
    link = _link_in(mail.outbox[0].body)

    confirm = client.get(link)
    assert confirm.status_code == 200 and "Randers" in confirm.content.decode()
    assert Subscription.objects.filter(user=subscriber).exists()  # a link scanner's GET ends nothing

    done = client.post(link)

    assert done.status_code == 200 and "Du er afmeldt" in done.content.decode()
    assert not Subscription.objects.filter(user=subscriber).exists()


def test_one_click_unsubscribe_posts_the_header_link(client, share_data, subscriber):
    finish_pull(share_data)
    tasks.send_digests.delay()
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    path = header.strip("<>").removeprefix("http://127.0.0.1:8000")

    client.post(path, {"List-Unsubscribe": "One-Click"})

    assert not Subscription.objects.filter(user=subscriber).exists()


def test_a_tampered_token_is_refused(client, subscriber, stranger):
    sub = Subscription.objects.get(user=subscriber)
    token = make_token(user_id=subscriber.pk, subscription=sub)
    # Someone edits the signed payload to end another user's subscription.
    forged = make_token(user_id=stranger.pk, subscription=sub).split(":")[0] + ":" + token.split(":", 1)[1]

    for bad in (forged, token[:-2] + "xx"):
        response = client.post(f"/abonnementer/afmeld/{bad}/")
        assert response.status_code == 400
        assert "Linket er ikke gyldigt" in response.content.decode()
    assert Subscription.objects.filter(user=subscriber).exists()


def test_the_subscribe_button_carries_a_working_csrf_token(stranger, randers):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(stranger)
    page = browser.get("/kommune/randers/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    assert browser.post("/kommune/randers/abonner/").status_code == 403  # no token: refused
    assert browser.post("/kommune/randers/abonner/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert Subscription.objects.filter(user=stranger, municipality=randers).exists()
