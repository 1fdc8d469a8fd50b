"""The activity strip: posts and comments per month across the archive's years, as bars.

Drawn with QPainter from a small precomputed array (one entry per month), so a repaint costs
a few hundred rectangle fills whatever the size of the library.  Clicking a month emits
``month_clicked((year, month))``; clicking it again (or Escape) emits ``month_clicked(None)``.
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
        self._paint_years(painter, rect, width, text)
        painter.end()

    def _paint_years(self, painter: QPainter, rect: QRectF, width: float, text: QColor) -> None:
        years = len(self._months) // 12
        metrics = QFontMetrics(self.font())
        label_width = metrics.horizontalAdvance("0000") + 8
        every = 1
        while every * 12 * width < label_width and every < years:
            every += 1
        grid = QColor(text)
        grid.setAlpha(60)
        painter.setPen(text)
        for index in range(years):
            x = rect.left() + index * 12 * width
            if index:
                painter.fillRect(QRectF(x, rect.top(), 1.0, rect.height()), grid)
            if index % every == 0:
                label = QRect(
                    int(x), int(rect.bottom()) + LABEL_GAP, int(label_width), metrics.height()
                )
                painter.drawText(label, Qt.AlignmentFlag.AlignLeft, str(self._first_year + index))

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
        year, month = self._key(slot)
        posts, comments = self._months[slot]
        return (
            f"{calendar.month_name[month]} {year}: {posts} post{'s' if posts != 1 else ''}, "
            f"{comments} comment{'s' if comments != 1 else ''}"
        )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            slot = self._slot_at(event.pos().x())
            if slot is not None:
                QToolTip.showText(event.globalPos(), self.month_text(slot), self)
                return True
        return super().event(event)
