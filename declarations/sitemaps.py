"""Sitemap sections for declarations, topics and the pages that list them."""

from declarations.models import Declaration, Topic
from meetings.sitemaps import PagesSitemap, RecordSitemap


class DeclarationPagesSitemap(PagesSitemap):
    url_names = (
        "declarations:declaration_list",
        "declarations:topic_list",
        "declarations:commitment_list",
    )


class DeclarationSitemap(RecordSitemap):
    def items(self):
        return Declaration.objects.published().order_by("pk")


class TopicSitemap(RecordSitemap):
    def items(self):
        return Topic.objects.published().order_by("pk")
