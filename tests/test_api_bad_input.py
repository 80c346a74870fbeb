"""Whatever a client sends, the API answers 400 or 404 with a JSON body that names what is wrong,
never a 500, and a refused write leaves nothing behind. Run on PostgreSQL too, which rejects a NUL
byte or an out-of-range number that SQLite lets through."""

import pytest
from django.urls import resolve

from declarations import api as declarations_api
from meetings import api as meetings_api
from meetings.models import Meeting, Participant
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

LISTS = [prefix for prefix, _viewset, _name in (*meetings_api.routes, *declarations_api.routes)]

BAD_QUERIES = [
    ("year", "abc"),
    ("year", "1e20"),
    ("year", "99999999999999999999"),
    ("year", "-1"),
    ("year", "\x00"),
    ("country", "\x00"),
    ("country", "ZZ"),
    ("topic", "no-such-topic"),
    ("series", "a/b"),
    ("status", "unknown"),
    ("updated_since", "yesterday"),
    ("updated_since", "2024-13-01T00:00:00Z"),
    ("updated_since", "0001-01-01T00:00:00+05:00"),
    ("updated_since", "9999-12-31T23:59:59-05:00"),
    ("search", "\x00"),
    ("search", "x" * 10_000),
    ("ordering", "password"),
    ("ordering", "year,"),
    ("page_size", "-1"),
    ("page_size", "0"),
    ("page_size", "10000000000000000000000"),
    ("page_size", "abc"),
]

BAD_PAGES = ["0", "-1", "1000000000", "abc", "\x00", "1e3"]


def errors_of(response):
    assert response["Content-Type"] == "application/json", response.content
    return response.json()["errors"]


def parameters_of(resource):
    """The query parameters a list accepts: its FilterSet's, then ordering and pagination."""
    filterset_class = resolve(f"/api/v1/{resource}/").func.cls.filterset_class
    names = {"search" if name == "q" else name for name in filterset_class.base_filters}
    return names | {"ordering", "page_size"}


@pytest.mark.parametrize("resource", LISTS)
def test_bad_query_values_are_400s_that_name_the_parameter(first_meeting, api_client, resource):
    accepted = parameters_of(resource)
    for name, value in BAD_QUERIES:
        if name not in accepted:
            continue
        response = api_client.get(f"/api/v1/{resource}/", {name: value})
        assert response.status_code == 400, (resource, name, value, response.content)
        assert [error["attr"] for error in errors_of(response)] == [name], (name, value)


def test_an_offset_postgresql_cannot_store_is_read_as_the_moment_it_names(
    first_meeting, api_client
):
    # 2024-06-28 23:00 at +23:00 is 2024-06-28 00:00 UTC, when the fixture's rows were made.
    for moment, count in [("2024-06-28T23:00:00+23:00", 3), ("2024-06-28T23:00:01+23:00", 0)]:
        response = api_client.get("/api/v1/countries/", {"updated_since": moment})
        assert response.status_code == 200
        assert response.json()["count"] == count


@pytest.mark.parametrize("resource", LISTS)
def test_an_unknown_format_is_a_json_404(db, api_client, resource):
    response = api_client.get(f"/api/v1/{resource}/", {"format": "xml"})
    assert response.status_code == 404
    assert errors_of(response)[0]["code"] == "not_found"


@pytest.mark.parametrize("resource", LISTS)
def test_pages_that_do_not_exist_are_404s_that_say_so(first_meeting, api_client, resource):
    for page in BAD_PAGES:
        response = api_client.get(f"/api/v1/{resource}/", {"page": page})
        assert response.status_code == 404, (page, response.content)
        assert errors_of(response)[0]["detail"].startswith("Invalid page"), page


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/meetings/%00/",
        "/api/v1/meetings/a%00b/",
        "/api/v1/meetings/%E2%80%AE/",
        "/api/v1/meetings/" + "x" * 500 + "/",
        "/api/v1/countries/kr/",
        "/api/v1/countries/KOR/",
        "/api/v1/participants/99999999999999999999/",
        "/api/v1/participants/-1/",
        "/api/v1/participants/1.5/",
        "/api/v1/nothing-here/",
        "/api/v2/meetings/",
    ],
)
def test_addresses_no_record_can_have_are_json_404s(first_meeting, api_client, path):
    response = api_client.get(path)
    assert response.status_code == 404
    assert errors_of(response)[0]["code"] == "not_found"


def test_write_bodies_with_wrong_types_or_missing_fields_get_field_errors(staff_api_client):
    response = staff_api_client.post(
        "/api/v1/meetings/",
        {"series": 7, "edition": "first", "title": ["a list"], "year": 99999999999999999999},
        format="json",
    )
    assert response.status_code == 400
    errors = {error["attr"]: error["code"] for error in errors_of(response)}
    assert errors == {
        "series": "invalid",
        "edition": "invalid",
        "title": "invalid",
        "year": "max_value",
        "slug": "required",
    }
    assert not Meeting.objects.exists()


def test_write_bodies_naming_records_that_do_not_exist_get_field_errors(staff_api_client):
    participant = ParticipantFactory()
    for value, code in [
        ("no-such-person", "does_not_exist"),
        ("\x00", "invalid"),
        ("a b", "invalid"),
        (None, "null"),
    ]:
        response = staff_api_client.patch(
            f"/api/v1/participants/{participant.pk}/", {"person": value}, format="json"
        )
        assert response.status_code == 400, value
        assert errors_of(response) == [
            {"attr": "person", "code": code, "detail": errors_of(response)[0]["detail"]}
        ]
    participant.refresh_from_db()
    assert Participant.objects.get().person == participant.person


def test_a_commitment_paragraph_beyond_64_bits_is_a_field_error(staff_api_client, first_meeting):
    response = staff_api_client.patch(
        "/api/v1/commitments/tim-2024-meet-annually/",
        {"paragraph": 2**70},
        format="json",
    )
    assert response.status_code == 400
    assert errors_of(response)[0]["attr"] == "paragraph"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"name": ', "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"name=Korea", "text/plain"),
        # Deeper than Python's JSON parser goes.
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (b'{"name": ' * 5_000 + b"1" + b"}" * 5_000, "application/json"),
    ],
    ids=["cut off", "not UTF-8", "not JSON", "nested lists", "nested objects"],
)
def test_bodies_that_are_not_json_are_refused(staff_api_client, body, content_type):
    response = staff_api_client.generic("POST", "/api/v1/countries/", body, content_type)
    assert response.status_code in (400, 415)
    assert errors_of(response)
