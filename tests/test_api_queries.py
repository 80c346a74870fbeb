"""Every list and detail endpoint runs the same number of queries with 1 meeting on record as
with 30, for anonymous clients and for staff: nothing is fetched once per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations import api as declarations_api
from meetings import api as meetings_api
from tests.factories import CountryFactory, MeetingSeriesFactory, TopicFactory, build_meeting_record

pytestmark = pytest.mark.django_db

LISTS = [prefix for prefix, _viewset, _name in (*meetings_api.routes, *declarations_api.routes)]


def participant(meeting):
    return meeting.participants.first()


def declaration(meeting):
    return meeting.declarations.get()


def commitment(meeting):
    return declaration(meeting).commitments.first()


# How to reach one record of each resource from a meeting built by `build_meeting_record`.
DETAILS = {
    "series": lambda meeting: meeting.series.slug,
    "meetings": lambda meeting: meeting.slug,
    "participants": lambda meeting: participant(meeting).pk,
    "people": lambda meeting: participant(meeting).person.slug,
    "organizations": lambda meeting: participant(meeting).organization.slug,
    "countries": lambda meeting: participant(meeting).country.code,
    "declarations": lambda meeting: declaration(meeting).slug,
    "paragraphs": lambda meeting: declaration(meeting).paragraphs.first().pk,
    "declaration-titles": lambda meeting: declaration(meeting).titles.first().pk,
    "topics": lambda meeting: declaration(meeting).topics.first().slug,
    "commitments": lambda meeting: commitment(meeting).slug,
    "commitment-updates": lambda meeting: commitment(meeting).updates.first().pk,
}


class Record:
    """Meetings of one series, each with participants, a declaration, paragraphs, commitments
    and their updates, on a topic they share and one of their own."""

    def __init__(self):
        self.series = MeetingSeriesFactory()
        self.series.members.set([CountryFactory(), CountryFactory()])
        self.shared_topic = TopicFactory()
        self.meetings = []

    def grow_to(self, size, **children):
        while len(self.meetings) < size:
            topics = [self.shared_topic, TopicFactory()]
            meeting = build_meeting_record(series=self.series, topics=topics, **children)
            self.meetings.append(meeting)


def measure(client, paths):
    """Queries and response size of each path."""
    sizes = {}
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            # A streamed export reads the database while it is sent.
            body = response.getvalue()
        assert response.status_code == 200, (path, body)
        sizes[path] = (len(captured), len(body))
    return sizes


def list_paths():
    return [f"/api/v1/{name}/{suffix}" for name in LISTS for suffix in ("", "?format=csv")]


def detail_paths(meeting):
    return {name: f"/api/v1/{name}/{DETAILS[name](meeting)}/" for name in LISTS}


@pytest.mark.parametrize("client_fixture", ["api_client", "staff_api_client"])
def test_queries_do_not_grow_with_the_record(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    record = Record()
    record.grow_to(1, participants=1, paragraphs=1)
    small_lists = measure(client, list_paths())
    small_details = measure(client, detail_paths(record.meetings[0]).values())
    record.grow_to(30, participants=4, paragraphs=6)
    large_lists = measure(client, list_paths())
    large_details = measure(client, detail_paths(record.meetings[-1]).values())

    growing = []
    for path, (queries, size) in large_lists.items():
        assert size > small_lists[path][1], f"{path} shows no more for 30 meetings than for 1"
        if queries != small_lists[path][0]:
            growing.append(
                f"{path}: {small_lists[path][0]} queries for 1 meeting, {queries} for 30"
            )
    for (small_path, (small, _)), (path, (queries, _)) in zip(
        small_details.items(), large_details.items(), strict=True
    ):
        if queries != small:
            growing.append(f"{path}: {queries} queries, but {small} for {small_path}")
    assert not growing, "\n".join(growing)
