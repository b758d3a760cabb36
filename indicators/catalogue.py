"""Discovery: store Jobindsats' catalogue and bind an indicator to a table after checking its metadata."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from indicators.ingestion import finish_run, renewed_lease
from indicators.jobindsats import (
    CatalogueTable,
    JobindsatsClient,
    JobindsatsError,
    JobindsatsResponseError,
    Measure,
    MeasureGroup,
    check_breakdown_totals,
)
from indicators.models import Indicator, IngestionRun, JobindsatsTable

MINISTERIAL_SUBJECT = "Ministerens mål"
# Period types an indicator can follow as a series; MYTD and QMAT are running totals of another type.
SERIES_PERIOD_TYPES = ("M", "Q", "H", "Y")
# Words that mark a measure as a share or a count (API.md § The minister's goals: "antal og andel").
_UNIT_WORDS = {
    Indicator.Unit.PERCENT: ("pct", "andel", "procent", "%"),
    Indicator.Unit.COUNT: ("antal",),
}


class BindingError(Exception):
    """The table lacks what the indicator needs; the message names what is missing and what exists."""


@dataclass(frozen=True)
class CatalogueSync:
    created: int
    updated: int
    unchanged: int
    run: IngestionRun


def _table_fields(entry: CatalogueTable) -> dict:
    return {
        "name": entry.name,
        "subject": entry.subject,
        "table_group": entry.table_group,
        "update_latest_raw": entry.update_latest_raw,
        "update_latest": entry.update_latest,
        "update_next_raw": entry.update_next_raw,
        "update_next": entry.update_next,
        "update_freq": entry.update_freq,
        "period_types": list(entry.period_types),
    }


def _upsert_table(entry: CatalogueTable, now) -> str:
    fields = _table_fields(entry)
    table = JobindsatsTable.objects.filter(table_id=entry.table_id.lower()).first()
    if table is None:
        JobindsatsTable.objects.create(table_id=entry.table_id.lower(), synced_at=now, **fields)
        return "created"
    changed = [name for name, value in fields.items() if getattr(table, name) != value]
    for name in changed:
        setattr(table, name, fields[name])
    table.synced_at = now
    table.save(update_fields=[*changed, "synced_at"])
    return "updated" if changed else "unchanged"


def sync_catalogue(*, client: JobindsatsClient) -> CatalogueSync:
    """Upsert every catalogue table (raw and parsed update dates, period types); record a catalogue run."""
    started = timezone.now()
    run = IngestionRun.objects.create(
        kind=IngestionRun.Kind.CATALOGUE, started_at=started, heartbeat_at=started
    )
    with renewed_lease(run):
        try:
            entries = client.catalogue()
            with transaction.atomic():
                now = timezone.now()
                outcomes = [_upsert_table(entry, now) for entry in entries]
                run.rows_inserted = outcomes.count("created")
                run.rows_updated = outcomes.count("updated")
                run.rows_unchanged = outcomes.count("unchanged")
                finish_run(run, status=IngestionRun.Status.SUCCEEDED, client=client)
        except JobindsatsError as exc:
            finish_run(run, status=IngestionRun.Status.FAILED, client=client, error=exc)
            raise
    return CatalogueSync(run.rows_inserted, run.rows_updated, run.rows_unchanged, run)


def ministerial_tables() -> QuerySet[JobindsatsTable]:
    """The catalogue's "Ministerens mål" tables, where the goal indicators live."""
    return JobindsatsTable.objects.filter(subject__icontains=MINISTERIAL_SUBJECT)


def suggested_tables(indicator: Indicator) -> QuerySet[JobindsatsTable]:
    """Ministerial tables whose id or name contains the indicator's catalogue hint."""
    hint = indicator.catalogue_hint.strip()
    if not hint:
        return ministerial_tables().none()
    return ministerial_tables().filter(Q(name__icontains=hint) | Q(table_id__icontains=hint))


def _listing(names) -> str:
    return ", ".join(repr(name) for name in names) or "ingen"


def _all_measures(metadata) -> list[tuple[MeasureGroup, Measure]]:
    return [(group, measure) for group in metadata.mgroups for measure in group.measures]


def _choose_measure(indicator: Indicator, metadata, label: str) -> tuple[MeasureGroup, Measure]:
    measures = _all_measures(metadata)
    names = [measure.name for _, measure in measures]
    if label:
        found = metadata.measure_by_name(label)
        if found is None:
            raise BindingError(
                f"Tabellen {metadata.table_id} har ikke målet {label!r}. Tabellens mål: {_listing(names)}."
            )
        return found
    if len(measures) == 1:
        return measures[0]
    words = _UNIT_WORDS.get(indicator.unit, ())
    fitting = [pair for pair in measures if any(word in pair[1].name.lower() for word in words)]
    if indicator.unit == Indicator.Unit.COUNT:
        percent_words = _UNIT_WORDS[Indicator.Unit.PERCENT]
        fitting = [pair for pair in fitting if not any(w in pair[1].name.lower() for w in percent_words)]
    if len(fitting) == 1:
        return fitting[0]
    raise BindingError(
        f"Vælg målet for {indicator.code}: tabellen {metadata.table_id} har flere mulige mål "
        f"({_listing(names)}). Angiv det med --measure eller i feltet 'målets kolonnenavn'."
    )


def _choose_period_type(indicator: Indicator, metadata) -> str:
    available = [period_type for period_type, ids in metadata.periods.items() if ids]
    if indicator.period_type:
        if indicator.period_type not in available:
            raise BindingError(
                f"Tabellen {metadata.table_id} har ikke periodetypen {indicator.period_type!r}, som "
                f"{indicator.code} bruger. Tabellens periodetyper: {_listing(available)}."
            )
        return indicator.period_type
    sensible = [period_type for period_type in available if period_type in SERIES_PERIOD_TYPES]
    if len(available) == 1:
        return available[0]
    if len(sensible) == 1:
        return sensible[0]
    raise BindingError(
        f"Vælg periodetypen for {indicator.code}: tabellen {metadata.table_id} har {_listing(available)}."
    )


def _check_hierarchies(indicator: Indicator, metadata) -> None:
    existing = [h.hierarchy_id for dimension in metadata.dimensions for h in dimension.hierarchies]
    wanted = [indicator.area_hierarchy, *indicator.breakdown_filters.keys()]
    missing = [hierarchy_id for hierarchy_id in wanted if metadata.hierarchy(hierarchy_id) is None]
    if missing:
        raise BindingError(
            f"Tabellen {metadata.table_id} mangler hierarkiet {_listing(missing)}, som {indicator.code} "
            f"bruger. Tabellens hierarkier: {_listing(existing)}."
        )
    try:
        check_breakdown_totals(metadata, indicator.breakdown_filters)
    except JobindsatsResponseError as exc:
        raise BindingError(str(exc)) from None


def bind_indicator(
    *, indicator: Indicator, table_id: str, client: JobindsatsClient, measure_label: str | None = None
) -> Indicator:
    """Read the table's metadata, store it, check measure, period type and areas, and bind the indicator."""
    if indicator.source != Indicator.Source.JOBINDSATS:
        raise BindingError(
            f"{indicator.code} er en lokal indikator (tallene tastes ind), så den hentes ikke fra Jobindsats. "
            "Skift dens kilde til Jobindsats, hvis den skal bindes til en tabel."
        )
    table_id = table_id.strip().lower()
    table = JobindsatsTable.objects.filter(table_id=table_id).first()
    if table is None:
        raise BindingError(
            f"Tabellen {table_id!r} findes ikke i det gemte katalog. Hent kataloget først "
            "(manage.py jobindsats_catalogue), og tjek tabel-id'et."
        )
    metadata = client.table(table_id)
    # Every check before any write: a refused binding leaves the table and the indicator as they were.
    group, measure = _choose_measure(indicator, metadata, (measure_label or indicator.measure_label).strip())
    period_type = _choose_period_type(indicator, metadata)
    _check_hierarchies(indicator, metadata)
    with transaction.atomic():
        table.metadata = metadata.raw
        table.save(update_fields=["metadata"])
        indicator.table = table
        indicator.measure_label = measure.name
        indicator.mgroup_id = group.mgroup_id
        indicator.measure_id = measure.measure_id
        indicator.period_type = period_type
        indicator.save(update_fields=["table", "measure_label", "mgroup_id", "measure_id", "period_type"])
    return indicator
