"""The notice an export leaves in the status bar: what was written, with Open and Show Folder,
or one line saying why nothing was.

A permanent status-bar widget rather than a message box: the export ran in the background
while the reader went on reading, so its outcome should not interrupt them, and it should stay
until they act on it or dismiss it (a temporary status message would vanish unseen).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QToolButton, QWidget

MAX_LABEL_WIDTH = 460


class ExportNotice(QWidget):
    """Hidden until an export ends; ``open_requested(path)`` asks to open a file or folder."""

    open_requested = Signal(object)

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.setObjectName("export-notice")
        self.path: Path | None = None
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setMaximumWidth(MAX_LABEL_WIDTH)
        self.open_button = QToolButton(self)
        self.open_button.setText("Open")
        self.open_button.setObjectName("export-open")
        self.open_button.clicked.connect(self._open)
        self.folder_button = QToolButton(self)
        self.folder_button.setText("Show Folder")
        self.folder_button.clicked.connect(self._open_folder)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.open_button)
        layout.addWidget(self.folder_button)
        layout.addWidget(close)
        bar.insertPermanentWidget(0, self)
        self.hide()

    def _set_text(self, text: str, tooltip: str) -> None:
        metrics = self.label.fontMetrics()
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, MAX_LABEL_WIDTH)
        self.label.setText(elided)
        self.label.setToolTip(tooltip)

    def show_result(self, path: Path, summary: str) -> None:
        """A finished export: its file name, Open and Show Folder."""
        self.path = path
        self._set_text(f"Exported {path.name}", summary)
        self.open_button.show()
        self.folder_button.show()
        self.show()

    def show_error(self, line: str) -> None:
        """One line saying why nothing was written."""
        self.path = None
        self._set_text(line, line)
        self.open_button.hide()
        self.folder_button.hide()
        self.show()

    @property
    def text(self) -> str:
        """The full text (the label may be elided)."""
        return self.label.toolTip() if self.path is None else self.label.text()

    def _open(self) -> None:
        if self.path is not None:
            self.open_requested.emit(self.path)

    def _open_folder(self) -> None:
        if self.path is not None:
            self.open_requested.emit(self.path.parent)
