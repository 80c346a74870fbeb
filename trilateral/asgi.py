import os

from django.core.asgi import get_asgi_application

from trilateral.checks import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trilateral.settings")

application = get_asgi_application()

# Refuses to start without a production secret key (see trilateral.checks).
require_secret_key()
