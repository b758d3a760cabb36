from django.core.management.base import BaseCommand

from goals.reference_data import load_goal_sets
from indicators.reference_data import load_ministerial_indicators
from municipalities.reference_data import load_reference_areas


class Command(BaseCommand):
    help = "Load areas, the ministerial indicators and the 2022–2024 goals. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options) -> None:
        areas = load_reference_areas()
        indicators = load_ministerial_indicators()
        goals = load_goal_sets(new_indicators=indicators)
        self.stdout.write(
            f"Reference data: {areas.summary()}; indicators {len(indicators)} created, goals {goals} created."
        )
