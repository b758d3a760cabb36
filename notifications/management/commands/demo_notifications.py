from django.core.management.base import BaseCommand

from notifications.demo import load_demo_notifications


class Command(BaseCommand):
    help = (
        "Subscribe Randers' demo jobcenter chief to Randers and mail the demo pull's digest (for `make run`)."
    )

    def handle(self, *args, **options) -> None:
        result = load_demo_notifications()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo e-mails: {result.subscriber} follows Randers; {result.mails_sent} digest(s) sent now. "
                f"Mails go to {result.mail_location}"
            )
        )
