"""The benchmark serves the site itself next to its baseline view, and loads it as many clients."""

import shutil

import pytest
from django.test import override_settings

from bench.run import environment, load, manage
from tests.test_operations import fetch, production_server


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_benchmark_urls_serve_the_baseline_and_the_site(client, first_meeting):
    baseline = client.get("/bench/baseline/")
    assert (baseline.status_code, baseline.content) == (200, b"ok")
    assert client.get("/en/").status_code == 200
    assert client.get("/api/v1/meetings/").status_code == 200


@pytest.mark.skipif(shutil.which("wrk") is None, reason="no wrk (CI installs it)")
def test_the_benchmarks_load_comes_from_many_clients_each_with_its_own_api_limit(tmp_path):
    """With the benchmark's own server settings but a limit of 5 a minute, one client is refused
    past its limit, while the benchmark's load, at many times that limit in all, is refused
    nothing."""
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    settings = environment(database_url, cache=False)
    manage(settings, "migrate", "--noinput", "--verbosity", "0")
    settings["API_ANON_RATE"] = "5/minute"
    with production_server(tmp_path / "server.log", database_url, **settings) as (base, _server):
        url = f"{base}/api/v1/topics/"
        statuses = [fetch(url)[0] for _ in range(6)]
        assert statuses == [200] * 5 + [429]

        seconds = 2
        measured = load(url, connections=4, seconds=seconds)
        requests = measured["rps"] * seconds
        assert requests > 10 * 5
        assert measured["errors"] == 0
