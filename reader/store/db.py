"""Opening a library database: pragmas every connection needs, then pending migrations.

Each thread opens its own connection (SQLite connections must not cross threads); WAL lets the
window read while a background import writes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from reader.store import migrations

if TYPE_CHECKING:
    import sqlite_utils


def open_connection(path: Path | str, *, migrate: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the library database at ``path``, migrated to this version."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
    if new:
        # Comments average ~500 bytes; 8 KiB pages hold more of them per page and cut the
        # import's B-tree work by ~8% (measured with bench/import.py).  Only settable at creation.
        conn.execute("PRAGMA page_size=8192")
    # isolation_level=None: autocommit; writers open explicit transactions (BEGIN IMMEDIATE)
    # so a file's import is all-or-nothing.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA cache_size=-65536")  # 64 MiB: an import's index pages stay in memory
    if migrate:
        migrations.apply(conn)
    return conn


def open_database(path: Path | str, *, migrate: bool = True) -> sqlite_utils.Database:
    """The same connection wrapped in sqlite-utils, for scripts and ad-hoc inspection.

    sqlite-utils costs ~100 ms to import, a third of the window's start-up, so the program's
    own paths use the plain connection and import it only here.
    """
    import sqlite_utils

    return sqlite_utils.Database(open_connection(path, migrate=migrate))
