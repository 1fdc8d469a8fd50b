"""Changes other programs make to the open library reach the window: ``LibraryWatcher``.

A bookmark added with ``archive-reader bookmarks add``, a dump imported from a terminal or a
second window: the library's change stamps move (``reader.store.watch``), and every
``INTERVAL_MS`` the watcher compares them with what it saw last and emits what changed as
``library_changed``, like any write of the window's own.  The window's own writes move the same
stamps; the threads they touched are announced to the watcher (``announce``) so they are not
reported twice.  Marks carry no per-row stamp, so a change to them is reported as
``marks_unknown`` and the views showing marks read them again (a few milliseconds).

The check is two small queries on the GUI thread's connection; it is skipped while a write
of this window runs (its commits are announced when they land).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from reader.changes import Changes
from reader.store.watch import Seen, changes_since, seen_now
from reader.ui.context import AppContext

INTERVAL_MS = 1500


class LibraryWatcher(QObject):
    """Polls the library's change stamps; see the module docstring."""

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._seen: Seen = seen_now(ctx.library.conn)  # two small queries
        self._announced: set[str] = set()
        self._timer = QTimer(self, interval=INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        ctx.events.library_changed.connect(self.announce)
        ctx.events.closing.connect(self.stop)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def announce(self, changes: Changes) -> None:
        """Threads this window already knows changed (its own writes, or already reported)."""
        self._announced |= changes.posts

    def check(self) -> Changes:
        """Compare the stamps now; emit and return what others changed."""
        runner = self.ctx.runner
        if runner.closed:  # the window went away without closing (a test, a crash path)
            self.stop()
            return Changes()
        if runner.active("import"):
            return Changes()
        changes, self._seen = changes_since(self.ctx.library.conn, self._seen)
        if changes.posts:
            changes = Changes(
                posts_added=changes.posts_added - self._announced,
                posts_changed=changes.posts_changed - self._announced,
                marks_unknown=changes.marks_unknown,
            )
            self._announced.clear()
        self.ctx.changed(changes)
        return changes
