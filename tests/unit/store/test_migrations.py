"""Migration 002's tables are also the user-data file's (one text of each, in migrations.py):
what 002 makes must stay what it shipped with, and the user-data file must keep the same
columns plus those added since."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.store import migrations, userdata

# Migration 002 as it shipped: column name, type, not null, default, primary key.
SHIPPED_002 = {
    "bookmarks": [
        ("id", "TEXT", 0, None, 1),
        ("item_id", "TEXT", 1, None, 0),
        ("post_id", "TEXT", 1, "''", 0),
        ("label", "TEXT", 1, "''", 0),
        ("created", "TEXT", 1, None, 0),
    ],
    "annotations": [
        ("id", "TEXT", 0, None, 1),
        ("item_id", "TEXT", 1, None, 0),
        ("post_id", "TEXT", 1, "''", 0),
        ("exact", "TEXT", 1, None, 0),
        ("prefix", "TEXT", 1, "''", 0),
        ("suffix", "TEXT", 1, "''", 0),
        ("start_at", "INTEGER", 1, None, 0),
        ("end_at", "INTEGER", 1, None, 0),
        ("colour", "TEXT", 1, "'yellow'", 0),
        ("note", "TEXT", 1, "''", 0),
        ("state", "TEXT", 1, "'exact'", 0),
        ("created", "TEXT", 1, None, 0),
        ("modified", "TEXT", 1, None, 0),
    ],
}
SHIPPED_002_INDEXES = {
    "bookmarks_post": ("bookmarks", ["post_id"], 0),
    "annotations_post": ("annotations", ["post_id", "start_at"], 0),
    "annotations_item": ("annotations", ["item_id"], 0),
    "annotations_orphans": ("annotations", ["item_id"], 1),
}
ADDED_SINCE = {"bookmarks": [], "annotations": [("revision", "INTEGER", 1, "1", 0)]}


def columns(conn: sqlite3.Connection, schema: str, table: str) -> list[tuple[object, ...]]:
    return [tuple(row[1:]) for row in conn.execute(f"PRAGMA {schema}.table_info({table})")]


def indexes(conn: sqlite3.Connection, schema: str) -> dict[str, tuple[object, ...]]:
    found = {}
    for name, table, partial in conn.execute(
        f"SELECT name, tbl_name, sql LIKE '% WHERE %' FROM {schema}.sqlite_master"
        " WHERE type = 'index' AND sql IS NOT NULL"
    ):
        cols = [row[2] for row in conn.execute(f"PRAGMA {schema}.index_info({name})")]
        found[name] = (table, cols, partial)
    return found


def test_migration_002_makes_the_tables_it_shipped_with() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    names = dict(migrations.MIGRATIONS)
    names["001_initial"](conn)
    names["002_annotations"](conn)
    for table, shipped in SHIPPED_002.items():
        assert columns(conn, "main", table) == shipped, table
    made = {k: v for k, v in indexes(conn, "main").items() if k in SHIPPED_002_INDEXES}
    assert made == SHIPPED_002_INDEXES


def test_the_user_data_file_holds_002s_tables_with_the_columns_added_since(
    tmp_path: Path,
) -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    userdata.attach(conn, tmp_path / "userdata.sqlite", read_only=False)
    for table, shipped in SHIPPED_002.items():
        assert columns(conn, "user", table) == shipped + ADDED_SINCE[table], table
    made = {k: v for k, v in indexes(conn, "user").items() if k in SHIPPED_002_INDEXES}
    assert made == SHIPPED_002_INDEXES
