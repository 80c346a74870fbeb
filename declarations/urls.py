from django.urls import path

from declarations import feeds, views

app_name = "declarations"

urlpatterns = [
    path("declarations/", views.DeclarationListView.as_view(), name="declaration_list"),
    path(
        "declarations/<slug:slug>/",
        views.DeclarationDetailView.as_view(),
        name="declaration_detail",
    ),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("commitments/", views.CommitmentListView.as_view(), name="commitment_list"),
    path("feeds/declarations.atom", feeds.DeclarationFeed(), name="feed"),
]
