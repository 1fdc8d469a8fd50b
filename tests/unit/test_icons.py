"""The application icon: an SVG source and PNGs at every size, rendered from it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ICONS = REPO / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _make_icons():
    spec = importlib.util.spec_from_file_location("make_icons", REPO / "scripts" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_svg_source_is_a_square_svg() -> None:
    text = (ICONS / "archive-reader.svg").read_text(encoding="utf-8")
    assert "<svg" in text and 'viewBox="0 0 128 128"' in text


@pytest.mark.parametrize("size", SIZES)
def test_each_png_has_its_size_and_is_drawn(qapp, size: int) -> None:
    from PySide6.QtGui import QImage

    image = QImage(str(ICONS / f"archive-reader-{size}.png"))
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    corner = image.pixelColor(0, 0)
    centre = image.pixelColor(size // 2, size // 2)
    assert corner.alpha() == 0, "the icon is a shape on a transparent background"
    assert centre.alpha() == 255


def test_the_pngs_are_what_the_svg_renders_to(qapp) -> None:
    """Editing the SVG without running scripts/make_icons.py fails here."""
    make_icons = _make_icons()
    assert make_icons.SIZES == SIZES
    problems = [p for p in (make_icons.differs(size) for size in SIZES) if p]
    assert not problems, problems


def test_a_changed_svg_is_noticed(qapp, tmp_path: Path) -> None:
    make_icons = _make_icons()
    edited = tmp_path / "edited.svg"
    text = (ICONS / "archive-reader.svg").read_text(encoding="utf-8")
    edited.write_text(text.replace("#f29b38", "#00ff00"), encoding="utf-8")
    fresh = make_icons.render(48, edited)
    committed = make_icons.render(48)
    assert fresh != committed


def test_the_window_icon_offers_every_size(qapp) -> None:
    from PySide6.QtCore import QSize

    from reader.ui import icons

    icon = icons.app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} >= set(SIZES)
    assert icon.actualSize(QSize(64, 64)) == QSize(64, 64)
