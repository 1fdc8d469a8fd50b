"""Moving through the library by keyboard and menu: comments (j/k, space), posts (n/p), back
and forward through the places the reader jumped from, find in thread, the next search hit.

It drives the thread controller and the posts panel and owns nothing but the Back/Forward
actions' state; the history itself is the thread controller's (it records each jump).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QGuiApplication

from reader.model import Post
from reader.ui.context import AppContext
from reader.ui.controllers.thread import ThreadController
from reader.ui.panels.posts import PostsPanel
from reader.ui.panes import Panes


class NavigationController(QObject):
    """Go menu, find, copy; see the module docstring."""

    def __init__(
        self,
        ctx: AppContext,
        threads: ThreadController,
        posts: PostsPanel,
        panes: Panes,
        back: QAction,
        forward: QAction,
    ) -> None:
        super().__init__(ctx.events)
        self.ctx = ctx
        self.threads = threads
        self.posts = posts
        self.panes = panes
        self.reading = panes.reading
        self._back, self._forward = back, forward
        ctx.events.thread_opened.connect(lambda _post_id: self.update_actions())
        self.update_actions()

    # -- comments and posts ------------------------------------------------------------------

    def next_comment(self, step: int = 1) -> bool:
        if self.threads.current_post is None:
            return False
        item = self.threads.model.item_id(self.threads.current_number() + step)
        if item is None:
            return False
        self.threads.select_item(item)
        return True

    def previous_comment(self) -> bool:
        return self.next_comment(-1)

    def next_post(self, step: int = 1) -> bool:
        post = self.threads.current_post
        target = self.posts.neighbour(post.id if post else None, step)
        return self.threads.open_post(target) if target else False

    def previous_post(self) -> bool:
        return self.next_post(-1)

    def page_or_next(self) -> None:
        """Space: page through the current comment, then move to the next; at the end, next post."""
        item = self.threads.current_item()
        reading = self.reading
        if not reading.item_end_visible(item) and not reading.at_end():
            reading.page_down()
        elif not self.next_comment():
            if reading.at_end():
                self.next_post()
            else:
                reading.page_down()

    # -- back and forward --------------------------------------------------------------------

    def go_back(self) -> None:
        target = self.threads.history.back(self.threads.location())
        if target is not None:
            self.threads.open_post(target.post_id, target.item_id, record=False)
        self.update_actions()

    def go_forward(self) -> None:
        target = self.threads.history.forward(self.threads.location())
        if target is not None:
            self.threads.open_post(target.post_id, target.item_id, record=False)
        self.update_actions()

    def update_actions(self) -> None:
        self._back.setEnabled(self.threads.history.can_go_back)
        self._forward.setEnabled(self.threads.history.can_go_forward)

    # -- finding -----------------------------------------------------------------------------

    def open_find_bar(self) -> None:
        first = not self.panes.has_find_bar
        bar = self.panes.find_bar()
        if first:
            bar.found_item.connect(lambda item: self.threads.select_item(item, scroll=False))
        bar.open_bar()

    def find_next(self, backward: bool = False) -> None:
        bar = self.panes.find_bar() if self.panes.has_find_bar else None
        if bar is not None and bar.isVisible() and bar.edit.text():
            bar.find_match(backward=backward)
            return
        if self.threads.hit_items:
            self._next_hit(-1 if backward else 1)
            return
        self.open_find_bar()

    def find_previous(self) -> None:
        self.find_next(backward=True)

    def _next_hit(self, step: int) -> None:
        """F3: the next comment (in display order, wrapping) holding a search hit."""
        model = self.threads.model
        numbers = sorted(model.number_of(i) for i in self.threads.hit_items)
        current = self.threads.current_number()
        if step > 0:
            later = [n for n in numbers if n > current]
            target = later[0] if later else numbers[0]
            wrapped = not later and current >= numbers[0]
        else:
            earlier = [n for n in numbers if n < current]
            target = earlier[-1] if earlier else numbers[-1]
            wrapped = not earlier and current <= numbers[-1]
        item = model.item_id(target)
        highlight = self.threads.highlighter
        if item is None or highlight is None:
            return
        if wrapped and len(numbers) > 1:
            self.ctx.events.hit_wrapped.emit(step)  # the hit counter says so
        self.threads.select_item(item)
        text = self.threads.text_of(item) or ""
        ranges = highlight(text)
        if ranges:
            start, end = ranges[0]
            self.reading.select_in_item(item, text[start:end])

    def focus_filter(self) -> None:
        self.panes.filter_edit.setFocus()
        self.panes.filter_edit.selectAll()

    # -- copying -----------------------------------------------------------------------------

    def copy_selection(self) -> None:
        """The selected text, or the selected comment with its number (or the post)."""
        reading = self.reading
        if reading.textCursor().hasSelection() or reading.window().focusWidget() is reading:
            reading.copy()
            return
        post = self.threads.current_post
        node = self.threads.model.node(self.threads.view.currentIndex())
        if node is None or post is None:
            return
        if isinstance(node, Post):
            text = f"{node.title} ({node.date.isoformat()})\n\n{node.body}"
        else:
            text = f"{post.title}, comment {node.path}:\n\n{node.text}"
        QGuiApplication.clipboard().setText(text)
        self.ctx.say("Copied", 2000)
