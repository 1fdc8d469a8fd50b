"""Earlier texts of the open thread's items: the pane's *edited* links, Edit › Earlier Texts….

The one renderer marks an item that has more than one text (``Block.revisions_label``:
*edited*, or *another text kept aside* when a later dump's text looked damaged; see
``reader.store.revisions``) and the pane's writer links it as ``revisions:ITEM_ID``.  Clicking
it, or the menu command on the current item, opens a non-modal ``RevisionsDialog``; its **Show
This Text** is a library write like any other: ``Library.use_revision`` on the writer thread,
whose ``Changes`` (the thread's text changed) reach the views and the post-commit step, which
re-anchors the thread's annotations and re-indexes it.  In a read-only library the dialog only
shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWidgets import QWidget

from reader.changes import Saved
from reader.ui.context import AppContext
from reader.ui.controllers.thread import ThreadController
from reader.ui.reading import ReadingPane
from reader.ui.tasks import Task

if TYPE_CHECKING:
    from reader.store import Library
    from reader.ui.revisions_view import RevisionsDialog


class RevisionsController(QObject):
    """Opens the revisions of an item and makes the reader's choice."""

    def __init__(
        self, ctx: AppContext, threads: ThreadController, reading: ReadingPane, parent: QWidget
    ) -> None:
        super().__init__(ctx.events)
        self.ctx = ctx
        self.threads = threads
        self.parent_widget = parent  # the dialogs' parent
        self.dialog: RevisionsDialog | None = None
        reading.anchorClicked.connect(self._on_anchor)

    def _on_anchor(self, url: QUrl) -> None:
        from reader.render.pane_html import REVISIONS_SCHEME  # loaded with the first thread

        if url.scheme() == REVISIONS_SCHEME:
            self.open(url.path())

    def open_current(self) -> RevisionsDialog | None:
        """Edit › Earlier Texts…: the selected comment's, or the post's."""
        post = self.threads.current_post
        target = self.threads.current_item() or (post.id if post is not None else None)
        if target is None:
            self.ctx.say("Open a thread to see the earlier texts of its post or comments")
            return None
        return self.open(target)

    def open(self, item_id: str) -> RevisionsDialog | None:
        """Show the revisions of ``item_id`` (non-modal); ``None`` if it has only one text."""
        from reader.ui.revisions_view import RevisionsDialog

        try:
            dialog = RevisionsDialog(self.ctx.library.conn, item_id, self.parent_widget)
        except Exception as exc:  # an id no longer in the library
            self.ctx.say(f"No earlier texts: {exc}")
            return None
        if len(dialog.history) < 2:
            self.ctx.say("This item has only ever had one text")
            dialog.deleteLater()
            return None
        if self.ctx.read_only:
            dialog.use.hide()
        dialog.chosen.connect(self.use)
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.show()
        return dialog

    def use(self, item_id: str, number: int) -> Task | None:
        """Show revision ``number`` of ``item_id`` from now on (a write on the writer thread;
        the open thread follows from its ``Changes``)."""

        def write(library: Library) -> Saved[str]:
            return library.use_revision(item_id, number)

        return self.ctx.write("revision", write, label="Changing the text shown")
