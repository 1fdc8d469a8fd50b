"""The posts list: every post grouped by year and month, newest first, filterable.

Holds only the store's ``PostSummary`` tuples (no bodies), so 10,000 posts load in milliseconds.
Because the summaries arrive sorted newest first, each month is a contiguous slice of the
filtered list; group nodes are just (first, end) ranges into it and ``index``/``parent`` are
arithmetic on ``internalId``:

* a year row's internal id is 0 (its parent is the root);
* a month row's internal id is ``year_row + 1`` (the id of its parent year);
* a post row's internal id is ``MONTH_BASE + global month number`` (the id of its parent month).
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from reader.plurals import plural
from reader.store.queries import PostSummary
from reader.ui import icons

MONTH_BASE = 1 << 32
ID_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Title", "Date", "Comments")
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(slots=True)
class _Month:
    year_row: int
    row: int
    month: int
    first: int  # slice of the filtered list
    end: int


@dataclass(slots=True)
class _Year:
    year: int
    months: list[int]  # global month numbers
    posts: int
    comments: int


_R = Qt.ItemDataRole
_DISPLAY, _FONT, _DECORATION, _ALIGNMENT = (
    int(_R.DisplayRole),
    int(_R.FontRole),
    int(_R.DecorationRole),
    int(_R.TextAlignmentRole),
)
# what QStyledItemDelegate asks for, all at once, for every cell it paints
_DELEGATE_ROLES = (
    _DISPLAY,
    _FONT,
    _DECORATION,
    _ALIGNMENT,
    int(_R.ForegroundRole),
    int(_R.BackgroundRole),
    int(_R.CheckStateRole),
)


def _count(posts: int) -> str:
    return plural(posts, "post")


_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def count_tooltip(summary: PostSummary) -> str:
    """What the count column means, in words: "6 comments held of 7 declared", and the new
    ones since the last visit."""
    declared = summary.declared_comments
    held = plural(summary.comment_count, "comment")
    if declared is not None and declared != summary.comment_count:
        line = f"{held} held of {declared} declared by the page"
    elif summary.has_comments or declared is not None:
        line = held
    else:
        line = "This dump did not include the comments"
    if summary.new_count:
        line += f"\n{summary.new_count} new since your last visit"
    return line


def comment_count_text(summary: PostSummary) -> str:
    """ "12", or "11/12" when the library holds fewer (or more) than the post declares."""
    if not summary.has_comments and summary.declared_comments is None:
        return "–"
    declared = summary.declared_comments
    if declared is None or declared == summary.comment_count:
        return str(summary.comment_count)
    return f"{summary.comment_count}/{declared}"


class PostListModel(QAbstractItemModel):
    """Year > month > post tree over a filtered list of summaries."""

    def __init__(self, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._all: list[PostSummary] = []
        self._rows: list[PostSummary] = []
        self._years: list[_Year] = []
        self._months: list[_Month] = []
        self._month_starts: list[int] = []
        self._position: dict[str, int] = {}
        self._bookmarked: frozenset[str] = frozenset()
        self._text = ""
        self._month: tuple[int, int] | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self._cells: dict[tuple[int, int, int], dict[int, object]] = {}  # see ``_cell``

    # -- feeding -----------------------------------------------------------------------------

    def set_summaries(self, summaries: Iterable[PostSummary]) -> None:
        """Replace every post (newest first, as ``Library.post_summaries`` returns them)."""
        self._all = list(summaries)
        self._rebuild()

    def set_filter(self, text: str = "", month: tuple[int, int] | None = None) -> None:
        """Show posts whose title contains ``text`` (any case) in ``month`` (year, month)."""
        text = text.strip().casefold()
        if (text, month) == (self._text, self._month):
            return
        self._text, self._month = text, month
        self._rebuild()

    def set_bookmarked(self, post_ids: Iterable[str]) -> None:
        """Posts to mark with a bookmark (the annotations package owns what a bookmark is).

        Only the rows whose mark changed are announced: the window calls this on every
        thread it opens, and a ``dataChanged`` per month of a 10,000-post list made the view
        walk thousands of indexes each time (~100 ms) when nothing had changed."""
        old, self._bookmarked = self._bookmarked, frozenset(post_ids)
        changed = old ^ self._bookmarked
        if not self._rows or not changed:
            return
        self._cells.clear()
        if len(changed) > 64:
            self._all_posts_changed(0)
            return
        for post_id in changed:
            index = self.index_for_post(post_id)
            if index.isValid():
                self.dataChanged.emit(index, index)

    def set_new_count(self, post_id: str, count: int) -> None:
        """Update one post's new-comment count in place (after its thread was read)."""
        for i, summary in enumerate(self._all):
            if summary.id == post_id:
                self._all[i] = dataclasses.replace(summary, new_count=count)
                break
        position = self._position.get(post_id)
        if position is None:
            return
        self._rows[position] = dataclasses.replace(self._rows[position], new_count=count)
        self._cells.clear()
        index = self.index_for_post(post_id)
        self.dataChanged.emit(index, index.siblingAtColumn(len(COLUMNS) - 1))

    def _all_posts_changed(self, column: int) -> None:
        for year_row, year in enumerate(self._years):
            year_index = self.index(year_row, 0)
            for month_row in range(len(year.months)):
                month_index = self.index(month_row, 0, year_index)
                count = self.rowCount(month_index)
                if count:
                    self.dataChanged.emit(
                        self.index(0, column, month_index),
                        self.index(count - 1, column, month_index),
                    )

    def _rebuild(self) -> None:
        self.beginResetModel()
        self._cells.clear()
        rows = self._all
        if self._text:
            rows = [s for s in rows if self._text in s.title.casefold()]
        if self._month:
            in_year, in_month = self._month
            rows = [s for s in rows if s.date.year == in_year and s.date.month == in_month]
        self._rows = rows
        self._years, self._months, self._month_starts = [], [], []
        self._position = {s.id: i for i, s in enumerate(rows)}
        for i, summary in enumerate(rows):
            date = summary.date
            if not self._years or self._years[-1].year != date.year:
                self._years.append(_Year(date.year, [], 0, 0))
            year = self._years[-1]
            year.posts += 1
            year.comments += summary.comment_count
            last = self._months[-1] if self._months else None
            if last is None or last.year_row != len(self._years) - 1 or last.month != date.month:
                year.months.append(len(self._months))
                self._months.append(
                    _Month(len(self._years) - 1, len(year.months) - 1, date.month, i, i + 1)
                )
                self._month_starts.append(i)
            else:
                last.end = i + 1
        self.endResetModel()

    # -- queries the window uses ----------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def shown(self) -> int:
        return len(self._rows)

    @property
    def summaries(self) -> list[PostSummary]:
        return self._all

    @property
    def filtered(self) -> bool:
        return bool(self._text or self._month)

    def summary(self, index: AnyIndex) -> PostSummary | None:
        if not index.isValid() or index.internalId() < MONTH_BASE:
            return None
        month = self._months[index.internalId() - MONTH_BASE]
        return self._rows[month.first + index.row()]

    def post_id(self, index: AnyIndex) -> str | None:
        summary = self.summary(index)
        return summary.id if summary else None

    def position_of(self, post_id: str) -> int | None:
        """The post's place in the list as shown (0 = newest), or None if it is not shown."""
        return self._position.get(post_id)

    def index_for_post(self, post_id: str, column: int = 0) -> QModelIndex:
        position = self._position.get(post_id)
        if position is None:
            return QModelIndex()
        number = bisect.bisect_right(self._month_starts, position) - 1
        month = self._months[number]
        return self.createIndex(position - month.first, column, MONTH_BASE + number)

    def neighbour_post(self, post_id: str | None, step: int) -> str | None:
        """The post ``step`` rows away in display order (newest first), or None at an end."""
        if not self._rows:
            return None
        position = self._position.get(post_id or "")
        if position is None:
            return self._rows[0].id if step > 0 else self._rows[-1].id
        target = position + step
        return self._rows[target].id if 0 <= target < len(self._rows) else None

    def groups(self) -> list[tuple[tuple[int, ...], QModelIndex]]:
        """Every year and month row with its key, ``(year,)`` or ``(year, month)``."""
        found: list[tuple[tuple[int, ...], QModelIndex]] = []
        for year_row, year in enumerate(self._years):
            year_index = self.createIndex(year_row, 0, 0)
            found.append(((year.year,), year_index))
            for month_row, number in enumerate(year.months):
                key = (year.year, self._months[number].month)
                found.append((key, self.createIndex(month_row, 0, year_row + 1)))
        return found

    def month_activity(self) -> dict[tuple[int, int], tuple[int, int]]:
        """(year, month) -> (posts, comments) over all posts, for the activity strip."""
        activity: dict[tuple[int, int], tuple[int, int]] = {}
        for summary in self._all:
            key = (summary.date.year, summary.date.month)
            posts, comments = activity.get(key, (0, 0))
            activity[key] = (posts + 1, comments + summary.comment_count)
        return activity

    # -- QAbstractItemModel ------------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(COLUMNS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self._years) else QModelIndex()
        parent_id = parent.internalId()
        if parent_id == 0:  # parent is a year: children are its months
            year = self._years[parent.row()]
            if row >= len(year.months):
                return QModelIndex()
            return self.createIndex(row, column, parent.row() + 1)
        if parent_id < MONTH_BASE:  # parent is a month: children are posts
            number = self._years[parent_id - 1].months[parent.row()]
            month = self._months[number]
            if row >= month.end - month.first:
                return QModelIndex()
            return self.createIndex(row, column, MONTH_BASE + number)
        return QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent_id = index.internalId()
        if parent_id == 0:
            return QModelIndex()
        if parent_id < MONTH_BASE:
            return self.createIndex(parent_id - 1, 0, 0)
        month = self._months[parent_id - MONTH_BASE]
        return self.createIndex(month.row, 0, month.year_row + 1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._years)
        if parent.column() != 0:
            return 0
        parent_id = parent.internalId()
        if parent_id == 0:
            return len(self._years[parent.row()].months)
        if parent_id < MONTH_BASE:
            month = self._months[self._years[parent_id - 1].months[parent.row()]]
            return month.end - month.first
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        parent_id = index.internalId()
        if parent_id == 0:
            return self._year_data(self._years[index.row()], index.column(), role)
        if parent_id < MONTH_BASE:
            number = self._years[parent_id - 1].months[index.row()]
            return self._month_data(number, index.column(), role)
        month = self._months[parent_id - MONTH_BASE]
        return self._post_data(self._rows[month.first + index.row()], index.column(), role)

    def multiData(self, index: AnyIndex, roleDataSpan: object) -> None:
        """All the roles a delegate wants for one cell in one call from C++ (Qt asks for
        seven at a time): calls from C++ into Python are what a big view's paint costs, so
        they are answered from the cell's display roles, worked out once (``_cell``)."""
        if not index.isValid():
            return
        cell = self._cell(index)
        for role_data in roleDataSpan:  # type: ignore[attr-defined]
            role = role_data.role()
            value = cell[role] if role in cell else self.data(index, role)
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _cell(self, index: AnyIndex) -> dict[int, object]:
        """What a delegate paints of one cell, as ``data`` gives it; kept until the list, a
        post's new count or the bookmarks change."""
        key = (index.internalId(), index.row(), index.column())
        cell = self._cells.get(key)
        if cell is None:
            parent_id, row, column = key
            if parent_id == 0:
                year = self._years[row]
                text = (str(year.year), None, _count(year.posts))[column]
                font = self._bold if column == 0 else None
                icon = None
                alignment: object = _RIGHT if column == 2 else None
            elif parent_id < MONTH_BASE:
                month = self._months[self._years[parent_id - 1].months[row]]
                name = calendar.month_name[month.month]
                text = (name, None, _count(month.end - month.first))[column]
                font = icon = None
                alignment = _RIGHT if column == 2 else None
            else:
                summary = self._rows[self._months[parent_id - MONTH_BASE].first + row]
                text = self._post_data(summary, column, _DISPLAY)  # type: ignore[assignment]
                font = self._bold if summary.new_count else None
                icon = self._post_data(summary, column, _DECORATION)
                alignment = self._post_data(summary, column, _ALIGNMENT)
            cell = dict.fromkeys(_DELEGATE_ROLES)
            cell.update({_DISPLAY: text, _FONT: font, _DECORATION: icon, _ALIGNMENT: alignment})
            self._cells[key] = cell
        return cell

    def _year_data(self, year: _Year, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(year.year)
            if column == 2:
                return _count(year.posts)
        elif role == Qt.ItemDataRole.FontRole and column == 0:
            return self._bold
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return _RIGHT
        elif role == Qt.ItemDataRole.ToolTipRole:
            return f"{year.year}: {_count(year.posts)}, {plural(year.comments, 'comment')}"
        elif role == KIND_ROLE:
            return "year"
        return None

    def _month_data(self, number: int, column: int, role: int) -> object:
        month = self._months[number]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return calendar.month_name[month.month]
            if column == 2:
                return _count(month.end - month.first)
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return _RIGHT
        elif role == Qt.ItemDataRole.ToolTipRole:
            comments = sum(s.comment_count for s in self._rows[month.first : month.end])
            name = calendar.month_name[month.month]
            year = self._years[month.year_row].year
            posts = _count(month.end - month.first)
            return f"{name} {year}: {posts}, {plural(comments, 'comment')}"
        elif role == KIND_ROLE:
            return "month"
        return None

    def _post_data(self, summary: PostSummary, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return summary.title or "(untitled)"
            if column == 1:
                return summary.date.isoformat()
            if column == 2:
                text = comment_count_text(summary)
                return f"{text} +{summary.new_count}" if summary.new_count else text
        elif role == Qt.ItemDataRole.DecorationRole and column == 0:
            bookmarked = summary.id in self._bookmarked
            if bookmarked:
                return icons.bookmark(with_dot="#2f7de1" if summary.new_count else "")
            if summary.new_count:
                return icons.new_dot()
        elif role == Qt.ItemDataRole.FontRole and summary.new_count:
            return self._bold
        elif role == Qt.ItemDataRole.ToolTipRole:
            return count_tooltip(summary) if column == 2 else self._tooltip(summary)
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return _RIGHT
        elif role == ID_ROLE:
            return summary.id
        elif role == KIND_ROLE:
            return "post"
        return None

    def _tooltip(self, summary: PostSummary) -> str:
        lines = [summary.title, summary.date.strftime("%A, %d %B %Y"), count_tooltip(summary)]
        if summary.id in self._bookmarked:
            lines.append("Bookmarked")
        return "\n".join(lines)
