"""Meeting series, their meetings, and the people, offices and countries that take part."""

import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from trilateral.links import record_path
from trilateral.models import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    EditedModel,
    Language,
    NaturalKeyManager,
    PublishableModel,
    PublishableQuerySet,
    SourceFields,
    natural_key_values,
    published_needs_date_constraint,
    updated_at_index,
)
from trilateral.search import (
    among_found_once,
    contains_any,
    on_postgresql,
    ranked_search,
    similar_names,
)
from trilateral.translation import TranslatedModel, translations, with_translations

ORDINALS = [
    pgettext_lazy("edition", "First"),
    pgettext_lazy("edition", "Second"),
    pgettext_lazy("edition", "Third"),
    pgettext_lazy("edition", "Fourth"),
    pgettext_lazy("edition", "Fifth"),
    pgettext_lazy("edition", "Sixth"),
    pgettext_lazy("edition", "Seventh"),
    pgettext_lazy("edition", "Eighth"),
    pgettext_lazy("edition", "Ninth"),
    pgettext_lazy("edition", "Tenth"),
]


def edition_ordinal(number):
    """'First', 'Second', … for the first ten editions, then '11th', '12th', …"""
    if 1 <= number <= len(ORDINALS):
        return ORDINALS[number - 1]
    return numbered_ordinal(number, get_language())


@functools.lru_cache(maxsize=1024)
def numbered_ordinal(number, language):
    """'11th' in the active `language`: humanize looks up ten catalog entries for each one, and a
    list of meetings asks for twenty."""
    from django.contrib.humanize.templatetags.humanize import ordinal

    return ordinal(number)


# --- Countries, organizations, people -----------------------------------------------------------


class CountryQuerySet(models.QuerySet):
    def search(self, query):
        return self.filter(contains_any(query, "code", *with_translations("name", "short_name")))

    def published(self):
        """Countries that belong to a published series or took part in a published meeting."""
        # Probed once per country, which stops at the first published participant: countries
        # are few, participants many. Unlike people (below), a set of every published
        # participant's country, computed first, took longer on the large record: 7.3 → 4.4 ms
        # for all countries on PostgreSQL, 3.0 → 1.8 ms on SQLite, and more for one.
        return self.filter(
            Exists(MeetingSeries.objects.published().filter(members=OuterRef("pk")))
            | Exists(Participant.objects.published().filter(country=OuterRef("pk")))
        )


class CountryManager(NaturalKeyManager.from_queryset(CountryQuerySet)):
    pass


class Country(TranslatedModel):
    code = models.CharField(
        _("ISO 3166-1 code"),
        max_length=2,
        unique=True,
        help_text=_("Two capital letters, e.g. KR, US, JP."),
    )
    alpha3 = models.CharField(_("ISO 3166-1 alpha-3 code"), max_length=3, blank=True)
    numeric_code = models.CharField(_("ISO 3166-1 numeric code"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=200, help_text=_("Republic of Korea"))
    name_ko, name_ja = translations(name)
    short_name = models.CharField(_("short name"), max_length=100, help_text=_("Korea"))
    short_name_ko, short_name_ja = translations(short_name)

    translated_fields = ("name", "short_name")
    objects = CountryManager()
    history = HistoricalRecords()
    natural_key_fields = ("code",)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_two_capitals",
                violation_error_message=_("The code must be two capital letters (ISO 3166-1)."),
            ),
        ]

    def __str__(self):
        return self.localized("short_name")

    def natural_key(self):
        return natural_key_values(self)

    def get_absolute_url(self):
        return record_path("meetings:country_detail", self.code)


class OrganizationQuerySet(models.QuerySet):
    def search(self, query):
        return self.filter(contains_any(query, "abbreviation", *with_translations("name")))

    def published(self):
        """Organizations whose people took part in a published meeting."""
        return self.filter(pk__in=Participant.objects.published().values("organization"))


class OrganizationManager(NaturalKeyManager.from_queryset(OrganizationQuerySet)):
    pass


class Organization(TranslatedModel):
    name = models.CharField(_("name"), max_length=200)
    name_ko, name_ja = translations(name)
    abbreviation = models.CharField(_("abbreviation"), max_length=20, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    country = models.ForeignKey(
        Country, models.PROTECT, related_name="organizations", verbose_name=_("country")
    )
    url = models.URLField(_("website"), blank=True)

    translated_fields = ("name",)
    objects = OrganizationManager()
    history = HistoricalRecords()
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["country__short_name", "name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        name = self.localized("name")
        return f"{name} ({self.abbreviation})" if self.abbreviation else name

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["meetings.country"]


class PersonQuerySet(models.QuerySet):
    def published(self):
        """People who took part in a published meeting."""
        # An uncorrelated IN subquery, computed once: SQLite would otherwise probe the published
        # meetings once per person.
        return self.filter(pk__in=Participant.objects.published().values("person"))

    def search(self, query):
        """Finds a person by any spelling or script of their name (Ahn Dukgeun, 안덕근) and, on
        PostgreSQL, by a near miss of one (Raimundo)."""
        names = PersonName.objects.filter(person=OuterRef("pk"))
        match = contains_any(
            query, "family_name", "given_name", *with_translations("name")
        ) | Exists(names.filter(contains_any(query, "name")))
        if on_postgresql(self):
            match |= similar_names(query, "name") | Exists(
                names.filter(similar_names(query, "name"))
            )
        return self.filter(match)


class PersonManager(NaturalKeyManager.from_queryset(PersonQuerySet)):
    pass


class Person(TranslatedModel):
    name = models.CharField(
        _("display name"), max_length=200, help_text=_("As the record shows it: Ahn Duk Geun")
    )
    name_ko, name_ja = translations(name)
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name_first = models.BooleanField(
        _("family name first"),
        default=False,
        help_text=_("Tick when the name is written family name first (Saito Ken)."),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    translated_fields = ("name",)
    objects = PersonManager()
    history = HistoricalRecords()
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [updated_at_index("person")]

    def __str__(self):
        return self.localized("name")

    def natural_key(self):
        return natural_key_values(self)

    def get_absolute_url(self):
        return record_path("meetings:person_detail", self.slug)


class PersonNameQuerySet(models.QuerySet):
    def published(self):
        return self.filter(person__in=Participant.objects.published().values("person"))


class PersonNameManager(NaturalKeyManager.from_queryset(PersonNameQuerySet)):
    pass


class PersonName(EditedModel):
    """Another way a person's name is written: a spelling, a romanisation or a native script."""

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="names", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Who writes it this way.")
    )

    objects = PersonNameManager()
    history = HistoricalRecords()
    natural_key_fields = ("person__slug", "language", "name")

    class Meta:
        ordering = ["person", "language", "name"]
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "language", "name"],
                name="person_name_unique",
                violation_error_message=_("This person already has this name in this language."),
            ),
        ]

    def __str__(self):
        return f"{self.name} [{self.language}]"

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["meetings.person"]


# --- Series and meetings -------------------------------------------------------------------------


class Cadence(models.TextChoices):
    ANNUAL = "annual", _("Annual")
    BIENNIAL = "biennial", _("Every two years")
    IRREGULAR = "irregular", _("Irregular")


class SeriesQuerySet(PublishableQuerySet):
    def search(self, query):
        return self.filter(
            contains_any(query, *with_translations("name", "short_name", "description"))
            | Exists(
                SeriesName.objects.filter(series=OuterRef("pk")).filter(contains_any(query, "name"))
            )
        )


class SeriesManager(NaturalKeyManager.from_queryset(SeriesQuerySet)):
    pass


class MeetingSeries(TranslatedModel, PublishableModel):
    name = models.CharField(_("name"), max_length=200)
    name_ko, name_ja = translations(name)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    short_name_ko, short_name_ja = translations(short_name)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_ko, description_ja = translations(description)
    cadence = models.CharField(
        _("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.ANNUAL
    )
    members = models.ManyToManyField(
        Country, related_name="series", verbose_name=_("member countries")
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    established_by = models.CharField(
        _("established by"),
        max_length=300,
        blank=True,
        help_text=_("The decision that set it up, e.g. the Camp David summit."),
    )
    established_by_ko, established_by_ja = translations(established_by)
    origin = models.TextField(_("origin"), blank=True, help_text=_("How it began. Markdown."))
    origin_ko, origin_ja = translations(origin)

    translated_fields = ("name", "short_name", "description", "established_by", "origin")
    objects = SeriesManager()
    history = HistoricalRecords(m2m_fields=["members"])
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        permissions = [
            ("publish_meetingseries", _("Can publish, schedule and unpublish meeting series"))
        ]
        constraints = [published_needs_date_constraint("meetingseries")]

    def __str__(self):
        return self.localized("name")

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["meetings.country"]

    def get_absolute_url(self):
        return reverse("home")


class SeriesNameQuerySet(models.QuerySet):
    def published(self):
        return self.filter(MeetingSeries.published_q("series__"))


class SeriesNameManager(NaturalKeyManager.from_queryset(SeriesNameQuerySet)):
    pass


class SeriesName(EditedModel):
    """The name one party (or the press) uses for the series."""

    series = models.ForeignKey(
        MeetingSeries, models.CASCADE, related_name="names", verbose_name=_("series")
    )
    party = models.ForeignKey(
        Country,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("party"),
        help_text=_("Leave empty for names used by others, such as news agencies."),
    )
    used_by = models.CharField(
        _("used by"), max_length=100, help_text=_("Who uses the name: MOTIE, METI, Reuters…")
    )
    name = models.CharField(_("name"), max_length=300)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    objects = SeriesNameManager()
    history = HistoricalRecords()
    natural_key_fields = ("series__slug", "language", "name")

    class Meta:
        ordering = ["series", "party__short_name", "language"]
        verbose_name = _("series name")
        verbose_name_plural = _("series names")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "language", "name"],
                name="series_name_unique",
                violation_error_message=_("The series already has this name in this language."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.used_by})"

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["meetings.meetingseries", "meetings.country"]


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingQuerySet(PublishableQuerySet):
    def with_related(self):
        return self.select_related("series", "host_country")

    def for_topic(self, topic):
        """Meetings whose published declarations take up the topic: a draft or scheduled
        declaration must not reveal its subject before it is public."""
        from declarations.models import Declaration

        return self.filter(
            Exists(Declaration.objects.published().for_topic(topic).filter(meeting=OuterRef("pk")))
        )

    def search(self, query):
        """Meetings whose title, account or place mention the query, or where a person of that
        name (in any spelling) took part; on PostgreSQL also by the English full text of title,
        summary and body."""
        participants = Participant.objects.filter(person__in=Person.objects.search(query))
        if on_postgresql(self):
            took_part = among_found_once("pk", participants.values("meeting"))
        else:
            took_part = Exists(participants.filter(meeting=OuterRef("pk")))
        match = (
            contains_any(query, *with_translations("title", "summary", "body", "city", "venue"))
            | took_part
        )
        return ranked_search(self, query, match)


class MeetingManager(NaturalKeyManager.from_queryset(MeetingQuerySet)):
    pass


class Meeting(TranslatedModel, PublishableModel):
    series = models.ForeignKey(
        MeetingSeries, models.PROTECT, related_name="meetings", verbose_name=_("series")
    )
    edition = models.PositiveSmallIntegerField(
        _("edition"), help_text=_("1 for the first meeting of the series, 2 for the second…")
    )
    title = models.CharField(_("title"), max_length=300)
    title_ko, title_ja = translations(title)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        blank=True,
        help_text=_("The year it is held or expected. Filled from the start date when set."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Leave empty for a one-day meeting.")
    )
    host_country = models.ForeignKey(
        Country,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("host country"),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    city_ko, city_ja = translations(city)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    venue_ko, venue_ja = translations(venue)
    summary = models.TextField(_("summary"), blank=True, help_text=_("A paragraph. Markdown."))
    summary_ko, summary_ja = translations(summary)
    body = models.TextField(_("body"), blank=True, help_text=_("The full account. Markdown."))
    body_ko, body_ja = translations(body)

    translated_fields = ("title", "city", "venue", "summary", "body")
    objects = MeetingManager()
    history = HistoricalRecords()
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["-year", "-edition"]
        get_latest_by = "year"
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        permissions = [("publish_meeting", _("Can publish, schedule and unpublish meetings"))]
        indexes = [
            # The list's order, read newest first up to one page, and its year filter.
            models.Index(fields=["-year", "-edition"], name="meeting_year_edition_idx"),
            updated_at_index("meeting"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "edition"],
                name="meeting_edition_unique_in_series",
                violation_error_message=_("The series already has a meeting with this edition."),
            ),
            models.CheckConstraint(
                condition=Q(edition__gte=1),
                name="meeting_edition_at_least_one",
                violation_error_message=_("The edition number starts at 1."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=F("start_date")),
                name="meeting_end_not_before_start",
                violation_error_message=_(
                    "The end date is before the start date: correct one of them."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.HELD) | Q(start_date__isnull=False),
                name="meeting_held_has_date",
                violation_error_message=_("A meeting that was held needs its start date."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=EARLIEST_YEAR, year__lte=LATEST_YEAR),
                name="meeting_year_in_range",
                violation_error_message=_("The year must be between 1900 and 2200."),
            ),
            published_needs_date_constraint("meeting"),
        ]

    def __str__(self):
        return self.localized("title")

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["meetings.meetingseries", "meetings.country"]

    def get_absolute_url(self):
        return record_path("meetings:meeting_detail", self.slug)

    @classmethod
    def published_q(cls, prefix=""):
        return super().published_q(prefix) & MeetingSeries.published_q(f"{prefix}series__")

    @property
    def edition_label(self):
        return edition_ordinal(self.edition)

    @property
    def last_day(self):
        return self.end_date or self.start_date

    def clean(self):
        super().clean()
        if self.start_date:
            if self.year and self.year != self.start_date.year:
                raise ValidationError(
                    {
                        "year": _("The year must match the start date (%(year)s).")
                        % {"year": self.start_date.year}
                    }
                )
            self.year = self.start_date.year
        elif not self.year:
            raise ValidationError(
                {"year": _("Give the start date or, while it is not set, the expected year.")}
            )

    def save(self, *args, **kwargs):
        if self.start_date:
            self.year = self.start_date.year
        super().save(*args, **kwargs)


class ParticipantQuerySet(models.QuerySet):
    def published(self):
        return self.filter(Meeting.published_q("meeting__"))

    def with_related(self):
        return self.select_related("person", "country", "organization", "meeting")

    def search(self, query):
        return self.filter(
            Q(person__in=Person.objects.search(query))
            | contains_any(query, *with_translations("role_title"))
        )


class ParticipantManager(NaturalKeyManager.from_queryset(ParticipantQuerySet)):
    pass


class Participant(TranslatedModel):
    """A person at a meeting, in the office they held at the time."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="participants", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="participations", verbose_name=_("person")
    )
    country = models.ForeignKey(
        Country, models.PROTECT, related_name="participants", verbose_name=_("country")
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("organization"),
    )
    role_title = models.CharField(
        _("office held"), max_length=200, help_text=_("As at the meeting: Secretary of Commerce")
    )
    role_title_ko, role_title_ja = translations(role_title)
    is_head_of_delegation = models.BooleanField(_("head of delegation"), default=True)
    is_host = models.BooleanField(_("host"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    translated_fields = ("role_title",)
    objects = ParticipantManager()
    history = HistoricalRecords()
    natural_key_fields = ("meeting__slug", "person__slug")

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [updated_at_index("participant")]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="participant_once_per_meeting",
                violation_error_message=_("This person is already listed at this meeting."),
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.localized('role_title')}"

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = [
        "meetings.meeting",
        "meetings.person",
        "meetings.country",
        "meetings.organization",
    ]

    def clean(self):
        super().clean()
        if (
            self.organization_id
            and self.country_id
            and self.organization.country_id != self.country_id
        ):
            raise ValidationError(
                {"organization": _("This organization belongs to another country.")}
            )


class MeetingSourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(Meeting.published_q("meeting__"))


class MeetingSourceManager(NaturalKeyManager.from_queryset(MeetingSourceQuerySet)):
    pass


class MeetingSource(SourceFields, EditedModel):
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="sources", verbose_name=_("meeting")
    )

    objects = MeetingSourceManager()
    history = HistoricalRecords()
    natural_key_fields = ("meeting__slug", "url")

    class Meta:
        ordering = ["meeting", "published_on", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "url"],
                name="meeting_source_unique",
                violation_error_message=_("This source is already listed for the meeting."),
            ),
        ]

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["meetings.meeting"]


class RemarkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(Meeting.published_q("meeting__"))


class RemarkManager(NaturalKeyManager.from_queryset(RemarkQuerySet)):
    pass


class Remark(TranslatedModel):
    """Something a participant said at the meeting, as reported by a source."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="remarks", verbose_name=_("meeting")
    )
    speaker = models.ForeignKey(
        Participant, models.CASCADE, related_name="remarks", verbose_name=_("speaker")
    )
    text = models.TextField(_("text"))
    text_ko, text_ja = translations(text)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    source = models.ForeignKey(
        MeetingSource,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="remarks",
        verbose_name=_("source"),
    )

    translated_fields = ("text",)
    objects = RemarkManager()
    history = HistoricalRecords()
    natural_key_fields = ("meeting__slug", "order")

    class Meta:
        ordering = ["meeting", "order"]
        verbose_name = _("remark")
        verbose_name_plural = _("remarks")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order"],
                name="remark_order_unique_in_meeting",
                violation_error_message=_("Another remark of this meeting has this order number."),
            ),
        ]

    def __str__(self):
        return f"{self.speaker.person}: {self.localized('text')[:60]}"

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = [
        "meetings.meeting",
        "meetings.participant",
        "meetings.meetingsource",
    ]

    def clean(self):
        super().clean()
        if self.speaker_id and self.meeting_id and self.speaker.meeting_id != self.meeting_id:
            raise ValidationError(
                {"speaker": _("The speaker must be a participant of this meeting.")}
            )
        if self.source_id and self.meeting_id and self.source.meeting_id != self.meeting_id:
            raise ValidationError(
                {"source": _("The source must be one of this meeting's sources.")}
            )
