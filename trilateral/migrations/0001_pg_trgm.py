from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Trigram matching for names on PostgreSQL (a no-op on other databases)."""

    dependencies = []

    operations = [TrigramExtension()]
