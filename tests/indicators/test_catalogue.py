import pytest

from indicators.catalogue import (
    BindingError,
    bind_indicator,
    ministerial_tables,
    suggested_tables,
    sync_catalogue,
)
from indicators.jobindsats import JobindsatsResponseError
from indicators.models import Indicator, IngestionRun, JobindsatsTable
from tests.indicators.fake_jobindsats import COUNT, SHARE, FakeJobindsats, months


@pytest.fixture
def fake(reference_data):
    fake = FakeJobindsats(periods=months(2024, "2024M03"))
    sync_catalogue(client=fake)
    return fake


def test_sync_catalogue_stores_tables_with_raw_update_dates_and_period_types(reference_data):
    result = sync_catalogue(client=FakeJobindsats(update_latest_raw="15-07-2024"))

    table = JobindsatsTable.objects.get(table_id="mm17a01")
    assert result.created == 2
    assert table.update_latest_raw == "15-07-2024"
    assert table.period_types == ["M"]
    assert table.subject == "Ministerens mål"
    assert result.run.kind == IngestionRun.Kind.CATALOGUE
    assert result.run.status == IngestionRun.Status.SUCCEEDED


def test_sync_catalogue_again_changes_only_what_jobindsats_changed(fake):
    result = sync_catalogue(client=FakeJobindsats(update_latest_raw="2024-08-15"))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert JobindsatsTable.objects.get(table_id="mm17a01").update_latest_raw == "2024-08-15"


def test_ministerial_tables_are_the_ministerens_maal_subject_only(fake):
    assert list(ministerial_tables().values_list("table_id", flat=True)) == ["mm17a01"]


def test_suggested_tables_match_the_catalogue_hint(fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")

    assert list(suggested_tables(indicator)) == [JobindsatsTable.objects.get(table_id="mm17a01")]


def test_bind_picks_the_share_measure_for_a_percent_indicator_and_stores_the_metadata(fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")

    bind_indicator(indicator=indicator, table_id="MM17A01", client=fake)

    indicator.refresh_from_db()
    assert indicator.is_bound
    assert (indicator.measure_label, indicator.mgroup_id, indicator.measure_id) == (SHARE, "mgrp1", "meas0")
    assert indicator.period_type == "M"
    assert indicator.table.metadata == {"table_id": "mm17a01"}


def test_bind_picks_the_count_measure_for_a_count_indicator(fake):
    indicator = Indicator.objects.get(code="mm17-antal-opkvalificering")

    bind_indicator(indicator=indicator, table_id="mm17a01", client=fake)

    assert indicator.measure_label == COUNT


def test_bind_with_an_ambiguous_measure_lists_the_candidates(fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    indicator.unit = Indicator.Unit.RATE

    with pytest.raises(BindingError) as error:
        bind_indicator(indicator=indicator, table_id="mm17a01", client=fake)

    assert SHARE in str(error.value) and COUNT in str(error.value)
    indicator.refresh_from_db()
    assert indicator.table is None


def test_bind_with_a_measure_the_table_lacks_names_it_and_what_exists(fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")

    with pytest.raises(BindingError, match="'Andel i job'") as error:
        bind_indicator(indicator=indicator, table_id="mm17a01", client=fake, measure_label="Andel i job")

    assert COUNT in str(error.value)


def test_bind_checks_the_area_hierarchy_exists(fake):
    indicator = Indicator.objects.get(code="forgaeves-rekrutteringer-andel")

    with pytest.raises(BindingError, match="'_reko'") as error:
        bind_indicator(indicator=indicator, table_id="mm17a01", client=fake, measure_label=SHARE)

    assert "'_nykom'" in str(error.value)


def test_bind_checks_the_period_type_exists(fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    indicator.period_type = "QMAT"

    with pytest.raises(BindingError, match="'QMAT'"):
        bind_indicator(indicator=indicator, table_id="mm17a01", client=fake)


def test_bind_sets_the_period_type_when_the_indicator_has_none(fake):
    indicator = Indicator.objects.get(code="forgaeves-rekrutteringer-andel")
    indicator.area_hierarchy = "_nykom"

    bind_indicator(indicator=indicator, table_id="mm17a01", client=fake, measure_label=SHARE)

    assert indicator.period_type == "M"


def test_bind_to_a_table_missing_from_the_catalogue_says_to_sync_first(fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")

    with pytest.raises(BindingError, match="jobindsats_catalogue"):
        bind_indicator(indicator=indicator, table_id="nope01", client=fake)


def test_refused_binding_leaves_the_table_metadata_and_the_earlier_binding_untouched(fake):
    indicator = bind_indicator(
        indicator=Indicator.objects.get(code="mm17-andel-opkvalificering"), table_id="mm17a01", client=fake
    )
    JobindsatsTable.objects.filter(table_id="mm17a01").update(metadata={"kept": True})
    fake.measures = (COUNT,)  # Jobindsats dropped the share the indicator is bound to

    with pytest.raises(BindingError, match="har ikke målet"):
        bind_indicator(indicator=indicator, table_id="mm17a01", client=fake)

    assert JobindsatsTable.objects.get(table_id="mm17a01").metadata == {"kept": True}
    indicator.refresh_from_db()
    assert (indicator.table.table_id, indicator.measure_label) == ("mm17a01", SHARE)


def test_failed_catalogue_sync_keeps_an_echoed_token_out_of_the_run_record(reference_data, settings):
    settings.JOBINDSATS_API_TOKEN = "secret-token-42"
    fake = FakeJobindsats()

    def echoing_catalogue():
        raise JobindsatsResponseError("Ukendt værdi 'Bearer secret-token-42' i svaret")

    fake.catalogue = echoing_catalogue

    with pytest.raises(JobindsatsResponseError):
        sync_catalogue(client=fake)

    run = IngestionRun.objects.get(kind=IngestionRun.Kind.CATALOGUE)
    assert "secret-token-42" not in run.error and "Bearer ***" in run.error


def test_bind_refuses_a_local_indicator_that_is_never_pulled(fake):
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    Indicator.objects.filter(pk=indicator.pk).update(source=Indicator.Source.LOCAL)
    indicator.refresh_from_db()

    with pytest.raises(BindingError, match="lokal indikator"):
        bind_indicator(indicator=indicator, table_id="mm17a01", client=fake)

    assert Indicator.objects.get(pk=indicator.pk).table is None
    assert fake.data_calls == []


def breakdown_indicator():
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    indicator.breakdown_filters = {"_ydelsesgrp": "*"}
    indicator.save()
    return indicator


@pytest.mark.parametrize("total", ["I alt", "Total", "Ydelsesgrupper i alt", "  ydelsesgrupper  I ALT "])
def test_bind_accepts_a_breakdown_whose_total_is_recognised(reference_data, total):
    fake = FakeJobindsats(breakdown=("_ydelsesgrp", ["Dagpenge"]), total_label=total)
    sync_catalogue(client=fake)

    bound = bind_indicator(indicator=breakdown_indicator(), table_id=fake.table_id, client=fake)

    assert bound.is_bound


def test_bind_refuses_a_breakdown_whose_total_is_not_recognised_naming_it(reference_data):
    fake = FakeJobindsats(breakdown=("_ydelsesgrp", ["Dagpenge"]), total_label="Alle ydelsesgrupper")
    sync_catalogue(client=fake)

    with pytest.raises(BindingError, match="'Alle ydelsesgrupper'"):
        bind_indicator(indicator=breakdown_indicator(), table_id=fake.table_id, client=fake)

    assert not Indicator.objects.get(code="mm17-andel-opkvalificering").is_bound


def test_bind_refuses_a_breakdown_member_that_reads_as_a_total(reference_data):
    fake = FakeJobindsats(breakdown=("_ydelsesgrp", ["Dagpenge", "Dagpenge i alt"]), total_label="I alt")
    sync_catalogue(client=fake)

    with pytest.raises(BindingError, match="'Dagpenge i alt'"):
        bind_indicator(indicator=breakdown_indicator(), table_id=fake.table_id, client=fake)
