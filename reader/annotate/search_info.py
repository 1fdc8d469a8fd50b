"""Notes, bookmarks and highlight colours as the search index sees them.

Plugged into ``reader.search`` (``set_item_info_provider``) so ``note:word``, ``is:bookmarked``,
``is:annotated`` and ``color:yellow`` work; the stamp comes from triggers in the user-data file
(``reader.store.userdata``), so a change made by any writer — the window, the CLI, a W3C
import, a repair — is noticed by the index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from reader.annotate.store import notes_and_flags
from reader.search.source import ItemInfo


class AnnotationSearchInfo:
    """The ``ItemInfoProvider`` over the annotations and bookmarks tables."""

    def item_info(
        self, conn: sqlite3.Connection, item_ids: Sequence[str]
    ) -> Mapping[str, ItemInfo]:
        found = notes_and_flags(conn, item_ids)
        return {
            item: ItemInfo(note, frozenset(flags), frozenset(colours))
            for item, (note, flags, colours) in found.items()
            if note or flags or colours
        }

    def annotated_items(self, conn: sqlite3.Connection) -> Iterable[str]:
        rows = conn.execute(
            "SELECT item_id FROM annotations UNION SELECT item_id FROM bookmarks"
        ).fetchall()
        return [row[0] for row in rows]

    def stamp(self, conn: sqlite3.Connection) -> str:
        row = conn.execute(
            "SELECT value FROM user.user_meta WHERE key = 'annotation_stamp'"
        ).fetchone()
        return str(row[0]) if row else "0"


PROVIDER = AnnotationSearchInfo()
