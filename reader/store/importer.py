"""Importing one dump file into the store: all-or-nothing, idempotent, merging overlapping dumps.

Every file is one transaction.  Posts are matched by their stable id (date + normalised title),
comments by theirs (post, parent, normalised text, rank among identical siblings; or, when the
format names the comment -- a WordPress comment_id, a Disqus id, a Message-ID -- post and that
name, so an edited comment in a newer export is the same comment), so importing
the same file twice writes nothing, a listing page and a post's own page become one post, and a
later dump of a post adds exactly the comments that are new.  Comments a later dump no longer
shows are flagged ``vanished`` and kept (a page cut at "Load more..." flags none: it shows only
the first comments); a comment later replaced by Blogger's deletion placeholder keeps its id
and its text and is flagged ``removed``.  A different text for a stored item is never written
over the old one: it becomes a revision (``reader.store.revisions``), shown or, when it looks
damaged, kept aside.

Each import bumps the library's change stamp and writes it on every row it touches, so the
search index can catch up on exactly what changed.  A comment's stamp never runs ahead of its
post's (stamping a comment always stamps its post): only posts' stamps are indexed, and readers
find changed comments through their posts.

This module is the file's side: one read, one transaction, its ``sources`` row and the
outcome.  The work is shared out: ``import_batch`` (the state and the rows queued),
``post_merge`` and ``comment_merge`` (matching and merging), ``import_result`` (the report).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from reader import formats
from reader.errors import DumpError, ReaderError
from reader.store import revisions
from reader.store.import_batch import ImportBatch
from reader.store.import_result import ImportResult
from reader.store.post_merge import add_post
from reader.store.tx import transaction

ProgressFn = Callable[[float | None, str], None]


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


class Cancelled(ReaderError):
    """The user cancelled; the file's transaction was rolled back."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    conn: sqlite3.Connection,
    path: Path,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
    found_in_folder: bool = False,
) -> ImportResult:
    """Import one file in one transaction; never raises for bad input, reports it instead.

    ``found_in_folder``: the user named a folder, not this file, so a file in no known format
    (a README, an image) is skipped rather than reported as a failure.
    """
    path = Path(path)
    result = ImportResult(path=path)
    source: formats.SourceFile | None = None
    try:
        size = path.stat().st_size
        # One read of the file: the first block picks the format, the parser streams the
        # rest, and the SHA-256 is taken as the bytes go by (reader.formats.source).
        source = formats.SourceFile(path)
        try:
            fmt = formats.detect_head(source.head, path)
        except DumpError as exc:
            if found_in_folder:
                result.skipped, result.error = True, exc.message
                return result
            raise
        report = formats.ParseReport(format=fmt.NAME, path=path)
        with transaction(conn):
            stamp = (
                int(conn.execute("SELECT value FROM meta WHERE key = 'change_stamp'").fetchone()[0])
                + 1
            )
            source_id = _begin_source(conn, path, fmt.NAME)
            batch = ImportBatch(conn, result, source_id, stamp)
            for post in fmt.parse(source.stream, report):
                if cancel is not None and cancel.is_set():
                    raise Cancelled(f"{path}: cancelled")
                add_post(batch, post)
                if progress is not None:
                    progress(source.position / size if size else None, str(path))
            batch.flush()
            report.close()
            if result.posts == 0:
                raise DumpError(path, "no posts found")
            result.stamp = stamp
            if result.changed:
                conn.execute("UPDATE meta SET value = ? WHERE key = 'change_stamp'", [str(stamp)])
            result.sha256 = source.sha256()
            source_id = _settle_source(conn, source_id, result.sha256)
            _finish_source(conn, source_id, result, report)
        result.ok = True
        result.format = report.format
        result.encoding = report.encoding
        result.warnings = list(report.warnings)
    except Cancelled:
        result.cancelled = True
        result.changed_post_ids.clear()
        result.added_post_ids.clear()
        result.revised.clear()
    except DumpError as exc:
        result.error = str(exc)
        result.line = exc.line
        result.changed_post_ids.clear()
        result.added_post_ids.clear()
        result.revised.clear()
    except (OSError, UnicodeError) as exc:
        result.error = f"{path}: cannot read ({exc})"
        result.changed_post_ids.clear()
        result.added_post_ids.clear()
        result.revised.clear()
    except sqlite3.OperationalError as exc:
        if "full" not in str(exc):
            raise
        # SQLITE_FULL: the transaction was rolled back, the library is as it was
        result.error = f"{path}: not imported: the disk is full ({exc}); nothing was changed"
        result.changed_post_ids.clear()
        result.added_post_ids.clear()
        result.revised.clear()
    finally:
        if source is not None:
            source.close()
    return result


def _begin_source(conn: sqlite3.Connection, path: Path, fmt: str) -> int:
    """A sources row for a file being read; its SHA-256 is known only once it has been read,
    so the row starts with a placeholder that ``_settle_source`` replaces."""
    cursor = conn.execute(
        "INSERT INTO sources(path, sha256, format, encoding, imported_at, outcome)"
        " VALUES (?, 'reading:' || lower(hex(randomblob(8))), ?, '', ?, 'importing')",
        [str(path), fmt, revisions.now_iso()],
    )
    return int(cursor.lastrowid or 0)


def _settle_source(conn: sqlite3.Connection, source_id: int, sha: str) -> int:
    """Give the row its SHA-256; a file imported before keeps its first row (what this import
    wrote is moved onto it)."""
    row = conn.execute("SELECT id FROM sources WHERE sha256 = ?", [sha]).fetchone()
    if row is None:
        conn.execute("UPDATE sources SET sha256 = ? WHERE id = ?", [sha, source_id])
        return source_id
    existing = int(row[0])
    for table in ("posts", "comments", "revisions"):
        conn.execute(f"UPDATE {table} SET source_id = ? WHERE source_id = ?", [existing, source_id])
    conn.execute("DELETE FROM sources WHERE id = ?", [source_id])
    return existing


def _finish_source(
    conn: sqlite3.Connection, source_id: int, result: ImportResult, report: formats.ParseReport
) -> None:
    conn.execute(
        "UPDATE sources SET path = ?, format = ?, encoding = ?, imported_at = ?, posts = ?,"
        " posts_new = ?, posts_merged = ?, comments = ?, comments_new = ?, outcome = ?,"
        " message = ? WHERE id = ?",
        [
            str(result.path),
            report.format,
            report.encoding,
            revisions.now_iso(),
            result.posts,
            result.posts_new,
            result.posts_merged,
            result.comments,
            result.comments_new,
            "imported" if result.changed else "unchanged",
            "; ".join(report.warnings) or None,
            source_id,
        ],
    )


def expand_paths(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """(file, found_in_folder) for files given directly and every regular file below given
    folders, in a stable order; hidden files inside folders are left out."""
    files: list[tuple[Path, bool]] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(
                (p, True)
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            files.append((path, False))
    return files
