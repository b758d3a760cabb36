from django.db.utils import OperationalError

from config import health


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


class _DatabaseDown:
    def cursor(self):
        raise OperationalError("connection refused")


def test_healthz_fails_when_the_database_does_not_answer(client, db, monkeypatch):
    monkeypatch.setattr(health, "connection", _DatabaseDown())
    client.raise_request_exception = False

    assert client.get("/healthz").status_code == 500
