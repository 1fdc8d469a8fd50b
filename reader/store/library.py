"""The library: one folder, one SQLite store, and the operations the CLI and the window share.

Both front ends are thin layers over this class (the sqlite-utils way: the work lives in the
library, ``cli.py`` and ``ui/`` only translate).  One ``Library`` object belongs to one thread;
a background worker opens its own with ``Library.open(paths)``.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.changes import Changes, Saved
from reader.model import Post
from reader.paths import LibraryPaths
from reader.store import queries
from reader.store.db import open_connection
from reader.store.importer import (
    CancelFlag,
    ImportResult,
    ProgressFn,
    expand_paths,
    import_file,
)

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["ImportResult", "Library"]


class Library:
    """A library folder opened for reading and writing."""

    def __init__(self, paths: LibraryPaths, conn: sqlite3.Connection) -> None:
        self.paths = paths
        self.conn = conn

    @classmethod
    def open(cls, library: LibraryPaths | str | Path | None = None) -> Library:
        paths = library if isinstance(library, LibraryPaths) else LibraryPaths.resolve(library)
        paths.ensure()
        return cls(paths, open_connection(paths.database))

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection, for scripts; imported only when asked for."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------

    def import_file(
        self,
        path: Path | str,
        *,
        progress: ProgressFn | None = None,
        cancel: CancelFlag | None = None,
    ) -> ImportResult:
        """Import one file, all-or-nothing; bad input comes back as ``result.error``.

        ``result.changes`` is what it changed: hand it (with the other files') to
        ``reader.derived.bring_up_to_date`` once the writes are done.
        """
        return import_file(self.conn, Path(path), progress=progress, cancel=cancel)

    def import_paths(
        self,
        paths: Iterable[Path | str],
        *,
        progress: ProgressFn | None = None,
        cancel: CancelFlag | None = None,
    ) -> Iterator[ImportResult]:
        """Import files and folders (recursively), one transaction per file, yielding as each
        file commits so callers can refresh early (``result.changes``)."""
        for path, found_in_folder in expand_paths(Path(p) for p in paths):
            if cancel is not None and cancel.is_set():
                return
            yield import_file(
                self.conn, path, progress=progress, cancel=cancel, found_in_folder=found_in_folder
            )

    def mark_thread_read(self, post_id: str, last_comment_id: str | None = None) -> Saved[int]:
        """Clear the thread's *new* marks and remember the position; the value is how many
        comments were new."""
        cleared = queries.mark_thread_read(self.conn, post_id, last_comment_id)
        return Saved(cleared, Changes(read=frozenset({post_id})))

    # -- reading -----------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return bool(self.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM posts)").fetchone()[0])

    def post_summaries(self) -> list[queries.PostSummary]:
        return queries.post_summaries(self.conn)

    def thread(self, post_id: str) -> Post:
        return queries.load_post(self.conn, post_id)

    def item(self, item_id: str) -> queries.ItemRef:
        return queries.item(self.conn, item_id)

    def stats(self) -> dict[str, int]:
        return queries.stats(self.conn)

    def change_stamp(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'change_stamp'").fetchone()
        return int(row[0])

    def dump(self) -> Iterator[dict[str, Any]]:
        return queries.dump(self.conn)
