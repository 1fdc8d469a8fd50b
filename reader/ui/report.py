"""The import report: a non-modal table of the files that could not be imported, and of the
posts and comments to which an import brought a different text (see reader.store.revisions).

Its own module so the window imports the table widgets only when a report is first shown.
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

from reader.store import ImportResult

if TYPE_CHECKING:
    from reader.ui.controllers.imports import ImportOutcome


def _message(result: ImportResult) -> str:
    """The error without the "path:line: " prefix the store puts in front of it."""
    text = result.error or "failed"
    prefix = f"{result.path}:{result.line}: " if result.line else f"{result.path}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


class ImportReport(QDialog):
    """A non-modal list of the files that could not be imported: file, line, message."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import report")
        self.setModal(False)
        self.resize(760, 320)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["File", "Line", "Problem"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 240)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.hide)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def set_outcome(self, outcome: ImportOutcome) -> None:
        self.summary.setText(outcome.summary())
        rows = [(r.path, r.line, _message(r)) for r in outcome.problems]
        # items to which the import brought a different text: shown, or kept aside (issue 14)
        rows += [(r.path, None, item.line().strip()) for r in outcome.results for item in r.revised]
        if outcome.error:
            rows.append((Path("import"), None, outcome.error))
        self.set_rows(rows)

    def set_rows(self, rows: Sequence[tuple[Path, int | None, str]]) -> None:
        self.table.setRowCount(len(rows))
        for row, (path, line, message) in enumerate(rows):
            name = QTableWidgetItem(Path(path).name)
            name.setToolTip(str(path))
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem("" if line is None else str(line)))
            problem = QTableWidgetItem(message)
            problem.setToolTip(html.escape(message))
            self.table.setItem(row, 2, problem)
        self.table.resizeRowsToContents()

    def rows(self) -> list[tuple[str, str, str]]:
        """The table's text, for tests."""

        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1), text(r, 2)) for r in range(self.table.rowCount())]
