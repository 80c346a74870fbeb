"""One FilterSet per resource, used by the HTML list pages and the API alike."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from declarations.models import Topic
from meetings.models import (
    Country,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Organization,
    Participant,
    Person,
)
from trilateral.filters import SearchFilter, SlugChoiceFilter, UpdatedSinceFilter, YearFilter


class MeetingFilter(django_filters.FilterSet):
    q = SearchFilter()
    year = YearFilter(field_name="year", label=_("Year"))
    country = SlugChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        method="filter_country",
        label=_("Country"),
        help_text=_("A country that hosted or took part (ISO code, e.g. KR)."),
    )
    topic = SlugChoiceFilter(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        method="filter_topic",
        label=_("Topic"),
    )
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices, label=_("Status"))
    series = SlugChoiceFilter(
        queryset=MeetingSeries.objects.all(), to_field_name="slug", label=_("Series")
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Meeting
        fields = ["q", "year", "country", "topic", "status", "series", "updated_since"]

    def filter_country(self, queryset, name, value):
        return queryset.filter(
            Q(host_country=value)
            | Exists(Participant.objects.filter(meeting=OuterRef("pk"), country=value))
        )

    def filter_topic(self, queryset, name, value):
        return queryset.for_topic(value)


class ParticipantFilter(django_filters.FilterSet):
    q = SearchFilter()
    meeting = SlugChoiceFilter(
        queryset=Meeting.objects.all(), to_field_name="slug", label=_("Meeting")
    )
    person = SlugChoiceFilter(queryset=Person.objects.all(), to_field_name="slug")
    country = SlugChoiceFilter(
        queryset=Country.objects.all(), to_field_name="code", label=_("Country")
    )
    year = YearFilter(field_name="meeting__year", label=_("Year"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Participant
        fields = ["q", "meeting", "person", "country", "year", "updated_since"]


class PersonFilter(django_filters.FilterSet):
    q = SearchFilter()
    country = SlugChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        method="filter_country",
        label=_("Country"),
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Person
        fields = ["q", "country", "updated_since"]

    def filter_country(self, queryset, name, value):
        return queryset.filter(
            Exists(Participant.objects.filter(person=OuterRef("pk"), country=value))
        )


class OrganizationFilter(django_filters.FilterSet):
    q = SearchFilter()
    country = SlugChoiceFilter(
        queryset=Country.objects.all(), to_field_name="code", label=_("Country")
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Organization
        fields = ["q", "country", "updated_since"]


class CountryFilter(django_filters.FilterSet):
    q = SearchFilter()
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Country
        fields = ["q", "updated_since"]


class SeriesFilter(django_filters.FilterSet):
    q = SearchFilter()
    country = SlugChoiceFilter(
        queryset=Country.objects.all(),
        to_field_name="code",
        field_name="members",
        label=_("Member country"),
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = MeetingSeries
        fields = ["q", "country", "updated_since"]
