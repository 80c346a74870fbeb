"""Subscriptions to meetings: an Atom feed of the record and an iCalendar of their dates."""

import datetime
import re
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from icalendar.parser import Contentline, Parameters
from icalendar.prop import vDDDTypes, vInt, vText, vUri

from meetings.models import Meeting, MeetingStatus
from trilateral.markdown import markdown_to_text, render_markdown
from trilateral.translation import with_translations

FEED_LENGTH = 50
# The calendar carries every future meeting and those of the last few years; older ones are on
# the site. A subscription stays small however long the series run.
CALENDAR_PAST_YEARS = 5


# Control characters that XML 1.0 cannot carry (a vertical tab pasted from a word processor).
XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_safe(value):
    return XML_FORBIDDEN.sub("", value) if isinstance(value, str) else value


class XmlSafeAtomFeed(Atom1Feed):
    """An Atom feed that drops characters XML forbids instead of failing on them."""

    def add_item(self, *args, **kwargs):
        kwargs = {key: xml_safe(value) for key, value in kwargs.items()}
        if kwargs.get("categories"):
            kwargs["categories"] = [xml_safe(category) for category in kwargs["categories"]]
        super().add_item(*[xml_safe(arg) for arg in args], **kwargs)


class RecordFeed(Feed):
    """What the Atom feeds of both apps share: newest publications first, summaries as HTML."""

    feed_type = XmlSafeAtomFeed

    def author_name(self):
        return settings.SITE_NAME

    def item_title(self, item):
        # Plain text: the feed generator escapes it once (Django's default would escape twice).
        return str(item)

    def item_description(self, item):
        corrections = render_to_string(
            "includes/corrections.html", {"corrections": item.corrections.all()}
        )
        return render_markdown(item.localized("summary")) + corrections

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class MeetingFeed(RecordFeed):
    title = gettext_lazy("Meetings")
    subtitle = gettext_lazy("Meetings as they are added to the record, newest first.")

    def link(self):
        return reverse("meetings:meeting_list")

    def items(self):
        return (
            Meeting.objects.published()
            .with_related()
            .with_corrections()
            .order_by("-published_at")[:FEED_LENGTH]
        )


CALENDAR_STATUS = {
    MeetingStatus.PLANNED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.POSTPONED: "TENTATIVE",
    MeetingStatus.CANCELLED: "CANCELLED",
}


# The columns an event shows; the rest (the full account above all) stay in the database.
CALENDAR_FIELDS = (
    "slug",
    "updated_at",
    "version",
    "status",
    "start_date",
    "end_date",
    *with_translations("title", "venue", "city", "summary"),
    "host_country",
    *(f"host_country__{field}" for field in with_translations("short_name")),
)


def calendar_meetings():
    """Published meetings with a date from January of the year CALENDAR_PAST_YEARS ago on,
    every future one included, in date order."""
    today = timezone.localdate()
    since = datetime.date(today.year - CALENDAR_PAST_YEARS, 1, 1)
    return (
        Meeting.objects.published()
        .select_related("host_country")
        .only(*CALENDAR_FIELDS)
        .filter(start_date__gte=since)
        .order_by("start_date", "pk")
    )


# icalendar folds a line once it reaches this many octets.
FOLD_AT = 75


class ContentLine(Contentline):
    """A content line that is folded only when it is long enough to need it. icalendar walks
    every line character by character to fold it, which took more time than anything else in
    the calendar; most lines are short, and their octets are the same either way."""

    def to_ical(self):
        octets = self.encode()
        return octets if len(octets) < FOLD_AT else super().to_ical()


class Calendar(icalendar.Calendar):
    """An icalendar Calendar whose lines, its events' included, are ContentLines."""

    def content_line(self, name, value, sorted=True):
        params = value.params if hasattr(value, "params") else Parameters()
        return ContentLine.from_parts(name, params, value, sorted=sorted)


class MeetingCalendarView(View):
    """Every future published meeting with a date, and those of the last few years, as all-day
    events a calendar can subscribe to.

    A meeting's UID never changes, so a subscribed calendar updates the event in place when its
    date moves (SEQUENCE follows the record's version) instead of adding a second one.
    """

    def get(self, request):
        calendar = Calendar()
        calendar.add("prodid", f"-//{settings.SITE_NAME}//Meetings//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("%(site)s meetings") % {"site": settings.SITE_NAME})
        calendar.add(
            "x-wr-caldesc",
            _(
                "Meetings of the last %(years)s years and every one to come. A planned "
                "meeting appears once its date is set."
            )
            % {"years": CALENDAR_PAST_YEARS},
        )
        uid_host = urlsplit(settings.SITE_URL).hostname or "localhost"
        for meeting in calendar_meetings():
            calendar.add_component(meeting_event(meeting, request, uid_host))
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="meetings.ics"'
        return response


def meeting_event(meeting, request, uid_host):
    # Each value is set as the icalendar type it is: Component.add() would guess the type of
    # each one, which took longer than the rest of the event.
    event = icalendar.Event()
    event["uid"] = vText(f"meeting-{meeting.pk}@{uid_host}")
    # RFC 5545 wants both in UTC.
    updated = vDDDTypes(meeting.updated_at.astimezone(datetime.UTC))
    event["dtstamp"] = updated
    event["last-modified"] = updated
    event["sequence"] = vInt(meeting.version)
    event["summary"] = vText(meeting.localized("title"))
    # All-day events (VALUE=DATE): DTEND is the day after the last day (it is exclusive).
    event["dtstart"] = vDDDTypes(meeting.start_date)
    event["dtend"] = vDDDTypes(meeting.last_day + datetime.timedelta(days=1))
    event["transp"] = vText("TRANSPARENT")
    event["status"] = vText(CALENDAR_STATUS[meeting.status])
    place = [
        meeting.localized("venue"),
        meeting.localized("city"),
        meeting.host_country and meeting.host_country.localized("short_name"),
    ]
    if any(place):
        event["location"] = vText(", ".join(part for part in place if part))
    if meeting.summary:
        event["description"] = vText(markdown_to_text(meeting.localized("summary")))
    event["url"] = vUri(request.build_absolute_uri(meeting.get_absolute_url()))
    return event
