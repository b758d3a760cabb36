"""Goal 5: the recruitment survey as documented (failed recruitments as a count and a rate, published end of June
and end of November), and binding that lets an admin follow the count, the share or both."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from goals.models import Goal
from indicators.catalogue import sync_catalogue
from indicators.models import Indicator
from indicators.sandbox import world
from indicators.sandbox.replies import catalogue_reply, data_reply, table_reply

SURVEY = "rek01h"
COUNT_LABEL = "Forgæves rekrutteringer (antal)"
SHARE_LABEL = "Andel forgæves rekrutteringer i pct. af rekrutteringsforsøg"


def _newest_half(today: date) -> str:
    periods = table_reply(SURVEY, today=today)["periods"][0]["values"]
    return periods[-1]["period_id"]


@pytest.mark.parametrize(
    ("today", "newest"),
    [
        (date(2024, 6, 29), "2023H1"),
        (date(2024, 6, 30), "2023H2"),  # end of June: the second half of the year before
        (date(2024, 11, 29), "2023H2"),
        (date(2024, 11, 30), "2024H1"),  # end of November: the first half of this year
    ],
)
def test_survey_halves_are_published_at_the_end_of_june_and_the_end_of_november(today, newest):
    assert _newest_half(today) == newest


def test_catalogue_dates_the_survey_by_its_publications():
    table = next(
        t
        for subject in catalogue_reply(today=date(2024, 7, 20))
        for group in subject["table_groups"]
        for t in group["tables"]
        if t["table_id"] == SURVEY
    )

    assert table["update_latest"].startswith("2024-06-30")
    assert table["update_next"].startswith("2024-11-30")


def test_survey_publishes_failed_recruitments_as_a_count_and_a_share():
    measures = [m["measure_name"] for g in table_reply(SURVEY)["mgroups"] for m in g["measures"]]
    reply = data_reply(SURVEY, {"period.H": "2023H2", "mgroup.*": "*"}, today=date(2024, 7, 20))

    assert measures == [COUNT_LABEL, SHARE_LABEL]
    assert reply["columns"][-2:] == [COUNT_LABEL, SHARE_LABEL]
    assert {spec.role for spec in world.TABLES[SURVEY].measures} == {"count", "pct"}


@pytest.mark.parametrize(
    ("code", "label"),
    [("forgaeves-rekrutteringer-antal", COUNT_LABEL), ("forgaeves-rekrutteringer-andel", SHARE_LABEL)],
)
def test_the_seeded_goal_5_indicators_bind_to_the_count_and_to_the_share(
    reference_data, sandbox, settings, code, label
):
    settings.JOBINDSATS_BASE_URL, settings.JOBINDSATS_API_TOKEN = sandbox.url, sandbox.token
    settings.JOBINDSATS_PAUSE_SECONDS = 0
    call_command("jobindsats_catalogue", stdout=StringIO())

    call_command("jobindsats_bind", code, SURVEY, stdout=StringIO())

    indicator = Indicator.objects.get(code=code)
    assert (indicator.measure_label, indicator.period_type, indicator.area_level) == (label, "H", "rar")


def test_binding_with_measure_chooses_the_count_for_an_indicator_the_admin_made(
    reference_data, sandbox, sandbox_client, settings
):
    settings.JOBINDSATS_BASE_URL, settings.JOBINDSATS_API_TOKEN = sandbox.url, sandbox.token
    sync_catalogue(client=sandbox_client)
    own = Indicator.objects.create(
        code="forgaeves-egen",
        name="Forgæves rekrutteringer (egen)",
        catalogue_hint="forgæves",
        area_level=Indicator.AreaLevel.RAR,
        area_hierarchy="_reko",
        unit=Indicator.Unit.COUNT,
    )

    call_command("jobindsats_bind", own.code, SURVEY, "--measure", COUNT_LABEL, stdout=StringIO())

    own.refresh_from_db()
    assert own.measure_label == COUNT_LABEL


def test_goal_5_follows_the_count_and_the_share_every_year(reference_data):
    for goal in Goal.objects.filter(number=5):
        codes = set(goal.indicators.values_list("code", flat=True))
        assert codes == {"forgaeves-rekrutteringer-antal", "forgaeves-rekrutteringer-andel"}, (
            goal.goal_set.year
        )


def test_an_install_seeded_before_the_count_existed_gets_it_on_goal_5(reference_data):
    Indicator.objects.filter(code="forgaeves-rekrutteringer-antal").delete()
    kept_off = Goal.objects.get(goal_set__year=2022, number=2)
    kept_off.indicators.remove(Indicator.objects.get(code="mm17-antal-opkvalificering"))

    call_command("load_reference_data", stdout=StringIO())

    for goal in Goal.objects.filter(number=5):
        assert goal.indicators.filter(code="forgaeves-rekrutteringer-antal").exists()
    # An indicator an admin took off a goal stays off: only newly seeded ones are added.
    assert not kept_off.indicators.filter(code="mm17-antal-opkvalificering").exists()
