"""Backups of the record: one versioned JSON document with natural keys, restorable into an
empty database on SQLite or PostgreSQL."""

import datetime
import gzip
import itertools
import json
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from trilateral.cache import changes_in_bulk

FORMAT = "trilateral-backup"
FORMAT_VERSION = 1
# Accounts come along so that the history's "who" survives a restore; sessions, login attempts
# and API tokens do not: they are secrets or transient.
RECORD_APPS = ("meetings", "declarations", "trilateral")
ACCOUNT_MODELS = ("auth.group", "auth.user")
MIGRATION_CREATED = {"auth.group"}
# The cache's bookkeeping is rebuilt on its own and is no part of the record.
NOT_RECORD = {"trilateral.cachegeneration"}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Keeps every microsecond: Django's encoder rounds times to milliseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup that cannot be restored here, with the reason in words."""


def record_models():
    models = [apps.get_model(label) for label in ACCOUNT_MODELS]
    for label in RECORD_APPS:
        models.extend(
            model
            for model in apps.get_app_config(label).get_models()
            if model._meta.label_lower not in NOT_RECORD
        )
    return serializers.sort_dependencies([(None, models)], allow_cycles=True)


def natural_key_relations(model, prefix="", depth=0):
    """The select_related paths that serialising natural foreign keys needs, so a backup reads
    each table once instead of issuing a query per row and relation."""
    paths = []
    for field in model._meta.concrete_fields:
        target = field.related_model if field.many_to_one or field.one_to_one else None
        if target is None or not hasattr(target, "natural_key") or depth > 2:
            continue
        path = f"{prefix}{field.name}"
        paths.append(path)
        paths.extend(natural_key_relations(target, f"{path}__", depth + 1))
    return paths


def applied_migrations():
    latest = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in RECORD_APPS or app == "auth":
            latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def open_backup(path, mode):
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8", compresslevel=5)
    return path.open(mode, encoding="utf-8")


def is_history(model):
    return any(field.name == "history_id" for field in model._meta.fields)


def write_backup(path):
    """Write every row of the record to `path` (gzip when it ends in .gz); return the counts.

    Rows keep their ids, because the history refers to records by id; references between
    records are written as natural keys (a meeting's slug, a country's code), so the file reads
    and checks without the database. The history's own references stay ids: they may point at
    records deleted since.
    """
    objects, counts = [], {}
    for model in record_models():
        natural = not is_history(model)
        rows = model._default_manager.order_by("pk")
        if natural:
            rows = rows.select_related(*natural_key_relations(model)).prefetch_related(
                *(field.name for field in model._meta.many_to_many)
            )
        serialized = serializers.serialize(
            "python",
            rows.iterator(chunk_size=2000),
            use_natural_foreign_keys=natural,
            use_natural_primary_keys=model._meta.label_lower in MIGRATION_CREATED,
        )
        counts[model._meta.label_lower] = len(serialized)
        objects.extend(serialized)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": connection.vendor,
        "migrations": applied_migrations(),
        "counts": counts,
        "objects": objects,
    }
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open_backup(path, "w") as stream:
            json.dump(document, stream, cls=ExactJSONEncoder, ensure_ascii=False)
    except OSError as error:
        raise BackupError(f"{path} cannot be written: {error.strerror or error}") from error
    return counts


def read_backup(path):
    not_a_backup = BackupError(f"{path} is not a {FORMAT} file of version {FORMAT_VERSION}.")
    try:
        with open_backup(path, "r") as stream:
            document = json.load(stream)
    except (ValueError, EOFError, gzip.BadGzipFile) as error:
        # Not JSON, not UTF-8, or a damaged or cut-off gzip stream.
        raise not_a_backup from error
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error.strerror or error}") from error
    if not isinstance(document, dict):
        raise not_a_backup
    if document.get("format") != FORMAT or document.get("format_version") != FORMAT_VERSION:
        raise not_a_backup
    return document


def restore_backup(path):
    """Load a backup into an empty database; refuse anything else and change nothing."""
    document = read_backup(path)
    here = applied_migrations()
    if document["migrations"] != here:
        raise BackupError(
            "The backup was made at other migrations than this database has: "
            f"backup {document['migrations']}, here {here}. Migrate to the backup's state first."
        )
    models = record_models()
    # Migrations create the editorial groups; the backup's groups load onto them by name.
    occupied = [
        m._meta.label
        for m in models
        if m._meta.label_lower not in MIGRATION_CREATED and m._default_manager.exists()
    ]
    if occupied:
        raise BackupError(
            f"The database is not empty (it has {', '.join(occupied[:5])}…); restore needs an "
            "empty, migrated database."
        )
    # Bulk inserts send no signal: the restore bumps the cache's generation once, as it commits,
    # or a site that served the empty database would keep serving its cached pages.
    with transaction.atomic(), changes_in_bulk():
        RowLoader().load(document["objects"])
        # Rows arrived with their ids; move each id sequence past them (PostgreSQL).
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        counts = {m._meta.label_lower: m._default_manager.count() for m in models}
        if counts != document["counts"]:
            differ = {
                label: (count, document["counts"].get(label))
                for label, count in counts.items()
                if count != document["counts"].get(label)
            }
            raise BackupError(f"Restored counts (restored, backed up) differ: {differ}")
    return counts


def natural_key_from_row(model, fields):
    """The natural key of a serialised row, read from the row itself rather than the database."""
    if not hasattr(model, "natural_key_fields"):
        plain = {
            f.attname: f.to_python(fields[f.name])
            for f in model._meta.concrete_fields
            if not f.is_relation and f.name in fields
        }
        return tuple(model(**plain).natural_key())
    key = []
    for path in model.natural_key_fields:
        head, _, rest = path.partition("__")
        value = fields[head]
        if rest:
            target = model._meta.get_field(head).related_model
            value = value[target.natural_key_fields.index(rest)]
        key.append(value)
    return tuple(key)


class RowLoader:
    """Inserts a backup's rows table by table with bulk inserts, resolving natural keys from the
    rows already loaded: a few seconds for a record that row-by-row loading takes many minutes
    over."""

    def __init__(self):
        self.ids = {}  # (model label, natural key) -> id

    def resolve(self, model, key):
        key = tuple(key)
        label = model._meta.label_lower
        if (label, key) not in self.ids:
            # Rows the migrations made (content types, permissions, groups).
            self.ids[(label, key)] = model._default_manager.get_by_natural_key(*key).pk
        return self.ids[(label, key)]

    def load(self, objects):
        through_rows = []
        for label, group in itertools.groupby(objects, key=lambda row: row["model"]):
            model = apps.get_model(label)
            rows = list(group)
            if label in MIGRATION_CREATED:
                for deserialized in serializers.deserialize("python", rows):
                    deserialized.save()
                continue
            instances = [self.build(model, row, through_rows) for row in rows]
            model._default_manager.bulk_create(instances, batch_size=1000)
            if hasattr(model, "natural_key"):
                for row in rows:
                    key = natural_key_from_row(model, row["fields"])
                    self.ids[(label, key)] = row["pk"]
        for through, rows in itertools.groupby(
            sorted(through_rows, key=lambda item: item[0]._meta.label), key=lambda item: item[0]
        ):
            through._default_manager.bulk_create(
                (through(**values) for _, values in rows), batch_size=5000
            )

    def build(self, model, row, through_rows):
        values = {model._meta.pk.attname: model._meta.pk.to_python(row["pk"])}
        fields = row["fields"]
        for field in model._meta.concrete_fields:
            if field.name not in fields or field.primary_key:
                continue
            value = fields[field.name]
            if field.is_relation and isinstance(value, list):
                value = self.resolve(field.related_model, value)
            elif not field.is_relation:
                value = field.to_python(value)
            values[field.attname] = value
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            source = field.m2m_field_name()
            target = field.m2m_reverse_field_name()
            for key in fields.get(field.name, []):
                target_id = self.resolve(field.related_model, key) if isinstance(key, list) else key
                through_rows.append(
                    (
                        through,
                        {f"{source}_id": values[model._meta.pk.attname], f"{target}_id": target_id},
                    )
                )
        return model(**values)
