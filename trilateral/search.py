"""Search helpers shared by the QuerySets' `search()` methods.

On PostgreSQL, English words are matched and ranked with full-text search (so "supply chain
cooperation" finds "cooperate on supply chains"); everywhere, substring matching finds Korean and
Japanese words inside a sentence and names in any script, which no word-splitting text-search
configuration does. SQLite has substring matching alone, through a trigram index for the
paragraphs' texts (`SQLiteTextIndex`).
"""

import functools
import sqlite3
from functools import reduce
from operator import or_

from django.apps import apps
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import BooleanField, Expression, F, Func, Q
from django.db.models.expressions import Col, RawSQL
from django.db.models.lookups import IContains

SEARCH_CONFIG = "english"
# Each searched table's English text as a `tsvector`, which PostgreSQL stores and keeps current
# itself (a generated column, added by `trilateral.indexes.PostgreSQLSearchVector`).
SEARCH_VECTOR_COLUMN = "search_vector"
# On SQLite, the texts of the largest searched table, kept in a trigram index as well.
SQLITE_TEXT_INDEXES = {"declarations.Paragraph": ("heading", "text")}
# The trigram tokenizer's pieces: a shorter query holds none, and is matched row by row.
TRIGRAM_LENGTH = 3


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


class EqualsAny(Func):
    """`expression = ANY(array)`, true when the array holds the expression's value (PostgreSQL).

    Given an `ArraySubquery`, PostgreSQL builds the array once, before it reads the rows tested
    against it (an InitPlan), and plans the subquery on its own, as the cheapest way to find all
    of its rows."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def among_found_once(field, rows):
    """A condition (PostgreSQL): `field` is one of `rows`, a queryset of one column.

    The rows are found once, as an array built before the rows tested against it are read, and
    planned on their own. As `IN (…)` or `EXISTS (…)` among a search's other conditions,
    PostgreSQL chose by its statistics between that and probing them row by row: once per
    meeting for the people of that name, 49 of the 62 ms a search for a name spent in the
    database on the large record."""
    return Q(EqualsAny(F(field), ArraySubquery(rows.order_by().distinct())))


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


def text_index_name(model):
    """The FTS5 table of the model's `SQLiteTextIndex`."""
    return f"{model._meta.db_table}_text"


class SQLiteTextIndex:
    """The model's texts (with their translations) in an SQLite FTS5 table whose trigram tokenizer
    indexes every three-character piece, case-insensitively: a query of three characters or more,
    in any script, is found through the index instead of by a LIKE over every row.

    The table holds no copy of the texts (its content is the model's table), and triggers keep it
    current on every insert, update and delete, bulk ones and fixture loads included. It is not
    built by a migration: SQLite rebuilds a table to alter it, which drops the table's triggers,
    so `ensure()` runs after every `migrate` and rebuilds the index whenever its definition is
    not exactly the one below.
    """

    def __init__(self, model, fields):
        from trilateral.translation import with_translations

        self.table = model._meta.db_table
        self.name = text_index_name(model)
        self.columns = [model._meta.get_field(name).column for name in with_translations(*fields)]

    def statements(self):
        """{name: SQL} of the index table and its triggers, as SQLite stores them. Every name in
        them comes from the model's metadata, none from a request."""
        name, table, columns = self.name, self.table, ", ".join(self.columns)
        new = ", ".join(f"new.{column}" for column in self.columns)
        old = ", ".join(f"old.{column}" for column in self.columns)
        insert = f"INSERT INTO {name}(rowid, {columns}) VALUES (new.id, {new});"  # noqa: S608  # nosec B608
        delete = f"INSERT INTO {name}({name}, rowid, {columns}) VALUES ('delete', old.id, {old});"  # noqa: S608  # nosec B608
        trigger = f"CREATE TRIGGER {name}_%s AFTER %s ON {table} BEGIN %s END"
        return {
            name: f"CREATE VIRTUAL TABLE {name} USING fts5({columns}, "
            f"content='{table}', content_rowid='id', tokenize='trigram')",
            f"{name}_insert": trigger % ("insert", "INSERT", insert),
            f"{name}_delete": trigger % ("delete", "DELETE", delete),
            f"{name}_update": trigger % ("update", "UPDATE", f"{delete} {insert}"),
        }

    def ensure(self, connection):
        """Builds the index unless it is there as defined."""
        expected = self.statements()
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master")
            found = {name: sql for name, sql in cursor.fetchall() if name in expected}
            if found == expected:
                return
            for name in list(expected)[1:]:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
            for statement in expected.values():
                cursor.execute(statement)
            # Indexes the rows already there.
            cursor.execute(f"INSERT INTO {self.name}({self.name}) VALUES ('rebuild')")  # noqa: S608  # nosec B608


@functools.cache
def sqlite_has_trigram_tokenizer():
    """Whether this SQLite library can build `SQLiteTextIndex`: FTS5 compiled in, and the trigram
    tokenizer, which came with SQLite 3.34. Django runs on older ones, where search keeps its
    LIKE."""
    if sqlite3.sqlite_version_info < (3, 34):
        return False
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text, tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()
    return True


def ensure_sqlite_text_indexes(using="default", **kwargs):
    """After `migrate` (a post_migrate receiver): the SQLite trigram indexes, built if needed."""
    connection = connections[using]
    if connection.vendor == "sqlite" and sqlite_has_trigram_tokenizer():
        for label, fields in SQLITE_TEXT_INDEXES.items():
            SQLiteTextIndex(apps.get_model(label), fields).ensure(connection)


def has_text_index(queryset, query):
    """Whether `text_index_search` can find the query in the queryset's rows."""
    return (
        connections[queryset.db].vendor == "sqlite"
        and sqlite_has_trigram_tokenizer()
        and queryset.model._meta.label in SQLITE_TEXT_INDEXES
        and len(query) >= TRIGRAM_LENGTH
    )


def fts_phrase(query):
    """The query as one quoted FTS5 phrase: its trigrams in a row, that is the query as a
    substring. Inside the quotes nothing is syntax but the quote itself, written twice."""
    return '"{}"'.format(query.replace('"', '""'))


def text_index_search(queryset, query):
    """The rows whose indexed texts contain the query, found through the SQLite trigram index
    (see `has_text_index`): the rows `contains_any` finds over those texts.

    The index table is joined, not asked for the ids `IN` it: without the statistics ANALYZE
    gathers, SQLite would start from another table and probe each of its rows against the whole
    list of matches; joined, it starts from the index. Only `extra()` names a table to join, and
    its conditions name the tables as they are: a query that uses these rows inside another
    takes `text_index_column` instead."""
    name, table = text_index_name(queryset.model), queryset.model._meta.db_table
    # The tables' names are the model's; the query is a bound parameter.
    return queryset.extra(  # noqa: S610  # nosec B610
        tables=[name],
        where=[f"{name}.rowid = {table}.id", f"{name} MATCH %s"],
        params=[fts_phrase(query)],
    )


def text_index_column(model, query, column):
    """`column` of the model's rows whose indexed texts contain the query, as a subquery that
    SQLite runs once, starting from the index (see `text_index_search`)."""
    name, table = text_index_name(model), model._meta.db_table
    sql = (
        f"SELECT {table}.{column} FROM {name} JOIN {table} ON {table}.id = {name}.rowid "  # noqa: S608  # nosec B608
        f"WHERE {name} MATCH %s"
    )
    return RawSQL(sql, (fts_phrase(query),))  # noqa: S611  # nosec B611
