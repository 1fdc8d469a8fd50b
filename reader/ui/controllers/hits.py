"""Where the reader is among a thread's search hits, and which comments carry marks.

* The hit counter above the reading pane: "Hit 3 of 7" while the open thread came from a
  search (the items holding hits, in reading order), with a note when F3 / Shift+F3 wrapped
  round ("wrapped to the first hit"); "7 hits in this thread" while the selected item holds
  none.  It goes when the query is cleared or changed.
* The thread tree's marks: the comments holding hits, and those with highlights and notes
  (bookmarks, new and removed comments are the model's own).

A part of its own, following ``Events`` only: the thread controller says what is open and
which items hold hits; navigation says when F3 wrapped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from reader.changes import Changes
from reader.plurals import plural
from reader.ui.context import AppContext

if TYPE_CHECKING:
    from reader.ui.controllers.thread import ThreadController
    from reader.ui.models.threadtree import ThreadModel

WRAP_NOTES = {1: "wrapped to the first hit", -1: "wrapped to the last hit"}
KEYS = "F3 next · Shift+F3 previous"


class HitCounter(QObject):
    """Keeps ``label`` and the tree's marks current; see the module docstring."""

    def __init__(
        self, ctx: AppContext, threads: ThreadController, model: ThreadModel, label: QLabel
    ) -> None:
        super().__init__(ctx.events)
        self.ctx = ctx
        self.threads = threads
        self.model = model
        self.label = label
        self._hits: list[str] = []  # items holding hits, in display order
        self._wrapped = 0
        events = ctx.events
        events.thread_opened.connect(self._on_thread_opened)
        events.thread_closed.connect(self._clear)
        events.item_selected.connect(self._on_item_selected)
        events.query_changed.connect(lambda _text: self._clear())
        events.hit_wrapped.connect(self._on_wrapped)
        events.library_changed.connect(self._on_library_changed)

    @property
    def hits(self) -> list[str]:
        return list(self._hits)

    def _on_thread_opened(self, _post_id: str) -> None:
        threads = self.threads
        hits = threads.hit_items if threads.highlighter is not None else []
        number = self.model.number_of
        self._hits = sorted(hits, key=number)
        self._wrapped = 0
        self.model.set_hits(self._hits)
        self._read_annotations()
        self._show(threads.current_item())

    def _on_item_selected(self, item_id: str) -> None:
        self._show(item_id)
        self._wrapped = 0

    def _on_wrapped(self, step: int) -> None:
        self._wrapped = step  # the selection that follows shows the note

    def _on_library_changed(self, changes: Changes) -> None:
        post = self.threads.current_post
        if post is not None and changes.marks_in(post.id):
            self._read_annotations()

    def _read_annotations(self) -> None:
        annotations = self.threads.annotations()
        self.model.set_annotated(
            (a.item_id for a in annotations if a.state != "orphan"),
            (a.item_id for a in annotations if (a.note or "").strip()),
        )

    def _clear(self) -> None:
        self._hits = []
        self._wrapped = 0
        self.model.set_hits(())
        self.label.hide()

    def text(self, item_id: str | None) -> str:
        """ "Hit 3 of 7 · wrapped to the first hit", or "7 hits in this thread"."""
        total = len(self._hits)
        if item_id in self._hits:
            line = f"Hit {self._hits.index(item_id) + 1} of {total}"
            note = WRAP_NOTES.get(self._wrapped)
            return f"{line} · {note}" if note else f"{line} · {KEYS}"
        return f"{plural(total, 'hit')} in this thread · {KEYS}"

    def _show(self, item_id: str | None) -> None:
        if not self._hits:
            self.label.hide()
            return
        self.label.setText(self.text(item_id))
        self.label.show()
