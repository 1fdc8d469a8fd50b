"""Online backups of a library into its ``backups/`` folder: before every migration and at most
once a day before an import, the last five kept.

SQLite's online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot while
the library stays open; each backup is a pair of files with one time stamp, the library
database and the user-data file (``library-<stamp>.sqlite``, ``userdata-<stamp>.sqlite``),
each a self-contained rollback-journal database that opens on its own.  A backup is written
under a ``.partial`` name and renamed when complete, so a full disk or a crash leaves no file
that looks like a good backup; ``repair`` still checks each with ``quick_check`` before use.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reader.errors import ReaderError
from reader.paths import LibraryPaths

KEEP = 5
DAILY = dt.timedelta(hours=24)
_NAME = re.compile(r"^library-(\d{8}T\d{6}(?:\d{6})?Z)\.sqlite$")
ProgressFn = Callable[[float | None, str], None]


@dataclass(frozen=True)
class Backup:
    """One backup: the library database and (if it was taken) the user-data file."""

    stamp: str
    library: Path
    user_data: Path | None

    @property
    def taken(self) -> dt.datetime:
        digits = self.stamp.rstrip("Z")
        fmt = "%Y%m%dT%H%M%S%f" if len(digits) > 15 else "%Y%m%dT%H%M%S"
        return dt.datetime.strptime(digits, fmt).replace(tzinfo=dt.UTC)


def list_backups(paths: LibraryPaths) -> list[Backup]:
    """Complete backups, newest first."""
    if not paths.backups.is_dir():
        return []
    found = []
    for path in paths.backups.iterdir():
        match = _NAME.match(path.name)
        if not match:
            continue
        user = path.with_name(f"userdata-{match.group(1)}.sqlite")
        found.append(Backup(match.group(1), path, user if user.exists() else None))
    return sorted(found, key=lambda b: b.stamp, reverse=True)


def due(paths: LibraryPaths, now: dt.datetime | None = None) -> bool:
    """Whether the daily backup before an import is due (none in the last 24 hours)."""
    backups = list_backups(paths)
    if not backups:
        return True
    now = now or dt.datetime.now(dt.UTC)
    return now - backups[0].taken >= DAILY


def _copy(conn: sqlite3.Connection, schema: str, target: Path, progress: ProgressFn | None) -> None:
    partial = target.with_name(target.name + ".partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    dest = sqlite3.connect(str(partial))
    try:

        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None and total:
                progress(1 - remaining / total, f"Backing up {target.name}")

        conn.backup(dest, pages=4096, name=schema, progress=step)
        # The copy carries the library's WAL flag; a backup is one self-contained file.
        dest.execute("PRAGMA journal_mode=DELETE")
        dest.close()
        os.replace(partial, target)
    except BaseException:
        dest.close()
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def take(
    conn: sqlite3.Connection,
    paths: LibraryPaths,
    *,
    progress: ProgressFn | None = None,
    keep: int = KEEP,
) -> Backup:
    """Back up the library (``main``) and the user-data file (``user``) of ``conn``, then drop
    all but the newest ``keep`` backups.  ``ReaderError`` (nothing half-written left) when the
    folder cannot hold it."""
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    library = paths.backups / f"library-{stamp}.sqlite"
    user = paths.backups / f"userdata-{stamp}.sqlite"
    try:
        paths.backups.mkdir(parents=True, exist_ok=True)
        # user data first: the library file's presence is what makes a backup count
        has_user = any(r[1] == "user" for r in conn.execute("PRAGMA database_list"))
        if has_user:
            _copy(conn, "user", user, progress)
        _copy(conn, "main", library, progress)
    except (OSError, sqlite3.Error) as exc:
        for path in (library, user):
            with contextlib.suppress(OSError):
                path.unlink()
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ReaderError(
            f"{paths.backups}: cannot write a backup ({reason}); nothing else was changed"
        ) from None
    prune(paths, keep)
    return Backup(stamp, library, user if has_user else None)


def prune(paths: LibraryPaths, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` backups (and stray ``.partial`` files); returns what
    was deleted."""
    removed = []
    for backup in list_backups(paths)[keep:]:
        for path in (backup.library, backup.user_data):
            if path is not None:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    if paths.backups.is_dir():
        for path in paths.backups.glob("*.partial"):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed
