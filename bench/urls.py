from django.http import HttpResponse
from django.urls import path

from trilateral.urls import urlpatterns as site_urlpatterns


def baseline(request):
    """The least a Django view can do here: the same middleware, no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


# The site's own list, extended: i18n_patterns cannot sit inside include().
urlpatterns = [path("bench/baseline/", baseline), *site_urlpatterns]
