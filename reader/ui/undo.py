"""Undoable annotation and bookmark changes, as QUndoCommands.

Every change is "this object goes from ``before`` to ``after``" (``None`` meaning absent), so one
command class covers adding, editing and deleting, and undo is the same change reversed.  The
objects are complete (id, times, selectors), which is what the store's ``restore_*`` functions
take: redoing a deleted highlight brings back the same id and creation time, so the notes a
reader exported or cited keep pointing at it.

Commands never touch SQLite themselves; they call a ``ChangeSink`` (the window's annotation
controller), which queues the write and redraws.  That keeps this module testable with a fake
sink and keeps the one place that writes in ``reader.ui.controllers.annotating``.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from reader.model import Annotation, Bookmark

QUOTE_CHARS = 40


class ChangeSink(Protocol):
    """What the commands ask for; implemented by ``AnnotatingController``."""

    def apply_annotation(self, before: Annotation | None, after: Annotation | None) -> None: ...

    def apply_bookmark(self, before: Bookmark | None, after: Bookmark | None) -> None: ...


def short_quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """A quote fit for a menu entry ("Undo Highlight “the coal face”")."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def annotation_label(before: Annotation | None, after: Annotation | None) -> str:
    """What the Edit menu calls this change."""
    if before is None and after is not None:
        verb = "Add Note" if after.note else "Highlight"
    elif after is None:
        verb = "Delete Highlight"
    elif before is not None and before.colour != after.colour and before.note == after.note:
        verb = "Change Colour"
    else:
        verb = "Edit Note"
    target = after or before
    quote = target.exact if target is not None else ""
    return f"{verb} “{short_quote(quote)}”" if quote else verb


class AnnotationChange(QUndoCommand):
    """An annotation goes from ``before`` to ``after``; either may be ``None``."""

    def __init__(
        self,
        sink: ChangeSink,
        before: Annotation | None,
        after: Annotation | None,
        text: str = "",
    ) -> None:
        super().__init__(text or annotation_label(before, after))
        if before is None and after is None:
            raise ValueError("a change needs a before or an after")
        self.sink = sink
        self.before = before
        self.after = after

    @property
    def annotation_id(self) -> str:
        found = self.after or self.before
        assert found is not None
        return found.id

    def redo(self) -> None:
        self.sink.apply_annotation(self.before, self.after)

    def undo(self) -> None:
        self.sink.apply_annotation(self.after, self.before)


class BookmarkChange(QUndoCommand):
    """An item's bookmark goes from ``before`` to ``after``; either may be ``None``."""

    def __init__(
        self,
        sink: ChangeSink,
        before: Bookmark | None,
        after: Bookmark | None,
        text: str = "",
    ) -> None:
        if not text:
            text = "Bookmark" if before is None else "Remove Bookmark"
        super().__init__(text)
        if before is None and after is None:
            raise ValueError("a change needs a before or an after")
        self.sink = sink
        self.before = before
        self.after = after

    def redo(self) -> None:
        self.sink.apply_bookmark(self.before, self.after)

    def undo(self) -> None:
        self.sink.apply_bookmark(self.after, self.before)
