"""Every API resource: anonymous clients read published records only and may not write; staff
read drafts too and, with a token, create, change and delete; other accounts are refused."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import (
    CommitmentFactory,
    CommitmentUpdateFactory,
    CountryFactory,
    DeclarationFactory,
    DeclarationTitleFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    OrganizationFactory,
    ParagraphFactory,
    ParticipantFactory,
    PersonFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class Resource:
    prefix: str
    published: Any  # makes a record the public may see
    draft: Any  # makes a record only staff may see
    key: Any  # the record's part of its address
    new: Any  # the body that creates a record
    change: dict  # a PATCH body

    def __str__(self):
        return self.prefix

    def url(self, record):
        return f"http://testserver/api/v1/{self.prefix}/{self.key(record)}/"


def slug(record):
    return record.slug


def pk(record):
    return record.pk


def new_participant():
    country = CountryFactory()
    return {
        "meeting": MeetingFactory().slug,
        "person": PersonFactory().slug,
        "country": country.code,
        "organization": OrganizationFactory(country=country).slug,
        "role_title": "Minister of Trade",
    }


RESOURCES = [
    Resource(
        "series",
        MeetingSeriesFactory,
        lambda: MeetingSeriesFactory(draft=True),
        slug,
        lambda: {
            "slug": "new-series",
            "name": "Trilateral Energy Ministers' Meeting",
            "members": [CountryFactory().code, CountryFactory().code],
        },
        {"short_name": "TEMM"},
    ),
    Resource(
        "meetings",
        MeetingFactory,
        lambda: MeetingFactory(draft=True),
        slug,
        lambda: {
            "series": MeetingSeriesFactory().slug,
            "edition": 2,
            "title": "Second meeting",
            "slug": "second-meeting",
            "status": "planned",
            "year": 2025,
        },
        {"city": "Seoul"},
    ),
    Resource(
        "participants",
        ParticipantFactory,
        lambda: ParticipantFactory(meeting__draft=True),
        pk,
        new_participant,
        {"role_title": "Deputy Minister"},
    ),
    Resource(
        "people",
        lambda: ParticipantFactory().person,
        lambda: ParticipantFactory(meeting__draft=True).person,
        slug,
        lambda: {
            "slug": "kim-minsu",
            "name": "Kim Minsu",
            "family_name": "Kim",
            "given_name": "Minsu",
            "family_name_first": True,
        },
        {"name": "Kim Min-su"},
    ),
    Resource(
        "organizations",
        lambda: ParticipantFactory().organization,
        lambda: ParticipantFactory(meeting__draft=True).organization,
        slug,
        lambda: {
            "slug": "mofa",
            "name": "Ministry of Foreign Affairs",
            "country": CountryFactory().code,
        },
        {"abbreviation": "MOFA"},
    ),
    Resource(
        "countries",
        lambda: ParticipantFactory().country,
        lambda: ParticipantFactory(meeting__draft=True).country,
        lambda record: record.code,
        lambda: {"code": "KR", "name": "Republic of Korea", "short_name": "Korea"},
        {"alpha3": "KOR"},
    ),
    Resource(
        "declarations",
        DeclarationFactory,
        lambda: DeclarationFactory(draft=True),
        slug,
        lambda: {
            "meeting": MeetingFactory().slug,
            "slug": "joint-statement",
            "title": "Joint Statement",
            "kind": "joint-statement",
            "topics": [TopicFactory().slug],
        },
        {"is_excerpt": True},
    ),
    Resource(
        "paragraphs",
        ParagraphFactory,
        lambda: ParagraphFactory(declaration__draft=True),
        pk,
        lambda: {"declaration": DeclarationFactory().slug, "number": 3, "text": "We will meet."},
        {"heading": "Supply chains"},
    ),
    Resource(
        "declaration-titles",
        DeclarationTitleFactory,
        lambda: DeclarationTitleFactory(declaration__draft=True),
        pk,
        lambda: {
            "declaration": DeclarationFactory().slug,
            "party": CountryFactory().code,
            "used_by": "MOTIE",
            "title": "공동선언문",
            "language": "ko",
        },
        {"title": "공동 선언문"},
    ),
    Resource(
        "topics",
        TopicFactory,
        lambda: TopicFactory(draft=True),
        slug,
        lambda: {"slug": "quantum", "name": "Quantum technology"},
        {"description": "Research and supply chains."},
    ),
    Resource(
        "commitments",
        CommitmentFactory,
        lambda: CommitmentFactory(declaration__draft=True),
        slug,
        lambda: {
            "declaration": DeclarationFactory().slug,
            "slug": "meet-annually",
            "text": "Meet every year.",
        },
        {"status": "fulfilled"},
    ),
    Resource(
        "commitment-updates",
        CommitmentUpdateFactory,
        lambda: CommitmentUpdateFactory(commitment__declaration__draft=True),
        pk,
        lambda: {
            "commitment": CommitmentFactory().slug,
            "reported_on": "2025-06-01",
            "status": "fulfilled",
        },
        {"note": "Reported at the second meeting."},
    ),
]


@pytest.fixture(params=RESOURCES, ids=str)
def resource(request):
    return request.param


def listed_urls(response):
    assert response.status_code == 200, response.content
    return {row["url"] for row in response.json()["results"]}


def test_anonymous_clients_see_published_records_only(api_client, resource):
    public, hidden = resource.published(), resource.draft()
    urls = listed_urls(api_client.get(f"/api/v1/{resource.prefix}/"))
    assert resource.url(public) in urls
    assert resource.url(hidden) not in urls
    assert api_client.get(resource.url(public)).status_code == 200
    assert api_client.get(resource.url(hidden)).status_code == 404


def test_staff_see_drafts_too(staff_api_client, resource):
    hidden = resource.draft()
    assert resource.url(hidden) in listed_urls(staff_api_client.get(f"/api/v1/{resource.prefix}/"))
    assert staff_api_client.get(resource.url(hidden)).status_code == 200


def test_staff_create_change_and_delete(staff_api_client, resource):
    response = staff_api_client.post(f"/api/v1/{resource.prefix}/", resource.new(), format="json")
    assert response.status_code == 201, response.json()
    url = response.json()["url"]
    assert response["Location"] == url
    assert staff_api_client.get(url).json() == response.json()

    response = staff_api_client.patch(url, resource.change, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() | resource.change == response.json()
    assert staff_api_client.get(url).json() == response.json()

    assert staff_api_client.delete(url).status_code == 204
    assert staff_api_client.get(url).status_code == 404


def test_anonymous_writes_are_refused_with_401(api_client, resource):
    record = resource.published()
    attempts = [
        api_client.post(f"/api/v1/{resource.prefix}/", resource.new(), format="json"),
        api_client.patch(resource.url(record), resource.change, format="json"),
        api_client.delete(resource.url(record)),
    ]
    for response in attempts:
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["errors"][0]["code"] == "not_authenticated"
    assert api_client.get(resource.url(record)).status_code == 200


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_accounts_without_staff_status_or_permission_are_refused_with_403(
    django_user_model, resource
):
    record = resource.published()
    reader = django_user_model.objects.create_user("reader", is_staff=False)
    # A model permission alone does not make an account an editor.
    reader.user_permissions.set(Permission.objects.all())
    bare_staff = django_user_model.objects.create_user("new.staff", is_staff=True)
    for user in (reader, bare_staff):
        client = token_client(user)
        assert (
            client.post(f"/api/v1/{resource.prefix}/", resource.new(), format="json").status_code
            == 403
        )
        assert client.patch(resource.url(record), resource.change, format="json").status_code == 403
        assert client.delete(resource.url(record)).status_code == 403
        assert client.get(resource.url(record)).status_code == 200
