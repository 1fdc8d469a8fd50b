"""Read marks: which threads the reader has opened, kept in the user-data file.

Marking a thread read writes only ``read_state`` (with the library's change stamp at that
moment) and a journal line; comments count as new when a later import added them after that
stamp (``reader.store.queries``).  So opening a thread while an import runs never waits for it,
and the import's own new comments are still new when it lands.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from reader.annotate import journal
from reader.store import queries
from reader.store.userdata import user_transaction


def _change_stamp(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM main.meta WHERE key = 'change_stamp'").fetchone()
    return int(row[0]) if row else 0


def mark_thread_read(conn: sqlite3.Connection, post_id: str, last_comment_id: str | None) -> int:
    """Remember that the reader opened the thread (and where); returns how many of its
    comments were new until now."""
    cleared = queries.new_comment_count(conn, post_id)
    stamp = _change_stamp(conn)
    opened = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with user_transaction(conn) as entries:
        conn.execute(
            "INSERT INTO read_state(post_id, opened_at, last_comment_id, read_stamp)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(post_id) DO UPDATE SET"
            " opened_at = excluded.opened_at, last_comment_id = excluded.last_comment_id,"
            " read_stamp = excluded.read_stamp",
            [post_id, opened, last_comment_id, stamp],
        )
        entries.append(journal.put_read(post_id, opened, last_comment_id, stamp))
    return cleared
