"""Reading and using the change history that django-simple-history keeps for every record:
what changed between two versions, what changed since a version someone loaded, and restoring
an earlier version (which is itself recorded as a change)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from trilateral.models import PublishableModel
from trilateral.workflow import check_publication_change

EMPTY = "—"


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


class VersionConflict(Exception):
    """The record was saved by someone else after `version` was loaded."""

    def __init__(self, instance, version):
        self.instance = instance
        self.version = version
        self.latest = latest_record(instance)
        self.changes = changes_since(instance, version)
        super().__init__(conflict_message(self))


def display_value(field, value):
    """A value as a person reads it: choice labels, yes/no, local dates, names of related
    records, and a dash for nothing."""
    if isinstance(field, models.ManyToManyField):
        target = field.m2m_reverse_field_name()
        names = sorted(str(row[target]) for row in value)
        return ", ".join(names) or EMPTY
    if value is None or value == "":
        return EMPTY
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.localize(timezone.localtime(value))
    if isinstance(value, datetime.date):
        return formats.localize(value)
    return str(value)


def diff(old_record, new_record):
    """Field-by-field changes from one historical record to another, in the model's field
    order; bookkeeping fields (created, updated, version) are left out."""
    delta = new_record.diff_against(old_record, foreign_keys_are_objs=True)
    model = new_record.instance_type
    order = {field.name: index for index, field in enumerate(model._meta.get_fields())}
    changes = []
    for change in sorted(delta.changes, key=lambda change: order.get(change.field, 0)):
        field = model._meta.get_field(change.field)
        changes.append(
            FieldChange(
                name=field.name,
                label=capfirst(field.verbose_name),
                old=display_value(field, deleted_as_none(change.old)),
                new=display_value(field, deleted_as_none(change.new)),
            )
        )
    return changes


def deleted_as_none(value):
    # simple-history stands in a DeletedObject for a related record that no longer exists.
    return None if type(value).__name__ == "DeletedObject" else value


def records_of(instance):
    return type(instance).history.filter(id=instance.pk).select_related("history_user")


def latest_record(instance):
    return records_of(instance).order_by("-history_date", "-history_id").first()


def record_at_version(instance, version):
    """The last history row written at `version` (an m2m change adds rows at one version)."""
    return (
        records_of(instance)
        .filter(version=version)
        .order_by("-history_date", "-history_id")
        .first()
    )


def changes_since(instance, version):
    """What others changed after `version` was loaded; empty when no history reaches back."""
    old, new = record_at_version(instance, version), latest_record(instance)
    if old is None or new is None or old.pk == new.pk:
        return []
    return diff(old, new)


def conflict_message(conflict):
    latest = conflict.latest
    if latest is None:
        return _(
            "Someone else saved this record while you were editing it, so nothing was saved. "
            "Reload the page to see their version."
        )
    return _(
        "%(user)s saved this record at %(time)s, while you were editing it, so nothing was "
        "saved. Their changes are listed below and your edits are still in the form: check "
        "them against each other, then save again to keep yours."
    ) % {
        "user": latest.history_user or _("Someone else"),
        "time": formats.localize(timezone.localtime(latest.history_date)),
    }


def check_version(instance, version):
    """Raises VersionConflict unless the stored record is still at `version`. Call it on a row
    locked with select_for_update(), inside the transaction that saves it."""
    if version != instance.version:
        raise VersionConflict(instance, version)


def restore_version(*, record, user, expected_version=None):
    """Makes an earlier version (a historical record) the current one, every field and the
    tracked many-to-many relations included. Nothing changes when the version no longer fits
    the rules (ValidationError), the user may not make the publication change it implies
    (PermissionDenied), or the record changed since the user looked (VersionConflict)."""
    model = record.instance_type
    with transaction.atomic():
        current = model._base_manager.select_for_update().filter(pk=record.id).first()
        restored = record.instance
        latest = latest_record(restored)
        if current is None:
            # Restoring a deleted record brings it back under its old id.
            restored._state.adding = True
            restored.version = latest.version + 1
        else:
            if expected_version is not None:
                check_version(current, expected_version)
            restored._state.adding = False
            restored.version = current.version
        if isinstance(restored, PublishableModel):
            check_publication_change(
                user=user,
                instance=current or model(),
                new_status=restored.publication_status,
                new_published_at=restored.published_at,
            )
        restored.full_clean()
        restored._history_user = user
        restored._change_reason = _("Restored version %(version)s of %(time)s") % {
            "version": record.version,
            "time": formats.localize(timezone.localtime(record.history_date)),
        }
        restored.save(force_insert=current is None)
        for field in record._history_m2m_fields:
            target = f"{field.m2m_reverse_field_name()}_id"
            wanted = list(getattr(record, field.name).values_list(target, flat=True))
            # Related records deleted since then cannot come back with it.
            existing = field.related_model._base_manager.filter(pk__in=wanted)
            getattr(restored, field.name).set(existing)
    return restored


def restore_error_message(error):
    """One sentence per problem, for an admin message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
