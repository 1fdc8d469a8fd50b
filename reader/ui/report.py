"""The import report: a non-modal table with one row per file an import went through — added,
merged, already in the library, skipped (not a dump) or failed — and why; and a row for each
post or comment to which an import brought a different text (see reader.store.revisions).

Every import the reader starts from the window ends with it, so a folder with a file that
could not be read never reads as a full success ("Imported 4 files" when 2 were skipped).
Rows keep the normal row height: the whole message is in the row's tooltip.  Its own module,
so the window imports the table widgets only when a report is first shown.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.plurals import plural
from reader.store import ImportResult

if TYPE_CHECKING:
    from reader.ui.controllers.imports import ImportOutcome

ADDED, MERGED, UNCHANGED, SKIPPED, FAILED, CANCELLED = (
    "Added",
    "Merged",
    "Already in the library",
    "Skipped",
    "Failed",
    "Cancelled",
)
REVISED = "Revised"


def _message(result: ImportResult) -> str:
    """The error without the "path:line: " prefix the store puts in front of it."""
    text = result.error or "failed"
    prefix = f"{result.path}:{result.line}: " if result.line else f"{result.path}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def file_row(result: ImportResult) -> tuple[Path, str, str]:
    """(file, what happened, why or what it brought) for one file of an import."""
    if result.cancelled:
        return result.path, CANCELLED, "cancelled while importing: nothing from it was kept"
    if getattr(result, "skipped", False):
        return result.path, SKIPPED, f"not imported: {_message(result)}"
    if not result.ok:
        where = f"line {result.line}: " if result.line else ""
        return result.path, FAILED, f"{where}{_message(result)}"
    brought = (
        f"{plural(result.posts_new, 'new post')}, {plural(result.comments_new, 'new comment')}"
    )
    if result.posts_merged:
        brought += f"; {plural(result.posts_merged, 'post')} already here, merged"
    if result.comments_vanished:
        brought += f"; {result.comments_vanished} no longer in the dump (kept)"
    if not result.changed:
        status = UNCHANGED
        brought = f"nothing new: {plural(result.posts, 'post')} already in the library"
    elif result.posts_merged:
        status = MERGED
    else:
        status = ADDED
    if result.encoding and result.encoding != "utf-8":
        brought += f" [read as {result.encoding}]"
    return result.path, status, brought


class ImportReport(QDialog):
    """A non-modal list of the files of an import: file, result, details."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import report")
        self.setModal(False)
        self.resize(760, 320)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["File", "Result", "Details"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)  # one line per file: the whole text is in the tooltip
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAlternatingRowColors(True)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 220)
        self.table.setColumnWidth(1, self.fontMetrics().horizontalAdvance(UNCHANGED) + 24)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.hide)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def set_outcome(self, outcome: ImportOutcome) -> None:
        self.summary.setText(outcome.summary())
        rows = [file_row(r) for r in outcome.results]
        # items to which the import brought a different text: shown, or kept aside (issue 14)
        rows += [
            (r.path, REVISED, item.line().strip()) for r in outcome.results for item in r.revised
        ]
        if outcome.error:
            rows.append((Path("import"), FAILED, outcome.error))
        self.set_rows(rows)

    def set_rows(self, rows: Sequence[tuple[Path, str, str]]) -> None:
        """``(file, result, details)`` per row."""
        self.table.setRowCount(len(rows))
        for row, (path, status, details) in enumerate(rows):
            name = QTableWidgetItem(Path(path).name)
            name.setToolTip(str(path))
            self.table.setItem(row, 0, name)
            result = QTableWidgetItem(status)
            if status in (FAILED, SKIPPED, CANCELLED):
                font = result.font()
                font.setBold(True)
                result.setFont(font)
            self.table.setItem(row, 1, result)
            text = QTableWidgetItem(details)
            text.setToolTip(html.escape(details))
            self.table.setItem(row, 2, text)

    def rows(self) -> list[tuple[str, str, str]]:
        """The table's text, for tests."""

        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1), text(r, 2)) for r in range(self.table.rowCount())]
