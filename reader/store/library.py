"""The library: one folder, one SQLite store, and the operations the CLI and the window share.

Both front ends are thin layers over this class (the sqlite-utils way: the work lives in the
library, ``cli.py`` and ``ui/`` only translate).  One ``Library`` object belongs to one thread;
a background worker opens its own with ``Library.open(paths)``.

What ``open`` guarantees, so no caller has to think about it:

* it never writes unless it must (a new library, pending migrations), and then only under the
  library lock (``reader.store.lock``): readers never wait behind an import, and two first
  imports cannot race to create the schema;
* a damaged or foreign database, or a missing one where the folder shows a library existed,
  raises ``LibraryDamaged`` with one line naming the file and ``archive-reader repair``;
* a folder or file this process cannot write opens read-only (``read_only``): reading works,
  every write raises ``LibraryReadOnly``;
* a backup is taken before any migration (``reader.store.backup``).

Writes to the library database (imports, choosing a revision) hold the library lock, waiting
for another writer with a message (``on_wait``); writes of user data (``reader.annotate``,
``mark_thread_read``) touch only the user-data file and never wait for either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.changes import NOTHING, Changes, Saved
from reader.errors import LibraryDamaged, LibraryError, LibraryReadOnly, LibraryTooNew
from reader.model import Post
from reader.paths import LibraryPaths
from reader.store import db, health, migrations, queries, userdata
from reader.store.import_result import ImportResult
from reader.store.lock import LibraryLock, WaitFn
from reader.store.tx import transaction

if TYPE_CHECKING:
    import sqlite_utils

    from reader.store import backup
    from reader.store.importer import CancelFlag, ProgressFn

__all__ = ["ImportResult", "Library"]


def _print_wait(message: str) -> None:
    import sys

    print(f"archive-reader: {message}", file=sys.stderr, flush=True)


class Library:
    """A library folder opened for reading (and writing, unless ``read_only``)."""

    def __init__(
        self,
        paths: LibraryPaths,
        conn: sqlite3.Connection,
        *,
        read_only: bool = False,
        on_wait: WaitFn | None = None,
    ) -> None:
        self.paths = paths
        self.conn = conn
        self.read_only = read_only
        self.on_wait = on_wait

    @classmethod
    def open(
        cls,
        library: LibraryPaths | str | Path | None = None,
        *,
        read_only: bool | None = None,
        on_wait: WaitFn | None = _print_wait,
    ) -> Library:
        """Open (creating if the folder is empty) the library; see the module doc.

        ``read_only``: None decides from the folder's permissions.  ``on_wait`` is told (once)
        when another process's import or upgrade makes this one wait; by default a line on
        stderr.
        """
        paths = library if isinstance(library, LibraryPaths) else LibraryPaths.resolve(library)
        ro = (not health.writable(paths)) if read_only is None else read_only
        if not ro:
            try:
                paths.ensure()
            except OSError:
                ro = True
        new = health.check_files(paths)
        if ro:
            if new:
                raise LibraryError(
                    f"there is no library at {paths.root}, and it cannot be made there"
                    " (the folder is read-only)",
                    paths.root,
                )
            return cls(paths, _open_read_only(paths), read_only=True, on_wait=on_wait)
        if new:
            with LibraryLock(paths.lock, "the creation of the library", on_wait=on_wait):
                health.check_files(paths)  # another process may have made it meanwhile
                conn = _open_writable(paths, on_wait, locked=True)
        else:
            conn = _open_writable(paths, on_wait, locked=False)
        return cls(paths, conn, on_wait=on_wait)

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

    def _check_writable(self) -> None:
        if self.read_only:
            raise LibraryReadOnly(f"the library at {self.paths.root} is read-only", self.paths.root)

    def writer_lock(self, purpose: str) -> LibraryLock:
        """The library lock for a write to the library database (see ``reader.store.lock``)."""
        self._check_writable()
        return LibraryLock(self.paths.lock, purpose, on_wait=self.on_wait)

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
        with self.writer_lock("the import"):
            self._import_cache()
            self.backup_if_due(progress)
            from reader.store.importer import import_file  # (not needed to open and read)

            result = import_file(self.conn, Path(path), progress=progress, cancel=cancel)
        return self._after_import(result)

    def _after_import(self, result: ImportResult) -> ImportResult:
        """Note the source in the journal, so ``repair`` finds it even if the library database
        is lost.  (Re-anchoring and the index follow ``result.changes`` in the one post-commit
        step, ``reader.derived.bring_up_to_date``.)"""
        if result.ok and result.changed:
            self._journal_source(result)
        return result

    def _journal_source(self, result: ImportResult) -> None:
        entry = {
            "v": 1,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "op": "put",
            "kind": "source",
            "record": {"path": str(Path(result.path).resolve()), "sha256": result.sha256,
                       "format": result.format},
        }  # fmt: skip
        try:
            userdata.append_journal(self.paths.journal, [entry])
        except OSError as exc:  # the import itself is committed; only repair's hint is lost
            result.warnings.append(f"{self.paths.journal}: cannot note the source ({exc})")

    def import_paths(
        self,
        paths: Iterable[Path | str],
        *,
        progress: ProgressFn | None = None,
        cancel: CancelFlag | None = None,
    ) -> Iterator[ImportResult]:
        """Import files and folders (recursively), one transaction per file, yielding as each
        file commits so callers can refresh early (``result.changes``).

        Each file is imported under the library lock (waiting for another writer, with
        ``on_wait``); before the first, a backup is taken if none was in the last day.
        """
        from reader.store.importer import expand_paths, import_file

        self._check_writable()
        first = True
        for path, found_in_folder in expand_paths(Path(p) for p in paths):
            if cancel is not None and cancel.is_set():
                return
            with self.writer_lock("the import"):
                if first:
                    first = False
                    self._import_cache()
                    self.backup_if_due(progress)
                result = import_file(
                    self.conn,
                    path,
                    progress=progress,
                    cancel=cancel,
                    found_in_folder=found_in_folder,
                )
            yield self._after_import(result)

    def backup_if_due(self, progress: ProgressFn | None = None) -> backup.Backup | None:
        """The daily backup before an import: taken if the newest is a day old (or none);
        then the journal is compacted if it has grown long with history (under the writer
        lock the import holds)."""
        from reader.store import backup

        if self.is_empty() or not backup.due(self.paths):
            return None
        taken = backup.take(self.conn, self.paths, progress=progress)
        from reader.annotate import journal

        journal.compact_if_due(self.conn, self.paths.journal)
        return taken

    def use_revision(self, item_id: str, number: int) -> Saved[str]:
        """Show revision ``number`` of a post or comment from now on (the user chose it); the
        value is its post id, and the thread is in ``changes.posts_changed`` when the shown
        text changed (so ``bring_up_to_date`` re-anchors and re-indexes it).

        The choice is what only the user made, so it is journaled too (synced before the
        commit; a journal that cannot be written leaves the library unchanged): ``repair``
        makes the same choice again, found by its text, whatever number it gets then."""
        from reader.annotate import journal
        from reader.store import revisions  # (not needed to open and read: start-up)

        with self.writer_lock("a change of text"), transaction(self.conn):
            stamp = self.change_stamp() + 1
            post_id, changed = revisions.use(self.conn, item_id, number, stamp)
            if changed:
                self.conn.execute(
                    "UPDATE meta SET value = ? WHERE key = 'change_stamp'", [str(stamp)]
                )
                text = revisions.text_of(self.conn, item_id, number) or ""
                try:
                    userdata.append_journal(
                        self.paths.journal, [journal.put_revision_choice(item_id, number, text)]
                    )
                except OSError as exc:
                    raise LibraryError(
                        f"{self.paths.journal}: cannot write the journal"
                        f" ({exc.strerror or exc}); nothing was changed",
                        self.paths.root,
                    ) from None
        changes = Changes(posts_changed=frozenset({post_id})) if changed else NOTHING
        return Saved(post_id, changes)

    def _import_cache(self) -> None:
        """The full page cache again, if ``release_memory`` lowered it after an import."""
        self.conn.execute(f"PRAGMA cache_size=-{db.CACHE_KIB}")

    def release_memory(self) -> None:
        """Give the import's page cache (64 MiB) back to the system before the index builders
        start: they read the store in processes of their own, and the memory of every process
        counts (issue 14: a 300 MB import within 400 MB summed over all of them).
        ``reader.search.update_after_import`` calls it, so the CLI and the window both do."""
        self.conn.execute("PRAGMA cache_size=-2000")
        self.conn.execute("PRAGMA shrink_memory")
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("c")
        with contextlib.suppress(OSError, AttributeError, TypeError):
            # glibc keeps freed memory in its heap unless asked to return it
            ctypes.CDLL(name).malloc_trim(0)

    def mark_thread_read(self, post_id: str, last_comment_id: str | None = None) -> Saved[int]:
        """Clear the thread's *new* marks and remember the position; writes only the user-data
        file.  The value is how many comments were new."""
        from reader.annotate.reading import mark_thread_read

        cleared = mark_thread_read(self.conn, post_id, last_comment_id)
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


# -- opening -----------------------------------------------------------------------------------


def _check_schema(conn: sqlite3.Connection, paths: LibraryPaths) -> set[str] | None:
    """Whether the database reads and is ours: the recorded migrations (None for a new, empty
    database).  Raises ``LibraryDamaged`` (foreign) or ``LibraryTooNew``."""
    names = {row[0] for row in conn.execute("SELECT name FROM main.sqlite_master")}
    done = migrations.recorded(conn)
    if done is None:
        if names:
            raise LibraryDamaged(
                f"{paths.database} is an SQLite database but not an Archive Reader library"
                " (it has no migrations table); choose another --library folder, or "
                + health.repair_hint(paths),
                paths.root,
            )
        return None
    unknown = done - migrations.KNOWN
    if unknown:
        raise LibraryTooNew(
            f"the library at {paths.root} was upgraded by a newer version of Archive Reader"
            f" ({', '.join(sorted(unknown))}); install that version to open it",
            paths.root,
        )
    return done


def _user_data_missing(paths: LibraryPaths, done: set[str] | None) -> bool:
    """The user-data file should exist (the library was made after it was split out) and does
    not, while the journal shows the user made something: a case for ``repair``."""
    if done is None or "006_user_data_file" not in done:
        return False
    exists = paths.user_data.exists() and paths.user_data.stat().st_size > 0
    journal = paths.journal.exists() and paths.journal.stat().st_size > 0
    return not exists and journal


def _open_writable(
    paths: LibraryPaths, on_wait: WaitFn | None, *, locked: bool
) -> sqlite3.Connection:
    conn = None
    file = paths.database
    try:
        conn = db.connect(paths.database)
        done = _check_schema(conn, paths)
        if _user_data_missing(paths, done):
            raise LibraryDamaged(
                f"the user-data file {paths.user_data} (annotations, bookmarks, read marks) is"
                " missing; the journal still has them: " + health.repair_hint(paths),
                paths.root,
            )
        file = paths.user_data
        db.attach_user_data(conn, paths.user_data)
        userdata_rows = conn.execute("SELECT count(*) FROM user.user_meta").fetchone()
        file = paths.database
        if migrations.pending(conn):
            lock = (
                contextlib.nullcontext()
                if locked
                else LibraryLock(paths.lock, "an upgrade of the library", on_wait=on_wait)
            )
            with lock:
                if migrations.pending(conn):
                    if done:  # an existing library: keep a copy of it as it was
                        from reader.store import backup

                        backup.take(conn, paths)
                    applied = migrations.apply(conn)
                    if "006_user_data_file" in applied:
                        _start_journal(conn, paths)
        elif userdata_rows and not paths.journal.exists():
            _start_journal(conn, paths)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        if file == paths.database:
            message = health.diagnose(paths, exc)
        else:
            message = health.damaged_message(paths, file, exc)
        raise LibraryDamaged(message, paths.root) from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return conn


def _start_journal(conn: sqlite3.Connection, paths: LibraryPaths) -> None:
    """Begin the journal with what the user data holds now (annotations made before journals
    existed, or after the journal file was lost), so a replay gives all of it back."""
    from reader.annotate import journal

    journal.snapshot(conn)


def _open_read_only(paths: LibraryPaths) -> sqlite3.Connection:
    conn = None
    file = paths.database
    try:
        conn = db.connect(paths.database, read_only=True)
        done = _check_schema(conn, paths)
        if done is None or migrations.pending(conn):
            raise LibraryError(
                f"the library at {paths.root} is read-only and was made by an older version of"
                " Archive Reader; open it once where it can be written to upgrade it",
                paths.root,
            )
        file = paths.user_data
        db.attach_user_data(conn, paths.user_data, read_only=True)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise LibraryDamaged(health.damaged_message(paths, file, exc), paths.root) from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return conn
