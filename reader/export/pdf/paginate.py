"""Page breaks for a QTextDocument laid out as one long page, chosen here rather than by Qt.

Why not Qt's own pagination (``setPageSize`` with a height): it cannot keep a comment's number
with its text (no ``page-break-after: avoid``), and every fix-up (a forced page break) means
another full relayout.  Laying out once without pages and choosing breaks between lines costs
one pass over the lines, and allows the usual rules:

* a heading (a block in the ``KEEP_STATE`` or ``KEEP_PLACE_STATE`` user state) never ends a page;
* a paragraph does not leave its first line alone at the foot of a page (orphan) nor its last
  line alone at the head of the next (widow), unless keeping it costs more than half a page.

Then every paragraph that a break cuts is split into two blocks at that line.  Why: Qt's
``QTextLayout.draw`` also paints the last line *above* its clip rect, so a paragraph running
over a break would have that line painted again, invisibly but extractably, on the next page
(pdftotext and a viewer's search would find it twice).  With no margins at the seam the split
changes no position, which ``lay_out_pages`` checks.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from PySide6.QtGui import QTextBlock, QTextBlockFormat, QTextCursor, QTextDocument

from reader.export.html import INDENT_PX, KEEP_PLACE_STATE, KEEP_STATE

EPSILON = 0.5  # px: positions closer than this are the same
LINE_SEPARATOR = "\u2028"  # what QTextDocument makes of <br>
RULE_OFFSET_PX = 12  # a reply's rule sits this far left of its text


@dataclass(slots=True, frozen=True)
class Line:
    """One laid-out line in document coordinates and where it sits in its paragraph."""

    top: float
    bottom: float
    block: int  # block number
    index: int  # line number within the block
    count: int  # lines in the block
    position: int  # document position where the line's text starts
    keep: bool  # a heading: keep with what follows


def _keep_with_next(block: QTextBlock) -> bool:
    state = block.userState()
    return state in (KEEP_STATE, KEEP_PLACE_STATE)


def lines(doc: QTextDocument) -> list[Line]:
    """Every line of the document, top to bottom (table cells side by side sort by top)."""
    layout = doc.documentLayout()
    layout.documentSize()  # Qt lays out lazily: finish it, or later blocks have no lines yet
    out: list[Line] = []
    block = doc.begin()
    while block.isValid():
        text_layout = block.layout()
        count = text_layout.lineCount()
        if count:
            origin = layout.blockBoundingRect(block).top()
            keep = _keep_with_next(block)
            number, start = block.blockNumber(), block.position()
            for index in range(count):
                line = text_layout.lineAt(index)
                top = origin + line.y()
                out.append(
                    Line(
                        top,
                        top + line.height(),
                        number,
                        index,
                        count,
                        start + line.textStart(),
                        keep,
                    )
                )
        block = block.next()
    out.sort(key=lambda line: (line.top, line.bottom))
    return out


def _candidates(all_lines: list[Line]) -> list[int]:
    """Indices of lines a page may start with: nothing earlier reaches below their top."""
    found: list[int] = []
    lowest = float("-inf")
    for index, line in enumerate(all_lines):
        if index and lowest <= line.top + EPSILON:
            found.append(index)
        lowest = max(lowest, line.bottom)
    return found


def _adjust(all_lines: list[Line], allowed: set[int], at: int, floor: int) -> int:
    """Move a break (the index of the page's first line) up for headings, orphans, widows,
    but never to ``floor`` or above (that would leave too much of the page empty)."""
    for _round in range(4):
        before, after = all_lines[at - 1], all_lines[at]
        target = at
        if before.keep:  # a heading would end the page: take it over
            target = at - 1 - before.index
            if all_lines[target].block != before.block:
                return at
        elif before.block == after.block and before.index == 0:  # orphan
            target = at - 1
        elif before.block == after.block and after.index == after.count - 1 and before.index >= 2:
            target = at - 1  # widow: take one more line over, two stay
        if target == at or target <= floor or target not in allowed:
            return at
        at = target
    return at


def page_breaks(all_lines: list[Line], height: float) -> list[int]:
    """Indices of the first line of each page after the first."""
    if not all_lines:
        return []
    cands = _candidates(all_lines)
    allowed = set(cands)
    cand_tops = [all_lines[i].top for i in cands]
    line_tops = [line.top for line in all_lines]
    end = max(line.bottom for line in all_lines)
    breaks: list[int] = []
    start = 0
    while end - all_lines[start].top > height + EPSILON:
        page_top = all_lines[start].top
        # the last line that may start a page and still starts inside this one ends it
        k = bisect.bisect_right(cand_tops, page_top + height + EPSILON)
        if k and cands[k - 1] > start:
            floor = max(start, bisect.bisect_left(line_tops, page_top + height / 2))
            nxt = _adjust(all_lines, allowed, cands[k - 1], floor)
        else:  # a line taller than a page (an enormous table row?): give it its own page
            j = bisect.bisect_right(cands, start)
            if j == len(cands):
                break
            nxt = cands[j]
        breaks.append(nxt)
        start = nxt
    return breaks


def split_blocks(doc: QTextDocument, positions: list[int]) -> None:
    """Split paragraphs so each of ``positions`` (a line start) begins a block of its own."""
    if not positions:
        return
    cursor = QTextCursor(doc)
    cursor.beginEditBlock()
    for position in sorted(positions, reverse=True):
        cursor.setPosition(position)
        if doc.characterAt(position - 1) == LINE_SEPARATOR:
            # A <br> ends the previous line: the paragraph break replaces it, else the first
            # part would end with an empty line that still runs onto the next page.
            cursor.deletePreviousChar()
        original = cursor.blockFormat()
        first = QTextBlockFormat(original)
        first.setBottomMargin(0)
        cursor.setBlockFormat(first)
        rest = QTextBlockFormat(original)
        rest.setTopMargin(0)
        rest.setTextIndent(0)
        state = cursor.block().userState()
        cursor.insertBlock(rest, cursor.charFormat())
        cursor.block().setUserState(state)  # the second part may hold a note marker too
    cursor.endEditBlock()
    # Qt lays out the edited paragraphs again and stops where positions converge, which they
    # do at once: a split at a seam with no margins moves nothing.  ``lay_out_pages`` checks
    # that, and only then lays out everything again (~35 ms for a 300-comment thread).


def relayout(doc: QTextDocument) -> None:
    """Lay out the whole document again (positions computed afresh, none kept)."""
    doc.markContentsDirty(0, doc.characterCount())


def lay_out_pages(doc: QTextDocument, height: float) -> list[tuple[float, float]]:
    """``(top, bottom)`` of each page's content in document coordinates.

    ``doc`` must be laid out without pages (``setTextWidth``); it is edited in place: the
    paragraphs that page breaks cut are split there.
    """
    chosen: list[float] | None = None  # the page tops chosen before the last split
    relaid = False
    for _attempt in range(4):
        all_lines = lines(doc)
        if not all_lines:
            return [(0.0, height)]
        breaks = page_breaks(all_lines, height)
        cuts = [all_lines[i].position for i in breaks if all_lines[i].index > 0]
        tops = [all_lines[0].top] + [all_lines[i].top for i in breaks]
        if chosen is not None and not relaid and not _same(tops, chosen):
            relayout(doc)  # something moved after all: lay it all out afresh, then look again
            relaid = True
            continue
        if not cuts:
            bottoms = [*tops[1:], max(line.bottom for line in all_lines)]
            return list(zip(tops, bottoms, strict=True))
        chosen = tops
        split_blocks(doc, cuts)  # then check that nothing moved, with no cuts left to make
    raise RuntimeError("page breaks did not settle")  # a Qt layout change, not user input


def _same(tops: list[float], chosen: list[float]) -> bool:
    return len(tops) == len(chosen) and all(
        abs(a - b) < EPSILON for a, b in zip(tops, chosen, strict=True)
    )


def rules(doc: QTextDocument) -> list[tuple[float, float, float]]:
    """Vertical rules ``(x, top, bottom)`` in document coordinates beside runs of replies.

    A block's reply depth is its left margin in whole indents (notes inside a comment add less
    than one indent).  Each level k of a run of consecutive blocks at depth >= k gets one line,
    like nested ``border-left`` in a browser.
    """
    layout = doc.documentLayout()
    layout.documentSize()  # finish any lazy layout
    found: list[tuple[float, float, float]] = []
    open_runs: dict[int, float] = {}  # level -> top of the run
    previous_bottom = 0.0
    block = doc.begin()
    while block.isValid():
        depth = int(block.blockFormat().leftMargin() // INDENT_PX + 1e-6)
        rect = layout.blockBoundingRect(block)
        for level in [k for k in open_runs if k > depth]:
            x = level * INDENT_PX - RULE_OFFSET_PX
            found.append((x, open_runs.pop(level), previous_bottom))
        for level in range(1, depth + 1):
            open_runs.setdefault(level, rect.top())
        previous_bottom = rect.bottom()
        block = block.next()
    for level, top in open_runs.items():
        found.append((level * INDENT_PX - RULE_OFFSET_PX, top, previous_bottom))
    return found
