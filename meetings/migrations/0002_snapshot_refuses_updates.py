"""The database itself refuses to change a snapshot (a trigger on PostgreSQL and on SQLite)."""

from django.db import migrations

POSTGRES = [
    """
    CREATE FUNCTION meetings_snapshot_refuse_update() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'meetings_snapshot_immutable: a meeting snapshot is never changed';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER meetings_snapshot_immutable BEFORE UPDATE ON meetings_snapshot
    FOR EACH ROW EXECUTE FUNCTION meetings_snapshot_refuse_update();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS meetings_snapshot_immutable ON meetings_snapshot;",
    "DROP FUNCTION IF EXISTS meetings_snapshot_refuse_update();",
]
SQLITE = [
    """
    CREATE TRIGGER meetings_snapshot_immutable BEFORE UPDATE ON meetings_snapshot
    BEGIN SELECT RAISE(ABORT, 'meetings_snapshot_immutable: a meeting snapshot is never changed'); END;
    """
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS meetings_snapshot_immutable;"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_snapshots_and_meeting_packs")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
