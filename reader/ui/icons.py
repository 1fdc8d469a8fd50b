"""Small icons painted at run time, so the app ships no image files and they follow the theme.

Painting happens once per icon and colour (cached), never in a paint event.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

SIZE = 16


def _canvas() -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(SIZE * 2, SIZE * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


@cache
def new_dot(colour: str = "#2f7de1") -> QIcon:
    """The unread mark: a filled dot, as mail readers use."""
    pixmap, painter = _canvas()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF(4.5, 4.5, 7, 7))
    painter.end()
    return QIcon(pixmap)


@cache
def bookmark(colour: str = "#e0a100", with_dot: str = "") -> QIcon:
    """A ribbon; ``with_dot`` adds the unread dot for a bookmarked post with new comments."""
    pixmap, painter = _canvas()
    painter.setPen(Qt.PenStyle.NoPen)
    if with_dot:
        painter.setBrush(QColor(with_dot))
        painter.drawEllipse(QRectF(0.5, 5.0, 6, 6))
    path = QPainterPath(QPointF(7.5, 2.5))
    path.lineTo(14.5, 2.5)
    path.lineTo(14.5, 14.0)
    path.lineTo(11.0, 10.8)
    path.lineTo(7.5, 14.0)
    path.closeSubpath()
    painter.setBrush(QColor(colour))
    painter.drawPath(path)
    painter.end()
    return QIcon(pixmap)


@cache
def removed(colour: str = "#8a8a8f") -> QIcon:
    """A struck circle for comments deleted upstream or gone from the latest dump."""
    pixmap, painter = _canvas()
    painter.setPen(QPen(QColor(colour), 1.6))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(QRectF(3.5, 3.5, 9, 9))
    painter.drawLine(QPointF(5.0, 11.0), QPointF(11.0, 5.0))
    painter.end()
    return QIcon(pixmap)


@cache
def app_icon() -> QIcon:
    """Two overlapping speech bubbles: a discussion, archived."""
    pixmap = QPixmap(128, 128)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#8fb8e8"))
    painter.drawRoundedRect(QRectF(40, 44, 78, 56), 14, 14)
    painter.setBrush(QColor("#2f6fb8"))
    painter.drawRoundedRect(QRectF(10, 18, 84, 60), 14, 14)
    tail = QPainterPath(QPointF(28, 74))
    tail.lineTo(22, 96)
    tail.lineTo(48, 76)
    tail.closeSubpath()
    painter.drawPath(tail)
    painter.setBrush(QColor("#ffffff"))
    for y in (34, 48, 62):
        painter.drawRoundedRect(QRectF(24, y - 3, 56 if y != 62 else 36, 6), 3, 3)
    painter.end()
    return QIcon(pixmap)
