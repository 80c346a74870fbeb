"""The public pages of the series, its meetings, people and countries, read as a visitor reads
them: the facts of the first meeting on the page, drafts hidden, bad input answered plainly."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from meetings.models import Meeting, MeetingStatus
from tests.factories import (
    CountryFactory,
    DeclarationFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    ParticipantFactory,
    TopicFactory,
)
from trilateral.models import Correction, PublicationStatus

pytestmark = pytest.mark.django_db

MEETING_URL = "/en/meetings/trilateral-industrial-ministers-2024/"


def json_ld(response):
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert found, "no JSON-LD on the page"
    return json.loads(found.group(1))


def first_meeting_object():
    return Meeting.objects.get(slug="trilateral-industrial-ministers-2024")


def unpublish(record):
    record.publication_status = PublicationStatus.DRAFT
    record.save()


# --- Home ---------------------------------------------------------------------------------------


def test_home_tells_what_the_series_is_and_how_it_began(client, first_meeting):
    response = client.get("/en/")
    assertContains(response, "<h1>Trilateral Industrial Ministers&#x27; Meeting</h1>", html=True)
    assertContains(response, "A yearly meeting of the ministers in charge of industry")
    assertContains(response, "Camp David summit of the leaders of Korea")
    assertContains(response, "<em>The Spirit of Camp David</em>", html=True)
    # The names the parties use, each marked with its language.
    assertContains(response, '<span lang="ko">한·미·일 산업장관회의</span>', html=True)
    assertContains(response, '<span lang="ja">日米韓商務・産業大臣会合</span>', html=True)


def test_home_shows_the_latest_meeting_and_an_unconfirmed_next_edition(client, first_meeting):
    response = client.get("/en/")
    latest = response.content.decode().split('id="latest-heading"')[1].split("</section>")[0]
    assert "First Trilateral Industrial Ministers&#x27; Meeting" in latest
    assert "June 26, 2024" in latest
    assert "Washington, D.C." in latest
    upcoming = response.content.decode().split('id="next-heading"')[1].split("</section>")[0]
    assert "Second meeting" in upcoming
    assert "Expected in 2025" in upcoming
    assert "Expected, unconfirmed" in upcoming


def test_home_shows_a_planned_meeting_as_the_next_edition(client, first_meeting):
    first = first_meeting_object()
    MeetingFactory(
        series=first.series,
        edition=2,
        title="Second Trilateral Industrial Ministers' Meeting",
        status=MeetingStatus.PLANNED,
        start_date=None,
        year=2025,
        city="Seoul",
    )
    response = client.get("/en/")
    upcoming = response.content.decode().split('id="next-heading"')[1].split("</section>")[0]
    assert "Second Trilateral Industrial Ministers&#x27; Meeting" in upcoming
    assert "2025 (date not yet set)" in upcoming
    assert "Expected, unconfirmed" not in upcoming


def test_home_lists_the_editions_and_a_topic_by_year_table(client, first_meeting):
    response = client.get("/en/")
    timeline = response.content.decode().split('id="editions-heading"')[1].split("</section>")[0]
    assert "2024" in timeline
    assert (
        "Joint Declaration of the First Trilateral Industrial Ministers&#x27; Meeting" in timeline
    )
    table = response.content.decode().split('<table class="matrix">')[1].split("</table>")[0]
    assert "<caption" in table
    assert '<th scope="col">2024</th>' in table
    assert '<th scope="row"><a href="/en/topics/semiconductors/">Semiconductors</a></th>' in table
    # Each cell says in words whether the year's declaration covers the topic.
    assert table.count("Covered") == 11


def test_home_table_shows_the_latest_ten_years_and_links_the_rest(client, first_meeting):
    first = first_meeting_object()
    topic = TopicFactory()
    for edition in range(2, 14):
        meeting = MeetingFactory(
            series=first.series,
            edition=edition,
            start_date=datetime.date(2022 + edition, 6, 1),
        )
        DeclarationFactory(meeting=meeting).topics.set([topic])
    response = client.get("/en/")
    table = response.content.decode().split('<table class="matrix">')[1].split("</table>")[0]
    columns = [int(year) for year in re.findall(r'<th scope="col">(\d{4})</th>', table)]
    assert columns == list(range(2026, 2036))
    assertContains(
        response, '<a href="/en/topics/">Earlier years on the topics page</a>', html=True
    )


def test_home_timeline_shows_the_latest_ten_editions_and_links_the_rest(client, first_meeting):
    first = first_meeting_object()
    for edition in range(2, 15):
        MeetingFactory(
            series=first.series,
            edition=edition,
            title=f"Meeting number {edition}",
            start_date=datetime.date(2023 + edition, 6, 1),
        )
    response = client.get("/en/")
    timeline = response.content.decode().split('id="editions-heading"')[1].split("</section>")[0]
    years = [
        int(year) for year in re.findall(r'<span class="timeline-year">(\d{4})</span>', timeline)
    ]
    # Editions 5 to 14, and the one the cadence expects next.
    assert years == [*range(2028, 2038), 2038]
    assert "First Trilateral Industrial Ministers" not in timeline
    assertContains(
        response,
        f'<a href="/en/meetings/?series={first.series.slug}">'
        "Earlier editions in the list of meetings</a>",
        html=True,
    )
    data = json_ld(response)
    assert [event["name"] for event in data["subEvent"]] == [
        f"Meeting number {edition}" for edition in range(5, 15)
    ]
    # The series began with its first edition, which the timeline no longer shows.
    assert data["startDate"] == "2024-06-26"
    # The link lists the editions the timeline leaves out, and only the series' own.
    MeetingFactory(title="A meeting of another series")
    earlier = client.get(f"/en/meetings/?series={first.series.slug}")
    assertNotContains(earlier, "A meeting of another series")
    assertContains(earlier, "Meeting number 4")
    assertContains(earlier, "First Trilateral Industrial Ministers")


def test_home_timeline_of_a_few_editions_shows_them_all(client, first_meeting):
    response = client.get("/en/")
    assertNotContains(response, "Earlier editions in the list of meetings")
    assert len(json_ld(response)["subEvent"]) == 1


def test_home_describes_the_series_as_a_schema_org_event_series(client, first_meeting):
    data = json_ld(client.get("/en/"))
    assert data["@type"] == "EventSeries"
    assert data["name"] == "Trilateral Industrial Ministers' Meeting"
    assert "한·미·일 산업장관회의" in data["alternateName"]
    assert data["startDate"] == "2024-06-26"
    assert data["subEvent"][0]["name"] == "First Trilateral Industrial Ministers' Meeting"
    assert data["eventSchedule"]["repeatFrequency"] == "P1Y"


def test_home_without_a_published_series_says_so(client, first_meeting):
    unpublish(first_meeting_object().series)
    response = client.get("/en/")
    assert response.status_code == 200
    assertContains(response, "Nothing has been published yet")
    assertNotContains(response, "Trilateral Industrial Ministers")


# --- Meeting list ---------------------------------------------------------------------------------


def test_meeting_list_shows_the_meeting_with_its_date_and_place(client, first_meeting):
    response = client.get("/en/meetings/")
    assertContains(response, f'<a href="{MEETING_URL}">First Trilateral', count=1)
    assertContains(response, "June 26, 2024 · Washington, D.C. · hosted by United States")
    # Filters are labelled controls.
    for name, label in [("year", "Year"), ("country", "Country"), ("topic", "Topic")]:
        assertContains(response, f'<label for="id_{name}">{label}</label>', html=True)
    assertContains(response, '<option value="" selected>Any</option>', count=3, html=True)


def test_meeting_list_filters_keep_the_choice_and_escape_the_names(client, first_meeting):
    from tests.factories import TopicFactory

    TopicFactory(name="<b>Land</b> & sea")
    response = client.get("/en/meetings/?country=KR")
    assertContains(response, '<option value="KR" selected>Korea</option>', html=True)
    assertContains(response, '<option value="">Any</option>', count=1, html=True)
    assertContains(response, "&lt;b&gt;Land&lt;/b&gt; &amp; sea")
    assertNotContains(response, "<b>Land</b>")
    invalid = client.get("/en/meetings/?country=no%20such")
    assert invalid.status_code == 400
    select = re.search(r'<select name="country"[^>]*>', invalid.content.decode()).group()
    assert 'aria-invalid="true"' in select
    assert 'aria-describedby="id_country_helptext id_country_error"' in select


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("year=2024", True),
        ("year=2025", False),
        ("country=KR", True),
        ("topic=semiconductors", True),
        ("status=held", True),
        ("status=planned", False),
        ("q=안덕근", True),
    ],
)
def test_meeting_list_filters(client, first_meeting, query, found):
    response = client.get(f"/en/meetings/?{query}")
    assert response.status_code == 200
    assert (MEETING_URL in response.content.decode()) is found


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "Enter a whole number."),
        ("year=99999999999999999999", "Ensure this value is less than or equal to 2200."),
        ("year=%00", "Enter a whole number."),
        ("country=ZZ", "Select a valid choice."),
        ("topic=no-such-topic", "Select a valid choice."),
        ("status=unknown", "Select a valid choice."),
        ("q=" + "x" * 10_000, "Ensure this value has at most 200 characters"),
        ("updated_since=yesterday", "Enter a valid date/time."),
    ],
)
def test_meeting_list_answers_bad_filters_with_the_form_error(
    client, first_meeting, query, message
):
    response = client.get(f"/en/meetings/?{query}")
    assert response.status_code == 400
    assertContains(response, "The filters could not be applied", status_code=400)
    assertContains(response, message, status_code=400)
    assertNotContains(response, f'href="{MEETING_URL}"', status_code=400)


@pytest.mark.parametrize("page", ["2", "0", "abc", "%00", "99999999999999999999"])
def test_meeting_list_unknown_page_is_404(client, first_meeting, page):
    response = client.get(f"/en/meetings/?page={page}")
    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)


def test_meeting_list_hides_drafts_and_draft_topics(client, first_meeting):
    MeetingFactory(title="A meeting still in draft", draft=True)
    TopicFactory(name="A topic still in draft", draft=True)
    response = client.get("/en/meetings/")
    assertNotContains(response, "A meeting still in draft")
    assertNotContains(response, "A topic still in draft")


# --- Meeting page -----------------------------------------------------------------------------


def test_meeting_page_shows_date_venue_host_and_summary(client, first_meeting):
    response = client.get(MEETING_URL)
    assertContains(response, '<time datetime="2024-06-26">June 26, 2024</time>', html=True)
    assertContains(response, "U.S. Department of Commerce (Herbert C. Hoover Building)")
    assertContains(response, '<a href="/en/countries/US/">United States</a>', html=True)
    assertContains(response, "First meeting")
    assertContains(response, "adopted a joint declaration on critical and emerging technologies")


def test_meeting_page_lists_participants_in_the_office_they_held(client, first_meeting):
    response = client.get(MEETING_URL)
    participants = response.content.decode().split('id="participants-heading"')[1]
    participants = participants.split("</section>")[0]
    for name, office in [
        ("Ahn Duk Geun", "Minister of Trade, Industry and Energy"),
        ("Gina Raimondo", "Secretary of Commerce"),
        ("Saito Ken", "Minister of Economy, Trade and Industry"),
    ]:
        assert name in participants
        assert office in participants
    # Names in Korean and Japanese script carry their language.
    assert '<span class="native-name" lang="ko">안덕근</span>' in participants
    assert '<span class="native-name" lang="ja">齋藤健</span>' in participants


def test_meeting_page_quotes_remarks_and_links_declaration_topics_and_sources(
    client, first_meeting
):
    response = client.get(MEETING_URL)
    assertContains(response, "optimal partners leading in advanced technology")
    assertContains(response, "institutional basis for jointly addressing global risks")
    assertContains(
        response,
        'href="/en/declarations/trilateral-industrial-ministers-2024-joint-declaration/"',
    )
    assertContains(response, '<a href="/en/topics/semiconductors/">Semiconductors</a>', html=True)
    assertContains(response, 'href="https://www.meti.go.jp/english/press/2024/0628_001.html"')
    assertContains(response, "Minister Saito Visits the United States")


def test_meeting_page_describes_the_meeting_as_a_schema_org_event(client, first_meeting):
    data = json_ld(client.get(MEETING_URL))
    assert data["@type"] == "Event"
    assert data["name"] == "First Trilateral Industrial Ministers' Meeting"
    assert data["startDate"] == "2024-06-26"
    assert data["endDate"] == "2024-06-26"
    assert data["location"]["address"]["addressLocality"] == "Washington, D.C."
    assert data["organizer"][0]["name"] == "U.S. Department of Commerce"
    assert {person["name"] for person in data["attendee"]} == {
        "Ahn Duk Geun",
        "Gina Raimondo",
        "Saito Ken",
    }
    assert data["superEvent"]["@type"] == "EventSeries"


def test_meeting_page_has_open_graph_tags(client, first_meeting):
    response = client.get(MEETING_URL)
    assertContains(
        response,
        '<meta property="og:title" content="First Trilateral Industrial Ministers&#x27; Meeting">',
    )
    assertContains(response, '<meta property="og:type" content="article">')
    assertContains(response, f'<meta property="og:url" content="http://testserver{MEETING_URL}">')


def test_meeting_page_links_the_previous_and_next_editions(client, first_meeting):
    first = first_meeting_object()
    MeetingFactory(
        series=first.series, edition=2, slug="second", start_date=datetime.date(2025, 7, 1)
    )
    MeetingFactory(series=first.series, edition=3, slug="third-draft", draft=True)
    response = client.get(MEETING_URL)
    assertContains(response, 'rel="next" href="/en/meetings/second/"')
    response = client.get("/en/meetings/second/")
    assertContains(response, f'rel="prev" href="{MEETING_URL}"')
    assertNotContains(response, "third-draft")


def test_planned_meeting_without_a_date_shows_its_expected_year(client):
    meeting = MeetingFactory(status=MeetingStatus.PLANNED, start_date=None, year=2027)
    response = client.get(meeting.get_absolute_url())
    assertContains(response, "2027 (date not yet set)")
    assertContains(response, "Planned")
    assert "startDate" not in json_ld(response)


def test_draft_meeting_is_404_for_the_public_and_marked_draft_for_staff(staff_client):
    client = Client()
    meeting = MeetingFactory(title="Draft meeting", draft=True)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)

    response = staff_client.get(meeting.get_absolute_url())
    assertContains(response, "Draft meeting")
    assertContains(response, '<div class="draft-banner" role="status">')
    assertContains(response, '<meta name="robots" content="noindex">')
    assert "no-store" in response["Cache-Control"]


def test_meeting_of_a_draft_series_is_hidden_from_the_public(staff_client):
    client = Client()
    meeting = MeetingFactory(series=MeetingSeriesFactory(draft=True))
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert staff_client.get(meeting.get_absolute_url()).status_code == 200


def test_meeting_page_shows_its_public_corrections(client, first_meeting):
    meeting = first_meeting_object()
    Correction.objects.create(record=meeting, text="The venue was first given as the White House.")
    Correction.objects.create(
        record=meeting,
        text="A correction not yet due.",
        corrected_at=timezone.now() + datetime.timedelta(days=1),
    )
    response = client.get(MEETING_URL)
    corrections = response.content.decode().split('id="corrections-heading"')[1]
    assert "The venue was first given as the White House." in corrections
    assertNotContains(response, "A correction not yet due.")


def test_published_meeting_has_no_draft_banner_for_staff(staff_client, first_meeting):
    response = staff_client.get(MEETING_URL)
    assertNotContains(response, "draft-banner")


@pytest.mark.parametrize(
    "path",
    ["/en/meetings/no-such-meeting/", "/en/meetings/%00/", "/en/meetings/" + "x" * 300 + "/"],
)
def test_unknown_meeting_is_404(client, first_meeting, path):
    response = client.get(path)
    assert response.status_code == 404
    assertContains(response, "There is no page at this address", status_code=404)


# --- People and countries -------------------------------------------------------------------------


def test_person_page_shows_every_spelling_and_the_office_held(client, first_meeting):
    response = client.get("/en/people/saito-ken/")
    assertContains(response, "<h1>Saito Ken</h1>", html=True)
    assertContains(response, '<span class="name-variant" lang="ja">齋藤健</span>', html=True)
    assertContains(response, '<span class="name-variant" lang="ko">사이토 겐</span>', html=True)
    assertContains(response, "Ken Saito")
    assertContains(response, "Minister of Economy, Trade and Industry")
    assertContains(response, f'href="{MEETING_URL}"')


def test_person_page_quotes_what_they_said(client, first_meeting):
    response = client.get("/en/people/ahn-duk-geun/")
    assertContains(response, "optimal partners leading in advanced technology")


def test_person_only_at_draft_meetings_is_404(staff_client):
    client = Client()
    participant = ParticipantFactory(meeting=MeetingFactory(draft=True))
    assert client.get(participant.person.get_absolute_url()).status_code == 404
    response = staff_client.get(participant.person.get_absolute_url())
    assertContains(response, "draft-banner")


def test_country_page_shows_its_delegates_and_meetings_hosted(client, first_meeting):
    response = client.get("/en/countries/KR/")
    assertContains(response, "<h1>Korea</h1>", html=True)
    assertContains(response, "Republic of Korea")
    assertContains(response, "Ahn Duk Geun")
    assertContains(response, "Minister of Trade, Industry and Energy")
    assertContains(response, "Ministry of Trade, Industry and Energy")
    response = client.get("/en/countries/US/")
    hosted = response.content.decode().split('id="hosted-heading"')[1]
    assert "First Trilateral Industrial Ministers&#x27; Meeting" in hosted


def test_country_page_shows_five_years_a_page_newest_first(client, db):
    country = CountryFactory(code="QA")
    series = MeetingSeriesFactory()
    for year in range(2011, 2023):
        meeting = MeetingFactory(
            series=series,
            title=f"Meeting of {year}",
            start_date=datetime.date(year, 5, 1),
            host_country=country if year % 2 else None,
        )
        ParticipantFactory(meeting=meeting, country=country)

    def years_shown(response):
        return sorted(
            {int(year) for year in re.findall(r"Meeting of (\d{4})", response.content.decode())}
        )

    first = client.get("/en/countries/QA/")
    assert years_shown(first) == [2018, 2019, 2020, 2021, 2022]
    hosted = first.content.decode().split('id="hosted-heading"')[1]
    assert "Meeting of 2021" in hosted
    assert "Meeting of 2022" not in hosted
    assertContains(first, 'rel="next"')
    assert years_shown(client.get("/en/countries/QA/?page=2")) == [2013, 2014, 2015, 2016, 2017]
    assert years_shown(client.get("/en/countries/QA/?page=3")) == [2011, 2012]
    assert client.get("/en/countries/QA/?page=4").status_code == 404


def test_country_code_in_lower_case_redirects(client, first_meeting):
    response = client.get("/en/countries/kr/")
    assert response.status_code == 301
    assert response["Location"] == "/en/countries/KR/"


@pytest.mark.parametrize("path", ["/en/countries/ZZ/", "/en/countries/KOR/", "/en/countries/%00/"])
def test_unknown_country_is_404(client, first_meeting, path):
    assert client.get(path).status_code == 404
