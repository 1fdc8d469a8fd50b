"""Notes in the margin: a card beside each annotated passage, with the note in full.

Why a column and not a tooltip: a note the reader wrote is part of what they read, as in
calibre's viewer and Hypothesis; hiding it behind a click makes notes invisible.  The cards sit
in the reading pane's right margin, each level with the first line of its passage (pushed down
when the one above is taller), and move with the scroll.  A click on a card selects its passage
in the text; a click in a highlighted passage marks its card as current; a double click (or the
pencil) edits the note in place — Ctrl+Return or Save keeps it, Escape or Cancel drops the edit.

The margin does not write: ``edited(annotation_id, text)`` goes to the annotating controller,
which stores it through the undo stack like every other change.  Cards are made only for
notes with text, so a thread without notes costs nothing here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from reader.ui.reading import ReadingPane

NOTE_WIDTH = 240  # px: the note column, when the pane is wide enough
GAP = 6  # px between stacked cards


@dataclass(frozen=True, slots=True)
class MarginNote:
    """One note to show: its annotation, number, highlight colour (as drawn) and where its
    passage is in the item's text."""

    annotation_id: str
    number: int
    colour: str  # the colour's name ("yellow")
    swatch: str  # ``#rrggbb``, as the pane draws it in the current theme
    text: str
    quote: str
    item_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CardColours:
    """The cards' colours, from the theme the pane is drawn in."""

    background: str = "#ffffff"
    text: str = "#1d1d1f"
    muted: str = "#6b6b70"


class _NoteEditor(QPlainTextEdit):
    """The in-place editor: Ctrl+Return saves, Escape cancels."""

    save = Signal()
    cancel = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            mods & Qt.KeyboardModifier.ControlModifier
        ):
            self.save.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.cancel.emit()
            return
        super().keyPressEvent(event)


class NoteCard(QFrame):
    """A note beside its passage: number and quote on top, the note in full below."""

    activated = Signal(str)
    edited = Signal(str, str)
    resized = Signal()

    def __init__(self, note: MarginNote, colours: CardColours, parent: QWidget) -> None:
        super().__init__(parent)
        self.note = note
        self.colours = colours
        self.current = False
        self.setObjectName("note-card")
        self.setFont(QApplication.font())  # the UI's font, not the reading font it sits in
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to select the passage; double-click to edit the note")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 5, 6, 6)
        layout.setSpacing(3)
        top = QHBoxLayout()
        top.setSpacing(4)
        self.head = QLabel(self)
        self.head.setObjectName("note-head")
        self.head.setWordWrap(True)
        self.edit_button = QToolButton(self)
        self.edit_button.setText("\u270e")  # ✎
        self.edit_button.setToolTip("Edit this note here")
        self.edit_button.setAutoRaise(True)
        self.edit_button.clicked.connect(self.start_editing)
        top.addWidget(self.head, 1)
        top.addWidget(self.edit_button)
        layout.addLayout(top)
        self.body = QLabel(self)
        self.body.setObjectName("note-text")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout.addWidget(self.body)
        self.editor = _NoteEditor(self)
        self.editor.setObjectName("note-editor")
        self.editor.setTabChangesFocus(True)
        self.editor.save.connect(self.finish_editing)
        self.editor.cancel.connect(self.cancel_editing)
        self.editor.hide()
        layout.addWidget(self.editor)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.save_button.clicked.connect(self.finish_editing)
        self.cancel_button.clicked.connect(self.cancel_editing)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        self.buttons = QWidget(self)
        self.buttons.setLayout(buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons.hide()
        layout.addWidget(self.buttons)
        self.set_note(note)

    @property
    def editing(self) -> bool:
        return not self.editor.isHidden()

    def set_note(self, note: MarginNote) -> None:
        self.note = note
        quote = " ".join(note.quote.split())
        if len(quote) > 48:
            quote = quote[:47].rstrip() + "\u2026"
        self.head.setText(f"{note.number} \u00b7 \u201c{quote}\u201d")
        self.head.setToolTip(note.quote)
        self.body.setText(note.text)
        self._restyle()

    def set_current(self, current: bool) -> None:
        if current != self.current:
            self.current = current
            self._restyle()

    def set_colours(self, colours: CardColours) -> None:
        self.colours = colours
        self._restyle()

    def _restyle(self) -> None:
        colours = self.colours
        base = QColor(colours.background)
        colour = QColor(self.note.swatch)
        width = 2 if self.current else 1
        border = colour.darker(150) if base.lightness() > 127 else colour.lighter(170)
        if not self.current:
            border = QColor(colours.muted)
        self.setStyleSheet(
            f"QFrame#note-card {{ background: {base.name()}; border: {width}px solid"
            f" {border.name()}; border-left: 6px solid {colour.name()}; border-radius: 3px; }}"
            f" QLabel#note-head {{ color: {colours.muted}; }}"
            f" QLabel#note-text {{ color: {colours.text}; }}"
        )

    # -- editing in place ----------------------------------------------------------------------

    def start_editing(self) -> None:
        self.editor.setPlainText(self.note.text)
        self.body.hide()
        self.editor.show()
        self.buttons.show()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.editor.selectAll()
        self._resized()

    def finish_editing(self) -> None:
        text = self.editor.toPlainText().strip()
        self._stop_editing()
        if text != self.note.text:
            self.body.setText(text)
            self.edited.emit(self.note.annotation_id, text)

    def cancel_editing(self) -> None:
        self._stop_editing()

    def _stop_editing(self) -> None:
        self.editor.hide()
        self.buttons.hide()
        self.body.show()
        self._resized()

    def _resized(self) -> None:
        self.resized.emit()

    # -- clicks ----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self.editing:
            self.activated.emit(self.note.annotation_id)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if not self.editing:
            self.start_editing()


class NoteMargin(QObject):
    """The note cards of the thread shown in ``pane``, kept level with their passages."""

    edited = Signal(str, str)
    """annotation id, new note text: the reader edited a note in place."""

    def __init__(self, pane: ReadingPane) -> None:
        super().__init__(pane)
        self.setObjectName("note-margin")
        self.pane = pane
        self.cards: dict[str, NoteCard] = {}
        self._notes: list[MarginNote] = []
        self._locate: Callable[[MarginNote], tuple[int, int] | None] | None = None
        self._positions: dict[str, tuple[int, int] | None] = {}
        self._current = ""
        self.colours = CardColours()
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.relayout)
        pane.verticalScrollBar().valueChanged.connect(self._place)
        pane.cursorPositionChanged.connect(self._on_cursor)

    @property
    def notes(self) -> list[MarginNote]:
        return list(self._notes)

    @property
    def width(self) -> int:
        """The column the pane keeps free on its right (0 without notes)."""
        return NOTE_WIDTH if self._notes else 0

    def set_notes(
        self,
        notes: Sequence[MarginNote],
        locate: Callable[[MarginNote], tuple[int, int] | None],
        colours: CardColours | None = None,
    ) -> None:
        """Show these notes; ``locate(note)`` gives a passage's document positions (or None
        while its item is not in the document yet).  Cards of unchanged notes are kept (an
        edit in progress survives a redraw of other items)."""
        had = bool(self._notes)
        self._notes = list(notes)
        self._locate = locate
        self._positions = {}
        if colours is not None and colours != self.colours:
            self.colours = colours
            for card in self.cards.values():
                card.set_colours(colours)
        wanted = {n.annotation_id for n in notes}
        for gone in [key for key in self.cards if key not in wanted]:
            card = self.cards.pop(gone)
            card.hide()
            card.deleteLater()
        for note in notes:
            kept = self.cards.get(note.annotation_id)
            if kept is None:
                made = NoteCard(note, self.colours, self.pane)
                made.activated.connect(self.select_passage)
                made.edited.connect(self.edited)
                made.resized.connect(self.schedule)
                self.cards[note.annotation_id] = made
            elif kept.note != note:
                kept.set_note(note)
        if had != bool(self._notes):
            self.pane.update_margins()
        self.schedule()

    def clear(self) -> None:
        self.set_notes([], lambda _note: None)

    def schedule(self) -> None:
        """Recompute the cards' places in the next turn of the event loop."""
        self._positions = {}
        if self._notes:
            self._timer.start()

    # -- placing ---------------------------------------------------------------------------

    def position_of(self, annotation_id: str) -> tuple[int, int] | None:
        """Document positions of a note's passage (looked up once per layout)."""
        if annotation_id not in self._positions:
            note = next((n for n in self._notes if n.annotation_id == annotation_id), None)
            found = self._locate(note) if note is not None and self._locate else None
            self._positions[annotation_id] = found
        return self._positions[annotation_id]

    def passage_y(self, annotation_id: str) -> int | None:
        """The top of a passage's first line, in document coordinates."""
        found = self.position_of(annotation_id)
        if found is None:
            return None
        doc = self.pane.document()
        block = doc.findBlock(found[0])
        if not block.isValid():
            return None
        rect = doc.documentLayout().blockBoundingRect(block)
        layout = block.layout()
        line = layout.lineForTextPosition(found[0] - block.position()) if layout else None
        top = rect.top() + (line.y() if line is not None and line.isValid() else 0)
        return int(top)

    def relayout(self) -> None:
        self._positions = {}
        self._place()

    def _place(self) -> None:
        if not self._notes:
            return
        pane = self.pane
        viewport = pane.viewport().geometry()
        scroll = pane.verticalScrollBar().value()
        left = viewport.right() + 10
        bar = pane.verticalScrollBar().sizeHint().width()
        width = max(110, min(NOTE_WIDTH - 16, pane.width() - left - bar - 8))
        floor = -10_000
        for note in sorted(self._notes, key=lambda n: self.passage_y(n.annotation_id) or 0):
            card = self.cards[note.annotation_id]
            y = self.passage_y(note.annotation_id)
            if y is None:
                card.hide()
                continue
            card.setFixedWidth(width)
            layout = card.layout()
            wrapped = layout.totalHeightForWidth(width) if layout is not None else 0
            card.setFixedHeight(max(card.minimumSizeHint().height(), wrapped))
            top = max(viewport.top() + y - scroll, floor)
            card.move(QPoint(left, top))
            floor = top + card.height() + GAP
            visible = top < pane.height() and top + card.height() > 0
            card.setVisible(visible)
        pane.viewport().update()

    def marker_rects(self) -> list[tuple[QRect, MarginNote]]:
        """Where the pane paints each note's number in the text column's right edge, in
        viewport coordinates (only those on screen)."""
        out = []
        scroll = self.pane.verticalScrollBar().value()
        right = self.pane.viewport().width() - 1
        height = self.pane.fontMetrics().height()
        for note in self._notes:
            y = self.passage_y(note.annotation_id)
            if y is None:
                continue
            top = y - scroll
            if -height < top < self.pane.viewport().height():
                out.append((QRect(right - 18, top + 1, 18, height - 2), note))
        return out

    # -- clicks ----------------------------------------------------------------------------

    def select_passage(self, annotation_id: str) -> bool:
        """Select a note's passage in the text (a click on its card)."""
        found = self.position_of(annotation_id)
        if found is None:
            return False
        cursor = QTextCursor(self.pane.document())
        cursor.setPosition(found[0])
        cursor.setPosition(found[1], QTextCursor.MoveMode.KeepAnchor)
        self.pane.setTextCursor(cursor)
        self.pane.ensureCursorVisible()
        self.set_current(annotation_id)
        return True

    def set_current(self, annotation_id: str) -> None:
        self._current = annotation_id
        for key, card in self.cards.items():
            card.set_current(key == annotation_id)

    @property
    def current(self) -> str:
        return self._current

    def _on_cursor(self) -> None:
        """A click in a highlighted passage marks its card (and back)."""
        if not self._notes:
            return
        position = self.pane.textCursor().position()
        for note in self._notes:
            found = self.position_of(note.annotation_id)
            if found is not None and found[0] <= position <= found[1]:
                self.set_current(note.annotation_id)
                return
