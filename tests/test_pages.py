"""What every public page shares: landmarks, a skip link, one h1, Open Graph tags, and error
pages that work even when little else does."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.views.defaults import server_error
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db

PAGES = [
    "/en/",
    "/en/meetings/",
    "/en/meetings/trilateral-industrial-ministers-2024/",
    "/en/declarations/",
    "/en/declarations/trilateral-industrial-ministers-2024-joint-declaration/",
    "/en/topics/",
    "/en/topics/semiconductors/",
    "/en/commitments/",
    "/en/people/gina-raimondo/",
    "/en/countries/JP/",
    "/en/search/?q=Raimondo",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_landmarks_a_skip_link_one_h1_and_open_graph_tags(
    client, first_meeting, path
):
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assertContains(response, '<a class="skip-link" href="#main">Skip to content</a>', html=True)
    assertContains(response, '<main id="main" tabindex="-1">')
    assertContains(response, '<nav class="site-nav" aria-label="Main">')
    assertContains(response, '<footer class="site-footer">')
    assert len(re.findall(r"<h1[ >]", html)) == 1
    for prop in ("og:site_name", "og:title", "og:description", "og:type", "og:url"):
        assert f'<meta property="{prop}" content="' in html, prop
    assert re.search(r'<meta property="og:title" content="[^"]+">', html)


def test_not_found_page_is_the_site_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assertContains(response, "<h1>Page not found</h1>", status_code=404, html=True)
    assertContains(response, 'href="/en/search/"', status_code=404)


def test_server_error_page_renders_without_a_request_context():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
