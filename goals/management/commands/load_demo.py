from django.core.management.base import BaseCommand
from django.urls import reverse

from goals.demo import DEMO_ADMIN, DEMO_PLAN_KEEPERS, load_demo


class Command(BaseCommand):
    help = (
        "Create demo plans for a few municipalities, a demo admin and Randers' demo plan keepers (for `make run`). "
        "Only in demo mode (DEBUG=1). Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        result = load_demo()
        self.stdout.write(
            f"Demo plans: {result.plans_created} created; demo accounts: {result.accounts_created} created."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo admin: user '{DEMO_ADMIN.username}', password '{DEMO_ADMIN.password}' "
                f"({reverse('admin:index')})"
            )
        )
        for keeper in DEMO_PLAN_KEEPERS:
            plans = reverse("municipality", kwargs={"slug": keeper.municipality_slug})
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo plan keeper ({keeper.role}): user '{keeper.username}', password '{keeper.password}' "
                    f'(log in from {plans} → "Planansvarlig? Log ind…")'
                )
            )
