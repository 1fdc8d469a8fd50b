"""The reader's marks as this window shows them: stored, with its pending writes overlaid.

Why an overlay: a highlight, note or bookmark is written on the runner's writer thread
(``StoreWrites``), which may be busy with an import for a while; the window shows the change
the moment it is made.  Every view reads marks through this one object, so the posts list,
the thread tree, the reading pane and the panels agree before and after the write lands.
Call from the GUI thread.  ``reader.annotate`` is imported on first use, not with the window
(~50 ms of start-up that nothing on the first screen needs).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from reader.model import Annotation, Bookmark

if TYPE_CHECKING:
    from types import ModuleType

    from reader.store import Library
    from reader.ui.writes import StoreWrites

ORPHAN = "orphan"  # reader.annotate.anchoring.ORPHAN, without importing it at start


def _notes() -> ModuleType:
    from reader.annotate import store

    return store


class MarksReader:
    """Reads annotations and bookmarks with the pending writes' effects applied."""

    def __init__(self, library: Library, writes: StoreWrites) -> None:
        self.library = library
        self.writes = writes

    def _pending(self, kind: str) -> Iterable[tuple[Any, Any]]:
        for write in self.writes.pending:
            if write.effect is not None and write.effect[0] == kind:
                yield write.effect[1], write.effect[2]

    def overlay_annotations(self, found: Iterable[Annotation]) -> list[Annotation]:
        """``found`` (read from the store) as it will be once pending writes land."""
        result = {a.id: a for a in found}
        for before, after in self._pending("annotation"):
            if after is None:
                result.pop(before.id, None)
            else:
                result[after.id] = after
        return list(result.values())

    def overlay_bookmarks(self, found: Iterable[Bookmark]) -> list[Bookmark]:
        """Like ``overlay_annotations``, keyed by item (one bookmark per item)."""
        result = {b.item_id: b for b in found}
        for before, after in self._pending("bookmark"):
            if after is None:
                result.pop(before.item_id, None)
            else:
                result[after.item_id] = after
        return list(result.values())

    def post_annotations(self, post_id: str) -> list[Annotation]:
        """One thread's annotations, placed in its current text, pending writes included."""
        conn = self.library.conn
        listed = self.overlay_annotations(_notes().annotations_for_post(conn, post_id))
        return [a for a in listed if a.post_id == post_id]

    def library_annotations(self, *, orphans: bool = False) -> list[Annotation]:
        """Every annotation as last stored (orphans only if asked), pending writes included."""
        listed = self.overlay_annotations(
            _notes().list_annotations(self.library.conn, orphans=orphans)
        )
        return [a for a in listed if not orphans or a.state == ORPHAN]

    def post_bookmarks(self, post_id: str) -> list[Bookmark]:
        listed = self.overlay_bookmarks(_notes().bookmarks_for_post(self.library.conn, post_id))
        return [b for b in listed if b.post_id == post_id]

    def library_bookmarks(self) -> list[Bookmark]:
        """Every bookmark, newest first."""
        listed = self.overlay_bookmarks(_notes().list_bookmarks(self.library.conn))
        return sorted(listed, key=lambda b: (b.created is None, b.created), reverse=True)

    def bookmarked_posts(self) -> set[str]:
        """Threads with a bookmark on the post or any comment."""
        return {b.post_id for b in self.library_bookmarks()}
