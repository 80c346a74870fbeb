from django.db import migrations

from trilateral.indexes import PostgreSQLIndex, contains_index, similarity_index


class Migration(migrations.Migration):
    """Trigram indexes for finding a person by any spelling of their name (PostgreSQL only).

    Person.search() runs the name-variant lookups as subqueries, which these serve; the person
    table itself is read whole whatever its indexes, because its conditions are OR-ed with them.
    """

    dependencies = [
        ("meetings", "0003_indexes"),
        ("trilateral", "0001_pg_trgm"),
    ]

    operations = [
        PostgreSQLIndex("personname", contains_index("name", name="personname_contains_trgm")),
        PostgreSQLIndex("personname", similarity_index("name", name="personname_similar_trgm")),
    ]
