"""What the admin's front page shows the web team: records awaiting review, publications
scheduled, and the latest changes to anything. Each list is one UNION query over the models,
so the page costs the same few queries however many records and versions there are."""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import CharField, F, Value
from django.db.models.functions import Substr
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from trilateral.models import EditedModel, PublicationStatus, PublishableModel

LABEL_FIELDS = ("title", "name", "role_title", "text", "anchor", "note")
RECORD_APPS = {"trilateral", "meetings", "declarations"}
HISTORY_ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class Entry:
    model: type
    pk: int
    label: str
    when: datetime
    url: str = ""
    user: object = None
    action: str = ""

    @property
    def kind(self):
        return capfirst(self.model._meta.verbose_name)


def _label_field(model):
    names = {field.name for field in model._meta.get_fields()}
    return next(name for name in LABEL_FIELDS if name in names)


def _models(base, user):
    return [
        model
        for model in apps.get_models()
        if issubclass(model, base)
        and model._meta.app_label in RECORD_APPS
        and user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]


def _union(querysets, order, limit):
    if not querysets:
        return []
    first, *rest = querysets
    return list(first.union(*rest, all=True).order_by(order)[:limit])


def _key(model):
    return Value(model._meta.label_lower, output_field=CharField())


def _admin_url(model, view, pk):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=[pk])
    except NoReverseMatch:  # a model without an admin page of its own
        return ""


def _publication_list(user, limit, order, **conditions):
    querysets = [
        model.objects.filter(**conditions)
        .order_by()
        .annotate(record_model=_key(model), record_label=Substr(F(_label_field(model)), 1, 120))
        .values("pk", "published_at", "updated_at", "record_model", "record_label")
        for model in _models(PublishableModel, user)
    ]
    entries = []
    for row in _union(querysets, order, limit):
        model = apps.get_model(row["record_model"])
        when = row[order.lstrip("-")]
        url = _admin_url(model, "change", row["pk"])
        entries.append(Entry(model, row["pk"], row["record_label"], when, url))
    return entries


def awaiting_review(user, limit=10):
    """Newest submissions first."""
    return _publication_list(
        user, limit, "-updated_at", publication_status=PublicationStatus.IN_REVIEW
    )


def scheduled(user, limit=10):
    """The next to go public first."""
    return _publication_list(
        user,
        limit,
        "published_at",
        publication_status=PublicationStatus.PUBLISHED,
        published_at__gt=timezone.now(),
    )


def latest_changes(user, limit=15):
    querysets = [
        model.history.order_by()
        .annotate(record_model=_key(model), record_label=Substr(F(_label_field(model)), 1, 120))
        .values(
            "history_id",
            "history_date",
            "history_type",
            "history_user_id",
            "id",
            "record_model",
            "record_label",
        )
        for model in _models(EditedModel, user)
        if hasattr(model, "history")
    ]
    rows = _union(querysets, "-history_date", limit)
    users = get_user_model().objects.in_bulk({row["history_user_id"] for row in rows} - {None})
    entries = []
    for row in rows:
        model = apps.get_model(row["record_model"])
        entries.append(
            Entry(
                model,
                row["id"],
                row["record_label"],
                row["history_date"],
                _admin_url(model, "history", row["id"]),
                users.get(row["history_user_id"]),
                HISTORY_ACTIONS.get(row["history_type"], ""),
            )
        )
    return entries


def dashboard(user):
    return {
        "awaiting_review": awaiting_review(user),
        "scheduled": scheduled(user),
        "latest_changes": latest_changes(user),
    }
