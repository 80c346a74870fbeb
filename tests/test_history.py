"""Full history: every change is recorded with who and when; the admin compares any two
versions field by field and restores an earlier one, as a new recorded change."""

import datetime

import pytest
from django.utils import timezone

from declarations.models import Declaration, Paragraph
from meetings.models import Meeting, MeetingStatus
from tests.admin_forms import admin_url, change_form_data
from tests.factories import (
    CountryFactory,
    DeclarationFactory,
    MeetingFactory,
    ParagraphFactory,
    TopicFactory,
)
from trilateral.history import diff

pytestmark = pytest.mark.django_db

# Kept by the record itself on every save (the version each language last changed at).
BOOKKEEPING = {"id", "created_at", "updated_at", "version", "translation_versions"}


def field_values(obj):
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.name not in BOOKKEEPING
    }


def restore(client, obj, record):
    """Opens the restore page of `record` and confirms, as an editor would."""
    url = admin_url(type(obj), "history_restore", obj.pk, record.pk)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {"loaded_version": page.context["form"]["loaded_version"].value()})


def test_an_admin_edit_is_recorded_with_who_when_and_what(staff_client, staff_user):
    meeting = MeetingFactory(city="Washington")
    url = admin_url(Meeting, "change", meeting.pk)
    data = change_form_data(staff_client.get(url))
    data["city"] = "Seoul"

    assert staff_client.post(url, data).status_code == 302

    latest = meeting.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == staff_user
    assert timezone.now() - latest.history_date < datetime.timedelta(minutes=1)
    assert [change.label for change in diff(meeting.history.last(), latest)] == ["City"]
    history_page = staff_client.get(admin_url(Meeting, "history", meeting.pk)).content.decode()
    assert "<strong>City:</strong> Washington &rarr; Seoul" in history_page
    assert staff_user.username in history_page


def test_an_edit_of_every_field_then_a_restore_round_trips_every_field(staff_client, staff_user):
    meeting = MeetingFactory(summary="As first written.", body="The first account.", end_date=None)
    original = field_values(meeting)
    first_version = meeting.history.get()
    other_series_country = CountryFactory()

    meeting.edition += 10
    meeting.title = "Renamed"
    meeting.slug = "renamed"
    meeting.status = MeetingStatus.POSTPONED
    meeting.start_date = datetime.date(2031, 3, 1)
    meeting.end_date = datetime.date(2031, 3, 2)
    meeting.host_country = other_series_country
    meeting.city, meeting.venue = "Tokyo", "Elsewhere"
    meeting.summary, meeting.body = "Rewritten.", "Another account."
    for name in Meeting.translated_fields:
        setattr(meeting, f"{name}_ko", f"{name} 한국어")
        setattr(meeting, f"{name}_ja", f"{name} 日本語")
    meeting.official_languages = ["en", "ko"]
    meeting.publication_status, meeting.published_at = "draft", None
    meeting.save()
    changed = field_values(Meeting.objects.get(pk=meeting.pk))
    assert {name for name in original if original[name] != changed[name]} == set(original) - {
        "series_id"
    }

    response = restore(staff_client, meeting, first_version)

    assert response.status_code == 302
    restored = Meeting.objects.get(pk=meeting.pk)
    assert field_values(restored) == original
    assert restored.version == meeting.version + 1
    latest = restored.history.first()
    assert latest.history_user == staff_user
    assert latest.history_change_reason.startswith(f"Restored version {first_version.version}")


def test_restore_brings_back_many_to_many_topics(staff_client):
    semiconductors, minerals = TopicFactory(name="Semiconductors"), TopicFactory()
    declaration = DeclarationFactory()
    declaration.topics.set([semiconductors])
    with_semiconductors = declaration.history.first()
    declaration.topics.set([minerals])

    assert restore(staff_client, declaration, with_semiconductors).status_code == 302

    assert list(Declaration.objects.get(pk=declaration.pk).topics.all()) == [semiconductors]


def test_the_diff_of_two_versions_lists_the_changed_fields(staff_client):
    meeting = MeetingFactory(city="Washington", venue="Hall")
    first = meeting.history.get()
    meeting.city, meeting.status = "Seoul", MeetingStatus.CANCELLED
    meeting.save()
    second = meeting.history.first()

    response = staff_client.get(
        admin_url(Meeting, "history_compare", meeting.pk), {"old": first.pk, "new": second.pk}
    )

    assert response.status_code == 200
    rows = [(c.label, c.old, c.new) for c in response.context["changes"]]
    assert rows == [("Status", "Held", "Cancelled"), ("City", "Washington", "Seoul")]
    assert "Cancelled" in response.content.decode()


def test_compare_refuses_bad_versions_with_a_message(staff_client):
    meeting = MeetingFactory()
    other = MeetingFactory()
    url = admin_url(Meeting, "history_compare", meeting.pk)

    assert staff_client.get(url, {"old": "abc"}).status_code == 400
    assert staff_client.get(url, {"old": "99999999999999999999999"}).status_code == 400
    foreign = other.history.get().pk
    assert staff_client.get(url, {"old": foreign, "new": foreign}).status_code == 404
    # One version only: nothing to compare yet.
    assert staff_client.get(url).status_code == 404
    for address in ("abc/history/", "abc/history/compare/", "abc/history/1/restore/"):
        assert staff_client.get(f"/admin/meetings/meeting/{address}").status_code == 404


def test_a_restore_that_breaks_a_rule_now_says_why_and_changes_nothing(staff_client):
    meeting = MeetingFactory(edition=1)
    first = meeting.history.get()
    meeting.edition = 3
    meeting.save()
    MeetingFactory(series=meeting.series, edition=1)
    rows_before = meeting.history.count()

    response = restore(staff_client, meeting, first)

    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == [
        "Version 1 cannot be restored, so nothing was changed: "
        "The series already has a meeting with this edition."
    ]
    meeting.refresh_from_db()
    assert (meeting.edition, meeting.version) == (3, 2)
    assert meeting.history.count() == rows_before


def test_an_editor_cannot_restore_a_version_that_would_publish(client, editor_user):
    meeting = MeetingFactory()  # published
    published_version = meeting.history.get()
    meeting.publication_status, meeting.published_at = "draft", None
    meeting.save()
    client.force_login(editor_user)

    response = restore(client, meeting, published_version)

    messages = [str(message) for message in response.wsgi_request._messages]
    assert "Only a publisher can" in messages[0]
    meeting.refresh_from_db()
    assert meeting.publication_status == "draft"


def test_a_deleted_paragraph_can_be_restored_from_its_history(staff_client):
    paragraph = ParagraphFactory(text="Semiconductors matter.")
    pk, last = paragraph.pk, paragraph.history.get()
    paragraph.delete()

    page = staff_client.get(admin_url(Paragraph, "history", pk))
    assert page.status_code == 200
    response = restore(staff_client, Paragraph(pk=pk), last)

    assert response.status_code == 302
    assert Paragraph.objects.get(pk=pk).text == "Semiconductors matter."


def test_restoring_needs_the_change_permission(client, django_user_model):
    meeting = MeetingFactory()
    viewer = django_user_model.objects.create_user(
        username="viewer", password="a-long-password", is_staff=True
    )
    viewer.user_permissions.add(*_permissions("view_meeting"))
    client.force_login(viewer)

    url = admin_url(Meeting, "history_restore", meeting.pk, meeting.history.get().pk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"loaded_version": meeting.version}).status_code == 403


def test_the_history_page_offers_compare_and_restore(staff_client):
    meeting = MeetingFactory()
    meeting.city = "Seoul"
    meeting.save()

    page = staff_client.get(admin_url(Meeting, "history", meeting.pk)).content.decode()

    assert "Compare the chosen versions" in page
    assert "Restore version 1" in page
    assert admin_url(Meeting, "history_restore", meeting.pk, meeting.history.last().pk) in page


def _permissions(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename__in=codenames)
