"""Search in the window: the toolbar field, results as you type, hits opened in the reader.

* Typing waits ``DEBOUNCE_MS`` after the last key, then runs the query in a worker
  (``supersede=True``: an older query still running is cancelled and its late answer dropped,
  and an answer is also ignored if the field changed meanwhile).
* Results replace the posts list on the left (Escape or "Back to posts" returns); choosing a hit
  opens its thread at the comment and highlights the matched words (``F3``/``Shift+F3`` then
  move between the comments that have them).
* Steering: every hit is reachable (the first ``LIMIT`` come at once, the next pages as the
  list scrolls: ``ResultsModel.fetchMore``); "By thread" groups the hits per thread with a
  count each; the sort button switches relevance / newest first; a word found nowhere offers
  the core's "did you mean" as a button that runs the corrected search.
* The index is derived data: it is checked shortly after start and brought up to date in the
  background with progress in the status bar; imports update it as they finish.  Searching
  never waits for indexing (the core answers from the old index and says so); an index found
  damaged while answering is rebuilt the same way, and the search shown again when it is.

Every worker thread keeps one ``Library`` and one index open (a thread-local session): whoosh
searchers are worth reusing between keystrokes.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reader.paths import LibraryPaths
from reader.plurals import plural
from reader.ui.context import AppContext
from reader.ui.controllers.thread import ThreadController
from reader.ui.tasks import TaskContext

if TYPE_CHECKING:
    from reader.search import Hit, IndexStatus, SearchIndex, SearchResults
    from reader.store import Library
    from reader.ui.models.results import ResultDelegate, ResultsModel

DEBOUNCE_MS = 180
LIMIT = 200
INDEX_CHECK_DELAY_MS = 400


def summary_line(results: SearchResults) -> str:
    """ "1,484 matches in 312 threads", "1 match", "No matches"."""
    total = results.total
    if total == 0:
        return "No matches"
    line = plural(total, "match")
    if results.threads:
        line += f" in {plural(results.threads, 'thread')}"
    return line


class _Sessions:
    """One (Library, SearchIndex) per worker thread, all closed together at shutdown."""

    def __init__(self, paths: LibraryPaths, *, read_only: bool = False) -> None:
        self.paths = paths
        self.read_only = read_only  # as the window's library: never written, even if it could
        self._local = threading.local()
        self._all: list[tuple[Library, SearchIndex]] = []
        self._lock = threading.Lock()

    def index(self) -> SearchIndex:
        session = getattr(self._local, "session", None)
        if session is None:
            from reader.search import open_index
            from reader.store import Library

            library = Library.open(self.paths, read_only=self.read_only or None)
            session = (library, open_index(library))
            self._local.session = session
            with self._lock:
                self._all.append(session)
        return session[1]

    def close(self) -> None:
        with self._lock:
            for library, index in self._all:
                try:
                    index.close()
                    library.close()
                except Exception:  # closing at exit must not raise
                    pass
            self._all.clear()


class SearchController(QObject):
    """Owns the search field (in ``toolbar``), the results page (in ``left_stack``, over the
    posts list) and the index maintenance of one window."""

    results_shown = Signal(object)  # SearchResults, once on screen
    pages_added = Signal(int)  # rows in the list after a page fetched on scrolling came in
    index_checked = Signal(object)  # IndexStatus after a background check/update

    def __init__(
        self,
        ctx: AppContext,
        threads: ThreadController,
        toolbar: QToolBar,
        left_stack: QStackedWidget,
        posts_view: QTreeView,
    ) -> None:
        super().__init__(ctx.events)
        self.ctx = ctx
        self.threads = threads
        self.toolbar = toolbar
        self.left_stack = left_stack
        self.posts_view = posts_view
        self.sessions = _Sessions(ctx.library.paths, read_only=ctx.library.read_only)
        self.sort = "relevance"
        self.grouped = False
        self._shown: tuple[str, str, bool] | None = None  # (text, sort, grouped) on screen
        self._build()
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        QTimer.singleShot(INDEX_CHECK_DELAY_MS, self, self.refresh_index)

    # -- widgets -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.field = QLineEdit(self.toolbar)
        self.field.setObjectName("search-field")
        self.field.setPlaceholderText("Search posts and comments (Ctrl+K)")
        self.field.setClearButtonEnabled(True)
        self.field.setAcceptDrops(False)
        self.field.setMinimumWidth(220)
        self.field.setMaximumWidth(420)
        self.field.textChanged.connect(self._on_text)
        self.field.returnPressed.connect(self._on_return)
        self.toolbar.addWidget(self.field)
        for key, slot in (("Esc", self.clear), ("Down", self.focus_results)):
            shortcut = QShortcut(QKeySequence(key), self.field)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)

        self._page: QWidget | None = None  # the results page, built at the first search
        self._model: ResultsModel | None = None  # and its model, made when first needed
        self._delegate: ResultDelegate | None = None

    @property
    def model(self) -> ResultsModel:
        """The results list's model (its module, with the snippet delegate, is imported at
        the first search, not with the window)."""
        if self._model is None:
            from reader.ui.models.results import ResultDelegate, ResultsModel

            self._model = ResultsModel(self)
            self._model.more_wanted.connect(self.fetch_page)
            self._delegate = ResultDelegate(self)
        return self._model

    @property
    def delegate(self) -> ResultDelegate:
        self.model  # noqa: B018  (makes both)
        assert self._delegate is not None
        return self._delegate

    @property
    def page(self) -> QWidget:
        """The results list that replaces the posts list while a search is shown."""
        if self._page is None:
            self._build_page()
        assert self._page is not None
        return self._page

    def _build_page(self) -> None:
        self._page = QWidget()
        self._page.setObjectName("search-results")
        layout = QVBoxLayout(self._page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        header = QHBoxLayout()
        self.summary = QLabel(self._page)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.sort_button = QToolButton(self._page)
        self.sort_button.setText("By relevance")
        self.sort_button.setToolTip("Sort the results by relevance or newest first")
        self.sort_button.clicked.connect(self.toggle_sort)
        self.group_button = QToolButton(self._page)
        self.group_button.setText("By thread")
        self.group_button.setCheckable(True)
        self.group_button.setToolTip("Show one row per thread, with its number of hits")
        self.group_button.toggled.connect(self.set_grouped)
        back = QToolButton(self._page)
        back.setText("Back to posts")
        back.clicked.connect(self.clear)
        header.addWidget(self.group_button)
        header.addWidget(self.sort_button)
        header.addStretch(1)
        header.addWidget(back)
        layout.addLayout(header)
        layout.addWidget(self.summary)  # its own line: "1,484 matches in 312 threads. …"
        self.suggestion_button = QPushButton(self._page)
        self.suggestion_button.setObjectName("did-you-mean")
        self.suggestion_button.setFlat(True)
        self.suggestion_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.suggestion_button.setStyleSheet("text-align: left; padding: 2px 4px;")
        self.suggestion_button.clicked.connect(self.take_suggestion)
        self.suggestion_button.hide()
        layout.addWidget(self.suggestion_button)
        self.view = QListView(self._page)
        self.view.setObjectName("results")
        self.view.setModel(self.model)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setAcceptDrops(False)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.view.activated.connect(lambda index: self.open_hit(index.row()))
        layout.addWidget(self.view, 1)
        self.left_stack.addWidget(self._page)

    # -- typing and searching ----------------------------------------------------------------

    def focus(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def focus_results(self) -> None:
        if self.model.rowCount():
            self.view.setFocus()
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.model.index(0, 0))

    def clear(self) -> None:
        """Escape: empty the field and show the posts list again."""
        self._timer.stop()
        self.ctx.runner.cancel_all("search")
        self.ctx.runner.cancel_all("search-page")
        self.field.clear()
        self.left_stack.setCurrentIndex(0)
        self.posts_view.setFocus()

    def toggle_sort(self) -> None:
        self.set_sort("date" if self.sort == "relevance" else "relevance")

    def set_sort(self, sort: str) -> None:
        """``"relevance"`` or ``"date"`` (newest first); runs the search again."""
        self.sort = sort
        self.page  # noqa: B018  (the button lives there)
        self.sort_button.setText("Newest first" if sort == "date" else "By relevance")
        self.run_search()

    def set_grouped(self, grouped: bool) -> None:
        """One row per thread (with its hit count) or one per hit; runs the search again."""
        self.grouped = grouped
        if self.group_button.isChecked() != grouped:
            self.group_button.setChecked(grouped)  # calls back here once
            return
        self.run_search()

    def take_suggestion(self) -> None:
        """The "did you mean" button: search for the corrected text."""
        results = self.model.results
        suggestion = results.suggestion if results is not None else None
        if suggestion is None:
            return
        self.field.setText(suggestion.query)
        self.run_search()

    def _on_text(self, text: str) -> None:
        self.ctx.events.query_changed.emit(text)  # the open thread drops the old hit marks
        if not text.strip():
            self._timer.stop()
            self.ctx.runner.cancel_all("search")
            if self._model is not None:
                self._model.set_results(None)
            if self._page is not None:
                self.suggestion_button.hide()
            self._shown = None
            self.left_stack.setCurrentIndex(0)
            return
        self._timer.start()

    def _on_return(self) -> None:
        if self._timer.isActive():
            self.run_search(open_first=True)
        elif self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, 0))

    def run_search(self, open_first: bool = False) -> None:
        self._timer.stop()
        text = self.field.text().strip()
        if not text:
            return
        sort, grouped = self.sort, self.grouped
        sessions = self.sessions

        def job(ctx: TaskContext) -> SearchResults:
            ctx.check()
            return sessions.index().search(text, limit=LIMIT, sort=sort, group=grouped)

        page = self.page
        self.summary.setText("Searching…")
        self.left_stack.setCurrentWidget(page)
        self.ctx.runner.submit(
            "search",
            job,
            supersede=True,
            on_done=lambda results: self._show(results, text, open_first, (text, sort, grouped)),
            on_error=lambda error: self.summary.setText(f"Search failed: {error.text}"),
        )

    def _show(
        self,
        results: SearchResults,
        text: str,
        open_first: bool,
        asked: tuple[str, str, bool] | None = None,
    ) -> None:
        if text != self.field.text().strip():
            return  # the field changed while this ran: a newer search follows
        self._shown = asked or (text, self.sort, self.grouped)
        self.ctx.runner.cancel_all("search-page")
        self.delegate.reset()
        self.model.set_results(results)
        shown = self.model.rowCount()
        line = summary_line(results)
        notices = " ".join(results.notices)
        self.summary.setText(f"{line}. {notices}".strip() if notices else line)
        suggestion = results.suggestion
        if suggestion is not None:
            self.suggestion_button.setText(
                f"Did you mean: {suggestion.query}?  ({plural(suggestion.total, 'match')})"
            )
            self.suggestion_button.setToolTip(f"Search for {suggestion.query}")
        self.suggestion_button.setVisible(suggestion is not None)
        if results.damaged:
            # Rebuilt in the background with progress; the search runs again when it is done.
            self.refresh_index()
        self.left_stack.setCurrentWidget(self.page)
        if open_first and shown:
            self.view.setCurrentIndex(self.model.index(0, 0))
        self.results_shown.emit(results)

    def fetch_page(self, offset: int) -> None:
        """The next page of the results on screen, asked for by the list as it scrolls."""
        if self._shown is None:
            return
        text, sort, grouped = self._shown
        sessions = self.sessions

        def job(ctx: TaskContext) -> SearchResults:
            ctx.check()
            index = sessions.index()
            return index.search(text, limit=LIMIT, offset=offset, sort=sort, group=grouped)

        def done(page: SearchResults) -> None:
            if self._shown == (text, sort, grouped):
                self.model.add_page(page)
                self.pages_added.emit(self.model.rowCount())

        self.ctx.runner.submit(
            "search-page",
            job,
            supersede=True,
            on_done=done,
            on_error=lambda _error: self.model.page_failed(),
            on_cancelled=self.model.page_failed,
        )

    # -- opening hits ------------------------------------------------------------------------

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.open_hit(current.row())

    def open_hit(self, row: int) -> bool:
        hit = self.model.hit(row)
        results = self.model.results
        if hit is None or results is None:
            return False
        match = results.match

        def highlight(text: str) -> list[tuple[int, int]]:
            from reader.search import highlight_ranges

            return highlight_ranges(text, match) if match else []

        return self.threads.open_post(hit.post_id, hit.comment_id, highlight=highlight)

    def current_hit(self) -> Hit | None:
        if self._page is None:
            return None
        from reader.ui.models.results import HIT_ROLE

        index = self.view.currentIndex()
        return index.data(HIT_ROLE) if index.isValid() else None

    # -- the index ---------------------------------------------------------------------------

    def refresh_index(self) -> None:
        """Check the index in the background and update or rebuild it if needed."""

        def job(ctx: TaskContext) -> IndexStatus:
            from reader.search import IndexBusy, IndexCancelled, open_index

            index = open_index(ctx.library)
            try:
                status = index.check()
                if status.fresh:
                    return status
                if getattr(ctx.library, "read_only", False):  # never written: searches scan
                    from reader.search import IndexStatus

                    reason = "the library is read-only; searches read it directly (slower)"
                    return IndexStatus(status.state, reason)
                ctx.progress(None, "Indexing the library for search")
                return index.ensure_fresh(progress=ctx.progress, cancel=ctx.cancel)
            except (IndexBusy, IndexCancelled) as exc:
                from reader.search import IndexStatus

                return IndexStatus("behind", str(exc))
            finally:
                index.close()

        self.ctx.runner.submit(
            "index",
            job,
            label="Indexing the library for search",
            writes=True,
            on_done=self._index_done,
            on_error=lambda error: self.ctx.say(f"Search index: {error.text}"),
        )

    def _index_done(self, status: IndexStatus) -> None:
        if not status.fresh and status.reason:
            self.ctx.say(f"Search index: {status.reason}")
        self.index_checked.emit(status)
        showing = self._page is not None and self.left_stack.currentWidget() is self._page
        if self.field.text().strip() and showing:
            self.run_search()

    def close(self) -> None:
        self._timer.stop()
        self.sessions.close()
