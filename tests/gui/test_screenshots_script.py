"""``make screenshots`` (scripts/screenshots.py) renders the four pictures the README and the
AppStream metainfo show, and each shows what its caption says."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from reader.render.pane_html import DARK, LIGHT

REPO = Path(__file__).resolve().parents[2]


def load_script():
    path = REPO / "scripts" / "screenshots.py"
    spec = importlib.util.spec_from_file_location("screenshots", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def colours(image: QImage, step: int = 3) -> set[str]:
    return {
        image.pixelColor(x, y).name()
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
    }


def mean_lightness(image: QImage) -> float:
    values = [
        image.pixelColor(x, y).lightnessF()
        for y in range(0, image.height(), 8)
        for x in range(0, image.width(), 8)
    ]
    return sum(values) / len(values)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) needed")
def test_the_script_renders_the_four_pictures(qapp, tmp_path: Path, monkeypatch) -> None:
    from reader.ui import note_dialog

    for name in ("ARCHIVE_READER_CONFIG", "ARCHIVE_READER_LOG_DIR"):
        monkeypatch.setenv(name, str(tmp_path / name))  # the script sets them; undone after
    ask_note = note_dialog.ask_note
    script = load_script()
    paths = script.render(tmp_path / "shots")
    assert [p.name for p in paths] == list(script.NAMES)
    assert note_dialog.ask_note is ask_note, "the script puts the note dialog back"

    reading, search, dark, export = (QImage(str(p)) for p in paths)
    for image in (reading, search, dark):
        assert (image.width(), image.height()) == script.SIZE
    seen = colours(reading)
    assert LIGHT.highlights["yellow"] in seen and LIGHT.highlights["green"] in seen
    from helpers.pictures import Picture

    underlined = Picture(search).share(LIGHT.hit_line, 40)
    assert underlined > 0, "search hits are marked (underlined) in the thread"
    assert mean_lightness(dark) < 0.3 < mean_lightness(reading)
    assert QColor(DARK.highlights["yellow"]).name() in colours(dark)
    assert export.height() > export.width() > 500, "a portrait page"
    assert mean_lightness(export) > 0.85


def test_the_committed_screenshots_are_there_and_the_window_size() -> None:
    folder = REPO / "docs" / "screenshots"
    script = load_script()
    for name in script.NAMES:
        assert (folder / name).stat().st_size > 20000, name
    image = QImage(str(folder / "reading.png"))
    assert (image.width(), image.height()) == script.SIZE
