"""A first pull on PostgreSQL by a database user without the privilege to switch off per-row foreign-key checks.

The COPY writer skips the per-row checks (session_replication_role) only where the database allows it; a production
database user usually may not, and then the pull must still store every row with the checks made row by row.
"""

import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from indicators.catalogue import bind_indicator, sync_catalogue
from indicators.ingestion import ingest_indicator
from indicators.models import Indicator, IngestionRun, Observation
from tests.indicators.fake_jobindsats import FakeJobindsats, months

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROLE = "maaltavlen_without_replication_role"
write_module = importlib.import_module("indicators.ingestion.write")


@pytest.fixture
def as_ordinary_database_user(reference_data):
    """The test's connection acts as a login role that owns nothing and may not set session_replication_role."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') "
            f"THEN CREATE ROLE {ROLE} NOSUPERUSER; END IF; END $$"
        )
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {ROLE}")
        cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {ROLE}")
        cursor.execute(f"SET ROLE {ROLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def test_first_pull_without_the_privilege_stores_every_row_with_row_by_row_checks(
    as_ordinary_database_user, monkeypatch
):
    monkeypatch.setattr(write_module, "writer_name", lambda: "postgresql")
    periods = months(2023, "2023M12")
    fake = FakeJobindsats(periods=list(periods))
    sync_catalogue(client=fake)
    indicator = bind_indicator(
        indicator=Indicator.objects.get(code="mm17-andel-opkvalificering"),
        table_id=fake.table_id,
        client=fake,
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # the path under test: refused

    run = ingest_indicator(indicator=indicator, client=fake)

    assert run.status == IngestionRun.Status.SUCCEEDED
    assert run.rows_inserted == Observation.objects.filter(indicator=indicator).count() == 99 * len(periods)
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
