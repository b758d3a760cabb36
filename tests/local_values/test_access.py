"""Only Randers' keepers (and admins) define, enter and approve for Randers; a chief of Aarhus gets 403, writes nothing."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Indicator, LocalValue, Observation
from local_values.entry import submit
from local_values.validation import ValueRow

BASE = "/kommune/randers/lokale-indikatorer/"


def _requests(indicator, draft_id):
    return {
        "define": (
            BASE + "ny/",
            {
                "name": "Aarhus' indikator",
                "definition": "x",
                "unit": "count",
                "better_direction": "up",
                "period_type": "Y",
                "serves_goals": ["1"],
            },
        ),
        "edit": (
            BASE + f"{indicator.code}/rediger/",
            {
                "name": "Omdøbt",
                "definition": "x",
                "unit": "count",
                "better_direction": "up",
                "period_type": "Q",
                "serves_goals": ["4"],
            },
        ),
        "enter": (BASE + f"{indicator.code}/indtast/", {"v_2024Q02": "41"}),
        "upload": (
            BASE + f"{indicator.code}/upload/",
            {"file": SimpleUploadedFile("v.csv", "periode;værdi\r\n2024Q02;41\r\n".encode())},
        ),
        "approve": (BASE + "godkend/", {"entries": [str(draft_id)]}),
        "reject": (BASE + "godkend/", {"reject": "1", "entry": str(draft_id), "reason": "nej"}),
    }


def test_chief_of_aarhus_may_not_define_enter_or_approve_for_randers(
    client, aarhus_chief, randers_chief, randers, jobs
):
    submit(
        indicator=jobs,
        area=randers,
        rows=[ValueRow("2024Q01", date(2024, 1, 1), 40, None)],
        user=randers_chief,
    )
    draft = LocalValue.objects.get()
    client.force_login(aarhus_chief)

    for action, (url, data) in _requests(jobs, draft.pk).items():
        assert client.get(url).status_code == 403, action
        assert client.post(url, data).status_code == 403, action

    assert list(LocalValue.objects.values_list("pk", "status")) == [(draft.pk, "draft")]
    assert not Observation.objects.exists()
    local = Indicator.objects.filter(source="local").values_list("name", "period_type")
    assert list(local) == [("Handicap i ordinære job", "Q")]


def test_anonymous_visitors_get_the_login_form_and_nothing_is_written(client, randers, jobs):
    response = client.post(BASE + f"{jobs.code}/indtast/", {"v_2024Q02": "41"})

    assert response.status_code == 400 and "login-username" in response.content.decode()
    assert not LocalValue.objects.exists()


def test_another_municipalitys_own_indicator_is_not_found_under_randers(
    client, randers_chief, reference_data
):
    from municipalities.models import Area
    from tests.local_values.conftest import define

    aarhus_own = define(
        municipality=Area.objects.get(slug="aarhus"), name="Aarhus' egen", unit="count", period_type="Y"
    )
    client.force_login(randers_chief)

    assert client.get(BASE + f"{aarhus_own.code}/indtast/").status_code == 404


def test_the_status_page_links_keepers_to_the_local_indicators(client, randers_chief, aarhus_chief, randers):
    client.force_login(randers_chief)
    assert BASE in client.get("/kommune/randers/").content.decode()
    client.force_login(aarhus_chief)
    assert BASE not in client.get("/kommune/randers/").content.decode()
