"""Pulls and the source-health page leave local indicators alone: their values come from the municipalities."""

from indicators.ingestion.run import indicators_due
from indicators.source_health import source_health


def test_local_indicators_are_never_due_for_a_pull(satisfaction, jobs):
    due = set(indicators_due().values_list("code", flat=True))

    assert not due & {satisfaction.code, satisfaction.base_indicator.code, jobs.code}


def test_source_health_lists_no_local_indicator(satisfaction):
    codes = {row.indicator.code for row in source_health().indicators}

    assert satisfaction.code not in codes
