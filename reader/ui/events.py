"""The window's signals, in one object every part is given: parts talk through these, not to
each other.

A part that changes something emits here; a part that shows something connects here and
decides for itself whether it has to redraw (Anki's ``operation_did_execute`` pattern).  Adding
a panel means connecting to these signals, never editing the parts that emit them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Events(QObject):
    """Typed signals of one window; all are emitted and delivered on the GUI thread."""

    thread_opened = Signal(str)
    """post id: the thread is in the tree and the pane."""
    thread_closed = Signal()
    """the open thread is gone (removed from the library)."""
    item_selected = Signal(str)
    """item id selected in the thread (the post id for the post itself)."""
    library_changed = Signal(object)
    """``reader.changes.Changes``: the library as this window sees it changed — its own
    writes (at once, before they land), what the post-commit step did, what other programs
    wrote (``LibraryWatcher``)."""
    posts_reloaded = Signal()
    """the posts list was read again."""
    import_finished = Signal(object)
    """``ImportOutcome`` of one import request."""
    theme_changed = Signal(bool)
    """the theme changed; True if it is dark."""
    typography_changed = Signal(object)
    """``reader.settings.ReadingSettings``: Preferences changed how the pane sets text."""
    query_changed = Signal(str)
    """the library search's text changed or was cleared: the pane drops its hit marks."""
    hit_wrapped = Signal(int)
    """F3 went past the thread's last hit to its first (1), or Shift+F3 past the first to the
    last (-1); the item it selects follows as ``item_selected``."""
    message = Signal(str, int)
    """a line for the status bar, and how long to show it (ms)."""
    closing = Signal()
    """the window is closing: stop timers that would read the library after it."""
