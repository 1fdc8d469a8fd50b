"""Earlier texts of a post or comment: the list of revisions, a word-level diff, and choosing.

The reading pane marks an item that has more than one text (*edited*, or *another text kept
aside* when a later dump's text looked damaged; see ``reader.store.revisions``) with a link;
clicking it, or **Edit › Earlier Texts…** on the current item, opens ``RevisionsDialog``: the
revisions, oldest first, with where and when each was first seen and why one was kept aside;
the selected one's text, or its word-level difference from the text shown now (deleted words
struck through in red, inserted ones underlined in green); and **Show This Text**, which makes
the selected revision the one the library shows (annotations are re-anchored at once).

``install(window)`` is the whole hook.  The dialog reads on the GUI thread's connection (a
handful of rows) and writes through the window's task runner, like every library write.
"""

from __future__ import annotations

import contextlib
import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QAction, QKeySequence
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

if TYPE_CHECKING:
    from reader.ui.mainwindow import MainWindow

SCHEME = "revisions"
"""Links ``revisions:ITEM_ID`` in the reading pane open this view."""


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

    def __init__(self, conn, item_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revisions-dialog")
        self.setWindowTitle("Earlier texts")
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


class RevisionsView:
    """The window's side: links in the pane, the Edit menu action, running the choice."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dialog: RevisionsDialog | None = None
        self.action = QAction("Earlier &Texts…", window)
        self.action.setObjectName("earlier_texts")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.action.setStatusTip("Other texts dumps gave this post or comment")
        self.action.triggered.connect(lambda _checked=False: self.open_current())
        window.addAction(self.action)
        with contextlib.suppress(AttributeError, KeyError):
            window.actions.menu("Edit").addAction(self.action)
        window.reading.anchorClicked.connect(self._on_anchor)

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == SCHEME:
            self.open(url.path())

    def open_current(self) -> RevisionsDialog | None:
        item = self.window.current_item()
        post = self.window.current_post
        target = item or (post.id if post is not None else None)
        return self.open(target) if target else None

    def open(self, item_id: str) -> RevisionsDialog | None:
        """Show the revisions of ``item_id`` (non-modal); None if it has only one text."""
        try:
            dialog = RevisionsDialog(self.window.library.conn, item_id, self.window)
        except Exception as exc:  # an id no longer in the library
            self.window.status.message(f"No earlier texts: {exc}")
            return None
        if len(dialog.history) < 2:
            self.window.status.message("This item has only ever had one text")
            dialog.deleteLater()
            return None
        if self.window.library.read_only:
            dialog.use.hide()
        dialog.chosen.connect(self.use)
        self.dialog = dialog
        dialog.show()
        return dialog

    def use(self, item_id: str, number: int) -> None:
        """Show revision ``number`` from now on (a library write, on the writer thread)."""

        def job(ctx) -> str:
            return ctx.library.use_revision(item_id, number)

        self.window.runner.submit(
            "revision",
            job,
            label="Changing the text shown",
            writes=True,
            on_done=lambda _post: self.window.refresh_thread(),
            on_error=lambda message: self.window.status.message(
                f"Could not change the text: {message}"
            ),
        )


def install(window: MainWindow) -> RevisionsView:
    view = RevisionsView(window)
    window.revisions = view  # type: ignore[attr-defined]
    return view
