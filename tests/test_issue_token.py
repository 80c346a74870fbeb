"""`manage.py issue_token <username>` gives a staff account the token its programs write with."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def issue(*args):
    out = io.StringIO()
    call_command("issue_token", *args, stdout=out)
    return out.getvalue().strip()


def write_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = {"code": "KR", "name": "Republic of Korea", "short_name": "Korea"}
    response = client.post("/api/v1/countries/", body, format="json")
    if response.status_code == 201:
        client.delete("/api/v1/countries/KR/")
    return response.status_code


def test_the_printed_token_lets_the_staff_account_write(staff_user):
    key = issue("editor")
    assert len(key) == 40
    assert write_with(key) == 201
    assert issue("editor") == key


def test_replace_issues_a_new_token_and_retires_the_old_one(staff_user):
    old = issue("editor")
    new = issue("editor", "--replace")
    assert new != old
    assert write_with(old) == 401
    assert write_with(new) == 201


def test_only_active_staff_accounts_get_a_token(django_user_model):
    django_user_model.objects.create_user("reader")
    django_user_model.objects.create_user("former.editor", is_staff=True, is_active=False)
    with pytest.raises(CommandError, match="No account is called nobody"):
        issue("nobody")
    for username in ("reader", "former.editor"):
        with pytest.raises(CommandError, match="not an active staff account"):
            issue(username)
