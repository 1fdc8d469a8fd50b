"""A read-only library in the window: a banner that says so, and writing switched off.

A library opens read-only when its folder or file cannot be written (a mounted backup, a
shared drive; see ``reader.store.Library.open``).  Reading, searching (from the index as it is,
or from the store) and exporting to another folder all work; importing, highlighting, notes and
bookmarks would fail, so their actions are disabled and a banner above the panes says why,
rather than every attempt ending in an error.

``install(window)`` is the whole hook: call it once the window's widgets exist.  Actions made
later (the reading menu is built after the first paint) are caught as they are added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

if TYPE_CHECKING:
    from reader.ui.mainwindow import MainWindow

WRITING_ACTIONS = frozenset({"import_files", "import_folder", "highlight", "add_note",
                             "toggle_bookmark"})  # fmt: skip
"""Object names of the actions that write to the library."""


def banner_text(root: object) -> str:
    return (
        f"This library is read-only ({root}): you can read, search and export it to another"
        " folder; importing, highlights, notes and bookmarks are switched off."
    )


class ReadOnlyBanner(QFrame):
    """A one-line notice above the panes; stays as long as the library is open."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("read-only-banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)


class _DisableWriting(QObject):
    """Disables writing actions as the window gains them (``QEvent.ActionAdded``)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ActionAdded:
            action = event.action()  # type: ignore[attr-defined]
            if isinstance(action, QAction) and action.objectName() in WRITING_ACTIONS:
                action.setEnabled(False)
        return False


def install(window: MainWindow) -> ReadOnlyBanner | None:
    """Show the banner and switch writing off if the window's library is read-only."""
    if not window.library.read_only:
        return None
    window.runner.read_only = True  # the workers' libraries too, whatever the folder allows
    banner = ReadOnlyBanner(banner_text(window.library.paths.root), window.panes.central)
    layout = window.panes.central.layout()
    layout.insertWidget(0, banner)  # type: ignore[attr-defined]
    window.setAcceptDrops(False)
    for action in window.findChildren(QAction):
        if action.objectName() in WRITING_ACTIONS:
            action.setEnabled(False)
    for name in WRITING_ACTIONS:
        try:
            window.actions[name].setEnabled(False)
        except (KeyError, AttributeError):
            continue
    keeper = _DisableWriting(window)
    window.installEventFilter(keeper)
    window.read_only_banner = banner  # type: ignore[attr-defined]
    return banner
