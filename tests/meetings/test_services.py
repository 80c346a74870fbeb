"""Planning the next edition: one click starts next year's meeting as a draft."""

import pytest
from django.core.exceptions import ValidationError

from meetings.models import Meeting
from meetings.services import meeting_plan_next_edition
from tests.admin_forms import admin_url
from tests.factories import MeetingFactory, MeetingSeriesFactory

pytestmark = pytest.mark.django_db


def test_the_next_edition_of_the_first_meeting(first_meeting, staff_user):
    first = Meeting.objects.get(slug="trilateral-industrial-ministers-2024")

    second = meeting_plan_next_edition(meeting=first, user=staff_user)

    second.refresh_from_db()
    assert second.series == first.series
    assert second.edition == 2
    assert second.title == "Second Trilateral Industrial Ministers' Meeting"
    assert second.slug == "trilateral-industrial-ministers-2025"
    assert (second.status, second.year) == ("planned", 2025)
    assert (second.publication_status, second.published_at) == ("draft", None)
    assert (second.start_date, second.end_date, second.host_country) == (None, None, None)
    assert (second.city, second.venue) == ("", "")
    assert second.history.get().history_user == staff_user
    assert second not in Meeting.objects.published()


def test_a_biennial_series_skips_a_year():
    meeting = MeetingFactory(series=MeetingSeriesFactory(cadence="biennial"), edition=11)

    planned = meeting_plan_next_edition(meeting=meeting, user=None)

    assert planned.year == meeting.year + 2
    assert planned.title.startswith("12th ")


def test_an_edition_that_exists_already_is_refused_and_nothing_is_made():
    first = MeetingFactory(edition=1)
    MeetingFactory(series=first.series, edition=2)

    with pytest.raises(ValidationError) as raised:
        meeting_plan_next_edition(meeting=first, user=None)

    assert raised.value.messages == [f"The second edition of {first.series} already exists."]
    assert Meeting.objects.count() == 2


def test_the_admin_action_plans_it_and_opens_it(client, editor_user, first_meeting):
    first = Meeting.objects.get(edition=1)
    client.force_login(editor_user)

    response = client.post(
        admin_url(Meeting, "changelist"),
        {"action": "plan_next_edition", "_selected_action": [first.pk]},
    )

    second = Meeting.objects.get(edition=2)
    assert response.status_code == 302
    assert response.url == admin_url(Meeting, "change", second.pk)


def test_the_action_wants_exactly_one_meeting(staff_client):
    meetings = MeetingFactory.create_batch(2)

    response = staff_client.post(
        admin_url(Meeting, "changelist"),
        {"action": "plan_next_edition", "_selected_action": [m.pk for m in meetings]},
        follow=True,
    )

    assert "Choose the one meeting" in response.content.decode()
    assert Meeting.objects.count() == 2


def test_the_button_on_a_meeting_page_plans_it_or_says_why_not(staff_client, first_meeting):
    first = Meeting.objects.get(edition=1)
    page = staff_client.get(admin_url(Meeting, "change", first.pk)).content.decode()
    assert "Plan the next edition" in page
    url = admin_url(Meeting, "plan_next_edition", first.pk)

    assert staff_client.get(url).status_code == 405
    assert staff_client.post(url).status_code == 302
    again = staff_client.post(url, follow=True)

    assert "edition of Trilateral Industrial Ministers&#x27; Meeting already exists" in (
        again.content.decode()
    )
    assert Meeting.objects.filter(edition=2).count() == 1
    assert staff_client.post(admin_url(Meeting, "plan_next_edition", "nope")).status_code == 404


def test_only_staff_who_may_add_meetings_can_plan_one(client, django_user_model, first_meeting):
    first = Meeting.objects.get(edition=1)
    reader = django_user_model.objects.create_user(
        username="reader", password="a-long-password", is_staff=True
    )
    client.force_login(reader)

    response = client.post(admin_url(Meeting, "plan_next_edition", first.pk))

    assert response.status_code == 403
    assert not Meeting.objects.filter(edition=2).exists()
