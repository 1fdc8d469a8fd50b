"""What the Annotations and Bookmarks panels share: a dock with a scope switch ("This thread" /
"Whole library"), a filter field, a flat list and a count line.

A panel follows ``Events``: any change of marks (``library_changed``) and, for the thread
scope, the thread that opens.  Refreshing is cheap but not free (a query, and re-anchoring for
a thread), so a panel reloads only when it is visible: changes while it is hidden just mark it
stale, and it reloads when shown.  Reloads are coalesced with a zero-delay timer, because one
burst of changes can come in several signals.  The selected row survives a reload.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reader.changes import Changes
from reader.errors import NotFound, ReaderError
from reader.plurals import plural
from reader.store import queries
from reader.ui.models.marks import OBJECT_ROLE, _LazyTable

if TYPE_CHECKING:
    from reader.ui.context import AppContext
    from reader.ui.controllers.annotating import AnnotatingController
    from reader.ui.controllers.thread import ThreadController

THREAD, LIBRARY = "thread", "library"
HEIGHT = 260  # below the panes: a dozen rows
WIDTH = 380  # beside them: the list's columns readable, the reading pane still wide


def item_label(conn: sqlite3.Connection, item_id: str, *, with_title: bool = True) -> str:
    """ "Post title · comment 4.2" (or just "comment 4.2") for lists; says if it is gone."""
    try:
        ref = queries.item(conn, item_id)
    except (NotFound, ReaderError):
        return "(no longer in the library)"
    where = f"comment {ref.path}" if ref.kind == "comment" else "post"
    return f"{ref.post_title} · {where}" if with_title else where


class ListDock(QDockWidget):
    """Subclasses set ``self.model`` before calling ``_build`` and implement ``load``,
    ``open_object``, ``key`` and optionally ``menu_for``/``delete_object``."""

    model: _LazyTable[Any]
    noun = "item"

    def __init__(
        self,
        title: str,
        name: str,
        ctx: AppContext,
        ctl: AnnotatingController,
        threads: ThreadController,
        parent: QWidget,
    ) -> None:
        super().__init__(title, parent)
        self.setObjectName(name)
        self.ctx = ctx
        self.ctl = ctl
        self.threads = threads
        self.setAllowedAreas(
            Qt.DockWidgetArea.LeftDockWidgetArea
            | Qt.DockWidgetArea.RightDockWidgetArea
            | Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self._stale = True
        self._closed = False
        self._just_clicked = -1
        self.sized = False  # True once it has a size (``install`` sets it for a restored dock)
        self.toggle_action = QAction(title, self)  # the View menu's entry (``place_docks``)
        self.toggle_action.setCheckable(True)
        self._post_id: str | None = None
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.refresh)

    def _build(self, extra: list[QWidget]) -> None:
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.scope = QComboBox(body)
        self.scope.addItem("This thread", THREAD)
        self.scope.addItem("Whole library", LIBRARY)
        self.scope.setToolTip("List the open thread's or the whole library's")
        top.addWidget(self.scope)
        for widget in extra:
            top.addWidget(widget)
        top.addStretch(1)
        layout.addLayout(top)
        self.filter = QLineEdit(body)
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText("Filter")
        layout.addWidget(self.filter)
        self.view = QTreeView(body)
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAllColumnsShowFocus(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)
        self.count = QLabel(body)
        self.count.setWordWrap(True)
        layout.addWidget(self.count)
        self.setWidget(body)
        self.scope.currentIndexChanged.connect(lambda _i: self.schedule())
        self.filter.textChanged.connect(lambda _t: self.schedule())
        self.view.clicked.connect(self._on_clicked)
        self.view.activated.connect(self._on_activated)
        self.view.customContextMenuRequested.connect(self._context_menu)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._delete_current)
        self.ctx.events.library_changed.connect(self._on_library_changed)
        self.ctx.events.thread_opened.connect(self._on_thread_opened)
        self.ctx.events.closing.connect(self._close)
        self.visibilityChanged.connect(self._on_visibility)

    # -- state -------------------------------------------------------------------------------

    @property
    def library_scope(self) -> bool:
        return self.scope.currentData() == LIBRARY

    def set_library_scope(self, library: bool) -> None:
        self.scope.setCurrentIndex(1 if library else 0)

    def where(self, item_id: str) -> str:
        """The "Where" column: the comment number, plus the post's title for the library."""
        return item_label(self.ctx.library.conn, item_id, with_title=self.library_scope)

    def size_columns(self, widths: dict[int, str], stretch: tuple[int, ...] = (0,)) -> None:
        """``stretch`` columns share the width; the others start as wide as a sample text."""
        header = self.view.header()
        for column in stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        metrics = QFontMetrics(self.view.font())
        for column, sample in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 16)

    def current_post_id(self) -> str | None:
        post = self.threads.current_post
        return post.id if post is not None else None

    def _on_library_changed(self, changes: Changes) -> None:
        if changes.marks or changes.text:
            self.schedule()

    def _on_thread_opened(self, post_id: str) -> None:
        if post_id != self._post_id and not self.library_scope:
            self.schedule()

    def _on_visibility(self, visible: bool) -> None:
        if not visible:
            return
        if not self.sized and not self.isFloating():
            self.sized = True  # first shown: a sensible size for where it is
            QTimer.singleShot(0, self, self._set_size)
        if self._stale:
            self.schedule()

    def _set_size(self) -> None:
        """Beside the panes: ``WIDTH`` (at most a third of the window); below: ``HEIGHT``.
        Later sizes are the reader's, kept with the window's state."""
        main = self.parentWidget()
        if not isinstance(main, QMainWindow):
            return
        area = main.dockWidgetArea(self)
        if area in (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea):
            width = min(WIDTH, max(240, main.width() // 3))
            main.resizeDocks([self], [width], Qt.Orientation.Horizontal)
        else:
            main.resizeDocks([self], [HEIGHT], Qt.Orientation.Vertical)

    def schedule(self) -> None:
        """Reload soon if visible, else when next shown."""
        self._stale = True
        if self.isVisible() and not self._closed:
            self._timer.start()

    def _close(self) -> None:
        """The window is closing: nothing is read any more."""
        self._closed = True
        self._timer.stop()

    def refresh(self) -> None:
        """Reload now (also when hidden: tests and callers that need the rows)."""
        self._timer.stop()
        self._stale = False
        self._post_id = self.current_post_id()
        current = self.model.row_object(self.view.currentIndex().row())
        rows = self.load()
        self.model.set_rows(rows)
        self.count.setText(self.count_text(len(rows)))
        if current is not None:
            key = self.key(current)
            row = self.model.row_of(lambda obj: self.key(obj) == key)
            if row >= 0:
                self.view.setCurrentIndex(self.model.index(row, 0))

    def count_text(self, count: int) -> str:
        where = "in the library" if self.library_scope else "in this thread"
        if self.current_post_id() is None and not self.library_scope:
            return "Open a thread, or choose Whole library."
        return f"{plural(count, self.noun)} {where}"

    # -- acting on rows ----------------------------------------------------------------------

    def _on_clicked(self, index: QModelIndex) -> None:
        """A click opens the row; the double-click's ``activated`` that may follow does not
        open it a second time."""
        self._open_index(index)
        self._just_clicked = index.row()
        QTimer.singleShot(QApplication.doubleClickInterval() + 50, self, self._forget_click)

    def _forget_click(self) -> None:
        self._just_clicked = -1

    def _on_activated(self, index: QModelIndex) -> None:
        if index.row() != self._just_clicked:  # Enter, or a style that activates on click
            self._open_index(index)

    def _open_index(self, index: QModelIndex) -> None:
        obj = index.data(OBJECT_ROLE) if index.isValid() else None
        if obj is not None:
            self.open_object(obj)

    def open_row(self, row: int) -> bool:
        """Select ``row`` and open what it lists (what a click does)."""
        index = self.model.index(row, 0)
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self._open_index(index)
        return True

    def _current(self) -> Any:
        return self.model.row_object(self.view.currentIndex().row())

    def _delete_current(self) -> None:
        obj = self._current()
        if obj is not None:
            self.delete_object(obj)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        obj = index.data(OBJECT_ROLE) if index.isValid() else None
        if obj is None:
            return
        menu = QMenu(self.view)
        menu.addAction("Open", lambda: self.open_object(obj))
        self.menu_for(menu, obj)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    # -- for subclasses ------------------------------------------------------------------------

    def load(self) -> list[Any]:
        raise NotImplementedError

    def key(self, obj: Any) -> str:
        raise NotImplementedError

    def open_object(self, obj: Any) -> None:
        raise NotImplementedError

    def delete_object(self, obj: Any) -> None:
        pass

    def menu_for(self, menu: QMenu, obj: Any) -> None:
        pass
