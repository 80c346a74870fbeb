"""The benchmark serves the site itself next to its baseline view, and loads it as many clients."""

import os
import shutil
import subprocess
import sys

import pytest
from django.test import override_settings

from bench.run import load
from tests.test_operations import ROOT, fetch, production_server


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_benchmark_urls_serve_the_baseline_and_the_site(client, first_meeting):
    baseline = client.get("/bench/baseline/")
    assert (baseline.status_code, baseline.content) == (200, b"ok")
    assert client.get("/en/").status_code == 200
    assert client.get("/api/v1/meetings/").status_code == 200


@pytest.mark.skipif(shutil.which("wrk") is None, reason="no wrk (CI installs it)")
def test_the_benchmarks_load_comes_from_many_clients_each_with_its_own_api_limit(tmp_path):
    """Behind one proxy, as the benchmark runs the server, one client is refused past its limit,
    while the benchmark's load, at many times that limit in all, is refused nothing."""
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "0", "DATABASE_URL": database_url},
        check=True,
    )
    with production_server(
        tmp_path / "server.log", database_url, PROXY_COUNT="1", API_ANON_RATE="5/minute"
    ) as (base, _server):
        url = f"{base}/api/v1/topics/"
        statuses = [fetch(url)[0] for _ in range(6)]
        assert statuses == [200] * 5 + [429]

        seconds = 2
        measured = load(url, connections=4, seconds=seconds)
        requests = measured["rps"] * seconds
        assert requests > 10 * 5
        assert measured["errors"] == 0
