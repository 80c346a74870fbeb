"""One FilterSet per resource, used by the HTML list pages and the API alike."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from declarations.models import (
    Commitment,
    CommitmentStatus,
    Declaration,
    DeclarationKind,
    Topic,
)
from meetings.models import Country, MeetingSeries, Participant
from trilateral.filters import SearchFilter, SlugChoiceFilter, UpdatedSinceFilter, YearFilter


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
