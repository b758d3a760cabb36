from django.core.management import call_command
from django.core.management.base import BaseCommand

from config.demo_mode import require_demo_mode


class Command(BaseCommand):
    help = (
        "The data step of `make run`: reference data, sandbox indicator data, demo plans and demo accounts. "
        "Only in demo mode (DEBUG=1). Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        require_demo_mode("Demodata og demokonti")
        call_command("load_reference_data", stdout=self.stdout)
        call_command("demo_data", stdout=self.stdout)
        call_command("load_demo", stdout=self.stdout)
        call_command("load_local_demo", stdout=self.stdout)
        call_command("demo_meetings", stdout=self.stdout)
        call_command("demo_notifications", stdout=self.stdout)
