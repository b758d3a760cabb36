import importlib
import logging
import threading
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone

from indicators.catalogue import bind_indicator, sync_catalogue
from indicators.ingestion import (
    IndicatorNotReady,
    IngestionError,
    UnknownArea,
    ignored_rows_text,
    ingest_indicator,
    ingest_indicators,
)
from indicators.ingestion import run as run_module
from indicators.ingestion.fetch import chunks, fetch
from indicators.ingestion.rows import PullBuilder
from indicators.jobindsats import (
    Cell,
    DataTable,
    JobindsatsAuthError,
    JobindsatsUnavailable,
    UnknownColumnLabel,
)
from indicators.models import Indicator, IngestionRun, Observation, ObservationRevision
from indicators.sandbox import UNKNOWN_AREA_NAME
from municipalities.models import Area
from tests.indicators.conftest import SANDBOX_TOKEN
from tests.indicators.fake_jobindsats import COUNT, SHARE, FakeJobindsats, default_value, months

PERIODS = months(2023, "2024M06")  # 18 months
# The module, not the function of the same name that indicators.ingestion exports.
write_module = importlib.import_module("indicators.ingestion.write")


@pytest.fixture(autouse=True, params=["portable", pytest.param("postgresql", marks=pytest.mark.postgres)])
def writer(request, monkeypatch):
    """Every test here runs with the ORM writer (SQLite's), and on PostgreSQL with the COPY writer too."""
    monkeypatch.setattr(write_module, "writer_name", lambda: request.param)
    return request.param


@pytest.fixture
def fake(reference_data):
    return FakeJobindsats(periods=list(PERIODS))


@pytest.fixture
def indicator(fake):
    sync_catalogue(client=fake)
    share = Indicator.objects.get(code="mm17-andel-opkvalificering")
    return bind_indicator(indicator=share, table_id=fake.table_id, client=fake)


def values(indicator):
    """Every stored observation of the indicator with its value, flags and fetch time."""
    rows = Observation.objects.filter(indicator=indicator).values_list(
        "id", "value", "suppressed", "provisional", "fetched_at"
    )
    return {row[0]: row[1:] for row in rows}


def test_first_pull_stores_every_municipality_and_the_country(fake, indicator):
    run = ingest_indicator(indicator=indicator, client=fake)

    stored = Observation.objects.filter(indicator=indicator)
    assert run.status == IngestionRun.Status.SUCCEEDED
    assert run.rows_inserted == stored.count() == 99 * len(PERIODS)
    assert stored.filter(area__kind=Area.Kind.COUNTRY).count() == len(PERIODS)
    randers = stored.get(area__name="Randers", period="2024M01")
    assert randers.value == default_value("Randers", "2024M01", (), SHARE)
    assert randers.period_start.isoformat() == "2024-01-01"
    assert run.table_id == fake.table_id and run.data_origin == "jobindsats"


def test_country_is_asked_for_with_the_root_selector_when_the_reply_leaves_it_out(fake, indicator):
    fake.extra_area_rows = ("Uoplyst område",)

    ingest_indicator(indicator=indicator, client=fake)

    assert [call["hierarchies"]["_nykom"] for call in fake.data_calls] == ["*", "/"]
    assert Observation.objects.filter(indicator=indicator, area__kind=Area.Kind.COUNTRY).count() == len(
        PERIODS
    )


def test_uoplyst_omraade_is_ignored_and_counted(fake, indicator):
    run = ingest_indicator(indicator=indicator, client=fake)

    assert run.rows_ignored == len(PERIODS)
    assert not Observation.objects.filter(area__name__icontains="uoplyst").exists()


def test_the_pull_log_says_why_rows_were_ignored(fake, indicator, caplog):
    with caplog.at_level(logging.INFO, logger="indicators.ingestion"):
        ingest_indicator(indicator=indicator, client=fake)

    summary = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("Hentede"))
    assert f"{len(PERIODS)} rækker for «Uoplyst område» sprunget over" in summary
    assert "borgere uden kendt bopælskommune" in summary


def test_ignored_rows_text_says_none_were_left_out_when_none_were():
    assert ignored_rows_text(0) == "ingen rækker sprunget over"


def test_second_pull_of_the_same_data_writes_nothing(fake, indicator):
    ingest_indicator(indicator=indicator, client=fake)
    before = values(indicator)

    run = ingest_indicator(indicator=indicator, client=fake)

    assert (run.rows_inserted, run.rows_updated) == (0, 0)
    assert run.rows_unchanged == 99 * len(PERIODS)
    assert values(indicator) == before
    assert not ObservationRevision.objects.exists()


def test_revised_value_replaces_the_stored_one_and_keeps_the_earlier_as_a_revision(fake, indicator):
    ingest_indicator(indicator=indicator, client=fake)
    first_fetch = Observation.objects.get(
        indicator=indicator, area__name="Randers", period="2024M03"
    ).fetched_at

    def revised(area, period, breakdown, measure):
        bump = Decimal("0.5") if (area, period) == ("Randers", "2024M03") else 0
        return default_value(area, period, breakdown, measure) + bump

    fake.value = revised
    run = ingest_indicator(indicator=indicator, client=fake)

    assert (run.rows_inserted, run.rows_updated) == (0, 1)
    obs = Observation.objects.get(indicator=indicator, area__name="Randers", period="2024M03")
    assert obs.value == default_value("Randers", "2024M03", (), SHARE) + Decimal("0.5")
    revision = obs.revisions.get()
    assert revision.value == default_value("Randers", "2024M03", (), SHARE)
    assert revision.fetched_at == first_fetch
    assert revision.run == run


def test_failed_pull_midway_writes_nothing_and_leaves_earlier_data_intact(fake, indicator, settings):
    settings.JOBINDSATS_MAX_CELLS = 99 * 6  # six months per request: three requests
    ingest_indicator(indicator=indicator, client=fake)
    before = values(indicator)
    fake.value = lambda *cell: Decimal("99")
    fake.fail_on_data_call = len(fake.data_calls) + 2  # the first chunk succeeds, the second fails

    with pytest.raises(JobindsatsUnavailable):
        ingest_indicator(indicator=indicator, client=fake, since="2023M01")

    assert values(indicator) == before
    failed = IngestionRun.objects.filter(indicator=indicator).order_by("-started_at").first()
    assert failed.status == IngestionRun.Status.FAILED
    assert failed.error_kind == "unavailable"
    assert "503" in failed.error
    assert failed.finished_at is not None


def test_refused_token_is_recorded_as_an_auth_error_and_nothing_is_stored(fake, indicator):
    fake.fail_on_data_call = 1
    fake.fail_with = JobindsatsAuthError("Jobindsats afviste nøglen (401); den kan være udløbet.")

    with pytest.raises(JobindsatsAuthError):
        ingest_indicator(indicator=indicator, client=fake)

    run = IngestionRun.objects.get(indicator=indicator)
    assert (run.status, run.error_kind) == (IngestionRun.Status.FAILED, "auth")
    assert not Observation.objects.exists()


def test_unknown_area_fails_the_run_naming_it(fake, indicator):
    fake.extra_area_rows = ("Hele landet", "Atlantis")

    with pytest.raises(UnknownArea):
        ingest_indicator(indicator=indicator, client=fake)

    run = IngestionRun.objects.get(indicator=indicator)
    assert run.status == IngestionRun.Status.FAILED
    assert "'Atlantis'" in run.error
    assert not Observation.objects.exists()


def test_newest_months_are_flagged_provisional_until_newer_ones_arrive(fake, indicator):
    ingest_indicator(indicator=indicator, client=fake)
    provisional = Observation.objects.filter(indicator=indicator, provisional=True)
    assert set(provisional.values_list("period", flat=True)) == {"2024M05", "2024M06"}

    fake.periods = [*PERIODS, "2024M07"]
    run = ingest_indicator(indicator=indicator, client=fake)

    assert set(provisional.values_list("period", flat=True)) == {"2024M06", "2024M07"}
    assert (run.rows_inserted, run.rows_updated) == (99, 99)  # July is new; May is final now
    assert not ObservationRevision.objects.exists()  # a flag is not a revised value


def test_requests_stay_under_the_cell_limit(fake, indicator, settings):
    settings.JOBINDSATS_MAX_CELLS = 1000  # 99 areas + the total: ten months fit per request

    ingest_indicator(indicator=indicator, client=fake)

    sizes = [len(call["periods"]["M"]) for call in fake.data_calls]
    assert sizes == [10, 8]
    assert all(call["mgroups"] == {"mgrp1": "meas0"} for call in fake.data_calls)


def test_later_pull_rereads_the_newest_24_months_only(reference_data):
    fake = FakeJobindsats(periods=months(2018, "2024M06"))
    sync_catalogue(client=fake)
    indicator = bind_indicator(
        indicator=Indicator.objects.get(code="mm17-andel-opkvalificering"),
        table_id=fake.table_id,
        client=fake,
    )
    ingest_indicator(indicator=indicator, client=fake)
    fake.data_calls.clear()

    ingest_indicator(indicator=indicator, client=fake)

    requested = [period for call in fake.data_calls for period in call["periods"]["M"]]
    assert requested == months(2022, "2024M06")[-24:]


def test_since_pulls_from_that_period(fake, indicator):
    ingest_indicator(indicator=indicator, client=fake, since="2024M04")

    assert set(Observation.objects.values_list("period", flat=True)) == {"2024M04", "2024M05", "2024M06"}


def test_suppressed_cells_are_stored_without_a_value(fake, indicator):
    fake.value = lambda area, period, breakdown, measure: None if area == "Læsø" else Decimal("1.5")

    ingest_indicator(indicator=indicator, client=fake)

    laesoe = Observation.objects.filter(indicator=indicator, area__name="Læsø")
    assert laesoe.count() == len(PERIODS)
    assert all(obs.value is None and obs.suppressed for obs in laesoe)


def test_breakdown_members_are_stored_beside_the_total(reference_data):
    fake = FakeJobindsats(
        periods=months(2024, "2024M02"), breakdown=("_ydelsesgrp", ["Dagpenge", "Kontanthjælp"])
    )
    sync_catalogue(client=fake)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    indicator.breakdown_filters = {"_ydelsesgrp": "*"}
    indicator.save()
    bind_indicator(indicator=indicator, table_id=fake.table_id, client=fake)

    ingest_indicator(indicator=indicator, client=fake)

    breakdowns = set(Observation.objects.filter(area__name="Randers").values_list("breakdown", flat=True))
    assert breakdowns == {"", "ydelsesgruppe=Dagpenge", "ydelsesgruppe=Kontanthjælp"}


def test_rar_indicator_stores_rar_areas_and_the_country(reference_data):
    rar_names = list(Area.objects.filter(kind=Area.Kind.RAR).values_list("name", flat=True))
    fake = FakeJobindsats(
        periods=months(2024, "2024M02"), rar_areas=rar_names, measures=("Andel forgæves (pct.)",)
    )
    sync_catalogue(client=fake)
    indicator = Indicator.objects.get(code="forgaeves-rekrutteringer-andel")
    bind_indicator(indicator=indicator, table_id=fake.table_id, client=fake)

    run = ingest_indicator(indicator=indicator, client=fake)

    stored = Observation.objects.filter(indicator=indicator)
    assert run.rows_inserted == stored.count() == (len(rar_names) + 1) * 2
    assert stored.filter(area__kind=Area.Kind.RAR, area__name="Bornholm").count() == 2
    assert not stored.filter(area__kind=Area.Kind.MUNICIPALITY).exists()


def test_unbound_indicator_fails_saying_how_to_bind_it(fake, reference_data):
    indicator = Indicator.objects.get(code="mm13-andel-beskaeftigede")

    with pytest.raises(IndicatorNotReady, match="jobindsats_bind"):
        ingest_indicator(indicator=indicator, client=fake)

    assert IngestionRun.objects.get(indicator=indicator).error_kind == "binding"


@pytest.mark.postgres
def test_upsert_on_postgresql_writes_nothing_twice_and_keeps_revisions(fake, indicator):
    first = ingest_indicator(indicator=indicator, client=fake)
    again = ingest_indicator(indicator=indicator, client=fake)
    fake.value = lambda area, period, breakdown, measure: (
        Decimal("1.2345") if period == "2024M06" else default_value(area, period, breakdown, measure)
    )
    revised = ingest_indicator(indicator=indicator, client=fake)

    assert first.rows_inserted == 99 * len(PERIODS)
    assert (again.rows_inserted, again.rows_updated) == (0, 0)
    assert (revised.rows_inserted, revised.rows_updated) == (0, 99)
    assert ObservationRevision.objects.filter(run=revised).count() == 99
    assert Observation.objects.filter(period="2024M06", value=Decimal("1.2345")).count() == 99


# --- Against the sandbox server over real HTTP ------------------------------------------------------------
@pytest.fixture
def sandbox_indicator(reference_data, sandbox_client):
    sync_catalogue(client=sandbox_client)
    share = Indicator.objects.get(code="mm17-andel-opkvalificering")
    return bind_indicator(indicator=share, table_id="mm17a01", client=sandbox_client)


def test_sandbox_pull_is_marked_as_sandbox_data_and_keeps_the_token_out_of_logs_and_records(
    sandbox, sandbox_client, sandbox_indicator, caplog
):
    caplog.set_level(logging.DEBUG)
    run = ingest_indicator(indicator=sandbox_indicator, client=sandbox_client, since="2024M01")
    sandbox.set_fault("401")
    with pytest.raises(JobindsatsAuthError):
        ingest_indicator(indicator=sandbox_indicator, client=sandbox_client)

    assert run.data_origin == "sandbox"
    assert run.rows_inserted > 0
    failed = IngestionRun.objects.filter(status=IngestionRun.Status.FAILED).get()
    assert failed.error_kind == "auth"
    assert "udløbet" in failed.error  # tells the admin what to do
    records = [str(value) for row in IngestionRun.objects.values() for value in row.values()]
    assert not [value for value in records if SANDBOX_TOKEN in value]
    assert SANDBOX_TOKEN not in caplog.text
    assert "mm17-andel-opkvalificering" in caplog.text  # the logs did record the pulls


def test_sandbox_revision_updates_recent_months_and_keeps_their_earlier_values(
    sandbox, sandbox_client, sandbox_indicator
):
    ingest_indicator(indicator=sandbox_indicator, client=sandbox_client)
    sandbox.advance_revision()

    run = ingest_indicator(indicator=sandbox_indicator, client=sandbox_client)

    assert run.rows_inserted == 0
    assert run.rows_updated > 0
    assert ObservationRevision.objects.filter(run=run).count() == run.rows_updated
    revised_periods = set(ObservationRevision.objects.values_list("observation__period", flat=True))
    newest = sorted(Observation.objects.values_list("period", flat=True).distinct())[-3:]
    assert revised_periods <= set(newest)


def test_sandbox_fault_after_the_first_chunk_writes_nothing(
    sandbox, sandbox_client, sandbox_indicator, settings, monkeypatch
):
    ingest_indicator(indicator=sandbox_indicator, client=sandbox_client, since="2025M01")
    before = values(sandbox_indicator)
    sandbox.advance_revision()
    settings.JOBINDSATS_MAX_CELLS = 100 * 4  # four months per request
    original, replies = sandbox_client.data, []

    def first_chunk_then_outage(*args, **kwargs):
        replies.append(original(*args, **kwargs))
        sandbox.set_fault("503")  # every later request fails, through all retries
        return replies[-1]

    monkeypatch.setattr(sandbox_client, "data", first_chunk_then_outage)

    with pytest.raises(JobindsatsUnavailable):
        ingest_indicator(indicator=sandbox_indicator, client=sandbox_client, since="2025M01")

    assert len(replies) == 1
    assert values(sandbox_indicator) == before
    assert not ObservationRevision.objects.exists()
    assert IngestionRun.objects.filter(status=IngestionRun.Status.FAILED).get().error_kind == "unavailable"


def test_sandbox_unknown_area_fails_the_pull_naming_it(sandbox, sandbox_client, sandbox_indicator):
    sandbox.set_fault("unknown_area")

    with pytest.raises(UnknownArea, match=UNKNOWN_AREA_NAME):
        ingest_indicator(indicator=sandbox_indicator, client=sandbox_client, since="2025M01")

    assert not Observation.objects.exists()


def test_sandbox_renamed_column_label_fails_the_pull_naming_it(sandbox, sandbox_client, sandbox_indicator):
    sandbox.set_fault("renamed_label")

    with pytest.raises(UnknownColumnLabel):
        ingest_indicator(indicator=sandbox_indicator, client=sandbox_client, since="2025M01")

    run = IngestionRun.objects.get(indicator=sandbox_indicator)
    assert run.error_kind == "response"
    assert "'Geografisk område'" in run.error
    assert not Observation.objects.exists()


# --- Edge cases: each ends as a clear failed run with nothing written, or a correct success ----------------
def assert_failed_with_nothing_written(indicator, kind: str) -> IngestionRun:
    run = IngestionRun.objects.get(indicator=indicator)
    assert (run.status, run.error_kind) == (IngestionRun.Status.FAILED, kind)
    assert run.finished_at is not None
    assert not Observation.objects.filter(indicator=indicator).exists()
    return run


def test_pull_when_the_table_dropped_the_bound_measure_fails_asking_to_rebind(fake, indicator):
    fake.measures = (COUNT,)

    with pytest.raises(IndicatorNotReady, match="har ikke længere målet"):
        ingest_indicator(indicator=indicator, client=fake)

    run = assert_failed_with_nothing_written(indicator, "binding")
    assert COUNT in run.error and "Bind indikatoren igen" in run.error
    assert fake.data_calls == []


def test_pull_when_the_table_dropped_the_bound_period_type_fails_asking_to_rebind(fake, indicator):
    indicator.period_type = "Q"

    with pytest.raises(IndicatorNotReady, match="'Q'"):
        ingest_indicator(indicator=indicator, client=fake)

    assert_failed_with_nothing_written(indicator, "binding")


def test_empty_reply_fails_the_run_instead_of_succeeding_with_nothing(fake, indicator, monkeypatch):
    monkeypatch.setattr(fake, "data", lambda table_id, **kwargs: DataTable(table_id, ()))

    with pytest.raises(IngestionError, match="ingen rækker"):
        ingest_indicator(indicator=indicator, client=fake)

    assert_failed_with_nothing_written(indicator, "data")


def test_since_after_the_newest_period_fails_naming_the_newest(fake, indicator):
    with pytest.raises(IngestionError, match="den nyeste er 2024M06"):
        ingest_indicator(indicator=indicator, client=fake, since="2030M01")

    assert_failed_with_nothing_written(indicator, "data")


def test_reply_with_a_period_that_was_not_asked_for_fails_naming_it(fake, indicator, monkeypatch):
    answer = fake.data

    def with_extra_period(table_id, **kwargs):
        reply = answer(table_id, **kwargs)
        extra = replace(reply.rows[0], period="2031M01")
        return DataTable.from_rows(table_id, (*reply.rows, extra))

    monkeypatch.setattr(fake, "data", with_extra_period)

    with pytest.raises(IngestionError, match="'2031M01'"):
        ingest_indicator(indicator=indicator, client=fake)

    assert_failed_with_nothing_written(indicator, "data")


def test_value_too_large_to_store_fails_naming_it(fake, indicator):
    fake.value = lambda area, period, breakdown, measure: Decimal("123456789012345.5")

    with pytest.raises(IngestionError, match="for stor til at gemme"):
        ingest_indicator(indicator=indicator, client=fake)

    assert_failed_with_nothing_written(indicator, "data")


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (Decimal("99999999999999.9999"), Decimal("99999999999999.9999")),  # the largest numeric(18, 4) holds
        (Decimal("-99999999999999.9999"), Decimal("-99999999999999.9999")),
        (Decimal("2.00005"), Decimal("2.0000")),  # four places, half to even
        (Decimal("2.00015"), Decimal("2.0002")),
    ],
)
def test_values_are_kept_to_four_places_up_to_the_largest_storable(fake, indicator, raw, stored):
    fake.value = lambda area, period, breakdown, measure: raw

    pull = fetch(indicator=indicator, client=fake)

    assert {number for number, _suppressed in pull.values} == {stored}


def test_value_that_rounds_past_the_largest_storable_fails_naming_it(fake, indicator):
    fake.value = lambda area, period, breakdown, measure: Decimal("99999999999999.99995")

    with pytest.raises(IngestionError, match=r"99999999999999\.99995 .*for stor til at gemme"):
        ingest_indicator(indicator=indicator, client=fake)

    assert_failed_with_nothing_written(indicator, "data")


def test_hele_landet_in_several_hierarchy_replies_is_stored_once_per_period(reference_data):
    rar_names = list(Area.objects.filter(kind=Area.Kind.RAR).values_list("name", flat=True))
    fake = FakeJobindsats(periods=months(2024, "2024M02"), rar_areas=rar_names)
    sync_catalogue(client=fake)
    indicator = bind_indicator(
        indicator=Indicator.objects.get(code="mm17-andel-opkvalificering"),
        table_id=fake.table_id,
        client=fake,
    )

    run = ingest_indicator(indicator=indicator, client=fake)

    assert {tuple(call["hierarchies"]) for call in fake.data_calls} == {("_nykom",), ("_reko",)}
    country = Observation.objects.filter(indicator=indicator, area__kind=Area.Kind.COUNTRY)
    assert sorted(country.values_list("period", flat=True)) == ["2024M01", "2024M02"]
    assert run.status == IngestionRun.Status.SUCCEEDED


def test_pull_where_every_value_is_suppressed_succeeds_storing_no_values(fake, indicator):
    fake.value = lambda area, period, breakdown, measure: None

    run = ingest_indicator(indicator=indicator, client=fake)

    stored = Observation.objects.filter(indicator=indicator)
    assert run.status == IngestionRun.Status.SUCCEEDED and run.rows_inserted == stored.count() == 99 * 18
    assert not stored.filter(Q(value__isnull=False) | Q(suppressed=False)).exists()


def test_unexpected_failure_while_writing_ends_the_run_as_failed_not_running(fake, indicator, monkeypatch):
    def broken_write(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("indicators.ingestion.run.write", broken_write)

    with pytest.raises(RuntimeError):
        ingest_indicator(indicator=indicator, client=fake)

    run = assert_failed_with_nothing_written(indicator, "internal")
    assert "RuntimeError: disk full" in run.error


def test_token_echoed_in_an_error_never_reaches_the_run_record(fake, indicator, settings):
    settings.JOBINDSATS_API_TOKEN = SANDBOX_TOKEN
    fake.fail_on_data_call = 1
    fake.fail_with = JobindsatsUnavailable(f"proxy said: Authorization: Bearer {SANDBOX_TOKEN}")

    with pytest.raises(JobindsatsUnavailable):
        ingest_indicator(indicator=indicator, client=fake)

    run = IngestionRun.objects.get(indicator=indicator)
    assert SANDBOX_TOKEN not in run.error and "Bearer ***" in run.error


# --- Breakdown totals: recognised by one rule, or the binding or the pull fails naming the label ---------------
def bind_with_breakdown(fake):
    sync_catalogue(client=fake)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    indicator.breakdown_filters = {"_ydelsesgrp": "*"}
    indicator.save()
    return bind_indicator(indicator=indicator, table_id=fake.table_id, client=fake)


def breakdown_fake(**kwargs):
    return FakeJobindsats(
        periods=months(2024, "2024M02"), breakdown=("_ydelsesgrp", ["Dagpenge", "Kontanthjælp"]), **kwargs
    )


def test_total_named_after_its_dimension_is_stored_as_the_total(reference_data):
    fake = breakdown_fake(total_label="Ydelsesgrupper i alt")
    indicator = bind_with_breakdown(fake)

    run = ingest_indicator(indicator=indicator, client=fake)

    totals = Observation.objects.filter(indicator=indicator, breakdown="")
    assert run.status == IngestionRun.Status.SUCCEEDED
    assert totals.count() == 99 * 2  # the headline figures the pages read
    assert not Observation.objects.filter(breakdown__icontains="i alt").exists()


def test_pull_fails_naming_a_total_it_does_not_recognise_when_the_metadata_does_not_show_it(reference_data):
    fake = breakdown_fake(total_label="Alle ydelsesgrupper", total_in_metadata=False)
    indicator = bind_with_breakdown(fake)

    with pytest.raises(IngestionError, match="'Alle ydelsesgrupper'"):
        ingest_indicator(indicator=indicator, client=fake)

    assert_failed_with_nothing_written(indicator, "data")


def test_pull_fails_naming_the_total_when_the_table_renamed_it_after_binding(reference_data):
    fake = breakdown_fake(total_label="I alt")
    indicator = bind_with_breakdown(fake)
    fake.total_label = "Alle ydelsesgrupper"

    with pytest.raises(IndicatorNotReady, match="'Alle ydelsesgrupper'"):
        ingest_indicator(indicator=indicator, client=fake)

    assert_failed_with_nothing_written(indicator, "binding")
    assert fake.data_calls == []


def test_two_different_values_for_one_row_fail_the_pull_instead_of_keeping_either(
    fake, indicator, monkeypatch
):
    answer = fake.data

    def with_a_second_total(table_id, **kwargs):
        reply = answer(table_id, **kwargs)
        first = reply.rows[0]
        other = replace(first, cells={label: Cell(Decimal("1"), False) for label in first.cells})
        return DataTable.from_rows(table_id, (*reply.rows, other))

    monkeypatch.setattr(fake, "data", with_a_second_total)

    with pytest.raises(IngestionError, match="to forskellige værdier"):
        ingest_indicator(indicator=indicator, client=fake)

    assert_failed_with_nothing_written(indicator, "data")


def test_one_row_sent_twice_with_values_that_store_alike_is_stored_once(fake, indicator, monkeypatch):
    answer = fake.data

    def with_the_first_row_again(table_id, **kwargs):
        reply = answer(table_id, **kwargs)
        first = reply.rows[0]
        # Another cell, equal once rounded to the four decimals stored: the same value, not a conflict.
        again = {label: Cell(cell.value + Decimal("0.00001"), False) for label, cell in first.cells.items()}
        return DataTable.from_rows(table_id, (*reply.rows, replace(first, cells=again)))

    monkeypatch.setattr(fake, "data", with_the_first_row_again)

    run = ingest_indicator(indicator=indicator, client=fake)

    assert run.status == IngestionRun.Status.SUCCEEDED
    assert run.rows_inserted == Observation.objects.filter(indicator=indicator).count() == 99 * len(PERIODS)


def test_rar_areas_named_with_the_rar_prefix_map_to_our_rar_areas(reference_data):
    rar_names = [
        f"RAR {name}" for name in Area.objects.filter(kind=Area.Kind.RAR).values_list("name", flat=True)
    ]
    fake = FakeJobindsats(periods=months(2024, "2024M02"), rar_areas=rar_names, measures=("Andel (pct.)",))
    sync_catalogue(client=fake)
    indicator = bind_indicator(
        indicator=Indicator.objects.get(code="forgaeves-rekrutteringer-andel"),
        table_id=fake.table_id,
        client=fake,
    )

    ingest_indicator(indicator=indicator, client=fake)

    stored = Observation.objects.filter(indicator=indicator, area__kind=Area.Kind.RAR)
    assert stored.count() == len(rar_names) * 2
    assert stored.filter(area__name="Østjylland").exists()


# --- Replies unchanged since the last successful pull are skipped before parsing; others compared in bulk ----
def test_unchanged_replies_are_neither_parsed_nor_written(fake, indicator, monkeypatch):
    first = ingest_indicator(indicator=indicator, client=fake)
    before = values(indicator)

    def parse_fails(*args, **kwargs):
        raise AssertionError("an unchanged reply was parsed")

    monkeypatch.setattr(PullBuilder, "add", parse_fails)
    again = ingest_indicator(indicator=indicator, client=fake)

    assert (again.rows_inserted, again.rows_updated) == (0, 0)
    assert (again.rows_unchanged, again.rows_ignored) == (first.rows_inserted, first.rows_ignored)
    assert again.reply_digests == first.reply_digests
    assert values(indicator) == before


def test_new_bytes_with_the_same_values_are_compared_and_write_nothing(fake, indicator):
    first = ingest_indicator(indicator=indicator, client=fake)
    before = values(indicator)
    fake.digest_salt = "reformatted"

    again = ingest_indicator(indicator=indicator, client=fake)

    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, first.rows_inserted)
    assert again.reply_digests != first.reply_digests
    assert values(indicator) == before


def test_a_pull_that_failed_after_reading_leaves_the_digests_of_the_last_successful_one(
    fake, indicator, monkeypatch
):
    first = ingest_indicator(indicator=indicator, client=fake)
    fake.value = lambda *cell: Decimal("99")
    real_write = run_module.write

    def write_then_fail(**kwargs):
        real_write(**kwargs)
        raise RuntimeError("connection lost at commit")

    monkeypatch.setattr(run_module, "write", write_then_fail)
    with pytest.raises(RuntimeError):
        ingest_indicator(indicator=indicator, client=fake)
    monkeypatch.setattr(run_module, "write", real_write)

    run = ingest_indicator(indicator=indicator, client=fake)

    assert run.rows_updated == first.rows_inserted  # the same replies as the failed pull: read and written
    assert set(Observation.objects.filter(indicator=indicator).values_list("value", flat=True)) == {
        Decimal("99")
    }


def test_changed_provisional_months_read_an_unchanged_reply_again(fake, indicator):
    ingest_indicator(indicator=indicator, client=fake)
    indicator.provisional_months = 3
    indicator.save()

    run = ingest_indicator(indicator=indicator, client=fake)

    provisional = Observation.objects.filter(indicator=indicator, provisional=True)
    assert set(provisional.values_list("period", flat=True)) == {"2024M04", "2024M05", "2024M06"}
    assert run.rows_updated == 99


def test_chunks_are_fixed_windows_of_the_table_periods_so_a_later_start_asks_the_same():
    available = tuple(months(2022, "2024M06"))

    assert chunks(periods=list(available[5:]), available=available, size=10) == [
        list(available[5:10]),
        *[list(available[i : i + 10]) for i in range(10, 30, 10)],
    ]
    assert chunks(periods=list(available[12:]), available=available, size=10)[1:] == [
        list(available[i : i + 10]) for i in range(20, 30, 10)
    ]


def test_sandbox_rar_areas_come_as_rar_names_and_are_stored_as_our_rar_areas(reference_data, sandbox_client):
    sync_catalogue(client=sandbox_client)
    indicator = bind_indicator(
        indicator=Indicator.objects.get(code="forgaeves-rekrutteringer-andel"),
        table_id="rek01h",
        client=sandbox_client,
    )
    reply = sandbox_client.data(
        "rek01h",
        periods={"H": ["2023H1"]},
        hierarchies={"_reko": "*"},
        mgroups={indicator.mgroup_id: indicator.measure_id},
        measure_labels={indicator.measure_label},
    )

    run = ingest_indicator(indicator=indicator, client=sandbox_client)

    assert "RAR Østjylland" in reply.area.labels
    stored = Observation.objects.filter(indicator=indicator)
    assert run.status == IngestionRun.Status.SUCCEEDED
    assert set(stored.filter(area__kind=Area.Kind.RAR).values_list("area__name", flat=True)) == set(
        Area.objects.filter(kind=Area.Kind.RAR).values_list("name", flat=True)
    )


def test_sandbox_pull_again_skips_every_unchanged_reply(sandbox_client, sandbox_indicator):
    first = ingest_indicator(indicator=sandbox_indicator, client=sandbox_client, since="2025M01")

    again = ingest_indicator(indicator=sandbox_indicator, client=sandbox_client, since="2025M01")

    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, first.rows_inserted)
    assert again.reply_digests == first.reply_digests


def test_rows_for_an_area_that_does_not_exist_are_refused_by_either_writer(fake, indicator):
    from django.db import IntegrityError, connection, transaction
    from django.utils import timezone

    pull = fetch(indicator=indicator, client=fake)
    pull.area = pull.area.copy()
    pull.area[-1] = 10**9  # no such area
    run = IngestionRun.objects.create(indicator=indicator, started_at=timezone.now())

    with pytest.raises(IntegrityError), transaction.atomic():
        write_module.write(indicator=indicator, pull=pull, run=run, now=timezone.now())
        connection.check_constraints()  # what the commit checks (the test itself runs in a transaction)

    assert not Observation.objects.exists()


def test_rows_deleted_by_hand_are_written_again_though_the_replies_are_unchanged(fake, indicator):
    first = ingest_indicator(indicator=indicator, client=fake)
    Observation.objects.filter(indicator=indicator).delete()

    again = ingest_indicator(indicator=indicator, client=fake)

    assert again.rows_inserted == first.rows_inserted


# --- Several indicators in one go (manage.py ingest_indicators, the demo data) --------------------------------
@pytest.fixture
def share_and_count(fake):
    sync_catalogue(client=fake)
    return [
        bind_indicator(
            indicator=Indicator.objects.get(code=code),
            table_id=fake.table_id,
            client=fake,
            measure_label=label,
        )
        for code, label in (("mm17-andel-opkvalificering", SHARE), ("mm17-antal-opkvalificering", COUNT))
    ]


def test_the_next_indicator_is_read_while_the_current_one_is_written(fake, share_and_count, monkeypatch):
    share, count = share_and_count
    events, count_read = [], threading.Event()
    real_read, real_write = run_module.read_pull, run_module.write

    def read_pull(plan, **kwargs):
        events.append(("read", plan.request.indicator.code))
        if plan.request.indicator == count:
            count_read.set()
        return real_read(plan, **kwargs)

    def write(*, indicator, **kwargs):
        if indicator == share:
            # The share's write goes on only once the count's reading has begun; one at a time, it never would.
            assert count_read.wait(timeout=30), "the next indicator was not read while this one was written"
        counts = real_write(indicator=indicator, **kwargs)
        events.append(("written", indicator.code))
        return counts

    monkeypatch.setattr(run_module, "read_pull", read_pull)
    monkeypatch.setattr(run_module, "write", write)

    runs = ingest_indicators(indicators=[share, count], client=fake)

    assert [run.status for run in runs] == [IngestionRun.Status.SUCCEEDED] * 2
    assert events.index(("read", count.code)) < events.index(("written", share.code))
    for indicator in share_and_count:
        assert Observation.objects.filter(indicator=indicator).count() == 99 * len(PERIODS)
        assert IngestionRun.objects.get(indicator=indicator).rows_inserted == 99 * len(PERIODS)


def test_fetched_at_is_when_the_replies_were_read_not_when_the_write_got_its_turn(
    fake, share_and_count, monkeypatch
):
    share, count = share_and_count
    count_read, read_at = threading.Event(), {}
    real_prepare, real_write = run_module.prepared_copy, run_module.write

    def prepared_copy(*, indicator, now, **kwargs):
        read_at[indicator.code] = now
        if indicator == count:
            count_read.set()
        return real_prepare(indicator=indicator, now=now, **kwargs)

    def write(*, indicator, **kwargs):
        if indicator == share:
            # The count is read (and stamped) while the share waits here for its turn to be written.
            assert count_read.wait(timeout=30), "the count was not read while the share was written"
            read_at["share written"] = timezone.now()
        return real_write(indicator=indicator, **kwargs)

    monkeypatch.setattr(run_module, "prepared_copy", prepared_copy)
    monkeypatch.setattr(run_module, "write", write)

    ingest_indicators(indicators=[share, count], client=fake)

    fetched = Observation.objects.filter(indicator=count).values_list("fetched_at", flat=True).distinct()
    assert list(fetched) == [read_at[count.code]]
    assert read_at[count.code] < read_at["share written"]


def test_an_indicator_whose_reading_fails_stores_nothing_and_the_others_are_written(fake, share_and_count):
    share, count = share_and_count
    first = Indicator.objects.get(code="mm13-andel-beskaeftigede")  # unbound: it fails before any request
    fake.fail_on_data_call = 1  # the share's first request: the count's come after it

    runs = ingest_indicators(indicators=[first, share, count], client=fake)

    assert [run.indicator for run in runs] == [first, share, count]
    assert [run.status for run in runs] == ["failed", "failed", "succeeded"]
    assert runs[0].error_kind == "binding" and runs[1].error_kind == "unavailable"
    assert not Observation.objects.filter(indicator__in=[first, share]).exists()
    assert Observation.objects.filter(indicator=count).count() == runs[2].rows_inserted == 99 * len(PERIODS)
    assert not IngestionRun.objects.filter(status=IngestionRun.Status.RUNNING).exists()


def test_an_indicator_whose_writing_fails_stores_nothing_and_the_others_are_written(
    fake, share_and_count, monkeypatch
):
    share, count = share_and_count
    real_write = run_module.write

    def write(*, indicator, **kwargs):
        counts = real_write(indicator=indicator, **kwargs)
        if indicator == share:
            raise RuntimeError("disk full")  # after its rows went in: they must be rolled back
        return counts

    monkeypatch.setattr(run_module, "write", write)

    runs = ingest_indicators(indicators=[share, count], client=fake)

    assert [run.status for run in runs] == ["failed", "succeeded"]
    assert "RuntimeError: disk full" in runs[0].error
    assert not Observation.objects.filter(indicator=share).exists()
    assert Observation.objects.filter(indicator=count).count() == 99 * len(PERIODS)
