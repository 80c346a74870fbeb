"""The first meeting as a program reads it: series, meeting, participants, people, organizations
and countries, with the facts of 26 June 2024 and links between them and to the pages."""

from urllib.parse import urlsplit

import pytest

from meetings.models import Meeting
from tests.factories import DeclarationFactory
from tests.test_fixture import DECLARATION, MEETING, REMARK_1, SERIES

pytestmark = pytest.mark.django_db

API = "http://testserver/api/v1"


def get(client, path, **params):
    response = client.get(f"/api/v1/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_series(first_meeting, api_client):
    series = get(api_client, f"series/{SERIES}/")
    assert series["name"] == "Trilateral Industrial Ministers' Meeting"
    assert series["cadence"] == "annual"
    assert series["established_on"] == "2023-08-18"
    assert "Camp David" in series["established_by"]
    assert series["members"] == ["JP", "KR", "US"]
    assert {(name["used_by"], name["language"]) for name in series["names"]} >= {
        ("MOTIE", "ko"),
        ("METI", "ja"),
    }
    assert [meeting["url"] for meeting in series["meetings"]] == [f"{API}/meetings/{MEETING}/"]


def test_the_series_list_links_its_meetings_instead_of_nesting_them(first_meeting, api_client):
    (series,) = get(api_client, "series/")["results"]
    # A series' meetings grow every year: the list links them, a page at a time.
    assert "meetings" not in series
    assert series["meetings_url"] == f"{API}/meetings/?series={SERIES}"
    path = urlsplit(series["meetings_url"])
    listed = api_client.get(path.path, {"series": SERIES}).json()["results"]
    assert [meeting["slug"] for meeting in listed] == [MEETING]


def test_the_meeting(first_meeting, api_client):
    meeting = get(api_client, f"meetings/{MEETING}/")
    assert meeting["title"] == "First Trilateral Industrial Ministers' Meeting"
    assert meeting["edition_label"] == "First"
    assert (meeting["status"], meeting["start_date"], meeting["end_date"]) == (
        "held",
        "2024-06-26",
        None,
    )
    assert (meeting["city"], meeting["host_country"]) == ("Washington, D.C.", "US")
    assert meeting["venue"].startswith("U.S. Department of Commerce")
    assert meeting["series"] == SERIES


def test_the_meeting_lists_who_took_part_in_the_office_they_held(first_meeting, api_client):
    participants = get(api_client, f"meetings/{MEETING}/")["participants"]
    assert [
        (
            p["person"]["name"],
            p["country"],
            p["organization"]["abbreviation"],
            p["role_title"],
            p["is_host"],
        )
        for p in participants
    ] == [
        ("Ahn Duk Geun", "KR", "MOTIE", "Minister of Trade, Industry and Energy", False),
        ("Gina Raimondo", "US", "DOC", "Secretary of Commerce", True),
        ("Saito Ken", "JP", "METI", "Minister of Economy, Trade and Industry", False),
    ]
    person = participants[0]["person"]
    assert person["url"] == f"{API}/people/ahn-duk-geun/"
    assert get(api_client, "people/ahn-duk-geun/")["name"] == "Ahn Duk Geun"


def test_the_meeting_lists_its_remarks_sources_and_declarations(first_meeting, api_client):
    meeting = get(api_client, f"meetings/{MEETING}/")
    first = meeting["remarks"][0]
    assert (first["speaker"]["slug"], first["text"]) == ("ahn-duk-geun", REMARK_1)
    assert len(meeting["sources"]) == 3
    assert all(source["address"].startswith("https://") for source in meeting["sources"])
    assert [d["slug"] for d in meeting["declarations"]] == [DECLARATION]
    assert meeting["declarations"][0]["url"] == f"{API}/declarations/{DECLARATION}/"


def test_a_draft_declaration_is_listed_for_staff_only(first_meeting, api_client, staff_api_client):
    DeclarationFactory(meeting=Meeting.objects.get(), slug="draft-statement", draft=True)
    listed = {d["slug"] for d in get(api_client, f"meetings/{MEETING}/")["declarations"]}
    assert listed == {DECLARATION}
    listed = {d["slug"] for d in get(staff_api_client, f"meetings/{MEETING}/")["declarations"]}
    assert listed == {DECLARATION, "draft-statement"}


def test_people_list_links_each_persons_participations(first_meeting, api_client):
    people = {person["slug"]: person for person in get(api_client, "people/")["results"]}
    ahn = people["ahn-duk-geun"]
    # A person's participations grow with every meeting: the list links them instead.
    assert "participations" not in ahn
    assert ahn["participations_url"] == f"{API}/participants/?person=ahn-duk-geun"
    path = urlsplit(ahn["participations_url"])
    listed = api_client.get(path.path, {"person": "ahn-duk-geun"}).json()["results"]
    assert [(row["meeting"], row["role_title"]) for row in listed] == [
        (MEETING, "Minister of Trade, Industry and Energy")
    ]
    assert {"안덕근", "安徳根"} <= {name["name"] for name in ahn["names"]}


def test_participants_people_organizations_and_countries(first_meeting, api_client):
    participants = get(api_client, "participants/", meeting=MEETING)["results"]
    assert [p["person"] for p in participants] == ["ahn-duk-geun", "gina-raimondo", "saito-ken"]
    assert participants[1]["person_name"] == "Gina Raimondo"

    ahn = get(api_client, "people/ahn-duk-geun/")
    assert (ahn["family_name"], ahn["given_name"], ahn["family_name_first"]) == (
        "Ahn",
        "Duk-geun",
        True,
    )
    assert {"안덕근", "安徳根", "Ahn Dukgeun"} <= {name["name"] for name in ahn["names"]}
    (participation,) = ahn["participations"]
    assert participation["meeting"]["slug"] == MEETING
    assert participation["role_title"] == "Minister of Trade, Industry and Energy"

    motie = get(api_client, "organizations/motie/")
    assert (motie["name"], motie["country"], motie["website"]) == (
        "Ministry of Trade, Industry and Energy",
        "KR",
        "https://english.motie.go.kr",
    )

    korea = get(api_client, "countries/KR/")
    assert (korea["name"], korea["short_name"], korea["alpha3"]) == (
        "Republic of Korea",
        "Korea",
        "KOR",
    )


def test_people_are_found_by_any_spelling_of_their_name(first_meeting, api_client):
    for spelling in ("안덕근", "Ahn Dukgeun", "齋藤健", "Raimondo"):
        found = [p["slug"] for p in get(api_client, "people/", search=spelling)["results"]]
        assert len(found) == 1, spelling


def test_html_urls_lead_to_the_public_pages(first_meeting, api_client, client):
    records = [
        get(api_client, f"meetings/{MEETING}/"),
        get(api_client, "people/saito-ken/"),
        get(api_client, "countries/JP/"),
    ]
    for record in records:
        response = client.get(urlsplit(record["html_url"]).path)
        assert response.status_code == 200, record["html_url"]
