"""Reading the sitemap as a search engine does: the index first, then every sitemap it lists."""

import xml.etree.ElementTree as ET

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SITE = "http://testserver"


def parse(response):
    assert response.status_code == 200, response.status_code
    return ET.fromstring(response.content)  # noqa: S314  # the site's own document


def sitemap_files(client):
    """The addresses the sitemap index lists, in its order."""
    return [loc.text for loc in parse(client.get("/sitemap.xml")).iter(f"{SITEMAP}loc")]


def sitemap_pages(client):
    """Each sitemap the index lists: its address and its entries, `{loc: {hreflang: href}}`."""
    pages = {}
    for address in sitemap_files(client):
        assert address.startswith(f"{SITE}/"), address
        urlset = parse(client.get(address.removeprefix(SITE)))
        pages[address] = {
            url.find(f"{SITEMAP}loc").text: {
                link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
            }
            for url in urlset.iter(f"{SITEMAP}url")
        }
    return pages


def sitemap_entries(client):
    """Every address in the sitemap, with its language alternates."""
    return {loc: links for page in sitemap_pages(client).values() for loc, links in page.items()}
