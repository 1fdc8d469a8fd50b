"""The user-data file: annotations, bookmarks and read marks, apart from the imported text.

Why a second SQLite file (``userdata.sqlite``), attached to every library connection as
``user``:

* **Writes that never wait.**  An import holds the library database's write lock for a whole
  file (seconds to minutes for a large dump: each file is all-or-nothing).  A highlight, a note,
  a bookmark or a read mark writes only this file, which has its own lock, so it commits within
  milliseconds however long an import runs.  Queries still join freely: SQLite resolves the
  unqualified names ``annotations``, ``bookmarks`` and ``read_state`` in the attached file.
* **Repair.**  What no dump can give back lives in a small file of its own, backed up beside the
  library and mirrored line by line into ``journal.jsonl``; a damaged library database leaves
  it untouched, and a damaged user-data file is rebuilt from the journal.

Transactions: ``user_transaction`` takes this file's write lock only (see ``reader.store.tx``
for why not ``BEGIN IMMEDIATE``), and appends the journal lines its caller collected before it
commits: if the journal cannot be written (a full disk), the change is rolled back and the
caller gets one line saying so; what the journal holds is never behind what the file holds.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.errors import ReaderError
from reader.store.migrations import (
    ANNOTATION_COLUMNS,
    ANNOTATION_INDEXES,
    BOOKMARK_COLUMNS,
    BOOKMARK_INDEXES,
)
from reader.store.tx import begin, database_file

SCHEMA = "user"
VERSION = 1
JOURNAL_NAME = "journal.jsonl"
USER_TABLES = ("bookmarks", "annotations", "read_state")

# The bookmark and annotation tables are migration 002's (``reader.store.migrations``, where
# they were first made in the library database) with the columns added since.
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS user.user_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT OR IGNORE INTO user.user_meta(key, value) VALUES\n"
    "    ('schema', '1'), ('annotation_stamp', '0'), ('annotations_stamp', '0'), ('writes', '0')",
    f"CREATE TABLE IF NOT EXISTS user.bookmarks ({BOOKMARK_COLUMNS}\n)",
    *(f"CREATE INDEX IF NOT EXISTS user.{index}" for index in BOOKMARK_INDEXES),
    f"CREATE TABLE IF NOT EXISTS user.annotations ({ANNOTATION_COLUMNS},\n"
    "    revision INTEGER NOT NULL DEFAULT 1\n)",
    *(f"CREATE INDEX IF NOT EXISTS user.{index}" for index in ANNOTATION_INDEXES),
    """CREATE TABLE IF NOT EXISTS user.read_state (
    post_id TEXT PRIMARY KEY,
    opened_at TEXT NOT NULL,
    last_comment_id TEXT,
    read_stamp INTEGER NOT NULL DEFAULT 0
)""",
)
# ``annotation_stamp`` moves on every change to annotations or bookmarks, whoever writes (the
# search index compares it with the value it was built at); triggers live in the same file.
_STAMP_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS user.{table}_{event_lower}_stamp AFTER {event} ON {table}"
    " BEGIN UPDATE user_meta SET value = CAST(value AS INTEGER) + 1"
    " WHERE key = 'annotation_stamp'; END"
)
USER_LOCK = "UPDATE user.user_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'writes'"


def has_schema(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM user.sqlite_master WHERE type = 'table' AND name = 'user_meta'"
    ).fetchone()
    return bool(row[0])


def create_schema(conn: sqlite3.Connection) -> None:
    """Create the user-data tables if missing (idempotent; safe when two processes race)."""
    with begin(conn, "CREATE TABLE IF NOT EXISTS user.user_meta (key TEXT PRIMARY KEY,"
               " value TEXT NOT NULL)"):  # fmt: skip
        for statement in _SCHEMA:
            conn.execute(statement)
        for table in ("annotations", "bookmarks"):
            for event in ("INSERT", "UPDATE", "DELETE"):
                conn.execute(
                    _STAMP_TRIGGER.format(table=table, event=event, event_lower=event.lower())
                )


def attach(conn: sqlite3.Connection, path: Path, *, read_only: bool) -> None:
    """Attach the user-data file as ``user``: created when missing (writable libraries), read
    as it is (read-only ones), or an empty in-memory stand-in when a read-only library has
    none.  Raises ``sqlite3.DatabaseError`` when the file is damaged (the caller names it)."""
    if read_only:
        if path.exists() and path.stat().st_size > 0:
            try:
                conn.execute("ATTACH DATABASE ? AS user", [_uri(path, "?mode=ro")])
                conn.execute("SELECT count(*) FROM user.sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # A WAL file whose -shm cannot be made in a read-only folder: read the file
                # as it is (changes still in a -wal file are not seen; a clean close has none).
                if _attached(conn):
                    conn.execute("DETACH DATABASE user")
                conn.execute("ATTACH DATABASE ? AS user", [_uri(path, "?immutable=1")])
            conn.execute("SELECT count(*) FROM user.sqlite_master").fetchone()
            if has_schema(conn):
                return
            conn.execute("DETACH DATABASE user")
        conn.execute("ATTACH DATABASE ':memory:' AS user")
        conn.execute("PRAGMA query_only=0")  # an empty stand-in, made in memory only
        try:
            create_schema(conn)
        finally:
            conn.execute("PRAGMA query_only=1")
        return
    conn.execute("ATTACH DATABASE ? AS user", [_uri(path)])
    conn.execute("PRAGMA user.journal_mode=WAL")
    # FULL: a note the user typed survives a power cut once the call returned, not just a crash.
    conn.execute("PRAGMA user.synchronous=FULL")
    if not has_schema(conn):
        create_schema(conn)


def _uri(path: Path, query: str = "") -> str:
    return f"file:{urllib.parse.quote(str(path))}{query}"


def _attached(conn: sqlite3.Connection) -> bool:
    return any(row[1] == SCHEMA for row in conn.execute("PRAGMA database_list").fetchall())


def journal_path(conn: sqlite3.Connection) -> Path | None:
    """``journal.jsonl`` beside the attached user-data file (None when it is in memory)."""
    file = database_file(conn, SCHEMA)
    return file.parent / JOURNAL_NAME if file else None


def append_journal(path: Path, entries: list[dict[str, Any]]) -> None:
    """Append ``entries`` as JSON lines and make them durable (fsync) before returning."""
    data = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in entries)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def user_transaction(conn: sqlite3.Connection) -> Iterator[list[dict[str, Any]]]:
    """A write transaction on the user-data file only; yields a list the caller fills with
    journal entries, written (and synced) just before the commit."""
    with begin(conn, USER_LOCK):
        entries: list[dict[str, Any]] = []
        yield entries
        if entries:
            path = journal_path(conn)
            if path is not None:
                try:
                    append_journal(path, entries)
                except OSError as exc:
                    raise ReaderError(
                        f"{path}: cannot write the journal ({exc.strerror or exc});"
                        " nothing was changed"
                    ) from None


def stamp(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute("SELECT value FROM user.user_meta WHERE key = ?", [key]).fetchone()
    return int(row[0]) if row else 0


def set_stamp(conn: sqlite3.Connection, key: str, value: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO user.user_meta(key, value) VALUES (?, ?)", [key, str(value)]
    )
