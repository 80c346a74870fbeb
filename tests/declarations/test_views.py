"""The public pages of declarations, topics and commitments: paragraphs citable by permalink,
what each party calls the text, where each commitment stands, and drafts kept out of sight."""

import datetime
import re

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from declarations.models import Declaration, ParagraphAnchorAlias, Topic
from tests.factories import (
    CommitmentFactory,
    DeclarationFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    ParagraphFactory,
    TopicFactory,
)
from trilateral.models import Correction

pytestmark = pytest.mark.django_db

DECLARATION_URL = "/en/declarations/trilateral-industrial-ministers-2024-joint-declaration/"


def section(response, heading_id):
    """The HTML of the page section introduced by the heading with this id."""
    return response.content.decode().split(f'id="{heading_id}"')[1].split("</section>")[0]


# --- Declaration page ---------------------------------------------------------------------------


def test_declaration_page_gives_each_paragraph_a_permalink_and_a_copy_link(client, first_meeting):
    response = client.get(DECLARATION_URL)
    assertContains(response, '<div class="paragraph" id="p1">')
    assertContains(response, '<div class="paragraph" id="p2">')
    assertContains(response, '<a href="#p1" title="Permalink to this paragraph">¶&nbsp;1</a>')
    assertContains(
        response,
        '<a class="copy-link" href="#p2" data-copy-link>Copy link to paragraph 2</a>',
        html=True,
    )
    assertContains(response, "Our common goal is to utilize the trilateral mechanism")
    assertContains(response, "potential weaponization of economic dependence")


def test_declaration_page_says_when_only_excerpts_are_stored(client, first_meeting):
    response = client.get(DECLARATION_URL)
    assertContains(response, "Excerpts only.")
    assertContains(response, "The full text is not stored here")
    declaration = Declaration.objects.get()
    declaration.is_excerpt = False
    declaration.save()
    assertNotContains(client.get(DECLARATION_URL), "Excerpts only.")


def test_declaration_page_shows_the_title_each_party_uses(client, first_meeting):
    titles = section(client.get(DECLARATION_URL), "titles-heading")
    assert '<span lang="ko">공동선언문</span>' in titles
    assert '<span lang="ja">共同声明</span>' in titles
    assert "Joint Statement" in titles
    assert "METI" in titles
    assert "MOTIE" in titles


def test_declaration_page_lists_commitments_with_status_and_paragraph(client, first_meeting):
    commitments = section(client.get(DECLARATION_URL), "commitments-heading")
    assert commitments.count('class="commitment"') == 14
    assert 'id="commitment-tim-2024-meet-annually"' in commitments
    assert "Hold the Trilateral Industrial Ministers&#x27; Meeting every year." in commitments
    assert "Pledged" in commitments
    assert f'href="{DECLARATION_URL}#p1">made in paragraph 1</a>' in commitments


def test_declaration_page_shows_topics_sources_meeting_and_print_stylesheet(client, first_meeting):
    response = client.get(DECLARATION_URL)
    assertContains(response, '<a href="/en/topics/critical-minerals/">Critical minerals</a>')
    assertContains(response, 'href="https://news1global.com/politics/view/424139"')
    assertContains(response, 'href="/en/meetings/trilateral-industrial-ministers-2024/"')
    assertContains(response, "adopted June 26, 2024")
    assertContains(response, 'href="/static/css/print.css" media="print"')
    assertContains(response, '<meta property="og:type" content="article">')


def test_an_old_anchor_still_leads_to_its_paragraph(client, first_meeting):
    paragraph = Declaration.objects.get().paragraphs.get(number=2)
    ParagraphAnchorAlias.objects.create(
        declaration=paragraph.declaration, paragraph=paragraph, anchor="weaponization"
    )
    html = client.get(DECLARATION_URL).content.decode()
    paragraph_html = html.split('<div class="paragraph" id="p2">')[1].split("</div>")[0]
    assert '<span id="weaponization"></span>' in paragraph_html


def test_declaration_page_and_feed_show_public_corrections(client, first_meeting):
    Correction.objects.create(record=Declaration.objects.get(), text="Paragraph 2 was cut short.")
    corrections = section(client.get(DECLARATION_URL), "corrections-heading")
    assert "Paragraph 2 was cut short." in corrections
    assertContains(client.get("/en/feeds/declarations.atom"), "Paragraph 2 was cut short.")


def test_paragraph_permalink_is_the_paragraph_url(first_meeting):
    paragraph = Declaration.objects.get().paragraphs.get(number=2)
    assert paragraph.get_absolute_url() == f"{DECLARATION_URL}#p2"


def test_draft_declaration_is_404_for_the_public_and_marked_draft_for_staff(staff_client):
    declaration = DeclarationFactory(title="Declaration still in draft", draft=True)
    ParagraphFactory(declaration=declaration, text="Text still being negotiated.")
    assert Client().get(declaration.get_absolute_url()).status_code == 404
    response = staff_client.get(declaration.get_absolute_url())
    assertContains(response, "Text still being negotiated.")
    assertContains(response, '<div class="draft-banner" role="status">')


def test_published_declaration_of_a_draft_meeting_is_hidden(client):
    declaration = DeclarationFactory(meeting=MeetingFactory(draft=True))
    assert client.get(declaration.get_absolute_url()).status_code == 404


def test_unknown_declaration_is_404(client, first_meeting):
    response = client.get("/en/declarations/no-such-declaration/")
    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)


# --- Declaration list ---------------------------------------------------------------------------


def test_declaration_list_shows_published_declarations(client, first_meeting):
    DeclarationFactory(title="Draft communiqué", draft=True)
    response = client.get("/en/declarations/")
    assertContains(response, f'<a href="{DECLARATION_URL}">Joint Declaration of the First')
    assertContains(response, "Excerpts only")
    assertNotContains(response, "Draft communiqué")


def test_declaration_list_bad_filter_is_a_form_error(client, first_meeting):
    response = client.get("/en/declarations/?kind=manifesto")
    assert response.status_code == 400
    assertContains(response, "Select a valid choice.", status_code=400)


# --- Topics ---------------------------------------------------------------------------------------


def test_topic_list_names_every_topic_and_the_years_they_were_covered(client, first_meeting):
    TopicFactory(name="Topic in draft", draft=True)
    response = client.get("/en/topics/")
    for topic in Topic.objects.published():
        assertContains(response, f'<a href="{topic.get_absolute_url()}">')
    assertNotContains(response, "Topic in draft")
    assertContains(response, "<caption")
    assertContains(response, '<th scope="col">2024</th>', html=True)


def matrix_columns(response):
    table = response.content.decode().split('<table class="matrix">')[1].split("</table>")[0]
    return [int(year) for year in re.findall(r'<th scope="col">(\d{4})</th>', table)]


def test_topic_list_shows_ten_years_a_page_newest_first(client, db):
    topic = TopicFactory()
    series = MeetingSeriesFactory()
    for year in range(2001, 2026):
        declaration = DeclarationFactory(
            meeting=MeetingFactory(series=series, start_date=datetime.date(year, 5, 1))
        )
        declaration.topics.set([topic])
    assert matrix_columns(client.get("/en/topics/")) == list(range(2016, 2026))
    assert matrix_columns(client.get("/en/topics/?page=2")) == list(range(2006, 2016))
    last = client.get("/en/topics/?page=3")
    assert matrix_columns(last) == list(range(2001, 2006))
    assertContains(last, 'rel="prev"')
    assert client.get("/en/topics/?page=4").status_code == 404


def test_topic_page_gathers_meetings_paragraphs_and_commitments_by_year(client, first_meeting):
    response = client.get("/en/topics/supply-chains/")
    assertContains(response, "<h1>Supply chains</h1>", html=True)
    year = section(response, "year-2024")
    assert 'href="/en/meetings/trilateral-industrial-ministers-2024/"' in year
    # Both paragraphs tagged with the topic, each linked by its permalink.
    assert f'href="{DECLARATION_URL}#p1"' in year
    assert f'href="{DECLARATION_URL}#p2"' in year
    assert "Close cooperation is urgently needed" in year
    assert "Give priority to cooperation that makes supply chains in critical sectors" in year
    assert "Cooperate on supply chains for critical minerals." not in year


def test_topic_page_does_not_reveal_draft_declarations(client, first_meeting):
    topic = TopicFactory(name="Quantum")
    meeting = MeetingFactory(title="Published meeting, draft declaration")
    declaration = DeclarationFactory(meeting=meeting, draft=True)
    declaration.topics.add(topic)
    paragraph = ParagraphFactory(declaration=declaration, text="Secret paragraph on quantum.")
    paragraph.topics.add(topic)
    CommitmentFactory(declaration=declaration, topic=topic, text="Secret commitment.")
    response = client.get(topic.get_absolute_url())
    assertNotContains(response, "Published meeting, draft declaration")
    assertNotContains(response, "Secret paragraph on quantum.")
    assertNotContains(response, "Secret commitment.")


def test_draft_topic_is_404(client):
    topic = TopicFactory(draft=True)
    assert client.get(topic.get_absolute_url()).status_code == 404


# --- Commitments --------------------------------------------------------------------------------


def test_commitment_list_filters_by_status_and_topic(client, first_meeting):
    response = client.get("/en/commitments/?status=pledged")
    assertContains(response, 'class="commitment"', count=14)
    assertContains(response, "Cooperate on supply chains for critical minerals.")
    assertContains(response, f'href="{DECLARATION_URL}"')

    response = client.get("/en/commitments/?status=fulfilled")
    assertNotContains(response, 'class="commitment"')
    assertContains(response, "No commitment matches these filters.")

    response = client.get("/en/commitments/?topic=batteries")
    assertContains(response, 'class="commitment"', count=1)
    assertContains(response, "Make battery supply chains more resilient")


@pytest.mark.parametrize("query", ["status=%00", "status=open", "topic=a/b", "year=1e20"])
def test_commitment_list_bad_filter_is_a_form_error(client, first_meeting, query):
    response = client.get(f"/en/commitments/?{query}")
    assert response.status_code == 400
    assertContains(response, "The filters could not be applied", status_code=400)
    assertNotContains(response, 'class="commitment"', status_code=400)


def test_commitments_of_draft_declarations_are_hidden(client, first_meeting):
    CommitmentFactory(declaration=DeclarationFactory(draft=True), text="Not yet agreed.")
    assertNotContains(client.get("/en/commitments/"), "Not yet agreed.")


def test_topic_page_shows_five_years_a_page(client, db):
    from tests.factories import MeetingSeriesFactory, TopicFactory, build_meeting_record

    topic, series = TopicFactory(name="Shipbuilding"), MeetingSeriesFactory()
    for edition in range(1, 8):
        build_meeting_record(series=series, edition=edition, paragraphs=1, topics=[topic])
    years = sorted(series.meetings.values_list("year", flat=True), reverse=True)
    first = client.get(f"/en/topics/{topic.slug}/").content.decode()
    assert all(f'id="year-{year}"' in first for year in years[:5])
    assert not any(f'id="year-{year}"' in first for year in years[5:])
    second = client.get(f"/en/topics/{topic.slug}/?page=2").content.decode()
    assert all(f'id="year-{year}"' in second for year in years[5:])
    assert client.get(f"/en/topics/{topic.slug}/?page=3").status_code == 404
    assert client.get(f"/en/topics/{topic.slug}/?page=abc").status_code == 404


def test_topic_page_gives_busy_years_pages_of_their_own(client, db, monkeypatch):
    from declarations.views import TopicDetailView
    from tests.factories import MeetingSeriesFactory, TopicFactory, build_meeting_record

    topic = TopicFactory(name="Critical minerals")
    for series in (MeetingSeriesFactory(), MeetingSeriesFactory()):
        for edition in range(1, 4):
            build_meeting_record(
                series=series, edition=edition, participants=0, paragraphs=1, topics=[topic]
            )
    years = sorted(set(topic.paragraphs.values_list("declaration__meeting__year", flat=True)))
    assert len(years) == 3

    def shown(page):
        html = client.get(f"/en/topics/{topic.slug}/?page={page}").content.decode()
        return {year for year in years if f'id="year-{year}"' in html}

    # Quiet years share a page.
    assert shown(1) == set(years)
    # Each year holds two meetings, two paragraphs and two commitments: six entries, so a
    # page of ten entries holds one whole year.
    monkeypatch.setattr(TopicDetailView, "entries_per_page", 10)
    assert [shown(page) for page in (1, 2, 3)] == [{year} for year in reversed(years)]
    assert client.get(f"/en/topics/{topic.slug}/?page=4").status_code == 404


def test_topic_page_counts_a_meeting_once_through_its_declaration_or_its_paragraphs(
    client, db, monkeypatch
):
    from declarations.views import TopicDetailView
    from tests.factories import MeetingSeriesFactory, TopicFactory, build_meeting_record

    topic, series = TopicFactory(name="Hydrogen"), MeetingSeriesFactory()
    declared, both, in_text = (
        build_meeting_record(series=series, edition=edition, participants=0, paragraphs=1)
        for edition in (1, 2, 3)
    )
    declared.declarations.get().topics.add(topic)
    both.declarations.get().topics.add(topic)
    both.declarations.get().paragraphs.get().topics.add(topic)
    in_text.declarations.get().paragraphs.get().topics.add(topic)

    def shown(page):
        html = client.get(f"/en/topics/{topic.slug}/?page={page}").content.decode()
        return {m.year for m in (declared, both, in_text) if f'id="year-{m.year}"' in html}

    # Entries: the meeting alone (1), the meeting once and its paragraph (2), and the meeting
    # found through its paragraph and that paragraph (2). Three fit on a page.
    assert declared.year < both.year < in_text.year
    monkeypatch.setattr(TopicDetailView, "entries_per_page", 3)
    assert [shown(1), shown(2)] == [{in_text.year}, {both.year, declared.year}]
    assert client.get(f"/en/topics/{topic.slug}/?page=3").status_code == 404
