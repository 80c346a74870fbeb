"""One FilterSet per resource, used by the HTML list pages and the API alike."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from declarations.models import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Declaration,
    DeclarationKind,
    DeclarationTitle,
    Paragraph,
    Topic,
)
from meetings.models import Country, Meeting, MeetingSeries, Participant
from trilateral.filters import SearchFilter, SlugChoiceFilter, UpdatedSinceFilter, YearFilter
from trilateral.models import Language


def took_part_or_hosted(country, meeting_path):
    """Rows whose meeting (reached through `meeting_path`) the country hosted or attended."""
    return Q(**{f"{meeting_path}__host_country": country}) | Exists(
        Participant.objects.filter(meeting=OuterRef(meeting_path), country=country)
    )


class DeclarationFilter(django_filters.FilterSet):
    q = SearchFilter()
    year = YearFilter(field_name="meeting__year", label=_("Year"))
    country = SlugChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        method="filter_country",
        label=_("Country"),
    )
    topic = SlugChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", method="filter_topic", label=_("Topic")
    )
    kind = django_filters.ChoiceFilter(choices=DeclarationKind.choices, label=_("Kind"))
    series = SlugChoiceFilter(
        queryset=MeetingSeries.objects.all(),
        to_field_name="slug",
        field_name="meeting__series",
        label=_("Series"),
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Declaration
        fields = ["q", "year", "country", "topic", "kind", "series", "updated_since"]

    def filter_country(self, queryset, name, value):
        return queryset.filter(took_part_or_hosted(value, "meeting"))

    def filter_topic(self, queryset, name, value):
        return queryset.for_topic(value)


class CommitmentFilter(django_filters.FilterSet):
    q = SearchFilter()
    status = django_filters.ChoiceFilter(choices=CommitmentStatus.choices, label=_("Status"))
    topic = SlugChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", method="filter_topic", label=_("Topic")
    )
    year = YearFilter(field_name="declaration__meeting__year", label=_("Year"))
    country = SlugChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        method="filter_country",
        label=_("Country"),
    )
    series = SlugChoiceFilter(
        queryset=MeetingSeries.objects.all(),
        to_field_name="slug",
        field_name="declaration__meeting__series",
        label=_("Series"),
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Commitment
        fields = ["q", "status", "topic", "year", "country", "series", "updated_since"]

    def filter_topic(self, queryset, name, value):
        return queryset.for_topic(value)

    def filter_country(self, queryset, name, value):
        return queryset.filter(took_part_or_hosted(value, "declaration__meeting"))


class TopicFilter(django_filters.FilterSet):
    q = SearchFilter()
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Topic
        fields = ["q", "updated_since"]


class ParagraphFilter(django_filters.FilterSet):
    q = SearchFilter()
    declaration = SlugChoiceFilter(
        queryset=Declaration.objects.all(), to_field_name="slug", label=_("Declaration")
    )
    topic = SlugChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", method="filter_topic", label=_("Topic")
    )
    year = YearFilter(field_name="declaration__meeting__year", label=_("Year"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Paragraph
        fields = ["q", "declaration", "topic", "year", "updated_since"]

    def filter_topic(self, queryset, name, value):
        return queryset.for_topic(value)


class DeclarationTitleFilter(django_filters.FilterSet):
    declaration = SlugChoiceFilter(
        queryset=Declaration.objects.all(), to_field_name="slug", label=_("Declaration")
    )
    party = SlugChoiceFilter(queryset=Country.objects.all(), to_field_name="code", label=_("Party"))
    language = django_filters.ChoiceFilter(choices=Language.choices, label=_("Language"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = DeclarationTitle
        fields = ["declaration", "party", "language", "updated_since"]


class CommitmentUpdateFilter(django_filters.FilterSet):
    commitment = SlugChoiceFilter(
        queryset=Commitment.objects.all(), to_field_name="slug", label=_("Commitment")
    )
    meeting = SlugChoiceFilter(
        queryset=Meeting.objects.all(), to_field_name="slug", label=_("Reported at")
    )
    status = django_filters.ChoiceFilter(choices=CommitmentStatus.choices, label=_("Status"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = CommitmentUpdate
        fields = ["commitment", "meeting", "status", "updated_since"]
