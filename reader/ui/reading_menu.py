"""Annotation commands where the reader meets them: the Edit menu, the reading pane's context
menu, and a highlight's note shown on hover (tooltip) or click (the same popup, at once).

Actions are window actions, so their shortcuts work whichever pane has the focus; a focused
line edit still keeps its own Ctrl+Z (Qt gives it the key first).  ``context_menu(pos)`` only
builds the menu, so tests can inspect and trigger it without a modal ``exec``.
"""

from __future__ import annotations

import html
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QHelpEvent,
    QIcon,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPixmap,
    QUndoStack,
)
from PySide6.QtWidgets import QMenu, QToolTip

from reader.annotate import anchoring
from reader.model import COLOURS, Annotation
from reader.render import LIGHT

if TYPE_CHECKING:
    from reader.ui.actions import WindowActions
    from reader.ui.controllers.annotating import AnnotatingController
    from reader.ui.reading import ReadingPane

HIGHLIGHT_TIP = "Highlight the selected text in the current colour"
NOTE_TIP = "Highlight the selection with a note, or edit the note of the highlight at the cursor"
BOOKMARK_TIP = "Bookmark the selected comment or post, or remove its bookmark"


@cache
def swatch(colour: str) -> QIcon:
    """A small square of a highlight colour (the light theme's shade, the recognisable one)."""
    pixmap = QPixmap(32, 32)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#8a8a8f"))
    painter.setBrush(QColor(LIGHT.highlights.get(colour, colour)))
    painter.drawRoundedRect(QRectF(2.5, 2.5, 11, 11), 2.5, 2.5)
    painter.end()
    return QIcon(pixmap)


def note_html(annotation: Annotation) -> str:
    """The popup for a highlight: its note (or that it has none), colour and date."""
    parts = []
    if annotation.note:
        parts.append(html.escape(annotation.note).replace("\n", "<br>"))
    else:
        parts.append("<i>No note</i> (Ctrl+Shift+N or right-click to add one)")
    created = annotation.created.astimezone() if annotation.created else None
    when = f" · {created.day} {created:%b %Y}" if created else ""  # no %-d: not on Windows
    parts.append(f'<span style="color:#808080;">{annotation.colour.title()} highlight{when}</span>')
    if annotation.state == anchoring.MOVED:
        parts.append("<i>The text changed since you highlighted it.</i>")
    return "<p>" + "<br>".join(parts) + "</p>"


class ReadingMenu(QObject):
    """The annotation actions of one window and the reading pane's menu and popups."""

    def __init__(
        self,
        ctl: AnnotatingController,
        actions: WindowActions,
        pane: ReadingPane,
        stack: QUndoStack,
    ) -> None:
        super().__init__(ctl)
        self.ctl = ctl
        self.pane = pane
        window = self.host = actions.window
        self.undo = stack.createUndoAction(window, "&Undo")
        self.undo.setObjectName("undo")
        self.undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo = stack.createRedoAction(window, "&Redo")
        self.redo.setObjectName("redo")
        self.redo.setShortcuts(_unique(QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z"))
        self.highlight = self._action(
            "highlight", "&Highlight", "Ctrl+H", ctl.highlight, HIGHLIGHT_TIP
        )
        self.note = self._action("add_note", "Add &Note…", "Ctrl+Shift+N", ctl.add_note, NOTE_TIP)
        self.bookmark = self._action(
            "toggle_bookmark", "&Bookmark", "Ctrl+D", ctl.toggle_bookmark, BOOKMARK_TIP
        )
        self.colours = QActionGroup(self)
        self.colour_menu = QMenu("Highlight &Colour", window)
        for name in COLOURS:
            action = self.colour_menu.addAction(swatch(name), name.title())
            action.setCheckable(True)
            action.setData(name)
            self.colours.addAction(action)
        self.colours.triggered.connect(lambda a: ctl.set_default_colour(str(a.data())))
        self.sync_colour()
        edit = actions.menu("Edit")
        first = edit.actions()[0]
        for action in (self.undo, self.redo):
            edit.insertAction(first, action)
            window.addAction(action)
        edit.insertSeparator(first)
        edit.addSeparator()
        edit.addAction(self.highlight)
        edit.addAction(self.note)
        edit.addMenu(self.colour_menu)
        edit.addAction(self.bookmark)
        pane.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        pane.customContextMenuRequested.connect(self._show_context_menu)
        pane.viewport().installEventFilter(self)

    def _action(self, name: str, text: str, key: str, slot: object, tip: str) -> QAction:
        window = self.host
        action = QAction(text, window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(key))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        window.addAction(action)
        return action

    def sync_colour(self) -> None:
        """Check the default colour in the Edit menu (after it changed anywhere)."""
        for action in self.colours.actions():
            action.setChecked(action.data() == self.ctl.colour)

    # -- context menu ------------------------------------------------------------------------

    def context_menu(self, pos: QPoint) -> QMenu:
        """The menu for viewport point ``pos``: highlight the selection, work on the highlight
        under the pointer, bookmark the comment there, then Qt's own Copy/Select All."""
        ctl, pane = self.ctl, self.pane
        menu = QMenu(pane)
        if ctl.selection_span() is not None:
            menu.addAction(self.highlight)
            colours = menu.addMenu("Highlight in Colour")
            for name in COLOURS:
                action = colours.addAction(swatch(name), name.title())
                action.triggered.connect(lambda _c=False, n=name: ctl.highlight(n))
            menu.addAction(self.note)
        under = self.annotations_under(pos)
        if under:
            a = under[0]
            menu.addSeparator()
            edit = menu.addAction("Edit Note…" if a.note else "Add Note to Highlight…")
            edit.setObjectName("edit_note")
            edit.triggered.connect(lambda _c=False: ctl.edit_note(a))
            colours = menu.addMenu("Colour")
            for name in COLOURS:
                action = colours.addAction(swatch(name), name.title())
                action.setCheckable(True)
                action.setChecked(name == a.colour)
                action.triggered.connect(lambda _c=False, n=name: ctl.set_colour(a, n))
            delete = menu.addAction("Delete Highlight")
            delete.setObjectName("delete_highlight")
            delete.triggered.connect(lambda _c=False: ctl.delete(a))
        item = pane.item_at(pos.y())
        if item is not None and ctl.text_of(item) is not None:
            menu.addSeparator()
            kind = "Post" if item == pane.items[0] else "Comment"
            marked = ctl.bookmark(item) is not None
            text = "Remove Bookmark" if marked else f"Bookmark This {kind}"
            bookmark = menu.addAction(text)
            bookmark.setObjectName("bookmark_here")
            bookmark.triggered.connect(lambda _c=False: ctl.toggle_bookmark(item))
        scroll = QPoint(pane.horizontalScrollBar().value(), pane.verticalScrollBar().value())
        standard = pane.createStandardContextMenu(pos + scroll)
        standard.setParent(menu, standard.windowFlags())  # keeps its actions alive
        menu.addSeparator()
        menu.addActions(standard.actions())
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu(pos)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.pane.viewport().mapToGlobal(pos))

    # -- notes on hover and click ------------------------------------------------------------

    def annotations_under(self, pos: QPoint) -> list[Annotation]:
        """Highlights drawn under viewport point ``pos`` (top one first)."""
        pane = self.pane
        point = QPointF(pos.x() + pane.horizontalScrollBar().value(),
                        pos.y() + pane.verticalScrollBar().value())  # fmt: skip
        layout = pane.document().documentLayout()
        position = layout.hitTest(point, Qt.HitTestAccuracy.ExactHit)
        if position < 0:
            return []
        return self.ctl.annotations_at(position)

    def note_at(self, pos: QPoint) -> str | None:
        """The popup text for viewport point ``pos``, or ``None`` off highlights."""
        under = self.annotations_under(pos)
        return note_html(under[0]) if under else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.note_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.pane.viewport())
                return True
            QToolTip.hideText()
            return False
        released = kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent)
        if released and event.button() == Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            pos = event.position().toPoint()  # type: ignore[attr-defined]
            QTimer.singleShot(0, self, lambda: self.popup_note(pos))
        return False

    def popup_note(self, pos: QPoint) -> bool:
        """A click on a highlight (not ending a selection) shows its note where it was."""
        pane = self.pane
        if pane.textCursor().hasSelection():
            return False
        text = self.note_at(pos)
        if not text:
            return False
        QToolTip.showText(pane.viewport().mapToGlobal(pos), text, pane.viewport())
        return True


def _unique(*keys: QKeySequence.StandardKey | str) -> list[QKeySequence]:
    found: list[QKeySequence] = []
    for key in keys:
        sequence = QKeySequence(key)
        if not sequence.isEmpty() and sequence not in found:
            found.append(sequence)
    return found
