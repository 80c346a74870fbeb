"""Roles and states: editors write drafts and submit them for review; publishers publish,
schedule and unpublish; the public sees a record from its publication time on, everywhere."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied as APIPermissionDenied
from rest_framework.test import APIClient, APIRequestFactory

from declarations.models import Declaration
from meetings.api import MeetingSerializer
from meetings.models import Meeting
from tests.admin_forms import admin_url, change_form_data
from tests.factories import DeclarationFactory, MeetingFactory, MeetingSeriesFactory
from tests.sitemaps import sitemap_entries
from trilateral.workflow import check_publication_change, check_serializer_publication

pytestmark = pytest.mark.django_db

DRAFT = {"publication_status": "draft", "published_at": None}


@pytest.fixture
def editor(editor_client):
    return editor_client


@pytest.fixture
def publisher(publisher_client):
    return publisher_client


@pytest.fixture
def draft():
    return MeetingFactory(**DRAFT, title="The draft meeting")


# --- The groups -----------------------------------------------------------------------------------


def test_the_groups_hold_what_each_role_needs(editor_user, publisher_user):
    editor_may = {
        "meetings.add_meeting", "meetings.change_meeting", "meetings.view_meeting",
        "meetings.delete_participant", "declarations.change_paragraph",
        "trilateral.view_correction",
    }  # fmt: skip
    editor_may_not = {
        "meetings.publish_meeting", "declarations.publish_declaration",
        "meetings.publish_meetingseries", "declarations.publish_topic",
        "meetings.delete_meeting", "trilateral.add_correction",
    }  # fmt: skip
    assert all(editor_user.has_perm(perm) for perm in editor_may)
    assert not any(editor_user.has_perm(perm) for perm in editor_may_not)
    assert all(publisher_user.has_perm(perm) for perm in editor_may | editor_may_not)
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editor", "Publisher"}


# --- The rule, as the admin and the API apply it -------------------------------------------------


def test_the_rule_lets_an_editor_move_between_draft_and_review_only(editor_user, draft):
    def check(status, published_at=None, instance=draft):
        check_publication_change(
            user=editor_user, instance=instance, new_status=status, new_published_at=published_at
        )

    check("review")
    check("draft")
    with pytest.raises(PermissionDenied, match="Only a publisher can publish"):
        check("published")
    with pytest.raises(PermissionDenied, match="publication time"):
        check("review", timezone.now())
    with pytest.raises(PermissionDenied, match="Only a publisher can publish"):
        check("draft", instance=MeetingFactory())  # unpublishing
    with pytest.raises(PermissionDenied):
        check("published", timezone.now(), instance=Meeting())  # creating it published


def test_the_rule_lets_a_publisher_do_anything(publisher_user, draft):
    check_publication_change(
        user=publisher_user,
        instance=draft,
        new_status="published",
        new_published_at=timezone.now() + datetime.timedelta(days=1),
    )


def test_the_api_check_refuses_an_editor_with_the_reason(editor_user, publisher_user, draft):
    request = APIRequestFactory().patch("/")

    def serializer(user):
        request.user = user
        serializer = MeetingSerializer(
            draft,
            data={"publication_status": "published", "published_at": "2030-01-01T09:00:00Z"},
            partial=True,
            context={"request": request},
        )
        assert serializer.is_valid(), serializer.errors
        return serializer

    with pytest.raises(APIPermissionDenied, match="Only a publisher"):
        check_serializer_publication(user=editor_user, serializer=serializer(editor_user))
    check_serializer_publication(user=publisher_user, serializer=serializer(publisher_user))


# --- The admin ----------------------------------------------------------------------------------


def test_an_editor_is_offered_draft_and_review_and_no_publication_time(editor):
    form = editor.get(admin_url(Meeting, "add")).context["adminform"].form

    assert [value for value, _ in form.fields["publication_status"].choices] == [
        "draft",
        "review",
    ]
    assert "published_at" not in form.fields


def test_an_editor_cannot_publish_a_draft_even_by_forging_the_form(editor, draft):
    url = admin_url(Meeting, "change", draft.pk)
    data = change_form_data(editor.get(url))
    data.update(
        publication_status="published", published_at_0="2024-01-01", published_at_1="09:00:00"
    )

    response = editor.post(url, data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.publication_status, draft.published_at) == ("draft", None)


def test_an_editor_submits_a_draft_for_review_and_a_forged_time_is_ignored(editor, draft):
    url = admin_url(Meeting, "change", draft.pk)
    data = change_form_data(editor.get(url))
    data.update(publication_status="review", published_at_0="2024-01-01", published_at_1="09:00")

    assert editor.post(url, data).status_code == 302

    draft.refresh_from_db()
    assert (draft.publication_status, draft.published_at) == ("review", None)


def test_an_editor_corrects_a_published_meeting_but_cannot_unpublish_it(editor):
    meeting = MeetingFactory()
    published_at = meeting.published_at
    url = admin_url(Meeting, "change", meeting.pk)
    data = change_form_data(editor.get(url))
    assert "publication_status" not in data
    data.update(venue="The corrected venue", publication_status="draft")

    assert editor.post(url, data).status_code == 302

    meeting.refresh_from_db()
    assert meeting.venue == "The corrected venue"
    assert (meeting.publication_status, meeting.published_at) == ("published", published_at)


def test_an_editor_has_the_review_action_but_not_publish_or_unpublish(editor, draft):
    changelist = admin_url(Meeting, "changelist")
    offered = {value for value, _ in editor.get(changelist).context["action_form"].fields[
        "action"
    ].choices}  # fmt: skip
    assert {"submit_for_review", "plan_next_edition"} <= offered
    assert not offered & {"publish_now", "unpublish"}

    editor.post(changelist, {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.publication_status == "draft"

    editor.post(changelist, {"action": "submit_for_review", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.publication_status == "review"


def test_a_publisher_publishes_now_and_unpublishes(publisher, publisher_user, draft):
    changelist = admin_url(Meeting, "changelist")

    response = publisher.post(
        changelist, {"action": "publish_now", "_selected_action": [draft.pk]}, follow=True
    )

    assert "1 record published." in response.content.decode()
    draft.refresh_from_db()
    assert draft in Meeting.objects.published()
    assert timezone.now() - draft.published_at < datetime.timedelta(minutes=1)
    assert draft.history.first().history_user == publisher_user

    publisher.post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert (draft.publication_status, draft.published_at) == ("draft", None)
    assert draft not in Meeting.objects.published()


def test_a_publisher_schedules_in_the_form(publisher, draft):
    url = admin_url(Meeting, "change", draft.pk)
    data = change_form_data(publisher.get(url))
    data.update(publication_status="published", published_at_0="2031-06-01", published_at_1="09:00")

    assert publisher.post(url, data).status_code == 302

    draft.refresh_from_db()
    assert draft.is_scheduled
    assert draft.published_at == datetime.datetime(2031, 6, 1, 9, tzinfo=datetime.UTC)
    changelist = publisher.get(admin_url(Meeting, "changelist")).content.decode()
    assert "Scheduled for June 1, 2031, 9 a.m." in changelist


def test_published_without_a_time_means_now(publisher, draft):
    url = admin_url(Meeting, "change", draft.pk)
    data = change_form_data(publisher.get(url))
    data.update(publication_status="published")

    assert publisher.post(url, data).status_code == 302

    draft.refresh_from_db()
    assert draft.is_published


def test_anonymous_visitors_cannot_run_actions(client, draft):
    response = client.post(
        admin_url(Meeting, "changelist"), {"action": "publish_now", "_selected_action": [draft.pk]}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    draft.refresh_from_db()
    assert draft.publication_status == "draft"


# --- The API ------------------------------------------------------------------------------------


def api_as(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def meeting_api_url(meeting):
    return reverse("api:meeting-detail", args=[meeting.slug])


def test_through_the_api_an_editor_edits_a_draft_and_the_public_cannot_see_it(editor_user, draft):
    response = api_as(editor_user).patch(meeting_api_url(draft), {"venue": "Seoul"}, format="json")

    assert response.status_code == 200, response.json()
    assert api_as(None).get(meeting_api_url(draft)).status_code == 404
    assert api_as(None).patch(
        meeting_api_url(draft), {"venue": "x"}, format="json"
    ).status_code in (401, 403)


def test_through_the_api_an_editor_cannot_publish(editor_user, draft):
    response = api_as(editor_user).patch(
        meeting_api_url(draft),
        {"publication_status": "published", "published_at": "2024-01-01T09:00:00Z"},
        format="json",
    )

    assert response.status_code == 403
    assert "Only a publisher" in response.json()["errors"][0]["detail"]
    draft.refresh_from_db()
    assert draft.publication_status == "draft"


def test_through_the_api_a_publisher_publishes(publisher_user, draft):
    response = api_as(publisher_user).patch(
        meeting_api_url(draft),
        {"publication_status": "published", "published_at": "2024-01-01T09:00:00Z"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert api_as(None).get(meeting_api_url(draft)).status_code == 200


# --- Scheduled publishing ----------------------------------------------------------------------

GOES_PUBLIC = datetime.datetime(2030, 6, 26, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def scheduled():
    """A meeting and its declaration, both set to go public at the end of a press conference."""
    with time_machine.travel(GOES_PUBLIC - datetime.timedelta(days=30), tick=False):
        meeting = MeetingFactory(
            series=MeetingSeriesFactory(),
            slug="scheduled-meeting",
            title="The scheduled meeting",
            start_date=GOES_PUBLIC.date(),
            published_at=GOES_PUBLIC,
        )
        declaration = DeclarationFactory(
            meeting=meeting,
            slug="scheduled-declaration",
            title="The scheduled declaration",
            published_at=GOES_PUBLIC,
        )
    return meeting, declaration


def public_faces(client, meeting, declaration):
    """Where the public could meet the record, and whether it is there."""
    feed_meetings = client.get(reverse("meetings:feed")).content.decode()
    feed_declarations = client.get(reverse("declarations:feed")).content.decode()
    calendar = client.get(reverse("meetings:calendar")).content.decode()
    sitemap = " ".join(sitemap_entries(client))
    api_list = client.get(reverse("api:meeting-list")).json()
    return {
        "queryset": Meeting.objects.published().filter(pk=meeting.pk).exists(),
        "declaration queryset": Declaration.objects.published().filter(pk=declaration.pk).exists(),
        "meeting page": client.get(meeting.get_absolute_url()).status_code == 200,
        "declaration page": client.get(declaration.get_absolute_url()).status_code == 200,
        "meeting feed": meeting.slug in feed_meetings,
        "declaration feed": declaration.slug in feed_declarations,
        "calendar": meeting.title in calendar,
        "sitemap": meeting.get_absolute_url() in sitemap,
        "declaration in sitemap": declaration.get_absolute_url() in sitemap,
        "api detail": client.get(meeting_api_url(meeting)).status_code == 200,
        "api list": meeting.slug in str(api_list),
        "declaration api": client.get(
            reverse("api:declaration-detail", args=[declaration.slug])
        ).status_code
        == 200,
    }


@pytest.mark.parametrize(
    ("moment", "public"),
    [
        (GOES_PUBLIC - datetime.timedelta(minutes=1), False),
        (GOES_PUBLIC + datetime.timedelta(minutes=1), True),
    ],
    ids=["a minute before", "a minute after"],
)
def test_a_scheduled_record_goes_public_everywhere_at_its_time(client, scheduled, moment, public):
    meeting, declaration = scheduled

    with time_machine.travel(moment, tick=False):
        faces = public_faces(client, meeting, declaration)

    assert faces == dict.fromkeys(faces, public)


def test_one_client_sees_the_record_appear_when_the_time_comes(client, scheduled):
    """The same pages asked for again after the moment: nothing cached keeps it hidden."""
    meeting, declaration = scheduled

    with time_machine.travel(GOES_PUBLIC - datetime.timedelta(seconds=5), tick=False):
        before = public_faces(client, meeting, declaration)
    with time_machine.travel(GOES_PUBLIC + datetime.timedelta(seconds=5), tick=False):
        after = public_faces(client, meeting, declaration)

    assert not any(before.values())
    assert all(after.values())
