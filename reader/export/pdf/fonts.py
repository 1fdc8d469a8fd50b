"""The Qt application and fonts the PDF writer needs.

Why a module of its own: the two traps here are easy to undo by accident.  Qt's PDF text comes
out of ``pdftotext`` as ligatures ("oﬀice") unless ``liga``/``clig`` are switched off on every
font the document uses; and a character no installed font covers prints as an empty box and
vanishes from the text layer, so ``missing_characters`` finds those to be printed as
``[U+XXXX]`` instead (readable and searchable).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QRawFont

from reader.errors import ReaderError
from reader.render.document import ThreadDocument

BODY_FAMILIES = ["DejaVu Serif", "Georgia", "Times New Roman", "serif"]
UI_FAMILIES = ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"]

_app: QGuiApplication | None = None
_coverage: dict[str, bool] = {}
_fallback_fonts: list[QRawFont] | None = None


def ensure_gui_application() -> None:
    """Make sure a QGuiApplication exists (fonts and QPdfWriter need one).

    Creates one when there is none, which only works on the main thread; on Linux and the BSDs
    without ``DISPLAY``/``WAYLAND_DISPLAY`` it picks the offscreen platform so a CLI export
    over ssh or in CI never aborts for want of a display.  An existing QApplication (the window,
    pytest-qt) is used as it is.
    """
    global _app
    app = QCoreApplication.instance()
    if app is not None:
        if not isinstance(app, QGuiApplication):
            raise ReaderError("PDF export needs a QGuiApplication, not a QCoreApplication")
        return
    if threading.current_thread() is not threading.main_thread():
        raise ReaderError("PDF export outside the main thread needs a running QGuiApplication")
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless and sys.platform not in ("darwin", "win32"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication([sys.argv[0] if sys.argv else "archive-reader"])


def plain_font(families: list[str], point_size: float) -> QFont:
    """A font with ligatures off, so extracted text reads "office", not "oﬀice"."""
    font = QFont()
    font.setFamilies(families)
    font.setPointSizeF(point_size)
    font.setFeature(QFont.Tag("liga"), 0)
    font.setFeature(QFont.Tag("clig"), 0)
    return font


def _covered(char: str) -> bool:
    """Whether some installed font can draw ``char``; cached per process."""
    global _fallback_fonts
    known = _coverage.get(char)
    if known is not None:
        return known
    code = ord(char)
    primary = [
        QRawFont.fromFont(plain_font([family], 10)) for family in (BODY_FAMILIES[0], UI_FAMILIES[0])
    ]
    found = any(raw.supportsCharacter(code) for raw in primary)
    if not found:
        if _fallback_fonts is None:
            _fallback_fonts = [QRawFont.fromFont(QFont(f)) for f in QFontDatabase.families()]
        found = any(raw.isValid() and raw.supportsCharacter(code) for raw in _fallback_fonts)
    _coverage[char] = found
    return found


def missing_characters(texts: Iterable[str]) -> set[str]:
    """The characters in ``texts`` to print as ``[U+XXXX]``: those no installed font can draw
    (CJK without a CJK font...) and every character beyond the Basic Multilingual Plane.

    Why the latter: Qt's PDF engine leaves characters above U+FFFF (emoji) out of the text
    layer even when a font draws them, so they would silently vanish from copy and search;
    and DejaVu draws only some emoji, so printing all of them as code points is consistent.
    Only characters beyond Latin Extended-B are checked: DejaVu covers the rest, and a thread
    holds few distinct characters, so this costs milliseconds.
    """
    chars: set[str] = set()
    for text in texts:
        chars.update(text)
    return {
        c
        for c in chars
        if ord(c) > 0x24F and not c.isspace() and (ord(c) > 0xFFFF or not _covered(c))
    }


def document_texts(document: ThreadDocument) -> Iterable[str]:
    """Every piece of dump or user text the document will print."""
    yield document.title
    yield document.post.source or ""
    for item in (document.body, *document.comments):
        yield item.author or ""
        for paragraph in item.paragraphs:
            for span in paragraph.spans:
                yield span.text
        for bookmark in item.bookmarks:
            yield bookmark.label
    for note in document.notes:
        yield note.quote
        yield note.text
