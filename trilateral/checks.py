"""System checks of the project's own configuration."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# The tag of the checks a command that only reads the code may leave out.
SECRETS = "secrets"

UNSET_KEY_MESSAGE = (
    "DJANGO_SECRET_KEY is not set. Set it to a long random value in production, "
    "or set DJANGO_DEBUG=1 to run locally with a development key."
)


def secret_key_is_missing():
    try:
        return not settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to read an empty key
        return True


@checks.register(SECRETS)
def check_secret_key(app_configs, **kwargs):
    if secret_key_is_missing():
        return [checks.Error(UNSET_KEY_MESSAGE, id="trilateral.E001")]
    return []


def require_secret_key():
    """Refuses to serve the site without a secret key: the WSGI and ASGI entry points call it
    before the server accepts a request."""
    if secret_key_is_missing():
        raise ImproperlyConfigured(UNSET_KEY_MESSAGE)
