"""Indexes only PostgreSQL can build: the ones that let `search()` use an index there.

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

from trilateral.search import SEARCH_CONFIG


def contains_index(field, *, name):
    """Serves `field__icontains`, in any script (pg_trgm splits Korean and Japanese too)."""
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


def similarity_index(field, *, name):
    """Serves `field__trigram_similar`."""
    return GinIndex(OpClass(field, name="gin_trgm_ops"), name=name)


def full_text_index(*fields, name):
    """Serves the full-text match of `ranked_search(…, *fields)`."""
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
