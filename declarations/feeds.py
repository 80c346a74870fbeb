"""The Atom feed of declarations, newest publications first."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration, Topic
from meetings.feeds import FEED_LENGTH, RecordFeed


class DeclarationFeed(RecordFeed):
    title = _("Declarations")
    subtitle = _("Declarations adopted at the meetings, as they are added to the record.")

    def link(self):
        return reverse("declarations:declaration_list")

    def items(self):
        return (
            Declaration.objects.published()
            .with_related()
            .with_corrections()
            .prefetch_related(Prefetch("topics", queryset=Topic.objects.published()))
            .order_by("-published_at")[:FEED_LENGTH]
        )

    def item_categories(self, item):
        return [topic.localized("name") for topic in item.topics.all()]
