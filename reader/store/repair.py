"""``archive-reader repair``: get back everything that can be got back from a damaged library.

Order of work, each step only adding to what the one before recovered:

1. Under the library lock, check both database files (``quick_check``); a whole library is
   left alone.
2. Move each damaged (or foreign, or empty) file aside into ``damaged/<time>/``, with its
   ``-wal`` file: never deleted, so nothing this program gets wrong is final.
3. Build a new library database beside the old one: start from the newest backup that passes
   ``quick_check`` (else an empty library), then copy in every row SQLite can still read from
   the damaged file, table by table and row by row (a damaged page costs the rows on it, not
   the table), newer rows replacing the backup's.
4. Re-import the source files still found at their recorded paths whose sha256 matches what was
   imported (the importer merges, so nothing is doubled); sources that moved or changed are
   listed as missing.
5. The user-data file likewise: newest good backup, rows salvaged, then the journal replayed
   over it, so every annotation, bookmark and read mark comes back even if the file did not.
6. Re-anchor every annotation, drop the search index (it is rebuilt from the store on the next
   search), check the new files with ``integrity_check`` and swap them in.

The report says what came from where and what is still missing.  Qt-free; the window runs the
same function from its damage dialog.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.errors import LibraryTooNew, ReaderError
from reader.paths import LibraryPaths
from reader.plurals import plural
from reader.store import backup, db, health, migrations, pagescan
from reader.store.importer import file_sha256, import_file
from reader.store.lock import LibraryLock, WaitFn
from reader.store.tx import transaction

ProgressFn = Callable[[float | None, str], None]
MAIN_TABLES = ("sources", "posts", "comments", "revisions", "meta")
USER_TABLES = ("user_meta", "annotations", "bookmarks", "read_state")
MAX_PROBES = 48


@dataclass
class TableSalvage:
    """Rows read back from one table of a damaged file."""

    rows: int = 0
    damaged: bool = False
    problem: str = ""


@dataclass
class RepairReport:
    """What ``repair`` did; ``lines()`` is what the command prints."""

    folder: Path
    needed: bool = True
    problems: list[str] = field(default_factory=list)
    moved: list[tuple[Path, Path]] = field(default_factory=list)
    main_backup: Path | None = None
    user_backup: Path | None = None
    salvaged: dict[str, TableSalvage] = field(default_factory=dict)
    reimported: list[str] = field(default_factory=list)
    reimport_failed: list[str] = field(default_factory=list)
    sources_missing: list[str] = field(default_factory=list)
    sources_changed: list[str] = field(default_factory=list)
    journal: str = ""
    choices_made: int = 0
    choices_missing: int = 0
    left_out_comments: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    orphaned_annotations: int = 0
    integrity: str = ""

    def lines(self) -> list[str]:
        if not self.needed:
            return [f"The library at {self.folder} is whole (both files pass quick_check);"
                    " nothing to repair."]  # fmt: skip
        out = [f"Repaired the library at {self.folder}."]
        out += [f"  found: {problem}" for problem in self.problems]
        for old, new in self.moved:
            out.append(f"  moved aside (kept, never deleted): {old.name} -> {new}")
        if self.main_backup:
            out.append(f"  library database restored from the backup {self.main_backup.name}")
        if self.user_backup:
            out.append(f"  user data restored from the backup {self.user_backup.name}")
        salvaged = [f"{t} {s.rows:,}" for t, s in self.salvaged.items() if s.rows]
        damaged = sorted({s.problem for s in self.salvaged.values() if s.damaged})
        if salvaged or damaged:
            line = "  read back from the damaged files: " + (", ".join(salvaged) or "nothing")
            if damaged:
                line += f" (pages SQLite could not read: {'; '.join(damaged)})"
            out.append(line)
        if self.reimported:
            out.append(f"  re-imported {plural(len(self.reimported), 'source file')}: "
                       + ", ".join(self.reimported))  # fmt: skip
        if self.journal:
            out.append(f"  {self.journal}")
        if self.choices_made:
            out.append(f"  {self.choices_made} choice(s) of which text to show made again"
                       " (from the journal)")  # fmt: skip
        recovered = ", ".join(f"{value:,} {key}" for key, value in self.counts.items())
        out.append(f"Recovered: {recovered}.")
        missing = []
        for path in self.sources_missing:
            missing.append(f"source file not found at its recorded path: {path}")
        for path in self.sources_changed:
            missing.append(f"source file changed since it was imported (sha256 differs): {path}")
        for path in self.reimport_failed:
            missing.append(f"source file could not be imported again: {path}")
        if self.choices_missing:
            missing.append(
                f"{self.choices_missing:,} chosen text(s) not in the library now (the item or"
                " that text of it was not recovered; the newest text is shown)"
            )
        if self.left_out_comments:
            missing.append(
                f"{self.left_out_comments:,} comment(s) whose post could not be recovered"
                " (still in the file moved aside)"
            )
        if self.orphaned_annotations:
            missing.append(
                f"{self.orphaned_annotations:,} annotation(s) whose passage is not in the"
                " library now (kept as orphans: archive-reader annotations list --orphans)"
            )
        sources_whole = self.reimported and not (
            self.sources_missing or self.sources_changed or self.reimport_failed
        )
        if any(s.damaged for s in self.salvaged.values()) and not sources_whole:
            missing.append(
                "rows on damaged pages that no backup or source file held"
                " (import the dumps again if you still have them elsewhere)"
            )
        if missing:
            out.append("Missing:")
            out += [f"  {line}" for line in missing]
        else:
            out.append("Nothing is missing.")
        out.append(f"The repaired library passes integrity_check ({self.integrity});"
                   " the search index is rebuilt on the next search.")  # fmt: skip
        return out


def repair(
    library: LibraryPaths | str | Path | None,
    *,
    progress: ProgressFn | None = None,
    on_wait: WaitFn | None = None,
) -> RepairReport:
    """Repair the library (see the module doc); raises ``ReaderError`` only when it cannot
    even start (a read-only folder, a library from a newer version)."""
    paths = library if isinstance(library, LibraryPaths) else LibraryPaths.resolve(library)
    if not health.writable(paths):
        raise ReaderError(f"the library at {paths.root} is read-only; copy it somewhere"
                          " writable and repair the copy")  # fmt: skip
    paths.ensure()
    report = RepairReport(paths.root)
    with LibraryLock(paths.lock, "the repair", on_wait=on_wait):
        main_problem = _main_problem(paths)
        user_problem = _user_problem(paths)
        if main_problem is None and user_problem is None:
            report.needed = False
            return report
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = paths.damaged / stamp
        if main_problem:
            report.problems.append(f"{paths.database.name}: {main_problem}")
        if user_problem:
            report.problems.append(f"{paths.user_data.name}: {user_problem}")
        _say(progress, "Setting the damaged files aside")
        main_old = _move_aside(paths.database, aside, report) if main_problem else None
        user_old = _move_aside(paths.user_data, aside, report) if user_problem else None
        _build(paths, report, main_old, user_old, progress)
    return report


def _say(progress: ProgressFn | None, label: str, fraction: float | None = None) -> None:
    if progress is not None:
        progress(fraction, label)


def _main_problem(paths: LibraryPaths) -> str | None:
    db_file = paths.database
    if not db_file.exists() or db_file.stat().st_size == 0:
        if health.evidence(paths) or db_file.exists():
            return "missing" if not db_file.exists() else "empty (0 bytes)"
        return None  # an empty folder: nothing to repair (a new library)
    problem = health.quick_check_file(db_file)
    if problem:
        return problem
    conn = health.open_read_only(db_file)
    try:
        done = migrations.recorded(conn)
    finally:
        conn.close()
    if done is None:
        return "not an Archive Reader library"
    if done - migrations.KNOWN:
        raise LibraryTooNew(
            f"the library at {paths.root} was upgraded by a newer version of Archive Reader;"
            " repair it with that version"
        )
    return None


def _user_problem(paths: LibraryPaths) -> str | None:
    file = paths.user_data
    if not file.exists() or file.stat().st_size == 0:
        journal = paths.journal.exists() and paths.journal.stat().st_size > 0
        return ("missing" if not file.exists() else "empty (0 bytes)") if journal else None
    return health.quick_check_file(file)


def _move_aside(path: Path, folder: Path, report: RepairReport) -> Path | None:
    """Move ``path`` and its -wal/-shm into ``folder``; the moved database (None if absent)."""
    folder.mkdir(parents=True, exist_ok=True)
    moved_db = None
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if not source.exists():
            continue
        target = folder / source.name
        os.replace(source, target)
        if suffix != "-shm":
            report.moved.append((source, target))
        if suffix == "":
            moved_db = target
    return moved_db


def _good_backup(paths: LibraryPaths, which: str) -> Path | None:
    for found in backup.list_backups(paths):
        candidate = found.library if which == "main" else found.user_data
        if candidate is not None and health.quick_check_file(candidate) is None:
            return candidate
    return None


def _open_damaged(path: Path) -> sqlite3.Connection | None:
    """The damaged file, read-only, decoding any bytes (a garbled page may hold bad UTF-8)."""
    try:
        conn = health.open_read_only(path, timeout=1)
    except sqlite3.Error:
        return None
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    return conn


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
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
    theirs = _columns(source, "main", table)
    ours = set(_columns(dest, schema, table))
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


def _build(
    paths: LibraryPaths,
    report: RepairReport,
    main_old: Path | None,
    user_old: Path | None,
    progress: ProgressFn | None,
) -> None:
    building = paths.database.with_name(paths.database.name + ".repairing")
    user_building = paths.user_data.with_name(paths.user_data.name + ".repairing")
    for leftover in (building, user_building):
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                leftover.with_name(leftover.name + suffix).unlink()
    main_rebuilt = main_old is not None or not paths.database.exists()
    user_rebuilt = user_old is not None or not paths.user_data.exists()
    if main_rebuilt:
        report.main_backup = _good_backup(paths, "main")
        if report.main_backup:
            shutil.copyfile(report.main_backup, building)
    if user_rebuilt:
        report.user_backup = _good_backup(paths, "user")
        if report.user_backup:
            shutil.copyfile(report.user_backup, user_building)
    # A whole file is worked on in place (only its own kind of rows change: the user data's
    # placements, or nothing); a rebuilt one is made beside it and swapped in at the end.
    conn = db.connect(building if main_rebuilt else paths.database)
    try:
        db.attach_user_data(conn, user_building if user_rebuilt else paths.user_data)
        if main_rebuilt:
            conn.execute("PRAGMA foreign_keys=OFF")  # salvaged rows arrive in any order
            migrations.apply(conn)
        if main_old is not None:
            _salvage_file(conn, main_old, MAIN_TABLES, "main", report, progress)
        if user_old is not None:
            _salvage_file(conn, user_old, USER_TABLES, "user", report, progress)
        if main_rebuilt:
            held = _hold_orphan_comments(conn)
            conn.execute("PRAGMA foreign_keys=ON")
            before = conn.execute("SELECT value FROM meta WHERE key = 'change_stamp'")
            stamp = int(before.fetchone()[0])
            _reimport_sources(conn, paths, report, progress)
            # what the sources brought back was in the library before: not new to the reader
            with transaction(conn):
                conn.execute("UPDATE comments SET is_new = 0 WHERE added_stamp > ?", [stamp])
            report.left_out_comments = _restore_orphan_comments(conn, held)
            _fix_counts(conn)
            _replay_revision_choices(conn, paths, report)
        _finish_user_data(conn, paths, report, progress)
        report.integrity = _integrity(conn)
        conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA user.wal_checkpoint(TRUNCATE)")
        _counts(conn, report)
    finally:
        conn.close()
    if main_rebuilt:
        _swap(building, paths.database)
    if user_rebuilt:
        _swap(user_building, paths.user_data)
    if paths.search_index.exists():  # derived data: rebuilt from the store on the next search
        shutil.rmtree(paths.search_index, ignore_errors=True)


def _salvage_file(
    conn: sqlite3.Connection,
    damaged: Path,
    tables: tuple[str, ...],
    schema: str,
    report: RepairReport,
    progress: ProgressFn | None,
) -> None:
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
        _say(progress, f"Reading the pages of {damaged.name}")
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
            _say(progress, f"Reading {table} from {damaged.name}", index / len(tables))
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


def _hold_orphan_comments(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Take out salvaged comments whose post was not recovered (a re-import that brings the
    post back inserts its comments afresh); ``_restore_orphan_comments`` puts back those whose
    post is back and that the import did not bring again.  References to rows that were lost
    are cleared first, so every row satisfies its foreign keys before the re-import (whose
    merge puts a reply back under its parent when the parent returns)."""
    for table, column, parent in (
        ("posts", "source_id", "sources"),
        ("comments", "source_id", "sources"),
        ("revisions", "source_id", "sources"),
        ("comments", "parent_id", "comments"),
    ):
        conn.execute(
            f"UPDATE {table} SET {column} = NULL WHERE {column} IS NOT NULL"
            f" AND {column} NOT IN (SELECT id FROM {parent})"
        )
    columns = _columns(conn, "main", "comments")
    rows = conn.execute(
        f"SELECT {', '.join(columns)} FROM comments WHERE post_id NOT IN (SELECT id FROM posts)"
    ).fetchall()
    conn.execute("DELETE FROM comments WHERE post_id NOT IN (SELECT id FROM posts)")
    return [(columns, row) for row in rows]


def _restore_orphan_comments(conn: sqlite3.Connection, held: list[tuple[Any, ...]]) -> int:
    left_out = 0
    for columns, row in held:
        values = dict(zip(columns, row, strict=True))
        post = conn.execute("SELECT 1 FROM posts WHERE id = ?", [values["post_id"]]).fetchone()
        if post is None:
            left_out += 1
            continue
        conn.execute(
            f"INSERT OR IGNORE INTO comments({', '.join(columns)})"
            f" VALUES ({', '.join('?' * len(columns))})",
            row,
        )
    # replies whose parent was lost: shown at the top level rather than not at all
    conn.execute(
        "UPDATE comments SET parent_id = NULL WHERE parent_id IS NOT NULL"
        " AND parent_id NOT IN (SELECT id FROM comments)"
    )
    return left_out


def _reimport_sources(
    conn: sqlite3.Connection,
    paths: LibraryPaths,
    report: RepairReport,
    progress: ProgressFn | None,
) -> None:
    """Import again every source recorded in the recovered ``sources`` table or in the
    journal whose file is still where it was and unchanged (sha256)."""
    from reader.annotate import journal

    recorded = conn.execute(
        "SELECT path, sha256 FROM sources WHERE outcome != 'importing' ORDER BY id"
    ).fetchall()
    wanted: dict[str, str] = {}
    for path_text, sha in [*recorded, *journal.sources(paths.journal)]:
        wanted.setdefault(sha, path_text)
    for index, (sha, path_text) in enumerate(wanted.items()):
        path = Path(path_text)
        _say(progress, f"Checking {path.name}", index / max(1, len(wanted)))
        try:
            if not path.is_file():
                report.sources_missing.append(path_text)
                continue
            if file_sha256(path) != sha:
                report.sources_changed.append(path_text)
                continue
        except OSError:
            report.sources_missing.append(path_text)
            continue
        result = import_file(conn, path, progress=progress)
        if result.ok:
            report.reimported.append(path.name)
        else:
            report.reimport_failed.append(f"{path_text} ({result.error})")


def _replay_revision_choices(
    conn: sqlite3.Connection, paths: LibraryPaths, report: RepairReport
) -> None:
    """Make again the user's choices of which text to show (``revisions use``), each found by
    its text's SHA-256: re-imports may have numbered the revisions differently."""
    from reader.annotate import journal
    from reader.store import revisions

    chosen = journal.revision_choices(paths.journal)
    if not chosen:
        return
    with transaction(conn):
        row = conn.execute("SELECT value FROM meta WHERE key = 'change_stamp'").fetchone()
        stamp = int(row[0]) + 1
        for item_id, (_number, sha) in chosen.items():
            texts = conn.execute(
                "SELECT number, text FROM revisions WHERE item_id = ? ORDER BY number", [item_id]
            ).fetchall() or [(1, revisions.text_of(conn, item_id, 1))]
            number = next(
                (n for n, text in texts if text is not None and journal.text_sha256(text) == sha),
                None,
            )
            if number is None:
                report.choices_missing += 1
                continue
            try:
                revisions.use(conn, item_id, number, stamp)
            except ReaderError:
                report.choices_missing += 1
                continue
            report.choices_made += 1
        if report.choices_made:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'change_stamp'", [str(stamp)])


def _finish_user_data(
    conn: sqlite3.Connection,
    paths: LibraryPaths,
    report: RepairReport,
    progress: ProgressFn | None,
) -> None:
    """Replay the journal over whatever user data was recovered, then place every annotation
    against the repaired texts."""
    from reader.annotate import journal, reanchor

    _say(progress, "Replaying the journal of annotations")
    if paths.journal.exists():
        report.journal = journal.replay(conn, paths.journal).summary()
    else:
        report.journal = "journal: none found"
    result = reanchor.reanchor_all(conn)
    report.orphaned_annotations = result.orphaned


def _fix_counts(conn: sqlite3.Connection) -> None:
    """Derived columns salvaged rows may disagree on: comment counts per post."""
    with transaction(conn):
        conn.execute(
            "UPDATE posts SET comment_count = (SELECT count(*) FROM comments c"
            " WHERE c.post_id = posts.id AND c.vanished = 0)"
        )


def _integrity(conn: sqlite3.Connection) -> str:
    results = []
    for schema in ("main", "user"):
        rows = [r[0] for r in conn.execute(f"PRAGMA {schema}.integrity_check(5)").fetchall()]
        if rows != ["ok"]:
            raise ReaderError(
                f"the rebuilt {schema} database fails integrity_check ({'; '.join(rows)});"
                " nothing was swapped in: the damaged files are in damaged/, the half-built"
                " ones beside them"
            )
        results.append("ok")
    fk = conn.execute("PRAGMA main.foreign_key_check").fetchall()
    return "ok" if not fk else f"ok, {len(fk)} dangling reference(s)"


def _counts(conn: sqlite3.Connection, report: RepairReport) -> None:
    one = conn.execute
    report.counts = {
        "posts": one("SELECT count(*) FROM posts").fetchone()[0],
        "comments": one("SELECT count(*) FROM comments").fetchone()[0],
        "annotations": one("SELECT count(*) FROM annotations").fetchone()[0],
        "bookmarks": one("SELECT count(*) FROM bookmarks").fetchone()[0],
        "read marks": one("SELECT count(*) FROM read_state").fetchone()[0],
    }


def _swap(building: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            building.with_name(building.name + suffix).unlink()
    os.replace(building, target)


__all__ = ["RepairReport", "repair", "salvage_table"]
