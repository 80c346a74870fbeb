from django.core.checks.registry import registry
from django.core.management.commands import makemigrations

from trilateral.checks import SECRETS


class Command(makemigrations.Command):
    """Django's makemigrations with every system check but the secret key's: writing
    migrations reads the models only, so it runs where no production key is set."""

    requires_system_checks = sorted(registry.tags_available() - {SECRETS})
