"""Small icons painted at run time, so they follow the theme, and the application icon.

Painting happens once per icon and colour (cached), never in a paint event.  Two kinds come
from files in ``resources/icons/``: the application icon (drawn as SVG, shipped as PNGs) and
the toolbar's action icons (``actions/*.svg``, strokes in ``currentColor``), which ``themed``
paints in the palette's text colour, with a muted copy for disabled actions, so they follow
the light and dark themes.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from reader.paths import APP_ID, resources_dir

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
def search_hit(colour: str = "#c2410c") -> QIcon:
    """A comment holding a search hit: a small magnifier (the hit marks' own colour family,
    never a highlight colour)."""
    pixmap, painter = _canvas()
    painter.setPen(QPen(QColor(colour), 1.8))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(QRectF(2.5, 2.5, 7.5, 7.5))
    painter.drawLine(QPointF(9.0, 9.0), QPointF(13.5, 13.5))
    painter.end()
    return QIcon(pixmap)


@cache
def highlighted(colour: str = "#e8c547") -> QIcon:
    """A comment with a highlight in it: a marker stroke in the highlight yellow."""
    pixmap, painter = _canvas()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(QRectF(1.5, 9.0, 13, 4.5), 1.5, 1.5)
    painter.setBrush(QColor("#8a6d00"))
    path = QPainterPath(QPointF(9.5, 8.0))
    path.lineTo(13.5, 2.5)
    path.lineTo(15.0, 3.8)
    path.lineTo(11.0, 8.8)
    path.closeSubpath()
    painter.drawPath(path)
    painter.end()
    return QIcon(pixmap)


@cache
def noted(colour: str = "#5b6b7f") -> QIcon:
    """A comment with a note: a small speech balloon."""
    pixmap, painter = _canvas()
    painter.setPen(QPen(QColor(colour), 1.4))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(2.0, 2.5, 12, 8.5), 2.0, 2.0)
    path = QPainterPath(QPointF(5.0, 11.0))
    path.lineTo(4.5, 14.5)
    path.lineTo(8.5, 11.0)
    painter.drawPath(path)
    painter.drawLine(QPointF(4.5, 5.5), QPointF(11.5, 5.5))
    painter.drawLine(QPointF(4.5, 8.0), QPointF(9.5, 8.0))
    painter.end()
    return QIcon(pixmap)


@cache
def blank(size: int) -> QIcon:
    """A transparent icon ``size`` pixels square: it holds an icon's place on a button until
    the real one is painted, so the button does not change width when it arrives."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)


@cache
def _svg(name: str) -> bytes:
    return (resources_dir() / "icons" / "actions" / f"{name}.svg").read_bytes()


def _render_svg(data: bytes, size: int, scale: float) -> QPixmap:
    from PySide6.QtSvg import QSvgRenderer  # with the first toolbar icon, not the window

    renderer = QSvgRenderer(data)
    pixmap = QPixmap(round(size * scale), round(size * scale))
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


@cache
def themed(name: str, colour: str, disabled: str, size: int = 24, scale: float = 1.0) -> QIcon:
    """The action icon ``name`` (``resources/icons/actions/<name>.svg``) in ``colour``, and
    in ``disabled`` for a disabled action, drawn at ``size`` for a screen of ``scale``
    (smaller uses, such as menus, scale it down); cached per colour pair.  One pixmap per
    mode: rendering every size for every icon cost the window's start ~10 ms."""
    data = _svg(name)
    icon = QIcon()
    for mode, paint in ((QIcon.Mode.Normal, colour), (QIcon.Mode.Disabled, disabled)):
        coloured = data.replace(b"currentColor", paint.encode("ascii"))
        icon.addPixmap(_render_svg(coloured, size, scale), mode)
    return icon


def action_names() -> list[str]:
    """The action icons shipped (for tests and the toolbar)."""
    return sorted(p.stem for p in (resources_dir() / "icons" / "actions").glob("*.svg"))


@cache
def app_icon() -> QIcon:
    """The application icon: the PNGs ``scripts/make_icons.py`` renders from
    ``resources/icons/archive-reader.svg``, one per size, so Qt picks the sharpest; the
    desktop's installed icon of the same name if this copy lacks them."""
    icon = QIcon()
    for png in sorted((resources_dir() / "icons").glob("archive-reader-*.png")):
        icon.addFile(str(png))
    return icon if not icon.isNull() else QIcon.fromTheme(APP_ID)
