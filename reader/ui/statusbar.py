"""The status bar: library counts on the right, background work (label, progress, cancel) beside.

Only long jobs the user should know about (imports, index rebuilds) show a progress bar; quick
ones (searches, marking read) stay silent so the bar does not flicker while typing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from reader.ui.tasks import Task, TaskRunner

VISIBLE_KINDS = ("import", "index", "export")
CANCEL_TIPS = {
    "import": "Stop this job; the file being imported is left out",
    "export": "Stop the export; nothing is written",
}


class StatusArea(QObject):
    """Owns the status bar's permanent widgets and follows the runner's long tasks."""

    def __init__(self, window: QMainWindow, runner: TaskRunner) -> None:
        super().__init__(window)
        self.bar = window.statusBar()
        self.runner = runner
        self.counts = QLabel(window)
        self.counts.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.work = QWidget(window)
        self.label = QLabel(self.work)
        self.label.setMinimumWidth(120)
        self.label.setMaximumWidth(360)
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.progress = QProgressBar(self.work)
        self.progress.setFixedWidth(160)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.cancel_button = QToolButton(self.work)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop this job; the file being imported is left out")
        self.cancel_button.clicked.connect(self.cancel_current)
        layout = QHBoxLayout(self.work)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        self.bar.addPermanentWidget(self.work)
        self.bar.addPermanentWidget(self.counts)
        self.work.hide()
        self._current: Task | None = None
        runner.started.connect(self._on_started)
        runner.progressed.connect(self._on_progress)
        runner.ended.connect(self._on_ended)

    def set_counts(self, posts: int, comments: int, new: int) -> None:
        text = f"{posts:,} posts · {comments:,} comments"
        if new:
            text += f" · {new:,} new"
        self.counts.setText(text)

    def message(self, text: str, timeout_ms: int = 6000) -> None:
        self.bar.showMessage(text, timeout_ms)

    @property
    def current(self) -> Task | None:
        return self._current

    def cancel_current(self) -> None:
        if self._current is not None:
            for task in self.runner.active(self._current.kind):
                task.cancel()
            self.label.setText("Cancelling…")

    def _on_started(self, task: Task) -> None:
        # imports show at once; other jobs (an index check that finds nothing to do) only
        # once they report progress, so a quick job does not flash the bar
        if task.kind != "import":
            return
        self._current = task
        self.label.setText(task.label or "Working…")
        self.progress.setRange(0, 0)
        self.work.show()

    def _on_progress(self, task: Task, fraction: float | None, label: str) -> None:
        if task.kind not in VISIBLE_KINDS:
            return
        if self._current is None or self._current.finished:
            self._current = task
            self.work.show()
        if task is not self._current:
            return
        self.cancel_button.setToolTip(CANCEL_TIPS.get(task.kind, "Stop this job"))
        if label:
            self.label.setText(label)
            self.label.setToolTip(label)
        if fraction is None or fraction <= 0.0:  # unknown (or not measured yet): busy bar
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))

    def _on_ended(self, task: Task) -> None:
        if task is not self._current:
            return
        others = [t for t in self.runner.active() if t.kind in VISIBLE_KINDS]
        if others:
            self._current = others[0]
            self.label.setText(others[0].label or "Working…")
            self.progress.setRange(0, 0)
            return
        self._current = None
        self.work.hide()
