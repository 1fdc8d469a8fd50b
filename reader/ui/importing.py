"""Importing from the window: dropped files and folders, File › Import…, and the problem report.

All imports run as writer tasks on the ``TaskRunner`` (their own SQLite connection, one at a
time).  Each file is its own transaction in the store, so:

* ``file_done`` fires as each file commits, and the window shows its posts at once;
* cancelling rolls back only the file being imported; files already committed stay, which is
  exactly "the library as it was before the file being imported".

Each committed file's ``Changes`` go to the window's post-commit step (``PostCommit``), which
brings derived data (annotation placements, the search index) up to date once the files are in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

from reader.paths import resources_dir
from reader.store import ImportResult
from reader.ui import dialogs
from reader.ui.tasks import Task, TaskContext, TaskRunner

if TYPE_CHECKING:
    from reader.ui.mainwindow import MainWindow

    _Base = MainWindow
else:
    _Base = object

SAMPLE_HINT = (
    "You are looking at a small sample archive, so you can try the reader. To read your own "
    "blog dumps, drop the .txt files or whole folders anywhere on this window, or use "
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

    def summary(self) -> str:
        ok = [r for r in self.results if r.ok]
        new_posts = sum(r.posts_new for r in ok)
        new_comments = sum(r.comments_new for r in ok)
        text = (
            f"Imported {len(ok)} file{'s' if len(ok) != 1 else ''}: {new_posts} new posts, "
            f"{new_comments} new comments"
        )
        if self.problems:
            text += f"; {len(self.problems)} with problems"
        if self.cancelled:
            text += "; cancelled (the file being imported was left out)"
        return text


class ImportController(QObject):
    """Starts import tasks and relays their results; one instance per window."""

    file_done = Signal(object)  # ImportResult, as each file commits (or fails)
    batch_done = Signal(object)  # ImportOutcome

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner

    @property
    def busy(self) -> bool:
        return bool(self.runner.active("import"))

    def import_paths(self, paths: Iterable[Path | str], *, label: str = "Importing") -> Task:
        """Import files and folders (recursively) in the background."""
        targets = [Path(p) for p in paths]

        def job(ctx: TaskContext) -> ImportOutcome:
            outcome = ImportOutcome(targets)
            done = 0

            def progress(fraction: float | None, current: str) -> None:
                name = Path(current).name if current else ""
                after_done = f" · {done} file{'s' if done != 1 else ''} done" if done else ""
                ctx.progress(fraction, f"{label} {name}{after_done}")

            for result in ctx.library.import_paths(targets, progress=progress, cancel=ctx.cancel):
                done += 1
                outcome.results.append(result)
                ctx.partial(result)
                if result.cancelled:
                    break
            outcome.cancelled = ctx.cancelled
            return outcome

        return self.runner.submit(
            "import",
            job,
            label=label,
            writes=True,
            on_partial=self.file_done.emit,
            on_done=self.batch_done.emit,
            on_error=lambda message: self.batch_done.emit(
                ImportOutcome(targets, error=f"import failed: {message}")
            ),
        )

    def cancel(self) -> None:
        self.runner.cancel_all("import")


class ImportsMixin(_Base):
    """The window's side of importing: File › Import…, drops, the first-run sample, refresh."""

    # -- importing ---------------------------------------------------------------------------

    def import_paths(self, paths: Sequence[Path | str], *, label: str = "Importing") -> Task:
        self.status.message(f"{label} {len(paths)} item{'s' if len(paths) != 1 else ''}…")
        return self.importer.import_paths(paths, label=label)

    def choose_and_import_files(self) -> None:
        files = dialogs.choose_files(self)
        if files:
            self.import_paths(files)

    def choose_and_import_folder(self) -> None:
        folder = dialogs.choose_folder(self)
        if folder:
            self.import_paths([folder])

    def import_sample_if_empty(self) -> Task | None:
        """First run: import the shipped sample into an empty library, to show the reader."""
        if not self.library.is_empty() or not sample_paths():
            return None
        task = self.import_paths(sample_paths(), label="Importing the sample archive")
        self._sample_task = task
        self.settings.sample_imported = True
        self.panes.banner.show_text(SAMPLE_HINT)
        return task

    def _on_file_imported(self, result: ImportResult) -> None:
        changes = result.changes
        if not changes:
            return
        self.post_commit.committed(changes)
        changed = changes.posts
        self.reload_posts()
        if self._post is not None and self._post.id in changed:
            self.refresh_thread()

    def _on_import_finished(self, outcome: ImportOutcome) -> None:
        self.status.message(outcome.summary(), 10000)
        if outcome.problems or outcome.error:
            if self._report is None:
                from reader.ui.report import ImportReport

                self._report = ImportReport(self)
            self._report.set_outcome(outcome)
            self._report.show()
            self._report.raise_()
        if self._sample_task is not None and self._sample_task.finished:
            self._sample_task = None
            if self._post is None:
                self.next_post()
        elif any(r.ok and r.changed for r in outcome.results):
            self.panes.banner.hide()
        self.import_finished.emit(outcome)

    # -- drag and drop -----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        paths = local_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.status.message(f"Drop to import {len(paths)} item{'s' if len(paths) > 1 else ''}")
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_paths(paths)
