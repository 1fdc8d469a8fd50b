"""Finding the export HTML's named places after layout, and filling in the summary's page numbers.

The HTML writer (Qt flavour) leaves empty ``<a name>`` anchors where the PDF needs a position:
the post's and each top-level comment's heading (``item-<n>``), each note marker (``m-<n>``),
the summary heading and each summary paragraph (``pageref-<n>``).  QTextDocument keeps
those names on the character that follows; the blocks that hold any are flagged with a user
state (``KEEP_PLACE_STATE`` headings, ``PLACE_STATE`` paragraphs), so one pass reads only
those.

Why the summary's page numbers are painted beside the laid-out text instead of written into the
HTML: the pages are only known after layout, and laying out twice would double the export's
cost.  Each summary paragraph keeps a right margin for them, so nothing else moves.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QTextDocument

from reader.export.html import (
    KEEP_PLACE_STATE,
    MARK_ANCHOR,
    PAGEREF_ANCHOR,
    PLACE_STATE,
)


@dataclass(slots=True, frozen=True)
class Place:
    """A named place: its document position and the top of its line (document y, px)."""

    position: int
    y: float


def find_places(doc: QTextDocument, wanted: Callable[[str], bool]) -> dict[str, Place]:
    """The anchor names in ``doc`` that ``wanted`` accepts, with where their line starts.  Call
    after pagination (which splits blocks and so moves positions), before painting.  (Placing
    a name costs a layout look-up: a long thread has hundreds of headings nobody asked for.)"""
    layout = doc.documentLayout()
    layout.documentSize()  # finish any lazy layout
    found: dict[str, Place] = {}
    block = doc.begin()
    while block.isValid():
        # Named headings carry their anchor first; paragraphs with a note marker or a summary
        # page cell anywhere; all other blocks (most of a thread) none: they are not read.
        state = block.userState()
        whole = state == PLACE_STATE
        if not whole and state != KEEP_PLACE_STATE:
            block = block.next()
            continue
        fragments = block.begin()
        origin: float | None = None
        while not fragments.atEnd():
            fragment = fragments.fragment()
            char_format = fragment.charFormat()
            if char_format.isAnchor():
                names = [name for name in char_format.anchorNames() if wanted(name)]
                if names:
                    if origin is None:
                        origin = layout.blockBoundingRect(block).top()
                    position = fragment.position()
                    line = block.layout().lineForTextPosition(position - block.position())
                    y = origin + (line.y() if line.isValid() else 0.0)
                    for name in names:
                        found.setdefault(name, Place(position, y))
            if not whole:
                break
            fragments += 1
        block = block.next()
    return found


def page_of(tops: list[float], y: float) -> int:
    """The page (0-based) whose content starts at or above ``y``; ``tops`` ascending."""
    return max(0, bisect.bisect_right(tops, y + 0.5) - 1)


@dataclass(slots=True, frozen=True)
class PageRef:
    """Where the PDF writer prints "page N" for a summary paragraph, and what it links to.

    ``page`` is the page (0-based) of the paragraph's last line, ``baseline`` that line's
    baseline, ``end`` where its text ends, and ``top``/``bottom`` the paragraph's extent on
    that page (document y); ``target_page``/``target_y`` place the note's passage."""

    page: int
    top: float
    bottom: float
    baseline: float
    end: float  # x where the last line's text ends
    target_page: int
    target_y: float

    @property
    def label(self) -> str:
        return f"page {self.target_page + 1}"


def page_refs(
    doc: QTextDocument, places: dict[str, Place], pages: list[tuple[float, float]]
) -> list[PageRef]:
    """One ``PageRef`` per summary paragraph whose note has a place in the text."""
    layout = doc.documentLayout()
    tops = [top for top, _bottom in pages]
    found = []
    for name, place in places.items():
        if not name.startswith(PAGEREF_ANCHOR):
            continue
        target = places.get(MARK_ANCHOR + name[len(PAGEREF_ANCHOR) :])
        if target is None:
            continue
        block = doc.findBlock(place.position)
        text_layout = block.layout()
        if text_layout.lineCount() == 0:
            continue
        rect = layout.blockBoundingRect(block)
        origin = rect.top()
        first, last = text_layout.lineAt(0), text_layout.lineAt(text_layout.lineCount() - 1)
        last_top = origin + last.y()
        page = page_of(tops, last_top)
        top, bottom = pages[page]
        found.append(
            PageRef(
                page,
                max(top, origin + first.y()),
                min(bottom, last_top + last.height()),
                last_top + last.ascent(),
                rect.left() + last.x() + last.naturalTextWidth(),
                page_of(tops, target.y),
                target.y,
            )
        )
    return found
