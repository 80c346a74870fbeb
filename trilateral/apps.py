from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrilateralConfig(AppConfig):
    name = "trilateral"
    verbose_name = _("Trilateral")

    def ready(self):
        from trilateral import checks  # noqa: F401  # registers the project's system checks
        from trilateral.cache import connect_signals
        from trilateral.search import ensure_sqlite_text_indexes

        connect_signals()
        # Once per `migrate` (and per test database), after every app's migrations.
        post_migrate.connect(ensure_sqlite_text_indexes, sender=self)
