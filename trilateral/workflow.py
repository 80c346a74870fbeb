"""Who may move a record between draft, review and published, and the moves themselves.

Editors write drafts and submit them for review; publishers also publish, schedule (a future
`published_at`) and unpublish. The admin and the API both ask `check_publication_change()`, so
the rule is written once.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trilateral.models import PublicationStatus, PublishableModel

EDITABLE_STATES = {PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW}


def publish_permission(model):
    """The permission to publish records of `model`, e.g. 'meetings.publish_meeting'."""
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can_publish(user, model):
    return user.has_perm(publish_permission(model))


def check_publication_change(*, user, instance, new_status, new_published_at):
    """Refuses (PermissionDenied) a change of publication state the user may not make.

    `instance` is the record as stored before the change, or a new unsaved instance when the
    record is being created (its defaults, draft and no date, are then the state before).
    Anyone who may edit the record may move it between draft and review; publishing,
    scheduling, unpublishing and changing the publication time need the publish permission.
    """
    if not isinstance(instance, PublishableModel) or can_publish(user, type(instance)):
        return
    old_status, old_published_at = instance.publication_status, instance.published_at
    if new_status == old_status and new_published_at == old_published_at:
        return
    if new_status not in EDITABLE_STATES or old_status not in EDITABLE_STATES:
        raise PermissionDenied(
            _(
                "Only a publisher can publish, schedule or unpublish a %(record)s. "
                "Submit it for review instead."
            )
            % {"record": instance._meta.verbose_name}
        )
    if new_published_at != old_published_at:
        raise PermissionDenied(
            _("Only a publisher can set or change the publication time of a %(record)s.")
            % {"record": instance._meta.verbose_name}
        )


def check_serializer_publication(*, user, serializer):
    """`check_publication_change()` for a DRF serializer about to be saved (create or update),
    raising DRF's PermissionDenied so the API answers 403 with the reason."""
    from rest_framework.exceptions import PermissionDenied as APIPermissionDenied

    instance = serializer.instance or serializer.Meta.model()
    if not isinstance(instance, PublishableModel):
        return
    data = serializer.validated_data
    try:
        check_publication_change(
            user=user,
            instance=instance,
            new_status=data.get("publication_status", instance.publication_status),
            new_published_at=data.get("published_at", instance.published_at),
        )
    except PermissionDenied as error:
        raise APIPermissionDenied(str(error)) from error


def _move(record, user, status, published_at):
    """Saves a new publication state through the model, so the version goes up and the
    history records who moved it."""
    with transaction.atomic():
        record = type(record)._base_manager.select_for_update().get(pk=record.pk)
        check_publication_change(
            user=user, instance=record, new_status=status, new_published_at=published_at
        )
        if (record.publication_status, record.published_at) == (status, published_at):
            return record, False
        record.publication_status, record.published_at = status, published_at
        record._history_user = user
        record.save(update_fields=["publication_status", "published_at"])
    return record, True


def record_submit_for_review(*, record, user):
    """Draft → in review. Returns the record and whether it changed."""
    if record.publication_status != PublicationStatus.DRAFT:
        return record, False
    return _move(record, user, PublicationStatus.IN_REVIEW, record.published_at)


def record_publish(*, record, user, at=None):
    """Publishes now, or at `at` (a future time schedules it). A record already public keeps
    the moment it first went out unless `at` is given."""
    if at is None:
        at = record.published_at if record.is_published else timezone.now()
    return _move(record, user, PublicationStatus.PUBLISHED, at)


def record_unpublish(*, record, user):
    """Back to draft, out of public view (and off any schedule)."""
    return _move(record, user, PublicationStatus.DRAFT, None)
