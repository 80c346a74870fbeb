"""The FilterSets shared by pages and API: good values filter, bad values are form errors."""

import pytest

from declarations.filters import CommitmentFilter, DeclarationFilter, TopicFilter
from declarations.models import Commitment, Declaration, Topic
from meetings.filters import (
    CountryFilter,
    MeetingFilter,
    OrganizationFilter,
    ParticipantFilter,
    PersonFilter,
    SeriesFilter,
)
from meetings.models import Country, Meeting, MeetingSeries, Organization, Participant, Person

pytestmark = pytest.mark.django_db

FILTERSETS = [
    (MeetingFilter, Meeting),
    (ParticipantFilter, Participant),
    (PersonFilter, Person),
    (OrganizationFilter, Organization),
    (CountryFilter, Country),
    (SeriesFilter, MeetingSeries),
    (DeclarationFilter, Declaration),
    (CommitmentFilter, Commitment),
    (TopicFilter, Topic),
]

BAD_VALUES = {
    "year": ["abc", "1e20", "99999999999999999999", "-1", "2024.5", "\x00"],
    "country": ["\x00", "ZZ", "K R", "x" * 500],
    "topic": ["\x00", "no-such-topic", "a/b"],
    "series": ["\x00", "no-such-series"],
    "meeting": ["\x00"],
    "person": ["%00"],
    "status": ["\x00", "unknown"],
    "kind": ["unknown"],
    "updated_since": ["yesterday", "2024-13-01", "99999-01-01", "\x00"],
    "q": ["\x00", "x" * 10_000],
}


def filter_with(filterset_class, model, params):
    return filterset_class(params, queryset=model.objects.published())


@pytest.mark.parametrize(("filterset_class", "model"), FILTERSETS)
def test_malformed_values_are_form_errors(first_meeting, filterset_class, model):
    for name, values in BAD_VALUES.items():
        if name not in filterset_class.base_filters:
            continue
        for value in values:
            filterset = filter_with(filterset_class, model, {name: value})
            assert not filterset.is_valid(), (name, value)
            assert name in filterset.errors


def titles(filterset):
    assert filterset.is_valid(), filterset.errors
    return [str(row) for row in filterset.qs]


def test_meeting_filters_find_the_first_meeting(first_meeting):
    expected = ["First Trilateral Industrial Ministers' Meeting"]
    for params in (
        {"year": "2024"},
        {"country": "KR"},
        {"topic": "semiconductors"},
        {"status": "held"},
        {"series": "trilateral-industrial-ministers"},
        {"q": "안덕근"},
        {"q": "Ahn Dukgeun"},
        {"q": "齋藤健"},
        {"updated_since": "2024-06-01T00:00:00Z"},
    ):
        assert titles(filter_with(MeetingFilter, Meeting, params)) == expected, params
    for params in ({"year": "2025"}, {"status": "planned"}, {"q": "nothing like this"}):
        assert titles(filter_with(MeetingFilter, Meeting, params)) == [], params


def test_commitment_filters(first_meeting):
    by_topic = filter_with(CommitmentFilter, Commitment, {"topic": "critical-minerals"})
    assert [c.slug for c in by_topic.qs] == ["tim-2024-cooperate-critical-minerals"]
    pledged = filter_with(CommitmentFilter, Commitment, {"status": "pledged"})
    assert pledged.qs.count() == Commitment.objects.count()
    assert not filter_with(CommitmentFilter, Commitment, {"status": "fulfilled"}).qs.exists()


def test_person_search_by_any_spelling(first_meeting):
    for query in ("Ahn Duk-geun", "안덕근", "安徳根", "Ken Saito", "斎藤健", "ジーナ・レモンド"):
        assert len(titles(filter_with(PersonFilter, Person, {"q": query}))) == 1, query
