"""The note editor: a small modal dialog with the quoted passage and a multi-line note field.

Every caller goes through ``ask_note`` (looked up on this module at call time), so tests
monkeypatch that one function instead of driving a modal dialog, which would block forever on
the offscreen platform.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from reader.ui.undo import short_quote

QUOTE_CHARS = 240


class NoteDialog(QDialog):
    """Quote on top (read-only, elided), note below; Ctrl+Enter saves, Escape cancels."""

    def __init__(self, parent: QWidget | None, title: str, quote: str, note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.resize(460, 260)
        self.quote = QLabel(f"“{short_quote(quote, QUOTE_CHARS)}”", self)
        self.quote.setWordWrap(True)
        self.quote.setTextFormat(Qt.TextFormat.PlainText)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("note-edit")
        self.edit.setPlaceholderText("Your note (optional)")
        self.edit.setPlainText(note)
        self.edit.setTabChangesFocus(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        save = QShortcut(QKeySequence("Ctrl+Return"), self)
        save.activated.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.quote)
        layout.addWidget(self.edit, 1)
        layout.addWidget(buttons)
        self.edit.setFocus()

    def note(self) -> str:
        return self.edit.toPlainText()


def ask_note(parent: QWidget | None, title: str, quote: str, note: str = "") -> str | None:
    """The note typed (possibly empty), or ``None`` if the user cancelled."""
    dialog = NoteDialog(parent, title, quote, note)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.note()
        return None
    finally:
        dialog.deleteLater()
