"""Opening a library's database: the connection, its pragmas, the attached user-data file.

Each thread opens its own connection (SQLite connections must not cross threads); WAL lets the
window and the command line read while a background import writes, and opening never writes
(migrations run only when some are pending, under the library lock: see ``Library.open``), so
a reader never waits behind a writer.

Read-only libraries (a read-only folder, a mounted backup, a shared drive) open with
``mode=ro``, or ``immutable=1`` when SQLite cannot even create its shared-memory file there;
``PRAGMA query_only`` then turns any write into an error that ``reader.store.tx`` reports as
"the library at PATH is read-only".
"""

from __future__ import annotations

import sqlite3
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

from reader.store import migrations, userdata

if TYPE_CHECKING:
    import sqlite_utils

PAGE_SIZE = 8192
BUSY_TIMEOUT_MS = 30000


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"file:{urllib.parse.quote(str(path))}" + (f"?{query}" if query else "")


def connect(path: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the library database with the pragmas every connection needs; nothing
    is written (not even for a new file, beyond what SQLite does to create it)."""
    path = Path(path)
    if read_only:
        return _connect_read_only(path)
    new = not path.exists() or path.stat().st_size == 0
    conn = sqlite3.connect(
        _uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
        isolation_level=None,
    )  # fmt: skip
    if new:
        # Comments average ~500 bytes; 8 KiB pages hold more of them per page and cut the
        # import's B-tree work by ~8% (measured with bench/import.py).  Only settable at creation.
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
    # isolation_level=None: autocommit; writers open explicit transactions (reader.store.tx)
    # so a file's import is all-or-nothing.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    _common(conn)
    return conn


def _connect_read_only(path: Path) -> sqlite3.Connection:
    def attempt(**params: str) -> sqlite3.Connection:
        conn = sqlite3.connect(
            _uri(path, **params), uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False, isolation_level=None,
        )  # fmt: skip
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    try:
        conn = attempt(mode="ro")
    except sqlite3.OperationalError:
        # A WAL database in a folder where SQLite cannot create its -shm file: read the file
        # as it is (a cleanly closed library has nothing left in a -wal file).
        conn = attempt(immutable="1")
    conn.execute("PRAGMA query_only=1")
    _common(conn)
    return conn


def _common(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # an import's index pages stay in memory


CACHE_KIB = 65536
"""The page cache of a connection (64 MiB); ``Library.release_memory`` lowers it after an
import and the next import raises it again."""


def attach_user_data(conn: sqlite3.Connection, path: Path, *, read_only: bool = False) -> None:
    """Attach the user-data file (``reader.store.userdata``) as ``user``."""
    userdata.attach(conn, Path(path), read_only=read_only)


def open_connection(
    path: Path | str, *, migrate: bool = True, read_only: bool = False
) -> sqlite3.Connection:
    """A connection to the library database at ``path`` with its user-data file attached,
    migrated to this version when ``migrate`` (for scripts and tests; the program opens
    libraries with ``Library.open``, which adds locking, checks and backups)."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path, read_only=read_only)
    attach_user_data(conn, path.with_name("userdata.sqlite"), read_only=read_only)
    if migrate and not read_only and migrations.pending(conn):
        migrations.apply(conn)
    return conn


def open_database(path: Path | str, *, migrate: bool = True) -> sqlite_utils.Database:
    """The same connection wrapped in sqlite-utils, for scripts and ad-hoc inspection.

    sqlite-utils costs ~100 ms to import, a third of the window's start-up, so the program's
    own paths use the plain connection and import it only here.
    """
    import sqlite_utils

    return sqlite_utils.Database(open_connection(path, migrate=migrate))
