"""The main window: it builds the widgets, the ``AppContext`` and the parts, and wires them.

Composition only.  Behaviour lives in the parts, each given the context and the widgets it
drives, none knowing the window:

* controllers (``reader.ui.controllers``): ``thread`` (the open thread: tree and reading pane),
  ``navigation`` (Go menu, find, copy), ``imports`` (drops, File › Import…, the sample),
  ``search``, ``annotating`` and ``export`` (made when first needed), ``view`` (theme, zoom,
  Help), ``revisions`` (earlier texts of an *edited* item), ``repair`` (File › Check Library…);
* panels (``reader.ui.panels``): the posts list, the Annotations and Bookmarks docks, and the
  read-only banner (a library that cannot be written: writing actions off).

Parts talk through ``Events`` (``_connect``): a thread opened, an item selected, the library
changed.  Every write returns ``Changes``; views refresh themselves from ``library_changed``,
whoever wrote — this window, its post-commit step or another program (``LibraryWatcher``).
Reads happen on the GUI thread's own ``Library`` (WAL: never blocked by an import); every
write goes through the ``TaskRunner``'s writer thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QPaintEvent
from PySide6.QtWidgets import QMainWindow

from reader.store import Library
from reader.ui import icons
from reader.ui.actions import WindowActions
from reader.ui.context import AppContext
from reader.ui.controllers.hits import HitCounter
from reader.ui.controllers.imports import SAMPLE_HINT, ImportsController
from reader.ui.controllers.navigation import NavigationController
from reader.ui.controllers.repair import RepairController
from reader.ui.controllers.revisions import RevisionsController
from reader.ui.controllers.search import SearchController
from reader.ui.controllers.thread import ThreadController
from reader.ui.controllers.view import ViewController
from reader.ui.models.posts import PostListModel
from reader.ui.models.threadtree import ThreadModel
from reader.ui.panels.posts import PostsPanel
from reader.ui.panels.read_only import ReadOnlyPanel
from reader.ui.panes import Panes
from reader.ui.settings import WindowSettings
from reader.ui.statusbar import StatusArea
from reader.ui.tasks import TaskRunner
from reader.ui.toolbar import MainToolbar
from reader.ui.watcher import LibraryWatcher

if TYPE_CHECKING:
    from reader.ui.controllers.annotating import AnnotatingController
    from reader.ui.controllers.export import ExportController
    from reader.ui.panels.annotations import AnnotationsPanel
    from reader.ui.panels.bookmarks import BookmarksPanel

SETUP_DELAY_MS = 200  # after the first paint: toolbar icons, annotations and their panels
PANES = ("show_posts", "show_thread", "show_reading", "show_activity")


class MainWindow(QMainWindow):
    """Construct with the GUI thread's ``Library``; the window never closes it."""

    def __init__(
        self,
        library: Library,
        *,
        settings: WindowSettings | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__()
        self.ctx = AppContext.create(library, self, settings=settings, runner=runner)
        self.events = self.ctx.events
        self.setObjectName("main")
        self.setWindowTitle("Archive Reader")
        self.setWindowIcon(icons.app_icon())
        self._annotating: AnnotatingController | None = None
        self._docks: tuple[AnnotationsPanel, BookmarksPanel] | None = None
        self._export: ExportController | None = None
        self._first_paint = True
        self._set_up = False

        self.posts_model = PostListModel(self)
        self.thread_model = ThreadModel(self)
        self.panes = Panes(self.posts_model, self.thread_model)
        self.setCentralWidget(self.panes.central)
        self.posts_view = self.panes.posts_view
        self.thread_view = self.panes.thread_view
        self.reading = self.panes.reading
        self.activity = self.panes.activity
        self.commands = WindowActions(self)
        self.main_toolbar = MainToolbar(self, self.commands, self.events)
        self.toolbar = self.main_toolbar.bar
        self.status = StatusArea(self, self.ctx.runner)

        ctx, panes = self.ctx, self.panes
        self.posts = PostsPanel(ctx, self.posts_model, panes)
        self.threads = ThreadController(
            ctx, self.thread_model, self.thread_view, self.reading, panes.thread_label
        )
        self.navigation = NavigationController(
            ctx, self.threads, self.posts, panes, self.commands["back"], self.commands["forward"]
        )
        self.view = ViewController(ctx, self.reading, self.commands, self)
        self.imports = ImportsController(ctx, self, panes.banner)
        self.search = SearchController(
            ctx, self.threads, self.toolbar, panes.left_stack, self.posts_view
        )
        self.hits = HitCounter(ctx, self.threads, self.thread_model, panes.hit_counter)
        self.watcher = LibraryWatcher(ctx, self)
        self.revisions = RevisionsController(ctx, self.threads, self.reading, self)
        self.repair = RepairController(ctx, self)
        self.read_only_banner = ReadOnlyPanel.install(ctx, panes.central, self)
        self._connect()
        self.commands.connect(self._slot)
        self._restore_preferences()
        self.posts.reload()
        self.posts_view.setFocus()  # so j/k/n/p work at once (not typed into a field)

    # -- construction ------------------------------------------------------------------------

    def _connect(self) -> None:
        """Every signal between parts, in one place."""
        events, panes, actions = self.events, self.panes, self.commands
        events.message.connect(self.status.message)
        self.posts.post_chosen.connect(lambda post_id: self.threads.open_post(post_id))
        self.posts.counts_changed.connect(self.status.set_counts)
        self.imports.sample_ready.connect(self.open_newest_post)
        self.ctx.post_commit.finished.connect(self._on_derived)
        self.ctx.post_commit.failed.connect(
            lambda error: self.ctx.say(f"Search index not updated: {error.text}")
        )
        events.thread_opened.connect(self._show_bylines)
        panes.expand_button.clicked.connect(self.threads.expand_all)
        panes.collapse_button.clicked.connect(self.threads.collapse_all)
        panes.banner.dismissed.connect(self._on_banner_dismissed)
        actions["export_thread"].setEnabled(False)  # until a thread is open
        events.thread_opened.connect(lambda _: actions["export_thread"].setEnabled(True))
        events.thread_opened.connect(lambda _: self.annotating)  # its commands, for the thread
        events.thread_closed.connect(lambda: actions["export_thread"].setEnabled(False))
        shown = (panes.left, panes.middle, panes.right, self.activity)
        for name, widget in zip(PANES, shown, strict=True):
            actions[name].setChecked(True)
            actions[name].toggled.connect(widget.setVisible)
        actions["show_dimmed"].setChecked(True)
        actions["show_dimmed"].toggled.connect(self.threads.set_show_dimmed)

    def _slot(self, name: str) -> Callable[[], object]:
        """A menu command's method: ``"part.method"`` on the part of that name."""
        part, method = name.split(".")
        target = self if part == "window" else getattr(self, part)
        found: Callable[[], object] = getattr(target, method)
        return found

    def _restore_preferences(self) -> None:
        settings = self.ctx.settings
        if settings.geometry is not None:
            self.restoreGeometry(settings.geometry)
        else:
            self.resize(1280, 800)
        if settings.window_state is not None:
            self.restoreState(settings.window_state)
        sizes = settings.splitter_sizes("main")
        if len(sizes) == 3 and sum(sizes) > 0:
            self.panes.splitter.setSizes(sizes)
        for name in PANES:
            self.commands[name].setChecked(settings.pane_visible(name))
        self.view.set_theme(settings.theme)
        self.reading.apply_typography(settings.reading)
        self.reading.set_zoom(settings.zoom)
        if settings.sample_imported and not settings.sample_hint_dismissed:
            self.panes.banner.show_text(SAMPLE_HINT)

    # -- the context, for callers that have a window -----------------------------------------

    @property
    def library(self) -> Library:
        return self.ctx.library

    @property
    def settings(self) -> WindowSettings:
        return self.ctx.settings

    @property
    def runner(self) -> TaskRunner:
        return self.ctx.runner

    # -- parts made when first needed --------------------------------------------------------

    @property
    def annotating(self) -> AnnotatingController:
        """Highlight, note and bookmark commands, their menu and the two docks.

        Not needed to show the window (the thread controller draws highlights from the
        store), and ~50 ms to import and build, so they are installed shortly after the first
        paint (``SETUP_DELAY_MS``), when a thread opens (Ctrl+H must work on it at once), or
        by whatever needs them first.  Their docks are placed by ``restoreDockWidget`` from
        the saved window state.
        """
        if self._annotating is None:
            from reader.ui.controllers.annotating import AnnotatingController
            from reader.ui.panels import place_docks
            from reader.ui.panels.annotations import AnnotationsPanel
            from reader.ui.panels.bookmarks import BookmarksPanel

            ctl = AnnotatingController(self.ctx, self.threads, self.reading, self.commands)
            annotations = AnnotationsPanel(self.ctx, ctl, self.threads, self)
            bookmarks = BookmarksPanel(self.ctx, ctl, self.threads, self)
            place_docks(
                self,
                self.commands,
                [
                    (annotations, "&Annotations Panel", "Ctrl+Shift+A"),
                    (bookmarks, "&Bookmarks Panel", "Ctrl+Shift+B"),
                ],
            )
            self.main_toolbar.add_panels(
                [
                    (bookmarks.toggle_action, "bookmarks", "Bookmarks"),
                    (annotations.toggle_action, "annotations", "Annotations"),
                ]
            )
            self._annotating, self._docks = ctl, (annotations, bookmarks)
        return self._annotating

    @property
    def annotations_panel(self) -> AnnotationsPanel:
        self.annotating  # noqa: B018  (installs it)
        assert self._docks is not None
        return self._docks[0]

    @property
    def bookmarks_panel(self) -> BookmarksPanel:
        self.annotating  # noqa: B018  (installs it)
        assert self._docks is not None
        return self._docks[1]

    @property
    def is_set_up(self) -> bool:
        """Whether what the window leaves until after its first paint (toolbar icons,
        annotations, the library watcher) is all in place: the window as a user sees it."""
        return self._set_up

    @property
    def annotations_installed(self) -> bool:
        """Whether the annotation commands and panels exist (made at once by a thread that
        holds highlights, else after the first paint)."""
        return self._annotating is not None

    @property
    def export(self) -> ExportController:
        """File › Export Thread… and the exports it runs, made when first used: the export
        package and its dialog are not needed to show the window (~30 ms to import)."""
        if self._export is None:
            from reader.ui.controllers.export import ExportController

            self._export = ExportController(
                self.ctx, self.threads, self.commands["export_thread"], self.statusBar(), self
            )
        return self._export

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._first_paint:
            self._first_paint = False
            QTimer.singleShot(SETUP_DELAY_MS, self, self._finish_setup)

    def _finish_setup(self) -> None:
        """What the window does not need for its first paint, once it is on screen."""
        self.main_toolbar.show_icons()
        self.annotating  # noqa: B018  (installs them)
        self.watcher.start()
        self._set_up = True

    # -- reactions ---------------------------------------------------------------------------

    def _show_bylines(self, _post_id: str) -> None:
        """The thread tree's author/date column, for threads whose format has them."""
        from reader.ui.models.threadtree import BY_COLUMN

        hidden = not self.thread_model.has_bylines
        if self.thread_view.isColumnHidden(BY_COLUMN) != hidden:
            self.thread_view.setColumnHidden(BY_COLUMN, hidden)

    def open_newest_post(self) -> bool:
        """The first start: open the newest post (unless a thread is open already)."""
        if self.threads.current_post is None:
            return self.navigation.next_post()
        return False

    def _on_derived(self, report: object) -> None:
        """The post-commit step ran: say what the reader should know; what it changed (notes
        placed anew) reaches the views like any change."""
        from reader.derived import DerivedReport

        assert isinstance(report, DerivedReport)
        lines = report.warnings + report.problems
        if lines:
            self.ctx.say("; ".join(lines), 15000)
        self.ctx.changed(report.changes)

    def _on_banner_dismissed(self) -> None:
        self.ctx.settings.sample_hint_dismissed = True

    # -- state -------------------------------------------------------------------------------

    def restore_position(self) -> bool:
        """Reopen the thread and position of the last session, if it still exists."""
        settings = self.ctx.settings
        if not settings.last_post:
            return False
        if not self.threads.open_post(settings.last_post, settings.last_item or None, record=False):
            return False
        self.threads.select_item(settings.last_item or settings.last_post, scroll=False)
        top, offset = settings.last_top
        self.reading.restore_position(top or settings.last_post, offset)
        return True

    def save_state(self) -> None:
        settings = self.ctx.settings
        settings.geometry = self.saveGeometry()
        settings.window_state = self.saveState()
        settings.set_splitter_sizes("main", self.panes.splitter.sizes())
        for name in PANES:
            settings.set_pane_visible(name, self.commands[name].isChecked())
        settings.zoom = self.reading.zoom
        self.threads.remember_place()
        post = self.threads.current_post
        if post is not None:
            top, offset = self.reading.position()
            settings.set_position(post.id, self.threads.current_item() or "", top or "", offset)
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.events.closing.emit()
        runner = self.ctx.runner
        runner.cancel_all()  # an import rolls back and frees the database first
        self.ctx.writes.flush()  # then pending highlights are written, never dropped
        runner.shutdown()
        self.search.close()
        super().closeEvent(event)
