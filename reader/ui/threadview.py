"""The thread tree's view: a QTreeView that paints each row in one call.

Why: opening a 1,000-comment thread is dominated by the first paint of this tree.  Qt's own
row painting asks a Python model for every cell through a dozen calls (``index``, ``parent``
for the branches and for each selection check, ``multiData`` per cell): about a thousand
calls from C++ into Python for one screenful, ~10 ms, plus QStyledItemDelegate's text layout
per cell.  Here ``drawRow`` reads the ``ThreadModel``'s arrays directly (node number =
``internalId``) and draws the selection, the branch indicator, the icon and the three texts
itself, with the style's own primitives and the palette, so the tree looks as before.

Everything else (layout, scrolling, keys, mouse, selection, accessibility) is QTreeView's.
With another model, or right-to-left, it falls back to Qt's painting.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QStyle, QStyleOption, QStyleOptionViewItem, QTreeView, QWidget

from reader.ui.models.threadtree import ThreadModel

AnyIndex = QModelIndex | QPersistentModelIndex
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
_S = QStyle.StateFlag


class ThreadView(QTreeView):
    """A QTreeView over a ``ThreadModel`` whose rows are painted without asking the model."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frame: _Frame | None = None  # what one paint event shares between its rows
        self._elided: dict[tuple[int, int, int, int], str] = {}  # (number, column, width, font)

    def setModel(self, model: object) -> None:  # type: ignore[override]
        super().setModel(model)  # type: ignore[arg-type]
        self._elided.clear()
        if isinstance(model, ThreadModel):
            model.modelReset.connect(self._elided.clear)
            model.dataChanged.connect(lambda *_: self._elided.clear())

    def paintEvent(self, event: QPaintEvent) -> None:
        model = self.model()
        if isinstance(model, ThreadModel) and not self.isRightToLeft():
            self._frame = _Frame(self, model)
        try:
            super().paintEvent(event)
        finally:
            self._frame = None

    def drawRow(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        frame = self._frame
        if frame is None:
            super().drawRow(painter, option, index)
            return
        number = index.internalId()
        model = frame.model
        rect = option.rect
        y, height = rect.y(), rect.height()
        selected = number in frame.selected
        cells = model.paint_cells(number)
        for column, x, width in frame.columns:
            if column == 0:
                indent = frame.indentation * (model.depth(number) + frame.root_level)
                self._branches(painter, QRect(x, y, min(indent, width), height), index, frame)
                x += indent
                width -= indent
                if width <= 0:
                    continue
            cell = QRect(x, y, width, height)
            if selected:
                painter.fillRect(cell, frame.highlight)
            text, font, colour, icon, right = cells[column]
            inner = cell.adjusted(frame.margin, 0, -frame.margin, 0)
            if icon is not None:
                size = frame.icon_size
                icon.paint(painter, QRect(inner.x(), y + (height - size) // 2, size, size))
                inner.setLeft(inner.x() + size + 2 * frame.margin)
            if not text or inner.width() <= 0:
                continue
            painter.setFont(frame.fonts[font])
            if selected:
                painter.setPen(frame.highlighted_text)
            else:
                painter.setPen(frame.text if colour is None else colour)
            shown = self._elide(number, column, text, inner.width(), font, frame)
            painter.drawText(inner, _RIGHT if right else _LEFT, shown)
        if number == frame.current and frame.focus:
            focus = QStyleOption()
            focus.initFrom(self)
            focus.rect = QRect(frame.columns[0][1], y, frame.row_width, height)
            focus.state |= _S.State_KeyboardFocusChange | _S.State_Item
            focus.backgroundColor = frame.highlight.color() if selected else frame.base
            self.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_FrameFocusRect, focus, painter, self
            )

    def _branches(self, painter: QPainter, rect: QRect, index: AnyIndex, frame: _Frame) -> None:
        """What ``QTreeView.drawBranches`` draws (the style's branch indicator for the row's
        own level, then a line or nothing for each ancestor level), from the model's arrays
        instead of a ``parent`` and a ``rowCount`` call into Python per level."""
        if rect.width() <= 0:
            return
        number = index.internalId()
        model, style, indent = frame.model, self.style(), frame.indentation
        selected = number in frame.selected
        if selected and frame.decoration_selected:
            painter.fillRect(rect, frame.highlight)
        option = frame.branch_option
        extra = frame.branch_state | (_S.State_Selected if selected else _S.State_None)
        level = model.depth(number)
        outer = 1 - frame.root_level
        x = rect.right() + 1
        node = number
        if level >= outer:
            x -= indent
            option.rect = QRect(x, rect.top(), indent, rect.height())
            state = extra | _S.State_Item
            if model.has_more_siblings(node):
                state |= _S.State_Sibling
            if model.has_children(node):
                state |= _S.State_Children
                if self.isExpanded(index):
                    state |= _S.State_Open
            option.state = state
            style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorBranch, option, painter, self)
        level -= 1
        node = model.parent_number(node)
        while level >= outer and node >= 0:
            x -= indent
            option.rect = QRect(x, rect.top(), indent, rect.height())
            state = extra
            if model.has_more_siblings(node):
                state |= _S.State_Sibling
            option.state = state
            style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorBranch, option, painter, self)
            level -= 1
            node = model.parent_number(node)

    def _elide(
        self, number: int, column: int, text: str, width: int, font: int, frame: _Frame
    ) -> str:
        key = (number, column, width, font)
        shown = self._elided.get(key)
        if shown is None:
            metrics = frame.metrics[font]
            # shape only about what can show: Qt measures every character it is given
            budget = 2 * width // frame.average + 2
            if len(text) > budget:
                text = text[:budget] + "…"
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            if len(self._elided) > 4000:
                self._elided.clear()
            self._elided[key] = shown
        return shown


class _Frame:
    """Geometry, colours and fonts worked out once per paint event, not once per row."""

    def __init__(self, view: ThreadView, model: ThreadModel) -> None:
        self.model = model
        header = view.header()
        self.columns = [
            (c, header.sectionViewportPosition(c), header.sectionSize(c))
            for c in range(header.count())
            if not header.isSectionHidden(c) and header.sectionSize(c) > 0
        ]
        self.columns.sort(key=lambda c: c[1])
        self.row_width = sum(width for _, _, width in self.columns)
        self.indentation = view.indentation()
        self.root_level = 1 if view.rootIsDecorated() else 0
        style = view.style()
        self.margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        self.icon_size = view.iconSize().height() if view.iconSize().isValid() else 0
        if self.icon_size <= 0:
            self.icon_size = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, view)
        palette = view.palette()
        group = (
            QPalette.ColorGroup.Active if view.isActiveWindow() else QPalette.ColorGroup.Inactive
        )
        if not view.isEnabled():
            group = QPalette.ColorGroup.Disabled
        self.highlight = palette.brush(group, QPalette.ColorRole.Highlight)
        self.highlighted_text = palette.color(group, QPalette.ColorRole.HighlightedText)
        self.text = palette.color(group, QPalette.ColorRole.Text)
        self.base = palette.color(group, QPalette.ColorRole.Base)
        base_font = view.font()
        self.fonts = [base_font, QFont(base_font), QFont(base_font)]
        self.fonts[1].setBold(True)
        self.fonts[2].setItalic(True)
        self.metrics = [QFontMetrics(f) for f in self.fonts]
        self.average = max(self.metrics[0].averageCharWidth(), 1)
        current = view.currentIndex()
        self.current = current.internalId() if current.isValid() else -1
        self.focus = view.hasFocus() and current.isValid()
        self.decoration_selected = bool(
            style.styleHint(QStyle.StyleHint.SH_ItemView_ShowDecorationSelected, None, view)
        )
        self.branch_option = QStyleOptionViewItem()
        self.branch_option.initFrom(view)
        state = _S.State_None
        if view.isEnabled():
            state |= _S.State_Enabled
        if view.hasFocus():
            state |= _S.State_HasFocus
        if view.window().isActiveWindow():
            state |= _S.State_Active
        self.branch_state = state
        self.selected = {
            index.internalId() for index in view.selectionModel().selectedIndexes()
        }
