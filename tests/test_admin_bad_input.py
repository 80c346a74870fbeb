"""The admin answers a value it cannot use with a form error or a 400, never a 500: a NUL
character, a number beyond the database's integers, or text where a key is a number, in list
filters, in a new record's first values taken from the address, in forms and in autocomplete.
Every registered admin is swept, Django's and other packages' included."""

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from declarations.models import Declaration
from meetings.models import Meeting
from tests.factories import TopicFactory, build_meeting_record

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
HUGE = "99999999999999999999"
NOT_A_NUMBER = "abc"
HOSTILE = (NUL, HUGE, NOT_A_NUMBER)

ADMINS = [
    pytest.param(model, model_admin, id=model._meta.label)
    for model, model_admin in admin.site._registry.items()
]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def record(db):
    return build_meeting_record(topics=[TopicFactory()])


def filter_parameters(model_admin):
    """The names a list's filters put in the address: the field, its exact lookup and, for a
    related record, its key's."""
    for entry in model_admin.list_filter:
        if isinstance(entry, str):
            yield from (entry, f"{entry}__exact", f"{entry}__id__exact")


def form_fields(model):
    return [
        field.name
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and not field.auto_created
    ]


@pytest.mark.parametrize(("model", "model_admin"), ADMINS)
def test_list_filters_never_fail_on_values_no_column_holds(
    staff_client, record, model, model_admin
):
    url = admin_url(model, "changelist")
    for name in filter_parameters(model_admin):
        for value in HOSTILE:
            response = staff_client.get(url, {name: value})
            assert response.status_code < 500, (name, value)
            if value == NUL:
                assert response.status_code == 400, name


@pytest.mark.parametrize(("model", "model_admin"), ADMINS)
def test_new_record_forms_never_fail_on_values_no_field_takes(
    staff_client, staff_user, rf, record, model, model_admin
):
    request = rf.get("/")
    request.user = staff_user
    url = admin_url(model, "add")
    if not model_admin.has_add_permission(request):
        # Records the admin only shows (the access logs) have no form to send bad values to.
        assert staff_client.get(url).status_code == 403
        return
    fields = form_fields(model)
    for value in HOSTILE:
        first_values = staff_client.get(url, dict.fromkeys(fields, value))
        saved = staff_client.post(url, dict.fromkeys(fields, value))
        for response in (first_values, saved):
            assert response.status_code < 500, value
            if value == NUL:
                assert response.status_code == 400


def test_a_key_given_as_text_is_a_form_error(staff_client, record):
    response = staff_client.post(admin_url(Meeting, "add"), {"series": NOT_A_NUMBER})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_a_related_record_given_by_the_address_is_chosen(staff_client, record):
    response = staff_client.get(admin_url(Declaration, "add"), {"meeting": record.pk})
    assert response.status_code == 200
    assert f'<option value="{record.pk}" selected>' in response.content.decode()


def test_a_publication_time_given_by_the_address_fills_the_form(staff_client, record):
    url = admin_url(Meeting, "add")
    response = staff_client.get(url, {"published_at": "2025-07-01 09:30"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="published_at_0" value="2025-07-01"' in page
    assert 'name="published_at_1" value="09:30:00"' in page
    unreadable = staff_client.get(url, {"published_at": "the first of July"})
    assert unreadable.status_code == 200
    assert 'name="published_at_0"' in unreadable.content.decode()


@pytest.mark.parametrize("term", ["", "Ahn", NUL, HUGE])
def test_autocomplete_never_fails(staff_client, record, term):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "meetings",
            "model_name": "participant",
            "field_name": "person",
            "term": term,
        },
    )
    assert response.status_code == (400 if term == NUL else 200)


# The admins whose records are numbered (Django REST framework's tokens are keyed by text).
NUMBERED = [entry for entry in ADMINS if isinstance(entry.values[0]._meta.pk, models.IntegerField)]


@pytest.mark.parametrize(("model", "model_admin"), NUMBERED)
def test_a_list_action_on_keys_that_are_not_numbers_is_refused(staff_client, model, model_admin):
    response = staff_client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [NOT_A_NUMBER]},
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("version", "answers"),
    # A number beyond 64 bits is a 400 on SQLite, which cannot take it, a 404 on PostgreSQL.
    [(NOT_A_NUMBER, {404}), ("-1", {404}), (HUGE, {400, 404})],
)
def test_a_version_that_cannot_be_one_is_not_found(staff_client, record, version, answers):
    url = admin_url(Meeting, "history", record.pk) + f"{version}/"
    assert staff_client.get(url, follow=True).status_code in answers
