"""The observations' index set (fewer for a first pull to maintain), and the migration that made it so, both ways."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("indicators", "0008_observation_local_value_partial_index")
SERIES_KEY = ["indicator_id", "area_id", "breakdown", "period"]


def observation_indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "indicators_observation")
    return {name: info["columns"] for name, info in found.items() if info["index"] or info["unique"]}


def assert_fewer_indexes() -> None:
    indexes = observation_indexes()
    assert indexes["indicators_observation_one_per_period"] == SERIES_KEY
    assert indexes["obs_cross_section_idx"] == ["indicator_id", "period"]
    assert "obs_series_idx" not in indexes
    assert ["area_id"] not in indexes.values()


@pytest.mark.django_db(transaction=True)
def test_the_migration_to_fewer_indexes_runs_both_ways(reference_data):
    assert_fewer_indexes()

    executor = MigrationExecutor(connection)
    try:
        executor.migrate([BEFORE])
        before = observation_indexes()
        assert before["indicators_observation_one_per_period"] == [
            "indicator_id",
            "area_id",
            "period",
            "breakdown",
        ]
        assert before["obs_series_idx"] == ["indicator_id", "area_id", "breakdown", "period_start"]
        assert before["obs_cross_section_idx"] == ["indicator_id", "period", "breakdown"]
        assert ["area_id"] in before.values()
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert_fewer_indexes()


@pytest.mark.postgres
@pytest.mark.parametrize("pulled", [True, False], ids=["stored-rows", "first-pull"])
def test_has_observations_reads_the_unique_keys_index_not_the_table(reference_data, pulled):
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from indicators.ingestion.fetch import has_observations
    from indicators.models import Indicator
    from municipalities.models import Area
    from tests.goals.conftest import build_observations, monthly_periods

    share, count = Indicator.objects.filter(code__startswith="mm17-").order_by("code")[:2]
    areas = list(Area.objects.filter(kind__in=["municipality", "country"]))
    build_observations(share, areas, monthly_periods(2018, 2024), lambda area, i: i)
    asked = share if pulled else count  # an indicator with no rows yet is what a first pull asks about
    with CaptureQueriesContext(connection) as queries:
        assert has_observations(asked) is pulled
    (query,) = queries.captured_queries
    with transaction.atomic(), connection.cursor() as cursor:
        # Statistics as after the table has been filled; the planner is left free to choose a sequential scan.
        cursor.execute("ANALYZE indicators_observation")
        cursor.execute(f"EXPLAIN {query['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Seq Scan" not in plan, plan
    assert "Index Only Scan using indicators_observation_one_per_period" in plan or (
        "Index Scan using indicators_observation_one_per_period" in plan
    ), plan
