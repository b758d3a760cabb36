"""Demo mode (`make run`): demo accounts, demo plans and sandbox data exist only while settings.DEMO_MODE is on."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError


class DemoModeOff(CommandError):
    """A demo step was asked for outside demo mode (DEBUG off): it would put demo accounts or data in production."""


def require_demo_mode(what: str) -> None:
    """Refuse `what` (e.g. "Demokonti") unless demo mode is on; the message says how to turn it on."""
    if not settings.DEMO_MODE:
        raise DemoModeOff(
            f"{what} oprettes kun i demotilstand (DEBUG=1, som `make run` sætter). DEBUG er slået fra, så dette "
            "ligner en produktionsinstallation: opret brugere i admin eller med manage.py createsuperuser."
        )
