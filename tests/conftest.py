import os
import secrets

import psycopg
import pytest
from django.core.management import call_command
from psycopg import sql

# A PostgreSQL server on which tests may create databases of their own and drop them, whichever
# database the suite itself runs on.
POSTGRES_SERVER = os.environ.get("TEST_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Hashing passwords slowly protects real accounts and only slows tests down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The hashed-name manifest exists only after collectstatic, which a test run does not do.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests of the response cache turn it on (tests/test_cache.py); elsewhere every request is
    # served live, so query counts measure the pages themselves.
    settings.PAGE_CACHE = False
    # Many API calls from one test address would otherwise hit the anonymous rate limit, which
    # has a test of its own.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None},
    }


@pytest.fixture
def first_meeting(db):
    """The real fixture of the first meeting, loaded as `make run` loads it."""
    call_command("loaddata", "first_meeting", verbosity=0)


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="a-long-test-password"
    )


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def api_client():
    """An anonymous API client."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def staff_api_client(staff_user):
    """An API client with the staff user's token, as a program writing the record uses it."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user).key}")
    return client


def group_member(django_user_model, username, group_name):
    """A staff account whose only rights come from its group, as the data migration made it."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name=group_name).exists():
        # A transactional test (live server, backups) empties the tables the migration filled.
        migration = import_module("trilateral.migrations.0003_editor_and_publisher_groups")
        migration.create_groups(apps, None)
    user = django_user_model.objects.create_user(
        username=username, password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor_user(django_user_model):
    return group_member(django_user_model, "eddie.editor", "Editor")


@pytest.fixture
def publisher_user(django_user_model):
    return group_member(django_user_model, "pat.publisher", "Publisher")


def signed_in(user):
    """A browser session of its own, so two people can work side by side in one test."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor_user):
    return signed_in(editor_user)


@pytest.fixture
def publisher_client(publisher_user):
    return signed_in(publisher_user)


def drop_postgres_database(name):
    # From the server's own `postgres` database, as `dropdb` does.
    with psycopg.connect(
        f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=3
    ) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def new_postgres_database():
    """The address of a database that POSTGRES_SERVER does not have, dropped after the test if
    the test made it; the test is skipped where no server answers."""
    name = f"trilateral_test_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        drop_postgres_database(name)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server to create a database on")
    yield f"{POSTGRES_SERVER}/{name}"
    drop_postgres_database(name)
