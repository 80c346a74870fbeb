from django.db import migrations

from trilateral.indexes import (
    PostgreSQLSearchVector,
    RemovePostgreSQLIndex,
    full_text_index,
)


class Migration(migrations.Migration):
    """The English full text of topics, declarations, paragraphs and commitments as stored,
    indexed `tsvector`s (PostgreSQL only), so that search ranks matches without computing it
    again for each. Their index replaces the expression indexes of 0004."""

    dependencies = [
        ("declarations", "0005_translations"),
    ]

    operations = [
        PostgreSQLSearchVector("topic", ("name", "description"), index_name="topic_search_vector"),
        PostgreSQLSearchVector(
            "declaration", ("title", "summary"), index_name="declaration_search_vector"
        ),
        PostgreSQLSearchVector(
            "paragraph", ("heading", "text"), index_name="paragraph_search_vector"
        ),
        PostgreSQLSearchVector("commitment", ("text",), index_name="commitment_search_vector"),
        RemovePostgreSQLIndex(
            "paragraph", full_text_index("heading", "text", name="paragraph_fts")
        ),
        RemovePostgreSQLIndex("commitment", full_text_index("text", name="commitment_fts")),
    ]
