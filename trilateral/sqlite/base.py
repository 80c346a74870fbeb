"""Django's SQLite backend, keeping the query planner's statistics up to date as the record grows.

Without statistics SQLite guesses which index narrows a query most, and on a large record it
guesses wrong: the home page read every published declaration to find the years of one series
(4.4 ms of SQL; 1.2 ms with statistics), a topic page and the commitment list likewise. SQLite's
documentation advises `PRAGMA optimize` before each connection closes: it analyzes the tables
that the connection's queries would have planned better with fresh statistics (usually none,
in a tenth of a millisecond) and reads at most a sample of each (`analysis_limit`).
"""

import contextlib
import sqlite3

from django.db.backends.sqlite3 import base

# Rows sampled from each index; SQLite advises 100-1000. 400 analyzed the large record in 24 ms.
ANALYSIS_LIMIT = 400


class DatabaseWrapper(base.DatabaseWrapper):
    def _close(self):
        # Django never closes an in-memory database (that would delete it), so this is a file.
        if self.connection is not None and not self.connection.in_transaction:
            # Another writer's lock (SQLite then refuses at once rather than wait) only defers
            # the statistics to the next connection that closes: they are advice, not data.
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
                self.connection.execute("PRAGMA optimize")
        super()._close()
