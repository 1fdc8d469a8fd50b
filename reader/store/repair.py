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
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from reader.errors import LibraryTooNew, ReaderError
from reader.paths import LibraryPaths
from reader.store import backup, db, health, migrations
from reader.store.importer import file_sha256, import_file
from reader.store.lock import LibraryLock, WaitFn
from reader.store.repair_report import ProgressFn, RepairReport, say
from reader.store.salvage import salvage_file, table_columns
from reader.store.tx import transaction

MAIN_TABLES = ("sources", "posts", "comments", "revisions", "meta")
USER_TABLES = ("user_meta", "annotations", "bookmarks", "read_state")


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
        say(progress, "Setting the damaged files aside")
        main_old = _move_aside(paths.database, aside, report) if main_problem else None
        user_old = _move_aside(paths.user_data, aside, report) if user_problem else None
        _build(paths, report, main_old, user_old, progress)
    return report


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
            salvage_file(conn, main_old, MAIN_TABLES, "main", report, progress)
        if user_old is not None:
            salvage_file(conn, user_old, USER_TABLES, "user", report, progress)
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
    columns = table_columns(conn, "main", "comments")
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
        say(progress, f"Checking {path.name}", index / max(1, len(wanted)))
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

    say(progress, "Replaying the journal of annotations")
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
