"""Declarations that meetings adopt: their paragraphs, topics, and the commitments they make."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings.models import Country, Meeting
from trilateral.links import record_path
from trilateral.models import (
    EditedModel,
    Language,
    NaturalKeyManager,
    PublicationStatus,
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
    has_text_index,
    on_postgresql,
    ranked_search,
    text_index_column,
    text_index_search,
)
from trilateral.translation import TranslatedModel, translations, with_translations


class TopicQuerySet(PublishableQuerySet):
    def search(self, query):
        match = contains_any(query, *with_translations("name", "description"))
        return ranked_search(self, query, match)


class TopicManager(NaturalKeyManager.from_queryset(TopicQuerySet)):
    pass


class Topic(TranslatedModel, PublishableModel):
    """An area of cooperation that connects the years: semiconductors, critical minerals, …"""

    name = models.CharField(_("name"), max_length=200)
    name_ko, name_ja = translations(name)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_ko, description_ja = translations(description)

    translated_fields = ("name", "description")
    objects = TopicManager()
    history = HistoricalRecords()
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        permissions = [("publish_topic", _("Can publish, schedule and unpublish topics"))]
        constraints = [published_needs_date_constraint("topic")]

    def __str__(self):
        return self.localized("name")

    def natural_key(self):
        return natural_key_values(self)

    def get_absolute_url(self):
        return record_path("declarations:topic_detail", self.slug)


class DeclarationKind(models.TextChoices):
    JOINT_DECLARATION = "joint-declaration", _("Joint declaration")
    JOINT_STATEMENT = "joint-statement", _("Joint statement")
    COMMUNIQUE = "communique", _("Communiqué")
    CHAIRS_STATEMENT = "chairs-statement", _("Chair's statement")
    OTHER = "other", _("Other document")


class DeclarationQuerySet(PublishableQuerySet):
    def with_related(self):
        return self.select_related("meeting", "meeting__series")

    def for_topic(self, topic):
        return self.filter(
            Exists(
                Declaration.topics.through.objects.filter(declaration=OuterRef("pk"), topic=topic)
            )
            | Exists(Paragraph.objects.filter(declaration=OuterRef("pk"), topics=topic))
        )

    def search(self, query):
        """Declarations whose title (in any party's wording), summary or text has the query."""
        match = (
            contains_any(query, *with_translations("title", "summary"))
            | Exists(
                DeclarationTitle.objects.filter(declaration=OuterRef("pk")).filter(
                    contains_any(query, "title")
                )
            )
            | Paragraph.objects.in_declarations_matching(query)
        )
        return ranked_search(self, query, match)


class DeclarationManager(NaturalKeyManager.from_queryset(DeclarationQuerySet)):
    pass


class Declaration(TranslatedModel, PublishableModel):
    meeting = models.ForeignKey(
        Meeting, models.PROTECT, related_name="declarations", verbose_name=_("meeting")
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=DeclarationKind.choices,
        default=DeclarationKind.JOINT_DECLARATION,
    )
    title = models.CharField(_("title"), max_length=300)
    title_ko, title_ja = translations(title)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    summary_ko, summary_ja = translations(summary)
    is_excerpt = models.BooleanField(
        _("excerpts only"),
        default=False,
        help_text=_("Tick when the stored paragraphs are quoted excerpts, not the full text."),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="declarations", verbose_name=_("topics")
    )

    translated_fields = ("title", "summary")
    objects = DeclarationManager()
    history = HistoricalRecords(m2m_fields=["topics"])
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["-meeting__year", "title"]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        permissions = [
            ("publish_declaration", _("Can publish, schedule and unpublish declarations"))
        ]
        indexes = [updated_at_index("declaration")]
        constraints = [published_needs_date_constraint("declaration")]

    def __str__(self):
        return self.localized("title")

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["meetings.meeting", "declarations.topic"]

    def get_absolute_url(self):
        return record_path("declarations:declaration_detail", self.slug)

    @classmethod
    def published_q(cls, prefix=""):
        return super().published_q(prefix) & Meeting.published_q(f"{prefix}meeting__")


class DeclarationChildQuerySet(models.QuerySet):
    """Rows that are public exactly when their declaration is."""

    def published(self):
        return self.filter(Declaration.published_q("declaration__"))


class ParagraphQuerySet(DeclarationChildQuerySet):
    def with_related(self):
        return self.select_related("declaration", "declaration__meeting").prefetch_related("topics")

    def for_topic(self, topic):
        return self.filter(topics=topic)

    def count_per_meeting(self):
        """(meeting id, year, number of these paragraphs) for each meeting that has any.

        A topic's paragraphs are a few thousand of the record's tens of thousands: each is found
        from the tags and its declaration read from `paragraph_id_declaration_idx`, without
        reading the paragraph's row, whose texts fill most of the table."""
        return (
            self.order_by()
            .values_list("declaration__meeting", "declaration__meeting__year")
            .annotate(Count("pk"))
        )

    def search(self, query):
        if has_text_index(self, query):
            return text_index_search(self, query)
        return ranked_search(
            self, query, contains_any(query, *with_translations("heading", "text"))
        )

    def in_declarations_matching(self, query):
        """A condition on declarations: one of their paragraphs has the query (see `search`)."""
        if has_text_index(self, query):
            # Straight from the index, once: `search()`'s join cannot sit inside another query.
            return Q(pk__in=text_index_column(self.model, query, "declaration_id"))
        paragraphs = self.search(query)
        if on_postgresql(self):
            # Found once, through their indexes, rather than probed declaration by declaration.
            # As `pk IN (…)`, whether PostgreSQL used the indexes or read every paragraph turned
            # on the indexes' statistics, and after some vacuums it read them all
            # (bench/query-plans.md).
            return among_found_once("pk", paragraphs.values("declaration"))
        # Without those indexes, stopping at each declaration's first match reads less.
        return Exists(paragraphs.filter(declaration=OuterRef("pk")))


class ParagraphManager(NaturalKeyManager.from_queryset(ParagraphQuerySet)):
    pass


class DeclarationChildManager(NaturalKeyManager.from_queryset(DeclarationChildQuerySet)):
    pass


class DeclarationTitle(EditedModel):
    """The title one party publishes the declaration under."""

    declaration = models.ForeignKey(
        Declaration, models.CASCADE, related_name="titles", verbose_name=_("declaration")
    )
    party = models.ForeignKey(
        Country,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("party"),
        help_text=_("Leave empty for titles used by others, such as news agencies."),
    )
    used_by = models.CharField(_("used by"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    objects = DeclarationChildManager()
    history = HistoricalRecords()
    natural_key_fields = ("declaration__slug", "language", "title")

    class Meta:
        ordering = ["declaration", "party__short_name", "language"]
        verbose_name = _("title used by a party")
        verbose_name_plural = _("titles used by the parties")
        indexes = [updated_at_index("declarationtitle")]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "language", "title"],
                name="declaration_title_unique",
                violation_error_message=_("The declaration already has this title."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.used_by})"

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["declarations.declaration", "meetings.country"]


class Paragraph(TranslatedModel):
    """A numbered part of a declaration, cited by its anchor: /declarations/<slug>/#p3."""

    declaration = models.ForeignKey(
        Declaration, models.CASCADE, related_name="paragraphs", verbose_name=_("declaration")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    anchor = models.SlugField(
        _("anchor"),
        max_length=50,
        blank=True,
        help_text=_(
            "The permalink id. Filled as p<number> when left empty; never change it once published."
        ),
    )
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    heading_ko, heading_ja = translations(heading)
    text = models.TextField(_("text"))
    text_ko, text_ja = translations(text)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="paragraphs", verbose_name=_("topics")
    )

    translated_fields = ("heading", "text")
    objects = ParagraphManager()
    history = HistoricalRecords(m2m_fields=["topics"])
    natural_key_fields = ("declaration__slug", "anchor")

    class Meta:
        ordering = ["declaration", "number", "id"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        indexes = [
            updated_at_index("paragraph"),
            # The declaration of each paragraph found by id (through its tags, as
            # `count_per_meeting()` does) read from the index alone, rather than from the rows.
            models.Index(fields=["id", "declaration"], name="paragraph_id_declaration_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "anchor"],
                name="paragraph_anchor_unique_in_declaration",
                violation_error_message=_("Another paragraph of this declaration has this anchor."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="paragraph_number_at_least_one",
                violation_error_message=_("Paragraph numbers start at 1."),
            ),
            models.CheckConstraint(
                condition=~Q(anchor=""),
                name="paragraph_anchor_not_empty",
                violation_error_message=_("A paragraph needs an anchor."),
            ),
        ]

    def __str__(self):
        return f"{self.declaration} ¶{self.number}"

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["declarations.declaration", "declarations.topic"]

    def get_absolute_url(self):
        return f"{self.declaration.get_absolute_url()}#{self.anchor}"

    def taken_anchors(self):
        """Anchors other paragraphs of the declaration use, now or as kept old permalinks."""
        if not self.declaration_id:
            return set()
        live = Paragraph.objects.filter(declaration_id=self.declaration_id).exclude(pk=self.pk)
        kept = ParagraphAnchorAlias.objects.filter(declaration_id=self.declaration_id).exclude(
            paragraph_id=self.pk
        )
        return {*live.values_list("anchor", flat=True), *kept.values_list("anchor", flat=True)}

    def fill_anchor(self):
        """p<number>, or p<number>-2, … when a renumbered paragraph still holds p<number>."""
        if self.anchor or not self.number:
            return
        taken = self.taken_anchors()
        candidate, suffix = f"p{self.number}", 2
        while candidate in taken:
            candidate, suffix = f"p{self.number}-{suffix}", suffix + 1
        self.anchor = candidate

    def clean(self):
        super().clean()
        self.fill_anchor()
        kept_elsewhere = ParagraphAnchorAlias.objects.filter(
            declaration_id=self.declaration_id, anchor=self.anchor
        ).exclude(paragraph_id=self.pk)
        if self.declaration_id and kept_elsewhere.exists():
            raise ValidationError(
                {"anchor": _("This anchor is kept as the old permalink of another paragraph.")}
            )

    def save(self, *args, **kwargs):
        self.fill_anchor()
        previous = None
        if not self._state.adding:
            previous = Paragraph.objects.filter(pk=self.pk).values_list("anchor", flat=True).first()
        super().save(*args, **kwargs)
        if previous and previous != self.anchor:
            self.keep_old_anchor(previous)

    def keep_old_anchor(self, old_anchor):
        """Once the declaration is out, links to the old anchor must keep landing here."""
        aliases = ParagraphAnchorAlias.objects.filter(declaration_id=self.declaration_id)
        aliases.filter(paragraph=self, anchor=self.anchor).delete()
        if self.declaration.publication_status == PublicationStatus.PUBLISHED:
            aliases.update_or_create(
                anchor=old_anchor,
                defaults={"paragraph": self, "declaration_id": self.declaration_id},
            )


class ParagraphAnchorAlias(EditedModel):
    """An anchor a paragraph was cited by before it changed. The declaration page renders it as
    an extra id on the paragraph, so permalinks made before the change still land on it."""

    declaration = models.ForeignKey(
        Declaration, models.CASCADE, related_name="anchor_aliases", verbose_name=_("declaration")
    )
    paragraph = models.ForeignKey(
        Paragraph, models.CASCADE, related_name="anchor_aliases", verbose_name=_("paragraph")
    )
    anchor = models.SlugField(_("old anchor"), max_length=50)

    objects = DeclarationChildManager()
    history = HistoricalRecords()
    natural_key_fields = ("declaration__slug", "anchor")

    class Meta:
        ordering = ["declaration", "anchor"]
        verbose_name = _("old paragraph anchor")
        verbose_name_plural = _("old paragraph anchors")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "anchor"],
                name="paragraph_anchor_alias_unique_in_declaration",
                violation_error_message=_("This old anchor already leads to a paragraph."),
            ),
            models.CheckConstraint(
                condition=~Q(anchor=""),
                name="paragraph_anchor_alias_not_empty",
                violation_error_message=_("An old anchor cannot be empty."),
            ),
        ]

    def __str__(self):
        return f"#{self.anchor} → #{self.paragraph.anchor}"

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["declarations.declaration", "declarations.paragraph"]

    def clean(self):
        super().clean()
        if self.paragraph_id:
            self.declaration_id = self.paragraph.declaration_id
        if (
            self.declaration_id
            and Paragraph.objects.filter(
                declaration_id=self.declaration_id, anchor=self.anchor
            ).exists()
        ):
            raise ValidationError(
                {"anchor": _("A paragraph of this declaration has this anchor now.")}
            )

    def save(self, *args, **kwargs):
        if self.paragraph_id and not self.declaration_id:
            self.declaration_id = self.paragraph.declaration_id
        super().save(*args, **kwargs)


class DeclarationSource(SourceFields, EditedModel):
    declaration = models.ForeignKey(
        Declaration, models.CASCADE, related_name="sources", verbose_name=_("declaration")
    )

    objects = DeclarationChildManager()
    history = HistoricalRecords()
    natural_key_fields = ("declaration__slug", "url")

    class Meta:
        ordering = ["declaration", "published_on", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "url"],
                name="declaration_source_unique",
                violation_error_message=_("This source is already listed for the declaration."),
            ),
        ]

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["declarations.declaration"]


class CommitmentStatus(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    IN_PROGRESS = "in-progress", _("In progress")
    FULFILLED = "fulfilled", _("Fulfilled")
    LAPSED = "lapsed", _("Lapsed")
    SUPERSEDED = "superseded", _("Superseded")


class CommitmentQuerySet(DeclarationChildQuerySet):
    def with_related(self):
        return self.select_related("declaration", "declaration__meeting", "paragraph", "topic")

    def for_topic(self, topic):
        return self.filter(topic=topic)

    def search(self, query):
        return ranked_search(self, query, contains_any(query, *with_translations("text")))


class CommitmentManager(NaturalKeyManager.from_queryset(CommitmentQuerySet)):
    pass


class Commitment(TranslatedModel):
    """Something the parties undertook in a declaration, followed across later meetings."""

    declaration = models.ForeignKey(
        Declaration, models.CASCADE, related_name="commitments", verbose_name=_("declaration")
    )
    paragraph = models.ForeignKey(
        Paragraph,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("paragraph"),
        help_text=_("The paragraph that makes the commitment, where the text has one."),
    )
    topic = models.ForeignKey(
        Topic,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("topic"),
    )
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    text = models.TextField(_("text"))
    text_ko, text_ja = translations(text)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PLEDGED,
        db_index=True,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    translated_fields = ("text",)
    objects = CommitmentManager()
    history = HistoricalRecords()
    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["declaration", "order", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [updated_at_index("commitment")]

    def __str__(self):
        return self.localized("text")[:80]

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = [
        "declarations.declaration",
        "declarations.paragraph",
        "declarations.topic",
    ]

    def get_absolute_url(self):
        return f"{self.declaration.get_absolute_url()}#commitment-{self.slug}"

    def clean(self):
        super().clean()
        if (
            self.paragraph_id
            and self.declaration_id
            and self.paragraph.declaration_id != self.declaration_id
        ):
            raise ValidationError(
                {"paragraph": _("The paragraph must belong to the same declaration.")}
            )


class CommitmentUpdateQuerySet(models.QuerySet):
    def published(self):
        """Updates of a published commitment, reported at a published meeting or at none.

        Written as uncorrelated IN subqueries, each computed once: as joins, a prefetch for
        thousands of commitments made SQLite walk every published declaration once per id."""
        return self.filter(commitment__in=Commitment.objects.published().values("pk")).filter(
            Q(meeting__isnull=True) | Q(meeting__in=Meeting.objects.published().values("pk"))
        )


class CommitmentUpdateManager(NaturalKeyManager.from_queryset(CommitmentUpdateQuerySet)):
    pass


class CommitmentUpdate(EditedModel):
    """Progress on a commitment, as reported at a later meeting or on a date."""

    commitment = models.ForeignKey(
        Commitment, models.CASCADE, related_name="updates", verbose_name=_("commitment")
    )
    meeting = models.ForeignKey(
        Meeting,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="commitment_updates",
        verbose_name=_("reported at"),
    )
    reported_on = models.DateField(_("reported on"))
    status = models.CharField(_("status"), max_length=12, choices=CommitmentStatus.choices)
    note = models.TextField(_("note"), blank=True)

    objects = CommitmentUpdateManager()
    history = HistoricalRecords()
    natural_key_fields = ("commitment__slug", "reported_on")

    class Meta:
        ordering = ["commitment", "reported_on"]
        get_latest_by = "reported_on"
        verbose_name = _("commitment update")
        verbose_name_plural = _("commitment updates")
        indexes = [updated_at_index("commitmentupdate")]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "reported_on"],
                name="commitment_update_once_a_day",
                violation_error_message=_("This commitment already has an update on this date."),
            ),
        ]

    def __str__(self):
        return f"{self.commitment} — {self.get_status_display()} ({self.reported_on})"

    def natural_key(self):
        return natural_key_values(self)

    natural_key.dependencies = ["declarations.commitment", "meetings.meeting"]
