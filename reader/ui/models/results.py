"""Search results as a flat list model, and the delegate that draws a hit with its snippet.

The model holds the core's ``Hit`` objects as they came from the search worker (or, grouped by
thread, each thread's best hit and count), page by page as the list scrolls; the delegate
draws each as two parts: a heading line (comment number or the thread's hit count, post title,
date) and up to two lines of snippet with the matched words marked.  Snippet documents are
built once per row and kept until the next result set, so scrolling repaints without
re-parsing HTML.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reader.plurals import plural

HIT_ROLE = Qt.ItemDataRole.UserRole
COUNT_ROLE = Qt.ItemDataRole.UserRole + 1  # grouped rows: the thread's hit count
AnyIndex = QModelIndex | QPersistentModelIndex
SNIPPET_LINES = 2
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
PAD = 6


class ResultsModel(QAbstractListModel):
    """The rows of the latest search, in the order the index returned them: hits, or (grouped)
    threads, each with its hit count and its best hit.

    Only the first page comes with ``set_results``; the rest is fetched as the reader scrolls
    (``canFetchMore``/``fetchMore``, as qutebrowser's completion does): ``fetchMore`` asks for
    the next page through ``more_wanted(offset)``, and the page comes back through
    ``add_page``.  Pages of one query and sort never overlap or skip (the core's contract), so
    every hit is reachable by scrolling.
    """

    more_wanted = Signal(int)  # the offset of the next page

    def __init__(self, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._hits: list[Any] = []  # one per row: a Hit, or a ThreadGroup's best hit
        self._counts: list[int] = []  # grouped: the thread's hit count per row
        self.results: Any = None
        self.grouped = False
        self.total_rows = 0  # hits, or threads when grouped
        self._waiting = False  # a page was asked for and has not come

    def set_results(self, results: Any) -> None:
        self.beginResetModel()
        self.results = results
        self._hits, self._counts, self._waiting = [], [], False
        self.grouped = bool(results is not None and results.groups is not None)
        self.total_rows = 0
        if results is not None:
            self.total_rows = results.threads if self.grouped else results.total
            self._take(results)
        self.endResetModel()

    def _take(self, page: Any) -> None:
        if self.grouped:
            self._hits.extend(group.best for group in page.groups)
            self._counts.extend(group.count for group in page.groups)
        else:
            self._hits.extend(page.hits)

    def add_page(self, page: Any) -> None:
        """The page asked for by ``more_wanted`` (one that does not follow on is ignored)."""
        self._waiting = False
        if page.offset != len(self._hits):
            return
        found = len(page.groups) if self.grouped else len(page.hits)
        if not found:
            self.total_rows = len(self._hits)  # the library changed meanwhile: no more
            return
        first = len(self._hits)
        self.beginInsertRows(QModelIndex(), first, first + found - 1)
        self._take(page)
        self.endInsertRows()

    def page_failed(self) -> None:
        self._waiting = False

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return not self._waiting and len(self._hits) < self.total_rows

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._waiting = True
            self.more_wanted.emit(len(self._hits))

    def hit(self, row: int) -> Any:
        """The row's hit (grouped: the thread's best hit)."""
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def count(self, row: int) -> int:
        """Grouped: the thread's number of hits; else 1."""
        return self._counts[row] if self.grouped and 0 <= row < len(self._counts) else 1

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if self.grouped:
                return f"{hit.title} · {plural(self.count(index.row()), 'hit')}"
            where = f" · {hit.path}" if hit.path else " · post"
            return f"{hit.title}{where}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.grouped:
                count = plural(self.count(index.row()), "hit")
                return f"{hit.title}\n{hit.date.isoformat()} · {count} in this thread"
            where = f" · comment {hit.path}" if hit.path else ""
            return f"{hit.title}\n{hit.date.isoformat()}{where}\n\n{hit.snippet.text}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.title}, {hit.snippet.text}"
        if role == HIT_ROLE:
            return hit
        if role == COUNT_ROLE:
            return self.count(index.row()) if self.grouped else None
        return None


def snippet_html(hit: Any, palette: QPalette) -> str:
    """The hit's snippet as escaped rich text with its marks drawn (never the dump's markup)."""
    highlight = palette.color(QPalette.ColorRole.Highlight)
    marked_bg = QColor(highlight)
    marked_bg.setAlpha(90)
    before = (
        f'<span style="background-color:{marked_bg.name(QColor.NameFormat.HexArgb)};'
        ' font-weight:600;">'
    )
    return hit.snippet.render(before, "</span>", lambda s: html.escape(s, quote=False))


class ResultDelegate(QStyledItemDelegate):
    """Heading and snippet of a hit; fixed row height so long lists stay fast."""

    def __init__(self, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._docs: dict[tuple[int, int], QTextDocument] = {}

    def reset(self) -> None:
        self._docs.clear()

    def _line(self, option: QStyleOptionViewItem) -> int:
        return QFontMetrics(option.font).lineSpacing()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        line = self._line(option)
        return QSize(200, PAD * 2 + line * (1 + SNIPPET_LINES) + 2)

    def _document(self, index: AnyIndex, width: int, option: QStyleOptionViewItem) -> QTextDocument:
        key = (index.row(), width)
        doc = self._docs.get(key)
        if doc is None:
            hit = index.data(HIT_ROLE)
            doc = QTextDocument()
            doc.setDocumentMargin(0)
            doc.setDefaultFont(option.font)
            doc.setHtml(snippet_html(hit, option.palette))
            doc.setTextWidth(width)
            if len(self._docs) > 400:
                self._docs.clear()
            self._docs[key] = doc
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        hit = index.data(HIT_ROLE)
        if hit is None:
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Active
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_colour = opt.palette.color(group, text_role)
        muted = QColor(text_colour)
        muted.setAlpha(170)
        rect = opt.rect.adjusted(PAD, PAD, -PAD, -PAD)
        line = self._line(opt)
        bold = QFont(opt.font)
        bold.setBold(True)
        date = hit.date.isoformat()
        metrics = QFontMetrics(opt.font)
        date_width = metrics.horizontalAdvance(date) + PAD
        count = index.data(COUNT_ROLE)
        if count is not None:  # a thread of the grouped view: its count leads
            where = f"{plural(count, 'hit')}  "
        else:
            where = f"{hit.path}  " if hit.path else "post  "
        where_width = QFontMetrics(bold).horizontalAdvance(where)
        heading = QRect(rect.left(), rect.top(), rect.width(), line)
        painter.setFont(bold)
        painter.setPen(text_colour)
        painter.drawText(heading, LEFT, where)
        title_rect = heading.adjusted(where_width, 0, -date_width, 0)
        painter.setFont(opt.font)
        title = metrics.elidedText(hit.title, Qt.TextElideMode.ElideRight, title_rect.width())
        painter.drawText(title_rect, LEFT, title)
        painter.setPen(muted)
        painter.drawText(heading, RIGHT, date)
        body = QRect(rect.left(), rect.top() + line + 2, rect.width(), line * SNIPPET_LINES)
        doc = self._document(index, body.width(), opt)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, text_colour)
        clip = QRect(0, 0, body.width(), body.height())
        context.clip = QRectF(clip)
        painter.translate(body.topLeft())
        painter.setClipRect(clip)
        doc.documentLayout().draw(painter, context)
        painter.setClipping(False)
        painter.translate(-body.topLeft())
