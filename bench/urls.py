from django.http import HttpResponse
from django.urls import include, path


def baseline(request):
    """The least a Django view can do here: the same middleware, no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/baseline/", baseline),
    path("", include("trilateral.urls")),
]
