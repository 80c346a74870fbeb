"""The API's series, meetings, participants, people, organizations and countries."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from declarations.models import Declaration
from meetings.filters import (
    CountryFilter,
    MeetingFilter,
    OrganizationFilter,
    ParticipantFilter,
    PersonFilter,
    SeriesFilter,
)
from meetings.models import (
    Country,
    Meeting,
    MeetingSeries,
    MeetingSource,
    Organization,
    Participant,
    Person,
    PersonName,
    Remark,
    SeriesName,
)
from trilateral.api import (
    COUNTRY_CODE_PATTERN,
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
from trilateral.links import filtered_list_path

PUBLICATION_FIELDS = ["publication_status", "published_at"]
RECORD_FIELDS = ["created_at", "updated_at"]


def country_code(**kwargs):
    return RelatedSlugField(slug_field="code", queryset=Country.objects.all(), **kwargs)


# --- Summaries nested in other records (read-only) ----------------------------------------------


class PersonSummarySerializer(TranslatedSerializer):
    url = LinkField(view_name="api:person-detail", lookup_field="slug")

    class Meta:
        model = Person
        fields = ["url", "slug", "name"]


class OrganizationSummarySerializer(TranslatedSerializer):
    url = LinkField(view_name="api:organization-detail", lookup_field="slug")

    class Meta:
        model = Organization
        fields = ["url", "slug", "name", "abbreviation"]


class MeetingSummarySerializer(TranslatedSerializer):
    url = LinkField(view_name="api:meeting-detail", lookup_field="slug")
    html_url = PageURLField()

    class Meta:
        model = Meeting
        fields = ["url", "html_url", "slug", "title", "edition", "year", "start_date", "status"]


class ParticipantSummarySerializer(TranslatedSerializer):
    url = LinkField(view_name="api:participant-detail")
    person = PersonSummarySerializer()
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization = OrganizationSummarySerializer(allow_null=True)

    class Meta:
        model = Participant
        fields = [
            "url",
            "person",
            "country",
            "organization",
            "role_title",
            "is_head_of_delegation",
            "is_host",
            "order",
        ]


class ParticipationSerializer(TranslatedSerializer):
    """A person's part in one meeting, as their record lists it."""

    url = LinkField(view_name="api:participant-detail")
    meeting = MeetingSummarySerializer()
    country = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Participant
        fields = ["url", "meeting", "country", "role_title", "is_head_of_delegation", "is_host"]


class DeclarationSummarySerializer(TranslatedSerializer):
    url = LinkField(view_name="api:declaration-detail", lookup_field="slug")
    html_url = PageURLField()

    class Meta:
        model = Declaration
        fields = ["url", "html_url", "slug", "title", "kind", "adopted_on", "is_excerpt"]


class SourceSerializer(serializers.Serializer):
    """A published document a record rests on (sources of meetings and of declarations)."""

    publisher = serializers.CharField()
    title = serializers.CharField()
    address = serializers.URLField(source="url")
    published_on = serializers.DateField(allow_null=True)
    language = serializers.CharField()


class RemarkSerializer(TranslatedSerializer):
    speaker = PersonSummarySerializer(source="speaker.person")

    class Meta:
        model = Remark
        fields = ["order", "speaker", "text"]


class PersonNameSerializer(TranslatedSerializer):
    class Meta:
        model = PersonName
        fields = ["name", "language", "note"]


class SeriesNameSerializer(TranslatedSerializer):
    party = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = SeriesName
        fields = ["party", "used_by", "name", "language", "source_url"]


# --- Resources ----------------------------------------------------------------------------------


class CountrySerializer(RecordSerializer):
    url = LinkField(view_name="api:country-detail", lookup_field="code")
    html_url = PageURLField()

    class Meta:
        model = Country
        fields = [
            "url",
            "html_url",
            "code",
            "alpha3",
            "numeric_code",
            "name",
            "short_name",
            *RECORD_FIELDS,
        ]


class OrganizationSerializer(RecordSerializer):
    url = LinkField(view_name="api:organization-detail", lookup_field="slug")
    country = country_code()
    website = serializers.URLField(
        source="url", required=False, allow_blank=True, max_length=200, label=_("website")
    )

    class Meta:
        model = Organization
        fields = ["url", "slug", "name", "abbreviation", "country", "website", *RECORD_FIELDS]


class PersonSerializer(RecordSerializer):
    url = LinkField(view_name="api:person-detail", lookup_field="slug")
    html_url = PageURLField()
    names = PersonNameSerializer(many=True, read_only=True)
    participations = ParticipationSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "url",
            "html_url",
            "slug",
            "name",
            "family_name",
            "given_name",
            "family_name_first",
            "names",
            "participations",
            *RECORD_FIELDS,
        ]


@extend_schema_field(OpenApiTypes.URI)
class FilteredListURLField(serializers.Field):
    """Where a record's children, which grow with every meeting, are listed a page at a time:
    a list endpoint filtered to the record."""

    def __init__(self, list_view, filter_name, **kwargs):
        self.list_view, self.filter_name = list_view, filter_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        url = filtered_list_path(self.list_view, **{self.filter_name: record.slug})
        return self.context["request"].build_absolute_uri(url)


def list_serializer(serializer, nested, url_field):
    """The serializer of a list page: `nested` (a list that grows with every meeting) becomes
    a link to where it is listed a page at a time; the record's own page keeps it nested."""

    class Meta(serializer.Meta):
        fields = [f"{nested}_url" if name == nested else name for name in serializer.Meta.fields]

    return type(
        f"{serializer.__name__[: -len('Serializer')]}ListSerializer",
        (serializer,),
        {f"{nested}_url": url_field, "Meta": Meta, "__module__": __name__},
    )


PersonListSerializer = list_serializer(
    PersonSerializer,
    "participations",
    FilteredListURLField(
        "api:participant-list",
        "person",
        help_text=_("The person's participations, a page at a time."),
    ),
)


class SeriesSerializer(RecordSerializer):
    url = LinkField(view_name="api:series-detail", lookup_field="slug")
    html_url = PageURLField()
    members = country_code(many=True)
    names = SeriesNameSerializer(many=True, read_only=True)
    meetings = MeetingSummarySerializer(many=True, read_only=True)

    class Meta:
        model = MeetingSeries
        fields = [
            "url",
            "html_url",
            "slug",
            "name",
            "short_name",
            "description",
            "cadence",
            "members",
            "established_on",
            "established_by",
            "origin",
            "names",
            "meetings",
            *PUBLICATION_FIELDS,
            *RECORD_FIELDS,
        ]


SeriesListSerializer = list_serializer(
    SeriesSerializer,
    "meetings",
    FilteredListURLField(
        "api:meeting-list", "series", help_text=_("The series' meetings, a page at a time.")
    ),
)


class MeetingSerializer(RecordSerializer):
    url = LinkField(view_name="api:meeting-detail", lookup_field="slug")
    html_url = PageURLField()
    series = RelatedSlugField(slug_field="slug", queryset=MeetingSeries.objects.all())
    edition_label = serializers.CharField(read_only=True)
    host_country = country_code(allow_null=True, required=False)
    participants = ParticipantSummarySerializer(many=True, read_only=True)
    remarks = RemarkSerializer(many=True, read_only=True)
    declarations = DeclarationSummarySerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "url",
            "html_url",
            "slug",
            "series",
            "edition",
            "edition_label",
            "title",
            "status",
            "year",
            "start_date",
            "end_date",
            "host_country",
            "city",
            "venue",
            "summary",
            "body",
            "participants",
            "remarks",
            "declarations",
            "sources",
            *PUBLICATION_FIELDS,
            *RECORD_FIELDS,
        ]


class ParticipantSerializer(RecordSerializer):
    url = LinkField(view_name="api:participant-detail")
    meeting = RelatedSlugField(slug_field="slug", queryset=Meeting.objects.all())
    person = RelatedSlugField(slug_field="slug", queryset=Person.objects.all())
    person_name = serializers.CharField(source="person.name", read_only=True)
    country = country_code()
    organization = RelatedSlugField(
        slug_field="slug", queryset=Organization.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Participant
        fields = [
            "url",
            "id",
            "meeting",
            "person",
            "person_name",
            "country",
            "organization",
            "role_title",
            "is_head_of_delegation",
            "is_host",
            "order",
            *RECORD_FIELDS,
        ]


# --- Viewsets -----------------------------------------------------------------------------------


class CountryViewSet(RecordViewSet):
    serializer_class = CountrySerializer
    filterset_class = CountryFilter
    lookup_field = "code"
    lookup_value_regex = COUNTRY_CODE_PATTERN
    ordering_fields = ["code", "name", "short_name", "updated_at"]

    def get_queryset(self):
        return visible(Country.objects.all(), self.request)


class OrganizationViewSet(RecordViewSet):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    ordering_fields = ["name", "abbreviation", "updated_at"]

    def get_queryset(self):
        return with_summaries(visible(Organization.objects.all(), self.request), "country")


class PersonViewSet(RecordViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    ordering_fields = ["name", "family_name", "updated_at"]

    def get_serializer_class(self):
        return PersonListSerializer if self.action == "list" else PersonSerializer

    def get_queryset(self):
        people = visible(Person.objects.all(), self.request).prefetch_related(
            Prefetch("names", queryset=summaries(PersonName.objects.all()))
        )
        if self.action == "list":
            return people
        participations = summaries(
            visible(Participant.objects.all(), self.request), "meeting", "country"
        )
        return people.prefetch_related(Prefetch("participations", queryset=participations))


class SeriesViewSet(RecordViewSet):
    serializer_class = SeriesSerializer
    filterset_class = SeriesFilter
    ordering_fields = ["name", "established_on", "updated_at"]

    def get_serializer_class(self):
        return SeriesListSerializer if self.action == "list" else SeriesSerializer

    def get_queryset(self):
        series = visible(MeetingSeries.objects.all(), self.request).prefetch_related(
            "members", Prefetch("names", queryset=summaries(SeriesName.objects.all(), "party"))
        )
        if self.action == "list":
            return series
        meetings = summaries(visible(Meeting.objects.all(), self.request))
        return series.prefetch_related(Prefetch("meetings", queryset=meetings))


class MeetingViewSet(RecordViewSet):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["year", "edition", "start_date", "title", "updated_at"]

    def get_queryset(self):
        return with_summaries(
            visible(Meeting.objects.all(), self.request), "series", "host_country"
        ).prefetch_related(
            Prefetch(
                "participants",
                queryset=summaries(Participant.objects.all(), "person", "country", "organization"),
            ),
            Prefetch(
                "remarks",
                queryset=summaries(Remark.objects.all(), "speaker", "speaker__person"),
            ),
            Prefetch(
                "declarations",
                queryset=summaries(visible(Declaration.objects.all(), self.request)),
            ),
            Prefetch("sources", queryset=summaries(MeetingSource.objects.all())),
        )


class ParticipantViewSet(RecordViewSet):
    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilter
    lookup_field = "pk"
    lookup_value_regex = ID_PATTERN
    ordering_fields = ["order", "role_title", "updated_at"]

    def get_queryset(self):
        return with_summaries(
            visible(Participant.objects.all(), self.request),
            *("person", "country", "organization", "meeting"),
        )


routes = [
    ("series", SeriesViewSet, "series"),
    ("meetings", MeetingViewSet, "meeting"),
    ("participants", ParticipantViewSet, "participant"),
    ("people", PersonViewSet, "person"),
    ("organizations", OrganizationViewSet, "organization"),
    ("countries", CountryViewSet, "country"),
]
