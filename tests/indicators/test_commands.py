import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from indicators.jobindsats import JobindsatsClient
from indicators.models import Indicator, IngestionRun, JobindsatsTable, Observation
from tests.indicators.fake_jobindsats import SHARE, FakeJobindsats, months


@pytest.fixture
def fake(reference_data, monkeypatch):
    fake = FakeJobindsats(periods=months(2024, "2024M03"))
    monkeypatch.setattr(JobindsatsClient, "from_settings", classmethod(lambda cls: fake))
    return fake


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_catalogue_command_lists_the_ministerial_tables_and_suggests_bindings(fake):
    output = run("jobindsats_catalogue")

    assert "mm17a01" in output
    assert "y01a02" not in output  # not a "Ministerens mål" table
    assert "Ubundet: mm17-andel-opkvalificering — forslag: mm17a01" in output


def test_bind_command_binds_and_says_to_what(fake):
    run("jobindsats_catalogue")

    output = run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")

    assert "mm17-andel-opkvalificering er bundet til mm17a01" in output
    assert Indicator.objects.get(code="mm17-andel-opkvalificering").measure_label == SHARE


def test_bind_command_explains_an_unknown_indicator(fake):
    with pytest.raises(CommandError, match="findes ikke. Kendte koder: .*mm17-andel-opkvalificering"):
        run("jobindsats_bind", "mm99", "mm17a01")


def test_bind_command_turns_a_binding_problem_into_a_clear_error(fake):
    run("jobindsats_catalogue")

    with pytest.raises(CommandError, match="har ikke målet 'Andel i job'"):
        run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01", "--measure", "Andel i job")


def test_ingest_command_pulls_and_prints_a_summary(fake):
    run("jobindsats_catalogue")
    run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")

    output = run("ingest_indicators", "--all")

    assert Observation.objects.count() == 99 * 3
    line = next(line for line in output.splitlines() if line.startswith("mm17-andel-opkvalificering"))
    assert line.split()[1:6] == ["Gennemført", "297", "0", "0", "3"]


def test_ingest_command_says_why_rows_were_ignored(fake):
    run("jobindsats_catalogue")
    run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")

    output = run("ingest_indicators", "--all")

    assert "ignor.: 3 rækker for «Uoplyst område» sprunget over (borgere uden kendt bopælskommune" in output


def test_ingest_command_reports_a_failure_and_exits_with_an_error(fake):
    run("jobindsats_catalogue")
    run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")
    fake.extra_area_rows = ("Atlantis",)

    with pytest.raises(CommandError, match="1 af 1 hentninger fejlede"):
        run("ingest_indicators", "--indicator", "mm17-andel-opkvalificering")

    assert IngestionRun.objects.get(kind="indicator").status == IngestionRun.Status.FAILED


def test_ingest_command_without_bound_indicators_says_how_to_bind(fake):
    with pytest.raises(CommandError, match="jobindsats_bind"):
        run("ingest_indicators", "--all")


def test_ingest_command_names_unknown_indicators(fake):
    with pytest.raises(
        CommandError, match="Ukendte indikatorer: mm99. .*koder: .*mm17-andel-opkvalificering"
    ):
        run("ingest_indicators", "--indicator", "mm99")


def test_ingest_command_explains_how_to_write_a_since_period(fake):
    run("jobindsats_catalogue")
    run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")

    with pytest.raises(CommandError, match="--since '2023-01' er ikke en periodekode.*2018M01"):
        run("ingest_indicators", "--all", "--since", "2023-01")

    assert not IngestionRun.objects.filter(kind="indicator").exists()


def test_ingest_command_refuses_an_unbound_indicator_before_pulling_anything(fake):
    with pytest.raises(CommandError, match="Ikke bundet .*mm13-andel-beskaeftigede.*jobindsats_bind"):
        run("ingest_indicators", "--indicator", "mm13-andel-beskaeftigede")

    assert not IngestionRun.objects.exists()
    assert fake.data_calls == []


def test_ingest_command_without_a_token_says_which_variable_to_set(reference_data, settings):
    settings.JOBINDSATS_API_TOKEN = ""
    Indicator.objects.filter(code="mm17-andel-opkvalificering").update(
        table=JobindsatsTable.objects.create(table_id="mm17a01", name="MM17"), measure_label=SHARE
    )

    with pytest.raises(CommandError, match="JOBINDSATS_API_TOKEN er ikke sat"):
        run("ingest_indicators", "--all")

    assert not IngestionRun.objects.exists()


def test_ingest_command_keeps_request_log_lines_out_of_the_progress_output(fake, caplog):
    run("jobindsats_catalogue")
    run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")
    caplog.clear()

    with caplog.at_level(logging.INFO):
        run("ingest_indicators", "--all")

    assert not [r for r in caplog.records if r.name.startswith("indicators") and r.levelno < logging.WARNING]


def test_ingest_command_summarises_an_unexpected_failure_without_a_traceback(fake, monkeypatch):
    run("jobindsats_catalogue")
    run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")
    monkeypatch.setattr("indicators.ingestion.run.write", lambda **kwargs: 1 / 0)

    out = StringIO()
    with pytest.raises(CommandError, match="1 af 1 hentninger fejlede"):
        call_command("ingest_indicators", "--all", stdout=out, stderr=StringIO())

    assert "ZeroDivisionError" in out.getvalue()
    assert IngestionRun.objects.get(kind="indicator").status == IngestionRun.Status.FAILED


def test_ingest_command_redraws_one_progress_line_per_indicator(fake):
    run("jobindsats_catalogue")
    run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")
    fake.periods = months(2018, "2024M03")  # several requests, so the bar is redrawn
    err = StringIO()

    call_command("ingest_indicators", "--all", stdout=StringIO(), stderr=err)

    lines = err.getvalue().strip().split("\n")  # redraws are joined by carriage returns, not newlines
    assert len(lines) == 1
    assert lines[0].strip().rsplit("\r", 1)[-1].startswith("mm17-andel-opkvalificering: ")


def test_ingest_command_summary_is_danish_whatever_language_the_thread_had(fake):
    run("jobindsats_catalogue")
    run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")

    with translation.override("en"):
        output = run("ingest_indicators", "--all")

    assert "Gennemført" in output and "Succeeded" not in output


def test_ingest_command_reports_its_own_run_while_a_newer_pull_of_the_indicator_is_running(fake):
    run("jobindsats_catalogue")
    run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    later = timezone.now() + timedelta(minutes=1)
    # Another worker's pull of the same indicator, started after ours and still going.
    IngestionRun.objects.create(indicator=indicator, started_at=later, heartbeat_at=later)

    output = run("ingest_indicators", "--indicator", "mm17-andel-opkvalificering")

    assert "Gennemført" in output
    assert "I gang" not in output
