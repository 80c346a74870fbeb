"""Query plans of the main pages and API endpoints on the large record, on PostgreSQL.

Requests each target through Django's test client, captures the SQL its real view runs, and runs
EXPLAIN (ANALYZE, BUFFERS) on every SELECT. Prints, per target, its slowest queries with the plan
nodes that read tables (which index, or a sequential scan) and the execution time (the best of
five runs, so the first run's cold cache does not count); the full plans go to
bench/results/query-plans.txt. The findings are summed up in bench/query-plans.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trilateral_plans DJANGO_DEBUG=1 \\
        .venv/bin/python -m bench.query_plans       # after migrate, loaddata, generate_record

Needs DEBUG on (the test client runs the real middleware and views) and PAGE_CACHE off.
"""

import datetime
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trilateral.settings")
os.environ["PAGE_CACHE"] = "0"

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
# "What changed since last night": bench/query-plans.md says how the record is aged so that only a
# few rows of each table changed in the last day.
SINCE = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).strftime(
    "%Y-%m-%dT%H:%MZ"
)

TARGETS = [
    ("meeting list", "/en/meetings/"),
    ("meeting list, year", "/en/meetings/?year=2000"),
    ("meeting list, country", "/en/meetings/?country=QB"),
    ("meeting list, topic", "/en/meetings/?topic=gen-semiconductors"),
    ("meeting detail", "/en/meetings/gen-s1-2000/"),
    ("declaration detail", "/en/declarations/gen-s1-2000-joint-statement/"),
    ("topic page", "/en/topics/gen-semiconductors/"),
    ("commitments, status and topic", "/en/commitments/?status=pledged&topic=gen-semiconductors"),
    ("search, English word", "/en/search/?q=semiconductors"),
    ("search, Korean word", "/en/search/?q=공동선언문"),
    ("search, Korean name", "/en/search/?q=안덕근"),
    ("API meetings, updated_since", f"/api/v1/meetings/?updated_since={SINCE}"),
    ("API paragraphs, updated_since", f"/api/v1/paragraphs/?updated_since={SINCE}"),
    ("API meetings, ordering", "/api/v1/meetings/?ordering=-updated_at"),
    ("meetings feed", "/en/feeds/meetings.atom"),
]
SHOWN_PER_TARGET = 3
# Plan nodes that say how a table is read or rows are put in order.
NODE = re.compile(r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan|Bitmap Heap Scan|Sort)")
ACTUAL = re.compile(r"\(cost=[^)]*\) \(actual time=[0-9.]+\.\.([0-9.]+) rows=(\d+) loops=(\d+)\)")


def explain(sql):
    with connection.cursor() as cursor:
        runs = []
        for _ in range(5):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            runs.append([row[0] for row in cursor.fetchall()])
    timed = [(float(plan[-1].split()[-2]), plan) for plan in runs]
    return min(timed, key=lambda pair: pair[0])


def summary(plan):
    lines = []
    for line in plan:
        if NODE.search(line):
            node = ACTUAL.sub(lambda m: f"(rows={m[2]} loops={m[3]})", line.strip())
            lines.append(node.removeprefix("-> ").strip())
    return lines


def main():
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to the PostgreSQL database that holds the large record.")
    setup_test_environment()
    client = Client()
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS / "query-plans.txt").open("w") as full:
        for name, path in TARGETS:
            client.get(path)  # warm the caches of the process (content types, translations)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{path} answered {response.status_code}: its queries are not the page's.")
            queries = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
            explained = sorted(
                ((*explain(sql), sql) for sql in queries), key=lambda row: row[0], reverse=True
            )
            total = sum(ms for ms, _, _ in explained)
            print(f"\n### {name} — `{path}`\n")
            print(
                f"{response.status_code}, {len(queries)} queries, {total:.2f} ms in all; slowest:\n"
            )
            for ms, plan, _sql in explained[:SHOWN_PER_TARGET]:
                print(f"- {ms:.2f} ms: " + "; ".join(summary(plan)[:6]))
            full.write(f"===== {name} {path}\n")
            for ms, plan, sql in explained:
                full.write(f"--- {ms:.3f} ms\n{sql}\n" + "\n".join(plan) + "\n\n")


if __name__ == "__main__":
    main()
