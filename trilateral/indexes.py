"""Indexes and columns only PostgreSQL can build: the ones that let `search()` use an index
there.

SQLite has no GIN indexes, so these cannot sit in a model's `Meta.indexes` (the migration would
fail on SQLite). Migrations add them with `PostgreSQLIndex`, which does nothing on other
databases. They stay out of the model state, so `makemigrations` neither sees nor drops them.

An index serves a query only when its expression is the query's own: Django writes `icontains` as
`UPPER(col::text) LIKE UPPER('%q%')`, trigram similarity as `col % 'q'`, and `SearchVector` with
the configuration of `trilateral.search`. bench/query-plans.md shows the plans that use them.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector
from django.db.migrations.operations.base import Operation
from django.db.models.functions import Upper

from trilateral.search import SEARCH_CONFIG, SEARCH_VECTOR_COLUMN


def contains_index(field, *, name):
    """Serves `field__icontains`, in any script (pg_trgm splits Korean and Japanese too)."""
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


def similarity_index(field, *, name):
    """Serves `field__trigram_similar`."""
    return GinIndex(OpClass(field, name="gin_trgm_ops"), name=name)


def full_text_index(*fields, name):
    """Served the full-text match before the stored search vectors (migrations 0004)."""
    return GinIndex(SearchVector(*fields, config=SEARCH_CONFIG), name=name)


class PostgreSQLIndex(Operation):
    """Adds `index` to the model on PostgreSQL; a no-op on any other database."""

    reversible = True

    def __init__(self, model_name, index):
        self.model_name = model_name
        self.index = index

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "index": self.index}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = from_state.apps.get_model(app_label, self.model_name)
            schema_editor.remove_index(model, self.index)

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_{self.index.name}"


class RemovePostgreSQLIndex(PostgreSQLIndex):
    """Drops an index `PostgreSQLIndex` added; the reverse adds it again."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        super().database_backwards(app_label, schema_editor, to_state, from_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        super().database_forwards(app_label, schema_editor, to_state, from_state)

    def describe(self):
        return f"Remove index {self.index.name} from {self.model_name} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"remove_{self.model_name}_{self.index.name}"


class PostgreSQLSearchVector(Operation):
    """Adds the English full text of `fields` as a stored `tsvector` column with a GIN index, on
    PostgreSQL only (`trilateral.search.StoredSearchVector` reads it); a no-op elsewhere.

    PostgreSQL computes the column itself on every insert and update, bulk ones included, so it
    never goes stale. It also refuses to change the type of a column a generated column is
    built from: a migration that alters one of `fields` must reverse this operation first and
    apply it again after.
    """

    reversible = True

    def __init__(self, model_name, fields, *, index_name):
        self.model_name = model_name
        self.fields = fields
        self.index_name = index_name

    def deconstruct(self):
        return (
            self.__class__.__name__,
            [],
            {"model_name": self.model_name, "fields": self.fields, "index_name": self.index_name},
        )

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        quote = schema_editor.quote_name
        table = quote(model._meta.db_table)
        # The same text SearchVector(*fields) builds: empty columns count as "", joined by spaces.
        text = " || ' ' || ".join(
            f"COALESCE({quote(model._meta.get_field(name).column)}, '')" for name in self.fields
        )
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {quote(SEARCH_VECTOR_COLUMN)} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('{SEARCH_CONFIG}'::regconfig, {text})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {quote(self.index_name)} ON {table} "
            f"USING gin ({quote(SEARCH_VECTOR_COLUMN)})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        # Dropping the column drops its index.
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} "
            f"DROP COLUMN {schema_editor.quote_name(SEARCH_VECTOR_COLUMN)}"
        )

    def describe(self):
        return f"Add a stored search vector to {self.model_name} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_search_vector"
