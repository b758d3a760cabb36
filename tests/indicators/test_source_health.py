from datetime import timedelta

import pytest
from django.utils import timezone

from indicators.catalogue import bind_indicator, sync_catalogue
from indicators.ingestion import ingest_indicator
from indicators.jobindsats import JobindsatsAuthError, JobindsatsClient, JobindsatsUnavailable
from indicators.models import Indicator, IngestionRun, JobindsatsTable
from indicators.sandbox_demo import sandbox_client
from tests.indicators.fake_jobindsats import SHARE, FakeJobindsats, months

URL = "/admin/indicators/ingestionrun/source-health/"


@pytest.fixture
def fake(reference_data, monkeypatch, settings):
    """Production's source: Jobindsats (faked here) with a token from the environment."""
    settings.JOBINDSATS_API_TOKEN = "a-token"
    fake = FakeJobindsats(periods=months(2024, "2024M03"))
    monkeypatch.setattr(JobindsatsClient, "from_settings", classmethod(lambda cls: fake))
    sync_catalogue(client=fake)
    return fake


@pytest.fixture
def pulled(fake):
    indicator = bind_indicator(
        indicator=Indicator.objects.get(code="mm17-andel-opkvalificering"),
        table_id=fake.table_id,
        client=fake,
    )
    ingest_indicator(indicator=indicator, client=fake)
    return indicator


def test_source_health_shows_table_last_pull_rows_and_next_update(client, admin_user, pulled, settings):
    settings.JOBINDSATS_API_TOKEN = "a-token"
    JobindsatsTable.objects.filter(table_id="mm17a01").update(update_next=timezone.now() + timedelta(days=9))
    client.force_login(admin_user)

    body = client.get(URL).content.decode()

    row = body[body.index("mm17-andel-opkvalificering</a>") :].split("</tr>")[0]
    assert "mm17a01" in row
    assert "<td>297</td>" in row  # rows changed by the last successful pull
    assert "gennemført" in row
    assert (timezone.localdate() + timedelta(days=9)).strftime("%Y") in row
    assert "Nøglen virker: den seneste hentning fra Jobindsats blev accepteret." in body
    assert "Ikke bundet — bind den" in body  # the other seeded indicators


def test_source_health_shows_the_last_attempts_error_and_that_the_token_was_refused(
    client, admin_user, pulled, fake, settings
):
    settings.JOBINDSATS_API_TOKEN = "a-token"
    fake.fail_on_data_call = len(fake.data_calls) + 1
    fake.fail_with = JobindsatsAuthError("Jobindsats afviste nøglen (401); den kan være udløbet.")
    with pytest.raises(JobindsatsAuthError):
        ingest_indicator(indicator=pulled, client=fake)
    client.force_login(admin_user)

    body = client.get(URL).content.decode()

    assert "Nøglen virker ikke" in body
    assert "Bestil en ny hos STAR" in body
    row = body[body.index("mm17-andel-opkvalificering</a>") :].split("</tr>")[0]
    assert 'class="failing"' in body
    assert "Jobindsats afviste nøglen (401)" in row


def test_source_health_in_production_says_when_no_token_is_set(client, admin_user, reference_data, settings):
    settings.DEMO_MODE, settings.JOBINDSATS_API_TOKEN = False, ""
    client.force_login(admin_user)

    body = client.get(URL).content.decode()

    assert "Der er ingen nøgle: sæt JOBINDSATS_API_TOKEN" in body
    assert "Demotilstand" not in body


def test_source_health_in_demo_mode_without_a_token_says_the_sandbox_is_the_source(
    client, admin_user, reference_data, settings
):
    settings.DEMO_MODE, settings.JOBINDSATS_API_TOKEN = True, ""
    client.force_login(admin_user)

    body = client.get(URL).content.decode()

    assert "Demotilstand: data kommer fra projektets sandkasse" in body
    assert "demonøgle «sandbox-token»" in body
    assert "Der er ingen nøgle" not in body


def test_source_health_in_demo_mode_with_a_token_is_about_that_token(
    client, admin_user, reference_data, settings
):
    settings.DEMO_MODE, settings.JOBINDSATS_API_TOKEN = True, "a-real-token"
    client.force_login(admin_user)

    body = client.get(URL).content.decode()

    assert "Demotilstand" not in body
    assert "Nøglen er sat, men er ikke brugt mod Jobindsats endnu." in body


def test_admin_in_demo_mode_without_a_token_binds_against_the_sandbox(
    client, admin_user, reference_data, settings
):
    settings.DEMO_MODE, settings.JOBINDSATS_API_TOKEN = True, ""
    with sandbox_client() as sandbox:
        sync_catalogue(client=sandbox)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(admin_user)

    response = client.post(
        f"/admin/indicators/indicator/{indicator.pk}/bind/",
        {"table": JobindsatsTable.objects.get(table_id="mm17a01").pk},
    )

    assert response.status_code == 302, response.content.decode()
    indicator.refresh_from_db()
    assert indicator.table.table_id == "mm17a01" and indicator.is_bound


def test_admin_in_production_without_a_token_is_told_to_set_it_on_the_bind_form(
    client, admin_user, reference_data, settings
):
    settings.DEMO_MODE, settings.JOBINDSATS_API_TOKEN = False, ""
    table = JobindsatsTable.objects.create(table_id="mm17a01", name="Opkvalificering")
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(admin_user)

    response = client.post(f"/admin/indicators/indicator/{indicator.pk}/bind/", {"table": table.pk})

    assert response.status_code == 200
    assert "JOBINDSATS_API_TOKEN er ikke sat" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.table is None


def test_source_health_is_for_admins_only(client, stranger):
    client.force_login(stranger)

    response = client.get(URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_ingestion_run_list_links_to_source_health(client, admin_user, reference_data):
    client.force_login(admin_user)

    assert URL in client.get("/admin/indicators/ingestionrun/").content.decode()


def test_admin_binds_an_indicator_to_a_table(client, admin_user, fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(admin_user)
    table = JobindsatsTable.objects.get(table_id="mm17a01")

    form = client.get(f"/admin/indicators/indicator/{indicator.pk}/bind/").content.decode()
    response = client.post(f"/admin/indicators/indicator/{indicator.pk}/bind/", {"table": table.pk})

    assert f'<option value="{table.pk}" selected>' in form  # suggested from the catalogue hint
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.table, indicator.measure_label) == (table, SHARE)


def test_admin_binding_problem_is_shown_on_the_form(client, admin_user, fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(admin_user)
    table = JobindsatsTable.objects.get(table_id="mm17a01")

    response = client.post(
        f"/admin/indicators/indicator/{indicator.pk}/bind/",
        {"table": table.pk, "measure_label": "Andel i job"},
    )

    assert response.status_code == 200
    assert response.content.decode().count("har ikke målet &#x27;Andel i job&#x27;") == 1
    assert Indicator.objects.get(pk=indicator.pk).table is None


def test_bind_action_opens_the_form_for_the_selected_indicator(client, admin_user, fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(admin_user)

    response = client.post(
        "/admin/indicators/indicator/", {"action": "bind_to_table", "_selected_action": [indicator.pk]}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/admin/indicators/indicator/{indicator.pk}/bind/"


def test_source_health_uses_a_fixed_number_of_queries(
    client, admin_user, pulled, django_assert_max_num_queries
):
    client.force_login(admin_user)
    IngestionRun.objects.update(data_origin="jobindsats")

    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_admin_bind_with_a_period_type_the_table_lacks_shows_it_and_changes_nothing(client, admin_user, fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    Indicator.objects.filter(pk=indicator.pk).update(period_type="QMAT")
    client.force_login(admin_user)
    table = JobindsatsTable.objects.get(table_id="mm17a01")

    response = client.post(f"/admin/indicators/indicator/{indicator.pk}/bind/", {"table": table.pk})

    assert response.status_code == 200
    assert "har ikke periodetypen &#x27;QMAT&#x27;" in response.content.decode()
    indicator.refresh_from_db()
    assert (indicator.table, indicator.measure_label) == (None, "")
    assert JobindsatsTable.objects.get(pk=table.pk).metadata == table.metadata


def test_admin_bind_to_a_table_id_that_does_not_exist_is_refused_on_the_form(client, admin_user, fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(admin_user)

    response = client.post(f"/admin/indicators/indicator/{indicator.pk}/bind/", {"table": 999999})

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Indicator.objects.get(pk=indicator.pk).table is None


def test_source_health_says_the_token_works_again_once_a_pull_after_a_refusal_succeeds(
    client, admin_user, pulled, fake, settings
):
    settings.JOBINDSATS_API_TOKEN = "a-token"
    fake.is_sandbox = True
    fake.fail_on_data_call = len(fake.data_calls) + 1
    fake.fail_with = JobindsatsAuthError("Jobindsats afviste nøglen (401).")
    with pytest.raises(JobindsatsAuthError):
        ingest_indicator(indicator=pulled, client=fake)
    fake.fail_on_data_call = None
    ingest_indicator(indicator=pulled, client=fake)
    client.force_login(admin_user)

    body = client.get(URL).content.decode()

    assert "Nøglen virker ikke" not in body
    assert "Nøglen virker mod sandkassen" in body
    assert 'class="failing"' not in body


def test_ingestion_runs_are_a_read_only_log_listed_by_status_and_indicator_code(
    client, admin_user, pulled, fake
):
    fake.fail_on_data_call = len(fake.data_calls) + 1
    with pytest.raises(JobindsatsUnavailable):
        ingest_indicator(indicator=pulled, client=fake)
    failed = IngestionRun.objects.get(status=IngestionRun.Status.FAILED)
    client.force_login(admin_user)

    listing = client.get("/admin/indicators/ingestionrun/").content.decode()
    detail = client.get(f"/admin/indicators/ingestionrun/{failed.pk}/change/").content.decode()

    assert '<td class="field-indicator_code">mm17-andel-opkvalificering</td>' in listing
    assert "Jobindsats svarer ikke (503)." in detail
    assert 'name="_save"' not in detail
    assert client.get("/admin/indicators/ingestionrun/add/").status_code == 403
