"""Operations: health probes, request ids and logs, and honest answers when the database is down."""

import contextlib
import http.client
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_every_response_carries_a_request_id_that_is_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="trilateral.requests"):
        response = client.get("/en/meetings/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [record] = [r for r in caplog.records if r.name == "trilateral.requests"]
    assert record.fields["request_id"] == request_id
    assert record.fields["status"] == 200
    assert record.fields["path"] == "/en/meetings/"


@pytest.mark.django_db
def test_a_load_balancers_request_id_is_kept_and_junk_is_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert kept["X-Request-ID"] == "lb-0123456789abcdef"
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local server
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@contextlib.contextmanager
def production_server(log, database_url, **settings):
    """The production server, gunicorn with `make serve`'s settings, on a free port: its address
    and process. `settings` are environment variables on top of this one's."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only-secret-key-for-the-production-server-tests",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_LOG_LEVEL": "warning",
        **settings,
    }
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "trilateral.wsgi", "-c", "trilateral/gunicorn.py"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                fetch(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        try:
            yield base, server
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture
def server_without_database(tmp_path):
    """The production server pointed at a PostgreSQL port where nothing listens."""
    log = tmp_path / "server.log"
    database_url = f"postgres://postgres@127.0.0.1:{free_port()}/postgres"
    with production_server(log, database_url) as (base, _server):
        yield base, log


def test_database_down_gives_503_page_json_and_a_log_line(server_without_database):
    base, log = server_without_database
    status, headers, body = fetch(f"{base}/en/meetings/")
    assert status == 503
    assert headers["Retry-After"] == "60"
    assert "temporarily unavailable" in body
    assert "<html" in body

    status, headers, body = fetch(f"{base}/api/v1/meetings/")
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["errors"][0]["code"] == "service_unavailable"

    status, headers, body = fetch(f"{base}/readyz")
    assert status == 503
    assert json.loads(body)["checks"]["database"].startswith("unavailable")

    status, _, body = fetch(f"{base}/healthz")
    assert status == 200

    output = log.read_text()
    assert "database unavailable" in output
    assert "Traceback" not in output


def connections_held(pid, port):
    """How many established TCP connections to `port` process `pid` has open, read from /proc."""
    sockets = set()
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(descriptor)
            if target.startswith("socket:["):
                sockets.add(target.removeprefix("socket:[").removesuffix("]"))
    held = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, state, inode = int(fields[1].split(":")[1], 16), fields[3], fields[9]
        held += local_port == port and state == "01" and inode in sockets
    return held


def test_a_worker_holds_no_more_connections_than_its_cap_and_answers_every_client(tmp_path):
    """Keep-alive clients past a worker's cap (two per thread) wait for room rather than pile onto
    one worker, and each is answered: at the cap, the worker closes connections it answers."""
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with production_server(tmp_path / "server.log", database_url, GUNICORN_THREADS="1") as (
        base,
        server,
    ):
        [worker] = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        port = int(base.rsplit(":", 1)[1])
        clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(8)]
        for client in clients:
            client.connect()
        statuses = []
        for client in clients:
            client.request("GET", "/healthz")
            response = client.getresponse()
            response.read()
            statuses.append(response.status)

        assert statuses == [200] * 8
        assert connections_held(int(worker), port) <= 2
        for client in clients:
            client.close()


def test_the_gunicorn_master_does_the_first_request_work_of_every_worker_before_forking():
    """URL patterns reversed in every language and every site template compiled, inherited by
    each worker at its fork, without a database connection for the workers to share: the
    database here is a port where nothing listens, so any query would fail. And all of it frozen
    out of the garbage collector's walks, so that a worker's full collection (which holds the
    GIL for every thread of the worker) walks only what the worker made itself."""
    code = """
import gc, json, django
django.setup()
from django.db import connections
from django.template import engines
from django.urls import get_resolver
import trilateral.gunicorn
trilateral.gunicorn.when_ready(server=None)
[loader] = engines["django"].engine.template_loaders
print(json.dumps({
    "languages": sorted(get_resolver()._reverse_dict),
    "templates": sorted(loader.get_template_cache),
    "connections": [connection.connection is not None for connection in connections.all()],
    "frozen": gc.get_freeze_count(),
    "collected": len(gc.get_objects()),
}))
"""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trilateral.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only-secret-key-for-the-gunicorn-master-test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/postgres",
    }
    result = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["languages"] == ["en", "ja", "ko"]
    site_templates = sorted(
        path.relative_to(ROOT / "templates").as_posix()
        for path in (ROOT / "templates").rglob("*.html")
    )
    assert state["templates"] == site_templates
    assert "meetings/meeting_detail.html" in state["templates"]
    assert state["connections"] == [False]
    # What a full collection in a fresh worker walks, against what it is spared.
    assert state["collected"] * 20 < state["frozen"]


@pytest.mark.django_db
def test_readyz_reports_a_cache_outage_as_degraded_not_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"].startswith("unavailable")
    assert response.json()["checks"]["database"] == "ok"


def wsgi_request(method, path):
    """The app as the production server calls it: status, headers and every byte of the body."""
    from wsgiref.util import setup_testing_defaults

    from django.core.wsgi import get_wsgi_application

    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=dict(headers))

    chunks = get_wsgi_application()(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        chunks.close()
    return started["status"], started["headers"], body


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/en/", "/robots.txt", "/api/v1/meetings/"])
def test_head_gets_the_headers_of_get_and_no_body(path):
    get_status, get_headers, get_body = wsgi_request("GET", path)
    status, headers, body = wsgi_request("HEAD", path)
    assert get_body
    assert (status, body) == (get_status, b"")
    assert headers["Content-Length"] == get_headers["Content-Length"] == str(len(get_body))
    assert headers["Content-Type"] == get_headers["Content-Type"]
