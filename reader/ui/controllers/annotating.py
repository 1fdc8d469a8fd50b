"""Highlights, notes and bookmarks made in the window: reading pane -> annotation store.

* The selection in the reading pane becomes ``(item_id, start, end)`` in raw text through
  ``reader.ui.textmap``; Ctrl+H highlights it, Ctrl+Shift+N adds a note, Ctrl+D bookmarks the
  selected comment.  The context menu (``reader.ui.reading_menu``) offers the same plus edit,
  colour and delete on an existing highlight; hovering or clicking one shows its note.
* Every change is a ``reader.ui.undo`` command on the context's undo stack (Edit › Undo).
* Writes go through the context's ``StoreWrites`` (the runner's writer thread, flushed at
  close).  The moment a change is made its ``Changes`` go to every view (``library_changed``):
  they read marks through ``ctx.marks``, which overlays the pending write, so the pane, the
  tree, the posts list and the panels show it even while an import holds the database.  When
  the write lands, its ``Changes`` go to the post-commit step (the search index learns the
  note, bookmark or colour there).

This controller draws nothing itself: the thread controller redraws the highlights from the
document model.  Call everything from the GUI thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3

from PySide6.QtCore import QObject
from PySide6.QtGui import QTextCursor

from reader.annotate import anchoring, words
from reader.annotate import store as notes
from reader.changes import NOTHING, Changes
from reader.errors import NotFound
from reader.model import COLOURS, Annotation, Bookmark
from reader.ui import note_dialog
from reader.ui.actions import WindowActions
from reader.ui.context import AppContext
from reader.ui.controllers.thread import ThreadController
from reader.ui.reading import ReadingPane
from reader.ui.textmap import Span, TextMap
from reader.ui.undo import AnnotationChange, BookmarkChange
from reader.ui.writes import Write

COLOUR_KEY = "annotate/colour"


def _delete_annotation(conn: sqlite3.Connection, annotation_id: str) -> Changes:
    with contextlib.suppress(NotFound):  # already gone (another window, the CLI): fine
        return notes.delete_annotation(conn, annotation_id).changes
    return NOTHING


class AnnotatingController(QObject):
    """The window's annotation commands and the undo sink they go through."""

    def __init__(
        self,
        ctx: AppContext,
        threads: ThreadController,
        reading: ReadingPane,
        actions: WindowActions,
    ) -> None:
        super().__init__(ctx.events)
        self.ctx = ctx
        self.threads = threads
        self.reading = reading
        self.stack = ctx.undo
        ctx.writes.failed.connect(self._on_write_failed)
        ctx.writes.landed.connect(self._on_write_landed)
        colour = ctx.settings.qs.value(COLOUR_KEY, "yellow")
        self.colour = colour if colour in COLOURS else "yellow"
        reading.margin.edited.connect(self.set_note)
        from reader.ui.reading_menu import ReadingMenu

        self.menu = ReadingMenu(self, actions, reading, ctx.undo)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.ctx.library.conn

    # -- the open thread ---------------------------------------------------------------------

    def annotation(self, annotation_id: str) -> Annotation | None:
        """An annotation of the open thread, as placed now."""
        return self.threads.annotation(annotation_id)

    def bookmark(self, item_id: str) -> Bookmark | None:
        """The bookmark of an item of the open thread."""
        return self.threads.bookmark(item_id)

    def text_of(self, item_id: str) -> str | None:
        return self.threads.text_of(item_id)

    def textmap(self) -> TextMap:
        return TextMap(self.reading.document(), self.reading.items, self.threads.text_of)

    def selection_span(self) -> Span | None:
        """The reading pane's selection as a passage of one item (the first it touches)."""
        cursor = self.reading.textCursor()
        if not cursor.hasSelection() or self.threads.current_post is None:
            return None
        return self.textmap().span_for(cursor.selectionStart(), cursor.selectionEnd())

    def annotations_at(self, position: int) -> list[Annotation]:
        """Highlights drawn over the character at (or just before) document ``position``,
        the one drawn on top first."""
        document = self.threads.document
        if document is None:
            return []
        textmap = self.textmap()
        hits: list[Annotation] = []
        for where in (textmap.offset_at(position), textmap.offset_at(position - 1)):
            if where is None:
                continue
            item_id, offset = where
            block = document.block(document.index_of(item_id))
            for drawn in reversed(block.highlights):  # the last drawn is on top
                annotation = self.threads.annotation(drawn.ref)
                if drawn.start <= offset < drawn.end and annotation and annotation not in hits:
                    hits.append(annotation)
            if hits:
                break
        return hits

    # -- commands ----------------------------------------------------------------------------

    def new_annotation(self, span: Span, colour: str, note: str = "") -> Annotation:
        """An annotation object for ``span`` of the open thread, not yet stored; a span
        that starts or ends inside a word grows to the whole word (``words.snap_to_words``,
        as ``archive-reader annotations add`` does)."""
        text = self.threads.text_of(span.item_id) or ""
        start, end = words.snap_to_words(text, span.start, span.end)
        if start < end:  # (a selection of blanks only is kept as it was)
            span = dataclasses.replace(span, start=start, end=end)
        quote = anchoring.capture(text, span.start, span.end)
        stamp = notes.now()
        post = self.threads.current_post
        assert post is not None
        return Annotation(
            id=notes.new_annotation_id(),
            item_id=span.item_id,
            post_id=post.id,
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
            self.ctx.say("Select some text of a post or comment to highlight it")
            return None
        if colour is not None:
            self.set_default_colour(colour)
        annotation = self.new_annotation(span, colour or self.colour)
        self.stack.push(AnnotationChange(self, None, annotation))
        if span.clipped:
            self.ctx.say("Highlighted the first comment of the selection only")
        return annotation

    def add_note(self) -> Annotation | None:
        """Ctrl+Shift+N: a note on the selection, or edit the note of the highlight under
        the text cursor when nothing is selected."""
        span = self.selection_span()
        if span is None:
            position = self.reading.textCursor().position()
            under = self.annotations_at(position) if self.threads.current_post else []
            if under:
                return self.edit_note(under[0])
            self.ctx.say("Select some text to add a note to it")
            return None
        text = self.threads.text_of(span.item_id) or ""
        start, end = words.snap_to_words(text, span.start, span.end)
        if start >= end:
            start, end = span.start, span.end
        quote = text[start:end]  # as it will be stored (``new_annotation``)
        note = note_dialog.ask_note(self.reading.window(), "Add Note", quote)
        if note is None:
            return None
        annotation = self.new_annotation(span, self.colour, note)
        self.stack.push(AnnotationChange(self, None, annotation))
        return annotation

    def edit_note(self, annotation: Annotation) -> Annotation | None:
        window = self.reading.window()
        note = note_dialog.ask_note(window, "Edit Note", annotation.exact, annotation.note)
        if note is None or notes.clean_note(note) == annotation.note:
            return None
        after = dataclasses.replace(annotation, note=notes.clean_note(note), modified=notes.now())
        self.stack.push(AnnotationChange(self, annotation, after))
        return after

    def set_note(self, annotation_id: str, text: str) -> Annotation | None:
        """A note edited in place in the margin: stored through the undo stack."""
        annotation = self.threads.annotation(annotation_id)
        if annotation is None or notes.clean_note(text) == annotation.note:
            return None
        after = dataclasses.replace(annotation, note=notes.clean_note(text), modified=notes.now())
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
        self.ctx.settings.qs.setValue(COLOUR_KEY, self.colour)
        self.menu.sync_colour()

    def toggle_bookmark(self, item_id: str | None = None) -> Bookmark | None:
        """Ctrl+D: bookmark the selected comment (or the post), or remove its bookmark."""
        item_id = item_id or self.threads.current_item()
        post = self.threads.current_post
        if post is None or item_id is None or self.threads.text_of(item_id) is None:
            self.ctx.say("Open a thread and select a comment to bookmark it")
            return None
        before = self.threads.bookmark(item_id)
        if before is not None:
            self.stack.push(BookmarkChange(self, before, None))
            self.ctx.say("Bookmark removed")
            return None
        after = Bookmark(notes.new_bookmark_id(), item_id, post.id, "", notes.now())
        self.stack.push(BookmarkChange(self, None, after))
        self.ctx.say("Bookmarked")
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
        self.ctx.writes.submit("annotation", fn, ("annotation", before, after))
        self.ctx.changed(Changes.of_annotations([a for a in (before, after) if a]))

    def apply_bookmark(self, before: Bookmark | None, after: Bookmark | None) -> None:
        target = after or before
        assert target is not None
        if after is None:
            fn = lambda conn: notes.remove_bookmark(conn, target.item_id).changes  # noqa: E731
        else:
            fn = lambda conn: notes.restore_bookmark(conn, after).changes  # noqa: E731
        self.ctx.writes.submit("bookmark", fn, ("bookmark", before, after))
        self.ctx.changed(Changes.of_bookmarks([b for b in (before, after) if b]))

    def _on_write_landed(self, write: Write) -> None:
        self.ctx.committed(write.changes)

    def _on_write_failed(self, write: Write, message: str) -> None:
        """The change is not stored: say so, and let every view drop what it showed."""
        self.ctx.say(f"Could not save the {write.label}: {message}")
        effect = write.effect
        if effect is not None and effect[0] == "annotation":
            changed = [a for a in effect[1:] if a is not None]
            self.ctx.changed(Changes.of_annotations(changed))
        elif effect is not None:
            self.ctx.changed(Changes.of_bookmarks([b for b in effect[1:] if b is not None]))

    # -- going to an annotation or bookmark -----------------------------------------------------

    def open_annotation(self, annotation: Annotation) -> bool:
        """Open its thread, select its comment and select (and show) the passage."""
        if not self.threads.open_post(annotation.post_id, annotation.item_id):
            return False
        placed = self.threads.annotation(annotation.id) or annotation
        if placed.state == anchoring.ORPHAN or not self.select_passage(placed):
            self.ctx.say("The highlighted passage is no longer in this text")
        return True

    def select_passage(self, annotation: Annotation) -> bool:
        pane = self.reading
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
        return self.threads.open_post(bookmark.post_id, bookmark.item_id)

    # -- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        """Before the runner shuts down: write what is pending (the search index learns of
        those at the next start, from the store's stamps)."""
        self.ctx.writes.flush()
