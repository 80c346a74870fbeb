"""The site in English, Korean and Japanese: interface, records, discoverability and the API."""

import re

import feedparser
import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from declarations.models import Declaration, Paragraph, Topic
from meetings.models import Country, Meeting, MeetingSeries, Person
from tests.admin_forms import admin_url, change_form_data
from tests.factories import MeetingFactory, MeetingSeriesFactory, TopicFactory
from tests.sitemaps import sitemap_entries
from tests.test_pages_queries import PAGES, Record

pytestmark = pytest.mark.django_db

MEETING = "trilateral-industrial-ministers-2024"
DECLARATION = "trilateral-industrial-ministers-2024-joint-declaration"
LANGUAGES = ("en", "ko", "ja")

PAGE_PATHS = {
    "home": "/{lang}/",
    "meeting list": "/{lang}/meetings/",
    "meeting": f"/{{lang}}/meetings/{MEETING}/",
    "declaration list": "/{lang}/declarations/",
    "declaration": f"/{{lang}}/declarations/{DECLARATION}/",
    "topic list": "/{lang}/topics/",
    "topic": "/{lang}/topics/semiconductors/",
    "commitment list": "/{lang}/commitments/",
    "person": "/{lang}/people/ahn-duk-geun/",
    "country": "/{lang}/countries/KR/",
    "search": "/{lang}/search/?q=Ahn",
}


def interface(text, language):
    with translation.override(language):
        return translation.gettext(text)


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


# --- Interface ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_PATHS)
def test_every_page_renders_in_each_language(client, first_meeting, name, language):
    html = page(client, PAGE_PATHS[name].format(lang=language))
    assert f'<html lang="{language}">' in html
    for text in ("Meetings", "Declarations", "Search the record", "About this site"):
        assert interface(text, language) in html
    if language != "en":
        assert interface("Meetings", language) != "Meetings"
        assert "Skip to content" not in html


@pytest.mark.parametrize(
    ("language", "series_name", "meeting_title", "person_name"),
    [
        ("en", "Trilateral Industrial Ministers&#x27; Meeting", "First Trilateral", "Ahn Duk Geun"),
        ("ko", "한·미·일 산업장관회의", "제1차 한·미·일 산업장관회의", "안덕근"),
        ("ja", "日米韓商務・産業大臣会合", "第1回日米韓商務・産業大臣会合", "安徳根"),
    ],
)
def test_records_show_their_text_in_the_reader_language(
    client, first_meeting, language, series_name, meeting_title, person_name
):
    assert series_name in page(client, f"/{language}/")
    meeting_page = page(client, f"/{language}/meetings/{MEETING}/")
    assert meeting_title in meeting_page
    assert person_name in meeting_page
    assert interface("not yet translated", language) not in meeting_page


def test_a_missing_translation_falls_back_to_english_marked_as_such(client, first_meeting):
    TopicFactory(slug="new-topic", name="Quantum computing", description="Qubits.")
    html = page(client, "/ko/topics/new-topic/")
    assert '<span lang="en">Quantum computing</span>' in html
    assert '<div lang="en"><p>Qubits.</p></div>' in html
    assert interface("not yet translated", "ko") in html
    assert interface("not yet translated", "ko") != "not yet translated"
    # Translated records on the same list need no such note.
    topic_list = page(client, "/ko/topics/")
    assert "반도체" in topic_list
    assert topic_list.count(interface("not yet translated", "ko")) == 2  # name and description


READ_PAGES = [
    name for name in PAGES if not name.startswith(("sitemap", "calendar")) and "feed" not in name
]


@pytest.mark.parametrize("name", READ_PAGES)
def test_every_page_notes_the_text_still_in_english(client, name):
    record = Record()
    html = page(client, record.urls()[name].replace("/en/", "/ja/", 1))
    assert '<html lang="ja">' in html
    assert interface("Meetings", "ja") in html
    assert f'<small class="untranslated">{interface("not yet translated", "ja")}</small>' in html
    assert '<span lang="en">' in html or '<div lang="en">' in html


@pytest.mark.parametrize(
    ("language", "date"),
    [("en", "June 26, 2024"), ("ko", "2024년 6월 26일"), ("ja", "2024年6月26日")],
)
def test_dates_are_written_as_each_language_writes_them(client, first_meeting, language, date):
    assert date in page(client, f"/{language}/meetings/{MEETING}/")


@pytest.mark.parametrize(
    ("language", "count"),
    [("en", "1,200 meetings"), ("ko", "회의 1,200건"), ("ja", "1,200件の会合")],
)
def test_counts_are_written_with_thousands_separators(client, language, count):
    series = MeetingSeriesFactory()
    Meeting.objects.bulk_create(
        MeetingFactory.build(series=series, host_country=None, edition=n, slug=f"m-{n}")
        for n in range(1, 1201)
    )
    assert count in page(client, f"/{language}/meetings/")


@pytest.mark.parametrize(
    ("accept_language", "expected"), [("ja,en;q=0.5", "/ja/"), ("ko-KR", "/ko/"), ("fr", "/en/")]
)
def test_the_first_visit_goes_to_the_browser_language(
    client, first_meeting, accept_language, expected
):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == expected
    # An old unprefixed address keeps working too.
    response = client.get(f"/meetings/{MEETING}/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response["Location"] == f"{expected}meetings/{MEETING}/"


def test_the_language_switcher_stays_on_the_same_record_and_filters(client, first_meeting):
    html = page(client, f"/ko/meetings/{MEETING}/")
    assert f'<a href="/en/meetings/{MEETING}/" hreflang="en" lang="en">English</a>' in html
    assert f'<a href="/ja/meetings/{MEETING}/" hreflang="ja" lang="ja">日本語</a>' in html
    assert f'href="/ko/meetings/{MEETING}/" hreflang="ko" lang="ko" aria-current="true"' in html
    listing = page(client, "/ja/meetings/?year=2024&country=KR")
    assert 'href="/ko/meetings/?year=2024&amp;country=KR" hreflang="ko"' in listing


def test_error_pages_are_translated(client, first_meeting):
    response = client.get("/ja/meetings/no-such-meeting/")
    assert response.status_code == 404
    assert interface("Page not found", "ja") in response.content.decode()
    assert interface("Page not found", "ja") != "Page not found"


# --- Official texts, completeness and stale translations ----------------------------------------


def test_pages_say_which_language_versions_are_official(client, first_meeting):
    declaration = page(client, f"/ko/declarations/{DECLARATION}/")
    assert interface("This is the record's own translation, not an official text.", "ko") in (
        declaration
    )
    assert interface("official text", "ko") in declaration  # the English version
    english = page(client, f"/en/declarations/{DECLARATION}/")
    assert "This text is an official text of a party in this language." in english
    country = page(client, "/ja/countries/KR/")
    assert interface("This text is an official text of a party in this language.", "ja") in (
        country
    )


def test_a_translation_is_stale_once_the_english_text_changes_after_it(client, first_meeting):
    topic = Topic.objects.get(slug="semiconductors")
    assert not topic.language_version("ko").is_stale
    topic.name_ko = "반도체 산업"
    topic.save()
    assert not topic.language_version("ko").is_stale
    topic.description = "Chips, and everything that makes them."
    topic.save()
    topic = Topic.objects.get(pk=topic.pk)
    assert topic.language_version("ko").is_stale
    assert topic.language_version("ja").is_stale
    assert not topic.language_version("en").is_stale
    html = page(client, "/ko/topics/semiconductors/")
    assert (
        interface(
            "The English text has changed since this translation was made; the translation may be "
            "out of date.",
            "ko",
        )
        in html
    )
    # Bringing the Korean up to date clears the flag for Korean only.
    topic.description_ko = "반도체와 그것을 만드는 모든 것."
    topic.save()
    topic = Topic.objects.get(pk=topic.pk)
    assert not topic.language_version("ko").is_stale
    assert topic.language_version("ja").is_stale


def test_completeness_counts_every_field_written_in_english(first_meeting):
    meeting = Meeting.objects.get(slug=MEETING)
    assert meeting.language_version("ko").is_complete
    meeting.venue_ko = ""
    assert not meeting.language_version("ko").is_complete
    assert meeting.language_version("ja").is_complete


# --- The first meeting in three languages -------------------------------------------------------


def test_the_fixture_carries_native_names_and_marks_its_own_translations(first_meeting):
    korea = Country.objects.get(code="KR")
    assert (korea.name_ko, korea.short_name_ja) == ("대한민국", "韓国")
    saito = Person.objects.get(slug="saito-ken")
    assert (saito.name_ja, saito.name_ko) == ("齋藤健", "사이토 겐")
    assert Person.objects.get(slug="ahn-duk-geun").name_ko == "안덕근"
    series = MeetingSeries.objects.get()
    assert (series.name_ko, series.name_ja) == ("한·미·일 산업장관회의", "日米韓商務・産業大臣会合")
    declaration = Declaration.objects.get()
    assert declaration.official_languages == ["en"]
    assert all(p.text_ko and p.text_ja for p in Paragraph.objects.all())
    for record in (korea, saito, series, declaration, Meeting.objects.get()):
        assert all(v.is_complete for v in record.language_versions()), record


# --- Discoverability ----------------------------------------------------------------------------


def test_every_page_head_links_its_other_languages(client, first_meeting):
    html = page(client, f"/ja/declarations/{DECLARATION}/")
    for language in LANGUAGES:
        assert (
            f'<link rel="alternate" hreflang="{language}" '
            f'href="http://testserver/{language}/declarations/{DECLARATION}/">'
        ) in html
    assert (
        '<link rel="alternate" hreflang="x-default" '
        f'href="http://testserver/declarations/{DECLARATION}/">'
    ) in html


def test_the_sitemap_lists_each_language_with_its_alternates(client, first_meeting):
    entries = sitemap_entries(client)
    for language in LANGUAGES:
        alternates = entries[f"http://testserver/{language}/meetings/{MEETING}/"]
        assert alternates == {
            "en": f"http://testserver/en/meetings/{MEETING}/",
            "ko": f"http://testserver/ko/meetings/{MEETING}/",
            "ja": f"http://testserver/ja/meetings/{MEETING}/",
            "x-default": f"http://testserver/meetings/{MEETING}/",
        }


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "First Trilateral"), ("ko", "제1차 한·미·일"), ("ja", "第1回日米韓")],
)
def test_each_language_has_its_own_feeds(client, first_meeting, language, title):
    feed = feedparser.parse(client.get(f"/{language}/feeds/meetings.atom").content)
    assert feed.feed.language == language
    assert feed.entries[0].title.startswith(title)
    assert feed.entries[0].link.startswith(f"http://testserver/{language}/meetings/")
    declarations = feedparser.parse(client.get(f"/{language}/feeds/declarations.atom").content)
    assert declarations.entries
    calendar = client.get(f"/{language}/calendar.ics").content.decode()
    assert f"SUMMARY:{title}" in calendar.replace("\r\n ", "")


ALL_KINDS = {"Meetings", "Declarations", "Paragraphs"}


@pytest.mark.parametrize(
    ("query", "kinds"),
    [
        ("반도체", ALL_KINDS),
        ("半導体", ALL_KINDS),
        ("Semiconductors", ALL_KINDS),
        ("산업장관회의", {"Meetings", "Declarations"}),
        ("日米韓", {"Meetings", "Declarations"}),
    ],
)
def test_search_finds_records_by_text_in_any_language(client, first_meeting, query, kinds):
    html = page(client, f"/en/search/?q={query}")
    assert "Nothing on the record matches" not in html
    assert kinds <= set(re.findall(r"<h2[^>]*>([^<]*)</h2>", html))
    assert f'href="/en/meetings/{MEETING}/"' in html
    response = client.get("/api/v1/meetings/", {"search": query})
    assert [m["slug"] for m in response.json()["results"]] == [MEETING]


# --- API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "headers", "language", "name"),
    [
        ({}, {}, "en", "Republic of Korea"),
        ({"lang": "ko"}, {}, "ko", "대한민국"),
        ({}, {"HTTP_ACCEPT_LANGUAGE": "ja"}, "ja", "大韓民国"),
        ({"lang": "en"}, {"HTTP_ACCEPT_LANGUAGE": "ja"}, "en", "Republic of Korea"),
    ],
)
def test_the_api_answers_in_the_language_asked_for(
    api_client, first_meeting, params, headers, language, name
):
    response = api_client.get("/api/v1/countries/KR/", params, **headers)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert response.json()["name"] == name
    listed = api_client.get("/api/v1/countries/", params, **headers)
    assert listed["Content-Language"] == language
    assert name in [country["name"] for country in listed.json()["results"]]


def test_the_api_reports_language_versions_and_falls_back_to_english(api_client, first_meeting):
    TopicFactory(slug="new-topic", name="Quantum computing")
    data = api_client.get("/api/v1/topics/new-topic/", {"lang": "ja"}).json()
    assert data["name"] == "Quantum computing"
    versions = {version["code"]: version for version in data["languages"]}
    assert versions["ja"]["has_text"] is False
    assert versions["en"]["is_complete"] is True
    declaration = api_client.get(f"/api/v1/declarations/{DECLARATION}/", {"lang": "ko"}).json()
    assert {v["code"]: v["is_official"] for v in declaration["languages"]} == {
        "en": True,
        "ko": False,
        "ja": False,
    }
    assert declaration["title"].startswith("제1차")


def test_an_unknown_language_is_a_clear_400(api_client, first_meeting):
    response = api_client.get("/api/v1/meetings/", {"lang": "fr"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "lang"


def test_a_write_in_korean_stores_the_korean_text_and_keeps_the_english(
    staff_api_client, first_meeting
):
    TopicFactory(slug="new-topic", name="Quantum computing", description="Qubits.")
    url = "/api/v1/topics/new-topic/"
    shown = staff_api_client.get(url, {"lang": "ko"}).json()
    # Sending back what a Korean read showed, with only the name translated: the untranslated
    # description is not stored as Korean.
    body = {**shown, "name": "양자 컴퓨팅"}
    body.pop("languages")
    response = staff_api_client.put(f"{url}?lang=ko", body, format="json")
    assert response.status_code == 200, response.json()
    topic = Topic.objects.get(slug="new-topic")
    assert (topic.name, topic.name_ko, topic.description, topic.description_ko) == (
        "Quantum computing",
        "양자 컴퓨팅",
        "Qubits.",
        "",
    )
    created = staff_api_client.post(
        "/api/v1/topics/?lang=ko", {"name": "새 분야", "slug": "another"}, format="json"
    )
    assert created.status_code == 400
    [error] = created.json()["errors"]
    assert error["attr"] == "lang"
    # The code is one the schema names for this operation's `lang` errors.
    schema = staff_api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    documented = schema["components"]["schemas"]["V1TopicsCreateLangErrorComponent"]
    assert error["code"] in documented["properties"]["code"]["enum"]


def test_the_schema_documents_the_language_parameter_and_header(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/meetings/"]["get"]
    lang = next(p for p in operation["parameters"] if p["name"] == "lang")
    assert lang["in"] == "query"
    assert sorted(lang["schema"]["enum"]) == sorted(LANGUAGES)
    assert "Content-Language" in operation["responses"]["200"]["headers"]


# --- Query counts -------------------------------------------------------------------------------


def translate_everything(language):
    """Fills every translation column of every row, as a fully translated record has them."""
    for model in apps.get_models():
        for name in getattr(model, "translated_fields", ()):
            column = f"{name}_{language}"
            for record in model.objects.all():
                if getattr(record, name):
                    setattr(record, column, f"[{language}] {getattr(record, name)}")
                    record.save(update_fields=[column])


@pytest.mark.parametrize("name", PAGES)
def test_translations_add_no_queries(client, name):
    record = Record()
    record.grow(3)
    url = record.urls()[name]
    ContentType.objects.get_for_models(*apps.get_models())
    with CaptureQueriesContext(connection) as english:
        assert client.get(url).status_code == 200
    translate_everything("ko")
    korean_url = url.replace("/en/", "/ko/", 1)
    with CaptureQueriesContext(connection) as korean:
        response = client.get(korean_url)
    assert response.status_code == 200
    assert len(korean) == len(english)
    if not name.startswith("sitemap"):
        assert "[ko]" in response.content.decode()


@pytest.mark.parametrize("resource", ["meetings", "declarations", "people", "topics"])
def test_translations_add_no_api_queries(api_client, resource):
    Record().grow(3)
    with CaptureQueriesContext(connection) as english:
        api_client.get(f"/api/v1/{resource}/")
    translate_everything("ja")
    with CaptureQueriesContext(connection) as japanese:
        response = api_client.get(f"/api/v1/{resource}/", {"lang": "ja"})
    assert len(japanese) == len(english)
    assert "[ja]" in response.content.decode()


# --- Editing in the admin -----------------------------------------------------------------------


def test_the_admin_edits_the_three_languages_side_by_side(staff_client, first_meeting):
    meeting = Meeting.objects.get(slug=MEETING)
    url = admin_url(Meeting, "change", meeting.pk)
    response = staff_client.get(url)
    assert response.status_code == 200
    rows = [
        [f.field["name"] if isinstance(f.field, dict) else f.field.name for f in line]
        for fieldset in response.context["adminform"]
        for line in fieldset
    ]
    for name in Meeting.translated_fields:
        assert [name, f"{name}_ko", f"{name}_ja"] in rows
    assert ["official_languages"] in rows
    html = response.content.decode()
    assert "한국어: translation" in html  # the record's language versions, at a glance

    data = change_form_data(response)
    data["title_ja"] = "第一回 日米韓商務・産業大臣会合"
    data["official_languages"] = ["en", "ja"]
    response = staff_client.post(url, data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.title_ja == "第一回 日米韓商務・産業大臣会合"
    assert meeting.title == "First Trilateral Industrial Ministers' Meeting"
    assert meeting.official_languages == ["en", "ja"]
    assert meeting.translation_versions["ja"] == meeting.version
    assert "第一回 日米韓商務・産業大臣会合" in page(staff_client, f"/ja/meetings/{MEETING}/")


def test_inlines_carry_the_translations_of_their_rows(staff_client, first_meeting):
    declaration = Declaration.objects.get()
    response = staff_client.get(admin_url(Declaration, "change", declaration.pk))
    paragraphs = next(
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Paragraph
    )
    fields = set(paragraphs.formset.forms[0].fields)
    assert {"text", "text_ko", "text_ja", "heading_ko", "heading_ja"} <= fields
