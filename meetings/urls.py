from django.urls import path, re_path

from meetings import feeds, views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    # Two letters only: anything else is a 404 before a query runs.
    re_path(
        r"^countries/(?P<code>[A-Za-z]{2})/$",
        views.CountryDetailView.as_view(),
        name="country_detail",
    ),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("feeds/meetings.atom", feeds.MeetingFeed(), name="feed"),
    path("calendar.ics", feeds.MeetingCalendarView.as_view(), name="calendar"),
]
