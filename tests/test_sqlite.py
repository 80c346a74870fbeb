"""The SQLite backend writes ahead to a log, lets one writer wait for another, and keeps the query
planner's statistics up to date (trilateral/sqlite).

Each test opens a database file of its own, whichever database the suite runs on: Django never
closes the in-memory test database, and closing is when statistics are gathered.
"""

import contextlib
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

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


def begin(database):
    """As `transaction.atomic()` begins a transaction on SQLite."""
    database.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def count_and_add_one(database):
    with database.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM record")
        (count,) = cursor.fetchone()
        cursor.execute("INSERT INTO record (kind, year) VALUES (%s, %s)", ["meeting", 2025])
    return count


def commit(database):
    database.commit()
    database.set_autocommit(True)


def test_a_save_while_another_is_under_way_waits_for_it_and_then_saves(tmp_path, sqlite_file):
    """Two editors save at once, each reading and then writing. The second waits for the first
    and reads what it wrote. With SQLite's default transactions the first, which had read before
    the second wrote, was refused at once: "database is locked"."""
    path = tmp_path / "record.sqlite3"
    first = sqlite_file(path)
    make_a_table(first)
    begin(first)
    with first.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM record")
        (before,) = cursor.fetchone()

    def second_save():
        second = sqlite_file(path)
        begin(second)
        count = count_and_add_one(second)
        commit(second)
        second.close()
        return count

    with ThreadPoolExecutor(1) as pool:
        second_saw = pool.submit(second_save)
        time.sleep(0.3)
        assert count_and_add_one(first) == before
        commit(first)
        assert second_saw.result() == before + 1
    with first.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM record")
        assert cursor.fetchone() == (before + 2,)
    first.close()
