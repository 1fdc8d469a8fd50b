"""Ordered schema migrations, each applied once and recorded in the database.

A library made by any earlier version must open: never edit a migration that has shipped,
append a new one instead.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

from reader.store.tx import run_script, transaction

Migration = Callable[[sqlite3.Connection], None]


def _m001_initial(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            format TEXT NOT NULL,
            encoding TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            posts INTEGER NOT NULL DEFAULT 0,
            posts_new INTEGER NOT NULL DEFAULT 0,
            posts_merged INTEGER NOT NULL DEFAULT 0,
            comments INTEGER NOT NULL DEFAULT 0,
            comments_new INTEGER NOT NULL DEFAULT 0,
            outcome TEXT NOT NULL,
            message TEXT
        );
        CREATE TABLE posts (
            id TEXT PRIMARY KEY,
            date TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            declared_comments INTEGER,
            has_comments INTEGER NOT NULL DEFAULT 0,
            comment_count INTEGER NOT NULL DEFAULT 0,
            author TEXT,
            source_id INTEGER REFERENCES sources(id),
            added_at TEXT NOT NULL,
            stamp INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX posts_list ON posts(
            date DESC, title, id, declared_comments, comment_count, has_comments
        );
        CREATE INDEX posts_stamp ON posts(stamp);
        CREATE TABLE comments (
            id TEXT PRIMARY KEY,
            post_id TEXT NOT NULL REFERENCES posts(id),
            parent_id TEXT REFERENCES comments(id),
            position INTEGER NOT NULL,
            path TEXT NOT NULL,
            text TEXT NOT NULL,
            removed INTEGER NOT NULL DEFAULT 0,
            vanished INTEGER NOT NULL DEFAULT 0,
            is_new INTEGER NOT NULL DEFAULT 0,
            author TEXT,
            source_id INTEGER REFERENCES sources(id),
            added_at TEXT NOT NULL,
            stamp INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX comments_post ON comments(post_id, position);
        CREATE INDEX comments_stamp ON comments(stamp);
        CREATE INDEX comments_new ON comments(post_id) WHERE is_new = 1;
        CREATE TABLE read_state (
            post_id TEXT PRIMARY KEY REFERENCES posts(id),
            opened_at TEXT NOT NULL,
            last_comment_id TEXT
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta(key, value) VALUES ('change_stamp', '0');
        """,
    )


def _m002_annotations(conn: sqlite3.Connection) -> None:
    """Bookmarks and annotations (reader.annotate).

    No foreign keys to posts/comments on purpose: an annotation imported from another machine
    may name an item this library lacks; it is kept as an orphan, never dropped.  ``start_at``/
    ``end_at`` and ``state`` are the last placement re-anchoring found; ``exact``/``prefix``/
    ``suffix`` are the quote selector the reader made.
    """
    run_script(
        conn,
        """
        CREATE TABLE bookmarks (
            id TEXT PRIMARY KEY,
            item_id TEXT NOT NULL UNIQUE,
            post_id TEXT NOT NULL DEFAULT '',
            label TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL
        );
        CREATE INDEX bookmarks_post ON bookmarks(post_id);
        CREATE TABLE annotations (
            id TEXT PRIMARY KEY,
            item_id TEXT NOT NULL,
            post_id TEXT NOT NULL DEFAULT '',
            exact TEXT NOT NULL,
            prefix TEXT NOT NULL DEFAULT '',
            suffix TEXT NOT NULL DEFAULT '',
            start_at INTEGER NOT NULL,
            end_at INTEGER NOT NULL,
            colour TEXT NOT NULL DEFAULT 'yellow',
            note TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'exact',
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE INDEX annotations_post ON annotations(post_id, start_at);
        CREATE INDEX annotations_item ON annotations(item_id);
        CREATE INDEX annotations_orphans ON annotations(item_id) WHERE state = 'orphan'
        """,
    )


def _m003_annotation_stamp(conn: sqlite3.Connection) -> None:
    """A counter every write to annotations or bookmarks bumps, by trigger, so derived data
    (the search index's notes and flags) can tell it missed a change, whoever wrote it."""
    conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('annotation_stamp', '0')")
    for table in ("annotations", "bookmarks"):
        for event in ("INSERT", "UPDATE", "DELETE"):
            conn.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_stamp AFTER {event} ON {table}"
                " BEGIN UPDATE meta SET value = CAST(value AS INTEGER) + 1"
                " WHERE key = 'annotation_stamp'; END"
            )


def _m004_comment_stamps_via_posts(conn: sqlite3.Connection) -> None:
    """Drop the index on comments' change stamps: it cost ~8% of a large import, and every
    import that stamps a comment also stamps its post, so readers of "what changed since"
    reach the comments through ``posts_stamp`` and ``comments_post`` instead."""
    conn.execute("DROP INDEX IF EXISTS comments_stamp")


MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_initial", _m001_initial),
    ("002_annotations", _m002_annotations),
    ("003_annotation_stamp", _m003_annotation_stamp),
    ("004_comment_stamps_via_posts", _m004_comment_stamps_via_posts),
]


def apply(conn: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded, in order, each in its own transaction."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM migrations").fetchall()}
    applied = []
    for name, migration in MIGRATIONS:
        if name in done:
            continue
        with transaction(conn):
            migration(conn)
            conn.execute(
                "INSERT INTO migrations(name, applied_at) VALUES (?, ?)",
                [name, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")],
            )
        applied.append(name)
    return applied


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM migrations").fetchone()[0])
