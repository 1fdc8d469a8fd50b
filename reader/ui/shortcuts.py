"""Help › Keyboard Shortcuts: a non-modal list generated from the menus themselves.

Reading the live QActions (not a hand-written table) keeps the list true after anyone adds a
command, including the ones other parts of the program add later (export, annotations).
"""

from __future__ import annotations

import html

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
)


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, command, keys) for every menu action that has a shortcut."""
    rows = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        stack: list[QMenu] = [menu]
        while stack:
            current = stack.pop(0)
            for action in current.actions():
                submenu = action.menu()
                if isinstance(submenu, QMenu):
                    stack.append(submenu)
                    continue
                keys = [
                    s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()
                ]
                if keys and not action.isSeparator():
                    rows.append((top.text().replace("&", ""), action.text().replace("&", ""), keys))
    return [(m, c, ", ".join(k)) for m, c, k in rows]


def shortcuts_html(window: QMainWindow) -> str:
    parts = ["<h3>Keyboard shortcuts</h3>", '<table cellspacing="0" cellpadding="3">']
    last_menu = ""
    for menu, command, keys in shortcut_rows(window):
        if menu != last_menu:
            parts.append(f'<tr><td colspan="2"><b>{html.escape(menu)}</b></td></tr>')
            last_menu = menu
        parts.append(
            f"<tr><td>{html.escape(command)}</td><td><tt>{html.escape(keys)}</tt></td></tr>"
        )
    parts.append("</table>")
    parts.append(
        "<p>Drop dump files or folders anywhere on the window to import them. "
        "Single-letter keys work whenever no text field has the focus.</p>"
    )
    return "".join(parts)


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard Shortcuts")
        self.setModal(False)
        self.resize(460, 560)
        self.view = QTextBrowser(self)
        self.view.setOpenLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.hide)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.refresh(window)

    def refresh(self, window: QMainWindow) -> None:
        self.view.setHtml(shortcuts_html(window))
