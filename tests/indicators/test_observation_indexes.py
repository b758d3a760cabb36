"""The observations' index set: the unique key serves chart series, and the migration that made it so runs both ways."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("indicators", "0008_observation_local_value_partial_index")


def observation_indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "indicators_observation")
    return {name: info["columns"] for name, info in found.items() if info["index"] or info["unique"]}


@pytest.mark.django_db(transaction=True)
def test_the_series_index_folds_into_the_unique_key_and_comes_back_when_migrated_back(reference_data):
    series_key = ["indicator_id", "area_id", "breakdown", "period"]
    assert observation_indexes()["indicators_observation_one_per_period"] == series_key
    assert "obs_series_idx" not in observation_indexes()

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
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert observation_indexes()["indicators_observation_one_per_period"] == series_key
    assert "obs_series_idx" not in observation_indexes()
