"""Public pages of meetings, the people who attend them and the countries they represent."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from declarations.models import CommitmentUpdate, Declaration, Topic
from meetings.filters import MeetingFilter
from meetings.models import Country, Meeting, MeetingSeries, Participant, Person, Remark
from trilateral.views import FilteredListView, PreviewMixin, YearPagesMixin, meeting_event


def participants_with_names():
    return Participant.objects.select_related("person", "country", "organization").prefetch_related(
        "person__names"
    )


class MeetingListView(FilteredListView):
    model = Meeting
    filterset_class = MeetingFilter
    form_fields = ("q", "year", "country", "topic", "status")
    extra_context = {"section": "meetings", "list_title": _("Meetings")}

    def get_queryset(self):
        return (
            Meeting.objects.published()
            .with_related()
            .prefetch_related(Prefetch("declarations", queryset=Declaration.objects.published()))
        )


class MeetingDetailView(PreviewMixin, DetailView):
    model = Meeting
    extra_context = {"section": "meetings"}

    def get_queryset(self):
        declarations = self.visible(Declaration.objects.all()).prefetch_related(
            Prefetch("topics", queryset=self.visible(Topic.objects.all()))
        )
        return (
            super()
            .get_queryset()
            .with_related()
            .with_corrections()
            .prefetch_related(
                Prefetch("participants", queryset=participants_with_names()),
                Prefetch(
                    "remarks",
                    queryset=Remark.objects.select_related("speaker__person", "source"),
                ),
                "sources",
                Prefetch("declarations", queryset=declarations),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        editions = self.visible(Meeting.objects.filter(series=meeting.series))
        participants = meeting.participants.all()
        topics = {
            topic.pk: topic
            for declaration in meeting.declarations.all()
            for topic in declaration.topics.all()
        }
        context.update(
            participants=participants,
            topics=sorted(topics.values(), key=lambda topic: topic.localized("name")),
            previous_edition=editions.filter(edition__lt=meeting.edition)
            .order_by("-edition")
            .first(),
            next_edition=editions.filter(edition__gt=meeting.edition).order_by("edition").first(),
            progress_reports=self.visible(CommitmentUpdate.objects.filter(meeting=meeting))
            .select_related("commitment__declaration")
            .order_by("commitment__declaration", "commitment__order"),
            json_ld={
                "@context": "https://schema.org",
                **meeting_event(meeting, self.request, participants),
                "superEvent": {
                    "@type": "EventSeries",
                    "name": meeting.series.localized("name"),
                    "url": self.request.build_absolute_uri(meeting.series.get_absolute_url()),
                },
            },
        )
        return context


class CountryDetailView(YearPagesMixin, PreviewMixin, DetailView):
    """A country's delegates at each meeting and the meetings it hosted, a few years a page."""

    model = Country
    slug_field = "code"
    slug_url_kwarg = "code"

    def get(self, request, *args, **kwargs):
        # Codes are written in capitals (KR); /countries/kr/ leads to the same page.
        if not kwargs["code"].isupper():
            return redirect("meetings:country_detail", code=kwargs["code"].upper(), permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        country = self.object
        meetings = self.visible(Meeting.objects.all()).with_related()
        delegates = self.visible(Participant.objects.filter(country=country))
        # The record grows by a year at a time: a page shows a few years, newest first.
        page = self.paginate_years(
            list(
                meetings.filter(
                    Q(host_country=country)
                    | Exists(delegates.filter(meeting=OuterRef("pk")).values("pk"))
                )
                .order_by("-year")
                .values_list("year", flat=True)
                .distinct()
            )
        )
        shown = page.object_list
        context.update(
            series=self.visible(MeetingSeries.objects.filter(members=country)),
            hosted=meetings.filter(host_country=country, year__in=shown),
            delegates=delegates.filter(meeting__year__in=shown)
            .with_related()
            .select_related("meeting__series")
            .prefetch_related("person__names")
            .order_by("-meeting__year", "-meeting__edition", "order"),
            organizations=self.visible(country.organizations.all()),
            page_obj=page,
            paginator=page.paginator,
        )
        return context


class PersonDetailView(PreviewMixin, DetailView):
    model = Person

    def get_queryset(self):
        return super().get_queryset().prefetch_related("names")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context.update(
            participations=self.visible(Participant.objects.filter(person=person))
            .select_related("meeting__series", "country", "organization")
            .order_by("-meeting__year", "-meeting__edition"),
            remarks=self.visible(Remark.objects.filter(speaker__person=person))
            .select_related("meeting", "source")
            .order_by("-meeting__year", "order"),
        )
        return context
