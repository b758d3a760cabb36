from django.core.management.base import BaseCommand, CommandError

from indicators.catalogue import BindingError, bind_indicator
from indicators.jobindsats import JobindsatsClient, JobindsatsError
from indicators.models import Indicator


class Command(BaseCommand):
    help = (
        "Bind en indikator til en Jobindsats-tabel efter at have tjekket mål, periodetype og områdehierarki."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("indicator", help="Indikatorens kode, fx mm17-andel-opkvalificering.")
        parser.add_argument("table", help="Tabel-id fra kataloget, fx mm17a01.")
        parser.add_argument(
            "--measure", default=None, help="Målets kolonnenavn, hvis tabellen har flere mål."
        )

    def handle(self, *args, **options) -> None:
        indicator = Indicator.objects.filter(code=options["indicator"]).first()
        if indicator is None:
            codes = ", ".join(Indicator.objects.values_list("code", flat=True))
            raise CommandError(f"Indikatoren {options['indicator']!r} findes ikke. Kendte koder: {codes}.")
        try:
            bind_indicator(
                indicator=indicator,
                table_id=options["table"],
                client=JobindsatsClient.from_settings(),
                measure_label=options["measure"],
            )
        except (BindingError, JobindsatsError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{indicator.code} er bundet til {indicator.table.table_id}: {indicator.measure_label!r}, "
                f"periodetype {indicator.period_type}."
            )
        )
