"""The Bookmarks panel: bookmarked posts and comments of the open thread or the whole library.

Newest first for the library (what was marked last is what one looks for), thread order for a
thread.  Choosing a row opens the thread with that comment selected; Delete or the context menu
removes a bookmark, undoably (Ctrl+Z).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from reader.errors import NotFound
from reader.model import Bookmark
from reader.store import queries
from reader.ui.models.marks import BookmarksModel, one_line
from reader.ui.panels.dock import ListDock

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from reader.ui.context import AppContext
    from reader.ui.controllers.annotating import AnnotatingController
    from reader.ui.controllers.thread import ThreadController


def item_title(conn: sqlite3.Connection, item_id: str) -> str:
    """A post's title, or a comment's number and first words."""
    try:
        ref = queries.item(conn, item_id)
    except NotFound:
        return "(no longer in the library)"
    if ref.kind == "post":
        return ref.post_title
    return f"{ref.path}. {one_line(ref.text, 100)}"


class BookmarksPanel(ListDock):
    """Dock listing bookmarks; see the module docstring."""

    noun = "bookmark"
    model: BookmarksModel

    def __init__(
        self,
        ctx: AppContext,
        ctl: AnnotatingController,
        threads: ThreadController,
        parent: QWidget,
    ) -> None:
        super().__init__("Bookmarks", "bookmarks-dock", ctx, ctl, threads, parent)
        conn = ctx.library.conn
        self.model = BookmarksModel(self.where, lambda item: item_title(conn, item), self)
        self._build([])
        self.filter.setPlaceholderText("Filter bookmarks")
        self.size_columns({1: "A post title · comment 12.3", 2: "2024-12-31"})

    def load(self) -> list[Bookmark]:
        if self.library_scope:
            rows = self.ctx.marks.library_bookmarks()
        else:
            post_id = self.current_post_id()
            rows = self._thread_order(self.ctx.marks.post_bookmarks(post_id)) if post_id else []
        needle = self.filter.text().strip().casefold()
        if not needle:
            return rows
        model = self.model
        return [
            b
            for b in rows
            if needle in b.label.casefold()
            or needle in model.title(b).casefold()
            or needle in model.where(b.item_id).casefold()
        ]

    def _thread_order(self, bookmarks: list[Bookmark]) -> list[Bookmark]:
        order = self.threads.model.number_of
        return sorted(bookmarks, key=lambda b: order(b.item_id))

    def key(self, obj: Bookmark) -> str:
        return obj.item_id

    def open_object(self, obj: Bookmark) -> None:
        self.ctl.open_bookmark(obj)

    def delete_object(self, obj: Bookmark) -> None:
        self.ctl.remove_bookmark(obj)

    def menu_for(self, menu: QMenu, obj: Bookmark) -> None:
        menu.addSeparator()
        menu.addAction("Remove Bookmark", lambda: self.ctl.remove_bookmark(obj))
