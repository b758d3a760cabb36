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
