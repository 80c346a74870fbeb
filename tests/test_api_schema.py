"""The API describes itself: the OpenAPI schema validates and documents what clients meet, and
the interactive docs load nothing from another host."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", path)
    return yaml.safe_load(path.read_text())


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_schema_validates_without_a_warning(schema):
    assert schema["openapi"].startswith("3.")
    assert len(list(operations(schema))) == 12 * 6


def test_reads_need_no_credentials_and_writes_do(schema):
    for path, method, operation in operations(schema):
        if method == "get":
            assert {} in operation["security"], path
        else:
            assert {} not in operation["security"], (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)


def test_every_operation_documents_its_errors(schema):
    for path, method, operation in operations(schema):
        expected = {"400", "404", "405", "406", "429", "500"}
        expected |= {"put": {"412", "415"}, "patch": {"412", "415"}, "post": {"415"}}.get(
            method, set()
        )
        expected |= {"delete": {"409", "412"}}.get(method, set())
        missing = expected - set(operation["responses"])
        assert not missing, (method, path, missing)


def test_list_filters_are_documented_with_the_values_they_accept(schema):
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/v1/meetings/"]["get"]["parameters"]
    }
    assert set(parameters) == {
        "search",
        "year",
        "country",
        "topic",
        "status",
        "series",
        "updated_since",
        "ordering",
        "page",
        "page_size",
        "format",
        "lang",
    }
    assert (
        parameters["year"]["schema"] | {"minimum": 1900, "maximum": 2200}
        == parameters["year"]["schema"]
    )
    assert parameters["page_size"]["schema"]["maximum"] == 100
    assert parameters["updated_since"]["schema"]["format"] == "date-time"
    assert set(parameters["format"]["schema"]["enum"]) == {"json", "csv"}


def test_detail_reads_document_conditional_requests(schema):
    operation = schema["paths"]["/api/v1/meetings/{slug}/"]["get"]
    assert "If-None-Match" in {parameter["name"] for parameter in operation["parameters"]}
    assert set(operation["responses"]["200"]["headers"]) == {
        "ETag",
        "Last-Modified",
        "Content-Language",
    }
    assert "304" in operation["responses"]


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.addresses, self.inline_scripts = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.addresses += [attrs[name] for name in ("src", "href") if attrs.get(name)]
        self.inline_scripts += tag == "script" and not attrs.get("src")


def test_the_docs_load_everything_from_this_site(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = Assets()
    page.feed(response.content.decode())
    assert page.addresses
    for address in page.addresses:
        assert not urlsplit(address).netloc, address
        if address.startswith("/static/"):
            assert finders.find(address.removeprefix("/static/")), address
    # The start-up script is a file of its own too, which the site's CSP requires.
    assert page.inline_scripts == 0
    assert "/api/schema/" in client.get("/api/docs/", {"script": ""}).content.decode()
