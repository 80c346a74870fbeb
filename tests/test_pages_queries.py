"""Every public page, feed and sitemap runs as many queries for 30 meetings as for one."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.sitemaps import LanguageSitemap
from tests.factories import (
    CommitmentFactory,
    CommitmentUpdateFactory,
    CountryFactory,
    DeclarationSourceFactory,
    DeclarationTitleFactory,
    MeetingSeriesFactory,
    MeetingSourceFactory,
    ParagraphFactory,
    ParticipantFactory,
    PersonFactory,
    PersonNameFactory,
    RemarkFactory,
    SeriesNameFactory,
    TopicFactory,
    build_meeting_record,
    this_year,
)
from trilateral.translation import LANGUAGES

pytestmark = pytest.mark.django_db

# Every sitemap of records, each of them counted: the index only counts them.
SITEMAP_SECTIONS = ("meetings", "declarations", "topics", "people", "countries")


class Record:
    """A series whose meetings share a topic, a person and a country, so that every page, from
    the meeting's own to the topic's and the person's, grows with the record."""

    def __init__(self):
        self.series = MeetingSeriesFactory()
        self.topic = TopicFactory()
        self.person = PersonFactory()
        self.country = CountryFactory(code="KR")
        self.meeting = self.add_meeting()
        self.declaration = self.meeting.declarations.get()

    def add_meeting(self):
        # Dated this year, so that the calendar, which keeps the last few years, shows them all
        # (the factory's dates follow its edition counter, which other tests move on).
        meeting = build_meeting_record(
            series=self.series,
            participants=1,
            paragraphs=1,
            topics=[self.topic],
            start_date=this_year(),
        )
        participant = ParticipantFactory(meeting=meeting, person=self.person, country=self.country)
        RemarkFactory(meeting=meeting, speaker=participant)
        return meeting

    def grow(self, count):
        """`count` more meetings, and as many more rows of each kind on the first one."""
        for _ in range(count):
            self.add_meeting()
            SeriesNameFactory(series=self.series)
            participant = ParticipantFactory(meeting=self.meeting, country=self.country)
            PersonNameFactory(person=participant.person)
            RemarkFactory(meeting=self.meeting, speaker=participant)
            MeetingSourceFactory(meeting=self.meeting)
            paragraph = ParagraphFactory(declaration=self.declaration)
            paragraph.topics.set([self.topic, TopicFactory()])
            commitment = CommitmentFactory(
                declaration=self.declaration, paragraph=paragraph, topic=self.topic
            )
            CommitmentUpdateFactory(commitment=commitment, meeting=self.meeting)
            DeclarationTitleFactory(declaration=self.declaration)
            DeclarationSourceFactory(declaration=self.declaration)
            self.declaration.topics.add(TopicFactory())

    def urls(self):
        return {
            "home": "/en/",
            "meeting list": "/en/meetings/",
            "meeting list, filtered": f"/en/meetings/?topic={self.topic.slug}&country=KR",
            "meeting": self.meeting.get_absolute_url(),
            "declaration list": "/en/declarations/",
            "declaration": self.declaration.get_absolute_url(),
            "topic list": "/en/topics/",
            "topic": self.topic.get_absolute_url(),
            "commitment list": "/en/commitments/?status=pledged",
            "person": self.person.get_absolute_url(),
            "country": "/en/countries/KR/",
            "search": "/en/search/?q=e",
            "meetings feed": "/en/feeds/meetings.atom",
            "declarations feed": "/en/feeds/declarations.atom",
            "calendar": "/en/calendar.ics",
            "sitemap": "/sitemap.xml",
            **{f"sitemap of {section}": f"/sitemap-{section}.xml" for section in SITEMAP_SECTIONS},
        }


PAGES = [
    "home",
    "meeting list",
    "meeting list, filtered",
    "meeting",
    "declaration list",
    "declaration",
    "topic list",
    "topic",
    "commitment list",
    "person",
    "country",
    "search",
    "meetings feed",
    "declarations feed",
    "calendar",
    "sitemap",
    *(f"sitemap of {section}" for section in SITEMAP_SECTIONS),
]


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_the_record(client, django_assert_num_queries, page, monkeypatch):
    # Ten records to a page of a sitemap, so that the large record's come in several pages.
    monkeypatch.setattr(LanguageSitemap, "limit", 10 * len(LANGUAGES))
    record = Record()
    url = record.urls()[page]
    # Content types are cached per process; a cold cache would add a query to whichever
    # measurement happens to come first.
    ContentType.objects.get_for_models(*apps.get_models())
    with CaptureQueriesContext(connection) as small:
        small_response = client.get(url)
    assert small_response.status_code == 200

    record.grow(29)
    with django_assert_num_queries(len(small)):
        large_response = client.get(url)
    assert large_response.status_code == 200
    # The page really shows more: the comparison is between a small and a large page.
    assert len(large_response.content) > len(small_response.content)
