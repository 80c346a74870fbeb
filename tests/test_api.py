"""What every API resource shares: conditional requests, CSV, pagination, ordering, incremental
sync, the anonymous rate limit, session writes with CSRF, and writes that never half-happen."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from rest_framework.test import APIClient

from declarations import api as declarations_api
from meetings import api as meetings_api
from meetings.models import Country, Meeting, MeetingSeries
from tests.factories import (
    CountryFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    OrganizationFactory,
    ParticipantFactory,
    build_meeting_record,
)
from trilateral.cache import current_generation, last_modified

pytestmark = pytest.mark.django_db

MEETING = "/api/v1/meetings/trilateral-industrial-ministers-2024/"


def error(response):
    """The first error of a standardized error body, after checking it is JSON."""
    assert response["Content-Type"] == "application/json", response.content
    return response.json()["errors"][0]


# --- Links --------------------------------------------------------------------------------------


def linked_records(data):
    """Every record a response shows, nested ones included: each has its `url`."""
    if isinstance(data, list):
        for item in data:
            yield from linked_records(item)
    elif isinstance(data, dict):
        if "url" in data:
            yield data
        for value in data.values():
            yield from linked_records(value)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_link_leads_to_the_record_and_its_page(first_meeting, api_client, language):
    viewsets = {
        prefix: viewset
        for prefix, viewset, _name in (*meetings_api.routes, *declarations_api.routes)
    }
    shown = []
    for prefix in viewsets:
        response = api_client.get(f"/api/v1/{prefix}/", {"lang": language, "page_size": 100})
        shown += linked_records(response.json()["results"])
    with_pages = {record["url"].split("/")[5] for record in shown if "html_url" in record}
    assert with_pages == {
        *("series", "meetings", "people", "countries"),
        *("declarations", "paragraphs", "topics", "commitments"),
    }
    for record in shown:
        prefix, lookup = record["url"].removeprefix("http://testserver/api/v1/").split("/")[:2]
        viewset = viewsets[prefix]
        assert record["url"] == f"http://testserver/api/v1/{prefix}/{lookup}/"
        assert api_client.get(record["url"]).json()["url"] == record["url"]
        if "html_url" in record:
            model = viewset.serializer_class.Meta.model
            instance = model.objects.get(**{viewset.lookup_field: lookup})
            with translation.override(language):
                page = instance.get_absolute_url()
            assert record["html_url"] == f"http://testserver{page}", record


# --- Conditional requests -----------------------------------------------------------------------


def test_detail_carries_etag_and_last_modified(first_meeting, api_client):
    response = api_client.get(MEETING)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"] == last_modified(current_generation())


def test_revalidating_by_date_gets_304_until_anything_shown_changes(first_meeting, api_client):
    """A client that keeps Last-Modified alone (If-Modified-Since, no ETag) is not told that the
    meeting is unchanged once a participant nested in it has changed or gone, although the
    meeting's own row has not."""
    last_seen = api_client.get(MEETING)["Last-Modified"]
    assert api_client.get(MEETING, HTTP_IF_MODIFIED_SINCE=last_seen).status_code == 304

    participants = Meeting.objects.get().participants
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        participant = participants.get(person__slug="saito-ken")
        participant.role_title = "Minister of Economy, Trade and Industry of Japan"
        participant.save()
        response = api_client.get(MEETING, HTTP_IF_MODIFIED_SINCE=last_seen)
        assert response.status_code == 200
        assert "Minister of Economy, Trade and Industry of Japan" in response.content.decode()
        last_seen = response["Last-Modified"]

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=4)):
        participants.filter(person__slug="saito-ken").delete()
        response = api_client.get(MEETING, HTTP_IF_MODIFIED_SINCE=last_seen)
        assert response.status_code == 200
        assert "saito-ken" not in response.content.decode()


def test_matching_if_none_match_gets_304_until_anything_shown_changes(first_meeting, api_client):
    etag = api_client.get(MEETING)["ETag"]

    response = api_client.get(MEETING, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag

    # A nested participant changes, not the meeting row itself.
    participant = Meeting.objects.get().participants.get(person__slug="saito-ken")
    participant.role_title = "Minister of Economy, Trade and Industry of Japan"
    participant.save()
    response = api_client.get(MEETING, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_write_with_stale_if_match_is_412_and_changes_nothing(first_meeting, staff_api_client):
    stale = staff_api_client.get(MEETING)["ETag"]
    staff_api_client.patch(MEETING, {"venue": "Herbert C. Hoover Building"}, format="json")

    response = staff_api_client.patch(
        MEETING, {"city": "Washington"}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    assert error(response)["code"] == "precondition_failed"
    assert Meeting.objects.get().city == "Washington, D.C."

    response = staff_api_client.delete(MEETING, HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert Meeting.objects.exists()


def test_write_with_current_if_match_succeeds_and_returns_the_new_etag(
    first_meeting, staff_api_client
):
    current = staff_api_client.get(MEETING)["ETag"]
    response = staff_api_client.patch(
        MEETING, {"city": "Washington"}, format="json", HTTP_IF_MATCH=current
    )
    assert response.status_code == 200
    assert response["ETag"] != current
    assert response["ETag"] == staff_api_client.get(MEETING)["ETag"]


# --- CSV ----------------------------------------------------------------------------------------


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_of_a_list_joins_nested_names_into_one_cell(first_meeting, api_client):
    (row,) = read_csv(api_client.get("/api/v1/meetings/", {"format": "csv"}))
    assert row["title"] == "First Trilateral Industrial Ministers' Meeting"
    assert row["start_date"] == "2024-06-26"
    assert row["participants"] == "Ahn Duk Geun; Gina Raimondo; Saito Ken"
    assert row["url"] == "http://testserver" + MEETING


def test_csv_has_every_row_not_one_page(api_client):
    series = MeetingSeriesFactory()
    for _ in range(25):
        MeetingFactory(series=series)
    assert len(read_csv(api_client.get("/api/v1/meetings/", {"format": "csv"}))) == 25
    assert len(api_client.get("/api/v1/meetings/").json()["results"]) == 20


def test_csv_of_an_empty_list_still_has_its_header(db, api_client):
    assert read_csv(api_client.get("/api/v1/commitments/", {"format": "csv"})) == []
    # A streamed sheet is read once: ask again for its first line.
    response = api_client.get("/api/v1/commitments/", {"format": "csv"})
    assert response.getvalue().decode("utf-8").splitlines()[0].startswith("\ufeffurl,html_url,slug")


def test_csv_cells_never_start_a_spreadsheet_formula(api_client):
    MeetingFactory(city='=HYPERLINK("http://example.org")')
    (row,) = read_csv(api_client.get("/api/v1/meetings/", {"format": "csv"}))
    assert row["city"] == '\'=HYPERLINK("http://example.org")'


def test_an_error_asked_for_as_csv_comes_back_as_json(db, api_client):
    response = api_client.get("/api/v1/meetings/", {"format": "csv", "year": "abc"})
    assert response.status_code == 400
    assert error(response)["attr"] == "year"


# --- Pagination, ordering, filters --------------------------------------------------------------


def test_page_size_is_chosen_by_the_client_up_to_100(api_client):
    series = MeetingSeriesFactory()
    for _ in range(7):
        MeetingFactory(series=series)
    body = api_client.get("/api/v1/meetings/", {"page_size": 5}).json()
    assert body["count"] == 7
    assert len(body["results"]) == 5
    assert "page_size=5" in body["next"]
    assert api_client.get("/api/v1/meetings/", {"page_size": 100}).status_code == 200
    response = api_client.get("/api/v1/meetings/", {"page_size": 101})
    assert response.status_code == 400
    assert error(response) == {
        "code": "max_value",
        "detail": "Ensure this value is less than or equal to 100.",
        "attr": "page_size",
    }


def test_ordering_by_an_offered_field(api_client):
    series = MeetingSeriesFactory()
    for year in (2026, 2024, 2025):
        MeetingFactory(series=series, start_date=datetime.date(year, 6, 1), year=year)
    years = [
        row["year"] for row in api_client.get("/api/v1/meetings/?ordering=year").json()["results"]
    ]
    assert years == [2024, 2025, 2026]
    response = api_client.get("/api/v1/meetings/?ordering=secret_field")
    assert response.status_code == 400
    assert error(response)["attr"] == "ordering"
    assert "year, -year" in error(response)["detail"]


def test_filters_are_the_pages_filters_with_search_by_that_name(first_meeting, api_client):
    def slugs(**params):
        response = api_client.get("/api/v1/meetings/", params)
        assert response.status_code == 200, response.content
        return [row["slug"] for row in response.json()["results"]]

    found = ["trilateral-industrial-ministers-2024"]
    assert slugs(year=2024, country="KR", topic="semiconductors", status="held") == found
    assert slugs(series="trilateral-industrial-ministers", search="안덕근") == found
    assert slugs(search="Ahn Dukgeun") == found
    assert slugs(year=2025) == []
    assert slugs(search="nothing of the sort") == []


def test_updated_since_returns_what_changed_for_incremental_sync(first_meeting, api_client):
    checkpoint = timezone.now()
    korea = Country.objects.get(code="KR")
    korea.short_name = "South Korea"
    korea.save()
    response = api_client.get("/api/v1/countries/", {"updated_since": checkpoint.isoformat()})
    assert [row["code"] for row in response.json()["results"]] == ["KR"]


# --- Limits and writes --------------------------------------------------------------------------


def test_anonymous_clients_are_rate_limited_and_staff_are_not(
    settings, db, api_client, staff_api_client
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    cache.clear()
    statuses = [api_client.get("/api/v1/topics/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api_client.get("/api/v1/topics/")
    assert error(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert {staff_api_client.get("/api/v1/topics/").status_code for _ in range(5)} == {200}


def test_a_client_cannot_escape_the_rate_limit_by_naming_other_addresses(settings, db, client):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    cache.clear()
    statuses = [
        client.get("/api/v1/topics/", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}").status_code
        for number in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_behind_a_proxy_each_client_has_its_own_rate_limit(settings, db, client):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
        "NUM_PROXIES": 1,
    }
    cache.clear()

    def status(forwarded_for):
        # The proxy's own address is the connection's; it appends the client's to the header.
        return client.get("/api/v1/topics/", HTTP_X_FORWARDED_FOR=forwarded_for).status_code

    assert [status("198.51.100.7") for _ in range(4)] == [200, 200, 200, 429]
    # A forged entry in front of the proxy's is no other client.
    assert status("203.0.113.9, 198.51.100.7") == 429
    assert status("198.51.100.8") == 200


def test_the_admin_session_writes_with_csrf(staff_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user)
    body = {"code": "KR", "name": "Republic of Korea", "short_name": "Korea"}

    response = client.post("/api/v1/countries/", body, format="json")
    assert response.status_code == 403
    assert "CSRF" in error(response)["detail"]

    # The token as an admin page carries it; the cookie itself is out of a script's reach.
    page = client.get("/admin/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = client.post("/api/v1/countries/", body, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201
    assert Country.objects.filter(code="KR").exists()


def test_a_change_made_through_the_api_is_on_record_with_its_author(
    first_meeting, staff_api_client, staff_user
):
    staff_api_client.patch(MEETING, {"city": "Washington"}, format="json")
    latest = Meeting.objects.get().history.first()
    assert (latest.city, latest.history_user) == ("Washington", staff_user)


def test_deleting_a_record_others_refer_to_is_409_and_deletes_nothing(staff_api_client):
    organization = OrganizationFactory()
    response = staff_api_client.delete(f"/api/v1/countries/{organization.country.code}/")
    assert response.status_code == 409
    assert error(response)["code"] == "protected"
    assert str(organization) in error(response)["detail"]
    assert Country.objects.filter(pk=organization.country.pk).exists()


def test_a_refused_write_saves_nothing(staff_api_client):
    korea = CountryFactory()
    body = {
        "slug": "new-series",
        "name": "New series",
        "members": [korea.code, "ZZ"],
    }
    response = staff_api_client.post("/api/v1/series/", body, format="json")
    assert response.status_code == 400
    assert error(response)["attr"] == "members"
    assert not MeetingSeries.objects.exists()


def test_writes_are_validated_by_the_model_like_the_admin(staff_api_client):
    record = build_meeting_record()
    body = {
        "series": record.series.slug,
        "edition": record.edition,
        "title": "Another",
        "slug": record.slug,
        "status": "held",
        "start_date": "2025-07-02",
        "end_date": "2025-07-01",
    }
    response = staff_api_client.post("/api/v1/meetings/", body, format="json")
    assert response.status_code == 400
    messages = {(item["attr"], item["detail"]) for item in response.json()["errors"]}
    assert messages == {
        ("slug", "Meeting with this Slug already exists."),
        ("non_field_errors", "The series already has a meeting with this edition."),
        ("non_field_errors", "The end date is before the start date: correct one of them."),
    }
    assert Meeting.objects.count() == 1


def test_participant_organization_must_be_of_the_participants_country(staff_api_client):
    participant = ParticipantFactory()
    other = OrganizationFactory()
    response = staff_api_client.patch(
        f"/api/v1/participants/{participant.pk}/",
        {"organization": other.slug},
        format="json",
    )
    assert response.status_code == 400
    assert error(response) == {
        "code": "invalid",
        "detail": "This organization belongs to another country.",
        "attr": "organization",
    }


def test_the_readme_has_a_working_example_for_every_list(first_meeting, api_client):
    readme = (settings.BASE_DIR / "README.md").read_text()
    examples = re.findall(
        r"^curl .*'http://127\.0\.0\.1:8000(/api/v1/([-a-z]+)/[^']*)'$", readme, re.M
    )
    routes = [
        prefix for prefix, _viewset, _name in (*meetings_api.routes, *declarations_api.routes)
    ]
    assert sorted(resource for _path, resource in examples) == sorted(routes)
    for path, _resource in examples:
        response = api_client.get(path)
        assert response.status_code == 200, (path, response.content)
