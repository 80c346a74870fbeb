"""Hardening: deployment checks, headers, cookies, login lockout and passwords."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-test-password"


def test_production_settings_pass_the_deployment_check():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k3J9-production-like-secret-with-enough-entropy-0f8a7c6d5e4b3a2918",
        "DJANGO_ALLOWED_HOSTS": "records.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def assert_hardened_headers(response):
    policy = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"]
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/meetings/",
        "/admin/login/",
        "/healthz",
        "/no-such-page/",
        "/api/v1/meetings/",
        "/api/docs/",
    ],
)
def test_security_headers_on_pages_admin_and_errors(client, path):
    response = client.get(path, secure=True)
    assert_hardened_headers(response)


@pytest.mark.django_db
def test_admin_login_sets_hardened_cookies(client, staff_user):
    client.get("/admin/login/", secure=True)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff_user.username, "password": PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert session["path"] == "/"
    assert not session["domain"]
    # A browser-session cookie: it goes when the browser closes; the server ends it after 8 hours.
    assert not session["max-age"]
    assert client.session.get_expiry_age() <= 8 * 60 * 60
    csrf = client.cookies["__Host-csrftoken"]
    assert csrf["secure"]
    assert csrf["httponly"]


def failed_login(client, username):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": "wrong-password-entirely"},
        secure=True,
    )


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_until_reset(client, staff_user, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(5):
            failed_login(client, staff_user.username)
    assert any("locking out" in record.getMessage().lower() for record in caplog.records)

    locked = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff_user.username, "password": PASSWORD},
        secure=True,
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session

    call_command("axes_reset_username", staff_user.username, verbosity=0)
    unlocked = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff_user.username, "password": PASSWORD},
        secure=True,
    )
    assert unlocked.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)


@pytest.mark.parametrize("password", ["short-pass", "password1234", "123456789012", "trilateral"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("semiconductor-supply-chain-2024")


@pytest.mark.django_db
def test_no_account_exists_after_setup(django_user_model, first_meeting):
    assert not django_user_model.objects.exists()
