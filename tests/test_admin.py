"""The admin as an editor uses it: every page opens, inline forms save, mistakes are explained."""

import pytest
from django.contrib import admin
from django.urls import reverse

from declarations.models import Declaration
from meetings.models import Meeting
from tests.factories import (
    CountryFactory,
    MeetingSeriesFactory,
    PersonFactory,
    TopicFactory,
    build_meeting_record,
)

pytestmark = pytest.mark.django_db

REGISTERED = [
    model for model in admin.site._registry if model._meta.app_label in {"meetings", "declarations"}
]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def record(db):
    return build_meeting_record(topics=[TopicFactory()])


def test_every_domain_model_is_registered():
    names = {model.__name__ for model in REGISTERED}
    assert names >= {
        "Country", "Organization", "Person", "PersonName", "MeetingSeries", "SeriesName",
        "Meeting", "Participant", "Remark", "MeetingSource", "Topic", "Declaration",
        "DeclarationTitle", "Paragraph", "DeclarationSource", "Commitment", "CommitmentUpdate",
    }  # fmt: skip


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_open_for_staff(staff_client, record, model):
    obj = model.objects.first()
    assert obj is not None, f"the test record has no {model.__name__}"
    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "changelist") + "?q=test",
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_anonymous_users_are_sent_to_login(client, record, model):
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def meeting_form(series, host, **overrides):
    data = {
        "series": series.pk,
        "edition": "2",
        "title": "Second Trilateral Industrial Ministers' Meeting",
        "slug": "trilateral-industrial-ministers-2025",
        "status": "held",
        "year": "",
        "start_date": "2025-07-01",
        "end_date": "",
        "host_country": host.pk,
        "city": "Seoul",
        "venue": "Government Complex",
        "summary": "",
        "body": "",
        "publication_status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        **inline_management("participants"),
        **inline_management("remarks"),
        **inline_management("sources"),
    }
    data.update(overrides)
    return data


def test_meeting_saves_with_inline_participants_and_sources(staff_client):
    series = MeetingSeriesFactory()
    korea = CountryFactory(code="KR", short_name="Korea")
    person = PersonFactory(name="Ahn Duk Geun")
    data = meeting_form(
        series,
        korea,
        **inline_management("participants", total=1),
        **{
            "participants-0-order": "1",
            "participants-0-person": person.pk,
            "participants-0-country": korea.pk,
            "participants-0-organization": "",
            "participants-0-role_title": "Minister of Trade, Industry and Energy",
            "participants-0-is_head_of_delegation": "on",
        },
        **inline_management("sources", total=1),
        **{
            "sources-0-publisher": "MOTIE",
            "sources-0-title": "Press release",
            "sources-0-url": "https://example.org/press",
            "sources-0-published_on": "2025-07-01",
            "sources-0-language": "ko",
        },
    )
    response = staff_client.post(admin_url(Meeting, "add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    meeting = Meeting.objects.get(slug="trilateral-industrial-ministers-2025")
    assert meeting.year == 2025
    assert meeting.participants.get().role_title == "Minister of Trade, Industry and Energy"
    assert meeting.sources.get().publisher == "MOTIE"


def test_end_before_start_is_a_form_error_not_a_crash(staff_client):
    data = meeting_form(
        MeetingSeriesFactory(), CountryFactory(), start_date="2025-07-02", end_date="2025-07-01"
    )
    response = staff_client.post(admin_url(Meeting, "add"), data)
    assert response.status_code == 200
    assert "The end date is before the start date" in response.content.decode()
    assert not Meeting.objects.exists()


def test_duplicate_edition_is_a_form_error(staff_client, record):
    data = meeting_form(record.series, record.host_country, edition=str(record.edition))
    response = staff_client.post(admin_url(Meeting, "add"), data)
    assert response.status_code == 200
    assert "already has a meeting with this edition" in response.content.decode()


def test_duplicate_participant_inline_is_a_form_error(staff_client):
    series = MeetingSeriesFactory()
    korea = CountryFactory()
    person = PersonFactory()
    row = {
        "order": "1",
        "person": person.pk,
        "country": korea.pk,
        "role_title": "Minister",
    }
    data = meeting_form(series, korea, **inline_management("participants", total=2))
    for index in (0, 1):
        data.update({f"participants-{index}-{key}": value for key, value in row.items()})
    response = staff_client.post(admin_url(Meeting, "add"), data)
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_declaration_saves_with_inline_paragraphs_titles_and_commitments(staff_client, record):
    data = {
        "meeting": record.pk,
        "kind": "joint-statement",
        "title": "Joint Statement",
        "slug": "joint-statement-test",
        "adopted_on": "",
        "summary": "",
        "is_excerpt": "on",
        "publication_status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        **inline_management("titles", total=1),
        "titles-0-used_by": "METI",
        "titles-0-title": "共同声明",
        "titles-0-language": "ja",
        **inline_management("paragraphs", total=2),
        "paragraphs-0-number": "1",
        "paragraphs-0-anchor": "",
        "paragraphs-0-text": "Our common goal is cooperation.",
        "paragraphs-1-number": "2",
        "paragraphs-1-anchor": "supply-chains",
        "paragraphs-1-text": "Supply chains matter.",
        **inline_management("commitments", total=1),
        "commitments-0-order": "1",
        "commitments-0-slug": "meet-every-year",
        "commitments-0-status": "pledged",
        "commitments-0-text": "Meet every year.",
        **inline_management("sources"),
    }
    response = staff_client.post(admin_url(Declaration, "add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    declaration = Declaration.objects.get(slug="joint-statement-test")
    assert [p.anchor for p in declaration.paragraphs.all()] == ["p1", "supply-chains"]
    assert declaration.titles.get().title == "共同声明"
    assert declaration.commitments.get().text == "Meet every year."


def test_autocomplete_finds_a_person_by_native_script(staff_client, record):
    participant = record.participants.first()
    participant.person.names.create(name="안덕근", language="ko")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "안덕근", "app_label": "meetings", "model_name": "participant",
         "field_name": "person"},
    )  # fmt: skip
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == [participant.person.name]


def test_change_page_links_to_the_public_page(staff_client, record):
    response = staff_client.get(admin_url(Meeting, "change", record.pk))
    assert "View on site" in response.content.decode()
