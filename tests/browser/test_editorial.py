"""The editorial workflow in a real browser: an editor starts the second meeting with one action,
fills it in and submits it; a publisher publishes it; the public page and the API show it."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"
SECOND = "/en/meetings/trilateral-industrial-ministers-2025/"
SECOND_TITLE = "Second Trilateral Industrial Ministers' Meeting"


@pytest.fixture
def other_page(browser):
    """Pages for other people at other computers: browser contexts with their own cookies."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport=DESKTOP, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, site, username):
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Awaiting review")).to_be_visible()


def run_action(page, site, row_title, action):
    page.goto(site + "/admin/meetings/meeting/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=row_title, exact=True))
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_an_editor_plans_the_second_meeting_and_a_publisher_publishes_it(
    site, page, other_page, editor_user, publisher_user
):
    # The editor starts next year's meeting from the first one.
    sign_in(page, site, editor_user.username)
    run_action(
        page, site, "First Trilateral Industrial Ministers' Meeting", "Plan the next edition"
    )
    expect(page.locator(".messagelist")).to_contain_text(
        f"“{SECOND_TITLE}” is planned as a draft for 2025"
    )
    expect(page).to_have_url(re.compile(r"/admin/meetings/meeting/\d+/change/$"))
    expect(page.get_by_label("Title:")).to_have_value(SECOND_TITLE)
    expect(page.get_by_label("Edition:")).to_have_value("2")

    # … fills in what is known and submits it for review; publishing is not offered.
    page.locator(".field-host_country .select2-selection").click()
    page.locator(".select2-search__field").fill("Korea")
    page.get_by_role("option", name="Korea", exact=True).click()
    page.get_by_label("City:").fill("Seoul")
    page.get_by_label("Venue:").fill("Government Complex Seoul")
    page.get_by_label("Start date:").fill("2025-07-01")
    status = page.get_by_label("Publication status:")
    expect(status.locator("option")).to_have_text(["Draft", "In review"])
    status.select_option(label="In review")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Not public while it waits for review.
    assert Client().get(SECOND).status_code == 404

    # The publisher finds it on the front page and publishes it.
    publisher_page = other_page()
    sign_in(publisher_page, site, publisher_user.username)
    review = publisher_page.locator("#awaiting-review")
    expect(review.get_by_role("link", name=SECOND_TITLE)).to_be_visible()
    run_action(publisher_page, site, SECOND_TITLE, "Publish now")
    expect(publisher_page.locator(".messagelist")).to_contain_text("1 record published.")

    # The public page and the API show it.
    public = other_page()
    public.goto(site + SECOND)
    expect(public.get_by_role("heading", level=1)).to_contain_text(SECOND_TITLE)
    expect(public.locator("main")).to_contain_text("Seoul")
    response = Client().get("/api/v1/meetings/trilateral-industrial-ministers-2025/")
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["city"], body["host_country"]) == (SECOND_TITLE, "Seoul", "KR")
    assert body["publication_status"] == "published"
