from django.core.management.base import BaseCommand

from meetings.demo import demo_lines, load_meeting_demo


class Command(BaseCommand):
    help = (
        "Demo meeting for `make run`: Randers' 2024 status frozen for Beskæftigelsesudvalget, a value revised "
        "since, and its PDF pack. Only in demo mode (DEBUG=1). Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        for line in demo_lines(load_meeting_demo()):
            self.stdout.write(self.style.SUCCESS(line))
