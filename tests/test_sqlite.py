"""The SQLite backend writes ahead to a log and keeps the query planner's statistics up to date
(trilateral/sqlite).

Each test opens a database file of its own, whichever database the suite runs on: Django never
closes the in-memory test database, and closing is when statistics are gathered.
"""

import contextlib
import sqlite3

import pytest
from django.db.utils import ConnectionHandler


@pytest.fixture
def sqlite_file(django_db_blocker):
    """A connection to a new database file at the path given, outside the suite's database."""
    with django_db_blocker.unblock():
        yield lambda path: ConnectionHandler(
            {"default": {"ENGINE": "trilateral.sqlite", "NAME": str(path)}}
        )["default"]


def make_a_table(database):
    with database.cursor() as cursor:
        cursor.execute("CREATE TABLE record (id INTEGER PRIMARY KEY, kind TEXT, year INTEGER)")
        cursor.execute("CREATE INDEX record_kind ON record (kind)")
        cursor.execute("CREATE INDEX record_year ON record (year)")
        cursor.executemany(
            "INSERT INTO record (kind, year) VALUES (%s, %s)",
            [("meeting" if n % 50 else "declaration", 1960 + n % 60) for n in range(3000)],
        )


def read_through_an_index(database):
    with database.cursor() as cursor:
        cursor.execute("SELECT id FROM record WHERE kind = %s AND year = %s", ["meeting", 2024])
        cursor.fetchall()


def analyzed_tables(path):
    with contextlib.closing(sqlite3.connect(path)) as reader:
        return {table for (table,) in reader.execute("SELECT tbl FROM sqlite_stat1")}


def test_a_connection_that_closes_leaves_statistics_for_the_tables_it_read(tmp_path, sqlite_file):
    path = tmp_path / "record.sqlite3"
    database = sqlite_file(path)
    make_a_table(database)
    read_through_an_index(database)
    database.close()
    assert analyzed_tables(path) == {"record"}


def test_closing_while_another_writer_holds_the_lock_still_closes(tmp_path, sqlite_file):
    path = tmp_path / "record.sqlite3"
    database = sqlite_file(path)
    make_a_table(database)
    read_through_an_index(database)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    database.close()
    assert database.connection is None
    writer.execute("ROLLBACK")
    writer.close()
    # The statistics wait for the next connection that closes.
    database = sqlite_file(path)
    read_through_an_index(database)
    database.close()
    assert analyzed_tables(path) == {"record"}


def test_a_save_does_not_wait_for_a_reader_and_the_reader_keeps_what_it_read(tmp_path, sqlite_file):
    """A busy site's readers do not hold up an editor's save (in SQLite's default mode it waited
    for them, and then failed: "database is locked")."""
    path = tmp_path / "record.sqlite3"
    database = sqlite_file(path)
    make_a_table(database)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    (before,) = reader.execute("SELECT count(*) FROM record").fetchone()
    with database.cursor() as cursor:
        cursor.execute("INSERT INTO record (kind, year) VALUES (%s, %s)", ["meeting", 2025])
    assert reader.execute("SELECT count(*) FROM record").fetchone() == (before,)
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM record").fetchone() == (before + 1,)
    reader.close()
    database.close()
