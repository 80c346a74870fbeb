"""Sitemap sections for meetings, people, countries and the pages that list them."""

from collections.abc import Sequence
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.urls import reverse

from meetings.models import Country, Meeting, Person
from trilateral.translation import LANGUAGES

# Records on one page of a section's sitemap, each listed once per language. The protocol allows
# 50,000 addresses to a file; a thousand records build in a fraction of a second and keep every
# file small however long the record grows.
RECORDS_PER_SITEMAP = 1000


class EveryLanguage(Sequence):
    """Each of `record_count` items once per language, for Django's paginator: sliced in the
    database.

    Django's own i18n sitemaps list every item of a section in memory to show any page of it, and
    the sitemap index does so for every section to count its pages."""

    def __init__(self, items, record_count):
        self.items = items
        self.record_count = record_count

    def __len__(self):
        return self.record_count * len(LANGUAGES)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            position = range(len(self))[index]
            return self[position : position + 1][0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("a step is not supported")
        first = start // len(LANGUAGES)
        records = self.items[first : -(-stop // len(LANGUAGES))]
        pairs = [(record, language) for record in records for language in LANGUAGES]
        skipped = start - first * len(LANGUAGES)
        return pairs[skipped : skipped + max(stop - start, 0)]


class LanguageSitemap(Sitemap):
    """Each page once per language, with its other language versions as alternates, a thousand
    records to a page of the section (`?p=2`, …), which the sitemap index lists."""

    i18n = True
    alternates = True
    x_default = True
    limit = RECORDS_PER_SITEMAP * len(LANGUAGES)

    def record_count(self):
        return len(self.items())

    @property
    def paginator(self):
        return Paginator(EveryLanguage(self.items(), self.record_count()), self.limit)


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

    @cached_property
    def summary(self):
        """How many records the section holds and when the latest changed: one query for both,
        which the sitemap index asks of the same instance."""
        return self.items().aggregate(count=Count("pk"), latest=Max("updated_at"))

    def record_count(self):
        return self.summary["count"]

    def get_latest_lastmod(self):
        # Django's default reads every record of the section.
        return self.summary["latest"]


class MeetingSitemap(RecordSitemap):
    def items(self):
        return Meeting.objects.published().order_by("pk")


class PersonSitemap(RecordSitemap):
    def items(self):
        return Person.objects.published().order_by("pk")


class CountrySitemap(RecordSitemap):
    def items(self):
        return Country.objects.published().order_by("pk")
