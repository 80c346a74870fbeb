from django.db import migrations

from trilateral.indexes import PostgreSQLSearchVector


class Migration(migrations.Migration):
    """The English full text of a meeting as a stored, indexed `tsvector` (PostgreSQL only), so
    that search ranks matches without computing it again for each."""

    dependencies = [
        ("meetings", "0005_translations"),
    ]

    operations = [
        PostgreSQLSearchVector(
            "meeting", ("title", "summary", "body"), index_name="meeting_search_vector"
        ),
    ]
