"""What other programs changed in a library, told from its change stamps.

The window watches its library while it is open, so a bookmark made with ``archive-reader
bookmarks add`` or a dump imported from a terminal shows up without a restart.  Every import
bumps ``meta.change_stamp`` and stamps each post it touches; every write to annotations or
bookmarks bumps ``annotation_stamp`` in the user-data file, where they live (triggers there:
``reader.store.userdata``).  Comparing those with what
was seen last gives the threads that changed, exactly, and whether any mark changed (which
ones is not recorded, so the answer is ``Changes.marks_unknown``).  Two small queries when
nothing changed: cheap enough to ask every second or two.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from reader.changes import NOTHING, Changes
from reader.store import userdata


@dataclass(frozen=True, slots=True)
class Seen:
    """The stamps of a library at one moment, and the threads it had (``None``: not read yet,
    see ``seen_now``)."""

    change: int
    annotations: int
    posts: frozenset[str] | None = None


def _stamp(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return int(row[0]) if row else 0


def _marks_stamp(conn: sqlite3.Connection) -> int:
    """Moves on every write to annotations or bookmarks, whichever program made it."""
    return userdata.stamp(conn, "annotation_stamp")


def seen_now(conn: sqlite3.Connection) -> Seen:
    """The library's stamps now: a starting point for ``changes_since``, cheap enough for a
    window's start-up.  The threads it has are read at the first change found (the ones not
    stamped since): a thread another program changed in between counts as added then."""
    return Seen(_stamp(conn, "change_stamp"), _marks_stamp(conn))


def changes_since(conn: sqlite3.Connection, seen: Seen) -> tuple[Changes, Seen]:
    """What changed since ``seen``, and the new ``Seen``."""
    change, annotations = _stamp(conn, "change_stamp"), _marks_stamp(conn)
    if change == seen.change and annotations == seen.annotations:
        return NOTHING, seen
    touched = {
        row[0] for row in conn.execute("SELECT id FROM posts WHERE stamp > ?", [seen.change])
    }
    known = seen.posts
    if known is None:
        rows = conn.execute("SELECT id FROM posts WHERE stamp <= ?", [seen.change])
        known = frozenset(row[0] for row in rows)
    added = frozenset(touched - known)
    changes = Changes(
        posts_added=added,
        posts_changed=frozenset(touched) - added,
        marks_unknown=annotations != seen.annotations,
    )
    return changes, Seen(change, annotations, known | added)
