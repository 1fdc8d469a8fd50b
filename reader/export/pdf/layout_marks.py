"""Finding the export HTML's named places after layout, and filling in the summary's page numbers.

The HTML writer (Qt flavour) leaves empty ``<a name>`` anchors where the PDF needs a position:
each item's heading (``item-<n>``), each note marker (``m-<n>``), the summary heading and each
summary row's page cell (``pageref-<n>``, holding ``PAGEREF_PLACEHOLDER``).  QTextDocument keeps
those names on the character that follows, so one pass over the fragments finds them all.

Why the page numbers are written into the laid-out document instead of into the HTML: the pages
are only known after layout, and laying out twice would double the export's cost.  The page
cell has a fixed width, so "page 12" in place of "page ?" changes no line anywhere.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from PySide6.QtGui import QTextCursor, QTextDocument, QTextTable

from reader.export.html import MARK_ANCHOR, PAGEREF_ANCHOR, PAGEREF_PLACEHOLDER


@dataclass(slots=True, frozen=True)
class Place:
    """A named place: its document position and the top of its line (document y, px)."""

    position: int
    y: float


def find_places(doc: QTextDocument) -> dict[str, Place]:
    """Every anchor name in ``doc`` with where its line starts.  Call after pagination (which
    splits blocks and so moves positions), before painting."""
    layout = doc.documentLayout()
    layout.documentSize()  # finish any lazy layout
    found: dict[str, Place] = {}
    block = doc.begin()
    while block.isValid():
        fragments = block.begin()
        origin: float | None = None
        while not fragments.atEnd():
            fragment = fragments.fragment()
            char_format = fragment.charFormat()
            if char_format.isAnchor():
                names = char_format.anchorNames()
                if names:
                    if origin is None:
                        origin = layout.blockBoundingRect(block).top()
                    position = fragment.position()
                    line = block.layout().lineForTextPosition(position - block.position())
                    y = origin + (line.y() if line.isValid() else 0.0)
                    for name in names:
                        found.setdefault(name, Place(position, y))
            fragments += 1
        block = block.next()
    return found


def page_of(tops: list[float], y: float) -> int:
    """The page (0-based) whose content starts at or above ``y``; ``tops`` ascending."""
    return max(0, bisect.bisect_right(tops, y + 0.5) - 1)


def fill_page_refs(doc: QTextDocument, places: dict[str, Place], tops: list[float]) -> None:
    """Replace each summary row's placeholder with the page of its note's passage.

    Later positions first, so earlier ones stay valid; ``places`` keeps the positions from
    before (only the y values are used afterwards, and they do not change)."""
    edits = []
    for name, place in places.items():
        if not name.startswith(PAGEREF_ANCHOR):
            continue
        target = places.get(MARK_ANCHOR + name[len(PAGEREF_ANCHOR) :])
        page = f"page {page_of(tops, target.y) + 1}" if target is not None else "–"
        edits.append((place.position, page))
    if not edits:
        return
    cursor = QTextCursor(doc)
    cursor.beginEditBlock()
    for position, text in sorted(edits, reverse=True):
        cursor.setPosition(position)
        cursor.setPosition(position + len(PAGEREF_PLACEHOLDER), QTextCursor.MoveMode.KeepAnchor)
        if cursor.selectedText() == PAGEREF_PLACEHOLDER:
            cursor.insertText(text)
    cursor.endEditBlock()


def row_rect(doc: QTextDocument, position: int) -> tuple[float, float]:
    """Top and bottom (document y) of the table row holding ``position`` (its tallest cell);
    the line's own extent when it is not in a table."""
    layout = doc.documentLayout()
    cursor = QTextCursor(doc)
    cursor.setPosition(position)
    table: QTextTable | None = cursor.currentTable()  # None outside a table, whatever the stubs say
    block = doc.findBlock(position)
    rect = layout.blockBoundingRect(block)
    if table is None:
        return rect.top(), rect.bottom()
    row = table.cellAt(cursor).row()
    top, bottom = rect.top(), rect.bottom()
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        first = layout.blockBoundingRect(cell.firstCursorPosition().block())
        last = layout.blockBoundingRect(cell.lastCursorPosition().block())
        top, bottom = min(top, first.top()), max(bottom, last.bottom())
    return top, bottom
