"""The response cache: anonymous readers get cached pages, and every change to the record shows
on the very next request to every page and endpoint that shows it."""

import datetime
import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError, close_old_connections, connection, connections, transaction
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

import trilateral.cache
from declarations.models import Paragraph
from meetings.models import Meeting
from tests.factories import build_meeting_record, this_year
from tests.planner import planned_paragraph_count
from tests.sitemaps import sitemap_entries
from trilateral.cache import Release, bump_generation, changes_in_bulk, release_digest
from trilateral.models import CacheGeneration, PublicationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def pages_showing(meeting):
    """Every page and endpoint that shows the meeting's title."""
    return [
        "/en/",
        "/en/meetings/",
        f"/en/meetings/{meeting.slug}/",
        "/en/search/?q=Probe",
        "/en/feeds/meetings.atom",
        "/en/calendar.ics",
        "/api/v1/meetings/",
        f"/api/v1/meetings/{meeting.slug}/",
    ]


def shows(client, path, text):
    response = client.get(path, follow=True)
    return response.status_code == 200 and text in response.content.decode()


def listed_in_sitemap(client, meeting):
    return f"http://testserver/en/meetings/{meeting.slug}/" in sitemap_entries(client)


@pytest.fixture
def meeting():
    record = build_meeting_record()
    # This year's, so that the calendar carries it too.
    Meeting.objects.filter(pk=record.pk).update(
        title="Cache Probe Ministers Meeting", start_date=this_year(), year=this_year().year
    )
    record.refresh_from_db()
    return record


def test_second_anonymous_request_is_served_from_the_cache(client, meeting):
    first = client.get("/en/meetings/")
    second = client.get("/en/meetings/")
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert "Last-Modified" in second


def test_a_page_stays_cached_while_a_crawler_walks_hundreds_of_others(client, meeting):
    """Each worker's local-memory cache holds far more than Django's default of 300 responses,
    which a crawler's walk through the record would empty of the pages readers want."""
    assert client.get("/en/meetings/")["X-Cache"] == "miss"
    for number in range(400):
        assert client.get(f"/en/search/?q=crawl{number}")["X-Cache"] == "miss"
    assert client.get("/en/meetings/")["X-Cache"] == "hit"


def test_pages_are_last_modified_when_the_record_last_changed(client, meeting):
    changed_at = (timezone.now() + datetime.timedelta(days=1)).replace(microsecond=0)
    with time_machine.travel(changed_at, tick=False):
        meeting.save()
        # Built afresh, then from the cache.
        for path in ("/en/meetings/", "/en/meetings/", "/api/v1/meetings/"):
            assert client.get(path)["Last-Modified"] == http_date(changed_at.timestamp())


def test_each_language_is_cached_apart_and_a_translation_shows_at_once(client, meeting):
    assert shows(client, f"/en/meetings/{meeting.slug}/", "Cache Probe")
    assert shows(client, f"/ko/meetings/{meeting.slug}/", "Cache Probe")  # not yet translated
    api = f"/api/v1/meetings/{meeting.slug}/"
    for accept_language in ("ko", "ko-KR,ko;q=0.9,en;q=0.5"):
        response = client.get(api, HTTP_ACCEPT_LANGUAGE=accept_language)
        assert response["Content-Language"] == "ko"
    assert response["X-Cache"] == "hit"  # the same language, whatever the header's wording
    meeting.title_ko = "캐시 시험 회의"
    meeting.save()
    assert shows(client, f"/ko/meetings/{meeting.slug}/", "캐시 시험 회의")
    assert not shows(client, f"/en/meetings/{meeting.slug}/", "캐시 시험 회의")
    assert client.get(api, HTTP_ACCEPT_LANGUAGE="ko").json()["title"] == "캐시 시험 회의"
    assert client.get(api, {"lang": "ja"}).json()["title"] == "Cache Probe Ministers Meeting"
    assert client.get(api, HTTP_ACCEPT_LANGUAGE="ja").json()["title"] == (
        "Cache Probe Ministers Meeting"
    )


def test_staff_always_see_live_pages(staff_client, meeting):
    staff_client.get("/en/meetings/")
    assert "X-Cache" not in staff_client.get("/en/meetings/")


def test_a_matching_etag_gets_304(client, meeting):
    response = client.get(f"/en/meetings/{meeting.slug}/")
    again = client.get(f"/en/meetings/{meeting.slug}/", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_readers_and_proxies_are_told_to_ask_again_before_reusing_a_copy(
    client, meeting, staff_user
):
    """What a browser or a proxy keeps, it must revalidate before showing it again: the pages
    carry Last-Modified, from which it could otherwise judge a copy fresh for a while (the
    browser tests show a reader coming back to an edited page)."""
    for path in pages_showing(meeting):
        built, cached = client.get(path, follow=True), client.get(path, follow=True)
        for response in (built, cached):
            assert response.status_code == 200, path
            assert response["Cache-Control"] == "no-cache", path
        assert cached["X-Cache"] == "hit", path
    # A draft's preview says more: staff's copies are never kept at all.
    meeting.publication_status = PublicationStatus.DRAFT
    meeting.save()
    staff = Client()
    staff.force_login(staff_user)
    preview = staff.get(f"/en/meetings/{meeting.slug}/")
    assert "no-store" in preview["Cache-Control"]


def test_edit_shows_everywhere_on_the_next_request(client, meeting):
    for path in pages_showing(meeting):
        assert shows(client, path, "Cache Probe"), path
    meeting.title = "Renamed Probe Ministers Meeting"
    meeting.save()
    for path in pages_showing(meeting):
        assert shows(client, path, "Renamed Probe"), path
        assert not shows(client, path, "Cache Probe"), path


def test_unpublish_hides_everywhere_on_the_next_request(client, meeting):
    for path in pages_showing(meeting):
        assert shows(client, path, "Cache Probe"), path
    assert listed_in_sitemap(client, meeting)
    meeting.publication_status = PublicationStatus.DRAFT
    meeting.save()
    for path in pages_showing(meeting):
        assert not shows(client, path, "Cache Probe"), path
    assert not listed_in_sitemap(client, meeting)


def test_publish_shows_everywhere_on_the_next_request(client, meeting):
    meeting.publication_status = PublicationStatus.DRAFT
    meeting.save()
    for path in pages_showing(meeting):
        assert not shows(client, path, "Cache Probe"), path
    assert not listed_in_sitemap(client, meeting)
    meeting.publication_status = PublicationStatus.PUBLISHED
    meeting.save()
    for path in pages_showing(meeting):
        assert shows(client, path, "Cache Probe"), path
    assert listed_in_sitemap(client, meeting)


def test_delete_hides_everywhere_on_the_next_request(client, meeting):
    paths = pages_showing(meeting)
    for path in paths:
        assert shows(client, path, "Cache Probe"), path
    assert listed_in_sitemap(client, meeting)
    meeting.declarations.all().delete()
    meeting.delete()
    for path in paths:
        assert not shows(client, path, "Cache Probe"), path
    assert not listed_in_sitemap(client, meeting)


def test_changes_in_bulk_bump_the_generation_once_and_show_on_the_next_request(client, meeting):
    paths = pages_showing(meeting)
    for path in paths:
        assert shows(client, path, "Cache Probe"), path
    before = CacheGeneration.objects.current().generation
    with transaction.atomic(), changes_in_bulk():
        meeting.participants.all().delete()
        meeting.declarations.all().delete()
        meeting.delete()
        # Not yet: readers keep the pages of the record as it was until the job commits.
        assert CacheGeneration.objects.current().generation == before
    assert CacheGeneration.objects.current().generation == before + 1
    for path in paths:
        assert not shows(client, path, "Cache Probe"), path


def test_changes_in_bulk_leave_the_query_planner_the_size_of_what_they_made(meeting):
    declaration = meeting.declarations.get()
    with transaction.atomic(), changes_in_bulk():
        Paragraph.objects.bulk_create(
            Paragraph(declaration=declaration, number=number, anchor=f"p{number}", text="In bulk.")
            for number in range(100, 400)
        )
    assert planned_paragraph_count() == Paragraph.objects.count()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own index bookkeeping")
@pytest.mark.django_db(transaction=True)
def test_changes_in_bulk_leave_postgresql_s_indexes_ready_for_searches_and_counts(meeting):
    """Not left for autovacuum (off on some servers): a search reads through the rows queued in a
    GIN index's pending list one by one, and an index-only scan skips the table only for the
    pages the visibility map marks."""
    declaration = meeting.declarations.get()
    with transaction.atomic(), changes_in_bulk():
        Paragraph.objects.bulk_create(
            Paragraph(declaration=declaration, number=number, anchor=f"bulk-{number}", text="Bulk.")
            for number in range(1000, 1300)
        )
    with connection.cursor() as cursor:
        # The number of pending pages it had to move into the index: none were left.
        cursor.execute("SELECT gin_clean_pending_list('paragraph_text_trgm')")
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'declarations_paragraph'"
        )
        pages, visible = cursor.fetchone()
    assert visible == pages > 0


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL vacuums")
@pytest.mark.django_db(transaction=True)
def test_a_bulk_job_whose_vacuum_fails_keeps_its_changes_and_logs_the_error(
    meeting, monkeypatch, caplog
):
    def vacuum_cancelled():
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(trilateral.cache, "vacuum_after_bulk_changes", vacuum_cancelled)
    with transaction.atomic(), changes_in_bulk():
        Meeting.objects.filter(pk=meeting.pk).update(title="Changed In Bulk")
    assert Meeting.objects.get(pk=meeting.pk).title == "Changed In Bulk"
    assert "statement timeout" in caplog.text


def test_a_generated_record_shows_on_the_next_request(client, meeting):
    """generate_record inserts its rows in bulk, which sends no signal for any of them."""
    before = client.get("/api/v1/meetings/").json()["count"]
    assert client.get("/api/v1/meetings/")["X-Cache"] == "hit"
    options = ["--series", "1", "--years", "3", "--paragraphs", "2", "--quiet"]
    call_command("generate_record", *options, stdout=io.StringIO())
    assert client.get("/api/v1/meetings/").json()["count"] == before + 3


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_shows_on_the_next_request(client, tmp_path, meeting):
    """A restore loads its rows in bulk into an empty database, which a running site may have
    served (and cached) while it was empty."""
    call_command("backup_record", str(tmp_path / "record.json.gz"), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    paths = pages_showing(meeting)
    for path in paths:
        assert not shows(client, path, "Cache Probe"), path
    call_command("restore_record", str(tmp_path / "record.json.gz"), verbosity=0)
    for path in paths:
        assert shows(client, path, "Cache Probe"), path


def test_a_database_put_behind_a_shared_cache_never_reads_the_pages_of_the_one_before(
    client, meeting
):
    """A database made anew (restored from a backup, rebuilt) counts its generations from one
    again, while a shared cache (Redis) still holds the pages of the database it replaced, filed
    under the same numbers."""
    assert shows(client, "/en/meetings/", "Cache Probe")
    assert shows(client, "/api/v1/meetings/", "Cache Probe")
    generation = CacheGeneration.objects.current().generation
    # The other database: its meeting has another title, and it reached the same generation
    # number at its own moment. `update()` sends no signal, so nothing here bumps it.
    Meeting.objects.filter(pk=meeting.pk).update(title="Other Database Ministers Meeting")
    CacheGeneration.objects.filter(pk=1).update(
        generation=generation, changed_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    assert shows(client, "/en/meetings/", "Other Database")
    assert shows(client, "/api/v1/meetings/", "Other Database")


def test_a_scheduled_publication_appears_when_its_time_comes(client, meeting):
    moment = timezone.now() + datetime.timedelta(hours=2)
    meeting.published_at = moment
    meeting.save()
    for path in pages_showing(meeting):
        assert not shows(client, path, "Cache Probe"), path
    assert not listed_in_sitemap(client, meeting)
    with time_machine.travel(moment + datetime.timedelta(seconds=1), tick=False):
        for path in pages_showing(meeting):
            assert shows(client, path, "Cache Probe"), path
        assert listed_in_sitemap(client, meeting)


def test_a_publication_scheduled_in_bulk_appears_when_its_time_comes(client, meeting):
    moment = timezone.now() + datetime.timedelta(hours=2)
    with transaction.atomic(), changes_in_bulk():
        meeting.published_at = moment
        meeting.save()
    for path in pages_showing(meeting):
        assert not shows(client, path, "Cache Probe"), path
    with time_machine.travel(moment + datetime.timedelta(seconds=1), tick=False):
        for path in pages_showing(meeting):
            assert shows(client, path, "Cache Probe"), path


def test_a_new_release_never_serves_the_pages_the_one_before_cached(client, meeting, monkeypatch):
    """A shared cache (Redis) outlives a deploy, and so do the copies readers keep. What the new
    release would render differently (a fixed template, a new translation) stands here as a title
    changed without a signal: neither the cache nor a reader revalidating by date alone
    (If-Modified-Since, without the ETag) is told the old page is still current."""
    paths = ("/en/meetings/", "/api/v1/meetings/", f"/api/v1/meetings/{meeting.slug}/")
    kept = {path: client.get(path) for path in paths}
    for response in kept.values():
        assert "Cache Probe" in response.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(title="Next Release Ministers Meeting")
    assert shows(client, "/en/meetings/", "Cache Probe")
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        deployed = Release(digest="the next release", started_at=timezone.now())
        monkeypatch.setattr(trilateral.cache, "release", lambda: deployed)
        for path, response in kept.items():
            revalidated = client.get(path, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
            assert revalidated.status_code == 200, path
            assert "Next Release" in revalidated.content.decode(), path
            assert revalidated["Last-Modified"] == http_date(deployed.started_at.timestamp())


def test_a_release_differs_from_another_by_any_file_responses_are_built_from(tmp_path):
    for source in ("templates", "locale/ko/LC_MESSAGES", "meetings", "static/css"):
        (tmp_path / source).mkdir(parents=True)
    (tmp_path / "templates/home.html").write_text("<h1>{{ title }}</h1>")
    (tmp_path / "README.md").write_text("Notes")
    first = release_digest(tmp_path)
    assert release_digest(tmp_path) == first
    (tmp_path / "README.md").write_text("Other notes")
    assert release_digest(tmp_path) == first
    (tmp_path / "templates/home.html").write_text("<h1>{{ title|upper }}</h1>")
    second = release_digest(tmp_path)
    assert second != first
    (tmp_path / "locale/ko/LC_MESSAGES/django.mo").write_bytes(b"\x00catalog")
    third = release_digest(tmp_path)
    assert third != second
    (tmp_path / "static/css/site.css").write_text("body { margin: 0 }")
    assert release_digest(tmp_path) != third


def test_pages_that_read_the_date_change_with_it(client):
    """The home page says when an expected edition's year has passed, and the calendar keeps
    five past years: neither waits for a change to the record, or for its entry to expire."""
    passed = "No meeting has been recorded for that year yet."
    with time_machine.travel(datetime.datetime(2025, 12, 31, 23, 0, tzinfo=datetime.UTC)):
        # The record as it stood that evening, so that the clock only moves forward from it.
        call_command("loaddata", "first_meeting", verbosity=0)
        assert shows(client, "/en/", "Expected in 2025")
        assert not shows(client, "/en/", passed)
        # Cached until midnight, not built afresh for every reader.
        assert client.get("/en/")["X-Cache"] == "hit"
    with time_machine.travel(datetime.datetime(2026, 1, 1, 1, 0, tzinfo=datetime.UTC)):
        assert shows(client, "/en/", passed)
    with time_machine.travel(datetime.datetime(2029, 12, 31, 23, 0, tzinfo=datetime.UTC)):
        assert shows(client, "/en/calendar.ics", "Trilateral Industrial Ministers")
    with time_machine.travel(datetime.datetime(2030, 1, 1, 1, 0, tzinfo=datetime.UTC)):
        assert not shows(client, "/en/calendar.ics", "Trilateral Industrial Ministers")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/en/meetings/probe-slug/", "/api/v1/meetings/probe-slug/"])
def test_readers_who_miss_together_wait_for_one_build(meeting, path):
    """After a change every reader misses at once; those who arrive while a page or API read is
    being built are given that build's answer instead of each building it again."""
    path = path.replace("probe-slug", meeting.slug)
    readers = 6
    together = threading.Barrier(readers)

    def read(_):
        client = Client()
        together.wait()
        try:
            response = client.get(path)
            return response.status_code, response["X-Cache"], response.content
        finally:
            connection.close()

    with ThreadPoolExecutor(readers) as pool:
        answers = list(pool.map(read, range(readers)))

    assert [status for status, _, _ in answers] == [200] * readers
    assert sorted(source for _, source, _ in answers) == ["hit"] * (readers - 1) + ["miss"]
    assert len({content for *_, content in answers}) == 1


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    # A database file makes a second writer wait; the test database is in memory and shared.
    reason="SQLite's in-memory test database refuses a second writer instead of making it wait",
)
@pytest.mark.django_db(transaction=True)
def test_readers_who_find_a_scheduled_moment_passed_together_raise_the_generation_once(
    meeting, monkeypatch
):
    """At midnight, or when a scheduled publication comes, every reader at that moment finds it
    passed. The first to record it raises the generation and the others read the new one, rather
    than each raising it again and discarding the pages just built under the one before."""
    CacheGeneration.objects.filter(pk=1).update(next_change_at=timezone.now())
    before = CacheGeneration.objects.current().generation
    readers = 4
    together = threading.Barrier(readers)
    work_out_next = trilateral.cache.next_scheduled_change

    def once_every_reader_has_found_it_passed():
        together.wait(timeout=10)
        return work_out_next()

    monkeypatch.setattr(
        trilateral.cache, "next_scheduled_change", once_every_reader_has_found_it_passed
    )

    def read(_):
        try:
            return trilateral.cache.current_generation().generation
        finally:
            connection.close()

    with ThreadPoolExecutor(readers) as pool:
        seen = list(pool.map(read, range(readers)))

    assert seen == [before + 1] * readers
    assert CacheGeneration.objects.current().next_change_at > timezone.now()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database refuses a second writer instead of making it wait",
)
@pytest.mark.django_db(transaction=True)
def test_a_publication_scheduled_while_another_editor_saves_still_appears_on_time(meeting):
    """One editor schedules a publication while another saves a different record. The second
    save waits for the first to commit before it raises the generation; the moment it records as
    the next scheduled change is worked out after that wait, with the publication in it, or the
    page would stay unchanged past the publication's time.

    A save through the model raises the generation first for its history row, which moves no
    schedule; the second editor's change here raises it straight away, as a record whose own
    signal comes first would, so that the rule holds whatever the order of signals."""
    due = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    scheduled = threading.Event()

    def schedule():
        try:
            with transaction.atomic():
                record = Meeting.objects.get(pk=meeting.pk)
                record.published_at = due
                record.save()
                scheduled.set()
                # The other editor's change runs meanwhile, up to the generation this one holds.
                time.sleep(1)
        finally:
            connection.close()

    def change_a_record_that_can_move_the_schedule():
        try:
            assert scheduled.wait(10)
            with transaction.atomic():
                bump_generation(schedule_may_change=True)
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        writers = [schedule, change_a_record_that_can_move_the_schedule]
        for done in [pool.submit(writer) for writer in writers]:
            done.result()

    assert CacheGeneration.objects.current().next_change_at == due


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="ends a PostgreSQL session")
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_ended_between_requests_is_replaced(client, meeting):
    """The generation, a cached page's only query, stands in for Django's health check of a
    connection kept from an earlier request. A connection ended by the server (a restart, an
    idle timeout) is replaced, and the next reader still gets the cached page."""
    assert shows(client, "/en/meetings/", "Cache Probe")
    ended = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [ended])
    finally:
        other.close()
    # What Django does as each request starts (the test client leaves it out).
    close_old_connections()

    response = client.get("/en/meetings/")
    assert response.status_code == 200
    assert response["X-Cache"] == "hit"
    assert connection.connection.info.backend_pid != ended


def test_redis_down_still_serves_pages(client, settings, meeting):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    for path in ("/en/meetings/", f"/en/meetings/{meeting.slug}/", "/api/v1/meetings/"):
        assert client.get(path).status_code == 200, path
        assert client.get(path).status_code == 200, path


def test_real_redis_is_shared_and_invalidated(client, settings, meeting):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
    cache.clear()
    assert client.get("/en/meetings/")["X-Cache"] == "miss"
    assert client.get("/en/meetings/")["X-Cache"] == "hit"
    meeting.title = "Redis Probe Ministers Meeting"
    meeting.save()
    assert shows(client, "/en/meetings/", "Redis Probe")
    cache.clear()


def test_api_reads_are_cached_after_throttling_and_revalidate(client, meeting):
    path = f"/api/v1/meetings/{meeting.slug}/"
    first = client.get(path)
    second = client.get(path)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.json() == first.json()
    assert second["ETag"] == first["ETag"]
    assert client.get(path, headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert client.get("/api/v1/meetings/")["X-Cache"] == "miss"
    assert client.get("/api/v1/meetings/")["X-Cache"] == "hit"
    assert client.get("/api/v1/meetings/?format=csv")["X-Cache"] == "miss"


def test_anonymous_api_rate_limit_holds_for_cached_reads(client, settings, meeting):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    responses = [client.get("/api/v1/meetings/") for _ in range(4)]
    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    assert [response["X-Cache"] for response in responses[:3]] == ["miss", "hit", "hit"]
    refused = responses[3]
    assert refused.json()["errors"][0]["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/meetings/",
        "/api/v1/meetings/?lang=ko",
        "/api/v1/meetings/probe-slug/",
        "/api/v1/meetings/probe-slug/?lang=ja",
        "/api/v1/meetings/?format=csv",
    ],
)
def test_a_cached_api_read_carries_the_headers_of_the_first(client, meeting, path):
    path = path.replace("probe-slug", meeting.slug)
    first = client.get(path)
    sent = first.getvalue()
    second = client.get(path)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.getvalue() == sent
    for name in ("Content-Type", "Content-Language", "Allow", "Last-Modified"):
        assert second[name] == first[name], name
    assert sorted(second["Vary"].split(", ")) == sorted(first["Vary"].split(", "))
    assert "Cookie" in first["Vary"]
    assert second["Content-Language"] == (path.partition("lang=")[2] or "en")
    if not first.streaming:
        assert second["ETag"] == first["ETag"]


@pytest.mark.parametrize("path", ["/en/meetings/probe-slug/", "/api/v1/meetings/probe-slug/"])
def test_each_host_name_gets_its_own_links_from_the_cache(client, settings, meeting, path):
    """A site answering under two names caches each name's absolute links apart."""
    settings.ALLOWED_HOSTS = ["records.example", "www.records.example"]
    path = path.replace("probe-slug", meeting.slug)
    for host in ("records.example", "www.records.example", "records.example"):
        body = client.get(path, headers={"Host": host}).content.decode()
        assert f"http://{host}/" in body
        other = ({"records.example", "www.records.example"} - {host}).pop()
        assert f"http://{other}/" not in body


def test_api_cache_serves_the_rendered_bytes_without_rebuilding_records(client, meeting):
    for path in (
        "/api/v1/meetings/",
        f"/api/v1/meetings/{meeting.slug}/",
        "/api/v1/meetings/?format=csv",
    ):
        first = client.get(path)
        # A streamed export is cached once all of it has been sent.
        sent = first.getvalue()
        with mock.patch("django.db.models.base.model_unpickle") as unpickle:
            second = client.get(path)
        assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
        assert second.getvalue() == sent
        assert second["Content-Type"] == first["Content-Type"]
        # A hit reads bytes: no record is rebuilt from the cache.
        assert not unpickle.called


@pytest.mark.parametrize("path", ["/en/meetings/", "/api/v1/meetings/"])
def test_a_cached_response_carries_its_etag_without_hashing_it_again(client, meeting, path):
    first = client.get(path)
    with mock.patch("django.utils.cache.md5") as md5:
        second = client.get(path)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second["ETag"] == first["ETag"]
    assert not md5.called
    assert client.get(path, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_full_csv_export_is_streamed_in_chunks_of_rows(client, meeting, monkeypatch):
    monkeypatch.setattr("trilateral.api.CSV_CHUNK_ROWS", 2)
    for _ in range(4):
        build_meeting_record(series=meeting.series)
    response = client.get("/api/v1/meetings/?format=csv")
    assert response.streaming
    chunks = list(response.streaming_content)
    # The byte-order mark and header, then five meetings two at a time.
    assert [chunk.count(b"\n") for chunk in chunks] == [1, 2, 2, 1]
    assert chunks[0].startswith("\ufeffurl,".encode())


def test_browsable_api_is_not_cached(client, meeting):
    html = {"Accept": "text/html"}
    responses = [client.get("/api/v1/meetings/", headers=html) for _ in range(2)]
    assert [response.status_code for response in responses] == [200, 200]
    assert all("X-Cache" not in response for response in responses)
