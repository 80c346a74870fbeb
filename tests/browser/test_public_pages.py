"""The public pages in a real browser: a journalist's path from the home page to a cited
paragraph, filters, search in Korean script, phone-width layout, printing, and axe-core."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

import trilateral.cache
from meetings.models import Meeting
from tests.browser.conftest import PHONE
from trilateral.cache import Release
from trilateral.models import CacheGeneration

pytestmark = pytest.mark.browser

MEETING = "/en/meetings/trilateral-industrial-ministers-2024/"
API_MEETING = "/api/v1/meetings/trilateral-industrial-ministers-2024/?format=json"
DECLARATION = "/en/declarations/trilateral-industrial-ministers-2024-joint-declaration/"
PAGE_TYPES = {
    "home": "/en/",
    "meeting list": "/en/meetings/",
    "meeting list with a bad filter": "/en/meetings/?year=abc",
    "meeting": MEETING,
    "declaration list": "/en/declarations/",
    "declaration": DECLARATION,
    "topic list": "/en/topics/",
    "topic": "/en/topics/supply-chains/",
    "commitment list": "/en/commitments/?status=pledged",
    "person": "/en/people/ahn-duk-geun/",
    "country": "/en/countries/KR/",
    "search": "/en/search/?q=%EC%95%88%EB%8D%95%EA%B7%BC",
    "not found": "/en/meetings/no-such-meeting/",
    "meeting in Korean": MEETING.replace("/en/", "/ko/"),
    "declaration in Japanese": DECLARATION.replace("/en/", "/ja/"),
    "topic list in Japanese": "/ja/topics/",
}


def test_from_home_to_a_cited_paragraph_and_its_topic(site, page):
    page.goto(site + "/en/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Trilateral Industrial Ministers' Meeting"
    )

    latest = page.locator("section", has=page.locator("#latest-heading"))
    latest.get_by_role(
        "link", name="First Trilateral Industrial Ministers' Meeting", exact=True
    ).click()
    expect(page).to_have_url(site + MEETING)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "First Trilateral Industrial Ministers' Meeting"
    )
    expect(page.locator(".participant", has_text="Gina Raimondo")).to_contain_text(
        "Secretary of Commerce"
    )

    page.get_by_role(
        "link", name="Joint Declaration of the First Trilateral Industrial Ministers' Meeting"
    ).click()
    expect(page).to_have_url(site + DECLARATION)
    expect(page.get_by_text("Excerpts only.")).to_be_visible()

    page.locator("#p2").get_by_role("link", name="¶ 2").click()
    expect(page).to_have_url(site + DECLARATION + "#p2")
    expect(page.locator("#p2")).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == "p2"

    page.locator("#p2").get_by_role("link", name="Export control coordination").click()
    expect(page).to_have_url(site + "/en/topics/export-controls/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Export control coordination")
    expect(
        page.get_by_text("Coordinate export controls among the three countries.")
    ).to_be_visible()


def test_a_paragraph_permalink_opens_at_the_paragraph(site, page):
    page.goto(site + DECLARATION + "#p2")
    expect(page.locator("#p2")).to_be_in_viewport()
    expect(page.locator("#p2")).to_contain_text("Close cooperation is urgently needed")


def test_copy_link_puts_the_paragraph_address_on_the_clipboard(site, browser_context, page):
    browser_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page.goto(site + DECLARATION)
    page.get_by_role("link", name="Copy link to paragraph 1").click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == site + DECLARATION + "#p1"


def test_filtering_meetings_by_country_and_year(site, page):
    page.goto(site + "/en/meetings/")
    page.get_by_label("Country").select_option(label="Korea")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"country=KR"))
    expect(page.get_by_role("heading", name="1 meeting")).to_be_visible()

    page.get_by_label("Year").fill("2030")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="0 meetings")).to_be_visible()

    page.get_by_label("Year").fill("1e20")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("alert")).to_contain_text("Year: Enter a whole number.")


def test_searching_a_name_in_korean_script(site, page):
    page.goto(site + "/en/")
    page.get_by_role("searchbox", name="Search the record").fill("안덕근")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/search/\?q="))
    people = page.locator("section", has=page.locator("#people-heading"))
    expect(people.get_by_role("link", name="Ahn Duk Geun")).to_be_visible()
    expect(people.locator('[lang="ko"]', has_text="안덕근")).to_be_visible()


def test_switching_language_stays_on_the_record(site, page):
    page.goto(site + MEETING)
    switcher = page.get_by_role("navigation", name="Language")
    switcher.get_by_role("link", name="日本語").click()
    expect(page).to_have_url(site + MEETING.replace("/en/", "/ja/"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("第1回日米韓商務・産業大臣会合")
    page.get_by_role("navigation", name="言語").get_by_role("link", name="한국어").click()
    expect(page).to_have_url(site + MEETING.replace("/en/", "/ko/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("제1차 한·미·일 산업장관회의")
    expect(page.locator(".participant", has_text="안덕근")).to_contain_text("산업통상자원부")


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_horizontal_scroll_on_a_phone(site, browser, name):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(site + PAGE_TYPES[name])
        widths = page.evaluate(
            "({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        assert widths["scroll"] <= widths["client"], widths
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_axe_finds_no_accessibility_violation(site, page, name):
    page.goto(site + PAGE_TYPES[name])
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_printing_a_declaration_leaves_out_navigation_and_controls(site, page):
    page.goto(site + DECLARATION)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("link", name="Copy link to paragraph 1")).to_be_hidden()
    expect(page.locator("#p1")).to_be_visible()
    expect(page.locator(".print-only")).to_have_text(site + DECLARATION)


def test_a_reader_coming_back_after_an_edit_sees_it(site, page, settings, monkeypatch):
    """A browser keeps a page that says nothing of its freshness as fresh for a tenth of its age
    since Last-Modified, and shows it again without asking. Pages and API reads say `no-cache`:
    the browser asks each time, and gets the edited page at once (a 304 while nothing changed)."""
    settings.PAGE_CACHE = True
    cache.clear()
    long_ago = timezone.now() - datetime.timedelta(days=10)
    monkeypatch.setattr(
        trilateral.cache, "release", lambda: Release(digest="this release", started_at=long_ago)
    )
    for path, shown in ((MEETING, "heading"), (API_MEETING, "text")):
        # Each copy is one a browser would judge fresh for a day: last changed ten days ago.
        CacheGeneration.objects.update(changed_at=long_ago)
        page.goto(site + path)
        meeting = Meeting.objects.get()
        expect(page.get_by_text(meeting.title).first).to_be_visible()
        meeting.title = f"Edited {shown} title"
        meeting.save()
        page.goto(site + "/en/")
        page.goto(site + path)
        expect(page.get_by_text(f"Edited {shown} title").first).to_be_visible()
