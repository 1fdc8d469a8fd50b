"""The thread tree's view: a QTreeView that paints each row in one call.

Why: opening a 1,000-comment thread is dominated by the first paint of this tree.  Qt's own
row painting asks a Python model about every cell through a dozen calls (``index``, then
``parent`` for the branches and for each selection check, ``multiData`` per cell): about a
thousand calls from C++ into Python for one screenful, ~10 ms, plus QStyledItemDelegate's text
layout per cell.  Here ``drawRow`` reads the ``ThreadModel``'s arrays (node number =
``internalId``) and draws the selection, the branch indicator, the icon and the three texts
itself, with the style's own primitives and the palette, so the tree looks as before.

Everything else (layout, scrolling, keys, mouse, selection, accessibility) is QTreeView's.
With another model, or right-to-left, it falls back to Qt's painting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QTreeView, QWidget

from reader.ui.models.threadtree import ThreadModel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

AnyIndex = QModelIndex | QPersistentModelIndex
_ELIDE = Qt.TextElideMode.ElideRight
CACHE_LIMIT = 4000  # elided texts and text widths kept between paints
# QStyle and its option classes are imported with the first thread painted, not with the
# window: making their Python types (and enums) costs ~10 ms the first paint does not need.


class ThreadView(QTreeView):
    """A QTreeView over a ``ThreadModel`` whose rows are painted without asking the model."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frame: _Frame | None = None  # what one paint event shares between its rows
        self._elided: dict[tuple[int, int, int], str] = {}  # (number, width, font) -> text
        self._widths: dict[tuple[str, int], int] = {}  # (short text, font) -> advance
        self._font = ""  # the font those were measured in

    def setModel(self, model: object) -> None:  # type: ignore[override]
        super().setModel(model)  # type: ignore[arg-type]
        self._elided.clear()
        if isinstance(model, ThreadModel):
            model.modelReset.connect(self._elided.clear)
            model.dataChanged.connect(lambda *_: self._elided.clear())

    def paintEvent(self, event: QPaintEvent) -> None:
        model = self.model()
        if isinstance(model, ThreadModel) and len(model) and not self.isRightToLeft():
            font = self.font().key()
            if font != self._font:  # every width changes with the font
                self._font = font
                self._elided.clear()
                self._widths.clear()
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
        texts, font, gone, icon = model.look(number)
        margin = frame.margin
        for column, x, width in frame.columns:
            if column == 0:
                depth = model.depth(number)
                indent = frame.indentation * (depth + frame.root_level)
                if indent > 0:
                    area = QRect(x, y, min(indent, width), height)
                    self._branches(painter, frame, index, area, depth, selected)
                x += indent
                width -= indent
                if width <= 0:
                    continue
            if selected:
                painter.fillRect(x, y, width, height, frame.highlight)
            left, right = x + margin, x + width - margin
            if column == 0 and icon is not None:
                size = frame.icon_size
                icon.paint(painter, QRect(left, y + (height - size) // 2, size, size))
                left += size + 2 * margin
            text = texts[column]
            if not text or right <= left:
                continue
            cell_font = font if column == 0 or number else 0  # the post: bold title only
            frame.use(
                painter,
                cell_font,
                frame.highlighted_text if selected else frame.muted if gone else frame.text,
            )
            available = right - left
            if column == 0:
                shown = self._elide(number, text, available, cell_font, frame)
                painter.drawText(QPointF(left, y + frame.baselines[cell_font][height]), shown)
                continue
            advance = self._advance(text, cell_font, frame)
            if advance > available:
                text = frame.metrics[cell_font].elidedText(text, _ELIDE, available)
                advance = available
            start = right - advance if column == 2 and number else left
            painter.drawText(QPointF(start, y + frame.baselines[cell_font][height]), text)
        if number == frame.current and frame.focus:
            focus = frame.focus_option
            focus.rect = QRect(frame.columns[0][1], y, frame.row_width, height)
            focus.backgroundColor = frame.highlight.color() if selected else frame.window
            frame.style.drawPrimitive(frame.FOCUS, focus, painter, self)
            frame.forget_pen()

    def _branches(
        self,
        painter: QPainter,
        frame: _Frame,
        index: AnyIndex,
        area: QRect,
        depth: int,
        selected: bool,
    ) -> None:
        """What ``QTreeView.drawBranches`` draws (the style's branch indicator for the row's
        own level, then a line or nothing for each ancestor level), from the model's arrays
        instead of a ``parent`` and a ``rowCount`` call into Python per level."""
        model, style, indent, option = frame.model, frame.style, frame.indentation, frame.branch
        if selected and frame.decoration_selected:
            painter.fillRect(area, frame.highlight)
        number, y, height, right = index.internalId(), area.y(), area.height(), area.right() + 1
        outer = 1 - frame.root_level
        children = model.has_children(number)
        if depth >= outer and (children or frame.branch_lines):
            state = frame.branch_states[
                selected,
                True,
                model.has_more_siblings(number),
                children,
                children and self.isExpanded(index),
            ]
            option.rect = QRect(right - indent, y, indent, height)
            option.state = state
            style.drawPrimitive(frame.BRANCH, option, painter, self)
            frame.forget_pen()
        if not frame.branch_lines:  # the style draws arrows only: ancestors draw nothing
            return
        node, level, left = model.parent_number(number), depth - 1, right - indent
        while level >= outer and node >= 0:
            left -= indent
            option.rect = QRect(left, y, indent, height)
            option.state = frame.branch_states[
                selected, False, model.has_more_siblings(node), False, False
            ]
            style.drawPrimitive(frame.BRANCH, option, painter, self)
            frame.forget_pen()
            level -= 1
            node = model.parent_number(node)

    def _elide(self, number: int, text: str, width: int, font: int, frame: _Frame) -> str:
        key = (number, width, font)
        shown = self._elided.get(key)
        if shown is None:
            # measure only about what can show: Qt shapes every character it is given
            budget = 2 * width // frame.average + 2
            if len(text) > budget:
                text = text[:budget] + "…"
            shown = frame.metrics[font].elidedText(text, _ELIDE, width)
            if len(self._elided) > CACHE_LIMIT:
                self._elided.clear()
            self._elided[key] = shown
        return shown

    def _advance(self, text: str, font: int, frame: _Frame) -> int:
        """The width of a short text (a comment number, a reply count): they repeat."""
        key = (text, font)
        advance = self._widths.get(key)
        if advance is None:
            advance = frame.metrics[font].horizontalAdvance(text)
            if len(self._widths) > CACHE_LIMIT:
                self._widths.clear()
            self._widths[key] = advance
        return advance


class _Frame:
    """Geometry, colours, fonts and style states worked out once per paint event."""

    def __init__(self, view: ThreadView, model: ThreadModel) -> None:
        from PySide6.QtWidgets import QStyle, QStyleOptionFocusRect, QStyleOptionViewItem

        states = QStyle.StateFlag
        self.BRANCH = QStyle.PrimitiveElement.PE_IndicatorBranch
        self.FOCUS = QStyle.PrimitiveElement.PE_FrameFocusRect
        self.model = model
        header = view.header()
        columns = []
        for column in range(header.count()):
            width = header.sectionSize(column)
            if not header.isSectionHidden(column) and width > 0:
                columns.append((column, header.sectionViewportPosition(column), width))
        self.columns = sorted(columns, key=lambda c: c[1])
        self.row_width = sum(width for _, _, width in self.columns)
        self.indentation = view.indentation()
        self.root_level = 1 if view.rootIsDecorated() else 0
        self.style = style = view.style()
        self.margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        size = view.iconSize()
        self.icon_size = (
            size.height()
            if size.isValid() and size.height() > 0
            else (style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, view))
        )
        active = view.isActiveWindow()
        group = QPalette.ColorGroup.Active if active else QPalette.ColorGroup.Inactive
        if not view.isEnabled():
            group = QPalette.ColorGroup.Disabled
        palette = view.palette()
        self.highlight = palette.brush(group, QPalette.ColorRole.Highlight)
        self.highlighted_text = palette.color(group, QPalette.ColorRole.HighlightedText)
        self.text = palette.color(group, QPalette.ColorRole.Text)
        self.window = palette.color(group, QPalette.ColorRole.Window)
        self.muted = model.muted_colour()
        base_font = view.font()
        bold, italic = QFont(base_font), QFont(base_font)
        bold.setBold(True)
        italic.setItalic(True)
        self.fonts = [base_font, bold, italic]
        self.metrics = [QFontMetrics(f) for f in self.fonts]
        self.baselines = [_Baselines(m) for m in self.metrics]
        self.average = max(self.metrics[0].averageCharWidth(), 1)
        self._font = -1
        self._pen: QColor | None = None
        # Fusion (the light and dark themes) draws an arrow for rows with children and no
        # lines; other styles may draw lines for every level
        self.branch_lines = style.name().lower() != "fusion"
        self.decoration_selected = bool(
            style.styleHint(QStyle.StyleHint.SH_ItemView_ShowDecorationSelected, None, view)
        )
        self.branch = QStyleOptionViewItem()
        self.branch.initFrom(view)
        base = states.State_None
        if view.isEnabled():
            base |= states.State_Enabled
        if view.hasFocus():
            base |= states.State_HasFocus
        if view.window().isActiveWindow():
            base |= states.State_Active
        self.branch_states = _BranchStates(base, states)
        self.focus_option = QStyleOptionFocusRect()
        self.focus_option.initFrom(view)
        self.focus_option.state = base | states.State_KeyboardFocusChange | states.State_Item
        current = view.currentIndex()
        self.current = current.internalId() if current.isValid() else -1
        self.focus = view.hasFocus() and current.isValid()
        selection = view.selectionModel()
        self.selected = (
            {i.internalId() for i in selection.selectedIndexes()} if selection else set()
        )

    def forget_pen(self) -> None:
        """After the style drew something: it may have left its own pen or font set."""
        self._font = -1
        self._pen = None

    def use(self, painter: QPainter, font: int, colour: QColor) -> None:
        """Set the painter's font and pen, only when they change from the row before."""
        if font != self._font:
            painter.setFont(self.fonts[font])
            self._font = font
        if colour is not self._pen:
            painter.setPen(colour)
            self._pen = colour


class _Baselines(dict):  # type: ignore[type-arg]
    """Row height -> where the text's baseline goes, vertically centred like Qt's items."""

    def __init__(self, metrics: QFontMetrics) -> None:
        super().__init__()
        self.height, self.ascent = metrics.height(), metrics.ascent()

    def __missing__(self, row_height: int) -> int:
        value = (row_height - self.height) // 2 + self.ascent
        self[row_height] = value
        return value


class _BranchStates(dict):  # type: ignore[type-arg]
    """(selected, item, more siblings, children, open) -> style state, made once per paint
    (combining Qt's flag enums in Python costs more than the drawing)."""

    def __init__(self, base: QStyle.StateFlag, states: type[QStyle.StateFlag]) -> None:
        super().__init__()
        self.base, self.states = base, states

    def __missing__(self, key: tuple[bool, bool, bool, bool, bool]) -> QStyle.StateFlag:
        states = self.states
        selected, item, sibling, children, is_open = key
        state = self.base
        for on, flag in (
            (selected, states.State_Selected),
            (item, states.State_Item),
            (sibling, states.State_Sibling),
            (children, states.State_Children),
            (is_open, states.State_Open),
        ):
            if on:
                state |= flag
        self[key] = state
        return state
