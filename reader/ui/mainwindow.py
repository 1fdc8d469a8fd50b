"""The main window: posts, thread tree and reading pane kept in step, plus the commands on them.

Data flow, one direction at a time:

* the posts list's current row opens a thread (``open_post``): the store loads it, the tree model
  maps it, ``PaneHtml`` writes its document, the pane shows it;
* the tree's current row marks and scrolls to the comment in the pane;
* a click in the pane selects the tree row without scrolling the pane (``_from_pane``).

Reads happen on the GUI thread's own ``Library`` (WAL: never blocked by an import); every write
(imports, marking read) goes through the ``TaskRunner``'s writer thread.

Hooks other parts plug into: ``marks_source`` (``post -> (annotations, bookmarks)``, given by
the annotations controller; the document model places and draws them), ``redraw_items``
(redraw the items whose marks changed, in place), ``add_file_action`` (File › Export
Thread…), ``thread_opened`` and ``item_selected`` signals, ``current_post``/``current_item``.
Highlights, notes, bookmarks and their panels live in ``reader.ui.annotating``
(``self.annotating``), export in ``reader.ui.export_dialog``.
"""

from __future__ import annotations

import calendar
import gc
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QPaintEvent
from PySide6.QtWidgets import QMainWindow, QSizePolicy, QToolBar, QWidget

from reader.errors import NotFound
from reader.model import Post
from reader.store import Library
from reader.ui import icons
from reader.ui.actions import WindowActions
from reader.ui.commands import CommandsMixin
from reader.ui.importing import SAMPLE_HINT, ImportController, ImportsMixin
from reader.ui.models.posts import PostListModel
from reader.ui.models.threadtree import ID_ROLE, ThreadModel
from reader.ui.navigation import History, Location
from reader.ui.panes import Panes
from reader.ui.post_commit import PostCommit
from reader.ui.settings import WindowSettings
from reader.ui.statusbar import StatusArea
from reader.ui.tasks import Task, TaskRunner
from reader.ui.theme import thread_palette

if TYPE_CHECKING:
    from reader.derived import DerivedReport
    from reader.model import Annotation, Bookmark
    from reader.render import ThreadDocument
    from reader.ui.annotating import Annotating
    from reader.ui.export_dialog import ExportUi
    from reader.ui.report import ImportReport

OPEN_POSTS = 60  # on first load, open the newest years until about this many posts show
SETUP_DELAY_MS = 200  # after the first paint: annotations and their panels are installed
MarksSource = Callable[[Post], tuple[Sequence["Annotation"], Sequence["Bookmark"]]]
Highlighter = Callable[[str], list[tuple[int, int]]]


class MainWindow(CommandsMixin, ImportsMixin, QMainWindow):
    """Construct with the GUI thread's ``Library``; the window never closes it."""

    thread_opened = Signal(str)  # post id, once the tree and the pane show it
    item_selected = Signal(str)  # item id selected in the tree (post id for the root)
    posts_reloaded = Signal()
    import_finished = Signal(object)  # ImportOutcome

    def __init__(
        self,
        library: Library,
        *,
        settings: WindowSettings | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.settings = settings or WindowSettings()
        self.runner = runner or TaskRunner(library.paths, self)
        self.history = History()
        self.marks_source: MarksSource | None = None
        self._post: Post | None = None
        self._highlight: Highlighter | None = None
        self._hit_items: list[str] = []
        self._syncing = False
        self._from_pane = False
        self._collapsed = False  # Collapse All was chosen: fetched rows stay closed too
        self._dark = False
        self._sample_task: Task | None = None
        self._report: ImportReport | None = None  # made when first needed
        self._shortcuts_dialog: QWidget | None = None
        self.setObjectName("main")
        self.setWindowTitle("Archive Reader")
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)

        self.posts_model = PostListModel(self)
        self.thread_model = ThreadModel(self)
        self.panes = Panes(self.posts_model, self.thread_model)
        self.setCentralWidget(self.panes.central)
        self.posts_view = self.panes.posts_view
        self.thread_view = self.panes.thread_view
        self.reading = self.panes.reading
        self.activity = self.panes.activity
        self.actions = WindowActions(self)
        self.toolbar = self._build_toolbar()
        self.status = StatusArea(self, self.runner)
        self.post_commit = PostCommit(self.runner, self)
        self.post_commit.finished.connect(self._on_derived)
        self.post_commit.failed.connect(
            lambda message: self.status.message(f"Search index not updated: {message}")
        )
        self.importer = ImportController(self.runner, self)
        self.importer.file_done.connect(self._on_file_imported)
        self.importer.batch_done.connect(self._on_import_finished)
        self._filter_timer = QTimer(self, singleShot=True, interval=150)
        self._filter_timer.timeout.connect(self._apply_filter)
        self._expand_timer = QTimer(self, singleShot=True, interval=0)
        self._expand_timer.timeout.connect(self._expand_rest)
        self._expand_from = 0  # the first top-level row ``_expand_rest`` has not seen
        self._after_paint = QTimer(self, singleShot=True, interval=0)  # see ``_show``
        self._after_paint.timeout.connect(self._after_thread_paint)
        self._retired: list[Post] = []
        self._collector_paused = False
        self.search = None
        self._annotating: Annotating | None = None  # see ``annotating``
        self._first_paint = True
        self._export_ui: ExportUi | None = None
        self.actions["export_thread"].setEnabled(False)  # until a thread is open
        self.thread_opened.connect(lambda _: self.actions["export_thread"].setEnabled(True))
        self._wire()
        self._restore_preferences()
        self.reload_posts()
        self._attach_search()
        self._update_go_actions()
        self.posts_view.setFocus()  # so j/k/n/p work at once (not typed into a field)

    # -- construction ------------------------------------------------------------------------

    def _build_toolbar(self) -> QToolBar:
        bar = self.addToolBar("Main")
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        for name in ("import_files", "back", "forward"):
            bar.addAction(self.actions[name])
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        return bar

    def _attach_search(self) -> None:
        """Search lives in its own module and is optional until ``reader.search`` exists."""
        try:
            from reader.ui.searchbar import SearchUi
        except ImportError:
            return
        self.search = SearchUi(self)

    @property
    def annotating(self) -> Annotating:
        """Highlights, notes, bookmarks and their panels (``reader.ui.annotating``).

        Not needed to show the window, and ~50 ms to import and build, so they are installed
        shortly after the first paint (``SETUP_DELAY_MS``), or at once by whatever needs them
        first: a thread being shown (its highlights are drawn from the start), a test, a
        caller.  Their docks are placed by ``restoreDockWidget`` from the saved window state.
        """
        if self._annotating is None:
            from reader.ui.annotating import install

            self._annotating = install(self)
        return self._annotating

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._first_paint:
            self._first_paint = False
            QTimer.singleShot(SETUP_DELAY_MS, self, self._finish_setup)

    @property
    def is_set_up(self) -> bool:
        """Whether what the window leaves until after its first paint is in place."""
        return self._annotating is not None

    def _finish_setup(self) -> None:
        """What the window does not need for its first paint, once it is on screen."""
        self.annotating  # noqa: B018  (installs them)

    @property
    def export_ui(self) -> ExportUi:
        """File › Export Thread… and the exports it runs, made when first used: the export
        package and its dialog are not needed to show the window (~30 ms to import)."""
        if self._export_ui is None:
            from reader.ui.export_dialog import ExportUi

            self._export_ui = ExportUi(self)
        return self._export_ui

    def export_thread(self) -> None:
        self.export_ui.export_current()

    def _wire(self) -> None:
        panes = self.panes
        self.posts_view.selectionModel().currentChanged.connect(self._on_post_current)
        self.thread_view.selectionModel().currentChanged.connect(self._on_item_current)
        self.thread_model.rowsInserted.connect(self._on_thread_rows)
        self.reading.item_clicked.connect(self._on_pane_item)
        panes.filter_edit.textChanged.connect(lambda _: self._filter_timer.start())
        panes.filter_edit.returnPressed.connect(self._apply_filter)
        self.activity.month_clicked.connect(self._on_month)
        panes.month_clear.clicked.connect(lambda: self._on_month(None))
        panes.expand_button.clicked.connect(self.expand_all)
        panes.collapse_button.clicked.connect(self.collapse_all)
        panes.banner.dismissed.connect(self._on_banner_dismissed)
        for name, widget in (
            ("show_posts", panes.left),
            ("show_thread", panes.middle),
            ("show_reading", panes.right),
            ("show_activity", self.activity),
        ):
            action = self.actions[name]
            action.setChecked(True)
            action.toggled.connect(widget.setVisible)
        self.actions.theme_group.triggered.connect(lambda a: self.set_theme(str(a.data())))

    def _restore_preferences(self) -> None:
        settings = self.settings
        if settings.geometry is not None:
            self.restoreGeometry(settings.geometry)
        else:
            self.resize(1280, 800)
        if settings.window_state is not None:
            self.restoreState(settings.window_state)
        sizes = settings.splitter_sizes("main")
        if len(sizes) == 3 and sum(sizes) > 0:
            self.panes.splitter.setSizes(sizes)
        for name in ("show_posts", "show_thread", "show_reading", "show_activity"):
            self.actions[name].setChecked(settings.pane_visible(name))
        self.set_theme(settings.theme, rerender=False)
        self.reading.set_zoom(settings.zoom)
        if settings.sample_imported and not settings.sample_hint_dismissed:
            self.panes.banner.show_text(SAMPLE_HINT)

    # -- posts list --------------------------------------------------------------------------

    def reload_posts(self) -> None:
        """Re-read the post summaries (after an import), keeping the current post selected
        and the year/month groups the reader had open."""
        expanded = self._expanded_groups() if self.posts_model.total else None
        self.posts_model.set_summaries(self.library.post_summaries())
        self._expand_groups(expanded)
        QTimer.singleShot(300, self, self._load_bookmarks)  # after the first paint: not urgent
        self.activity.set_activity(self.posts_model.month_activity())
        self._update_counts()
        if self._post is not None:
            self._select_post_row(self._post.id)
        self.posts_reloaded.emit()

    def _expanded_groups(self) -> set[tuple[int, ...]]:
        view = self.posts_view
        return {key for key, index in self.posts_model.groups() if view.isExpanded(index)}

    def _expand_groups(self, keys: set[tuple[int, ...]] | None) -> None:
        """Open the given groups; by default (first load) the newest months.  Expanding
        every group of a 10,000-post list would make Qt lay out every row at start."""
        view, model = self.posts_view, self.posts_model
        if model.filtered:
            view.expandAll()
            return
        groups = model.groups()
        if keys is None:
            keys = self._default_open_years(groups)
        for key, index in groups:
            if key in keys:
                view.expand(index)

    def _default_open_years(self, groups: list) -> set[tuple[int, ...]]:
        """The newest months, as many as hold about a screenful of posts, and their years.

        Older groups stay closed: opening every group of a 10,000-post list would make Qt lay
        out every row at start (each row a few calls into the Python model).
        """
        keys: set[tuple[int, ...]] = set()
        shown = 0
        for key, index in groups:
            if len(key) == 2:
                if shown >= OPEN_POSTS:
                    break
                keys.update((key, key[:1]))
                shown += self.posts_model.rowCount(index)
        return keys

    def _load_bookmarks(self) -> None:
        self.posts_model.set_bookmarked(self._bookmarked_posts())

    def _bookmarked_posts(self) -> set[str]:
        try:
            if self._annotating is not None:  # with bookmarks whose write has not landed yet
                return {b.post_id for b in self._annotating.library_bookmarks()}
            from reader.annotate import list_bookmarks

            return {b.post_id for b in list_bookmarks(self.library.conn)}
        except Exception:  # annotations not migrated into this library yet
            return set()

    def _update_counts(self) -> None:
        summaries = self.posts_model.summaries
        self.status.set_counts(
            len(summaries),
            sum(s.comment_count for s in summaries),
            sum(s.new_count for s in summaries),
        )

    def _apply_filter(self) -> None:
        self._filter_timer.stop()
        self.posts_model.set_filter(self.panes.filter_edit.text(), self.activity.selected)
        self._expand_groups(None)
        if self._post is not None:
            self._select_post_row(self._post.id)

    def _on_month(self, month: tuple[int, int] | None) -> None:
        self.activity.set_selected(month)
        if month is None:
            self.panes.month_row.hide()
        else:
            self.panes.month_label.setText(f"{calendar.month_name[month[1]]} {month[0]}")
            self.panes.month_row.show()
        self._apply_filter()

    def _select_post_row(self, post_id: str) -> None:
        index = self.posts_model.index_for_post(post_id)
        self._syncing = True
        try:
            if index.isValid():
                self.posts_view.setCurrentIndex(index)
                self.posts_view.scrollTo(index)
            else:
                self.posts_view.selectionModel().clear()
        finally:
            self._syncing = False

    def _on_post_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing:
            return
        post_id = self.posts_model.post_id(current)
        if post_id and (self._post is None or post_id != self._post.id):
            self.open_post(post_id)

    # -- opening threads ---------------------------------------------------------------------

    @property
    def current_post(self) -> Post | None:
        return self._post

    def current_item(self) -> str | None:
        index = self.thread_view.currentIndex()
        return self.thread_model.data(index, ID_ROLE) if index.isValid() else None  # type: ignore[return-value]

    def location(self) -> Location | None:
        return Location(self._post.id, self.current_item()) if self._post else None

    def open_post(
        self,
        post_id: str,
        item_id: str | None = None,
        *,
        record: bool = True,
        terms: Sequence[str] = (),
        highlight: Highlighter | None = None,
    ) -> bool:
        """Show a thread; select ``item_id`` (a comment) or the post.

        ``highlight(text) -> [(start, end)]`` marks search hits in every item (``terms`` is a
        shorthand: words marked wherever a word starts with one of them).
        """
        self._pause_collector()
        try:
            post = self.library.thread(post_id)
        except NotFound:
            self.status.message("That post is no longer in the library")
            return False
        if record and self._post is not None:
            here = self.location()
            if here is not None and (here.post_id != post_id or here.item_id != item_id):
                self.history.push(here)
        if terms and highlight is None:
            from reader.render import term_marks

            words = list(terms)

            def highlight(text: str) -> list[tuple[int, int]]:
                return term_marks(text, words)

        self._highlight = highlight
        self._show(post)
        self._select_post_row(post_id)
        self.select_item(item_id or post_id)
        self._mark_read(post)
        self._update_go_actions()
        self.thread_opened.emit(post_id)
        return True

    def _show(self, post: Post) -> None:
        self.annotating  # noqa: B018  (installed before a thread shows: it draws highlights)
        if self._post is not None:
            self._retired.append(self._post)
        self._after_paint.start()
        self._post = post
        self._collapsed = False
        self.thread_model.set_post(post)
        self._expand_first_screen()
        self.panes.thread_label.setText(f"Thread · {len(self.thread_model) - 1} comments")
        self._render()

    def _pause_collector(self) -> None:
        """Keep Python's cyclic collector out of the way until the thread is painted.

        Loading a thread makes a few thousand objects (comments, their reply lists, rows),
        enough to run the collector several times, and its passes also walk the previous
        thread's objects: ~2 ms of a ~20 ms open, for garbage that does not exist (a thread is
        a tree, freed by reference counting).  It runs again right after the paint."""
        if gc.isenabled():
            gc.disable()
            self._collector_paused = True
        self._after_paint.start()

    def _after_thread_paint(self) -> None:
        """After a thread's first paint: free the thread shown before it (a thousand comments
        take ~1 ms to free, better spent after the new one is on screen) and let the
        collector run again."""
        self._retired.clear()
        if self._collector_paused:
            self._collector_paused = False
            gc.enable()

    def _expand_first_screen(self) -> None:
        """Open the replies of the comments on the first screen now, all of them next turn.

        Laying out every row of a fully expanded 1,000-comment tree costs thousands of calls
        into the Python model; doing only the rows that fill the first screen keeps opening a
        thread quick, and the rest is expanded right after the first paint, before the reader
        can scroll.
        """
        view, model = self.thread_view, self.thread_model
        root = model.index(0, 0)
        if not root.isValid():
            return
        view.expand(root)
        rows = view.viewport().height() // max(view.fontMetrics().height(), 1) + 1
        shown = 1
        for row in range(model.rowCount(root)):
            if shown >= rows:
                break
            index = model.index(row, 0, root)
            replies = model.rowCount(index)
            if replies:
                view.expand(index)
            shown += 1 + replies
        self._expand_from = 0
        self._expand_timer.start()

    def _expand_rest(self) -> None:
        """Expand the replies of the top-level comments given to the tree since the last
        time (all of them after a thread opens; a fetched batch as the reader scrolls)."""
        if self._collapsed:
            return
        view, model = self.thread_view, self.thread_model
        root = model.index(0, 0)
        count = model.rowCount(root)
        for row in range(self._expand_from, count):
            index = model.index(row, 0, root)
            if model.hasChildren(index) and not view.isExpanded(index):
                view.expand(index)
        self._expand_from = count

    def _on_thread_rows(self, parent: QModelIndex, first: int, last: int) -> None:
        """Top-level comments fetched as the reader scrolls get their replies opened in the
        next turn of the event loop: the view fetches while it lays out, and expanding there
        would lay out every reply of the batch before the first paint."""
        if parent.isValid() and parent.internalId() == 0 and not self._collapsed:
            self._expand_from = min(self._expand_from, first)
            self._expand_timer.start()

    def _render(self) -> None:
        from reader.render import PaneHtml  # with the first thread, not the window

        if self._post is None:
            return
        rendered = PaneHtml(self._document(), thread_palette(self._dark))
        self.reading.show_thread(rendered)

    def _document(self) -> ThreadDocument:
        """The open thread with the reader's marks and the search hits; notes which items
        have hits."""
        from reader.render import build_document

        post = self._post
        assert post is not None
        annotations: Sequence[Annotation] = ()
        bookmarks: Sequence[Bookmark] = ()
        if self.marks_source is not None:
            annotations, bookmarks = self.marks_source(post)
        hits: dict[str, list[tuple[int, int]]] = {}
        if self._highlight is not None:
            items = [(post.id, post.body)]
            items += [(c.id, c.text) for c in post.walk_comments()]
            for item_id, text in items:
                ranges = self._highlight(text)
                if ranges:
                    hits[item_id] = ranges
        self._hit_items = list(hits)
        return build_document(post, annotations=annotations, bookmarks=bookmarks, hits=hits)

    def redraw_items(self, item_ids: Sequence[str]) -> None:
        """Redraw only these items of the open thread (their marks changed), in place."""
        from reader.render import PaneHtml

        if self._post is None:
            return
        rendered = PaneHtml(self._document(), thread_palette(self._dark))
        self.reading.redraw_items(rendered, item_ids)

    def refresh_thread(self) -> None:
        """Reload and redraw the open thread where the reader is (after an import or a theme)."""
        if self._post is None:
            return
        item, scroll = self.current_item(), self.reading.verticalScrollBar().value()
        try:
            post = self.library.thread(self._post.id)
        except NotFound:
            self._post = None
            self.thread_model.set_post(None)
            self.reading.clear_thread()
            return
        self._show(post)
        self._from_pane = True
        try:
            self.select_item(item or post.id)
        finally:
            self._from_pane = False
        self.restore_scroll(scroll)

    def rerender(self) -> None:
        """Redraw the pane (new marks or colours) keeping the selection and the scroll."""
        if self._post is None:
            return
        item, scroll = self.current_item(), self.reading.verticalScrollBar().value()
        self._render()
        self.reading.mark_item(item, scroll=False)
        self.restore_scroll(scroll)

    def restore_scroll(self, value: int) -> None:
        """Scroll the pane back to ``value`` after a redraw of the same document."""
        doc = self.reading.document()
        doc.documentLayout().blockBoundingRect(doc.lastBlock())  # lay out to the end
        self.reading.scroll_to_y(value)

    def _mark_read(self, post: Post) -> None:
        if post.new_count:
            self.posts_model.set_new_count(post.id, 0)
            self._update_counts()
        post_id = post.id
        self.runner.submit(  # after the thread's first paint: nobody waits for this write
            "mark-read",
            lambda ctx: ctx.library.mark_thread_read(post_id),
            writes=True,
            defer=True,
        )

    # -- tree and pane in step ---------------------------------------------------------------

    def select_item(self, item_id: str | None, *, scroll: bool = True) -> None:
        """Make ``item_id`` current in the tree; the pane marks it (and scrolls unless told)."""
        index = self.thread_model.index_for_item(item_id or "")
        if not index.isValid():
            return
        previous = self._from_pane
        self._from_pane = previous or not scroll
        try:
            if index == self.thread_view.currentIndex():
                self._on_item_current(index, index)
            else:
                self.thread_view.setCurrentIndex(index)
            self.thread_view.scrollTo(index)
        finally:
            self._from_pane = previous

    def _on_item_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.thread_model.data(current, ID_ROLE) if current.isValid() else None
        if not isinstance(item, str):
            return
        self.reading.mark_item(item, scroll=not self._from_pane)
        self.item_selected.emit(item)

    def _on_pane_item(self, item_id: str) -> None:
        self.select_item(item_id, scroll=False)

    @property
    def hit_items(self) -> list[str]:
        """Items of the open thread holding search hits, in display order."""
        return list(self._hit_items)

    def _on_derived(self, report: DerivedReport) -> None:
        """The post-commit step ran: say what the reader should know, redraw what it moved."""
        lines = report.warnings + report.problems
        if lines:
            self.status.message("; ".join(lines), 15000)
        changes = report.changes
        if changes:
            if self._post is not None and changes.marks_in(self._post.id):
                self.rerender()
            if self._annotating is not None:
                self._annotating.changed.emit(sorted(changes.marked_items))

    @property
    def report(self) -> ImportReport | None:
        return self._report

    def _on_banner_dismissed(self) -> None:
        self.settings.sample_hint_dismissed = True

    # -- state -------------------------------------------------------------------------------

    def restore_position(self) -> bool:
        """Reopen the thread and position of the last session, if it still exists."""
        settings = self.settings
        if not settings.last_post:
            return False
        if not self.open_post(settings.last_post, settings.last_item or None, record=False):
            return False
        self._from_pane = True
        try:
            self.select_item(settings.last_item or settings.last_post, scroll=False)
        finally:
            self._from_pane = False
        top, offset = settings.last_top
        self.reading.restore_position(top or settings.last_post, offset)
        return True

    def save_state(self) -> None:
        settings = self.settings
        settings.geometry = self.saveGeometry()
        settings.window_state = self.saveState()
        settings.set_splitter_sizes("main", self.panes.splitter.sizes())
        for name in ("show_posts", "show_thread", "show_reading", "show_activity"):
            settings.set_pane_visible(name, self.actions[name].isChecked())
        settings.zoom = self.reading.zoom
        if self._post is not None:
            top, offset = self.reading.position()
            settings.set_position(self._post.id, self.current_item() or "", top or "", offset)
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        if self._annotating is not None:
            self.runner.cancel_all()  # an import rolls back and frees the database first
            self._annotating.close()  # then pending highlights are written, never dropped
        self.runner.shutdown()
        if self.search is not None:
            self.search.close()
        super().closeEvent(event)
