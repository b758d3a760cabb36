"""`make run`: Randers' demo jobcenter chief follows Randers, and the demo pull's digest lands in var/mail/."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from goals.demo import load_demo
from notifications.models import Subscription
from tests.notifications.conftest import finish_pull

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_folder(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    return tmp_path / "mail"


def test_the_demo_subscribes_randers_chief_and_says_where_the_mail_went(share_data, mail_folder):
    finish_pull(share_data)  # the demo's sandbox pull
    load_demo()
    out = StringIO()

    call_command("demo_notifications", stdout=out)
    call_command("demo_notifications", stdout=StringIO())  # `make run` again: nothing twice

    assert Subscription.objects.get().user.username == "randers-chef"
    [mail_file] = list(mail_folder.iterdir())
    assert "Subject: =?utf-8?" in mail_file.read_text() or "nyt om Randers" in mail_file.read_text()
    assert (
        "randers-chef <randers-chef@example.invalid> follows Randers; 1 digest(s) sent now" in out.getvalue()
    )
    assert f"Mails go to {mail_folder.resolve()}" in out.getvalue()
