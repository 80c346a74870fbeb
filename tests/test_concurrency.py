"""No lost edits: when two people edit one record at once, the second save is refused with what
changed meanwhile, and neither person's work is lost."""

import pytest

from meetings.models import Meeting, Participant
from tests.admin_forms import admin_url, change_form_data
from tests.conftest import signed_in
from tests.factories import MeetingFactory, build_meeting_record
from trilateral.history import VersionConflict, changes_since, check_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    meeting = build_meeting_record(participants=1, paragraphs=1)
    # The admin's date and time fields keep whole seconds, as a record saved there has.
    meeting.published_at = meeting.published_at.replace(microsecond=0)
    meeting.save()
    return meeting


def session(django_user_model, name):
    return signed_in(
        django_user_model.objects.create_superuser(username=name, password="a-long-password")
    )


@pytest.fixture
def alice(django_user_model):
    return session(django_user_model, "alice")


@pytest.fixture
def bob(django_user_model):
    return session(django_user_model, "bob")


def test_second_save_is_refused_with_the_changes_and_nothing_is_lost(alice, bob, meeting):
    url = admin_url(Meeting, "change", meeting.pk)
    alices_page = alice.get(url)
    assert '<input type="hidden" name="loaded_version" value="2"' in alices_page.content.decode()
    alices_form = change_form_data(alices_page)
    bobs_form = change_form_data(bob.get(url))

    alices_form["city"] = "Seoul"
    assert alice.post(url, alices_form).status_code == 302

    bobs_form["venue"] = "Blue House"
    response = bob.post(url, bobs_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "alice saved this record" in page
    assert "nothing was saved" in page
    changes = response.context["adminform"].form.conflict.changes
    assert [(c.label, c.old, c.new) for c in changes] == [("City", "Testville", "Seoul")]
    assert "Changed meanwhile" in page
    meeting.refresh_from_db()
    assert (meeting.city, meeting.venue) == ("Seoul", "Test Hall")

    # Bob's edit is still in the form; he takes Alice's city over and saves deliberately.
    bobs_second_try = change_form_data(response)
    assert bobs_second_try["venue"] == "Blue House"
    bobs_second_try["city"] = "Seoul"
    assert bob.post(url, bobs_second_try).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.city, meeting.venue) == ("Seoul", "Blue House")


def test_a_save_without_the_loaded_version_is_refused(alice, meeting):
    url = admin_url(Meeting, "change", meeting.pk)
    data = change_form_data(alice.get(url))
    del data["loaded_version"]
    data["city"] = "Seoul"

    response = alice.post(url, data)

    assert response.status_code == 200
    assert "Reload the page" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.city == "Testville"


def test_an_inline_row_changed_meanwhile_is_refused_in_its_row(alice, bob, meeting):
    participant = meeting.participants.get()
    meeting_url = admin_url(Meeting, "change", meeting.pk)
    bobs_form = change_form_data(bob.get(meeting_url))

    participant_url = admin_url(Participant, "change", participant.pk)
    alices_form = change_form_data(alice.get(participant_url))
    alices_form["role_title"] = "Secretary of Commerce"
    assert alice.post(participant_url, alices_form).status_code == 302

    bobs_form["participants-0-role_title"] = "Minister of Trade"
    response = bob.post(meeting_url, bobs_form)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].non_field_errors()
    assert "alice saved this record" in errors[0]
    assert "Office held: “Minister of Testing” → “Secretary of Commerce”." in errors[0]
    participant.refresh_from_db()
    assert participant.role_title == "Secretary of Commerce"


def test_saving_a_record_deleted_meanwhile_says_so_and_saves_nothing(bob):
    meeting = MeetingFactory()
    url = admin_url(Meeting, "change", meeting.pk)
    bobs_form = change_form_data(bob.get(url))
    pk = meeting.pk
    meeting.delete()

    bobs_form["city"] = "Seoul"
    response = bob.post(url, bobs_form, follow=True)

    assert "was deleted while you were editing it, so your changes were not saved" in (
        response.content.decode()
    )
    assert not Meeting.objects.filter(pk=pk).exists()


def test_check_version_reports_the_fields_changed_since_a_version(meeting):
    loaded = meeting.version
    meeting.title = "A new title"
    meeting.save()

    with pytest.raises(VersionConflict) as raised:
        check_version(Meeting.objects.get(pk=meeting.pk), loaded)

    assert [change.name for change in raised.value.changes] == ["title"]
    assert changes_since(meeting, meeting.version) == []
    check_version(Meeting.objects.get(pk=meeting.pk), meeting.version)
