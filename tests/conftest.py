import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Hashing passwords slowly protects real accounts and only slows tests down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The hashed-name manifest exists only after collectstatic, which a test run does not do.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
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
