"""The window's answer to a damaged library: say what is wrong, offer Repair, show the outcome.

At start-up (``Library.open`` raised ``LibraryDamaged``) the dialog shows that line with
**Repair** and **Quit**; Repair runs ``reader.ui.controllers.repair.RepairRun`` (the same
Qt-free repair as ``archive-reader repair``, on a thread of its own: the dialog stays responsive
and shows its progress), then lists what was recovered and what is missing, and **Open
Library** carries on starting the window.  In a running window (File › Check Library… found
damage; ``in_window``) the library is open and cannot be repaired under the window, so the
dialog offers **Quit and Repair** instead (``quit_to_repair``), and ``reader.app`` comes back
here once the window has closed.

``offer_repair`` is what ``reader.app`` calls; it is the only place the dialog is run modally,
so tests drive ``DamageDialog`` directly (shown, not exec'd) or patch ``offer_repair``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
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
from reader.ui.controllers.repair import RepairRun


class DamageDialog(QDialog):
    """Damage message, Repair / Quit; after a repair, its report and Open Library."""

    repaired = Signal()
    quit_to_repair = Signal()  # in a window: close it, then repair (``reader.app``)

    def __init__(
        self,
        message: str,
        library: Path,
        parent: QWidget | None = None,
        *,
        in_window: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("damage-dialog")
        self.setWindowTitle("The library needs repair")
        self.paths = LibraryPaths.resolve(library)
        self.message = QLabel(message, self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        then = (
            " Archive Reader closes this window first and opens the repaired library after."
            if in_window
            else ""
        )
        explain = QLabel(
            "Repair moves the damaged file into the library's “damaged” folder (it is never"
            " deleted), then rebuilds the library from what can still be read, the newest good"
            " backup, the dump files where you imported them from, and the journal of your"
            " highlights, notes and bookmarks." + then,
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
        self.repair_button = QPushButton("Quit and &Repair" if in_window else "&Repair", self)
        self.repair_button.setDefault(True)
        self.open_button = QPushButton("&Open Library", self)
        self.open_button.hide()
        self.quit_button = QPushButton("&Close" if in_window else "&Quit", self)
        self.buttons.addButton(self.repair_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        if in_window:
            self.repair_button.clicked.connect(self.quit_to_repair)
        else:
            self.repair_button.clicked.connect(self.start_repair)
        self.open_button.clicked.connect(self.accept)
        self.quit_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.message, explain, self.progress, self.status, self.report):
            layout.addWidget(widget)
        layout.addWidget(self.buttons)
        self.run = RepairRun(self.paths, self)
        self.run.progress.connect(self._on_progress)
        self.run.finished.connect(self._on_repaired)
        self.run.failed.connect(self._on_failed)
        self.resize(640, 280)

    def start_repair(self) -> None:
        """Run the repair off the GUI thread; the dialog shows its progress."""
        if not self.run.start():
            return
        self.repair_button.setEnabled(False)
        self.quit_button.setEnabled(False)
        self.progress.show()
        self.status.setText("Repairing…")

    def _on_progress(self, fraction: object, label: str) -> None:
        if isinstance(fraction, float):
            self.progress.setRange(0, 100)
            self.progress.setValue(int(fraction * 100))
        else:
            self.progress.setRange(0, 0)
        self.status.setText(label)

    def _on_failed(self, error: str) -> None:
        self.progress.hide()
        self.quit_button.setEnabled(True)
        self.report.show()
        self.status.setText("The repair could not finish; the damaged files are as they were.")
        self.report.setPlainText(error)
        self.repair_button.setEnabled(True)

    def _on_repaired(self, lines: list[str]) -> None:
        self.progress.hide()
        self.quit_button.setEnabled(True)
        self.report.show()
        self.status.setText("Repaired.")
        self.report.setPlainText("\n".join(lines))
        self.repair_button.hide()
        self.open_button.show()
        self.open_button.setDefault(True)
        self.repaired.emit()

    def wait(self, timeout: float = 60.0) -> None:
        """Tests: wait for the repair's thread (its result still arrives through the event
        loop)."""
        self.run.wait(timeout)


def offer_repair(message: str, library: Path, parent: QWidget | None = None) -> bool:
    """Show the damage and offer Repair (modal); True when the library was repaired and the
    user chose to open it."""
    dialog = DamageDialog(message, library, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
