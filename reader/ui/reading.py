"""The reading pane: the whole thread as one document in a QTextBrowser, offline by construction.

The HTML comes from ``reader.render.pane_html``, the pane's writer of the thread's document
model (escaped text, no ``<img>``).  On top of that this widget makes sure nothing is ever
fetched and nothing opens by itself:

* ``loadResource`` returns nothing for every request (and records it, for tests), so even
  markup that slipped in could not reach the network or the disk;
* links never navigate the pane; ``http(s)`` links go to the system browser through
  ``open_external`` (one function, patched in tests) and only when clicked; internal anchors
  select the comment.

Block user states (set by the renderer) map any position back to its item, which is how a
click selects the tree row and how the window remembers where the reader was.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QPoint, QRectF, QRegularExpression, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QToolTip, QWidget

from reader.settings import ReadingSettings

if TYPE_CHECKING:
    from reader.render import PaneHtml
    from reader.ui.margin import NoteMargin

MAX_TEXT_WIDTH = 760  # the text column before a measure is set (``apply_typography``)
BAR_WIDTH = 3  # px: the current comment's left bar
MARKER_SPACE = 22  # px kept free right of the text for the note markers
BAR_SPACE = 12  # px kept free left of the text for the current comment's bar
EXTERNAL_SCHEMES = ("http", "https")
FIRST_CHARS_MIN = 2000  # text shown at once when a thread opens: at least a screenful
CHUNK_CHARS = 10000  # then appended in chunks of about this much text per event-loop turn
P_MARGIN = 12  # Qt's default <p> bottom margin


def open_external(url: QUrl) -> bool:
    """Hand a clicked web link to the system browser (tests patch this)."""
    return QDesktopServices.openUrl(url)


class ReadingPane(QTextBrowser):
    """Shows one rendered thread; emits ``item_clicked(item_id)`` when the reader clicks in it."""

    item_clicked = Signal(str)
    completed = Signal()  # the whole thread is in the document

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAcceptDrops(False)
        # Its viewport accepts drops, but a read-only text browser ignores them and Qt passes
        # them up to the window, which imports the files.  (Not ``viewport()`` here: the first
        # QWidget returned to Python makes PySide set up ~60 widget types, ~15 ms at start.)
        self.setUndoRedoEnabled(False)
        self.document().setUndoRedoEnabled(False)
        self.anchorClicked.connect(self._on_anchor)
        self.blocked_resources: list[str] = []
        self._items: list[str] = []
        self._index: dict[str, int] = {}
        self._rendered: PaneHtml | None = None
        self._appended = 0
        self._append_timer = QTimer(self, singleShot=True, interval=0)
        self._append_timer.timeout.connect(self._append_chunk)
        self._old_documents: list[QTextDocument] = []
        self._drop_timer = QTimer(self, singleShot=True, interval=0)
        self._drop_timer.timeout.connect(self._drop_old_documents)
        self._ranges: list[tuple[int, int]] | None = None  # per state: first, last block number
        self._marked: int = -1
        self._base_point_size = self.font().pointSizeF()
        self._zoom = 0
        self._press_pos: QPoint | None = None
        self._text_width = MAX_TEXT_WIDTH
        self.typography = ReadingSettings()
        self._margin: NoteMargin | None = None
        self.setPlaceholderText("Choose a post to read it here.")

    @property
    def margin(self) -> NoteMargin:
        """The note cards beside the text (``reader.ui.margin``), made when first needed: most
        threads have no notes, and the cards' classes cost ~4 ms to set up."""
        if self._margin is None:
            from reader.ui.margin import NoteMargin

            self._margin = NoteMargin(self)
        return self._margin

    @property
    def has_margin(self) -> bool:
        return self._margin is not None

    def _on_layout(self) -> None:
        if self._margin is not None:
            self._margin.schedule()

    # -- typography --------------------------------------------------------------------------

    def apply_typography(self, settings: ReadingSettings) -> None:
        """Reading font, size and measure (line spacing and colours are in the HTML: the
        thread controller writes them).  Zoom steps stay relative to the chosen size."""
        self.typography = settings
        font = QFont(self.font())
        font.setFamilies(settings.families)
        font.setStyleHint(QFont.StyleHint.Serif)
        self._base_point_size = settings.font_size
        font.setPointSizeF(max(5.0, settings.font_size * (1.1**self._zoom)))
        self.setFont(font)
        self.update_margins()

    @property
    def text_width(self) -> int:
        """The text column's width in pixels: the measure in average characters of the font."""
        return self._text_width

    def update_margins(self) -> None:
        """Centre a column of ``line_width`` characters; keep the note column free on the
        right when the thread has notes (the text moves left rather than under the notes)."""
        metrics = QFontMetrics(self.font())
        measure = metrics.averageCharWidth() * self.typography.line_width
        measure += 2 * int(self.document().documentMargin()) + MARKER_SPACE + BAR_SPACE
        bar = self.verticalScrollBar().sizeHint().width()
        available = max(120, self.width() - bar - 4)
        notes = self._margin.width if self._margin is not None else 0
        if notes:  # a narrow pane gives the notes a third, never the text less than 2/3
            right = min(notes, max(150, available // 3))
            text = min(measure, available - right)
            spare = available - right - text
            left = spare // 2 if spare > right else 0  # centred only when the notes fit anyway
            right = available - left - text
        else:
            text = min(measure, available)
            left = right = max(0, (available - text) // 2)
        margins = 2 * int(self.document().documentMargin()) + MARKER_SPACE + BAR_SPACE
        self._text_width = max(0, text - margins)
        current = self.viewportMargins()
        if (left, right) != (current.left(), current.right()):
            self.setViewportMargins(left, 0, right, 0)
        self._on_layout()

    # -- hover --------------------------------------------------------------------------------

    def tooltip_at(self, pos: QPoint) -> str:
        """The hover text at a viewport position: a time as the source wrote it."""
        return self.cursorForPosition(pos).charFormat().toolTip()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            tip = self.tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    # -- content -----------------------------------------------------------------------------

    def show_thread(self, rendered: PaneHtml) -> None:
        """Replace the document; the view starts at the top with nothing marked.

        Only the first screenful or so is set at once; the rest is appended in chunks while
        the event loop runs (``completed`` fires at the end).  Anything that needs a later
        part (marking, finding, restoring a position) calls ``complete()`` first.
        """
        self._append_timer.stop()
        self._rendered = rendered
        self._items = rendered.items
        self._index = {item: n for n, item in enumerate(rendered.items)}
        self._ranges = None
        self._marked = -1
        first = self._chunk_end(0, self._screen_chars())
        self._replace_document(rendered.pieces(0, first))
        self._appended = first
        if first < len(rendered):
            self._append_timer.start()
        else:
            self.completed.emit()

    def _replace_document(self, html: str) -> None:
        """Show ``html`` in a new document and drop the old one in a later turn.

        ``setHtml`` would first clear the old document in place, and tearing down a whole
        1,000-comment thread costs ~4 ms on the way to the new thread's first paint; a fresh
        document is parsed, swapped in, and the old one is deleted in the next turn of the
        event loop, after the paint.
        """
        old = self.document()
        doc = QTextDocument(self)  # its parent is the pane: resources still go through
        doc.setUndoRedoEnabled(False)  # ``loadResource`` (QTextDocument asks its parent)
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(old.documentMargin())
        doc.setDefaultTextOption(old.defaultTextOption())
        doc.setHtml(html)
        frame = doc.rootFrame().frameFormat()
        frame.setRightMargin(MARKER_SPACE)
        frame.setLeftMargin(BAR_SPACE)
        doc.rootFrame().setFrameFormat(frame)
        doc.documentLayout().documentSizeChanged.connect(self._on_layout)
        ours = old.parent() is self
        self.setDocument(doc)  # deletes the first document, the one the widget made itself
        if ours:
            self._old_documents.append(old)
            self._drop_timer.start()

    def _drop_old_documents(self) -> None:
        """Delete the documents of threads shown before (a timer, not ``deleteLater``: that
        waits for an event loop started with ``exec``, and could pile documents up)."""
        old, self._old_documents = self._old_documents, []
        for doc in old:
            shiboken6.delete(doc)

    def _screen_chars(self) -> int:
        """About as much text as one screen of the pane can show (dense lines, no margins):
        what the first paint needs, and not much more, since laying it out is the cost."""
        metrics = QFontMetrics(self.font())
        viewport = self.viewport()
        width = min(max(viewport.width(), 200), self._text_width)
        per_line = width // max(metrics.averageCharWidth(), 1)
        lines = max(viewport.height(), 200) // max(metrics.lineSpacing(), 1) + 1
        return max(FIRST_CHARS_MIN, per_line * lines)

    def _chunk_end(self, start: int, budget: int) -> int:
        rendered = self._rendered
        assert rendered is not None
        end, used = start, 0
        while end < len(rendered) and (end == start or used < budget):
            used += rendered.size(end) + 80
            end += 1
        return end

    def _append_chunk(self) -> None:
        from reader.render.pane_html import HEAD_MARGIN_BOTTOM, HEAD_MARGIN_TOP

        rendered = self._rendered
        if rendered is None or self._appended >= len(rendered):
            return
        start = self._appended
        end = self._chunk_end(start, CHUNK_CHARS)
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        # insertHtml merges the fragment's first paragraph into the current block, so open a
        # block shaped like the comment heading it will hold (the renderer's style).
        fmt = QTextBlockFormat()
        fmt.setLeftMargin(rendered.indent(start))
        fmt.setTopMargin(HEAD_MARGIN_TOP)
        fmt.setBottomMargin(HEAD_MARGIN_BOTTOM)
        cursor.insertBlock(fmt, QTextCharFormat())
        head = cursor.block()
        cursor.insertHtml(rendered.pieces(start, end))
        head.setUserState(start)
        self._appended = end
        self._ranges = None
        if end < len(rendered):
            self._append_timer.start()
        else:
            self.completed.emit()

    def complete(self) -> None:
        """Append whatever is still pending, now."""
        self._append_timer.stop()
        while self._rendered is not None and self._appended < len(self._rendered):
            self._append_chunk()
        self._append_timer.stop()

    def redraw_items(self, rendered: PaneHtml, item_ids: Iterable[str]) -> None:
        """Replace just these items' blocks with ``rendered``'s (the same thread, new marks).

        Why: a highlight changes one comment, and re-setting a 1,000-comment document takes
        about a second.  Text and blocks are the same, so the layout and the scroll stay; only
        the replaced items' formats change.  ``rendered`` also becomes the source of chunks
        not appended yet, so they come with the new marks.
        """
        if self._rendered is None or rendered.items != self._items:
            self.show_thread(rendered)
            return
        self._rendered = rendered
        wanted = {self._index[i] for i in item_ids if i in self._index}
        numbers = sorted(n for n in wanted if n < self._appended)
        ranges = self._block_ranges()
        doc = self.document()
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        for number in reversed(numbers):  # from the end: earlier block numbers stay valid
            first, last = ranges[number]
            if first < 0:
                continue
            head, tail = doc.findBlockByNumber(first), doc.findBlockByNumber(last)
            head_format, start = head.blockFormat(), head.position()
            cursor.setPosition(start)
            cursor.setPosition(tail.position() + tail.length() - 1, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            # as when appending: the first paragraph merges into the emptied block, whose
            # heading format and user state are put back
            cursor.insertHtml(rendered.piece(number))
            cursor.setPosition(start)
            cursor.setBlockFormat(head_format)
            cursor.block().setUserState(number)
        cursor.endEditBlock()
        self._ranges = None
        if self._marked in numbers:
            self.retint()

    @property
    def is_complete(self) -> bool:
        return self._rendered is None or self._appended >= len(self._rendered)

    def clear_thread(self) -> None:
        self._append_timer.stop()
        self._rendered = None
        self._appended = 0
        self._items, self._index, self._ranges, self._marked = [], {}, None, -1
        if self._margin is not None:
            self._margin.clear()
        self.clear()

    @property
    def items(self) -> list[str]:
        return self._items

    @property
    def marked_item(self) -> str | None:
        return self._items[self._marked] if 0 <= self._marked < len(self._items) else None

    # -- never fetch, never navigate ---------------------------------------------------------

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        """Every resource request is refused: the pane shows only what the renderer wrote."""
        self.blocked_resources.append(url.toString() if isinstance(url, QUrl) else str(url))
        return None

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme().lower() in EXTERNAL_SCHEMES:
            open_external(url)
            return
        target = url.fragment() if url.hasFragment() else url.toString().lstrip("#")
        if target in self._index:
            self.mark_item(target, scroll=True)
            self.item_clicked.emit(target)

    # -- mapping blocks to items -------------------------------------------------------------

    def _block_ranges(self) -> list[tuple[int, int]]:
        """First and last block number of each item, computed once per document on demand."""
        if self._ranges is None:
            ranges = [(-1, -1)] * len(self._items)
            block = self.document().begin()
            while block.isValid():
                state = block.userState()
                if 0 <= state < len(ranges):
                    first, _ = ranges[state]
                    number = block.blockNumber()
                    ranges[state] = (number if first < 0 else first, number)
                block = block.next()
            self._ranges = ranges
        return self._ranges

    def item_at(self, y: int) -> str | None:
        """The item shown at viewport height ``y``."""
        cursor = self.cursorForPosition(QPoint(8, y))
        state = cursor.block().userState()
        return self._items[state] if 0 <= state < len(self._items) else None

    def item_on_top(self) -> str | None:
        return self.item_at(4)

    def _item_rect(self, number: int) -> QRectF | None:
        if number >= self._appended:
            self.complete()
        ranges = self._block_ranges()
        if not 0 <= number < len(ranges) or ranges[number][0] < 0:
            return None
        doc = self.document()
        layout = doc.documentLayout()
        first = layout.blockBoundingRect(doc.findBlockByNumber(ranges[number][0]))
        last = layout.blockBoundingRect(doc.findBlockByNumber(ranges[number][1]))
        return first.united(last)

    # -- marking and scrolling ---------------------------------------------------------------

    def mark_item(self, item_id: str | None, *, scroll: bool = True) -> None:
        """Mark ``item_id`` (the comment selected in the tree) with one continuous bar down
        its left side, painted over the document (``paintEvent``), and optionally scroll.

        A bar rather than a block background: backgrounds are per paragraph (a band broken at
        every paragraph gap) and would sit under the highlights' own colours.
        """
        number = self._index.get(item_id or "", -1)
        if number >= self._appended:
            self.complete()
        if number != self._marked:
            repaint = max(number, self._marked) > 0  # the post (0) has no bar
            self._marked = number
            if repaint:
                self.viewport().update()
        if scroll:
            self.scroll_to_item(item_id)

    def retint(self) -> None:
        """Redraw the current comment's bar in the current palette (after a theme change).
        (Not ``viewport()`` before a thread is shown: the first widget handed to Python costs
        ~13 ms of start-up, see ``__init__``.)"""
        if self._rendered is not None:
            self.viewport().update()

    def scroll_to_item(self, item_id: str | None, offset: int = -6) -> None:
        """Put the top of ``item_id`` (plus ``offset`` pixels) at the top of the viewport."""
        number = self._index.get(item_id or "", -1)
        if number <= 0:
            self.scroll_to_y(max(0, offset))
            return
        rect = self._item_rect(number)
        if rect is not None:
            self.scroll_to_y(max(0, int(rect.top()) + offset))

    def scroll_to_y(self, y: int) -> None:
        """Scroll to ``y`` even while the document is still being laid out incrementally.

        QTextEdit lays big documents out in steps and widens the scroll range only when its
        event loop runs, so a target below the current range would be clamped.  Asking the
        layout for a block's rectangle lays out up to it; re-announcing the size makes the
        scroll range follow at once.
        """
        bar = self.verticalScrollBar()
        if y > bar.maximum():
            layout = self.document().documentLayout()
            layout.documentSizeChanged.emit(layout.documentSize())
        bar.setValue(y)

    def position(self) -> tuple[str | None, int]:
        """Where the reader is: the item at the top of the viewport and the pixels scrolled
        past its top.  Survives a different pane width better than a raw scroll value."""
        item = self.item_on_top()
        number = self._index.get(item or "", -1)
        rect = self._item_rect(number) if number > 0 else None
        top = int(rect.top()) if rect is not None else 0
        return item, self.verticalScrollBar().value() - top

    def restore_position(self, item_id: str | None, offset: int) -> None:
        self.scroll_to_item(item_id, offset)

    def item_end_visible(self, item_id: str | None) -> bool:
        """Whether the end of ``item_id`` is already on screen (space then moves on)."""
        number = self._index.get(item_id or "", -1)
        rect = self._item_rect(number) if number >= 0 else None
        if rect is None:
            return True
        bottom = self.verticalScrollBar().value() + self.viewport().height()
        return rect.bottom() <= bottom

    def at_end(self) -> bool:
        if not self.is_complete:
            return False
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum()

    def page_down(self) -> None:
        bar = self.verticalScrollBar()
        self.scroll_to_y(bar.value() + max(bar.pageStep() - 40, 40))

    # -- finding -----------------------------------------------------------------------------

    def find_text(self, text: str | QRegularExpression, *, backward: bool = False) -> str | None:
        """Select the next occurrence of ``text`` (wrapping); returns the item it is in."""
        if not text or (isinstance(text, QRegularExpression) and not text.pattern()):
            return None
        self.complete()
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if not self.find(text, flags):
            cursor = self.textCursor()
            cursor.movePosition(
                QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
            )
            self.setTextCursor(cursor)
            if not self.find(text, flags):
                return None
        state = self.textCursor().block().userState()
        return self._items[state] if 0 <= state < len(self._items) else None

    def select_in_item(self, item_id: str, text: str) -> bool:
        """Select the first occurrence of ``text`` inside ``item_id`` and make it visible."""
        number = self._index.get(item_id, -1)
        if number < 0 or not text:
            return False
        self.complete()
        first, last = self._block_ranges()[number]
        if first < 0:
            return False
        doc = self.document()
        start = doc.findBlockByNumber(first).position()
        end_block = doc.findBlockByNumber(last)
        found = doc.find(text, start)
        if found.isNull() or found.selectionStart() > end_block.position() + end_block.length():
            return False
        self.setTextCursor(found)
        self.ensureCursorVisible()
        return True

    # -- zoom ----------------------------------------------------------------------------

    @property
    def zoom(self) -> int:
        return self._zoom

    def set_zoom(self, level: int) -> None:
        """Text size in steps of about 10 % from the application font."""
        self._zoom = level
        font = QFont(self.font())
        font.setPointSizeF(max(5.0, self._base_point_size * (1.1**level)))
        self.setFont(font)
        self.update_margins()

    # -- events ------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        moved = self._press_pos is not None and (pos - self._press_pos).manhattanLength() > 4
        self._press_pos = None
        if event.button() != Qt.MouseButton.LeftButton or moved or self.anchorAt(pos):
            return
        if self.textCursor().hasSelection():
            return
        state = self.cursorForPosition(pos).block().userState()
        if 0 <= state < len(self._items):
            item = self._items[state]
            self.mark_item(item, scroll=False)
            self.item_clicked.emit(item)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.update_margins()
        super().resizeEvent(event)
        self._on_layout()

    # -- what is painted over the text -------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """The document, then a thin rule above each top-level comment, the current comment's
        bar and the note markers (the numbers of the cards in the margin)."""
        super().paintEvent(event)
        rendered = self._rendered
        if rendered is None:
            return
        painter = QPainter(self.viewport())
        try:
            self._paint_marks(painter, rendered)
        finally:
            painter.end()

    def _paint_marks(self, painter: QPainter, rendered: PaneHtml) -> None:
        from reader.render.pane_html import HEAD_MARGIN_TOP

        doc = self.document()
        layout = doc.documentLayout()
        scroll = self.verticalScrollBar().value()
        height = self.viewport().height()
        width = self.viewport().width()
        margin = int(doc.documentMargin())
        palette = rendered.palette
        depths = rendered.document.depths
        painter.setPen(QPen(QColor(palette.rule), 1))
        block = self.cursorForPosition(QPoint(margin, 0)).block()
        previous = block.previous().userState() if block.previous().isValid() else -1
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            top = int(rect.top()) - scroll
            if top > height:
                break
            state = block.userState()
            if state > 0 and state != previous and depths[state] == 0:
                y = top - HEAD_MARGIN_TOP // 2  # in the space above the heading
                painter.drawLine(margin, y, width - margin, y)
            previous = state
            block = block.next()
        if self._marked > 0:
            found = self._item_rect(self._marked)
            if found is not None:
                x = margin + BAR_SPACE + rendered.indent(self._marked) - BAR_WIDTH - 5
                colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
                top = int(found.top()) - scroll
                bottom = int(found.bottom()) - P_MARGIN // 2 - scroll
                painter.fillRect(max(0, x), top, BAR_WIDTH, max(0, bottom - top), colour)
        markers = self._margin.marker_rects() if self._margin is not None else []
        for marker, note in markers:
            colour = QColor(note.swatch)
            painter.fillRect(marker, colour)
            painter.setPen(QColor(palette.text))
            font = QFont(self.font())
            font.setPointSizeF(max(6.0, font.pointSizeF() * 0.75))
            painter.setFont(font)
            painter.drawText(marker, Qt.AlignmentFlag.AlignCenter, str(note.number))
