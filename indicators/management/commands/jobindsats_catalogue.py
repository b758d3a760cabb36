from django.core.management.base import BaseCommand, CommandError

from indicators.catalogue import ministerial_tables, suggested_tables, sync_catalogue
from indicators.jobindsats import JobindsatsClient, JobindsatsError
from indicators.models import Indicator


class Command(BaseCommand):
    help = "Hent Jobindsats' katalog, gem tabellerne, og vis tabellerne under 'Ministerens mål'."

    def handle(self, *args, **options) -> None:
        try:
            result = sync_catalogue(client=JobindsatsClient.from_settings())
        except JobindsatsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Katalog: {result.created} nye, {result.updated} ændrede, {result.unchanged} uændrede tabeller."
        )
        self.stdout.write(self.style.MIGRATE_HEADING("Ministerens mål:"))
        for table in ministerial_tables():
            types = ", ".join(table.period_types) or "–"
            self.stdout.write(
                f"  {table.table_id:<12} {table.name}  (opdateret {table.update_latest_raw or '–'}; {types})"
            )
        for indicator in Indicator.objects.filter(source=Indicator.Source.JOBINDSATS, table__isnull=True):
            tables = (
                ", ".join(suggested_tables(indicator).values_list("table_id", flat=True)) or "ingen fundet"
            )
            self.stdout.write(f"Ubundet: {indicator.code} — forslag: {tables}")
