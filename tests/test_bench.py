"""The benchmark serves the site itself next to its baseline view."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(ROOT_URLCONF="bench.urls")
def test_benchmark_urls_serve_the_baseline_and_the_site(client, first_meeting):
    baseline = client.get("/bench/baseline/")
    assert (baseline.status_code, baseline.content) == (200, b"ok")
    assert client.get("/en/").status_code == 200
    assert client.get("/api/v1/meetings/").status_code == 200
