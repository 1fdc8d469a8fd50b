"""File › Export Thread… (Ctrl+E): asking, the background export and the notice after it.

* The dialog (``reader.ui.export_dialog``) chooses format, options and file; its choices are
  remembered in the window's settings file.
* The export runs on the ``TaskRunner`` (reader pool: it only reads the library, so it never
  waits behind an import), with progress and Cancel in the status bar.
* When it ends, a notice in the status bar says what was written, with "Open"; a failure is
  one line there ("Export failed: cannot write …: permission denied").

Modal questions and opening the file go through ``export_dialog.ask_export``/``open_file``,
looked up on that module at call time, so tests patch them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStatusBar, QWidget

from reader.export import ExportCancelled
from reader.ui import export_dialog
from reader.ui.context import AppContext
from reader.ui.controllers.thread import ThreadController
from reader.ui.export_dialog import ExportPrefs, ExportRequest, file_name
from reader.ui.export_notice import ExportNotice
from reader.ui.tasks import Task, TaskCancelled, TaskContext, TaskError

if TYPE_CHECKING:
    from reader.export import ExportResult
    from reader.model import Post


class ExportController(QObject):
    """The Export Thread… action of one window and the exports it starts."""

    finished = Signal(object)  # ExportResult, or str (failure, one line), or None (cancelled)

    def __init__(
        self,
        ctx: AppContext,
        threads: ThreadController,
        action: QAction,
        status_bar: QStatusBar,
        parent: QWidget,
    ) -> None:
        """Made when first used: the window's File › Export Thread… action comes from its
        own table, so nothing of the export machinery is imported to show the window."""
        super().__init__(ctx.events)
        self.ctx = ctx
        self.threads = threads
        self.dialog_parent = parent
        self.prefs = ExportPrefs(ctx.settings.qs)
        self.action = action
        self.notice = ExportNotice(status_bar)
        self.notice.open_requested.connect(lambda path: export_dialog.open_file(path))
        self.task: Task | None = None

    def suggestion(self, post: Post) -> ExportRequest:
        fmt = self.prefs.fmt
        return ExportRequest(self.prefs.folder / file_name(post, fmt), fmt, self.prefs.options)

    def export_current(self) -> Task | None:
        """Ask what to export, then start it; ``None`` if there is nothing open or no answer."""
        post = self.threads.current_post
        if post is None:
            self.ctx.say("Open a thread to export it")
            return None
        request = export_dialog.ask_export(self.dialog_parent, post.title, self.suggestion(post))
        if request is None:
            return None
        self.prefs.remember(request)
        return self.start(post.id, post.title, request)

    def start(self, post_id: str, title: str, request: ExportRequest) -> Task:
        """Run the export on the runner; ``finished`` fires on the GUI thread when it ends.
        The text is set in the reading font chosen in Preferences."""
        if not request.options.font_family:
            request.options.font_family = self.ctx.settings.reading.font_family

        def job(ctx: TaskContext) -> ExportResult:
            from reader.export import export_thread

            try:
                return export_thread(
                    ctx.library, post_id, request.path, request.fmt, request.options,
                    progress=ctx.progress, cancel=ctx.cancel,
                )  # fmt: skip
            except ExportCancelled:
                raise TaskCancelled from None

        self.notice.hide()
        self.task = self.ctx.runner.submit(
            "export",
            job,
            label=f"Exporting “{title}”",
            on_done=self._done,
            on_error=self._failed,
            on_cancelled=self._cancelled,
        )
        return self.task

    def _done(self, result: ExportResult) -> None:
        self.notice.show_result(result.path, result.summary())
        self.finished.emit(result)

    def _failed(self, error: TaskError) -> None:
        line = f"Export failed: {error.text}"
        self.notice.show_error(line)
        self.finished.emit(line)

    def _cancelled(self) -> None:
        self.notice.show_error("Export cancelled; nothing was written")
        self.finished.emit(None)
