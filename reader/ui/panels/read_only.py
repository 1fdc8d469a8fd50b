"""A read-only library in the window: a banner that says so, and the writing commands off.

A library opens read-only when its folder or file cannot be written (a mounted backup, a
shared drive; see ``reader.store.Library.open``).  Reading, searching (from the index as it is,
or from the store) and exporting to another folder all work; the context refuses every write
(``AppContext.write``, ``StoreWrites``, the imports controller), and this panel makes that
visible before anyone tries: a banner above the panes that stays while the library is open,
and the actions that would write disabled — those of the command table and those parts add
later (the reading menu's highlight, note and bookmark are made after the first paint), which
are caught as the window gains them.

``ReadOnlyPanel.install`` is the whole hook: it does nothing for a writable library.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionEvent, QPalette
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QWidget

from reader.ui.context import AppContext

WRITING_ACTIONS = frozenset({"import_files", "import_folder", "highlight", "add_note",
                             "toggle_bookmark", "use_revision"})  # fmt: skip
"""Object names of the actions that write to the library."""


def banner_text(root: object) -> str:
    return (
        f"This library is read-only ({root}): you can read, search and export it to another"
        " folder; importing, highlights, notes and bookmarks are switched off."
    )


class ReadOnlyPanel(QFrame):
    """The one-line notice above the panes (no Dismiss: it stays true while the library is
    open), and the filter that keeps writing actions disabled."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("read-only-banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)  # a role: follows the theme
        self.label = QLabel(banner_text(ctx.library.paths.root), self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)

    @classmethod
    def install(cls, ctx: AppContext, central: QWidget, window: QWidget) -> ReadOnlyPanel | None:
        """For a read-only library: the banner at the top of ``central`` (a vertical box),
        and every writing action of ``window`` disabled, now and as they are added."""
        if not ctx.read_only:
            return None
        panel = cls(ctx, central)
        layout = central.layout()
        assert isinstance(layout, QBoxLayout)
        layout.insertWidget(0, panel)
        for action in window.findChildren(QAction):
            _disable_if_writing(action)
        window.installEventFilter(panel)
        return panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ActionAdded and isinstance(event, QActionEvent):
            action = event.action()
            if action is not None:
                _disable_if_writing(action)
        return False


def _disable_if_writing(action: QAction) -> None:
    if action.objectName() in WRITING_ACTIONS:
        action.setEnabled(False)
