from django.contrib import admin
from django.urls import include, path

from meetings.views import MeetingListView
from trilateral.health import healthz, readyz

urlpatterns = [
    path("", MeetingListView.as_view(), name="home"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("meetings.urls")),
    path("", include("declarations.urls")),
]
