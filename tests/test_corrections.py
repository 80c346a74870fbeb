"""Public corrections: a publisher who corrects a published record adds a dated note that the
public page and the feed can show."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from meetings.models import Meeting
from tests.admin_forms import admin_url, change_form_data
from tests.factories import MeetingFactory
from trilateral.models import Correction

pytestmark = pytest.mark.django_db

PREFIX = "trilateral-correction-content_type-object_id"


def inline_prefixes(response):
    return [inline.formset.prefix for inline in response.context["inline_admin_formsets"]]


def test_a_publisher_corrects_a_published_meeting_with_a_dated_note(
    publisher_client, publisher_user
):
    publisher = publisher_client
    meeting = MeetingFactory(venue="Hoover Building")
    url = admin_url(Meeting, "change", meeting.pk)
    data = change_form_data(publisher.get(url))
    data["venue"] = "Herbert C. Hoover Building"
    data[f"{PREFIX}-0-text"] = "The venue was misnamed."

    assert publisher.post(url, data).status_code == 302

    correction = Correction.objects.for_object(meeting).get()
    assert correction.text == "The venue was misnamed."
    assert timezone.now() - correction.corrected_at < datetime.timedelta(minutes=1)
    assert correction.history.get().history_user == publisher_user
    meeting.refresh_from_db()
    assert meeting.venue == "Herbert C. Hoover Building"


def test_a_draft_has_no_corrections_to_make(publisher_client):
    draft = MeetingFactory(publication_status="draft", published_at=None)
    response = publisher_client.get(admin_url(Meeting, "change", draft.pk))

    assert PREFIX not in inline_prefixes(response)


def test_an_editor_reads_the_corrections_but_cannot_add_one(editor_client):
    editor = editor_client
    meeting = MeetingFactory()
    Correction.objects.create(record=meeting, text="An earlier correction.")
    url = admin_url(Meeting, "change", meeting.pk)
    response = editor.get(url)
    assert "An earlier correction." in response.content.decode()
    data = change_form_data(response)
    data.update(
        {
            f"{PREFIX}-TOTAL_FORMS": "2",
            f"{PREFIX}-1-text": "An editor's note.",
            f"{PREFIX}-1-corrected_at_0": "2025-01-01",
            f"{PREFIX}-1-corrected_at_1": "10:00",
        }
    )

    editor.post(url, data)

    assert list(Correction.objects.values_list("text", flat=True)) == ["An earlier correction."]


def test_the_queryset_gives_a_records_dated_corrections_in_one_query(django_assert_num_queries):
    meetings = MeetingFactory.create_batch(3)
    Correction.objects.create(record=meetings[0], text="First.")
    Correction.objects.create(record=meetings[0], text="Second.")
    Correction.objects.create(
        record=meetings[1], text="Not yet.", corrected_at=timezone.now() + datetime.timedelta(1)
    )

    with django_assert_num_queries(2):
        found = {
            meeting.pk: [c.text for c in meeting.corrections.all()]
            for meeting in Meeting.objects.with_corrections()
        }

    assert found == {meetings[0].pk: ["First.", "Second."], meetings[1].pk: [], meetings[2].pk: []}
    assert Correction.objects.for_object(meetings[1]).published().count() == 0


def test_the_include_lists_corrections_with_their_dates():
    meeting = MeetingFactory()
    Correction.objects.create(
        record=meeting,
        text="The minister's title was wrong.",
        corrected_at=datetime.datetime(2025, 7, 2, 8, 0, tzinfo=datetime.UTC),
    )

    html = render_to_string(
        "includes/corrections.html",
        {"corrections": Meeting.objects.with_corrections().get().corrections.all()},
    )

    assert "Corrections" in html
    assert '<time datetime="2025-07-02T08:00:00+00:00">July 2, 2025</time>' in html
    assert "The minister&#x27;s title was wrong." in html
    assert render_to_string("includes/corrections.html", {"corrections": []}).strip() == ""
