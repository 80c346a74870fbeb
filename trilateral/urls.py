from django.contrib import admin
from django.urls import include, path

from meetings.views import MeetingListView

urlpatterns = [
    path("", MeetingListView.as_view(), name="home"),
    path("admin/", admin.site.urls),
    path("", include("meetings.urls")),
    path("", include("declarations.urls")),
]
