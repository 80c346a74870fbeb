"""Caching of anonymous GET responses, invalidated exactly.

Every cached response is stored under the record's current *generation*, a number kept in the
database so that every worker and every app server sees the same one. Any change to the record
(save, delete, a many-to-many change) bumps it once the transaction commits, and so does the
arrival of a scheduled publication time or of midnight (pages that read the date), so no page
outlives a change. Old entries are never
read again and expire on their own.

The key holds the moment of the last bump beside the number. A database made anew (restored
from a backup, rebuilt) counts from one again, and a shared cache may still hold the pages of the
database it replaced under the same numbers, but not under the same moments. It also holds the
release (see `release`).
"""

import contextlib
import contextvars
import dataclasses
import datetime
import functools
import hashlib
import importlib.metadata
import threading

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date

RECORD_APPS = {"meetings", "declarations", "trilateral"}
CACHE_SECONDS = 60 * 60 * 24
# What responses are built from besides the record, under the project's root: the digest of
# their files (and of the installed packages) tells one release from another.
RELEASE_SOURCES = ("trilateral", "meetings", "declarations", "templates", "locale", "static")
# How long a request waits for another thread's build of the same entry before it builds its own.
WAIT_FOR_BUILD_SECONDS = 10
# The kind of entry an API read is stored as: its bytes, content type, the headers its view set
# and the view's rate limits.
API_READ = "api-read"


def next_scheduled_change():
    """The next moment pages must change unprompted: a scheduled record becomes public, a
    correction takes effect, or midnight comes in the site's time zone (the calendar keeps the
    past years from January, the home page says when an expected edition's year has passed)."""
    from declarations.models import Declaration, Topic
    from meetings.models import Meeting, MeetingSeries
    from trilateral.models import Correction, PublicationStatus

    now = timezone.now()
    moments = [
        model.objects.filter(
            publication_status=PublicationStatus.PUBLISHED, published_at__gt=now
        ).aggregate(moment=Min("published_at"))["moment"]
        for model in (MeetingSeries, Meeting, Declaration, Topic)
    ]
    moments.append(
        Correction.objects.filter(corrected_at__gt=now).aggregate(moment=Min("corrected_at"))[
            "moment"
        ]
    )
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    moments.append(timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time())))
    return min(moment for moment in moments if moment)


def bump_generation(*, schedule_may_change=True):
    """Files later pages under a new number; recomputes the next scheduled moment only when the
    change could have moved it."""
    from trilateral.models import CacheGeneration

    CacheGeneration.objects.bump(next_scheduled_change if schedule_may_change else None)


def current_generation():
    """(generation, changed_at): one query, plus a bump when a scheduled moment has passed or
    none has been worked out yet (a new database)."""
    from trilateral.models import CacheGeneration

    state = checking_connection(CacheGeneration.objects.current)
    if state.next_change_at is None or state.next_change_at <= timezone.now():
        # Every reader at that moment (midnight on a busy day) finds it passed: one raises the
        # generation, rather than each raising it again over the pages built under the last.
        CacheGeneration.objects.pass_scheduled_moment(next_scheduled_change())
        state = CacheGeneration.objects.current()
    return state


def checking_connection(first_query):
    """Runs a request's first query as the check of its database connection.

    With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every request on
    a connection kept from an earlier one, to find a connection the server has closed (a
    restart, an idle timeout). On PostgreSQL that round trip costs a cached page as much as its
    only query, the generation. Here the query itself is the check: if it fails on a kept
    connection, that connection is closed and the query is run again on a new one, which is
    what Django does when its check fails. A second failure is a real fault and is raised."""
    if (
        connection.connection is None
        or not connection.health_check_enabled
        or connection.health_check_done
        or connection.in_atomic_block
    ):
        return first_query()
    connection.health_check_done = True
    try:
        return first_query()
    except (InterfaceError, OperationalError):
        connection.close()
    return first_query()


# True inside `changes_in_bulk()`, whose end bumps the generation for every change made in it.
in_bulk = contextvars.ContextVar("in_bulk", default=False)


@contextlib.contextmanager
def changes_in_bulk():
    """A job that changes thousands of rows (generate_record, a restore) bumps the generation once,
    as it ends, rather than once a row. It bumps it whether or not any row said it changed: bulk
    inserts and updates send no signal. Enter it inside the job's transaction, so that the bump
    commits with the changes.

    As it ends, the job also has the database gather the query planner's statistics, as after any
    bulk load. Without them SQLite guesses at its indexes (trilateral/sqlite; a command never
    closes its connection, where the site's connections gather them), and PostgreSQL plans for
    the tables as they were until autovacuum gets round to them.

    Once the job has committed, PostgreSQL also vacuums (`vacuum_after_bulk_changes`)."""
    token = in_bulk.set(True)
    try:
        yield
    finally:
        in_bulk.reset(token)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":
        # Housekeeping: should it fail, the job's changes stand, and the error is logged.
        transaction.on_commit(vacuum_after_bulk_changes, robust=True)
    bump_generation()


def vacuum_after_bulk_changes():
    """Leaves PostgreSQL's tables as searches and counts expect to find them, rather than as
    they stand until autovacuum gets round to them (never, where it is turned off):
    - A GIN index (the trigram and full-text indexes) queues the rows inserted into it in a
      pending list, which every search reads through from end to end. After generate_record
      most of each paragraph index was that list, and a search page's four queries took 80 ms
      instead of 37.
    - Index-only scans (counting a topic's paragraphs per meeting) skip the table only for the
      pages the visibility map marks, which only a vacuum marks.
    - The rows a job deleted or replaced are freed, where the tables would otherwise grow with
      every run.
    VACUUM cannot run inside a transaction: this runs once the job's has committed."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")


def may_move_schedule(model):
    """Whether a change to the model's rows can move the next scheduled publication."""
    return hasattr(model, "published_q") or model.__name__ == "Correction"


def record_changed(sender, **kwargs):
    """Bumps the generation inside the writer's transaction: readers elsewhere see the new number
    exactly when they can see the change, and a rolled-back change takes its bump with it."""
    if (
        sender._meta.app_label in RECORD_APPS
        and sender._meta.model_name != "cachegeneration"
        and not in_bulk.get()
    ):
        bump_generation(schedule_may_change=may_move_schedule(sender))


def connect_signals():
    post_save.connect(record_changed, dispatch_uid="cache-record-saved")
    post_delete.connect(record_changed, dispatch_uid="cache-record-deleted")
    m2m_changed.connect(record_changed, dispatch_uid="cache-record-m2m")


def release_digest(root):
    """A digest of the installed packages and of every file under `root` that responses are built
    from (code, templates, translations, static files)."""
    digest = hashlib.sha256()
    packages = sorted((d.metadata["Name"], d.version) for d in importlib.metadata.distributions())
    digest.update(repr(packages).encode())
    for source in RELEASE_SOURCES:
        for path in sorted((root / source).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class Release:
    """The code this process serves: its digest, and the moment the process began serving it."""

    digest: str
    started_at: datetime.datetime


@functools.cache
def release():
    """This release, worked out once per process (about 0.1 s; the gunicorn master does it before
    it forks).

    A shared cache (Redis) outlives a deploy: without the digest in every key, the next release
    would serve the pages the one before rendered, a fixed template or a new translation unseen
    for up to CACHE_SECONDS. The start moment plays the same part for `Last-Modified`."""
    return Release(digest=release_digest(settings.BASE_DIR), started_at=timezone.now())


def last_modified(state):
    """`Last-Modified` for a response built from the record as `state` has it: the last change
    to the record or the start of the release that built the response, whichever is later.

    Both change what a response shows. The record's moment moves with any change to anything a
    response may show (a nested participant, a deleted paragraph), which no row's own
    `updated_at` does; the release's moves with a deploy (a new template, a new translation, a
    new API field). A client that revalidates by date alone (If-Modified-Since without the ETag)
    is then never told that a response it holds is still current when it is not."""
    return http_date(max(state.changed_at, release().started_at).timestamp())


def is_anonymous_read(request):
    return (
        request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "Authorization" not in request.headers
    )


def cache_key(request, state, kind):
    # The whole address, with its scheme and host: pages and the API write absolute links
    # (hreflang alternates, JSON-LD, every API `url`), so a site answering under two names must
    # not hand one name's links to the other. The language is the one LocaleMiddleware resolved
    # (from the address's prefix, the language cookie or Accept-Language; the API's `?lang=` is
    # in the address), not the raw header: readers whose browsers send different
    # Accept-Language strings share the cached page of their language. An entry serves the
    # release that built it only.
    variant = "\n".join(
        [
            request.build_absolute_uri(),
            request.headers.get("Accept", ""),
            getattr(request, "LANGUAGE_CODE", ""),
            release().digest,
        ]
    )
    digest = hashlib.sha256(variant.encode()).hexdigest()
    changed_at = int(state.changed_at.timestamp() * 1_000_000)
    return f"{kind}:{state.generation}:{changed_at}:{digest}"


# Entries being built in this process: cache key → set when the build has ended.
_builds_in_flight = {}
_builds_in_flight_lock = threading.Lock()


def cached_or_built_once(key, cached, build):
    """`cached()`, the entry the cache holds under `key`; on a miss, the response `build()`
    makes and stores, or, when another thread of this process is building it already,
    `cached()` once that build has stored it.

    Misses of one key in one process build it once: after a change, every thread of every worker
    misses the popular pages at the same moment, and each would build the same page at once,
    holding up the requests queued behind it (a worker's four threads took 1.4-1.9 s over a page
    that takes 40 ms alone). The others wait for that build and read what it stored. One that
    finds nothing stored (an error page, a response that is not cached) or waits past
    WAIT_FOR_BUILD_SECONDS builds its own answer."""
    found = cached()
    if found is not None:
        return found
    with _builds_in_flight_lock:
        done = _builds_in_flight.get(key)
        if done is None:
            done = _builds_in_flight[key] = threading.Event()
            building = True
        else:
            building = False
    if not building:
        done.wait(WAIT_FOR_BUILD_SECONDS)
        found = cached()
        return found if found is not None else build()
    try:
        return build()
    finally:
        with _builds_in_flight_lock:
            del _builds_in_flight[key]
        done.set()


class AnonymousPageCacheMiddleware:
    """Serves anonymous readers' pages and API reads from the cache; staff and the admin always
    see live data. Responses carry `Last-Modified` (see `last_modified`) and `Cache-Control:
    no-cache`, and an `ETag` is added further up by ConditionalGetMiddleware, which answers 304
    to a matching revalidation.

    Pages are stored here; API reads are stored by the API's views (`trilateral.api`), which
    know what may be kept, and only answered here, before the layers below and DRF run."""

    API_PREFIX = "/api/v1/"
    SKIP_PREFIXES = ("/admin/", "/api/", "/healthz", "/readyz", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.respond(request)
        if is_anonymous_read(request) and "Cache-Control" not in response:
            # Without a word on freshness, a browser or a proxy may show a page with a
            # Last-Modified again without asking, for a tenth of its age (heuristic freshness:
            # a day for a page last changed ten days ago), edits unseen. `no-cache` lets them
            # keep it and has them ask each time, which costs a 304 while nothing has changed.
            patch_cache_control(response, no_cache=True)
        return response

    def respond(self, request):
        if not settings.PAGE_CACHE or not is_anonymous_read(request):
            return self.get_response(request)
        is_api_read = request.path.startswith(self.API_PREFIX)
        if not is_api_read and request.path.startswith(self.SKIP_PREFIXES):
            return self.get_response(request)
        try:
            state = current_generation()
        except DatabaseError:
            # The view will meet the same fault and answer with the 503 page.
            return self.get_response(request)
        if is_api_read:
            key = cache_key(request, state, API_READ)
            # What the API's view files its response under: the key this read looks up, worked
            # out once, before the view sets the language `?lang=` asks for.
            request.record_generation, request.api_read_key = state, key
            return cached_or_built_once(
                key, lambda: self.cached_api_read(request, key), lambda: self.get_response(request)
            )
        key = cache_key(request, state, "page")
        return cached_or_built_once(
            key, lambda: self.cached_page(key), lambda: self.build_page(request, key, state)
        )

    @staticmethod
    def cached_page(key):
        response = cache.get(key)
        if response is not None:
            response["X-Cache"] = "hit"
        return response

    def build_page(self, request, key, state):
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            response["Last-Modified"] = last_modified(state)
            response["X-Cache"] = "miss"
            if hasattr(response, "render") and callable(response.render):
                response.render()
            # The ETag ConditionalGetMiddleware would compute, computed once here rather than
            # by hashing the whole page again on every hit.
            set_response_etag(response)
            cache.set(key, response, CACHE_SECONDS)
        return response

    @staticmethod
    def cached_api_read(request, key):
        """An API read the cache holds, or None.

        What DRF would do first cannot change that answer: it was stored from a read of the
        same address, Accept header and language, without credentials, which authentication,
        permissions, content negotiation and `?lang=` had let through. The view's rate limits
        still count the read, as DRF's own check would; a read over a limit goes on to DRF,
        which refuses it with its 429 (a refusal is not counted)."""
        entry = cache.get(key)
        if entry is None:
            return None
        content, content_type, headers, throttle_classes = entry
        # A request without a session or credentials, which authentication would find anonymous.
        request.user = AnonymousUser()
        if not all(throttle().allow_request(request, None) for throttle in throttle_classes):
            return None
        response = HttpResponse(content, content_type=content_type, headers=headers)
        # As for every read DRF answers, whose session authentication looks for a signed-in
        # reader (who would see drafts); SessionMiddleware adds it only once that look is made.
        patch_vary_headers(response, ["Cookie"])
        response["X-Cache"] = "hit"
        return response
