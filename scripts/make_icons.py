"""Render the application icon's PNGs from its SVG source.

    .venv/bin/python scripts/make_icons.py          # writes resources/icons/archive-reader-N.png
    .venv/bin/python scripts/make_icons.py --check  # exit 1 if a PNG differs from the SVG

The SVG (``resources/icons/archive-reader.svg``) is the source; the PNGs are what desktops
without SVG support, the window icon and the bundle use.  They are rendered by Qt's own SVG
renderer (``QSvgRenderer``, in the QtSvg module that PySide6-Essentials ships), so no other
tool is needed.  ``tests/unit/test_icons.py`` fails when a committed PNG no longer matches.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "archive-reader.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    return ICONS / f"archive-reader-{size}.png"


def render(size: int, source: Path = SOURCE):
    """The icon as a ``QImage`` of ``size`` x ``size`` pixels (premultiplied ARGB)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:  # fonts and painting want an application object
        render.app = QGuiApplication(sys.argv[:1])  # type: ignore[attr-defined]
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {source} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def differs(size: int) -> str | None:
    """Why the committed PNG of ``size`` is not what the SVG renders to, or None."""
    from PySide6.QtGui import QImage

    path = png_path(size)
    if not path.is_file():
        return f"{path.name} is missing"
    committed = QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32)
    fresh = render(size)
    if committed.size() != fresh.size():
        return f"{path.name} is {committed.width()}x{committed.height()}, not {size}x{size}"
    worst = 0
    for y in range(size):
        for x in range(size):
            a, b = committed.pixel(x, y), fresh.pixel(x, y)
            worst = max(worst, *(abs(((a >> s) & 255) - ((b >> s) & 255)) for s in (0, 8, 16, 24)))
    # a renderer update may move an anti-aliased edge by a step or two; an edit moves more
    return f"{path.name} differs from the SVG (by {worst}/255)" if worst > 8 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        problems = [p for p in (differs(size) for size in SIZES) if p]
        for problem in problems:
            print(f"make_icons: {problem} (run scripts/make_icons.py)", file=sys.stderr)
        return 1 if problems else 0
    for size in SIZES:
        if not render(size).save(str(png_path(size)), "PNG"):
            raise SystemExit(f"make_icons: could not write {png_path(size)}")
        print(png_path(size).relative_to(ICONS.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
