"""The API's declarations, their paragraphs and per-party titles, topics, commitments and the
updates that follow a commitment across later meetings."""

from django.db.models import Prefetch
from rest_framework import serializers

from declarations.filters import (
    CommitmentFilter,
    CommitmentUpdateFilter,
    DeclarationFilter,
    DeclarationTitleFilter,
    ParagraphFilter,
    TopicFilter,
)
from declarations.models import (
    Commitment,
    CommitmentUpdate,
    Declaration,
    DeclarationSource,
    DeclarationTitle,
    Paragraph,
    Topic,
)
from meetings.api import PUBLICATION_FIELDS, RECORD_FIELDS, SourceSerializer, country_code
from meetings.models import Meeting
from trilateral.api import (
    ID_PATTERN,
    LinkField,
    PageURLField,
    RecordSerializer,
    RecordViewSet,
    RelatedSlugField,
    TranslatedSerializer,
    summaries,
    visible,
    with_summaries,
)


def topic_slugs(**kwargs):
    return RelatedSlugField(slug_field="slug", queryset=Topic.objects.all(), **kwargs)


def declaration_slug():
    return RelatedSlugField(slug_field="slug", queryset=Declaration.objects.all())


def visible_topics(request):
    return Prefetch("topics", queryset=summaries(visible(Topic.objects.all(), request)))


# --- Summaries nested in a declaration or a commitment (read-only) -------------------------------


class ListedTopicSlugs(serializers.ManyRelatedField):
    """The slugs of a paragraph's visible topics, from the list the declaration's queryset
    prefetches as `listed_topics`: a manager and a queryset for each of hundreds of paragraphs
    would cost more than the rest of their summaries. The schema reads the type of the model's
    `topics`."""

    def __init__(self, **kwargs):
        child = serializers.SlugRelatedField(slug_field="slug", read_only=True)
        super().__init__(child_relation=child, read_only=True, **kwargs)

    def get_attribute(self, paragraph):
        return paragraph.listed_topics


class TitleSummarySerializer(TranslatedSerializer):
    url = LinkField(view_name="api:declaration-title-detail")
    party = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = DeclarationTitle
        fields = ["url", "party", "used_by", "title", "language", "source_url"]


class ParagraphSummarySerializer(TranslatedSerializer):
    url = LinkField(view_name="api:paragraph-detail")
    html_url = PageURLField()
    topics = ListedTopicSlugs()

    class Meta:
        model = Paragraph
        fields = ["url", "html_url", "number", "anchor", "heading", "text", "topics"]


class CommitmentSummarySerializer(TranslatedSerializer):
    url = LinkField(view_name="api:commitment-detail", lookup_field="slug")
    html_url = PageURLField()
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    paragraph_anchor = serializers.CharField(source="paragraph.anchor", allow_null=True)

    class Meta:
        model = Commitment
        fields = ["url", "html_url", "slug", "text", "status", "topic", "paragraph_anchor"]


class UpdateSummarySerializer(TranslatedSerializer):
    url = LinkField(view_name="api:commitment-update-detail")
    meeting = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = CommitmentUpdate
        fields = ["url", "reported_on", "status", "meeting", "note"]


# --- Resources ----------------------------------------------------------------------------------


class TopicSerializer(RecordSerializer):
    url = LinkField(view_name="api:topic-detail", lookup_field="slug")
    html_url = PageURLField()

    class Meta:
        model = Topic
        fields = [
            "url",
            "html_url",
            "slug",
            "name",
            "description",
            *PUBLICATION_FIELDS,
            *RECORD_FIELDS,
        ]


class DeclarationSerializer(RecordSerializer):
    url = LinkField(view_name="api:declaration-detail", lookup_field="slug")
    html_url = PageURLField()
    meeting = RelatedSlugField(slug_field="slug", queryset=Meeting.objects.all())
    topics = topic_slugs(many=True, required=False)
    titles = TitleSummarySerializer(many=True, read_only=True)
    paragraphs = ParagraphSummarySerializer(many=True, read_only=True)
    commitments = CommitmentSummarySerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Declaration
        fields = [
            "url",
            "html_url",
            "slug",
            "meeting",
            "kind",
            "title",
            "adopted_on",
            "summary",
            "is_excerpt",
            "topics",
            "titles",
            "paragraphs",
            "commitments",
            "sources",
            *PUBLICATION_FIELDS,
            *RECORD_FIELDS,
        ]


class ParagraphSerializer(RecordSerializer):
    url = LinkField(view_name="api:paragraph-detail")
    html_url = PageURLField()
    declaration = declaration_slug()
    topics = topic_slugs(many=True, required=False)

    class Meta:
        model = Paragraph
        fields = [
            "url",
            "id",
            "html_url",
            "declaration",
            "number",
            "anchor",
            "heading",
            "text",
            "topics",
            *RECORD_FIELDS,
        ]


class DeclarationTitleSerializer(RecordSerializer):
    url = LinkField(view_name="api:declaration-title-detail")
    declaration = declaration_slug()
    party = country_code(allow_null=True, required=False)

    class Meta:
        model = DeclarationTitle
        fields = [
            "url",
            "id",
            "declaration",
            "party",
            "used_by",
            "title",
            "language",
            "source_url",
            *RECORD_FIELDS,
        ]


class CommitmentSerializer(RecordSerializer):
    url = LinkField(view_name="api:commitment-detail", lookup_field="slug")
    html_url = PageURLField()
    declaration = declaration_slug()
    paragraph = serializers.PrimaryKeyRelatedField(
        queryset=Paragraph.objects.all(), allow_null=True, required=False
    )
    paragraph_anchor = serializers.CharField(
        source="paragraph.anchor", read_only=True, allow_null=True
    )
    topic = topic_slugs(allow_null=True, required=False)
    # The visible updates, as the commitments' queryset prefetches them.
    updates = UpdateSummarySerializer(many=True, read_only=True, source="listed_updates")

    class Meta:
        model = Commitment
        fields = [
            "url",
            "html_url",
            "slug",
            "declaration",
            "paragraph",
            "paragraph_anchor",
            "topic",
            "text",
            "status",
            "order",
            "updates",
            *RECORD_FIELDS,
        ]


class CommitmentUpdateSerializer(RecordSerializer):
    url = LinkField(view_name="api:commitment-update-detail")
    commitment = RelatedSlugField(slug_field="slug", queryset=Commitment.objects.all())
    meeting = RelatedSlugField(
        slug_field="slug", queryset=Meeting.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = CommitmentUpdate
        fields = [
            "url",
            "id",
            "commitment",
            "meeting",
            "reported_on",
            "status",
            "note",
            *RECORD_FIELDS,
        ]


# --- Viewsets -----------------------------------------------------------------------------------


class TopicViewSet(RecordViewSet):
    serializer_class = TopicSerializer
    filterset_class = TopicFilter
    ordering_fields = ["name", "updated_at"]

    def get_queryset(self):
        return visible(Topic.objects.all(), self.request)


class DeclarationViewSet(RecordViewSet):
    serializer_class = DeclarationSerializer
    filterset_class = DeclarationFilter
    ordering_fields = ["adopted_on", "title", "updated_at"]

    def get_queryset(self):
        paragraphs = summaries(Paragraph.objects.all()).prefetch_related(
            Prefetch(
                "topics",
                queryset=summaries(visible(Topic.objects.all(), self.request)),
                # A list, not a manager and queryset for each of the hundreds of paragraphs.
                to_attr="listed_topics",
            )
        )
        declarations = with_summaries(visible(Declaration.objects.all(), self.request), "meeting")
        return declarations.prefetch_related(
            visible_topics(self.request),
            Prefetch("titles", queryset=summaries(DeclarationTitle.objects.all(), "party")),
            Prefetch("paragraphs", queryset=paragraphs),
            Prefetch(
                "commitments",
                queryset=summaries(Commitment.objects.all(), "paragraph", "topic"),
            ),
            Prefetch("sources", queryset=summaries(DeclarationSource.objects.all())),
        )


class ParagraphViewSet(RecordViewSet):
    serializer_class = ParagraphSerializer
    filterset_class = ParagraphFilter
    lookup_field = "pk"
    lookup_value_regex = ID_PATTERN
    ordering_fields = ["number", "updated_at"]

    def get_queryset(self):
        return with_summaries(
            visible(Paragraph.objects.all(), self.request), "declaration"
        ).prefetch_related(visible_topics(self.request))


class DeclarationTitleViewSet(RecordViewSet):
    serializer_class = DeclarationTitleSerializer
    filterset_class = DeclarationTitleFilter
    lookup_field = "pk"
    lookup_value_regex = ID_PATTERN
    ordering_fields = ["language", "updated_at"]

    def get_queryset(self):
        return with_summaries(
            visible(DeclarationTitle.objects.all(), self.request), "declaration", "party"
        )


class CommitmentViewSet(RecordViewSet):
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter
    ordering_fields = ["order", "status", "updated_at"]

    def get_queryset(self):
        updates = summaries(visible(CommitmentUpdate.objects.all(), self.request), "meeting")
        commitments = with_summaries(
            visible(Commitment.objects.all(), self.request), "declaration", "paragraph", "topic"
        )
        # A list, not a manager and a queryset for each of the thousands a CSV export has.
        return commitments.prefetch_related(
            Prefetch("updates", queryset=updates, to_attr="listed_updates")
        )


class CommitmentUpdateViewSet(RecordViewSet):
    serializer_class = CommitmentUpdateSerializer
    filterset_class = CommitmentUpdateFilter
    lookup_field = "pk"
    lookup_value_regex = ID_PATTERN
    ordering_fields = ["reported_on", "updated_at"]

    def get_queryset(self):
        return with_summaries(
            visible(CommitmentUpdate.objects.all(), self.request), "commitment", "meeting"
        )


routes = [
    ("declarations", DeclarationViewSet, "declaration"),
    ("paragraphs", ParagraphViewSet, "paragraph"),
    ("declaration-titles", DeclarationTitleViewSet, "declaration-title"),
    ("topics", TopicViewSet, "topic"),
    ("commitments", CommitmentViewSet, "commitment"),
    ("commitment-updates", CommitmentUpdateViewSet, "commitment-update"),
]
