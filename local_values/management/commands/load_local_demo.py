from django.core.management.base import BaseCommand

from goals.demo import DEMO_PLAN_KEEPERS
from local_values.demo import OTHER_KEEPERS, load_local_demo


class Command(BaseCommand):
    help = (
        "Local indicators for `make run`: Randers' goal-1 and goal-4 indicators with values and targets, and a "
        "shared indicator four municipalities report. Only in demo mode (DEBUG=1). Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        result = load_local_demo()
        self.stdout.write(f"Local demo values: {result.drafts} entered, {result.approved} approved.")
        first, second = DEMO_PLAN_KEEPERS[:2]
        self.stdout.write(
            self.style.SUCCESS(
                f"Local values: log in as '{first.username}' (enters values) and '{second.username}' (approves "
                f"them), password '{first.password}', at /kommune/randers/lokale-indikatorer/; "
                f"one value waits for approval. Also: {', '.join(OTHER_KEEPERS.values())}."
            )
        )
