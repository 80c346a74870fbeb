"""Building blocks shared by the models of both apps: timestamps, versions and publication,
and the public correction notes that any published record can carry."""

import datetime

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The years a meeting can be dated in: the database's check, the filters' bounds.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


class EditedModel(models.Model):
    """A record staff edit: when it was made and changed, and a version number that goes up with
    every save so that two people editing at once cannot overwrite each other unknowingly."""

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
        self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at", "version"}
        super().save(*args, **kwargs)


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Records the public may see: the only place this rule is written."""
        return self.filter(self.model.published_q())

    def with_corrections(self):
        """Prefetches the public corrections, read as `record.corrections.all`, in one query."""
        return self.prefetch_related(
            Prefetch("corrections", queryset=Correction.objects.published())
        )


class PublishableModel(EditedModel):
    """A record that is a draft until staff publish it. A published record with a future
    `published_at` is scheduled: it becomes public at that moment, with no job to run."""

    publication_status = models.CharField(
        _("publication status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the record becomes public. A future time schedules it."),
    )
    corrections = GenericRelation("trilateral.Correction")

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def published_q(cls, prefix=""):
        """The publication rule as a Q object, so related models can apply it through a join."""
        return Q(
            **{
                f"{prefix}publication_status": PublicationStatus.PUBLISHED,
                f"{prefix}published_at__lte": timezone.now(),
            }
        )

    @property
    def is_published(self):
        return (
            self.publication_status == PublicationStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.publication_status == PublicationStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )


def published_needs_date_constraint(model_name):
    """A published record always carries the moment it became (or becomes) public."""
    return models.CheckConstraint(
        condition=~Q(publication_status=PublicationStatus.PUBLISHED)
        | Q(published_at__isnull=False),
        name=f"{model_name}_published_has_date",
        violation_error_message=_("A published record needs a publication date and time."),
    )


def updated_at_index(model_name):
    """For incremental sync: the API's `updated_since` filter and `ordering=updated_at` read the
    few rows changed lately without scanning a table that grows with every meeting."""
    return models.Index(fields=["updated_at"], name=f"{model_name}_updated_idx")


class Language(models.TextChoices):
    """Languages that names, titles and sources are recorded in (BCP 47 tags)."""

    ENGLISH = "en", _("English")
    KOREAN = "ko", _("Korean")
    JAPANESE = "ja", _("Japanese")
    KOREAN_ROMANIZED = "ko-Latn", _("Korean (romanised)")
    JAPANESE_ROMANIZED = "ja-Latn", _("Japanese (romanised)")
    CHINESE = "zh", _("Chinese")


class SourceFields(models.Model):
    """A published document the record rests on: a press release, an article, an official text."""

    url = models.URLField(_("address"), max_length=500)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.publisher}: {self.title}"


class NaturalKeyManager(models.Manager):
    """Finds a record by its natural key, so fixtures and backups load onto existing rows."""

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.model.natural_key_fields, key, strict=True)))


def natural_key_values(instance):
    """The values of the model's `natural_key_fields`, following `__` through relations."""
    values = []
    for path in instance.natural_key_fields:
        value = instance
        for part in path.split("__"):
            value = getattr(value, part)
        values.append(value)
    return tuple(values)


# --- Public corrections -------------------------------------------------------------------------


class CorrectionQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def published(self):
        """Corrections already dated; they show wherever their record is public."""
        return self.filter(corrected_at__lte=timezone.now())


class Correction(EditedModel):
    """A dated note, shown at the foot of a published record's page and in its feed entry,
    that says what was corrected after publication."""

    content_type = models.ForeignKey(
        ContentType, models.CASCADE, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    corrected_at = models.DateTimeField(_("corrected on"), default=timezone.now)
    text = models.TextField(
        _("correction"), help_text=_("What was wrong and what the record says now.")
    )

    objects = CorrectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["corrected_at", "id"]
        get_latest_by = "corrected_at"
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.text[:80]


def aware(moment):
    """A time as read by a plain cursor: SQLite's driver gives it without a zone (it is UTC)."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, datetime.UTC)


class CacheGenerationManager(models.Manager):
    def current(self):
        # Read on every anonymous request, a cached one included: a plain cursor skips the ORM's
        # compilation and a raw query's column mapping, which cost more than the read itself.
        # The table name comes from the model, not from input.
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT generation, changed_at, next_change_at FROM {table} WHERE id = %s",  # noqa: S608  # nosec B608
                [1],
            )
            row = cursor.fetchone()
        if row is None:
            return self.get_or_create(pk=1)[0]
        generation, changed_at, next_change_at = row
        return self.model(
            pk=1,
            generation=generation,
            changed_at=aware(changed_at),
            next_change_at=aware(next_change_at),
        )

    def bump(self, next_change=None):
        """Raise the generation for a change to the record and, with `next_change`, record the
        next scheduled moment it works out.

        The moment is worked out after the raise, which holds the row until the writer's
        transaction ends: a writer that raised it first has committed by then, and what it
        scheduled is seen (PostgreSQL reads what is committed as each statement starts). Worked
        out before, it could leave out a publication another editor scheduled at that very
        moment, which would then wait for some later change to appear."""
        if not self.filter(pk=1).update(
            generation=models.F("generation") + 1, changed_at=timezone.now()
        ):
            self.get_or_create(pk=1)
        if next_change is not None:
            self.filter(pk=1).update(next_change_at=next_change())

    def pass_scheduled_moment(self, next_change_at):
        """Raise the generation for a scheduled moment that has passed, and record the next one.

        One statement, which applies only while the moment is still passed (or unknown): of
        readers who found it passed together, the first raises it and the others find it done,
        and a writer who has moved it on meanwhile keeps the moment it recorded."""
        now = timezone.now()
        passed = Q(next_change_at__isnull=True) | Q(next_change_at__lte=now)
        if not self.filter(passed, pk=1).update(
            generation=models.F("generation") + 1, changed_at=now, next_change_at=next_change_at
        ):
            self.get_or_create(pk=1, defaults={"next_change_at": next_change_at})


class CacheGeneration(models.Model):
    """One row: the number every cached page is filed under, raised by each change to the record
    (see trilateral.cache)."""

    generation = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)
    # The next moment pages change unprompted (trilateral.cache.next_scheduled_change).
    next_change_at = models.DateTimeField(null=True, blank=True)

    objects = CacheGenerationManager()

    class Meta:
        verbose_name = _("cache generation")

    def __str__(self):
        return f"generation {self.generation}"
