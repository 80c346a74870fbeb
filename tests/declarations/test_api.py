"""The joint declaration of 2024 as a program reads it: its titles in each party's words, its
paragraphs with their permalinks and topics, its commitments and how they progress."""

import pytest

from declarations.models import Commitment, Paragraph
from meetings.models import Meeting
from tests.factories import DeclarationFactory, MeetingFactory, ParagraphFactory
from tests.test_fixture import DECLARATION, MEETING, PARAGRAPH_1, TOPICS

pytestmark = pytest.mark.django_db

PAGE = f"http://testserver/en/declarations/{DECLARATION}/"


def get(client, path, **params):
    response = client.get(f"/api/v1/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_declaration(first_meeting, api_client):
    declaration = get(api_client, f"declarations/{DECLARATION}/")
    assert declaration["title"] == (
        "Joint Declaration of the First Trilateral Industrial Ministers' Meeting"
    )
    assert (declaration["kind"], declaration["adopted_on"], declaration["is_excerpt"]) == (
        "joint-declaration",
        "2024-06-26",
        True,
    )
    assert declaration["meeting"] == MEETING
    assert set(declaration["topics"]) == set(TOPICS)
    assert declaration["html_url"] == PAGE
    assert len(declaration["sources"]) == 2


def test_the_title_each_party_publishes_it_under(first_meeting, api_client):
    titles = get(api_client, f"declarations/{DECLARATION}/")["titles"]
    assert {(t["party"], t["used_by"], t["language"], t["title"]) for t in titles} == {
        ("KR", "MOTIE", "en", "Joint Declaration"),
        ("KR", "MOTIE", "ko", "공동선언문"),
        ("JP", "METI", "en", "Joint Statement"),
        ("JP", "METI", "ja", "共同声明"),
    }
    listed = get(api_client, "declaration-titles/", declaration=DECLARATION, language="ko")
    assert [t["title"] for t in listed["results"]] == ["공동선언문"]


def test_paragraphs_carry_their_permalinks_and_topics(first_meeting, api_client):
    paragraphs = get(api_client, f"declarations/{DECLARATION}/")["paragraphs"]
    assert [(p["number"], p["anchor"], p["html_url"]) for p in paragraphs] == [
        (1, "p1", f"{PAGE}#p1"),
        (2, "p2", f"{PAGE}#p2"),
    ]
    assert paragraphs[0]["text"] == PARAGRAPH_1
    assert set(paragraphs[0]["topics"]) == {"semiconductors", "batteries", "supply-chains"}

    on_semiconductors = get(api_client, "paragraphs/", topic="semiconductors")["results"]
    assert [(p["declaration"], p["anchor"]) for p in on_semiconductors] == [(DECLARATION, "p1")]


def test_a_changed_declaration_comes_back_whole(first_meeting, staff_api_client):
    path = f"/api/v1/declarations/{DECLARATION}/"
    response = staff_api_client.patch(path, {"summary": "Changed."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == staff_api_client.get(path).json()
    assert set(response.json()["paragraphs"][0]["topics"]) == {
        "semiconductors",
        "batteries",
        "supply-chains",
    }


def test_commitments_with_their_paragraph_topic_and_status(first_meeting, api_client):
    summary = get(api_client, f"declarations/{DECLARATION}/")["commitments"]
    assert len(summary) == 14
    assert summary[0]["slug"] == "tim-2024-meet-annually"
    assert summary[0]["html_url"] == f"{PAGE}#commitment-tim-2024-meet-annually"

    (minerals,) = get(api_client, "commitments/", topic="critical-minerals")["results"]
    assert minerals["slug"] == "tim-2024-cooperate-critical-minerals"
    assert (minerals["declaration"], minerals["status"]) == (DECLARATION, "pledged")
    assert get(api_client, "commitments/", status="pledged")["count"] == 14
    assert get(api_client, "commitments/", status="fulfilled")["count"] == 0

    semiconductors = get(api_client, "commitments/tim-2024-cooperate-semiconductors/")
    assert (semiconductors["paragraph_anchor"], semiconductors["topic"]) == ("p1", "semiconductors")


def test_topics(first_meeting, api_client):
    topics = get(api_client, "topics/", page_size=100)["results"]
    assert {t["slug"]: t["name"] for t in topics} == TOPICS
    assert get(api_client, "topics/semiconductors/")["html_url"].endswith(
        "/en/topics/semiconductors/"
    )


def test_progress_reported_at_a_later_meeting_follows_the_commitment(
    first_meeting, api_client, staff_api_client
):
    second = MeetingFactory(series=Meeting.objects.get().series, edition=2, slug="second-meeting")
    response = staff_api_client.post(
        "/api/v1/commitment-updates/",
        {
            "commitment": "tim-2024-meet-annually",
            "meeting": "second-meeting",
            "reported_on": "2025-06-30",
            "status": "fulfilled",
            "note": "The ministers met again.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    staff_api_client.patch(
        "/api/v1/commitments/tim-2024-meet-annually/", {"status": "fulfilled"}, format="json"
    )

    commitment = get(api_client, "commitments/tim-2024-meet-annually/")
    assert commitment["status"] == "fulfilled"
    assert [(u["reported_on"], u["meeting"], u["status"]) for u in commitment["updates"]] == [
        ("2025-06-30", "second-meeting", "fulfilled")
    ]
    # Progress reported at a meeting that is not public yet stays hidden with the meeting.
    second.publication_status = "draft"
    second.save()
    assert get(api_client, "commitments/tim-2024-meet-annually/")["updates"] == []
    assert get(api_client, "commitment-updates/")["count"] == 0
    assert get(staff_api_client, "commitment-updates/")["count"] == 1


def test_a_new_paragraph_gets_its_anchor_from_its_number(first_meeting, staff_api_client):
    response = staff_api_client.post(
        "/api/v1/paragraphs/",
        {"declaration": DECLARATION, "number": 3, "text": "We will meet again.", "topics": []},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["anchor"] == "p3"
    assert response.json()["html_url"] == f"{PAGE}#p3"


def test_paragraph_and_commitment_rules_give_the_admins_messages(first_meeting, staff_api_client):
    response = staff_api_client.post(
        "/api/v1/paragraphs/",
        {"declaration": DECLARATION, "number": 9, "anchor": "p1", "text": "Twice p1."},
        format="json",
    )
    assert response.status_code == 400
    assert [e["detail"] for e in response.json()["errors"]] == [
        "Another paragraph of this declaration has this anchor."
    ]

    elsewhere = ParagraphFactory(declaration=DeclarationFactory())
    response = staff_api_client.patch(
        "/api/v1/commitments/tim-2024-meet-annually/", {"paragraph": elsewhere.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "invalid",
            "detail": "The paragraph must belong to the same declaration.",
            "attr": "paragraph",
        }
    ]
    assert Commitment.objects.get(slug="tim-2024-meet-annually").paragraph is None
    assert Paragraph.objects.filter(number=9).count() == 0
