"""gunicorn settings for `make serve`: the production server.

Threads let one worker overlap database waits; separate processes use both cores despite the GIL.
Every value can be overridden from the environment (GUNICORN_WORKERS, GUNICORN_THREADS, …).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))


def connections_per_worker(threads):
    """How many connections one worker holds before it stops accepting (two per thread).

    Every worker races to accept each new connection, a keep-alive client stays with the worker
    that won it, and a worker runs on one core at a time (the GIL). Uncapped, one worker could
    hold nearly every client (32 of a load test's 32, serving them at a third of the machine's
    pace) while the other core idled. Holding this many, a worker stops accepting; with all but
    `threads` of them idle between requests, it closes the next connection it answers
    (`Connection: close`), and that client reconnects to a worker with room.

    Two per thread rather than more: a client's wait then depends little on which worker it
    landed on. When pages take tens of milliseconds each (a cache miss), a worker holding many
    clients serves each of them late while another holds few; past the cap, clients wait in
    the listening socket's queue, which every worker takes from as it has room."""
    return int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", threads * 2))


worker_connections = connections_per_worker(threads)

# Recycle workers now and then so that a slow leak can never grow without bound; seldom, since
# a new worker starts with an empty local-memory cache and builds every page again (at 20,000
# requests, each worker of the benchmark's warm-cache run started afresh every half minute).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "200000"))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# The app logs one JSON line per request itself; gunicorn's access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
preload_app = True


def when_ready(server):
    """Runs in the master after the app has loaded (`preload_app`) and before the first fork.

    What each worker would otherwise do on its first requests, it inherits done instead: the
    views and the API imported with the URL patterns, their reverse lookups built for every
    language, the translation catalogs read, the site's templates compiled and the release
    worked out: its digest, which every cache key holds, and its start, which no Last-Modified
    precedes. A new or recycled worker then answers its
    first page in tens of milliseconds rather than most of a second, which matters most when
    workers start under load. Nothing here touches the database: a connection opened in the
    master would be shared by every forked worker.

    Last, everything the master holds is moved out of the garbage collector's reach
    (`gc.freeze()`), as Python's documentation advises before a fork. A worker's full collection
    then walks only the objects the worker made itself. Measured in workers serving cached API
    reads on the large record: unfrozen, each full collection walked some 150,000 inherited
    objects (code, URL patterns, templates, translations) and took 130-360 ms, holding the GIL
    against all of the worker's threads; frozen, they walk about 6,000 and most take 2-40 ms.
    It also spares the copy-on-write of inherited memory pages that the collector's bookkeeping
    would cause."""
    import gc
    from pathlib import Path

    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    from trilateral.cache import release

    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            resolver.reverse_dict  # noqa: B018 - built and kept per language on first use
    engine = engines["django"]
    for directory in map(Path, engine.dirs):
        for path in sorted(directory.rglob("*.html")):
            engine.get_template(path.relative_to(directory).as_posix())
    release()
    gc.collect()
    gc.freeze()
