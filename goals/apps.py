from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Mål og planer")

    def ready(self) -> None:
        # A pull or an edit queues a rebuild of the public pages (the receivers live there).
        from goals import page_rebuild  # noqa: F401
