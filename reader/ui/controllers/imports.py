"""Importing from the window: dropped files and folders, File › Import…, the first-run sample,
and the problem report.

All imports run as writer tasks on the ``TaskRunner`` (their own SQLite connection, one at a
time).  Each file is its own transaction in the store, so:

* as each file commits, its ``Changes`` go to every view (``library_changed``: the posts appear
  at once) and to the post-commit step, which brings derived data (annotation placements, the
  search index) up to date once the files are in;
* cancelling rolls back only the file being imported; files already committed stay, which is
  exactly "the library as it was before the file being imported".

Drops are taken with an event filter on the window, so no widget has to forward them.  A
read-only library imports nothing: each way in says so instead.  Another program importing into
the same library makes this one wait its turn, with a line in the status bar saying so.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from reader.paths import resources_dir
from reader.plurals import plural
from reader.store import ImportResult
from reader.ui import dialogs
from reader.ui.context import AppContext
from reader.ui.panes import Banner
from reader.ui.tasks import Task, TaskContext

if TYPE_CHECKING:
    from reader.ui.report import ImportReport

SAMPLE_HINT = (
    "You are looking at a small sample archive, so you can try the reader. To read your own "
    "archives, drop their files (text dumps, Blogger, WordPress and Disqus exports, mbox, "
    "Takeout .zip) or whole folders anywhere on this window, or use "
    "File › Import Files… (Ctrl+O)."
)


def sample_paths() -> list[Path]:
    """The sample archive's dump files, from a checkout or an installed wheel alike."""
    return sorted((resources_dir() / "sample").glob("*.txt"))


def local_paths(mime: QMimeData | None) -> list[Path]:
    """The local files and folders in dropped data; anything else (web links, text) is ignored."""
    if mime is None or not mime.hasUrls():
        return []
    return [
        Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()
    ]


@dataclass
class ImportOutcome:
    """What one import request did, delivered when its task ends."""

    paths: list[Path]
    results: list[ImportResult] = field(default_factory=list)
    cancelled: bool = False
    error: str | None = None  # the import job itself failed (a bug): files before it are in

    @property
    def problems(self) -> list[ImportResult]:
        return [
            r
            for r in self.results
            if not r.ok and not r.cancelled and not getattr(r, "skipped", False)
        ]

    @property
    def changed(self) -> bool:
        return any(r.changed for r in self.results)

    @property
    def skipped(self) -> list[ImportResult]:
        return [r for r in self.results if getattr(r, "skipped", False)]

    @property
    def added_post_ids(self) -> list[str]:
        """The threads this import brought in that were not in the library before."""
        return [post_id for r in self.results if r.ok for post_id in r.added_post_ids]

    def summary(self) -> str:
        """ "Imported 2 files: 3 new posts, 1 new comment; 1 skipped; 1 failed"."""
        ok = [r for r in self.results if r.ok]
        new_posts = sum(r.posts_new for r in ok)
        new_comments = sum(r.comments_new for r in ok)
        text = (
            f"Imported {plural(len(ok), 'file')}: {plural(new_posts, 'new post')}, "
            f"{plural(new_comments, 'new comment')}"
        )
        if self.skipped:
            text += f"; {len(self.skipped)} skipped (not a dump)"
        if self.problems:
            text += f"; {len(self.problems)} failed"
        if self.cancelled:
            text += "; cancelled (the file being imported was left out)"
        return text


class ImportsController(QObject):
    """Starts imports and reports on them; one per window."""

    file_done = Signal(object)  # ImportResult, as each file commits (or fails)
    sample_ready = Signal()  # the first-run sample is in: a thread may be opened

    def __init__(self, ctx: AppContext, window: QWidget, banner: Banner) -> None:
        super().__init__(ctx.events)
        self.ctx = ctx
        self.window = window  # the dialogs' parent and the drop target
        self.banner = banner
        self._sample_task: Task | None = None
        self._report: ImportReport | None = None  # made when first needed
        self.file_done.connect(self._on_file_imported)
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    @property
    def busy(self) -> bool:
        return bool(self.ctx.runner.active("import"))

    @property
    def report(self) -> ImportReport | None:
        return self._report

    # -- importing ---------------------------------------------------------------------------

    def import_paths(self, paths: Sequence[Path | str], *, label: str = "Importing") -> Task | None:
        """Import files and folders (recursively) in the background (``None``: refused, the
        library is read-only)."""
        task = self._start([Path(p) for p in paths], label)
        if task is not None:
            self.ctx.say(f"{label} {plural(len(paths), 'item')}…")
        return task

    def _start(self, targets: list[Path], label: str) -> Task | None:
        if self.ctx.read_only:
            self.ctx.say(self.ctx.read_only_line(), 10000)
            return None

        def job(ctx: TaskContext) -> ImportOutcome:
            outcome = ImportOutcome(targets)
            done = 0

            def progress(fraction: float | None, current: str) -> None:
                name = Path(current).name if current else ""
                after_done = f" · {plural(done, 'file')} done" if done else ""
                ctx.progress(fraction, f"{label} {name}{after_done}")

            library = ctx.library
            # another process importing into this library: say so while waiting for it
            library.on_wait = lambda message: ctx.progress(None, message[:1].upper() + message[1:])
            for result in library.import_paths(targets, progress=progress, cancel=ctx.cancel):
                done += 1
                outcome.results.append(result)
                ctx.partial(result)
                if result.cancelled:
                    break
            outcome.cancelled = ctx.cancelled
            return outcome

        return self.ctx.runner.submit(
            "import",
            job,
            label=label,
            writes=True,
            on_partial=self.file_done.emit,
            on_done=self._on_finished,
            on_error=lambda error: self._on_finished(
                ImportOutcome(targets, error=f"import failed: {error}")
            ),
        )

    def open_paths(self, paths: Sequence[str], activation_token: str = "") -> None:
        """What a launch with files (``archive-reader FILE...``, or a later launch handing
        them over through ``reader.ui.single_instance``) does: import them as a drop would
        (progress, report, merge), and bring the window to the front."""
        if paths:
            self.import_paths(list(paths))
        if activation_token:  # Qt's Wayland plugin reads it on the next activation request
            os.environ["XDG_ACTIVATION_TOKEN"] = activation_token
        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()

    def cancel(self) -> None:
        self.ctx.runner.cancel_all("import")

    def choose_files(self) -> None:
        files = dialogs.choose_files(self.window)
        if files:
            self.import_paths(files)

    def choose_folder(self) -> None:
        folder = dialogs.choose_folder(self.window)
        if folder:
            self.import_paths([folder])

    def import_sample_if_empty(self) -> Task | None:
        """First run: import the shipped sample into an empty library, to show the reader."""
        if self.ctx.read_only or not self.ctx.library.is_empty() or not sample_paths():
            return None
        task = self.import_paths(sample_paths(), label="Importing the sample archive")
        if task is None:
            return None
        self._sample_task = task
        self.ctx.settings.sample_imported = True
        self.banner.show_text(SAMPLE_HINT)
        return task

    def _on_file_imported(self, result: ImportResult) -> None:
        changes = result.changes
        self.ctx.changed(changes)
        self.ctx.committed(changes)

    def _on_finished(self, outcome: ImportOutcome) -> None:
        """Every import the reader asked for ends in a report, one row per file (the sample
        the window imports by itself on a first run does not)."""
        self.ctx.say(outcome.summary(), 10000)
        sample = self._sample_task is not None and self._sample_task.finished
        revised = any(r.revised for r in outcome.results)  # items whose text changed (issue 14)
        if not sample or outcome.problems or outcome.error or revised:
            self.show_report(outcome)
        if sample:
            self._sample_task = None
            self.sample_ready.emit()
        elif outcome.changed:
            self.banner.hide()
        self.ctx.events.import_finished.emit(outcome)

    def show_report(self, outcome: ImportOutcome) -> None:
        """The import report (a non-modal window), filled with ``outcome``."""
        if self._report is None:
            from reader.ui.report import ImportReport  # the table, only when needed

            self._report = ImportReport(self.window)
        self._report.set_outcome(outcome)
        self._report.show()
        self._report.raise_()

    # -- drag and drop -----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.DragEnter and isinstance(event, QDragEnterEvent):
            paths = local_paths(event.mimeData())
            if paths and self.ctx.read_only:
                event.ignore()
                self.ctx.say(self.ctx.read_only_line())
            elif paths:
                event.acceptProposedAction()
                many = "s" if len(paths) > 1 else ""
                self.ctx.say(f"Drop to import {len(paths)} item{many}")
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.DragMove and isinstance(event, QDragMoveEvent):
            if local_paths(event.mimeData()):
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            paths = local_paths(event.mimeData())
            if paths:
                event.acceptProposedAction()
                self.import_paths(paths)
            else:
                event.ignore()
            return True
        return False
