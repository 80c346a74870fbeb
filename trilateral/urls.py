from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from declarations.sitemaps import DeclarationPagesSitemap, DeclarationSitemap, TopicSitemap
from meetings.sitemaps import CountrySitemap, MeetingSitemap, PagesSitemap, PersonSitemap
from trilateral.api import NotFoundView, SchemaView, api_urls
from trilateral.health import healthz, readyz
from trilateral.views import HomeView, SearchView, robots_txt

SITEMAPS = {
    "pages": PagesSitemap,
    "declaration-pages": DeclarationPagesSitemap,
    "meetings": MeetingSitemap,
    "declarations": DeclarationSitemap,
    "topics": TopicSitemap,
    "people": PersonSitemap,
    "countries": CountrySitemap,
}

urlpatterns = [
    path("robots.txt", robots_txt, name="robots"),
    # An index of the sections' sitemaps, each a page of a thousand records at most (`?p=2`, …).
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/", include((api_urls(), "api"))),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    # Any other address under /api/ ending in a slash: a JSON 404 like the rest of the API.
    re_path(r"^api/(?:[\s\S]*/)?$", NotFoundView.as_view()),
]

# The public pages, under /en/, /ko/ and /ja/. An address without the prefix (/, /meetings/…)
# redirects to the reader's language: the one chosen before, else the browser's Accept-Language.
urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("search/", SearchView.as_view(), name="search"),
    path("", include("meetings.urls")),
    path("", include("declarations.urls")),
)
