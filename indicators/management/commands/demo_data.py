from django.core.management.base import BaseCommand, CommandError

from config.demo_mode import require_demo_mode
from indicators.catalogue import BindingError
from indicators.ingestion import IngestionError, ignored_rows_text
from indicators.jobindsats import JobindsatsError
from indicators.models import IngestionRun
from indicators.sandbox_demo import load_sandbox_demo


class Command(BaseCommand):
    help = "Demodata til `make run`: start sandkassen lokalt, bind de kendte indikatorer, og hent dem. Kan køres igen."

    def handle(self, *args, **options) -> None:
        require_demo_mode("Demodata")
        try:
            result = load_sandbox_demo()
        except (JobindsatsError, BindingError, IngestionError) as exc:
            raise CommandError(f"Demodata fra sandkassen kunne ikke hentes: {exc}") from exc
        failed = [run for run in result.runs if run.status != IngestionRun.Status.SUCCEEDED]
        if failed:  # the others are stored: running the command again pulls what is missing
            raise CommandError(
                "Demodata fra sandkassen kunne ikke hentes for "
                + "; ".join(f"{run.indicator.code}: {run.error}" for run in failed)
            )
        self.stdout.write(
            f"Demodata (syntetiske tal fra sandkassen): {result.bound} indikatorer bundet, "
            f"{len(result.runs)} hentet, {result.rows_written} rækker skrevet; "
            f"{ignored_rows_text(sum(run.rows_ignored for run in result.runs))}."
        )
