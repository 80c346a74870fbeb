"""Sitemap sections for meetings, people, countries and the pages that list them."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from meetings.models import Country, Meeting, Person


class LanguageSitemap(Sitemap):
    """Each page once per language, with its other language versions as alternates."""

    i18n = True
    alternates = True
    x_default = True


class PagesSitemap(LanguageSitemap):
    """Pages reached by URL name alone."""

    url_names = ("home", "meetings:meeting_list")

    def items(self):
        return list(self.url_names)

    def location(self, item):
        return reverse(item)


class RecordSitemap(LanguageSitemap):
    def lastmod(self, item):
        return item.updated_at


class MeetingSitemap(RecordSitemap):
    def items(self):
        return Meeting.objects.published().order_by("pk")


class PersonSitemap(RecordSitemap):
    def items(self):
        return Person.objects.published().order_by("pk")


class CountrySitemap(RecordSitemap):
    def items(self):
        return Country.objects.published().order_by("pk")
