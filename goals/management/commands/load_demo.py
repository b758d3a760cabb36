from django.core.management.base import BaseCommand

from goals.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME, load_demo_plans


class Command(BaseCommand):
    help = "Create demo plans for a few municipalities and a demo admin (for `make run`). Safe to run again."

    def handle(self, *args, **options) -> None:
        result = load_demo_plans()
        self.stdout.write(f"Demo plans: {result.plans_created} created.")
        self.stdout.write(
            self.style.SUCCESS(f"Demo admin: user '{DEMO_ADMIN_USERNAME}', password '{DEMO_ADMIN_PASSWORD}'")
        )
