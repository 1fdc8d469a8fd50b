"""Reading back every row SQLite can still give from a damaged database file.

Two passes, each only adding: first SQL, table by table and row by row (``salvage_table``: a
damaged page stops a scan, which then probes further keys until it reads again, so a damaged
page costs the rows on it, not the table); then, when that met damage, the raw pages
(``scan_salvage`` over ``reader.store.pagescan``), each record given to a table by its shape.
Part of ``reader.store.repair``, which decides what is salvaged into what.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from reader.store import health, pagescan
from reader.store.repair_report import ProgressFn, RepairReport, TableSalvage, say

MAX_PROBES = 48


def _open_damaged(path: Path) -> sqlite3.Connection | None:
    """The damaged file, read-only, decoding any bytes (a garbled page may hold bad UTF-8)."""
    try:
        conn = health.open_read_only(path, timeout=1)
    except sqlite3.Error:
        return None
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    return conn


def table_columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    """The columns of ``table`` in ``schema``, in order (none when they cannot be read)."""
    try:
        return [row[1] for row in conn.execute(f"PRAGMA {schema}.table_info({table})")]
    except sqlite3.DatabaseError:
        return []


def salvage_table(
    source: sqlite3.Connection, dest: sqlite3.Connection, table: str, schema: str = "main"
) -> TableSalvage:
    """Copy every readable row of ``table`` from ``source`` into ``dest`` (``schema`` there),
    replacing rows with the same key.  A damaged page stops a scan; the scan then probes
    further keys until it reads again, so only the rows on damaged pages are lost."""
    result = TableSalvage()
    theirs = table_columns(source, "main", table)
    ours = set(table_columns(dest, schema, table))
    columns = [c for c in theirs if c in ours]
    if not columns:
        if theirs or table in ("meta", "user_meta", "revisions", "read_state"):
            return result
        result.damaged, result.problem = True, "the table could not be read at all"
        return result
    names = ", ".join(columns)
    insert = (
        f"INSERT OR REPLACE INTO {schema}.{table}({names}) VALUES ({', '.join('?' * len(columns))})"
    )
    keyed = "rowid" if table != "revisions" else None
    if keyed is None:  # WITHOUT ROWID: the primary key orders the scan
        key_sql, key_len = "item_id, number", 2
        select = f"SELECT {key_sql}, {names} FROM {table} WHERE (item_id, number) > (?, ?)"
        select += f" ORDER BY {key_sql}"
        last: tuple[Any, ...] = ("", -1)
    else:
        key_len = 1
        select = f"SELECT rowid, {names} FROM {table} WHERE rowid > ? ORDER BY rowid"
        last = (-(2**63),)
    probes = 0
    while True:
        try:
            for row in source.execute(select, list(last)):
                try:
                    dest.execute(insert, row[key_len:])
                except sqlite3.DatabaseError:
                    continue  # a garbled row that breaks a constraint: skipped
                result.rows += 1
                last = tuple(row[:key_len])
            break
        except sqlite3.DatabaseError as exc:
            result.damaged = True
            result.problem = str(exc)
            if keyed is None:
                break  # a text key cannot be probed past; what was read is kept
            resume = _probe(source, table, last[0])
            probes += 1
            if resume is None or probes > 10_000:
                break
            last = (resume - 1,)
    return result


def _probe(source: sqlite3.Connection, table: str, after: int) -> int | None:
    """The first readable rowid beyond a damaged region after ``after``, or None."""
    step = 1
    for _ in range(MAX_PROBES):
        at = max(after, 0) + step
        try:
            row = source.execute(
                f"SELECT rowid FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT 1", [at]
            ).fetchone()
        except sqlite3.DatabaseError:
            step *= 2
            continue
        if row is None:
            return None
        # probe each row from here: the page before may have had rows after ``at``
        return int(row[0])
    return None


def salvage_file(
    conn: sqlite3.Connection,
    damaged: Path,
    tables: tuple[str, ...],
    schema: str,
    report: RepairReport,
    progress: ProgressFn | None,
) -> None:
    """Salvage ``tables`` of the ``damaged`` file into ``schema`` of ``conn`` (SQL first, then
    the raw pages if SQL met damage), noting in ``report`` what came back from each."""
    source = _open_damaged(damaged)
    if source is None:
        problem = "SQLite cannot read the file's list of tables"
        for table in tables:
            if table not in ("meta", "user_meta"):
                report.salvaged[_label(damaged, table, schema)] = TableSalvage(0, True, problem)
    else:
        _sql_salvage(conn, source, damaged, tables, schema, report, progress)
    # Then whatever SQLite could not read, straight from the pages (rows already recovered
    # are kept as they are).
    if source is None or any(s.damaged for s in report.salvaged.values()):
        say(progress, f"Reading the pages of {damaged.name}")
        for table, count in scan_salvage(conn, damaged, schema).items():
            found = report.salvaged.setdefault(_label(damaged, table, schema), TableSalvage())
            found.rows += count
    if schema == "main":
        # the stamp must not go back: the search index and re-anchoring compare with it
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('change_stamp', '0')")
        conn.execute(
            "UPDATE meta SET value = max(CAST(value AS INTEGER),"
            " (SELECT coalesce(max(stamp), 0) FROM posts)) WHERE key = 'change_stamp'"
        )


def _label(damaged: Path, table: str, schema: str) -> str:
    return f"{damaged.name}: {table}" if schema == "user" else table


def _sql_salvage(
    conn: sqlite3.Connection,
    source: sqlite3.Connection,
    damaged: Path,
    tables: tuple[str, ...],
    schema: str,
    report: RepairReport,
    progress: ProgressFn | None,
) -> None:
    try:
        for index, table in enumerate(tables):
            say(progress, f"Reading {table} from {damaged.name}", index / len(tables))
            conn.execute("BEGIN")
            try:
                found = salvage_table(source, conn, table, schema)
            finally:
                conn.execute("COMMIT")
            if table in ("meta", "user_meta"):
                found.damaged = False  # counters: rebuilt below, never worth a warning
            report.salvaged[_label(damaged, table, schema)] = found
    finally:
        source.close()


_PID = re.compile(r"^p[0-9a-f]{16}$")
_CID = re.compile(r"^c[0-9a-f]{16}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_NOTE_ID = re.compile(r"^[ab][0-9a-f]{16}$")
SCAN_COLUMNS = {
    "posts": ("id", "date", "title", "body", "declared_comments", "has_comments",
              "comment_count", "author", "source_id", "added_at", "stamp", "revision",
              "revisions", "author_uri", "published", "status", "html", "source_key", "url",
              "url_key", "comments_only"),
    "comments": ("id", "post_id", "parent_id", "position", "path", "text", "removed",
                 "vanished", "is_new", "author", "source_id", "added_at", "stamp", "revision",
                 "revisions", "added_stamp", "author_uri", "published", "status", "html",
                 "source_key"),
    "sources": ("id", "path", "sha256", "format", "encoding", "imported_at", "posts",
                "posts_new", "posts_merged", "comments", "comments_new", "outcome", "message"),
    "revisions": ("item_id", "number", "text", "source_id", "first_seen", "stamp", "suspect"),
    "annotations": ("id", "item_id", "post_id", "exact", "prefix", "suffix", "start_at",
                    "end_at", "colour", "note", "state", "created", "modified", "revision"),
    "bookmarks": ("id", "item_id", "post_id", "label", "created"),
    "read_state": ("post_id", "opened_at", "last_comment_id", "read_stamp"),
}  # fmt: skip
"""Columns in stored order (later migrations' columns last: older rows hold fewer values)."""


def _table_of(cell: pagescan.Cell, schema: str) -> str | None:
    """Which table a record read from raw pages belongs to, by its shape; None if unsure."""
    v = cell.values
    first = v[0] if v else None
    if cell.rowid is None:  # an index entry: only the WITHOUT ROWID revisions table matters
        if (schema == "main" and len(v) == 7 and isinstance(first, str)
                and (_PID.match(first) or _CID.match(first)) and isinstance(v[1], int)
                and isinstance(v[2], str)):  # fmt: skip
            return "revisions"
        return None
    if schema == "main":
        if isinstance(first, str) and _PID.match(first) and 11 <= len(v) <= 21:
            return "posts" if isinstance(v[3], str) else None
        if (isinstance(first, str) and _CID.match(first) and 13 <= len(v) <= 21
                and isinstance(v[1], str) and _PID.match(v[1])):  # fmt: skip
            return "comments"
        if first is None and len(v) == 13 and isinstance(v[2], str) and _SHA.match(v[2]):
            return "sources"
        return None
    if isinstance(first, str) and _NOTE_ID.match(first):
        if first[0] == "a" and 13 <= len(v) <= 14 and isinstance(v[3], str):
            return "annotations"
        if first[0] == "b" and len(v) == 5:
            return "bookmarks"
    if isinstance(first, str) and _PID.match(first) and len(v) == 4 and isinstance(v[3], int):
        return "read_state"
    return None


def scan_salvage(conn: sqlite3.Connection, damaged: Path, schema: str) -> dict[str, int]:
    """Rows read from the raw pages of ``damaged`` (see ``reader.store.pagescan``) added where
    the table has no row with that key yet; returns how many per table."""
    added: dict[str, int] = {}
    try:
        pages = pagescan.PageFile(damaged)
    except OSError:
        return added
    conn.execute("BEGIN")
    try:
        for cell in pages.cells():
            table = _table_of(cell, schema)
            if table is None:
                continue
            columns = SCAN_COLUMNS[table][: len(cell.values)]
            values = list(cell.values)
            if table == "sources":
                values[0] = cell.rowid  # INTEGER PRIMARY KEY: stored as the rowid
            try:
                cursor = conn.execute(
                    f"INSERT OR IGNORE INTO {schema}.{table}({', '.join(columns)})"
                    f" VALUES ({', '.join('?' * len(columns))})",
                    values,
                )
            except sqlite3.DatabaseError:
                continue
            added[table] = added.get(table, 0) + cursor.rowcount
    finally:
        conn.execute("COMMIT")
    return added
