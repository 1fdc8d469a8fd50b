"""The activity strip: posts and comments per month across the archive's years, as bars.

Drawn with QPainter from a small precomputed array (one entry per month), so a repaint costs
a few hundred rectangle fills whatever the size of the library.  Below the bars: the years,
and the months where there is room for them (initials, or every third month's name); a
legend says which bar is which, and each bar's tooltip gives its month's counts.  Clicking a
month emits ``month_clicked((year, month))``; clicking it again (or Escape) emits
``month_clicked(None)``.
The painting code keeps to plain ``fillRect``/``drawText`` with no save/restore or clipping,
and a GUI test repaints it thousands of times (see the PySide 6.12 crash noted in pyproject).
"""

from __future__ import annotations

import calendar

from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from reader.plurals import plural

LABEL_GAP = 2


class ActivityStrip(QWidget):
    """Bars per month; comments as tall light bars, posts as a short darker bar in front."""

    month_clicked = Signal(object)  # (year, month) or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._first_year = 0
        self._months: list[tuple[int, int]] = []  # (posts, comments) per month since January
        self._max_posts = 1
        self._max_comments = 1
        self._selected: int | None = None
        self._hover: int | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Posts and comments per month; click a month to show only its posts")
        self.setAccessibleName("Activity by month")
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    # -- data --------------------------------------------------------------------------------

    def set_activity(self, activity: dict[tuple[int, int], tuple[int, int]]) -> None:
        """(year, month) -> (posts, comments); whole years from the first to the last shown."""
        if not activity:
            self._first_year, self._months = 0, []
        else:
            years = [year for year, _ in activity]
            self._first_year = min(years)
            span = (max(years) - self._first_year + 1) * 12
            self._months = [(0, 0)] * span
            for (year, month), counts in activity.items():
                self._months[(year - self._first_year) * 12 + month - 1] = counts
        self._max_posts = max((p for p, _ in self._months), default=0) or 1
        self._max_comments = max((c for _, c in self._months), default=0) or 1
        if self._selected is not None and self._selected >= len(self._months):
            self._selected = None
        self.update()

    def set_selected(self, month: tuple[int, int] | None) -> None:
        """Show ``month`` as selected without emitting (the window drives this on restore)."""
        self._selected = self._slot(month) if month else None
        self.update()

    @property
    def selected(self) -> tuple[int, int] | None:
        return self._key(self._selected) if self._selected is not None else None

    def _slot(self, month: tuple[int, int]) -> int | None:
        slot = (month[0] - self._first_year) * 12 + month[1] - 1
        return slot if 0 <= slot < len(self._months) else None

    def _key(self, slot: int) -> tuple[int, int]:
        return (self._first_year + slot // 12, slot % 12 + 1)

    # -- geometry ----------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(320, 58)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 58)

    def _label_height(self) -> int:
        return QFontMetrics(self.font()).height() + LABEL_GAP

    def _bars_rect(self) -> QRectF:
        rect = QRectF(self.rect()).adjusted(4, 4, -4, -self._label_height())
        return rect

    def _slot_at(self, x: float) -> int | None:
        if not self._months:
            return None
        rect = self._bars_rect()
        if x < rect.left() or x >= rect.right():
            return None
        slot = int((x - rect.left()) / rect.width() * len(self._months))
        return min(slot, len(self._months) - 1)

    # -- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.WindowText)
        accent = palette.color(QPalette.ColorRole.Highlight)
        painter.fillRect(self.rect(), base)
        if not self._months:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No posts yet")
            painter.end()
            return
        rect = self._bars_rect()
        width = rect.width() / len(self._months)
        light = QColor(accent)
        light.setAlpha(90)
        strong = QColor(accent)
        selected_fill = QColor(text)
        selected_fill.setAlpha(40)
        for slot, (posts, comments) in enumerate(self._months):
            x = rect.left() + slot * width
            if slot == self._selected or slot == self._hover:
                painter.fillRect(
                    QRectF(x, rect.top(), max(width, 2.0), rect.height()), selected_fill
                )
            if comments:
                height = max(1.0, rect.height() * comments / self._max_comments)
                painter.fillRect(
                    QRectF(x, rect.bottom() - height, max(width - 0.5, 1.0), height), light
                )
            if posts:
                height = max(1.5, rect.height() * 0.45 * posts / self._max_posts)
                inner = max(width * 0.5, 1.0)
                painter.fillRect(
                    QRectF(x + (width - inner) / 2, rect.bottom() - height, inner, height), strong
                )
        self._paint_labels(painter, rect, text)
        self._paint_legend(painter, light, strong)
        painter.end()

    def labels(self) -> list[tuple[float, str, bool]]:
        """What is written under the bars: ``(x, text, is_year)``; years first claim their
        place, then months where they fit (initials when a month is wide enough for one,
        else "Apr", "Jul", "Oct" when a quarter is wide enough for a name)."""
        if not self._months:
            return []
        rect = self._bars_rect()
        width = rect.width() / len(self._months)
        metrics = QFontMetrics(self.font())
        years = len(self._months) // 12
        year_width = metrics.horizontalAdvance("0000") + 8
        every = 1
        while every * 12 * width < year_width and every < years:
            every += 1
        found: list[tuple[float, str, bool]] = []
        limit = self._legend_left() - 6  # labels stop short of the legend
        for index in range(0, years, every):
            x = rect.left() + index * 12 * width
            if x + year_width - 8 <= limit or index == 0:
                found.append((x, str(self._first_year + index), True))
        if every > 1:
            return found
        initial = metrics.horizontalAdvance("M") + 3
        name = metrics.horizontalAdvance("May") + 6
        if width >= initial and 12 * width >= year_width + 11 * initial:
            step, short = 1, True
        elif 3 * width >= name and 3 * width >= year_width:
            step, short = 3, False
        else:
            return found
        taken = [(x, x + metrics.horizontalAdvance(text) + 4) for x, text, _year in found]
        for index in range(years):
            for month in range(step, 12, step):
                text = calendar.month_abbr[month + 1]
                x = rect.left() + (index * 12 + month) * width
                label = text[0] if short else text
                end = x + metrics.horizontalAdvance(label)
                if end <= limit and not any(x < right and end > left for left, right in taken):
                    found.append((x, label, False))
        return found

    def _paint_labels(self, painter: QPainter, rect: QRectF, text: QColor) -> None:
        metrics = QFontMetrics(self.font())
        grid = QColor(text)
        grid.setAlpha(60)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        top = int(rect.bottom()) + LABEL_GAP
        for x, label, is_year in self.labels():
            if is_year and x > rect.left():
                painter.fillRect(QRectF(x, rect.top(), 1.0, rect.height()), grid)
            painter.setPen(text if is_year else muted)
            box = QRect(int(x) + 1, top, metrics.horizontalAdvance(label) + 4, metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft, label)

    def _legend_boxes(self) -> list[tuple[str, QRectF, QRect]]:
        """(entry, swatch, text box) of the legend, right-aligned on the labels' line."""
        metrics = QFontMetrics(self.font())
        swatch = max(6, metrics.ascent() - 3)
        right = self.width() - 6
        top = int(self._bars_rect().bottom()) + LABEL_GAP
        boxes = []
        for label in ("comments", "posts"):
            advance = metrics.horizontalAdvance(label)
            x = right - advance
            box = QRectF(x - swatch - 3, top + (metrics.height() - swatch) / 2, swatch, swatch)
            boxes.append((label, box, QRect(x, top, advance + 2, metrics.height())))
            right = int(box.left()) - 10
        return boxes[::-1]

    def _legend_left(self) -> float:
        return self._legend_boxes()[0][1].left()

    def _paint_legend(self, painter: QPainter, light: QColor, strong: QColor) -> None:
        """Which bar is which: a swatch and a word each."""
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        painter.setPen(muted)
        for label, swatch, box in self._legend_boxes():
            painter.fillRect(swatch, light if label == "comments" else strong)
            painter.drawText(box, 0, label)

    def legend(self) -> list[str]:
        """The legend's entries, left to right (for tests)."""
        return [label for label, _swatch, _box in self._legend_boxes()]

    # -- interaction -------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        slot = self._slot_at(event.position().x())
        if slot is None or slot == self._selected:
            self._selected = None
            self.month_clicked.emit(None)
        else:
            self._selected = slot
            self.month_clicked.emit(self._key(slot))
        self.update()
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._selected is not None:
            self._selected = None
            self.month_clicked.emit(None)
            self.update()
            return
        super().keyPressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        slot = self._slot_at(event.position().x())
        if slot != self._hover:
            self._hover = slot
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hover is not None:
            self._hover = None
            self.update()
        super().leaveEvent(event)

    def month_text(self, slot: int) -> str:
        """A bar's tooltip: its month, its counts, and what a click does."""
        year, month = self._key(slot)
        posts, comments = self._months[slot]
        counts = f"{plural(posts, 'post')}, {plural(comments, 'comment')}"
        action = (
            "click again to show all months"
            if slot == self._selected
            else ("click to show only this month's posts" if posts else "no posts")
        )
        return f"{calendar.month_name[month]} {year}: {counts}\n({action})"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            slot = self._slot_at(event.pos().x())
            if slot is not None:
                QToolTip.showText(event.globalPos(), self.month_text(slot), self)
                return True
        return super().event(event)
