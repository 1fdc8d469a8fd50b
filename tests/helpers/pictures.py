"""Screenshots as numbers, so a screenshot test checks what a person would see: a part of the
window that is not blank (its brightness varies), a colour that is there (a highlight, the
selection tint), a theme that is dark or light.  Qt only; used by the window tests."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

BLANK_FLOOR = 40.0  # brightness variance of a pane showing text; a blank pane has ~0


class Picture:
    """An RGB image with the measurements the tests need."""

    def __init__(self, image: QImage) -> None:
        self.image = image.convertToFormat(QImage.Format.Format_RGB32)
        self._counts: Counter[int] | None = None

    @classmethod
    def grab(cls, widget: QWidget) -> Picture:
        """``widget`` as it is on screen.  A shown main window is first let finish what it
        does after its first paint (toolbar icons, annotations): a user sees those at once."""
        window = widget.window()
        if window.isVisible() and getattr(window, "is_set_up", True) is False:
            deadline = time.monotonic() + 10
            while not window.is_set_up and time.monotonic() < deadline:  # type: ignore[attr-defined]
                QApplication.processEvents()
                time.sleep(0.01)
        QApplication.processEvents()
        return cls(widget.grab().toImage())

    def save(self, path: Path) -> Path:
        assert self.image.save(str(path)), path
        return path

    @property
    def size(self) -> tuple[int, int]:
        return self.image.width(), self.image.height()

    def part(self, widget: QWidget, window: QWidget) -> Picture:
        """The part of this picture (a grab of ``window``) that ``widget`` covers."""
        corner = widget.mapTo(window, QPoint(0, 0))
        return Picture(self.image.copy(QRect(corner, widget.size())))

    def counts(self) -> Counter[int]:
        """How many pixels of each colour (``0xRRGGBB``)."""
        if self._counts is None:
            data = self.image.constBits()
            words = memoryview(data).cast("B").cast("I")  # one 0xAARRGGBB word per pixel
            self._counts = Counter(word & 0xFFFFFF for word in words)
        return self._counts

    def pixels(self) -> int:
        return self.image.width() * self.image.height()

    def share(self, colour: str | QColor, tolerance: int = 3) -> float:
        """The fraction of pixels within ``tolerance`` (per channel) of ``colour``."""
        want = QColor(colour)
        r, g, b = want.red(), want.green(), want.blue()
        close = sum(
            n
            for rgb, n in self.counts().items()
            if abs((rgb >> 16) - r) <= tolerance
            and abs((rgb >> 8 & 0xFF) - g) <= tolerance
            and abs((rgb & 0xFF) - b) <= tolerance
        )
        return close / max(1, self.pixels())

    def brightness(self) -> tuple[float, float]:
        """Mean and variance of the pixels' brightness (0-255)."""
        values: list[float] = []
        weights: list[int] = []
        for rgb, n in self.counts().items():
            values.append(0.299 * (rgb >> 16) + 0.587 * (rgb >> 8 & 0xFF) + 0.114 * (rgb & 0xFF))
            weights.append(n)
        total = sum(weights)
        mean = sum(v * w for v, w in zip(values, weights, strict=True)) / total
        variance = sum(w * (v - mean) ** 2 for v, w in zip(values, weights, strict=True)) / total
        return mean, variance

    def is_blank(self, floor: float = BLANK_FLOOR) -> bool:
        return self.brightness()[1] < floor

    def is_dark(self) -> bool:
        return self.brightness()[0] < 100

    def main_colour(self) -> str:
        """The most common colour, as ``#rrggbb`` (a pane's background)."""
        rgb = self.counts().most_common(1)[0][0]
        return f"#{rgb:06x}"


def blend(under: str | QColor, over: str | QColor, alpha: int) -> QColor:
    """``over`` painted with ``alpha`` (0-255) on ``under``, as Qt composes a tint."""
    a, b = QColor(under), QColor(over)
    mix = alpha / 255

    def channel(x: int, y: int) -> int:
        return round(x * (1 - mix) + y * mix)

    return QColor(
        channel(a.red(), b.red()), channel(a.green(), b.green()), channel(a.blue(), b.blue())
    )
