"""Earlier texts of a post or comment: the list of revisions, a word-level diff, and choosing.

``RevisionsDialog`` (non-modal) shows an item's revisions, oldest first, with where and when
each was first seen and why one was kept aside; the selected one's text, or its word-level
difference from the text shown now (deleted words struck through in red, inserted ones
underlined in green); and **Show This Text**, which asks for the selected revision to be the
one the library shows (``chosen``).  It only reads (a handful of rows, on the connection it is
given); ``reader.ui.controllers.revisions`` opens it and makes the write.
"""

from __future__ import annotations

import html
import sqlite3

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reader.store import revisions


def diff_html(old: str, new: str) -> str:
    """The word-level difference as HTML for a QTextBrowser (all text escaped)."""
    out = []
    for op, text in revisions.word_diff(old, new):
        escaped = html.escape(text).replace("\n", "<br>")
        if op == "delete":
            out.append(
                f'<span style="color:#b3261e; text-decoration:line-through;">{escaped}</span>'
            )
        elif op == "insert":
            out.append(f'<span style="color:#1e7b34; text-decoration:underline;">{escaped}</span>')
        else:
            out.append(escaped)
    return "".join(out)


def _label(revision: revisions.Revision) -> str:
    text = f"Revision {revision.number} · first seen {revision.first_seen[:10]}"
    if revision.current:
        text += " · shown"
    if revision.suspect:
        text += " · kept aside"
    return text


class RevisionsDialog(QDialog):
    """The revisions of one item; ``chosen(item_id, number)`` when the user picks one."""

    chosen = Signal(str, int)

    def __init__(
        self, conn: sqlite3.Connection, item_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("revisions-dialog")
        self.setWindowTitle("Earlier texts")
        self.setModal(False)
        self.item_id = item_id
        self.history = revisions.history(conn, item_id)
        self.list = QListWidget(self)
        for revision in self.history:
            row = QListWidgetItem(_label(revision))
            tip = f"From {revision.source or 'an unknown source'}"
            if revision.suspect:
                tip += f"; kept aside because {revision.suspect}"
            row.setToolTip(tip)
            self.list.addItem(row)
        self.why = QLabel("", self)
        self.why.setWordWrap(True)
        self.diff = QCheckBox("Show the &differences from the text shown now", self)
        self.diff.setChecked(True)
        self.text = QTextBrowser(self)
        self.text.setOpenLinks(False)
        self.use = QPushButton("&Show This Text", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.use, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.use.clicked.connect(self._use)
        self.list.currentRowChanged.connect(self._show)
        self.diff.toggled.connect(lambda _on: self._show(self.list.currentRow()))
        right = QVBoxLayout()
        right.addWidget(self.why)
        right.addWidget(self.diff)
        right.addWidget(self.text, 1)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.resize(860, 520)
        newest_aside = [n for n, r in enumerate(self.history) if r.suspect and not r.current]
        self.list.setCurrentRow(newest_aside[-1] if newest_aside else len(self.history) - 1)

    @property
    def shown(self) -> revisions.Revision:
        return next(r for r in self.history if r.current)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.history):
            return
        revision = self.history[row]
        why = f"Kept aside, not shown: {revision.suspect}." if revision.suspect else ""
        if revision.current:
            why = "This is the text the library shows."
        self.why.setText(why)
        self.use.setEnabled(not revision.current)
        if self.diff.isChecked() and not revision.current:
            self.text.setHtml(diff_html(self.shown.text, revision.text))
        else:
            self.text.setPlainText(revision.text)

    def _use(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.history) and not self.history[row].current:
            self.chosen.emit(self.item_id, self.history[row].number)
            self.accept()
