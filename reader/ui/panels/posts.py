"""The posts panel: every post by year and month, the activity strip, the title filter.

It keeps itself current from ``Events``: the list is read again when threads were added or
changed (``library_changed``), a thread read shows as read at once, bookmark stars follow any
change of marks, and the open thread's row is selected whenever a thread opens, wherever the
reader opened it from.  Choosing a row asks for its thread (``post_chosen``); the panel does
not open threads itself.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QObject, QTimer, Signal

from reader.changes import Changes
from reader.ui.context import AppContext
from reader.ui.models.posts import PostListModel
from reader.ui.panes import Panes

OPEN_POSTS = 60  # on first load, open the newest months until about this many posts show
BOOKMARKS_DELAY_MS = 300  # the stars are read after the first paint: not urgent


class PostsPanel(QObject):
    """Drives the left pane's widgets (``Panes``) and the posts model."""

    post_chosen = Signal(str)  # the reader chose a post's row
    counts_changed = Signal(int, int, int)  # posts, comments, new comments

    def __init__(self, ctx: AppContext, model: PostListModel, panes: Panes) -> None:
        super().__init__(ctx.events)
        self.ctx = ctx
        self.model = model
        self.panes = panes
        self.view = panes.posts_view
        self.activity = panes.activity
        self._open: str | None = None  # the open thread's post id
        self._syncing = False
        self._filter_timer = QTimer(self, singleShot=True, interval=150)
        self._filter_timer.timeout.connect(self.apply_filter)
        self._bookmarks_timer = QTimer(self, singleShot=True, interval=BOOKMARKS_DELAY_MS)
        self._bookmarks_timer.timeout.connect(self.refresh_bookmarks)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        panes.filter_edit.textChanged.connect(lambda _text: self._filter_timer.start())
        panes.filter_edit.returnPressed.connect(self.apply_filter)
        self.activity.month_clicked.connect(self.set_month)
        panes.month_clear.clicked.connect(lambda: self.set_month(None))
        events = ctx.events
        events.library_changed.connect(self._on_library_changed)
        events.thread_opened.connect(self._on_thread_opened)
        events.thread_closed.connect(lambda: setattr(self, "_open", None))
        events.import_finished.connect(self._on_import_finished)
        events.closing.connect(self._bookmarks_timer.stop)
        events.closing.connect(self._filter_timer.stop)

    # -- reading the list --------------------------------------------------------------------

    def reload(self) -> None:
        """Read the post summaries again, keeping the open post selected and the year/month
        groups the reader had open."""
        model = self.model
        expanded = self._expanded_groups() if model.total else None
        model.set_summaries(self.ctx.library.post_summaries())
        self._expand_groups(expanded)
        self._bookmarks_timer.start()
        self.activity.set_activity(model.month_activity())
        self._update_counts()
        if self._open is not None:
            self.select_post(self._open)
        self.ctx.events.posts_reloaded.emit()

    def refresh_bookmarks(self) -> None:
        """The stars: threads with a bookmarked post or comment (pending writes included)."""
        self._bookmarks_timer.stop()
        self.model.set_bookmarked(self.ctx.marks.bookmarked_posts())

    def neighbour(self, post_id: str | None, step: int) -> str | None:
        """The post ``step`` rows after ``post_id`` in the list as shown."""
        return self.model.neighbour_post(post_id, step)

    def _on_library_changed(self, changes: Changes) -> None:
        if changes.text:
            self.reload()
        for post_id in changes.read:
            self.model.set_new_count(post_id, 0)
        if changes.read:
            self._update_counts()
        if changes.bookmarks or changes.marks_unknown:
            self.refresh_bookmarks()  # one query: the star shows with the change

    def _on_import_finished(self, outcome: object) -> None:
        added = getattr(outcome, "added_post_ids", None)
        if added:
            self.reveal(added)

    def reveal(self, post_ids: Iterable[str]) -> str | None:
        """Open the years and months holding these posts (an import's new ones) and select
        the newest of them, which opens it; returns its id.  Posts the filter hides stay
        hidden."""
        model, view = self.model, self.view
        shown = [(model.position_of(p), p) for p in post_ids]
        found = sorted((position, p) for position, p in shown if position is not None)
        if not found:
            return None
        for _position, post_id in found:
            month = model.index_for_post(post_id).parent()
            view.expand(month.parent())
            view.expand(month)
        newest = found[0][1]
        index = model.index_for_post(newest)
        view.setCurrentIndex(index)  # asks for the thread, as a click does
        view.scrollTo(index)
        return newest

    def _update_counts(self) -> None:
        summaries = self.model.summaries
        self.counts_changed.emit(
            len(summaries),
            sum(s.comment_count for s in summaries),
            sum(s.new_count for s in summaries),
        )

    # -- groups, filter, months --------------------------------------------------------------

    def _expanded_groups(self) -> set[tuple[int, ...]]:
        view = self.view
        return {key for key, index in self.model.groups() if view.isExpanded(index)}

    def _expand_groups(self, keys: set[tuple[int, ...]] | None) -> None:
        """Open the given groups; by default (first load) the newest months.  Expanding
        every group of a 10,000-post list would make Qt lay out every row at start."""
        view, model = self.view, self.model
        if model.filtered:
            view.expandAll()
            return
        groups = model.groups()
        if keys is None:
            keys = self._default_open_groups(groups)
        for key, index in groups:
            if key in keys:
                view.expand(index)

    def _default_open_groups(
        self, groups: list[tuple[tuple[int, ...], QModelIndex]]
    ) -> set[tuple[int, ...]]:
        """The newest months, as many as hold about a screenful of posts, and their years."""
        keys: set[tuple[int, ...]] = set()
        shown = 0
        for key, index in groups:
            if len(key) == 2:
                if shown >= OPEN_POSTS:
                    break
                keys.update((key, key[:1]))
                shown += self.model.rowCount(index)
        return keys

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(self.panes.filter_edit.text(), self.activity.selected)
        self._expand_groups(None)
        if self._open is not None:
            self.select_post(self._open)

    def set_month(self, month: tuple[int, int] | None) -> None:
        """Show only one month's posts (a click on the activity strip), or all."""
        self.activity.set_selected(month)
        if month is None:
            self.panes.month_row.hide()
        else:
            self.panes.month_label.setText(f"{calendar.month_name[month[1]]} {month[0]}")
            self.panes.month_row.show()
        self.apply_filter()

    # -- the open post -----------------------------------------------------------------------

    def select_post(self, post_id: str) -> None:
        """Select ``post_id``'s row (without asking to open it again)."""
        index = self.model.index_for_post(post_id)
        self._syncing = True
        try:
            if index.isValid():
                self.view.setCurrentIndex(index)
                self.view.scrollTo(index)
            else:
                self.view.selectionModel().clear()
        finally:
            self._syncing = False

    def _on_thread_opened(self, post_id: str) -> None:
        self._open = post_id
        self.select_post(post_id)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing:
            return
        post_id = self.model.post_id(current)
        if post_id and post_id != self._open:
            self.post_chosen.emit(post_id)
