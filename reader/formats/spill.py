"""Parsed records parked on disk until their thread is complete: bounded memory for formats
whose threads are scattered through the file.

A Blogger backup lists every post before any comment, a Disqus export every thread before any
post, and an mbox can only be threaded once every message has been seen.  Holding a 500 MB
export's records in memory would take well over a gigabyte, so parsers put each finished record
(a pickled ``ParsedPost``/``ParsedComment``, our own objects, never foreign data) in a
temporary SQLite file under a group key, then read one group back at a time.  The file lives in
the system's temporary folder and is deleted on ``close`` (and by the OS if we are killed).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import Any

_BATCH = 2000


class Spill:
    """Records under group keys; ``groups()`` gives keys in first-seen order."""

    def __init__(self) -> None:
        handle, self._name = tempfile.mkstemp(prefix="archive-reader-spill-", suffix=".db")
        os.close(handle)
        self._db = sqlite3.connect(self._name, isolation_level=None)
        self._db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA cache_size = -16000;
            CREATE TABLE records (seq INTEGER PRIMARY KEY, grp TEXT NOT NULL, data BLOB);
            CREATE TABLE groups (grp TEXT PRIMARY KEY, first INTEGER NOT NULL);
            """
        )
        self._pending: list[tuple[str, bytes]] = []
        self._seen: set[str] = set()
        self._indexed = False
        self.count = 0

    def add(self, group: str, record: Any) -> None:
        """Park ``record`` under ``group``."""
        self._pending.append((group, pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)))
        self.count += 1
        if len(self._pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        self._db.execute("BEGIN")
        for group, data in self._pending:
            cursor = self._db.execute("INSERT INTO records(grp, data) VALUES (?, ?)", (group, data))
            if group not in self._seen:
                self._db.execute(
                    "INSERT OR IGNORE INTO groups(grp, first) VALUES (?, ?)",
                    (group, cursor.lastrowid),
                )
                self._seen.add(group)
        self._db.execute("COMMIT")
        self._seen.clear()  # the table now remembers them
        self._pending.clear()

    def _ready(self) -> None:
        self._flush()
        if not self._indexed:
            self._db.execute("CREATE INDEX records_grp ON records(grp, seq)")
            self._indexed = True

    def groups(self) -> Iterator[str]:
        """Every group key, in the order its first record arrived."""
        self._ready()
        for (group,) in self._db.execute("SELECT grp FROM groups ORDER BY first"):
            yield group

    def group(self, key: str) -> list[Any]:
        """The records of one group, in the order they were added."""
        self._ready()
        return [
            pickle.loads(data)
            for (data,) in self._db.execute(
                "SELECT data FROM records WHERE grp = ? ORDER BY seq", (key,)
            )
        ]

    def close(self) -> None:
        try:
            self._db.close()
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self._name)

    def __enter__(self) -> Spill:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
