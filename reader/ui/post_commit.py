"""The window's side of the post-commit step: after its writes land, derived data follows.

Every write the window makes (an imported file, a highlight, a bookmark, a thread marked read)
returns ``Changes``; when the write has committed, its owner calls ``committed(changes)`` here
and nowhere else.  One writer task then runs ``reader.derived.bring_up_to_date`` — the same
function the command line calls — off the GUI thread.  Changes committed before that task
starts join it: the files of an import commit one by one while the import holds the writer
thread, and the index is brought up to date once, after the last file, not once per file.

``finished(report)`` delivers the ``DerivedReport`` on the GUI thread: what the step changed
itself (annotations placed anew, for the views), warnings and problems for the status bar.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from reader.changes import Changes
from reader.ui.tasks import Task, TaskContext, TaskRunner

if TYPE_CHECKING:
    from reader.derived import DerivedReport

KIND = "index"
LABEL = "Updating the search index"


class PostCommit(QObject):
    """Runs the post-commit step for one window's writes; see the module docstring."""

    finished = Signal(object)  # DerivedReport
    failed = Signal(object)  # TaskError: the step itself broke (a bug); the writes are stored

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._lock = threading.Lock()
        self._pending: Changes | None = None  # waiting for the task that will take them
        self._queued: object | None = None  # identifies that task until it starts
        self.task: Task | None = None

    def committed(self, changes: Changes) -> None:
        """GUI thread: ``changes`` are stored; bring derived data up to date (soon, once)."""
        from reader.derived import affects_derived

        if not affects_derived(changes):
            return
        with self._lock:
            if self._pending is not None:  # a task is queued and has not started: join it
                self._pending |= changes
                return
            self._pending = changes
            token = self._queued = object()
        self.task = self.runner.submit(
            KIND,
            self._run,
            label=LABEL,
            writes=True,
            on_done=self.finished.emit,
            on_error=self.failed.emit,
            on_cancelled=lambda: self._cancelled(token),
        )

    def _run(self, ctx: TaskContext) -> DerivedReport:
        from reader.derived import DerivedReport, bring_up_to_date

        with self._lock:
            changes, self._pending, self._queued = self._pending, None, None
        if changes is None:  # dropped by a cancel before it started
            return DerivedReport()
        return bring_up_to_date(ctx.library, changes, progress=ctx.progress, cancel=ctx.cancel)

    def _cancelled(self, token: object) -> None:
        """The task was cancelled (Cancel in the status bar, or the window closing): if it had
        not started, what it would have taken is dropped.  Nothing is lost: re-anchoring and
        the index each catch up from the store's change stamps the next time they run."""
        with self._lock:
            if self._queued is token:
                self._pending, self._queued = None, None
