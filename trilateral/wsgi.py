import os

from django.core.wsgi import get_wsgi_application

from trilateral.checks import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trilateral.settings")

application = get_wsgi_application()

# Refuses to start without a production secret key (see trilateral.checks).
require_secret_key()
