"""The entry form: a table of periods × value (and base), Danish decimal comma, drafts until approved."""

from decimal import Decimal

import pytest

from indicators.models import LocalValue, Observation
from local_values import approval
from local_values.entry import offered_periods

ENTER = "/kommune/randers/lokale-indikatorer/{code}/indtast/"


def test_offered_periods_run_from_2018_to_the_current_period_newest_first():
    from datetime import date

    halves = offered_periods("H", today=date(2024, 8, 1))
    months = offered_periods("M", today=date(2024, 12, 3))

    assert halves[:2] == ["2024H2", "2024H1"] and halves[-1] == "2018H1" and len(halves) == 14
    assert months[0] == "2024M12" and months[-1] == "2018M01"


def test_the_form_offers_the_periods_in_words(client, randers_chief, satisfaction, score):
    client.force_login(randers_chief)

    yearly = client.get(ENTER.format(code=satisfaction.code)).content.decode()
    halves = client.get(ENTER.format(code=score.code)).content.decode()

    assert "Værdi for 2024" in yearly and "Grundlag for 2024" in yearly
    assert "2. halvår 2024" in halves and "Grundlag for" not in halves


def test_chief_enters_values_with_a_decimal_comma_as_drafts(client, randers_chief, satisfaction):
    client.force_login(randers_chief)

    response = client.post(
        ENTER.format(code=satisfaction.code),
        {"v_2023": "74,1", "b_2023": "470", "v_2022": "73.4", "b_2022": "455"},
    )

    assert response.status_code == 302
    drafts = {v.period: (v.value, v.base, v.entered_by) for v in LocalValue.objects.filter(status="draft")}
    assert drafts == {
        "2023": (Decimal("74.1"), Decimal(470), randers_chief),
        "2022": (Decimal("73.4"), Decimal(455), randers_chief),
    }
    assert not Observation.objects.exists()
    page = client.get(ENTER.format(code=satisfaction.code)).content.decode()
    assert "74,1\xa0%" in page and "indtastet af chief-rikke" in page


def test_a_bad_value_is_shown_at_its_period_and_nothing_is_saved(client, randers_chief, satisfaction):
    client.force_login(randers_chief)

    response = client.post(
        ENTER.format(code=satisfaction.code),
        {"v_2023": "74,1", "b_2023": "470", "v_2022": "173", "b_2022": "455"},
    )

    assert response.status_code == 400
    assert "2022: En procentsats skal ligge mellem 0 og 100." in response.content.decode()
    assert not LocalValue.objects.exists()


def test_a_new_draft_replaces_the_older_draft_of_its_period(client, randers_chief, jobs):
    client.force_login(randers_chief)
    client.post(ENTER.format(code=jobs.code), {"v_2024Q01": "40"})

    client.post(ENTER.format(code=jobs.code), {"v_2024Q01": "42"})

    assert list(LocalValue.objects.order_by("pk").values_list("value", "status")) == [
        (Decimal(40), "withdrawn"),
        (Decimal(42), "draft"),
    ]


@pytest.mark.parametrize("again", ["40", "40,0"])
def test_entering_the_approved_value_again_writes_nothing(
    client, randers_chief, randers_manager, randers, jobs, again
):
    client.force_login(randers_chief)
    client.post(ENTER.format(code=jobs.code), {"v_2024Q01": "40"})
    approval.approve(area=randers, ids=LocalValue.objects.values_list("pk", flat=True), user=randers_manager)

    response = client.post(ENTER.format(code=jobs.code), {"v_2024Q01": again}, follow=True)

    assert "Intet er ændret" in response.content.decode()
    assert LocalValue.objects.count() == 1 and LocalValue.objects.get().status == "approved"
