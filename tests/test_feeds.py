"""The machine-readable faces of the record: Atom feeds, the iCalendar, the sitemap, robots.txt."""

import datetime

import feedparser
import icalendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains

from meetings.models import Meeting, MeetingStatus
from meetings.sitemaps import EveryLanguage, LanguageSitemap
from tests.factories import DeclarationFactory, MeetingFactory, MeetingSeriesFactory, this_year
from tests.sitemaps import sitemap_entries, sitemap_pages
from trilateral.translation import LANGUAGES

pytestmark = pytest.mark.django_db

MEETING_URL = "/en/meetings/trilateral-industrial-ministers-2024/"
DECLARATION_URL = "/en/declarations/trilateral-industrial-ministers-2024-joint-declaration/"


def parse_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def calendar_events(client):
    response = client.get("/en/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


# --- Atom -------------------------------------------------------------------------------------


def test_meetings_feed_lists_published_meetings(client, first_meeting):
    MeetingFactory(title="Meeting in draft", draft=True)
    feed = parse_feed(client, "/en/feeds/meetings.atom")
    assert feed.feed.title == "Meetings"
    assert [entry.title for entry in feed.entries] == [
        "First Trilateral Industrial Ministers' Meeting"
    ]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver{MEETING_URL}"
    assert "met as a trio for the first time" in entry.summary
    assert entry.published_parsed[:3] == (2024, 6, 28)


def test_declarations_feed_lists_published_declarations_with_topics(client, first_meeting):
    DeclarationFactory(title="Declaration in draft", draft=True)
    feed = parse_feed(client, "/en/feeds/declarations.atom")
    assert [entry.title for entry in feed.entries] == [
        "Joint Declaration of the First Trilateral Industrial Ministers' Meeting"
    ]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver{DECLARATION_URL}"
    assert {tag.term for tag in entry.tags} >= {"Semiconductors", "Critical minerals"}


# --- iCalendar --------------------------------------------------------------------------------


def test_calendar_holds_the_meeting_as_an_all_day_event(client, first_meeting):
    event = calendar_events(client)["First Trilateral Industrial Ministers' Meeting"]
    assert event.decoded("DTSTART") == datetime.date(2024, 6, 26)
    # DTEND is exclusive: a one-day meeting ends the next day.
    assert event.decoded("DTEND") == datetime.date(2024, 6, 27)
    assert "Washington, D.C." in str(event["LOCATION"])
    assert str(event["URL"]) == f"http://testserver{MEETING_URL}"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_calendar_uid_stays_the_same_when_the_meeting_is_edited(client, first_meeting):
    before = calendar_events(client)["First Trilateral Industrial Ministers' Meeting"]
    meeting = Meeting.objects.get(slug="trilateral-industrial-ministers-2024")
    meeting.title = "First Trilateral Industrial Ministers' Meeting (Washington)"
    meeting.slug = "first-meeting"
    meeting.end_date = datetime.date(2024, 6, 27)
    meeting.save()
    after = calendar_events(client)["First Trilateral Industrial Ministers' Meeting (Washington)"]
    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("DTEND") == datetime.date(2024, 6, 28)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


def test_calendar_leaves_out_drafts_and_meetings_without_a_date(client, first_meeting):
    MeetingFactory(title="Draft meeting", draft=True)
    MeetingFactory(
        title="Planned, no date", status=MeetingStatus.PLANNED, start_date=None, year=2027
    )
    MeetingFactory(
        title="Planned with a date",
        status=MeetingStatus.PLANNED,
        start_date=datetime.date(2027, 5, 3),
        end_date=datetime.date(2027, 5, 4),
    )
    MeetingFactory(
        title="Called off", status=MeetingStatus.CANCELLED, start_date=datetime.date(2025, 3, 1)
    )
    events = calendar_events(client)
    assert set(events) == {
        "First Trilateral Industrial Ministers' Meeting",
        "Planned with a date",
        "Called off",
    }
    assert events["Planned with a date"].decoded("DTEND") == datetime.date(2027, 5, 5)
    assert str(events["Called off"]["STATUS"]) == "CANCELLED"
    assert len({str(event["UID"]) for event in events.values()}) == 3


@time_machine.travel(datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC), tick=False)
def test_calendar_holds_every_future_meeting_and_the_last_five_years(client, first_meeting):
    series = MeetingSeriesFactory()
    for year in (2015, 2020, 2021, 2027, 2090):
        MeetingFactory(
            series=series, title=f"Meeting of {year}", start_date=datetime.date(year, 5, 3)
        )
    MeetingFactory(
        series=series,
        title="Planned for 2120",
        status=MeetingStatus.PLANNED,
        start_date=datetime.date(2120, 1, 2),
    )
    events = calendar_events(client)
    assert set(events) == {
        "First Trilateral Industrial Ministers' Meeting",
        "Meeting of 2021",
        "Meeting of 2027",
        "Meeting of 2090",
        "Planned for 2120",
    }


def test_calendar_folds_long_lines_whole_characters_at_a_time(client, first_meeting):
    summary = "반도체 공급망 협력을 강화한다. " * 12
    MeetingFactory(title="A long summary", summary=summary, start_date=this_year())
    content = client.get("/en/calendar.ics").content
    lines = content.split(b"\r\n")
    # RFC 5545: at most 75 octets a line; a fold never splits a character.
    assert all(len(line) <= 75 for line in lines)
    assert all(line.decode() for line in lines if line)
    assert b"SUMMARY:A long summary" in lines
    assert str(calendar_events(client)["A long summary"]["DESCRIPTION"]) == summary.strip()


# --- Sitemap and robots.txt -------------------------------------------------------------------


def test_sitemap_lists_every_public_page_and_no_draft(client, first_meeting):
    draft = MeetingFactory(slug="draft-meeting", draft=True)
    locations = sitemap_entries(client)
    for path in [
        "/en/",
        "/en/meetings/",
        "/en/topics/",
        "/en/commitments/",
        MEETING_URL,
        DECLARATION_URL,
        "/en/topics/semiconductors/",
        "/en/people/ahn-duk-geun/",
        "/en/countries/KR/",
    ]:
        assert f"http://testserver{path}" in locations
    assert f"http://testserver{draft.get_absolute_url()}" not in locations


def test_a_long_record_s_sitemap_comes_in_pages_that_the_index_lists(client, monkeypatch):
    # Two records to a page (each in three languages) stand for the thousand.
    monkeypatch.setattr(LanguageSitemap, "limit", 2 * len(LANGUAGES))
    meetings = MeetingFactory.create_batch(5)
    pages = sitemap_pages(client)
    meeting_pages = [address for address in pages if "/sitemap-meetings.xml" in address]
    assert meeting_pages == [
        "http://testserver/sitemap-meetings.xml",
        "http://testserver/sitemap-meetings.xml?p=2",
        "http://testserver/sitemap-meetings.xml?p=3",
    ]
    assert [len(pages[address]) for address in meeting_pages] == [6, 6, 3]
    listed = {loc for address in meeting_pages for loc in pages[address]}
    assert listed == {
        f"http://testserver/{language}/meetings/{meeting.slug}/"
        for meeting in meetings
        for language in LANGUAGES
    }


def test_a_sitemap_reads_only_the_records_it_lists(client, monkeypatch):
    monkeypatch.setattr(LanguageSitemap, "limit", 2 * len(LANGUAGES))
    MeetingFactory.create_batch(5)
    loaded = []
    from_db = Meeting.from_db.__func__

    def counting_from_db(cls, *args):
        loaded.append(cls)
        return from_db(cls, *args)

    monkeypatch.setattr(Meeting, "from_db", classmethod(counting_from_db))
    # Django's own sitemaps read every meeting for either: the index to count a section's
    # pages, and each page to find its own.
    with CaptureQueriesContext(connection) as index:
        assert client.get("/sitemap.xml").status_code == 200
    assert loaded == []
    # One question about the meetings: how many, and when the latest changed.
    from_meetings = [query for query in index if 'FROM "meetings_meeting"' in query["sql"]]
    assert len(from_meetings) == 1
    assert client.get("/sitemap-meetings.xml?p=3").status_code == 200
    assert loaded == [Meeting]


def test_the_pairs_of_record_and_language_count_and_slice_as_a_list_would():
    records = ["first", "second", "third"]
    pairs = [(record, language) for record in records for language in LANGUAGES]
    every_language = EveryLanguage(records, len(records))
    assert len(every_language) == len(pairs)
    assert list(every_language) == pairs
    assert every_language[-1] == pairs[-1]
    for start in range(len(pairs) + 2):
        for stop in range(start, len(pairs) + 3):
            assert every_language[start:stop] == pairs[start:stop], (start, stop)


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap-nothing.xml",
        "/sitemap-meetings.xml?p=2",
        "/sitemap-meetings.xml?p=0",
        "/sitemap-meetings.xml?p=-1",
        "/sitemap-meetings.xml?p=abc",
        "/sitemap-meetings.xml?p=%00",
        "/sitemap-meetings.xml?p=99999999999999999999999999",
    ],
)
def test_a_sitemap_page_that_does_not_exist_is_not_found(client, first_meeting, path):
    assert client.get(path).status_code == 404


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assertContains(response, "Sitemap: http://testserver/sitemap.xml")
    assertContains(response, "Disallow: /admin/")


def test_every_page_links_its_feeds_and_calendar(client, first_meeting):
    response = client.get("/en/")
    assertContains(response, 'type="application/atom+xml"', count=2)
    assertContains(response, 'rel="alternate" type="text/calendar"')
