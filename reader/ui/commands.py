"""The window's menu commands: Go, Edit, View and Help (the File menu's imports live in
``reader.ui.importing``).

A mixin of ``MainWindow``: the methods use its panes, models and runner and are looked up by
name from the table in ``reader.ui.actions``.  Kept apart so the window module holds the data
flow and this one the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication

from reader.model import Post
from reader.ui.settings import ZOOM_RANGE
from reader.ui.theme import apply_theme

if TYPE_CHECKING:
    from reader.ui.mainwindow import MainWindow

    _Base = MainWindow
else:
    _Base = object


class CommandsMixin(_Base):
    """Go/Edit/View/Help commands of the main window."""

    # -- Go menu -----------------------------------------------------------------------------

    def _current_number(self) -> int:
        index = self.thread_view.currentIndex()
        return index.internalId() if index.isValid() else 0

    def next_comment(self, step: int = 1) -> bool:
        if self._post is None:
            return False
        target = self._current_number() + step
        item = self.thread_model.item_id(target)
        if item is None:
            return False
        self.select_item(item)
        return True

    def previous_comment(self) -> bool:
        return self.next_comment(-1)

    def next_post(self, step: int = 1) -> bool:
        target = self.posts_model.neighbour_post(self._post.id if self._post else None, step)
        return self.open_post(target) if target else False

    def previous_post(self) -> bool:
        return self.next_post(-1)

    def page_or_next(self) -> None:
        """Space: page through the current comment, then move to the next; at the end, next post."""
        item = self.current_item()
        if not self.reading.item_end_visible(item) and not self.reading.at_end():
            self.reading.page_down()
        elif not self.next_comment():
            if self.reading.at_end():
                self.next_post()
            else:
                self.reading.page_down()

    def go_back(self) -> None:
        target = self.history.back(self.location())
        if target is not None:
            self.open_post(target.post_id, target.item_id, record=False)

    def go_forward(self) -> None:
        target = self.history.forward(self.location())
        if target is not None:
            self.open_post(target.post_id, target.item_id, record=False)

    def _update_go_actions(self) -> None:
        self.actions["back"].setEnabled(self.history.can_go_back)
        self.actions["forward"].setEnabled(self.history.can_go_forward)

    def expand_all(self) -> None:
        self._expand_timer.stop()
        self._collapsed = False
        self.thread_model.fetch_all()
        self.thread_view.expandAll()

    def collapse_all(self) -> None:
        self._expand_timer.stop()
        self._collapsed = True
        self.thread_view.collapseAll()
        root = self.thread_model.index(0, 0)
        if root.isValid():
            self.thread_view.expand(root)

    # -- Edit menu ---------------------------------------------------------------------------

    def copy_selection(self) -> None:
        if self.reading.textCursor().hasSelection() or self.focusWidget() is self.reading:
            self.reading.copy()
            return
        node = self.thread_model.node(self.thread_view.currentIndex())
        if node is None or self._post is None:
            return
        if isinstance(node, Post):
            text = f"{node.title} ({node.date.isoformat()})\n\n{node.body}"
        else:
            text = f"{self._post.title}, comment {node.path}:\n\n{node.text}"
        QGuiApplication.clipboard().setText(text)
        self.status.message("Copied", 2000)

    def open_find_bar(self) -> None:
        first = not self.panes.has_find_bar
        bar = self.panes.find_bar()
        if first:
            bar.found_item.connect(self._on_pane_item)
        bar.open_bar()

    def find_next(self, backward: bool = False) -> None:
        bar = self.panes.find_bar() if self.panes.has_find_bar else None
        if bar is not None and bar.isVisible() and bar.edit.text():
            bar.find(backward=backward)
            return
        if self._hit_items:
            self._next_hit(-1 if backward else 1)
            return
        self.open_find_bar()

    def _next_hit(self, step: int) -> None:
        """F3: the next comment (in display order, wrapping) holding a search hit."""
        numbers = sorted(self.thread_model.number_of(i) for i in self._hit_items)
        current = self._current_number()
        if step > 0:
            later = [n for n in numbers if n > current]
            target = later[0] if later else numbers[0]
        else:
            earlier = [n for n in numbers if n < current]
            target = earlier[-1] if earlier else numbers[-1]
        item = self.thread_model.item_id(target)
        if item is None or self._post is None or self._highlight is None:
            return
        self.select_item(item)
        node = self.thread_model.node(self.thread_model.index_for_number(target))
        text = node.body if isinstance(node, Post) else getattr(node, "text", "")
        ranges = self._highlight(text)
        if ranges:
            start, end = ranges[0]
            self.reading.select_in_item(item, text[start:end])

    def find_previous(self) -> None:
        self.find_next(backward=True)

    def focus_filter(self) -> None:
        self.panes.filter_edit.setFocus()
        self.panes.filter_edit.selectAll()

    def focus_search(self) -> None:
        if self.search is not None:
            self.search.focus()
        else:
            self.status.message("Search is not available in this build")

    # -- View menu ---------------------------------------------------------------------------

    def set_theme(self, name: str, *, rerender: bool = True) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self._dark = apply_theme(app, name)
        action = self.actions.themes.get(name)
        if action is not None:
            action.setChecked(True)
        self.settings.theme = name
        if rerender:
            self.rerender()

    @property
    def dark(self) -> bool:
        return self._dark

    def _zoom_to(self, level: int) -> None:
        low, high = ZOOM_RANGE
        self.reading.set_zoom(max(low, min(high, level)))
        self.settings.zoom = self.reading.zoom

    def zoom_in(self) -> None:
        self._zoom_to(self.reading.zoom + 1)

    def zoom_out(self) -> None:
        self._zoom_to(self.reading.zoom - 1)

    def zoom_reset(self) -> None:
        self._zoom_to(0)

    # -- Help menu ---------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        from reader.ui.shortcuts import ShortcutsDialog

        if self._shortcuts_dialog is None:
            self._shortcuts_dialog = ShortcutsDialog(self)
        self._shortcuts_dialog.show()
        self._shortcuts_dialog.raise_()

    def show_about(self) -> None:
        from reader.ui.about import show_about

        show_about(self, self.library.paths.root)

    def add_file_action(self, action: QAction) -> None:
        """Put a command (e.g. Export Thread…) in the File menu, above Quit."""
        menu = self.actions.menu("File")
        menu.insertAction(self.actions.export_anchor, action)
        self.addAction(action)
