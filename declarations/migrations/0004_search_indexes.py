from django.db import migrations

from trilateral.indexes import PostgreSQLIndex, contains_index, full_text_index


class Migration(migrations.Migration):
    """Trigram and full-text indexes for searching paragraphs, commitments and the parties'
    titles (PostgreSQL only): every condition of those searches has an index, so PostgreSQL
    combines them (BitmapOr) instead of reading the table."""

    dependencies = [
        ("declarations", "0003_indexes"),
        ("trilateral", "0001_pg_trgm"),
    ]

    operations = [
        PostgreSQLIndex("paragraph", contains_index("text", name="paragraph_text_trgm")),
        PostgreSQLIndex("paragraph", contains_index("heading", name="paragraph_heading_trgm")),
        PostgreSQLIndex("paragraph", full_text_index("heading", "text", name="paragraph_fts")),
        PostgreSQLIndex("commitment", contains_index("text", name="commitment_text_trgm")),
        PostgreSQLIndex("commitment", full_text_index("text", name="commitment_fts")),
        PostgreSQLIndex(
            "declarationtitle", contains_index("title", name="declarationtitle_title_trgm")
        ),
    ]
