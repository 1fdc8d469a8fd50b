"""Flat table models for the Annotations and Bookmarks panels.

Lazy in the two ways that matter for a library with thousands of notes: rows reach the view in
batches (``canFetchMore``/``fetchMore``, so a view lays out only what it shows), and the
"Where" column, which needs a query per item (post title, comment number), is computed only
when Qt asks for a visible cell and then cached until the next reset.

The models only hold objects handed to them; the panels decide what to list (and filter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QIcon

from reader.annotate import anchoring
from reader.model import Annotation, Bookmark

BATCH = 200
OBJECT_ROLE = Qt.ItemDataRole.UserRole
AnyIndex = QModelIndex | QPersistentModelIndex
T = TypeVar("T")
_R = Qt.ItemDataRole


def one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def local_date(value: dt.datetime | None) -> str:
    """The day a note was made, in the reader's time zone (stored times are UTC)."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone()
    return value.strftime("%Y-%m-%d")


class _LazyTable(QAbstractTableModel, Generic[T]):
    """Rows of ``T`` fetched into the view ``BATCH`` at a time; ``where(item_id)`` cached."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, where: Callable[[str], str], parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._where_of = where
        self._rows: list[T] = []
        self._fetched = 0
        self._where: dict[str, str] = {}
        self._busy = False  # resetting or inserting: no fetching from the signals
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._busy = True
        try:
            self._rows = list(rows)
            self._fetched = min(BATCH, len(self._rows))
            self._where = {}
        finally:
            self.endResetModel()
            self._busy = False

    @property
    def total(self) -> int:
        """Rows held, fetched into the view or not."""
        return len(self._rows)

    def row_object(self, row: int) -> T | None:
        return self._rows[row] if 0 <= row < self._fetched else None

    def row_of(self, predicate: Callable[[T], bool]) -> int:
        """The first row whose object satisfies ``predicate`` (fetching up to it), or -1."""
        for row, obj in enumerate(self._rows):
            if predicate(obj):
                while row >= self._fetched and self.canFetchMore(QModelIndex()):
                    self.fetchMore(QModelIndex())
                return row
        return -1

    def where(self, item_id: str) -> str:
        found = self._where.get(item_id)
        if found is None:
            found = self._where[item_id] = self._where_of(item_id)
        return found

    # -- QAbstractTableModel -----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._fetched

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        valid = not parent.isValid() and not self._busy
        return valid and self._fetched < len(self._rows)

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        count = min(BATCH, len(self._rows) - self._fetched)
        self._busy = True  # a view (or the model tester) may ask again from a signal
        try:
            self.beginInsertRows(QModelIndex(), self._fetched, self._fetched + count - 1)
            self._fetched += count
            self.endInsertRows()
        finally:
            self._busy = False

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation == Qt.Orientation.Horizontal and role == _R.DisplayRole:
            return self.COLUMNS[section] if 0 <= section < len(self.COLUMNS) else None
        return None

    def data(self, index: AnyIndex, role: int = _R.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < self._fetched:
            return None
        obj = self._rows[index.row()]
        if role == OBJECT_ROLE:
            return obj
        return self._data(obj, index.column(), role)

    def _data(self, obj: T, column: int, role: int) -> object:
        raise NotImplementedError


class AnnotationsModel(_LazyTable[Annotation]):
    """Quote (with a colour swatch), note, where, date; orphans and moved ones in italics."""

    COLUMNS = ("Quote", "Note", "Where", "Date")

    def __init__(
        self,
        where: Callable[[str], str],
        swatch: Callable[[str], QIcon],
        parent: object | None = None,
    ) -> None:
        super().__init__(where, parent)
        self._swatch = swatch

    def annotation(self, row: int) -> Annotation | None:
        return self.row_object(row)

    def _data(self, a: Annotation, column: int, role: int) -> object:
        if role == _R.DisplayRole:
            if column == 0:
                return f"“{one_line(a.exact, 120)}”"
            if column == 1:
                return one_line(a.note, 120)
            if column == 2:
                return self.where(a.item_id)
            if column == 3:
                return local_date(a.created)
        elif role == _R.DecorationRole and column == 0:
            return self._swatch(a.colour)
        elif role == _R.FontRole and a.state != anchoring.EXACT:
            return self._italic
        elif role == _R.ToolTipRole:
            lines = [f"“{one_line(a.exact, 600)}”"]
            if a.note:
                lines += ["", a.note]
            if a.state == anchoring.ORPHAN:
                lines += ["", "Orphaned: the passage is no longer in the text (kept for you)."]
            elif a.state == anchoring.MOVED:
                lines += ["", "The text changed since this was highlighted."]
            return "\n".join(lines)
        return None


class BookmarksModel(_LazyTable[Bookmark]):
    """What is bookmarked (label, or the comment's first words), where, date."""

    COLUMNS = ("Bookmark", "Where", "Date")

    def __init__(
        self,
        where: Callable[[str], str],
        title: Callable[[str], str],
        parent: object | None = None,
    ) -> None:
        super().__init__(where, parent)
        self._title_of = title
        self._titles: dict[str, str] = {}

    def set_rows(self, rows: Sequence[Bookmark]) -> None:
        self._titles = {}
        super().set_rows(rows)

    def bookmark(self, row: int) -> Bookmark | None:
        return self.row_object(row)

    def title(self, b: Bookmark) -> str:
        if b.label:
            return b.label
        found = self._titles.get(b.item_id)
        if found is None:
            found = self._titles[b.item_id] = self._title_of(b.item_id)
        return found

    def _data(self, b: Bookmark, column: int, role: int) -> object:
        if role == _R.DisplayRole:
            if column == 0:
                return self.title(b)
            if column == 1:
                return self.where(b.item_id)
            if column == 2:
                return local_date(b.created)
        elif role == _R.ToolTipRole:
            return f"{self.title(b)}\n{self.where(b.item_id)}"
        return None
