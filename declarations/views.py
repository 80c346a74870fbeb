"""Public pages of declarations, their paragraphs and commitments, and the topics that link them."""

from collections import Counter, defaultdict
from itertools import groupby

from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from declarations.filters import CommitmentFilter, DeclarationFilter
from declarations.models import (
    Commitment,
    CommitmentUpdate,
    Declaration,
    DeclarationTitle,
    Paragraph,
    Topic,
)
from meetings.models import Meeting
from trilateral.views import (
    MATRIX_YEARS,
    FilteredListView,
    PreviewMixin,
    YearPagesMixin,
    covered_years,
    topic_years,
)


def with_progress(commitments, updates):
    """Commitments with their topic and paragraph, and the progress reports among `updates`."""
    return commitments.with_related().prefetch_related(
        Prefetch("updates", queryset=updates.select_related("meeting"))
    )


class DeclarationListView(FilteredListView):
    model = Declaration
    filterset_class = DeclarationFilter
    form_fields = ("q", "year", "topic", "kind")
    extra_context = {"section": "declarations", "list_title": _("Declarations")}

    def get_queryset(self):
        return Declaration.objects.published().with_related()


class DeclarationDetailView(PreviewMixin, DetailView):
    model = Declaration
    extra_context = {"section": "declarations"}

    def get_queryset(self):
        topics = self.visible(Topic.objects.all())
        return (
            super()
            .get_queryset()
            .with_related()
            .with_corrections()
            .prefetch_related(
                Prefetch("titles", queryset=DeclarationTitle.objects.select_related("party")),
                Prefetch(
                    "paragraphs",
                    queryset=Paragraph.objects.prefetch_related(
                        Prefetch("topics", queryset=topics), "anchor_aliases"
                    ),
                ),
                Prefetch(
                    "commitments",
                    queryset=with_progress(
                        Commitment.objects.all(), self.visible(CommitmentUpdate.objects.all())
                    ),
                ),
                Prefetch("topics", queryset=topics),
                "sources",
            )
        )


class TopicListView(YearPagesMixin, ListView):
    """Every topic, and the topic-by-year table a page of years at a time, newest first."""

    extra_context = {"section": "topics"}
    years_per_page = MATRIX_YEARS

    def get_queryset(self):
        return Topic.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        declarations = Declaration.objects.published()
        page = self.paginate_years(covered_years(declarations))
        years, rows = topic_years(declarations, page.object_list)
        context.update(
            matrix_years=years, matrix_rows=rows, page_obj=page, paginator=page.paginator
        )
        return context


class TopicDetailView(YearPagesMixin, PreviewMixin, DetailView):
    """Everything on one topic, year by year: meetings, paragraphs and commitments."""

    model = Topic
    extra_context = {"section": "topics"}

    def get_queryset(self):
        return super().get_queryset().with_corrections()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = self.object
        commitments = self.visible(Commitment.objects.for_topic(topic))
        paragraphs = self.visible(Paragraph.objects.for_topic(topic))
        # The record grows by a year at a time: a page shows a few whole years, newest first,
        # fewer when they are busy. The database counts each year's entries; a commitment's
        # declaration may name other topics. A meeting belongs here through a declaration the
        # reader may see (not a draft) that is tagged or has a tagged paragraph, as in
        # Declaration.for_topic(): the paragraphs are counted per meeting, so that one pass over
        # them finds those meetings too, and the page lists the meetings counted.
        entries = Counter()
        meetings_by_year = defaultdict(set)
        for meeting, year, count in paragraphs.count_per_meeting():
            entries[year] += count
            meetings_by_year[year].add(meeting)
        tagged = self.visible(Declaration.objects.filter(topics=topic))
        for meeting, year in tagged.order_by().values_list("meeting", "meeting__year"):
            meetings_by_year[year].add(meeting)
        entries.update({year: len(meetings) for year, meetings in meetings_by_year.items()})
        entries.update(
            dict(
                commitments.order_by()
                .values_list("declaration__meeting__year")
                .annotate(Count("pk", distinct=True))
            )
        )
        page = self.paginate_years(sorted(entries, reverse=True), entries)
        shown = page.object_list
        shown_meetings = [meeting for year in shown for meeting in meetings_by_year[year]]
        paragraphs = (
            paragraphs.filter(declaration__meeting__year__in=shown)
            .select_related("declaration__meeting")
            .order_by("-declaration__meeting__year", "declaration", "number")
        )
        commitments = with_progress(
            commitments.filter(declaration__meeting__year__in=shown),
            self.visible(CommitmentUpdate.objects.all()),
        ).order_by("-declaration__meeting__year", "declaration", "order")
        years = {}
        for key, rows in (
            ("meetings", Meeting.objects.filter(pk__in=shown_meetings).with_related()),
            ("paragraphs", paragraphs),
            ("commitments", commitments),
        ):
            for year, items in groupby(rows, key=year_of):
                years.setdefault(year, {})[key] = list(items)
        context["years"] = sorted(years.items(), reverse=True)
        context["page_obj"], context["paginator"] = page, page.paginator
        return context


def year_of(row):
    if isinstance(row, Meeting):
        return row.year
    return row.declaration.meeting.year


class CommitmentListView(FilteredListView):
    model = Commitment
    filterset_class = CommitmentFilter
    form_fields = ("q", "status", "topic", "year")
    paginate_by = 50
    extra_context = {"section": "commitments", "list_title": _("Commitments")}

    def get_queryset(self):
        return with_progress(
            Commitment.objects.published(), CommitmentUpdate.objects.published()
        ).order_by("-declaration__meeting__year", "declaration", "order")
