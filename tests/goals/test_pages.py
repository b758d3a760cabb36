import pytest
from django.core.management import call_command

from goals.demo import load_demo_plans


@pytest.fixture
def demo_plans(reference_data):
    load_demo_plans()


def test_front_page_lists_the_current_goals_and_a_municipality_picker(client, reference_data):
    response = client.get("/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Flere ledige skal opkvalificeres" in body
    assert '<option value="randers">Randers</option>' in body


def test_picker_sends_the_user_to_the_chosen_municipality(client, reference_data):
    response = client.get("/kommune/", {"kommune": "randers"})

    assert response.status_code == 302
    assert response["Location"] == "/kommune/randers/"


def test_municipality_page_shows_the_plan_texts_and_targets(client, demo_plans):
    response = client.get("/kommune/randers/", {"aar": "2023"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Randers Kommune — mål 2023" in body
    assert "Vi vil øge brugen af jobrettet uddannelse" in body
    assert "Andel ydelsesmodtagere, der har påbegyndt et opkvalificeringsforløb" in body
    assert "december 2023" in body  # the target period


def test_municipality_page_without_a_plan_says_so(client, reference_data):
    response = client.get("/kommune/ishoej/", {"aar": "2023"})

    assert response.status_code == 200
    assert "ingen beskæftigelsesplan for 2023" in response.content.decode()


def test_unknown_year_falls_back_and_says_what_was_ignored(client, demo_plans):
    response = client.get("/kommune/randers/", {"aar": "1999"})

    assert response.status_code == 200
    assert "Året 1999 findes ikke" in response.content.decode()


def test_unknown_municipality_gives_404_in_the_site_style(client, reference_data):
    response = client.get("/kommune/atlantis/")

    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


def test_english_version_lives_under_en(client, demo_plans):
    response = client.get("/en/kommune/randers/", {"aar": "2023"})

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_admin_login_page_works(client, db):
    assert client.get("/admin/login/").status_code == 200


def test_make_run_data_step_is_idempotent(db):
    from django.apps import apps

    from indicators.models import IngestionRun
    from notifications.models import NoticedRun, PullRound

    def counts():
        # Every pull leaves a run record (the log of what happened), and the round of notifications that noticed
        # it; everything else must stay as it was.
        run_logs = (IngestionRun, NoticedRun, PullRound)
        models = [model for model in apps.get_models() if model not in run_logs]
        return {model._meta.label: model.objects.count() for model in models}

    call_command("prepare_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    first_runs = IngestionRun.objects.count()

    call_command("prepare_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert counts() == first
    assert first["goals.Plan"] > 0
    assert first["indicators.Observation"] > 0
    second_pulls = IngestionRun.objects.filter(kind=IngestionRun.Kind.INDICATOR).order_by("-started_at")[:5]
    assert IngestionRun.objects.count() == first_runs * 2
    assert [(run.status, run.rows_inserted, run.rows_updated, run.data_origin) for run in second_pulls] == [
        (IngestionRun.Status.SUCCEEDED, 0, 0, "sandbox")
    ] * 5


def test_make_run_shows_the_demo_data_banner(client, db):
    call_command("prepare_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert "Demodata — syntetiske tal" in client.get("/").content.decode()


def test_front_page_links_each_goal_to_its_comparisons(client, reference_data):
    body = client.get("/").content.decode()

    goal_2 = body.split('id="goal-2"', 1)[1].split("</li>", 1)[0]
    goal_4 = body.split('id="goal-4"', 1)[1].split("</li>", 1)[0]
    assert 'href="/sammenlign/mm17-andel-opkvalificering/"' in goal_2
    assert "mm17-antal" not in goal_2
    assert "Jobindsats har ingen indikator for dette mål" in goal_4


def test_front_page_picker_makes_the_visitor_choose(client, reference_data):
    body = client.get("/").content.decode()

    assert '<option value="">Vælg en kommune</option>' in body


def test_english_pages_say_the_goal_texts_are_danish_and_mark_them_so(client, demo_plans):
    home = client.get("/en/").content.decode()
    status = client.get("/en/kommune/randers/", {"aar": "2024"}).content.decode()
    danish_home = client.get("/").content.decode()

    for body in (home, status):
        assert "quoted in Danish, as published" in body
    assert '<h3 lang="da">Flere ledige skal opkvalificeres</h3>' in home
    assert '<p class="plan-text" lang="da">' in status
    assert 'lang="da">Flere' not in danish_home and "quoted in Danish" not in danish_home


def test_an_adopted_plan_is_said_once_with_its_date(client, demo_plans):
    danish = client.get("/kommune/randers/", {"aar": "2024"}).content.decode()
    english = client.get("/en/kommune/randers/", {"aar": "2024"}).content.decode()

    assert "Beskæftigelsesplanen blev vedtaget 15. december 2023" in danish
    assert "The employment plan was adopted on 15 December 2023" in english
    assert "Adopted, adopted" not in english
