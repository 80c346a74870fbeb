"""What the database's query planner believes about the tables."""

from django.db import connection


def planned_paragraph_count():
    """The number of paragraphs the query planner's statistics count."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Each index's statistics start with the number of rows in its table.
            cursor.execute(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'declarations_paragraph' LIMIT 1"
            )
            return int(cursor.fetchone()[0].split()[0])
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'declarations_paragraph'")
        return int(cursor.fetchone()[0])
