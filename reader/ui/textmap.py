"""Positions in the reading pane's document <-> code-point offsets in an item's raw text.

Why this is not a subtraction: annotations store offsets into ``posts.body``/``comments.text``
(Python code points, the W3C way), but a QTextBrowser selection is a pair of UTF-16 positions in
a document whose text differs from the raw text.  The renderer adds headings (title, date,
comment number), splits paragraphs into blocks, turns line breaks into U+2028 and inserts
"[image] " before picture links; Qt's HTML parser then collapses runs of white space.

What survives unchanged and in order is every non-white-space character of each paragraph, so
each body block is aligned with its paragraph of the raw text on those characters (``align``).
The renderer's block layout is relied on only this far: every block of item ``n`` carries user
state ``n``, and an item's last blocks are its paragraphs, one per ``paragraph_spans`` entry
(anything before them is heading).  A document that does not fit that shape maps to nothing
rather than to the wrong offsets.

Everything here reads the document only; call from the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QTextBlock, QTextDocument

from reader.annotate.anchoring import from_utf16, to_utf16
from reader.render.document import paragraph_spans

PLACEHOLDER = "[image]"  # what the renderer puts before a picture's address
LOOKAHEAD = 4  # raw characters Qt may have dropped before we call a block character "added"


@dataclass(frozen=True, slots=True)
class Span:
    """A passage of one item: ``text[start:end]`` in code points.  ``clipped`` means the
    selection it came from went on into later items, which were left out."""

    item_id: str
    start: int
    end: int
    clipped: bool = False


@dataclass(slots=True)
class _Para:
    block: QTextBlock
    shown: str  # the block's text (code points)
    raw: list[int | None]  # per character of ``shown``: its raw offset, None if added


def align(shown: str, raw: str, start: int = 0, end: int | None = None) -> list[int | None]:
    """For each character of ``shown`` (a block's text) the offset in ``raw`` of the same
    character, or ``None`` for white space and characters the renderer added.

    ``raw[start:end]`` is the paragraph the block shows.  Pure, so it is tested without Qt.
    """
    end = len(raw) if end is None else end
    out: list[int | None] = [None] * len(shown)
    i, j = 0, start
    while i < len(shown):
        ch = shown[i]
        if ch.isspace():
            i += 1
            continue
        while j < end and raw[j].isspace():
            j += 1
        if j < end and raw[j] == ch:
            out[i] = j
            i, j = i + 1, j + 1
        elif shown.startswith(PLACEHOLDER, i) and not raw.startswith(PLACEHOLDER, j):
            i += len(PLACEHOLDER)
        else:
            ahead = _find_ahead(raw, j, end, ch)
            if ahead is None:
                i += 1  # added by the renderer (or Qt): maps to nothing
            else:
                j = ahead  # raw characters Qt dropped: skip them
    return out


def _find_ahead(raw: str, j: int, end: int, ch: str) -> int | None:
    seen = 0
    while j < end and seen <= LOOKAHEAD:
        if raw[j] == ch:
            return j
        if not raw[j].isspace():
            seen += 1
        j += 1
    return None


class TextMap:
    """Maps over the document of one ``ReadingPane``.

    ``items`` is the pane's item list (index = block user state) and ``text_of(item_id)`` the
    raw text of an item (``None`` if unknown).  Item layouts are computed on demand and not
    cached: the pane replaces its document on every redraw.
    """

    def __init__(
        self,
        document: QTextDocument,
        items: Sequence[str],
        text_of: Callable[[str], str | None],
    ) -> None:
        self.document = document
        self.items = items
        self.text_of = text_of

    # -- layout of one item ------------------------------------------------------------------

    def _item_blocks(self, block: QTextBlock) -> list[QTextBlock]:
        """Every block with ``block``'s user state, around it (an item's blocks are adjacent)."""
        state = block.userState()
        first = block
        while first.previous().isValid() and first.previous().userState() == state:
            first = first.previous()
        blocks = []
        current = first
        while current.isValid() and current.userState() == state:
            blocks.append(current)
            current = current.next()
        return blocks

    def _first_block(self, number: int) -> QTextBlock | None:
        block = self.document.begin()
        while block.isValid():
            if block.userState() == number:
                return block
            block = block.next()
        return None

    def _paras(self, block: QTextBlock) -> tuple[str, list[_Para]] | None:
        """The item ``block`` belongs to and its body blocks aligned with the raw text."""
        number = block.userState()
        if not 0 <= number < len(self.items):
            return None
        item_id = self.items[number]
        text = self.text_of(item_id)
        if text is None:
            return None
        blocks = self._item_blocks(block)
        spans = paragraph_spans(text)
        heads = len(blocks) - len(spans)
        if heads < 0:
            return None  # not the shape the renderer makes: map nothing rather than wrongly
        paras = []
        for body, (start, end) in zip(blocks[heads:], spans, strict=True):
            shown = body.text()
            paras.append(_Para(body, shown, align(shown, text, start, end)))
        return item_id, paras

    # -- document -> raw ---------------------------------------------------------------------

    def _mapped(self, para: _Para, lo: int, hi: int) -> Iterator[int]:
        """Raw offsets of ``para``'s characters whose document position is in ``[lo, hi)``."""
        base = para.block.position()
        first = from_utf16(para.shown, max(0, lo - base))
        last = from_utf16(para.shown, max(0, hi - base))
        for offset in para.raw[first:last]:
            if offset is not None:
                yield offset

    def span_for(self, lo: int, hi: int) -> Span | None:
        """The passage of the first item with text in document positions ``[lo, hi)``.

        Headings and added characters are skipped; leading and trailing white space is
        trimmed (the span starts and ends on a character of the text).
        """
        if hi <= lo:
            return None
        block = self.document.findBlock(lo)
        found: tuple[str, int, int] | None = None
        while block.isValid() and block.position() < hi:
            layout = self._paras(block)
            blocks = self._item_blocks(block)
            if layout is not None:
                item_id, paras = layout
                offsets = [o for p in paras for o in self._mapped(p, lo, hi)]
                if offsets:
                    if found is not None:
                        return Span(found[0], found[1], found[2], clipped=True)
                    found = (item_id, min(offsets), max(offsets) + 1)
            block = blocks[-1].next() if blocks else block.next()
        return Span(*found) if found else None

    def offset_at(self, position: int) -> tuple[str, int] | None:
        """The item and raw offset of the character just after document ``position``."""
        block = self.document.findBlock(position)
        if not block.isValid():
            return None
        layout = self._paras(block)
        if layout is None:
            return None
        item_id, paras = layout
        for para in paras:
            if para.block.blockNumber() == block.blockNumber():
                index = from_utf16(para.shown, position - block.position())
                if index < len(para.raw) and para.raw[index] is not None:
                    return item_id, para.raw[index]  # type: ignore[return-value]
                return None
        return None

    # -- raw -> document ---------------------------------------------------------------------

    def range_for(self, item_id: str, start: int, end: int) -> tuple[int, int] | None:
        """Document positions ``(first, last)`` showing ``text[start:end]`` of ``item_id``."""
        try:
            number = list(self.items).index(item_id)
        except ValueError:
            return None
        block = self._first_block(number)
        layout = self._paras(block) if block is not None else None
        if layout is None:
            return None
        first: int | None = None
        last: int | None = None
        for para in layout[1]:
            base = para.block.position()
            for index, offset in enumerate(para.raw):
                if offset is None or not start <= offset < end:
                    continue
                position = base + to_utf16(para.shown, index)
                if first is None:
                    first = position
                last = position + (2 if ord(para.shown[index]) > 0xFFFF else 1)
        if first is None or last is None:
            return None
        return first, last
