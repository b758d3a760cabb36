"""Once through a real SMTP conversation: aiosmtpd on loopback receives the digest as Django's SMTP backend sends it."""

from __future__ import annotations

import email
import email.policy
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from notifications import tasks
from tests.notifications.conftest import finish_pull

pytestmark = pytest.mark.django_db


class Inbox:
    """An aiosmtpd handler that keeps every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "Måltavlen <maaltavlen@example.invalid>"
    yield inbox
    controller.stop()


def test_the_digest_reaches_a_real_smtp_server(smtp_server, share_data, subscriber):
    finish_pull(share_data)

    assert tasks.send_digests.delay().get() == 1

    [(recipients, message)] = smtp_server.messages
    assert recipients == ["rikke@example.invalid"]
    assert message["Subject"] == "Måltavlen: nyt om Randers"
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://127.0.0.1:8000/abonnementer/afmeld/")
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert f"Nye tal: {share_data.name}" in parts["text/plain"]
    assert f"Nye tal: {share_data.name}" in parts["text/html"]


def test_a_refusing_mail_server_leaves_the_events_for_the_next_digest(settings, share_data, subscriber):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nobody listens there
    finish_pull(share_data)

    assert tasks.send_digests.delay().get() == 0

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.send_digests.delay().get() == 1
