from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from indicators.ingestion import ignored_rows_text, ingest_indicators
from indicators.jobindsats import JobindsatsClient, JobindsatsError
from indicators.models import Indicator, IngestionRun
from indicators.periods import UnknownPeriodFormat, parse_period


class Command(BaseCommand):
    help = "Hent indikatorer fra Jobindsats nu (samme kørsel som det daglige job) og vis en opsummering."

    def add_arguments(self, parser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--indicator", action="append", metavar="CODE", help="Indikatorens kode; kan gentages."
        )
        which.add_argument("--all", action="store_true", help="Alle aktive, bundne indikatorer.")
        parser.add_argument(
            "--since", metavar="PERIOD", help="Hent fra denne periode, fx 2018M01 (ellers de nyeste)."
        )

    def handle(self, *args, **options) -> None:
        indicators = self._indicators(options)
        if options["since"]:
            try:
                parse_period(options["since"])
            except UnknownPeriodFormat as exc:
                raise CommandError(
                    f"--since {options['since']!r} er ikke en periodekode. Skriv den som Jobindsats, "
                    "fx 2018M01 (måned), 2023Q01 (kvartal), 2023H1 (halvår) eller 2023 (år)."
                ) from exc
        try:
            client = JobindsatsClient.from_settings()
        except JobindsatsError as exc:
            raise CommandError(str(exc)) from exc
        bars = _Bars(stream=self.stderr._out, disabled=options["verbosity"] == 0)
        with _quiet_logs(options["verbosity"]), logging_redirect_tqdm(), bars:
            runs = ingest_indicators(
                indicators=indicators, client=client, since=options["since"], progress=bars.start
            )
        for run in runs:
            run.refresh_from_db()
        results = [(run, (run.finished_at - run.started_at).total_seconds()) for run in runs]
        # The command speaks Danish; the status labels must not follow whatever language the thread last had.
        with translation.override(settings.LANGUAGE_CODE):
            self._summary(results)
        failed = [run for run, _ in results if run.status != IngestionRun.Status.SUCCEEDED]
        if failed:
            raise CommandError(f"{len(failed)} af {len(results)} hentninger fejlede; se fejlene ovenfor.")

    def _indicators(self, options) -> list[Indicator]:
        active = Indicator.objects.filter(source=Indicator.Source.JOBINDSATS).select_related("table")
        if options["all"]:
            chosen = [indicator for indicator in active.filter(is_active=True) if indicator.is_bound]
            if not chosen:
                raise CommandError("Ingen indikatorer er bundet til en tabel endnu; brug jobindsats_bind.")
            return chosen
        found = {indicator.code: indicator for indicator in active.filter(code__in=options["indicator"])}
        missing = [code for code in options["indicator"] if code not in found]
        if missing:
            known = ", ".join(active.order_by("code").values_list("code", flat=True)) or "ingen"
            raise CommandError(
                f"Ukendte indikatorer: {', '.join(missing)}. Jobindsats-indikatorernes koder: {known}."
            )
        unbound = [code for code in options["indicator"] if not found[code].is_bound]
        if unbound:
            raise CommandError(
                f"Ikke bundet til en Jobindsats-tabel: {', '.join(unbound)}. Bind dem først: "
                "manage.py jobindsats_bind <indikator> <tabel> (tabellerne vises af jobindsats_catalogue)."
            )
        return [found[code] for code in options["indicator"]]

    def _summary(self, results: list[tuple[IngestionRun, float]]) -> None:
        header = f"{'indikator':<34} {'status':<10} {'nye':>8} {'ændrede':>8} {'uændrede':>9} {'ignor.':>7} {'sek.':>6}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for run, seconds in results:
            self.stdout.write(
                f"{run.indicator.code:<34} {run.get_status_display():<10} {run.rows_inserted:>8} "
                f"{run.rows_updated:>8} {run.rows_unchanged:>9} {run.rows_ignored:>7} {seconds:>6.1f}"
            )
            if run.error:
                self.stdout.write(self.style.ERROR(f"  {run.error}"))
        ignored = sum(run.rows_ignored for run, _ in results)
        if ignored:
            self.stdout.write(f"ignor.: {ignored_rows_text(ignored)}.")


class _Bars:
    """One progress bar per indicator, counting its rows as they are read (one indicator is read at a time)."""

    def __init__(self, *, stream, disabled: bool) -> None:
        # The raw stream: Django's stderr wrapper would colour every redraw red and end it with a newline.
        self.stream, self.disabled, self.bar = stream, disabled, None

    def start(self, indicator: Indicator) -> Callable[[int], object]:
        """Close the previous indicator's bar (its replies are all read) and open this one's."""
        self.close()
        self.bar = tqdm(desc=indicator.code, unit=" rækker", file=self.stream, disable=self.disabled)
        return self.bar.update

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> _Bars:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


@contextmanager
def _quiet_logs(verbosity: int) -> Iterator[None]:
    """Below -v 2, keep only the client's retry warnings: the summary table reports every pull's outcome."""
    levels = {"indicators.jobindsats": logging.WARNING, "indicators.ingestion": logging.CRITICAL}
    if verbosity >= 2:
        levels = dict.fromkeys(levels, logging.INFO)
    loggers = {logging.getLogger(name): level for name, level in levels.items()}
    previous = {logger: logger.level for logger in loggers}
    for logger, level in loggers.items():
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, level in previous.items():
            logger.setLevel(level)
