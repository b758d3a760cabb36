from django.core.management.base import BaseCommand

from municipalities.reference_data import load_reference_areas


class Command(BaseCommand):
    help = "Load the country, regions, 98 municipalities and RAR areas; safe to run again."

    def handle(self, *args, **options) -> None:
        result = load_reference_areas()
        self.stdout.write(f"Reference data: {result.summary()}.")
