"""A QTreeView that paints each row in one Python call (the thread tree uses it).

Why: with a Python model, Qt's own row painting costs a dozen calls from C++ into Python per
row (``index``, ``parent`` for the branches and for each selection check, ``multiData`` per
cell, each with new ``QModelIndex`` objects), plus QStyledItemDelegate's text layout per
cell: ~12 ms for one screenful, the largest part of opening a 1,000-comment thread.  Here
``drawRow`` asks the model once per row for what the row shows (``row_look``) and draws the
selection, the branch indicator, the icon and the texts itself, with the style's own
primitives and the palette, so the tree looks as before.

The model provides (besides ``data`` for everything else: tooltips, tests, accessibility):

* ``row_look(index) -> (texts, fonts, muted, icon, right)``: per column the text, the font
  (``REGULAR``, ``BOLD`` or ``ITALIC``) and whether it is right-aligned; whether the row is
  drawn in the muted colour; the icon (or icons, side by side: a row's marks) before the
  first column's text;
* ``row_depth(index)`` (0 for a top-level row) and ``row_has_children(index)``.

Everything else (layout, scrolling, keys, mouse, selection, accessibility) is QTreeView's.
With another model, or right-to-left, it falls back to Qt's painting.

Not used for the posts list: the first ``QStyle`` handed to Python makes PySide build that
class's enums (~10 ms), which would cost the window's first paint what painting the posts
list this way saves; the thread tree pays it once, with the first thread opened.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QIcon,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QTreeView, QWidget

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

AnyIndex = QModelIndex | QPersistentModelIndex
RowLook = tuple[
    tuple[str, ...], tuple[int, ...], bool, QIcon | tuple[QIcon, ...] | None, tuple[bool, ...]
]
REGULAR, BOLD, ITALIC = 0, 1, 2  # the fonts a row's columns can use
_ELIDE = Qt.TextElideMode.ElideRight
CACHE_LIMIT = 4000  # cut texts and text widths kept between paints
# QStyle and its option classes are imported with the first rows painted, not with the
# window: making their Python types (and enums) costs ~10 ms the first paint can do without.


class RowView(QTreeView):
    """A QTreeView whose rows are painted from the model's ``row_look``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frame: _Frame | None = None  # what one paint event shares between its rows
        self._fitted: dict[tuple[Hashable, int, int], str] = {}  # (row, width, font) -> text
        self._widths: dict[tuple[str, int], int] = {}  # (short text, font) -> advance
        self._advances: list[dict[str, float]] = [{}, {}, {}]  # per font: character widths
        self._font = ""  # the font those were measured in

    def setModel(self, model: object) -> None:
        super().setModel(model)  # type: ignore[arg-type]
        self._fitted.clear()
        if _paints_rows(model):
            forget = self._fitted.clear
            for signal in (model.modelReset, model.layoutChanged):  # type: ignore[attr-defined]
                signal.connect(forget)
            for signal in (model.dataChanged, model.rowsInserted, model.rowsRemoved):  # type: ignore[attr-defined]
                signal.connect(lambda *_: forget())

    def paintEvent(self, event: QPaintEvent) -> None:
        model = self.model()
        if _paints_rows(model) and model.rowCount() and not self.isRightToLeft():
            font = self.font().key()
            if font != self._font:  # every width changes with the font
                self._font = font
                self._fitted.clear()
                self._widths.clear()
                self._advances = [{}, {}, {}]
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
        row = (index.internalId(), index.row())
        model = frame.model
        rect = option.rect
        y, height = rect.y(), rect.height()
        selected = row in frame.selected
        texts, fonts, muted, icon, right_aligned = model.row_look(index)
        colour = frame.highlighted_text if selected else frame.muted if muted else frame.text
        margin = frame.margin
        for column, x, width in frame.columns:
            if column == 0:
                indent = frame.indentation * (model.row_depth(index) + frame.root_level)
                if indent > 0:
                    self._branches(painter, frame, index, QRect(x, y, min(indent, width), height),
                                   selected)  # fmt: skip
                x += indent
                width -= indent
                if width <= 0:
                    continue
            if selected:
                painter.fillRect(x, y, width, height, frame.highlight)
            left, right = x + margin, x + width - margin
            if column == 0 and icon is not None:
                size = frame.icon_size
                top = y + (height - size) // 2
                for one in icon if isinstance(icon, tuple) else (icon,):  # marks side by side
                    one.paint(painter, QRect(left, top, size, size))
                    left += size + margin
                left += margin
            text = texts[column] if column < len(texts) else ""
            if not text or right <= left:
                continue
            font = fonts[column]
            frame.use(painter, font, colour)
            available = right - left
            baseline = y + frame.baselines[font][height]
            if column == 0:  # the long one: cut to fit, once per row and width
                key = (row, available, font)
                shown = self._fitted.get(key)
                if shown is None:
                    shown = self._fit(text, available, font, frame)
                    if len(self._fitted) > CACHE_LIMIT:
                        self._fitted.clear()
                    self._fitted[key] = shown
                painter.drawText(QPointF(left, baseline), shown)
                continue
            advance = self._advance(text, font, frame)
            if advance > available:
                text = frame.metrics[font].elidedText(text, _ELIDE, available)
                advance = available
            start = right - advance if right_aligned[column] else left
            painter.drawText(QPointF(start, baseline), text)
        if row == frame.current and frame.focus:
            focus = frame.focus_option
            focus.rect = QRect(frame.columns[0][1], y, frame.row_width, height)
            focus.backgroundColor = frame.highlight.color() if selected else frame.window
            frame.style.drawPrimitive(frame.FOCUS, focus, painter, self)
            frame.forget_pen()

    def _branches(
        self, painter: QPainter, frame: _Frame, index: AnyIndex, area: QRect, selected: bool
    ) -> None:
        """The branch indicator.  Fusion (the light and dark themes, and the default where
        the platform has no style of its own) draws only an arrow on rows with children,
        which is drawn here from the model's answer; other styles may draw lines for every
        level, and get Qt's own ``drawBranches`` (which asks the model about each level)."""
        if selected and frame.decoration_selected:
            painter.fillRect(area, frame.highlight)
        if frame.branch_lines:
            super().drawBranches(painter, area, index)
            frame.forget_pen()
            return
        if area.width() < frame.indentation or not frame.model.row_has_children(index):
            return
        option = frame.branch
        indent = frame.indentation
        option.rect = QRect(area.right() + 1 - indent, area.y(), indent, area.height())
        option.state = frame.branch_states[selected, self.isExpanded(index)]
        frame.style.drawPrimitive(frame.BRANCH, option, painter, self)
        frame.forget_pen()

    def _fit(self, text: str, width: int, font: int, frame: _Frame) -> str:
        """``text``, cut with an ellipsis if it is wider than ``width``.

        Measured with the font's character widths (kept between paints) rather than by
        laying the text out: ``QFontMetrics.elidedText`` shapes the string, and then drawing
        it shapes it again, which made a fifth of the tree's first paint.  Kerning and
        ligatures make a text a little narrower than the sum, so a text that only just seems
        too wide is measured properly.
        """
        advances = self._advances[font]
        metrics = frame.metrics_f[font]
        room = width - frame.ellipsis[font]
        beyond = width * 1.05 + 2  # no kerning makes a text this wide fit
        total = 0.0
        fits = 0  # characters that fit with the ellipsis after them
        for position, char in enumerate(text):
            advance = advances.get(char)
            if advance is None:
                advance = advances[char] = metrics.horizontalAdvance(char)
            total += advance
            if total <= room:
                fits = position + 1
            elif total > beyond:
                break
        else:
            if total <= width or metrics.horizontalAdvance(text) <= width:
                return text
        return text[:fits].rstrip() + "…"

    def _advance(self, text: str, font: int, frame: _Frame) -> int:
        """The width of a short text (a date, a comment number, a count): they repeat."""
        key = (text, font)
        advance = self._widths.get(key)
        if advance is None:
            advance = frame.metrics[font].horizontalAdvance(text)
            if len(self._widths) > CACHE_LIMIT:
                self._widths.clear()
            self._widths[key] = advance
        return advance


def _paints_rows(model: object) -> bool:
    return hasattr(model, "row_look")


class _Frame:
    """Geometry, colours, fonts and style states worked out once per paint event."""

    def __init__(self, view: RowView, model: Any) -> None:
        """``model`` paints rows (``_paints_rows``): it has row_look, row_depth and
        row_has_children besides the item model's methods."""
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
            else style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, view)
        )
        group = (
            QPalette.ColorGroup.Active if view.isActiveWindow() else QPalette.ColorGroup.Inactive
        )
        if not view.isEnabled():
            group = QPalette.ColorGroup.Disabled
        palette = view.palette()
        self.highlight = palette.brush(group, QPalette.ColorRole.Highlight)
        self.highlighted_text = palette.color(group, QPalette.ColorRole.HighlightedText)
        self.text = palette.color(group, QPalette.ColorRole.Text)
        self.muted = palette.color(group, QPalette.ColorRole.PlaceholderText)
        self.window = palette.color(group, QPalette.ColorRole.Window)
        base_font = view.font()
        bold, italic = QFont(base_font), QFont(base_font)
        bold.setBold(True)
        italic.setItalic(True)
        self.fonts = [base_font, bold, italic]
        self.metrics = [QFontMetrics(f) for f in self.fonts]
        self.metrics_f = [QFontMetricsF(f) for f in self.fonts]
        self.ellipsis = [m.horizontalAdvance("…") for m in self.metrics_f]
        self.baselines = [_Baselines(m) for m in self.metrics]
        self._font = -1
        self._pen: QColor | None = None
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
        self.current = (current.internalId(), current.row()) if current.isValid() else None
        self.focus = view.hasFocus() and current.isValid()
        selection = view.selectionModel()
        self.selected = (
            {(i.internalId(), i.row()) for i in selection.selectedIndexes()} if selection else set()
        )

    def forget_pen(self) -> None:
        """After the style drew something: it may have left its own pen or font set."""
        self._font = -1
        self._pen = None

    def use(self, painter: QPainter, font: int, colour: QColor) -> None:
        """Set the painter's font and pen, only when they change from the cell before."""
        if font != self._font:
            painter.setFont(self.fonts[font])
            self._font = font
        if colour is not self._pen:
            painter.setPen(colour)
            self._pen = colour


class _Baselines(dict):
    """Row height -> where the text's baseline goes, vertically centred like Qt's items."""

    def __init__(self, metrics: QFontMetrics) -> None:
        super().__init__()
        self.height, self.ascent = metrics.height(), metrics.ascent()

    def __missing__(self, row_height: int) -> int:
        value = (row_height - self.height) // 2 + self.ascent
        self[row_height] = value
        return value


class _BranchStates(dict):
    """(selected, open) -> the style state of a branch arrow, made once per paint
    (combining Qt's flag enums in Python costs more than the drawing)."""

    def __init__(self, base: QStyle.StateFlag, states: type[QStyle.StateFlag]) -> None:
        super().__init__()
        self.base, self.states = base, states

    def __missing__(self, key: tuple[bool, bool]) -> QStyle.StateFlag:
        selected, is_open = key
        states = self.states
        state = self.base | states.State_Item | states.State_Children
        if selected:
            state |= states.State_Selected
        if is_open:
            state |= states.State_Open
        self[key] = state
        return state
