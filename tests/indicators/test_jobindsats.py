"""The Jobindsats client against the sandbox server over real HTTP: endpoints, faults, retries, token hygiene."""

from __future__ import annotations

import email.utils
import logging
import socket
import traceback
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import requests
import responses

from indicators.jobindsats import (
    SANDBOX_HEADER,
    USER_AGENT,
    JobindsatsAuthError,
    JobindsatsClient,
    JobindsatsError,
    JobindsatsRequestError,
    JobindsatsResponseError,
    JobindsatsUnavailable,
    UnknownColumnLabel,
    area_name_key,
)
from indicators.sandbox import UNKNOWN_AREA_NAME
from municipalities.models import Area

MM17 = "mm17a01"
MM17_SHARE = "Andel ydelsesmodtagere, som har påbegyndt et opkvalificeringsforløb (pct.)"


def mm17_labels(client: JobindsatsClient) -> set[str]:
    return {measure.name for group in client.table(MM17).mgroups for measure in group.measures}


def latest_mm17(client: JobindsatsClient, *, labels: set[str], months: int = 1, hierarchy: str = "_nykom"):
    return client.data(
        MM17,
        periods={"M": [f"latest:{months}"]},
        hierarchies={hierarchy: "*", "_ydelsesgrp": "*"},
        mgroups={"mgrpmm17_1": "*"},
        measure_labels=labels,
    )


# --- Endpoints ------------------------------------------------------------------------------------------
def test_client_sends_the_token_as_a_bearer_header(sandbox, sandbox_client):
    sandbox_client.subjects()
    assert [r.authorization for r in sandbox.requests] == [f"Bearer {sandbox.token}"]


def test_sandbox_refuses_a_bare_token_like_the_real_api(sandbox):
    reply = requests.get(
        f"{sandbox.url}/subjects",
        params={"format": "json"},
        headers={"Authorization": sandbox.token},
        timeout=5,
    )
    assert reply.status_code == 401
    assert reply.headers[SANDBOX_HEADER] == "1"


def test_client_sends_format_json_accept_and_a_user_agent_naming_the_project():
    client = JobindsatsClient(base_url="https://jobindsats.invalid/v3", token="t0k", pause_seconds=0)
    with responses.RequestsMock() as mock:
        mock.get("https://jobindsats.invalid/v3/subjects", json=[])
        client.subjects()
        request = mock.calls[0].request
    assert "format=json" in request.url
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"] == USER_AGENT and "Maaltavlen" in USER_AGENT
    assert client.is_sandbox is False


def test_client_reuses_one_session_and_passes_a_timeout(monkeypatch):
    client = JobindsatsClient(
        base_url="https://jobindsats.invalid/v3", token="t0k", pause_seconds=0, timeout=7
    )
    seen = []
    original = requests.Session.get

    def spy(session, *args, **kwargs):
        seen.append((id(session), kwargs.get("timeout")))
        return original(session, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "get", spy)
    with responses.RequestsMock() as mock:
        mock.get("https://jobindsats.invalid/v3/subjects", json=[])
        client.subjects()
        client.subjects()
    assert len({session for session, _ in seen}) == 1
    assert [timeout for _, timeout in seen] == [7, 7]


def test_subjects_lists_the_ministerial_subject(sandbox_client):
    assert "Ministerens mål" in [subject.name for subject in sandbox_client.subjects()]


def test_catalogue_finds_the_three_goal_tables_with_parsed_update_dates(sandbox_client):
    tables = {t.table_id: t for t in sandbox_client.catalogue() if t.subject == "Ministerens mål"}
    names = " | ".join(t.name for t in tables.values())
    assert "MM17" in names and "MM13" in names and "forgæves rekruttering" in names.lower()
    mm17 = tables[MM17]
    assert mm17.period_types == ("M",)
    assert mm17.update_latest is not None and mm17.update_latest.tzinfo is not None
    assert mm17.update_latest_raw


def test_catalogue_holds_unrelated_subjects_too(sandbox_client):
    assert {t.subject for t in sandbox_client.catalogue()} - {"Ministerens mål"}


def test_table_metadata_has_periods_area_hierarchies_and_measures(sandbox_client):
    metadata = sandbox_client.table("MM17A01")
    assert metadata.table_id == MM17
    assert metadata.periods["M"][0] == "2018M01"
    assert list(metadata.periods["M"]) == sorted(metadata.periods["M"])
    for hierarchy_id in ("_nykom", "_hele_landet", "_region", "_reko", "_ydelsesgrp"):
        assert metadata.hierarchy(hierarchy_id) is not None
    group, measure = metadata.measure_by_name(MM17_SHARE)
    assert (group.mgroup_id, measure.name) == ("mgrpmm17_1", MM17_SHARE)
    assert metadata.raw["table_id"] == MM17


@pytest.mark.django_db
def test_table_metadata_names_every_municipality_as_the_area_register_does(sandbox_client, reference_data):
    kom = sandbox_client.table(MM17).hierarchy("_nykom")
    names = {value.value_name for level in kom.levels for value in level.values}
    municipalities = set(Area.objects.municipalities().values_list("name", flat=True))
    assert len(municipalities) == 98
    assert municipalities <= names
    assert names - municipalities == {"Hele landet", "Uoplyst område"}


@pytest.mark.django_db
def test_recruitment_table_names_the_rar_areas_as_jobindsats_does_and_each_matches_one_of_ours(
    sandbox_client, reference_data
):
    table_id = next(t.table_id for t in sandbox_client.catalogue() if "forgæves" in t.name.lower())
    reko = sandbox_client.table(table_id).hierarchy("_reko")
    names = {value.value_name for level in reko.levels for value in level.values} - {"Hele landet"}
    ours = set(Area.objects.filter(kind=Area.Kind.RAR).values_list("name", flat=True))
    assert names == {f"RAR {name}" for name in ours}
    assert {area_name_key(name) for name in names} == {area_name_key(name) for name in ours}


def test_data_returns_typed_rows_with_breakdowns_and_decimal_cells(sandbox_client):
    table = latest_mm17(sandbox_client, labels=mm17_labels(sandbox_client))
    assert table.is_sandbox and sandbox_client.is_sandbox
    randers = [row for row in table.rows if row.area_name == "Randers"]
    assert {row.breakdown for row in randers} == {
        (),
        (("ydelsesgruppe", "Dagpenge"),),
        (("ydelsesgruppe", "Kontanthjælp"),),
        (("ydelsesgruppe", "Uddannelseshjælp"),),
        (("ydelsesgruppe", "Ledighedsydelse"),),
    }
    total = next(row for row in randers if row.breakdown == ())
    assert isinstance(total.cells[MM17_SHARE].value, Decimal)
    assert {row.area_name for row in table.rows} >= {"Hele landet", "Uoplyst område"}


def test_data_marks_suppressed_cells_without_a_value(sandbox_client):
    table = latest_mm17(sandbox_client, labels=mm17_labels(sandbox_client), months=3)
    suppressed = [cell for row in table.rows for cell in row.cells.values() if cell.suppressed]
    assert suppressed and all(cell.value is None for cell in suppressed)


def test_too_large_request_is_refused_with_the_servers_message(sandbox, sandbox_client):
    sandbox.max_cells = 1000
    with pytest.raises(JobindsatsRequestError) as caught:
        latest_mm17(sandbox_client, labels=mm17_labels(sandbox_client), months=2)
    assert caught.value.status == 400
    assert "grænsen er 1.000" in str(caught.value)


def test_invalid_period_type_is_a_request_error_with_status_422(sandbox_client):
    with pytest.raises(JobindsatsRequestError) as caught:
        sandbox_client.data(
            MM17, periods={"Q": ["2023Q01"]}, hierarchies={}, mgroups={}, measure_labels=set()
        )
    assert caught.value.status == 422


# --- Faults ---------------------------------------------------------------------------------------------
def impatient_client(sandbox, sleeps: list[float]) -> JobindsatsClient:
    """A client whose timeout a "slow" fault outlasts quickly (small replies only)."""
    return JobindsatsClient(
        base_url=sandbox.url,
        token=sandbox.token,
        timeout=0.3,
        max_retries=3,
        pause_seconds=0,
        sleep=sleeps.append,
    )


@pytest.mark.parametrize("kind", ["429", "500", "503", "slow"])
def test_transient_fault_for_fewer_requests_than_retries_is_retried_then_succeeds(kind, sandbox, sleeps):
    sandbox.set_fault(kind, times=2, delay=2.0)
    assert impatient_client(sandbox, sleeps).subjects()
    assert len(sandbox.requests) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("kind", ["429", "500", "503", "slow"])
def test_persistent_transient_fault_ends_as_unavailable_after_bounded_retries(kind, sandbox, sleeps):
    sandbox.set_fault(kind, delay=2.0)
    with pytest.raises(JobindsatsUnavailable) as caught:
        impatient_client(sandbox, sleeps).subjects()
    assert len(sandbox.requests) == 4  # the first try and max_retries=3
    assert "fejlede 4 gange" in str(caught.value)


def test_back_off_grows_between_retries(sandbox, sandbox_client, sleeps):
    sandbox.set_fault("500")
    with pytest.raises(JobindsatsUnavailable):
        sandbox_client.subjects()
    assert sleeps == [0.01, 0.02, 0.04]


def test_retry_after_is_honoured(sandbox, sandbox_client, sleeps):
    sandbox.set_fault("429", times=2, retry_after=3)
    sandbox_client.subjects()
    assert sleeps == [3.0, 3.0]


def test_a_very_long_retry_after_is_capped(sandbox, sleeps):
    client = JobindsatsClient(
        base_url=sandbox.url, token=sandbox.token, pause_seconds=0, sleep=sleeps.append, max_retry_after=5
    )
    sandbox.set_fault("503", times=1, retry_after=3600)
    client.subjects()
    assert sleeps == [5.0]


def test_refused_token_raises_an_auth_error_at_once(sandbox, sandbox_client, sleeps):
    sandbox.set_fault("401")
    with pytest.raises(JobindsatsAuthError) as caught:
        sandbox_client.catalogue()
    assert len(sandbox.requests) == 1 and sleeps == []
    assert "udløbet" in str(caught.value) and "STAR" in str(caught.value)


def test_wrong_token_is_refused_by_the_sandbox(sandbox):
    client = JobindsatsClient(base_url=sandbox.url, token="not-the-token", pause_seconds=0)
    with pytest.raises(JobindsatsAuthError):
        client.subjects()


def test_malformed_json_raises_a_response_error_without_retrying(sandbox, sandbox_client):
    sandbox.set_fault("malformed")
    with pytest.raises(JobindsatsResponseError, match="ikke gyldig JSON"):
        sandbox_client.table(MM17)
    assert len(sandbox.requests) == 1


def test_renamed_column_label_raises_naming_the_label(sandbox, sandbox_client):
    labels = mm17_labels(sandbox_client)
    sandbox.set_fault("renamed_label", label="Område", new_label="Geografisk område")
    with pytest.raises(UnknownColumnLabel) as caught:
        latest_mm17(sandbox_client, labels=labels)
    assert caught.value.label == "Geografisk område"
    assert "Geografisk område" in str(caught.value)


def test_renamed_measure_label_raises_naming_the_label(sandbox, sandbox_client):
    labels = mm17_labels(sandbox_client)
    sandbox.set_fault("renamed_label", label=MM17_SHARE, new_label="Andel i pct. (ny opgørelse)")
    with pytest.raises(UnknownColumnLabel, match="ny opgørelse"):
        latest_mm17(sandbox_client, labels=labels)


def test_unknown_area_is_returned_for_ingestion_to_judge(sandbox, sandbox_client):
    labels = mm17_labels(sandbox_client)
    sandbox.set_fault("unknown_area", times=1)
    table = latest_mm17(sandbox_client, labels=labels)
    assert UNKNOWN_AREA_NAME in {row.area_name for row in table.rows}


def test_connection_refused_is_retried_then_unavailable(sleeps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = JobindsatsClient(
        base_url=f"http://127.0.0.1:{port}/v3",
        token="t0k",
        max_retries=2,
        pause_seconds=0,
        sleep=sleeps.append,
    )
    with pytest.raises(JobindsatsUnavailable, match="forbindelsesfejl"):
        client.subjects()
    assert len(sleeps) == 2


def test_fault_set_over_http_steers_a_sandbox_in_another_process(sandbox, sandbox_client, sleeps):
    reply = requests.post(
        f"{sandbox.control_url}/fault", json={"kind": "503", "times": 1, "retry_after": 2}, timeout=5
    )
    assert reply.status_code == 200
    sandbox_client.subjects()
    assert sleeps == [2.0]


def test_client_pauses_between_requests_to_be_polite(sandbox, sleeps):
    client = JobindsatsClient(
        base_url=sandbox.url, token=sandbox.token, pause_seconds=30, sleep=sleeps.append
    )
    client.subjects()
    client.subjects()
    assert len(sleeps) == 1 and 29 < sleeps[0] <= 30


# --- Settings and secrets -------------------------------------------------------------------------------
def test_from_settings_reads_the_jobindsats_settings(sandbox, settings):
    settings.JOBINDSATS_BASE_URL = sandbox.url
    settings.JOBINDSATS_API_TOKEN = sandbox.token
    settings.JOBINDSATS_TIMEOUT_SECONDS = 4
    settings.JOBINDSATS_MAX_RETRIES = 1
    settings.JOBINDSATS_PAUSE_SECONDS = 0
    client = JobindsatsClient.from_settings()
    assert (client.base_url, client.timeout, client.max_retries, client.pause_seconds) == (
        sandbox.url,
        4,
        1,
        0,
    )
    assert client.subjects()


def test_from_settings_without_a_token_says_which_variable_to_set(settings):
    settings.JOBINDSATS_API_TOKEN = ""
    with pytest.raises(JobindsatsAuthError, match="JOBINDSATS_API_TOKEN"):
        JobindsatsClient.from_settings()


def test_token_never_appears_in_logs_errors_or_reprs(sandbox, sandbox_client, caplog):
    caplog.set_level(logging.DEBUG)
    errors: list[JobindsatsError] = []
    for kind in ("401", "503", "malformed", "renamed_label"):
        sandbox.set_fault(kind)
        try:
            latest_mm17(sandbox_client, labels=set())
        except JobindsatsError as exc:
            errors.append(exc)
    sandbox.set_fault("slow", delay=2.0)
    try:
        impatient_client(sandbox, []).subjects()
    except JobindsatsError as exc:
        errors.append(exc)
    sandbox.clear_fault()
    sandbox.max_cells = 10
    try:
        latest_mm17(sandbox_client, labels=set())
    except JobindsatsError as exc:
        errors.append(exc)
    assert len(errors) == 6
    assert caplog.records, "the client logs its requests"
    token = sandbox.token
    assert token not in caplog.text
    assert token not in repr(sandbox_client)
    for exc in errors:
        assert token not in str(exc) and token not in repr(exc)
        assert token not in "".join(traceback.format_exception(exc))


# --- Single replies (responses) -------------------------------------------------------------------------
API = "https://jobindsats.invalid/v3"


def test_forbidden_is_an_auth_error_too(sleeps):
    client = JobindsatsClient(base_url=API, token="t0k", pause_seconds=0, sleep=sleeps.append)
    with responses.RequestsMock() as mock:
        mock.get(f"{API}/tables", status=403, body="Forbidden")
        with pytest.raises(JobindsatsAuthError, match="HTTP 403"):
            client.catalogue()
        assert len(mock.calls) == 1


def test_other_client_errors_carry_status_and_the_start_of_the_servers_message():
    client = JobindsatsClient(base_url=API, token="t0k", pause_seconds=0)
    message = "Ugyldig forespørgsel: " + "x" * 1000
    with responses.RequestsMock() as mock:
        mock.get(f"{API}/data/mm17a01", status=422, json={"message": message})
        with pytest.raises(JobindsatsRequestError) as caught:
            client.data(MM17, periods={"QQ": ["1"]}, hierarchies={}, mgroups={}, measure_labels=set())
    assert caught.value.status == 422
    assert "Ugyldig forespørgsel: xxx" in str(caught.value)
    assert len(str(caught.value)) < 450


def test_retry_after_as_an_http_date_is_honoured(sleeps):
    client = JobindsatsClient(
        base_url=API, token="t0k", pause_seconds=0, backoff_seconds=0.01, sleep=sleeps.append
    )
    when = email.utils.format_datetime(datetime.now(tz=UTC) + timedelta(seconds=60), usegmt=True)
    with responses.RequestsMock() as mock:
        mock.get(f"{API}/subjects", status=503, headers={"Retry-After": when})
        mock.get(f"{API}/subjects", json=[])
        client.subjects()
    assert len(sleeps) == 1 and 50 < sleeps[0] <= 60


def test_a_server_echoing_the_token_does_not_leak_it():
    client = JobindsatsClient(base_url=API, token="t0k-echoed-123", pause_seconds=0)
    with responses.RequestsMock() as mock:
        mock.get(f"{API}/tables", status=400, body="bad header: Bearer t0k-echoed-123")
        with pytest.raises(JobindsatsRequestError) as caught:
            client.catalogue()
    assert "t0k-echoed-123" not in str(caught.value)


def test_request_log_line_shortens_a_long_period_list(sandbox, sandbox_client, caplog):
    caplog.set_level(logging.INFO, logger="indicators.jobindsats.client")
    periods = [f"2023M{month:02d}" for month in range(1, 13)]
    labels = {m.name for group in sandbox_client.table(MM17).mgroups for m in group.measures}

    sandbox_client.data(
        MM17,
        periods={"M": periods},
        hierarchies={"_nykom": "/"},
        mgroups={"mgrpmm17_1": "*"},
        measure_labels=labels,
    )

    line = next(r.getMessage() for r in caplog.records if "GET /data/" in r.getMessage())
    assert "2023M01 … 2023M12 (12)" in line
    assert "2023M06" not in line
