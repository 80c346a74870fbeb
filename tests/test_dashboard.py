"""The admin's front page: what awaits review, what goes public next, what changed last."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import DeclarationFactory, MeetingFactory, build_meeting_record
from trilateral.models import PublicationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(editor_client):
    return editor_client


def section(page, element_id):
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</div>", start)]


def test_the_front_page_shows_reviews_schedules_and_changes(editor, editor_user):
    MeetingFactory(title="Awaiting a publisher", publication_status="review", published_at=None)
    DeclarationFactory(
        title="Out after the press conference",
        published_at=timezone.now() + datetime.timedelta(hours=3),
    )
    MeetingFactory(title="Already out")
    draft = MeetingFactory(title="Still a draft", publication_status="draft", published_at=None)
    draft._history_user = editor_user
    draft.city = "Seoul"
    draft.save()

    page = editor.get(reverse("admin:index")).content.decode()

    review = section(page, "awaiting-review")
    assert "Awaiting a publisher" in review
    assert "Already out" not in review
    assert "Still a draft" not in review
    scheduled = section(page, "scheduled")
    assert "Out after the press conference" in scheduled
    assert "Already out" not in scheduled
    changes = section(page, "latest-changes")
    assert changes.index("Still a draft") < changes.index("Already out")
    assert "eddie.editor" in changes
    assert reverse("admin:meetings_meeting_history", args=[draft.pk]) in changes


def test_an_empty_record_says_so(editor):
    page = editor.get(reverse("admin:index")).content.decode()

    assert "Nothing is waiting for review." in page
    assert "No publication is scheduled." in page


def queries_for_front_page(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("admin:index")).status_code == 200
    return len(captured)


def grow(count, user):
    for _ in range(count):
        meeting = build_meeting_record(participants=2, paragraphs=2)
        meeting.publication_status = PublicationStatus.IN_REVIEW
        meeting._history_user = user
        meeting.save()
        DeclarationFactory(meeting=meeting, published_at=timezone.now() + datetime.timedelta(1))


def test_the_front_page_costs_the_same_queries_at_any_size(
    editor, editor_user, django_assert_num_queries
):
    grow(1, editor_user)
    small = queries_for_front_page(editor)
    grow(29, editor_user)

    with django_assert_num_queries(small):
        editor.get(reverse("admin:index"))
