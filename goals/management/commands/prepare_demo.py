from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "The data step of `make run`: reference data, sandbox indicator data, demo plans and the demo admin. "
        "Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        call_command("load_reference_data", stdout=self.stdout)
        call_command("demo_data", stdout=self.stdout)
        call_command("load_demo", stdout=self.stdout)
