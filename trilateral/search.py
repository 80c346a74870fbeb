"""Search helpers shared by the QuerySets' `search()` methods.

On PostgreSQL, English words are matched and ranked with full-text search (so "supply chain
cooperation" finds "cooperate on supply chains"); everywhere, substring matching finds Korean and
Japanese words inside a sentence and names in any script, which no word-splitting text-search
configuration does. SQLite has substring matching alone.
"""

from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import Expression, F, Q
from django.db.models.expressions import Col
from django.db.models.lookups import IContains

SEARCH_CONFIG = "english"
# Each searched table's English text as a `tsvector`, which PostgreSQL stores and keeps current
# itself (a generated column, added by `trilateral.indexes.PostgreSQLSearchVector`).
SEARCH_VECTOR_COLUMN = "search_vector"


class IContainsText(IContains):
    """`icontains`, which on SQLite first makes sure the column is not empty.

    An empty column cannot hold a query that is not empty, and comparing it with "" costs SQLite
    far less than a LIKE: many rows have no heading, and some no translation yet. PostgreSQL
    keeps the plain lookup, whose expression its trigram indexes are built on.
    """

    def as_sqlite(self, compiler, connection):
        sql, params = self.as_sql(compiler, connection)
        if not self.rhs:
            return sql, params
        column, column_params = self.process_lhs(compiler, connection)
        return f"({column} <> '' AND {sql})", (*column_params, *params)


def contains_any(query, *fields):
    """Rows where any of the fields contains the query, case-insensitively.

    Substring matching is what finds Korean and Japanese words inside a sentence, where no
    word-splitting full-text configuration would.
    """
    return reduce(or_, (Q(IContainsText(F(field), query)) for field in fields))


def on_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


class StoredSearchVector(Expression):
    """The row's stored search vector (PostgreSQL only).

    Ranking reads it instead of running `to_tsvector` again over every match: on the large
    record that was most of a search's time (bench/query-plans.md). The column is not a model
    field, so that SQLite, which has no `tsvector`, never sees it.
    """

    def __init__(self):
        super().__init__(output_field=SearchVectorField())

    def resolve_expression(self, query=None, *args, **kwargs):
        column = self.output_field.clone()
        column.set_attributes_from_name(SEARCH_VECTOR_COLUMN)
        column.model = query.model
        # A column of the query's own table, relabelled with it when the query becomes a
        # subquery (as Paragraph.search() does inside Declaration.search()).
        return Col(query.get_initial_alias(), column, self.output_field)


def ranked_search(queryset, query, match):
    """Rows that `match`; on PostgreSQL also rows whose stored search vector matches the query as
    English full text, best ranked first (ties keep the model's own order)."""
    if not on_postgresql(queryset):
        return queryset.filter(match)
    vector = StoredSearchVector()
    search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    return (
        queryset.alias(search_vector=vector)
        .annotate(search_rank=SearchRank(vector, search_query))
        .filter(match | Q(search_vector=search_query))
        .order_by("-search_rank", *queryset.model._meta.ordering)
    )


def similar_names(query, *fields):
    """On PostgreSQL, names within a few letters of the query (Raimundo finds Gina Raimondo), by
    trigram similarity with pg_trgm's default threshold."""
    return reduce(or_, (Q(**{f"{field}__trigram_similar": query}) for field in fields))
