"""The window's side of highlights, notes and bookmarks: reading pane <-> annotation store.

* The selection in the reading pane becomes ``(item_id, start, end)`` in raw text through
  ``reader.ui.textmap``; Ctrl+H highlights it, Ctrl+Shift+N adds a note, Ctrl+D bookmarks the
  selected comment.  The context menu (``reader.ui.reading_menu``) offers the same plus edit,
  colour and delete on an existing highlight; hovering or clicking one shows its note.
* Every change is a ``reader.ui.undo`` command on one ``QUndoStack`` (Edit › Undo/Redo).
* Writes go through ``StoreWrites`` (the runner's writer thread, flushed at close).  Until a
  write lands, its effect is overlaid on what is read (``overlay_*``), so the pane, the tree
  and the panels show a change the moment it is made even while an import holds the database.
* Highlights are drawn by the shared renderer: ``thread_marks`` is the window's
  ``marks_source``, re-read from the store (plus the overlay) on every redraw, so a
  re-anchoring import or a theme change redraws them without any bookkeeping here.  A change
  made here redraws only the item it touched (``MainWindow.redraw_items``).
* A write that landed goes to the window's post-commit step with the ``Changes`` it made
  (the search index learns the note, bookmark or colour there).

Call everything from the GUI thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor, QUndoStack

from reader.annotate import anchoring
from reader.annotate import store as notes
from reader.changes import NOTHING, Changes
from reader.errors import NotFound
from reader.model import COLOURS, Annotation, Bookmark, Post
from reader.ui import note_dialog
from reader.ui.textmap import Span, TextMap
from reader.ui.undo import AnnotationChange, BookmarkChange
from reader.ui.writes import StoreWrites, Write

if TYPE_CHECKING:
    from reader.ui.annotations_panel import AnnotationsPanel
    from reader.ui.bookmarks_panel import BookmarksPanel
    from reader.ui.mainwindow import MainWindow

COLOUR_KEY = "annotate/colour"


def _delete_annotation(conn: sqlite3.Connection, annotation_id: str) -> Changes:
    with contextlib.suppress(NotFound):  # already gone (another window, the CLI): fine
        return notes.delete_annotation(conn, annotation_id).changes
    return NOTHING


class Annotating(QObject):
    """One per window.  ``changed(item_ids)`` fires when a change is made here (at once) and
    again when its write lands or the post-commit step placed annotations anew."""

    changed = Signal(list)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.stack = QUndoStack(self)
        self.writes = StoreWrites(window.runner, lambda: window.library.conn, self)
        self.writes.failed.connect(self._on_write_failed)
        self.writes.landed.connect(self._on_write_landed)
        self._post: Post | None = None
        self._text_map: dict[str, str] | None = {}  # item id -> text, see ``_texts``
        self._annotations: dict[str, Annotation] = {}
        self._bookmarks: dict[str, Bookmark] = {}
        colour = window.settings.qs.value(COLOUR_KEY, "yellow")
        self.colour = colour if colour in COLOURS else "yellow"
        window.marks_source = self.thread_marks
        from reader.ui.reading_menu import ReadingMenu

        self.menu = ReadingMenu(self)
        self.annotations_panel: AnnotationsPanel | None = None  # made by ``install``
        self.bookmarks_panel: BookmarksPanel | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        return self.window.library.conn

    # -- what is there, with pending writes overlaid -------------------------------------------

    def _pending(self, kind: str) -> Iterable[tuple[Any, Any]]:
        for write in self.writes.pending:
            if write.effect[0] == kind:
                yield write.effect[1], write.effect[2]

    def overlay_annotations(self, found: Iterable[Annotation]) -> list[Annotation]:
        """``found`` (read from the store) as it will be once pending writes land.  Changes
        to annotations not in ``found`` are added only if ``found`` holds some of the same
        post, or is empty: callers pass one post's or the whole library's list."""
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
        listed = self.overlay_annotations(notes.annotations_for_post(self.conn, post_id))
        return [a for a in listed if a.post_id == post_id]

    def library_annotations(self, *, orphans: bool = False) -> list[Annotation]:
        """Every annotation as last stored (orphans only if asked), pending writes included."""
        listed = self.overlay_annotations(notes.list_annotations(self.conn, orphans=orphans))
        return [a for a in listed if not orphans or a.state == anchoring.ORPHAN]

    def post_bookmarks(self, post_id: str) -> list[Bookmark]:
        listed = self.overlay_bookmarks(notes.bookmarks_for_post(self.conn, post_id))
        return [b for b in listed if b.post_id == post_id]

    def library_bookmarks(self) -> list[Bookmark]:
        listed = self.overlay_bookmarks(notes.list_bookmarks(self.conn))
        return sorted(listed, key=lambda b: (b.created is None, b.created), reverse=True)

    # -- the open thread ---------------------------------------------------------------------

    def thread_marks(self, post: Post) -> tuple[list[Annotation], list[Bookmark]]:
        """The window's marks source: the annotations (placed in the current text) and
        bookmarks of ``post``, pending writes included."""
        self._post = post
        self._text_map = None  # made when first needed: most threads open with no highlight
        self._annotations = {a.id: a for a in self.post_annotations(post.id)}
        self._refresh_bookmarks()
        return list(self._annotations.values()), list(self._bookmarks.values())

    @property
    def _texts(self) -> dict[str, str]:
        """The open thread's texts by item id (a thousand entries for a big thread: made on
        first use, not each time a thread opens)."""
        if self._text_map is None:
            post = self._post
            texts: dict[str, str] = {}
            if post is not None:
                texts[post.id] = post.body
                texts.update((c.id, c.text) for c in post.walk_comments())
            self._text_map = texts
        return self._text_map

    def _refresh_bookmarks(self) -> None:
        post = self._post
        self._bookmarks = {b.item_id: b for b in self.post_bookmarks(post.id)} if post else {}
        self.window.thread_model.set_bookmarked(self._bookmarks)
        posts = {b.post_id for b in self.library_bookmarks()}
        self.window.posts_model.set_bookmarked(posts)

    def annotation(self, annotation_id: str) -> Annotation | None:
        """An annotation of the open thread, as placed now."""
        return self._annotations.get(annotation_id)

    def bookmark(self, item_id: str) -> Bookmark | None:
        """The bookmark of an item of the open thread."""
        return self._bookmarks.get(item_id)

    def text_of(self, item_id: str) -> str | None:
        return self._texts.get(item_id)

    def textmap(self) -> TextMap:
        pane = self.window.reading
        return TextMap(pane.document(), pane.items, self._texts.get)

    def selection_span(self) -> Span | None:
        """The reading pane's selection as a passage of one item (the first it touches)."""
        cursor = self.window.reading.textCursor()
        if not cursor.hasSelection() or self._post is None:
            return None
        return self.textmap().span_for(cursor.selectionStart(), cursor.selectionEnd())

    def annotations_at(self, position: int) -> list[Annotation]:
        """Highlights covering the character at (or just before) document ``position``,
        the one drawn on top first."""
        textmap = self.textmap()
        hits: list[Annotation] = []
        for where in (textmap.offset_at(position), textmap.offset_at(position - 1)):
            if where is None:
                continue
            item_id, offset = where
            for a in self._annotations.values():
                found = a.item_id == item_id and a.start <= offset < a.end
                if found and a.state != anchoring.ORPHAN and a not in hits:
                    hits.append(a)
            if hits:
                break
        return sorted(hits, key=lambda a: (str(a.created), a.id), reverse=True)

    # -- commands ----------------------------------------------------------------------------

    def _message(self, text: str) -> None:
        self.window.status.message(text)

    def new_annotation(self, span: Span, colour: str, note: str = "") -> Annotation:
        """An annotation object for ``span`` of the open thread, not yet stored."""
        text = self._texts[span.item_id]
        quote = anchoring.capture(text, span.start, span.end)
        stamp = notes.now()
        assert self._post is not None
        return Annotation(
            id=notes.new_annotation_id(),
            item_id=span.item_id,
            post_id=self._post.id,
            exact=quote.exact,
            prefix=quote.prefix,
            suffix=quote.suffix,
            start=span.start,
            end=span.end,
            colour=notes.check_colour(colour),
            note=notes.clean_note(note),
            state=anchoring.EXACT,
            created=stamp,
            modified=stamp,
        )

    def highlight(self, colour: str | None = None) -> Annotation | None:
        """Highlight the selection (Ctrl+H) in ``colour`` or the last colour used."""
        span = self.selection_span()
        if span is None:
            self._message("Select some text of a post or comment to highlight it")
            return None
        if colour is not None:
            self.set_default_colour(colour)
        annotation = self.new_annotation(span, colour or self.colour)
        self.stack.push(AnnotationChange(self, None, annotation))
        if span.clipped:
            self._message("Highlighted the first comment of the selection only")
        return annotation

    def add_note(self) -> Annotation | None:
        """Ctrl+Shift+N: a note on the selection, or edit the note of the highlight under
        the text cursor when nothing is selected."""
        span = self.selection_span()
        if span is None:
            cursor = self.window.reading.textCursor()
            under = self.annotations_at(cursor.position()) if self._post else []
            if under:
                return self.edit_note(under[0])
            self._message("Select some text to add a note to it")
            return None
        quote = self._texts[span.item_id][span.start : span.end]
        note = note_dialog.ask_note(self.window, "Add Note", quote)
        if note is None:
            return None
        annotation = self.new_annotation(span, self.colour, note)
        self.stack.push(AnnotationChange(self, None, annotation))
        return annotation

    def edit_note(self, annotation: Annotation) -> Annotation | None:
        note = note_dialog.ask_note(self.window, "Edit Note", annotation.exact, annotation.note)
        if note is None or notes.clean_note(note) == annotation.note:
            return None
        after = dataclasses.replace(annotation, note=notes.clean_note(note), modified=notes.now())
        self.stack.push(AnnotationChange(self, annotation, after))
        return after

    def set_colour(self, annotation: Annotation, colour: str) -> Annotation | None:
        self.set_default_colour(colour)
        if colour == annotation.colour:
            return None
        after = dataclasses.replace(annotation, colour=colour, modified=notes.now())
        self.stack.push(AnnotationChange(self, annotation, after))
        return after

    def delete(self, annotation: Annotation) -> None:
        self.stack.push(AnnotationChange(self, annotation, None))

    def set_default_colour(self, colour: str) -> None:
        self.colour = notes.check_colour(colour)
        self.window.settings.qs.setValue(COLOUR_KEY, self.colour)
        self.menu.sync_colour()

    def toggle_bookmark(self, item_id: str | None = None) -> Bookmark | None:
        """Ctrl+D: bookmark the selected comment (or the post), or remove its bookmark."""
        item_id = item_id or self.window.current_item()
        if self._post is None or item_id is None or item_id not in self._texts:
            self._message("Open a thread and select a comment to bookmark it")
            return None
        before = self._bookmarks.get(item_id)
        if before is not None:
            self.stack.push(BookmarkChange(self, before, None))
            self._message("Bookmark removed")
            return None
        after = Bookmark(notes.new_bookmark_id(), item_id, self._post.id, "", notes.now())
        self.stack.push(BookmarkChange(self, None, after))
        self._message("Bookmarked")
        return after

    def remove_bookmark(self, bookmark: Bookmark) -> None:
        self.stack.push(BookmarkChange(self, bookmark, None))

    # -- ChangeSink: what undo commands call ----------------------------------------------------

    def apply_annotation(self, before: Annotation | None, after: Annotation | None) -> None:
        target = after or before
        assert target is not None
        if after is None:
            fn = lambda conn: _delete_annotation(conn, target.id)  # noqa: E731
        else:
            fn = lambda conn: notes.restore_annotation(conn, after).changes  # noqa: E731
        self.writes.submit("annotation", fn, ("annotation", before, after))
        self._after_change(target.post_id, target.item_id)

    def apply_bookmark(self, before: Bookmark | None, after: Bookmark | None) -> None:
        target = after or before
        assert target is not None
        if after is None:
            fn = lambda conn: notes.remove_bookmark(conn, target.item_id).changes  # noqa: E731
        else:
            fn = lambda conn: notes.restore_bookmark(conn, after).changes  # noqa: E731
        self.writes.submit("bookmark", fn, ("bookmark", before, after))
        if self._post is not None and target.post_id == self._post.id:
            self._refresh_bookmarks()
        else:
            self.window.posts_model.set_bookmarked({b.post_id for b in self.library_bookmarks()})
        self.changed.emit([target.item_id])

    def _after_change(self, post_id: str, item_id: str) -> None:
        if self._post is not None and post_id == self._post.id:
            self.window.redraw_items([item_id])  # in place: no re-layout of a long thread
        self.changed.emit([item_id])

    def _on_write_landed(self, write: Write) -> None:
        self.window.post_commit.committed(write.changes)
        self.changed.emit(sorted(write.changes.marked_items))

    def _on_write_failed(self, write: Write, message: str) -> None:
        self._message(f"Could not save the {write.label}: {message}")
        if self._post is not None:
            self.window.rerender()
        self.changed.emit([])

    # -- going to an annotation or bookmark -----------------------------------------------------

    def open_annotation(self, annotation: Annotation) -> bool:
        """Open its thread, select its comment and select (and show) the passage."""
        if not self.window.open_post(annotation.post_id, annotation.item_id):
            return False
        placed = self._annotations.get(annotation.id, annotation)
        if placed.state == anchoring.ORPHAN or not self.select_passage(placed):
            self._message("The highlighted passage is no longer in this text")
        return True

    def select_passage(self, annotation: Annotation) -> bool:
        pane = self.window.reading
        pane.complete()
        found = self.textmap().range_for(annotation.item_id, annotation.start, annotation.end)
        if found is None:
            return False
        cursor = QTextCursor(pane.document())
        cursor.setPosition(found[0])
        cursor.setPosition(found[1], QTextCursor.MoveMode.KeepAnchor)
        pane.setTextCursor(cursor)
        pane.ensureCursorVisible()
        return True

    def open_bookmark(self, bookmark: Bookmark) -> bool:
        return self.window.open_post(bookmark.post_id, bookmark.item_id)

    # -- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        """Before the runner shuts down: write what is pending (the search index learns of
        those at the next start, from the store's stamps)."""
        self.writes.flush()


def install(window: MainWindow) -> Annotating:
    """Give ``window`` annotations: the controller, its Edit menu entries and the two docks
    (hidden at first; View › Annotations Panel / Bookmarks Panel, remembered with the window).

    They start below the panes: a table of quote, note, place and date needs the width, and
    the three panes leave a side dock too narrow for it."""
    from PySide6.QtCore import Qt

    from reader.ui.annotations_panel import AnnotationsPanel
    from reader.ui.bookmarks_panel import BookmarksPanel

    ctl = Annotating(window)
    annotations = ctl.annotations_panel = AnnotationsPanel(ctl)
    bookmarks = ctl.bookmarks_panel = BookmarksPanel(ctl)
    view = window.actions.menu("View")
    anchor = window.actions["show_activity"]
    following = view.actions()[view.actions().index(anchor) + 1 :]
    before = following[0] if following else None
    docks = (
        (annotations, "&Annotations Panel", "Ctrl+Shift+A"),
        (bookmarks, "&Bookmarks Panel", "Ctrl+Shift+B"),
    )
    restored = False
    for dock, text, key in docks:
        dock.sized = window.restoreDockWidget(dock)  # placed as the saved window state says
        if not dock.sized:
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        restored = restored or dock.sized
        action = dock.toggleViewAction()
        action.setText(text)
        action.setShortcut(key)
        view.insertAction(before, action)
        window.addAction(action)
    if not restored:  # first time: one tabbed area below the panes, wide enough for a table
        window.tabifyDockWidget(annotations, bookmarks)
        annotations.hide()
        bookmarks.hide()
    return ctl
