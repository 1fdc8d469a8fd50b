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


# The bookmark and annotation tables as migration 002 made them: shipped, so never edit these
# texts (a library's schema must not depend on the version that created it).  Since 006 the
# tables live in the user-data file, which creates them from these same texts plus the columns
# added since (``reader.store.userdata``), so each table is written down once.
BOOKMARK_COLUMNS = """
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL UNIQUE,
    post_id TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL"""
ANNOTATION_COLUMNS = """
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
    modified TEXT NOT NULL"""
BOOKMARK_INDEXES = ("bookmarks_post ON bookmarks(post_id)",)
ANNOTATION_INDEXES = (
    "annotations_post ON annotations(post_id, start_at)",
    "annotations_item ON annotations(item_id)",
    "annotations_orphans ON annotations(item_id) WHERE state = 'orphan'",
)


def _m002_annotations(conn: sqlite3.Connection) -> None:
    """Bookmarks and annotations (reader.annotate).

    No foreign keys to posts/comments on purpose: an annotation imported from another machine
    may name an item this library lacks; it is kept as an orphan, never dropped.  ``start_at``/
    ``end_at`` and ``state`` are the last placement re-anchoring found; ``exact``/``prefix``/
    ``suffix`` are the quote selector the reader made.
    """
    conn.execute(f"CREATE TABLE bookmarks ({BOOKMARK_COLUMNS}\n)")
    for index in BOOKMARK_INDEXES:
        conn.execute(f"CREATE INDEX {index}")
    conn.execute(f"CREATE TABLE annotations ({ANNOTATION_COLUMNS}\n)")
    for index in ANNOTATION_INDEXES:
        conn.execute(f"CREATE INDEX {index}")


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


def _m005_revisions(conn: sqlite3.Connection) -> None:
    """Every text a dump ever gave a post or comment (``reader.store.revisions``).

    Rows exist only for items that had more than one text: the original becomes number 1 when
    the second arrives.  ``posts.revision``/``comments.revision`` is the number shown (1 for an
    item without rows), ``revisions`` how many the item has (0 for none).  ``suspect`` says why
    a text looks damaged (it is then never shown unless the user chooses it).
    """
    run_script(
        conn,
        """
        CREATE TABLE revisions (
            item_id TEXT NOT NULL,
            number INTEGER NOT NULL,
            text TEXT NOT NULL,
            source_id INTEGER REFERENCES sources(id),
            first_seen TEXT NOT NULL,
            stamp INTEGER NOT NULL DEFAULT 0,
            suspect TEXT,
            PRIMARY KEY (item_id, number)
        ) WITHOUT ROWID;
        ALTER TABLE posts ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE posts ADD COLUMN revisions INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE comments ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE comments ADD COLUMN revisions INTEGER NOT NULL DEFAULT 0
        """,
    )


def _m006_user_data_file(conn: sqlite3.Connection) -> None:
    """Move annotations, bookmarks and read marks into the user-data file (attached as
    ``user``, see ``reader.store.userdata``), so writing them never waits behind an import.

    Copies first (the user-data file commits on its own: in WAL mode a transaction over two
    files is atomic per file), then drops the old tables; a crash in between leaves this
    migration unrecorded, and running it again copies nothing twice (``INSERT OR IGNORE``).
    """
    tables = {
        row[0] for row in conn.execute("SELECT name FROM main.sqlite_master WHERE type='table'")
    }
    if "annotations" in tables:
        conn.execute(
            "INSERT OR IGNORE INTO user.annotations(id, item_id, post_id, exact, prefix, suffix,"
            " start_at, end_at, colour, note, state, created, modified)"
            " SELECT id, item_id, post_id, exact, prefix, suffix, start_at, end_at, colour,"
            " note, state, created, modified FROM main.annotations"
        )
    if "bookmarks" in tables:
        conn.execute(
            "INSERT OR IGNORE INTO user.bookmarks(id, item_id, post_id, label, created)"
            " SELECT id, item_id, post_id, label, created FROM main.bookmarks"
        )
    if "read_state" in tables:
        conn.execute(
            "INSERT OR IGNORE INTO user.read_state(post_id, opened_at, last_comment_id)"
            " SELECT post_id, opened_at, last_comment_id FROM main.read_state"
        )
    for key in ("annotation_stamp", "annotations_stamp"):
        row = conn.execute("SELECT value FROM main.meta WHERE key = ?", [key]).fetchone()
        if row is not None:
            conn.execute(
                "UPDATE user.user_meta SET value = max(CAST(value AS INTEGER), ?) WHERE key = ?",
                [int(row[0]), key],
            )
    for table in ("annotations", "bookmarks", "read_state"):
        conn.execute(f"DROP TABLE IF EXISTS main.{table}")
    conn.execute("DELETE FROM main.meta WHERE key IN ('annotation_stamp', 'annotations_stamp')")


def _m007_comment_added_stamp(conn: sqlite3.Connection) -> None:
    """The import that added each comment, so "new since you read this thread" is a comparison
    with the read mark's stamp (in the user-data file) and marking a thread read never writes
    the library database.  Comments still flagged new keep their flag's meaning."""
    run_script(
        conn,
        """
        ALTER TABLE comments ADD COLUMN added_stamp INTEGER NOT NULL DEFAULT 0;
        UPDATE comments SET added_stamp = stamp WHERE is_new = 1
        """,
    )


def _m010_formats(conn: sqlite3.Connection) -> None:
    """What the richer formats carry (``reader.formats``): per post and comment the author's
    address, the time as the source states it (ISO 8601 with its offset), a status
    (``reader.model.STATUSES``), the sanitised HTML where the source is HTML, and the format's
    native id (``source_key``).  Posts also keep their address (``url``, and ``url_key`` by
    which a Disqus thread finds the post of the same article) and whether they are known only
    through a comment feed (``comments_only``: replaced in place when the post arrives).

    Rows already stored keep their meaning: NULL fields, status "published".
    """
    run_script(
        conn,
        """
        ALTER TABLE posts ADD COLUMN author_uri TEXT;
        ALTER TABLE posts ADD COLUMN published TEXT;
        ALTER TABLE posts ADD COLUMN status TEXT NOT NULL DEFAULT 'published';
        ALTER TABLE posts ADD COLUMN html TEXT;
        ALTER TABLE posts ADD COLUMN source_key TEXT;
        ALTER TABLE posts ADD COLUMN url TEXT;
        ALTER TABLE posts ADD COLUMN url_key TEXT;
        ALTER TABLE posts ADD COLUMN comments_only INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE comments ADD COLUMN author_uri TEXT;
        ALTER TABLE comments ADD COLUMN published TEXT;
        ALTER TABLE comments ADD COLUMN status TEXT NOT NULL DEFAULT 'published';
        ALTER TABLE comments ADD COLUMN html TEXT;
        ALTER TABLE comments ADD COLUMN source_key TEXT;
        CREATE INDEX posts_source_key ON posts(source_key) WHERE source_key IS NOT NULL;
        CREATE INDEX posts_url_key ON posts(url_key) WHERE url_key IS NOT NULL
        """,
    )


MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_initial", _m001_initial),
    ("002_annotations", _m002_annotations),
    ("003_annotation_stamp", _m003_annotation_stamp),
    ("004_comment_stamps_via_posts", _m004_comment_stamps_via_posts),
    ("005_revisions", _m005_revisions),
    ("006_user_data_file", _m006_user_data_file),
    ("007_comment_added_stamp", _m007_comment_added_stamp),
    ("010_formats", _m010_formats),
]
KNOWN = {name for name, _ in MIGRATIONS}


def recorded(conn: sqlite3.Connection) -> set[str] | None:
    """The names of the migrations applied to this database (None: no migrations table, so a
    new database, or one that is not a library).  Reads only: opening a library must not
    take the write lock, or every reader would wait behind an import."""
    exists = conn.execute(
        "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone()
    if not exists:
        return None
    return {row[0] for row in conn.execute("SELECT name FROM main.migrations").fetchall()}


def pending(conn: sqlite3.Connection) -> list[str]:
    """Migrations this version would apply, in order (reads only)."""
    done = recorded(conn) or set()
    return [name for name, _ in MIGRATIONS if name not in done]


def apply(conn: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded, in order, each in its own transaction.

    Call under the library lock (``reader.store.lock``) with the user-data file attached:
    ``Library.open`` does, and only when ``pending`` says there is something to do.
    """
    if recorded(conn) is None:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations"
            " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
    done = recorded(conn) or set()
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
