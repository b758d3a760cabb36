"""Defining local indicators: a keeper for their municipality, an admin also shared ones; a base gets a companion."""

from indicators.models import Indicator

BASE = "/kommune/randers/lokale-indikatorer/"
FORM = {
    "name": "Borgertilfredshed",
    "definition": "Andel meget eller overvejende tilfredse. Kilde: borgertilfredshedsmåling.",
    "unit": "percent",
    "better_direction": "up",
    "period_type": "Y",
    "serves_goals": ["1"],
    "has_base": "on",
}


def test_keeper_defines_a_local_indicator_with_a_base(client, randers_chief, randers):
    client.force_login(randers_chief)

    response = client.post(BASE + "ny/", FORM | {"shared": "on"})  # "shared" is not offered to keepers

    assert response.status_code == 302
    indicator = Indicator.objects.exclude(base_indicator=None).get(source="local")
    assert (indicator.code, indicator.municipality, indicator.serves_goals, indicator.period_type) == (
        "randers-borgertilfredshed",
        randers,
        [1],
        "Y",
    )
    base = indicator.base_indicator
    assert (base.unit, base.municipality, base.period_type, base.source) == ("count", randers, "Y", "local")
    assert "Borgertilfredshed" in client.get(BASE).content.decode()


def test_codes_stay_unique(client, randers_chief):
    client.force_login(randers_chief)
    client.post(BASE + "ny/", FORM)
    client.post(BASE + "ny/", FORM)

    codes = set(
        Indicator.objects.filter(source="local", base_indicator__isnull=False).values_list("code", flat=True)
    )
    assert codes == {"randers-borgertilfredshed", "randers-borgertilfredshed-2"}


def test_admin_defines_a_shared_indicator(client, admin_user, reference_data):
    client.force_login(admin_user)

    page = client.get(BASE + "ny/").content.decode()
    client.post(BASE + "ny/", FORM | {"shared": "on", "has_base": ""})

    assert "Fælles indikator" in page
    shared = Indicator.objects.get(source="local")
    assert shared.is_shared and shared.code == "faelles-borgertilfredshed"


def test_a_score_needs_its_scale(client, randers_chief):
    client.force_login(randers_chief)

    response = client.post(BASE + "ny/", FORM | {"unit": "score", "scale": ""})

    assert response.status_code == 400 and "Angiv skalaen for en score" in response.content.decode()
    assert not Indicator.objects.filter(source="local").exists()


def test_period_type_is_locked_once_values_exist(client, randers_chief, jobs):
    from datetime import date

    from local_values.entry import submit
    from local_values.validation import ValueRow

    submit(
        indicator=jobs,
        area=jobs.municipality,
        rows=[ValueRow("2024Q01", date(2024, 1, 1), 40, None)],
        user=randers_chief,
    )
    client.force_login(randers_chief)

    client.post(
        BASE + f"{jobs.code}/rediger/",
        FORM | {"name": "Nyt navn", "period_type": "M", "unit": "count", "has_base": ""},
    )

    jobs.refresh_from_db()
    assert (jobs.name, jobs.period_type) == ("Nyt navn", "Q")


def test_keepers_may_not_edit_a_shared_indicator(client, randers_chief, admin_user, randers):
    from tests.local_values.conftest import define

    shared = define(municipality=None, name="KL værdighed", unit="percent", period_type="Y", shared="on")
    client.force_login(randers_chief)

    assert client.post(BASE + f"{shared.code}/rediger/", FORM).status_code == 403
    assert client.get(BASE + f"{shared.code}/indtast/").status_code == 200  # but they report it
