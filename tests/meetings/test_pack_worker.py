"""The pack made by a real Celery worker process on Redis, writing the PDF into PostgreSQL."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from meetings.models import MeetingPack
from meetings.pack import pack_tool_problem
from tests.conftest import REQUIRE_SERVICES
from tests.indicators.test_celery_worker import Worker, broker  # noqa: F401 - the Redis fixture

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(not REQUIRE_SERVICES and pack_tool_problem() is not None, reason="needs WeasyPrint"),
]


def test_a_worker_makes_the_pack_once_and_stores_it(broker, transactional_db, snapshot, tmp_path):  # noqa: F811
    pack = MeetingPack.objects.create(snapshot=snapshot, language="da")
    # The worker pulls nothing here: no indicator is bound, so the source it is given is never asked.
    worker = Worker(
        broker=broker,
        sandbox=SimpleNamespace(url="http://127.0.0.1:9/v3", token="unused"),
        log_path=tmp_path / "w",
    )
    try:
        first = worker.app.send_task("meetings.tasks.make_meeting_pack", args=[pack.pk]).get(timeout=90)
        made_at = MeetingPack.objects.get().finished_at
        again = worker.app.send_task("meetings.tasks.make_meeting_pack", args=[pack.pk]).get(timeout=60)
    finally:
        output = worker.stop()

    assert first == again == "done", output[-3000:]
    stored = MeetingPack.objects.get()
    assert bytes(stored.pdf).startswith(b"%PDF") and stored.finished_at == made_at
