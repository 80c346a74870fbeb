from django.urls import path

from declarations import views

app_name = "declarations"

urlpatterns = [
    path(
        "declarations/<slug:slug>/",
        views.DeclarationDetailView.as_view(),
        name="declaration_detail",
    ),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
]
