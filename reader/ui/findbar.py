"""Find in thread (Ctrl+F): a line edit with next/previous above the reading pane.

Built the first time it is asked for, so it costs nothing at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from reader.ui.reading import ReadingPane


class FindBar(QWidget):
    """Find in thread (Ctrl+F): a line edit with next/previous, closed with Escape."""

    closed = Signal()

    def __init__(self, pane: ReadingPane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pane = pane
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in thread")
        self.edit.setClearButtonEnabled(True)
        self.edit.setAcceptDrops(False)
        self.status = QLabel(self)
        previous = QToolButton(self)
        previous.setText("▲")
        previous.setToolTip("Previous match (Shift+Enter)")
        following = QToolButton(self)
        following.setText("▼")
        following.setToolTip("Next match (Enter)")
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Close (Escape)")
        close.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.edit.returnPressed.connect(lambda: self.find_match(backward=False))
        self.edit.textChanged.connect(lambda _: self.find_match(backward=False, again=False))
        previous.clicked.connect(lambda: self.find_match(backward=True))
        following.clicked.connect(lambda: self.find_match(backward=False))
        close.clicked.connect(self.close_bar)
        escape = QShortcut(QKeySequence("Esc"), self.edit)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.close_bar)
        back = QShortcut(QKeySequence("Shift+Return"), self.edit)
        back.setContext(Qt.ShortcutContext.WidgetShortcut)
        back.activated.connect(lambda: self.find_match(backward=True))

    found_item = Signal(str)

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.pane.setFocus()
        self.closed.emit()

    def find_match(self, *, backward: bool, again: bool = True) -> None:
        text = self.edit.text()
        if not again:  # typing: search from the start of the current match
            cursor = self.pane.textCursor()
            cursor.setPosition(cursor.selectionStart())
            self.pane.setTextCursor(cursor)
        item = self.pane.find_text(text, backward=backward)
        self.status.setText("" if item or not text else "Not found")
        if item:
            self.found_item.emit(item)
