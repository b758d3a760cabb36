from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalValuesConfig(AppConfig):
    name = "local_values"
    verbose_name = _("Lokale indikatorer")
