"""The home page, search and robots.txt, and the pieces every public page view shares."""

from dataclasses import dataclass

from django import forms
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Exists, F, Min, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_filters.views import FilterView

from declarations.models import Declaration, Paragraph, Topic
from meetings.models import (
    Cadence,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Person,
    SeriesName,
    edition_ordinal,
)
from trilateral.filters import SEARCH_MAX_LENGTH, ListSelect
from trilateral.links import filtered_list_path
from trilateral.markdown import markdown_to_text
from trilateral.translation import with_translations

# --- Shared by the views of both apps -----------------------------------------------------------


class PreviewMixin:
    """A detail page the public sees once its record is published, and staff see before that.

    The page of a record that is not public carries `object.is_public = False`, which the base
    template shows as a "Draft" banner, and is never stored by a shared cache.
    """

    def visible(self, queryset):
        """Staff also see drafts; everyone else sees published records only."""
        return queryset if self.request.user.is_staff else queryset.published()

    def get_queryset(self):
        return self.visible(super().get_queryset())

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        obj.is_public = (
            not self.request.user.is_staff
            or type(obj)._default_manager.published().filter(pk=obj.pk).exists()
        )
        return obj

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            add_never_cache_headers(response)
        return response


class YearPagesMixin:
    """A page that grows by a year at a time shows a few whole years a page, newest first."""

    years_per_page = 5
    # When a year can hold many entries (several series meeting each year), a page holds
    # fewer years: whole years up to about this many entries, and always at least one year.
    entries_per_page = 60

    def paginate_years(self, years, entries=None):
        """A page of `years` (newest first). With `entries`, the number of entries each year
        shows, busy years get pages of their own and quiet ones share."""
        if entries is None:
            return self.year_page(
                Paginator(years, self.years_per_page, allow_empty_first_page=True)
            )
        pages, load = [], 0
        for year in years:
            fits = load + entries[year] <= self.entries_per_page
            if pages and fits and len(pages[-1]) < self.years_per_page:
                pages[-1].append(year)
                load += entries[year]
            else:
                pages.append([year])
                load = entries[year]
        page = self.year_page(Paginator(pages, 1, allow_empty_first_page=True))
        # A page of the paginator is one list of years: the page shows those years.
        page.object_list = page.object_list[0] if pages else []
        return page

    def year_page(self, paginator):
        try:
            return paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(_("There is no such page.")) from error


class FilteredListView(FilterView):
    """A paginated list page with its resource's FilterSet as a form.

    A value the FilterSet rejects (year=abc, a NUL byte, an unknown code) leaves the list empty
    and answers 400 with the page and the form's error, so people and programs both see it.
    """

    template_name_suffix = "_list"
    paginate_by = 20
    # The filters offered on the page; the FilterSet may have more, for the API.
    form_fields = ()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        for field in filterset.form.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "published"):
                # The choices name only what the public may see.
                field.queryset = queryset.published()
            if hasattr(field, "empty_label"):
                field.empty_label = _("Any")
                # The widget holds the choices built with the old label: give it fresh ones.
                field.widget.choices = field.choices
            if type(field.widget) is forms.Select:
                field.widget = ListSelect(attrs=field.widget.attrs, choices=field.widget.choices)
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_fields"] = self.form_fields
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


# The topic-by-year table shows this many years at a time, newest last: the home page the latest
# ones, the topics page one page of them after another.
MATRIX_YEARS = 10
# Editions on the home page's timeline.
TIMELINE_EDITIONS = 10


def covered_years(declarations):
    """The years, newest first, in which the given declarations (or their paragraphs) name a
    published topic: the columns a topic-by-year table can have."""
    topics = Topic.objects.published()
    return list(
        declarations.filter(
            Exists(
                Declaration.topics.through.objects.filter(
                    declaration=OuterRef("pk"), topic__in=topics
                )
            )
            | Exists(
                Paragraph.topics.through.objects.filter(
                    paragraph__declaration=OuterRef("pk"), topic__in=topics
                )
            )
        )
        .order_by("-meeting__year")
        .values_list("meeting__year", flat=True)
        .distinct()
    )


def topic_years(declarations, years):
    """Which published topics the given declarations cover in each of `years`, for a
    topic-by-year table.

    Returns the years (columns, oldest first) and one row per topic: (topic, [(year, covered),
    …]). A topic counts when the declaration or any of its paragraphs is tagged with it. The
    database returns the distinct (topic, year) pairs of those years only, so the cost follows
    the years shown, not the length of the record.
    """
    pairs = set(
        Declaration.topics.through.objects.filter(
            declaration__in=declarations, declaration__meeting__year__in=years
        )
        .values_list("topic_id", "declaration__meeting__year")
        .union(
            Paragraph.topics.through.objects.filter(
                paragraph__declaration__in=declarations,
                paragraph__declaration__meeting__year__in=years,
            ).values_list("topic_id", "paragraph__declaration__meeting__year")
        )
    )
    # Published topics are picked here rather than in the query above, which would then be
    # read through the topic index: every paragraph of the record instead of those of the years.
    covered = list(Topic.objects.published().filter(pk__in={topic_id for topic_id, _ in pairs}))
    shown = {topic.pk for topic in covered}
    years = sorted({year for topic_id, year in pairs if topic_id in shown})
    rows = [(topic, [(year, (topic.pk, year) in pairs) for year in years]) for topic in covered]
    return years, rows


# --- schema.org data ------------------------------------------------------------------------------

CADENCE_YEARS = {Cadence.ANNUAL: 1, Cadence.BIENNIAL: 2}

EVENT_STATUS = {
    MeetingStatus.PLANNED: "https://schema.org/EventScheduled",
    MeetingStatus.HELD: "https://schema.org/EventScheduled",
    MeetingStatus.POSTPONED: "https://schema.org/EventPostponed",
    MeetingStatus.CANCELLED: "https://schema.org/EventCancelled",
}


def meeting_event(meeting, request, participants=()):
    """A meeting as a schema.org Event."""
    event = {
        "@type": "Event",
        "name": meeting.localized("title"),
        "url": request.build_absolute_uri(meeting.get_absolute_url()),
        "eventStatus": EVENT_STATUS[meeting.status],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if meeting.start_date:
        event["startDate"] = meeting.start_date.isoformat()
        event["endDate"] = meeting.last_day.isoformat()
    if meeting.city or meeting.venue:
        address = {"@type": "PostalAddress", "addressLocality": meeting.localized("city")}
        if meeting.host_country:
            address["addressCountry"] = meeting.host_country.code
        event["location"] = {
            "@type": "Place",
            "name": meeting.localized("venue") or meeting.localized("city"),
            "address": address,
        }
    if meeting.summary:
        event["description"] = markdown_to_text(meeting.localized("summary"))
    organizers = [p.organization for p in participants if p.is_host and p.organization]
    if organizers:
        event["organizer"] = [government_organization(org) for org in organizers]
    if participants:
        event["attendee"] = [
            {
                "@type": "Person",
                "name": participant.person.localized("name"),
                "jobTitle": participant.localized("role_title"),
                **(
                    {"affiliation": government_organization(participant.organization)}
                    if participant.organization
                    else {}
                ),
            }
            for participant in participants
        ]
    return event


def government_organization(organization):
    data = {"@type": "GovernmentOrganization", "name": organization.localized("name")}
    if organization.url:
        data["url"] = organization.url
    return data


def series_event_series(series, meetings, first_date, request):
    """A meeting series, the editions the page shows and the date of its first as a schema.org
    EventSeries."""
    data = {
        "@context": "https://schema.org",
        "@type": "EventSeries",
        "name": series.localized("name"),
        "url": request.build_absolute_uri(reverse("home")),
        "alternateName": sorted(
            {name.name for name in series.names.all()} - {series.localized("name")}
        ),
        "subEvent": [meeting_event(meeting, request) for meeting in meetings],
    }
    if series.description:
        data["description"] = markdown_to_text(series.localized("description"))
    if first_date:
        data["startDate"] = first_date.isoformat()
    if series.cadence in CADENCE_YEARS:
        data["eventSchedule"] = {
            "@type": "Schedule",
            "repeatFrequency": f"P{CADENCE_YEARS[series.cadence]}Y",
        }
    return data


# --- Home -------------------------------------------------------------------------------------


@dataclass
class ExpectedEdition:
    """The edition the cadence says comes next, while no meeting has been planned for it."""

    edition: int
    year: int

    @property
    def edition_label(self):
        return edition_ordinal(self.edition)

    @property
    def year_passed(self):
        return self.year < timezone.localdate().year


def next_edition(series, meetings):
    """The next edition: a planned (or postponed) meeting after the last one held, if there is
    one; otherwise what the cadence implies, which the page shows as expected and unconfirmed."""
    held = [meeting for meeting in meetings if meeting.status == MeetingStatus.HELD]
    last_held = held[-1].edition if held else 0
    for meeting in meetings:
        if meeting.edition > last_held and meeting.status in {
            MeetingStatus.PLANNED,
            MeetingStatus.POSTPONED,
        }:
            return meeting
    if not meetings or series.cadence not in CADENCE_YEARS:
        return None
    last = meetings[-1]
    return ExpectedEdition(edition=last.edition + 1, year=last.year + CADENCE_YEARS[series.cadence])


class HomeView(TemplateView):
    """The series the site is first of all about: what it is, its editions and their topics."""

    template_name = "home.html"

    def get_series(self):
        # The series established first is the site's own; others are reached through meetings.
        return (
            MeetingSeries.objects.published()
            .with_corrections()
            .prefetch_related(
                "members",
                Prefetch(
                    "names",
                    # The parties' own names first, then those others use.
                    queryset=SeriesName.objects.select_related("party").order_by(
                        F("party__short_name").asc(nulls_last=True), "language"
                    ),
                ),
            )
            .order_by(F("established_on").asc(nulls_last=True), "pk")
            .first()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        series = self.get_series()
        context["series"] = series
        if series is None:
            return context
        editions = Meeting.objects.published().filter(series=series)
        # The latest editions, oldest first; the list of meetings has them all. One a year,
        # the timeline would otherwise grow with the series for as long as it meets.
        meetings = list(
            editions.select_related("host_country")
            .prefetch_related(Prefetch("declarations", queryset=Declaration.objects.published()))
            .order_by("-edition")[: TIMELINE_EDITIONS + 1]
        )[::-1]
        if len(meetings) > TIMELINE_EDITIONS:
            meetings = meetings[1:]
            context["timeline_more_url"] = filtered_list_path(
                "meetings:meeting_list", series=series.slug
            )
        held = [meeting for meeting in meetings if meeting.status == MeetingStatus.HELD]
        declarations = Declaration.objects.published().filter(meeting__series=series)
        # The latest years; the topics page has every year, a page at a time.
        all_years = covered_years(declarations)
        years, rows = topic_years(declarations, all_years[:MATRIX_YEARS])
        if len(all_years) > MATRIX_YEARS:
            context["matrix_more_url"] = reverse("declarations:topic_list")
        upcoming = next_edition(series, meetings)
        first_date = editions.aggregate(first=Min("start_date"))["first"]
        context.update(
            meetings=meetings,
            latest=held[-1] if held else None,
            upcoming=upcoming,
            expected=upcoming if isinstance(upcoming, ExpectedEdition) else None,
            matrix_years=years,
            matrix_rows=rows,
            json_ld=series_event_series(series, meetings, first_date, self.request),
        )
        return context


# --- Search -----------------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the record"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        help_text=_(
            "A name in any spelling or script (Ahn Dukgeun, 안덕근, 齋藤健), a place, a topic, "
            "or words from a declaration."
        ),
    )


# The columns each kind of result shows (search.html, includes/meeting_item.html and
# includes/paragraph_quote.html). The texts searched, long ones among them, are matched in the
# database and never read back; a sort of every match carries fewer bytes.
SEARCH_MEETING_FIELDS = (
    "edition",
    "status",
    "slug",
    "year",
    "start_date",
    "end_date",
    *with_translations("title", "city"),
    "host_country",
    *(f"host_country__{field}" for field in with_translations("short_name")),
)
SEARCH_DECLARATION_FIELDS = ("kind", "slug", *with_translations("title"), "meeting__year")
SEARCH_PARAGRAPH_FIELDS = (
    "number",
    "anchor",
    *with_translations("text"),
    "declaration__slug",
    *(f"declaration__{field}" for field in with_translations("title")),
)


class SearchView(TemplateView):
    """Meetings, declarations, paragraphs and people that match a query, best matches first."""

    template_name = "search.html"
    extra_context = {"section": "search"}
    limit = 20

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET or None)
        context = {"form": form}
        if form.is_bound and not form.is_valid():
            return self.render_to_response(self.get_context_data(**context), status=400)
        query = form.cleaned_data["q"].strip() if form.is_bound else ""
        if query:
            context.update(query=query, results=self.results(query))
        return self.render_to_response(self.get_context_data(**context))

    def results(self, query):
        found = {
            "meetings": Meeting.objects.published()
            .select_related("host_country")
            .only(*SEARCH_MEETING_FIELDS)
            .search(query),
            "declarations": Declaration.objects.published()
            .select_related("meeting")
            .only(*SEARCH_DECLARATION_FIELDS)
            .search(query),
            "paragraphs": Paragraph.objects.published()
            .select_related("declaration")
            .only(*SEARCH_PARAGRAPH_FIELDS)
            .search(query),
            "people": Person.objects.published().search(query).prefetch_related("names"),
        }
        results = {}
        for name, queryset in found.items():
            # One row more than shown tells whether there are more, without a count query.
            rows = list(queryset[: self.limit + 1])
            results[name] = rows[: self.limit]
            results[f"more_{name}"] = len(rows) > self.limit
        results["total"] = sum(len(results[name]) for name in found)
        return results


# --- robots.txt -------------------------------------------------------------------------------


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
