"""The window's answer to a damaged library: say what is wrong, offer Repair, show the outcome.

When ``Library.open`` raises ``LibraryDamaged`` (the one line the command line prints), the
window shows that line in a dialog with **Repair** and **Quit**.  Repair runs
``reader.store.repair.repair`` on a worker thread (the dialog stays responsive and shows its
progress), then lists what was recovered and what is missing, and **Open Library** carries on
starting the window.  The repair itself is the same Qt-free function ``archive-reader repair``
runs.

``offer_repair`` is what ``reader.app`` calls; it is the only place the dialog is run modally,
so tests drive ``DamageDialog`` directly (shown, not exec'd) or patch ``offer_repair``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.paths import LibraryPaths


class _Relay(QObject):
    """Carries the worker's progress and result to the GUI thread."""

    progress = Signal(object, str)
    finished = Signal(object, str)  # report lines or None, error


class DamageDialog(QDialog):
    """Damage message, Repair / Quit; after a repair, its report and Open Library."""

    repaired = Signal()

    def __init__(self, message: str, library: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("damage-dialog")
        self.setWindowTitle("The library needs repair")
        self.paths = LibraryPaths.resolve(library)
        self.message = QLabel(message, self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        explain = QLabel(
            "Repair moves the damaged file into the library's “damaged” folder (it is never"
            " deleted), then rebuilds the library from what can still be read, the newest good"
            " backup, the dump files where you imported them from, and the journal of your"
            " highlights, notes and bookmarks.",
            self,
        )
        explain.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status = QLabel("", self)
        self.report = QPlainTextEdit(self)
        self.report.setReadOnly(True)
        self.report.hide()
        self.buttons = QDialogButtonBox(self)
        self.repair_button = QPushButton("&Repair", self)
        self.repair_button.setDefault(True)
        self.open_button = QPushButton("&Open Library", self)
        self.open_button.hide()
        self.quit_button = QPushButton("&Quit", self)
        self.buttons.addButton(self.repair_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.repair_button.clicked.connect(self.start_repair)
        self.open_button.clicked.connect(self.accept)
        self.quit_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.message, explain, self.progress, self.status, self.report):
            layout.addWidget(widget)
        layout.addWidget(self.buttons)
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress)
        self._relay.finished.connect(self._on_finished)
        self._thread: threading.Thread | None = None
        self.resize(640, 280)

    def start_repair(self) -> None:
        """Run the repair in a worker thread; the dialog shows its progress."""
        if self._thread is not None:
            return
        self.repair_button.setEnabled(False)
        self.quit_button.setEnabled(False)
        self.progress.show()
        self.status.setText("Repairing…")
        relay = self._relay

        def work() -> None:
            from reader.store.repair import repair

            def progress(fraction: float | None, label: str) -> None:
                relay.progress.emit(fraction, label)

            try:
                report = repair(self.paths, progress=progress, on_wait=lambda m: progress(None, m))
            except Exception as exc:  # shown in the dialog; the damaged files are untouched
                relay.finished.emit(None, f"{type(exc).__name__}: {exc}")
                return
            relay.finished.emit(report.lines(), "")

        self._thread = threading.Thread(target=work, name="repair", daemon=True)
        self._thread.start()

    def _on_progress(self, fraction: object, label: str) -> None:
        if isinstance(fraction, float):
            self.progress.setRange(0, 100)
            self.progress.setValue(int(fraction * 100))
        else:
            self.progress.setRange(0, 0)
        self.status.setText(label)

    def _on_finished(self, lines: object, error: str) -> None:
        self.progress.hide()
        self.quit_button.setEnabled(True)
        self.report.show()
        if lines is None:
            self.status.setText("The repair could not finish; the damaged files are as they were.")
            self.report.setPlainText(error)
            self.repair_button.setEnabled(True)
            self._thread = None
            return
        self.status.setText("Repaired.")
        self.report.setPlainText("\n".join(lines))  # type: ignore[arg-type]
        self.repair_button.hide()
        self.open_button.show()
        self.open_button.setDefault(True)
        self.repaired.emit()

    def wait(self, timeout: float = 60.0) -> None:
        """Tests: wait for the worker thread (its result still arrives through the event loop)."""
        if self._thread is not None:
            self._thread.join(timeout)


def offer_repair(message: str, library: Path, parent: QWidget | None = None) -> bool:
    """Show the damage and offer Repair (modal); True when the library was repaired and the
    user chose to open it."""
    dialog = DamageDialog(message, library, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
