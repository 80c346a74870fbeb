import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_python(env_overrides, *args):
    """Python in the project folder, with none of the project's settings from this run."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def run_django(env_overrides, *args):
    return run_python(env_overrides, "manage.py", *args)


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django({"DJANGO_DEBUG": "0"}, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_servers_refuse_to_start_without_a_secret_key():
    for entry_point in ("trilateral.wsgi", "trilateral.asgi"):
        result = run_python({"DJANGO_DEBUG": "0"}, "-c", f"import {entry_point}")
        assert result.returncode != 0, entry_point
        assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_migrations_are_checked_with_no_configuration_at_all():
    # Writing or checking migrations reads the models only: no key, no debug needed.
    result = run_django({}, "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.parametrize("database_url", [None, ""], ids=["unset", "empty"])
def test_debug_mode_starts_on_sqlite_without_configuration(database_url):
    # An empty DATABASE_URL (`make test DATABASE_URL=`) means no database named: SQLite.
    env = (
        {"DJANGO_DEBUG": "1"} if database_url is None else {"DJANGO_DEBUG": "1", "DATABASE_URL": ""}
    )
    result = run_django(env, "diffsettings", "--output", "unified")
    assert result.returncode == 0, result.stderr
    assert "trilateral.sqlite" in result.stdout
    assert str(ROOT / "db.sqlite3") in result.stdout


def test_database_url_switches_to_postgresql():
    result = run_django(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/records",
        },
        "diffsettings",
    )
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout
    assert "'NAME': 'records'" in result.stdout


def test_allowed_hosts_come_from_the_environment():
    result = run_django(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "records.example.org,www.records.example.org",
        },
        "diffsettings",
    )
    assert result.returncode == 0, result.stderr
    assert "ALLOWED_HOSTS = ['records.example.org', 'www.records.example.org']" in result.stdout
    assert "SESSION_COOKIE_SECURE = True" in result.stdout
