"""Search results as a flat list model, and the delegate that draws a hit with its snippet.

The model holds the core's ``Hit`` objects as they came from the search worker; the delegate
draws each as two parts: a heading line (post title, comment number, date) and up to two lines
of snippet with the matched words marked.  Snippet documents are built once per row and kept
until the next result set, so scrolling repaints without re-parsing HTML.
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

HIT_ROLE = Qt.ItemDataRole.UserRole
AnyIndex = QModelIndex | QPersistentModelIndex
SNIPPET_LINES = 2
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
PAD = 6


class ResultsModel(QAbstractListModel):
    """The hits of the latest search (``set_results``), in the order the index returned."""

    def __init__(self, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._hits: list[Any] = []
        self.results: Any = None

    def set_results(self, results: Any) -> None:
        self.beginResetModel()
        self.results = results
        self._hits = list(results.hits) if results is not None else []
        self.endResetModel()

    def hit(self, row: int) -> Any:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            where = f" · {hit.path}" if hit.path else " · post"
            return f"{hit.title}{where}"
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f" · comment {hit.path}" if hit.path else ""
            return f"{hit.title}\n{hit.date.isoformat()}{where}\n\n{hit.snippet.text}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.title}, {hit.snippet.text}"
        if role == HIT_ROLE:
            return hit
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
