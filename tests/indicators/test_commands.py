from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from indicators.jobindsats import JobindsatsClient
from indicators.models import Indicator, IngestionRun, Observation
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


def test_ingest_command_reports_a_failure_and_exits_with_an_error(fake):
    run("jobindsats_catalogue")
    run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")
    fake.extra_area_rows = ("Atlantis",)

    with pytest.raises(CommandError, match="1 af 1 hentninger fejlede"):
        run("ingest_indicators", "--indicator", "mm17-andel-opkvalificering")

    assert IngestionRun.objects.get(kind="indicator").status == IngestionRun.Status.FAILED


def test_ingest_command_rejects_a_malformed_since(fake):
    run("jobindsats_catalogue")
    run("jobindsats_bind", "mm17-andel-opkvalificering", "mm17a01")

    with pytest.raises(CommandError, match="Ukendt periodekode"):
        run("ingest_indicators", "--all", "--since", "januar")


def test_ingest_command_without_bound_indicators_says_how_to_bind(fake):
    with pytest.raises(CommandError, match="jobindsats_bind"):
        run("ingest_indicators", "--all")


def test_ingest_command_names_unknown_indicators(fake):
    with pytest.raises(CommandError, match="Ukendte indikatorer: mm99"):
        run("ingest_indicators", "--indicator", "mm99")
