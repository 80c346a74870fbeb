from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrilateralConfig(AppConfig):
    name = "trilateral"
    verbose_name = _("Trilateral")

    def ready(self):
        from trilateral import checks  # noqa: F401  # registers the project's system checks
        from trilateral.cache import connect_signals

        connect_signals()
