"""The open thread: the tree and the reading pane kept in step, drawn from one document.

Data flow, one direction at a time:

* ``open_post`` loads the thread, the tree model maps it, ``reader.render.build_document``
  arranges it with the reader's marks and the search hits, ``PaneHtml`` writes it, the pane
  shows it; ``Events.thread_opened`` follows;
* the tree's current row marks and scrolls to the comment in the pane (``item_selected``);
* a click in the pane selects the tree row without scrolling the pane (``_from_pane``).

The thread's annotations and bookmarks are read once when it opens (through ``ctx.marks``,
pending writes included) and again only when ``library_changed`` says they changed; then only
the items whose highlights differ are redrawn, in place.  A change to the thread's text
reloads it where the reader is.  Writes (marking the thread read) go to the writer thread.
``reader.render`` is imported with the first thread, not the window (it brings the annotation
package, ~50 ms of start-up).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QTimer
from PySide6.QtWidgets import QLabel, QTreeView

from reader.changes import Changes, Saved
from reader.errors import NotFound
from reader.model import Annotation, Bookmark, Comment, Post
from reader.settings import ReadingSettings
from reader.ui.context import AppContext
from reader.ui.history import History, Location
from reader.ui.models.threadtree import ID_ROLE, ThreadModel
from reader.ui.reading import ReadingPane
from reader.ui.theme import thread_palette

if TYPE_CHECKING:
    from reader.render import Highlight, PaneHtml, ThreadDocument
    from reader.store import Library

Highlighter = Callable[[str], list[tuple[int, int]]]


class ThreadController(QObject):
    """Owns the open thread, its document and the tree/pane pair that shows it."""

    def __init__(
        self,
        ctx: AppContext,
        model: ThreadModel,
        view: QTreeView,
        reading: ReadingPane,
        label: QLabel,
    ) -> None:
        super().__init__(ctx.events)
        self.ctx = ctx
        self.model = model
        self.view = view
        self.reading = reading
        self.label = label
        self.history = History()
        self.dark = False
        self.typography = ctx.settings.reading
        self._post: Post | None = None
        self._document: ThreadDocument | None = None
        self._annotations: list[Annotation] = []
        self._bookmarks: list[Bookmark] = []
        self._highlight: Highlighter | None = None
        self._hit_items: list[str] = []
        self._from_pane = False
        self._collapsed = False  # Collapse All was chosen: fetched rows stay closed too
        self._expand_timer = QTimer(self, singleShot=True, interval=0)
        self._expand_timer.timeout.connect(self._expand_rest)
        self._expand_from = 0  # the first top-level row ``_expand_rest`` has not seen
        self._after_paint = QTimer(self, singleShot=True, interval=0)  # see ``_show``
        self._after_paint.timeout.connect(self._after_thread_paint)
        self._retired: list[Post] = []
        self._collector_paused = False
        self.show_dimmed = True  # View > Show Unapproved, Spam and Deleted Comments
        view.selectionModel().currentChanged.connect(self._on_item_current)
        model.rowsInserted.connect(self._on_thread_rows)
        reading.item_clicked.connect(self._on_pane_item)
        ctx.events.library_changed.connect(self._on_library_changed)
        ctx.events.theme_changed.connect(self._on_theme)
        ctx.events.typography_changed.connect(self._on_typography)
        ctx.events.query_changed.connect(self._on_query_changed)

    # -- what is open ------------------------------------------------------------------------

    @property
    def current_post(self) -> Post | None:
        return self._post

    @property
    def document(self) -> ThreadDocument | None:
        """The open thread's document: what the pane shows, marks placed."""
        return self._document

    def current_item(self) -> str | None:
        index = self.view.currentIndex()
        item = self.model.data(index, ID_ROLE) if index.isValid() else None
        return item if isinstance(item, str) else None

    def location(self) -> Location | None:
        return Location(self._post.id, self.current_item()) if self._post else None

    @property
    def hit_items(self) -> list[str]:
        """Items of the open thread holding search hits, in display order."""
        return list(self._hit_items)

    @property
    def highlighter(self) -> Highlighter | None:
        """The search-hit finder the thread was opened with (F3 selects its matches)."""
        return self._highlight

    def annotation(self, annotation_id: str) -> Annotation | None:
        """An annotation of the open thread, as placed now."""
        return next((a for a in self._annotations if a.id == annotation_id), None)

    def annotations(self) -> list[Annotation]:
        return list(self._annotations)

    def bookmark(self, item_id: str) -> Bookmark | None:
        return next((b for b in self._bookmarks if b.item_id == item_id), None)

    def text_of(self, item_id: str) -> str | None:
        """The raw text of an item of the open thread."""
        document = self._document
        n = document.index_of(item_id) if document else -1
        return document.text_of(n) if document is not None and n >= 0 else None

    # -- opening -----------------------------------------------------------------------------

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
            post = self.ctx.library.thread(post_id)
        except NotFound:
            self.ctx.say("That post is no longer in the library")
            return False
        self.remember_place()
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
        self._read_marks(post)
        place = self.ctx.settings.thread_place(post_id) if item_id is None else None
        zoom = place[2] if place is not None else self.ctx.settings.zoom
        if zoom != self.reading.zoom:
            self.reading.set_zoom(zoom)
        self._show(post)
        self.select_item(item_id or post_id)
        if place is not None and (place[0] not in ("", post_id) or place[1] > 0):
            self.reading.restore_position(place[0] or post_id, place[1])
        self._mark_read(post)
        self.ctx.events.thread_opened.emit(post_id)
        return True

    def remember_place(self) -> None:
        """Keep the open thread's reading position and zoom, for when it is opened again."""
        post = self._post
        if post is None or not self.reading.items:
            return
        top, offset = self.reading.position()
        self.ctx.settings.set_thread_place(post.id, top or "", offset, self.reading.zoom)

    def _read_marks(self, post: Post) -> None:
        marks = self.ctx.marks
        self._annotations = marks.post_annotations(post.id)
        self._bookmarks = marks.post_bookmarks(post.id)

    def _show(self, post: Post) -> None:
        if self._post is not None:
            self._retired.append(self._post)
        self._after_paint.start()
        self._post = post
        self._collapsed = False
        self.model.set_post(post)
        self.model.set_bookmarked(b.item_id for b in self._bookmarks)
        self._expand_first_screen()
        self.label.setText(f"Thread · {len(self.model) - 1} comments")
        self._document = self._build()
        self._write(self._document)

    def _pane_html(self, document: ThreadDocument) -> PaneHtml:
        """The pane's writer for ``document``: the theme's colours with the reader's own
        highlight colours (dark themes darken them), and the reader's line spacing."""
        from reader.render import PaneHtml

        palette = thread_palette(self.dark)
        colours = self.typography.highlights
        if self.dark:
            colours = {name: _darkened(colour) for name, colour in colours.items()}
        palette = palette.with_highlights(colours)
        from reader.ui.locale_format import locale_time

        return PaneHtml(
            document,
            palette,
            self.typography.line_spacing,
            time_format=locale_time,
            hide_dimmed=not self.show_dimmed,
        )

    def _write(self, document: ThreadDocument) -> None:
        """Show ``document`` in the pane (its writer, in the theme's colours)."""
        pane = self._pane_html(document)
        self.reading.show_thread(pane)
        self._show_notes(document, pane)

    def _show_notes(self, document: ThreadDocument, pane: PaneHtml | None = None) -> None:
        """Give the pane's margin the notes (with text) placed in ``document``."""
        from PySide6.QtGui import QGuiApplication, QPalette

        from reader.ui.margin import CardColours, MarginNote
        from reader.ui.textmap import TextMap

        if not document.notes or not any(n.text.strip() for n in document.notes):
            if self.reading.has_margin and self.reading.margin.notes:
                self.reading.margin.clear()
            return
        palette = (pane or self._pane_html(document)).palette
        colours = palette.highlights
        base = QGuiApplication.palette().color(QPalette.ColorRole.Base).name()  # the theme's
        card_colours = CardColours(base, palette.text, palette.muted)
        shown = [
            MarginNote(
                n.annotation.id,
                n.number,
                n.colour,
                colours.get(n.colour, "#fff3a3"),
                n.text,
                n.quote,
                n.annotation.item_id,
                n.span[0],
                n.span[1],
            )
            for n in document.notes
            if n.span is not None and n.text.strip()
        ]
        reading = self.reading

        def locate(note: MarginNote) -> tuple[int, int] | None:
            textmap = TextMap(reading.document(), reading.items, self.text_of)
            return textmap.range_for(note.item_id, note.start, note.end)

        reading.margin.set_notes(shown, locate, card_colours)

    def set_show_dimmed(self, shown: bool) -> None:
        """Show unapproved, spam and deleted comments, or fold each to its heading line."""
        if shown != self.show_dimmed:
            self.show_dimmed = shown
            self.rerender()

    def _build(self) -> ThreadDocument:
        """The open thread with the reader's marks and the search hits."""
        from reader.render import build_document

        post = self._post
        assert post is not None
        hits: dict[str, list[tuple[int, int]]] = {}
        if self._highlight is not None:
            items: list[Post | Comment] = [post, *post.walk_comments()]
            for node in items:
                ranges = self._highlight(node.body if isinstance(node, Post) else node.text)
                if ranges:
                    hits[node.id] = ranges
        self._hit_items = list(hits)
        return build_document(
            post, annotations=self._annotations, bookmarks=self._bookmarks, hits=hits
        )

    def _mark_read(self, post: Post) -> None:
        """Clear the thread's *new* marks (the list shows it at once) and remember the visit."""
        post_id = post.id
        if post.new_count:
            self.ctx.changed(Changes(read=frozenset({post_id})))

        def write(library: Library) -> Saved[int]:
            return library.mark_thread_read(post_id)

        # after the thread's first paint: nobody waits for this write, and it waits for
        # nothing (the user-data file has its own lock); a read-only library keeps no marks
        self.ctx.write("mark-read", write, defer=True, user_data=True, quiet=True)

    # -- keeping it current ------------------------------------------------------------------

    def _on_library_changed(self, changes: Changes) -> None:
        post = self._post
        if post is None:
            return
        if changes.thread_changed(post.id):
            self.refresh_thread()
        elif changes.marks_in(post.id):
            self.refresh_marks()

    def refresh_marks(self) -> None:
        """Read the thread's marks again; redraw only the items whose highlights changed."""
        if self._post is None or self._document is None:
            return
        old = self._document
        self._read_marks(self._post)
        self.model.set_bookmarked(b.item_id for b in self._bookmarks)
        self._document = self._build()
        new = self._document
        changed = [
            item_id
            for n, item_id in enumerate(old.items)
            if _drawn(old.block(n).highlights) != _drawn(new.block(n).highlights)
            or _flags(old.block(n).bookmarks) != _flags(new.block(n).bookmarks)
        ]
        if changed:
            self.redraw_items(changed)
        else:
            self._show_notes(new)  # a note's text changed: only the margin shows it

    def redraw_items(self, item_ids: Sequence[str]) -> None:
        """Redraw only these items of the open thread (their marks changed), in place."""
        if self._document is None:
            return
        pane = self._pane_html(self._document)
        self.reading.redraw_items(pane, item_ids)
        self._show_notes(self._document, pane)

    def refresh_thread(self) -> None:
        """Reload and redraw the open thread where the reader is (after an import)."""
        if self._post is None:
            return
        item, scroll = self.current_item(), self.reading.verticalScrollBar().value()
        try:
            post = self.ctx.library.thread(self._post.id)
        except NotFound:
            self.close_thread()
            return
        self._read_marks(post)
        self._show(post)
        self._from_pane = True
        try:
            self.select_item(item or post.id)
        finally:
            self._from_pane = False
        self.restore_scroll(scroll)

    def close_thread(self) -> None:
        self._post = self._document = None
        self.model.set_post(None)
        self.reading.clear_thread()
        self.ctx.events.thread_closed.emit()

    def rerender(self) -> None:
        """Redraw the pane (new colours) keeping the selection and the scroll."""
        if self._post is None:
            return
        item, scroll = self.current_item(), self.reading.verticalScrollBar().value()
        self._document = self._build()
        self._write(self._document)
        self.reading.mark_item(item, scroll=False)
        self.restore_scroll(scroll)

    def _on_typography(self, settings: ReadingSettings) -> None:
        """Preferences changed the reading settings: font and measure go to the pane, colours
        and line spacing need the thread written again."""
        before = self.typography
        self.typography = settings
        self.reading.apply_typography(settings)
        if (before.line_spacing, dict(before.highlights)) != (
            settings.line_spacing,
            dict(settings.highlights),
        ):
            self.rerender()

    def clear_hits(self) -> None:
        """Take the search-hit marks off the open thread (the query was cleared or changed);
        only the items that held hits are redrawn."""
        if self._highlight is None:
            return
        items = self._hit_items
        self._highlight = None
        if self._post is None or self._document is None:
            return
        self._document = self._build()
        if items:
            self.redraw_items(items)

    def _on_query_changed(self, _text: str) -> None:
        self.clear_hits()

    def _on_theme(self, dark: bool) -> None:
        if dark != self.dark:
            self.dark = dark
            self.rerender()
        self.reading.retint()

    def restore_scroll(self, value: int) -> None:
        """Scroll the pane back to ``value`` after a redraw of the same document."""
        doc = self.reading.document()
        doc.documentLayout().blockBoundingRect(doc.lastBlock())  # lay out to the end
        self.reading.scroll_to_y(value)

    # -- tree and pane in step ---------------------------------------------------------------

    def select_item(self, item_id: str | None, *, scroll: bool = True) -> None:
        """Make ``item_id`` current in the tree; the pane marks it (and scrolls unless told)."""
        index = self.model.index_for_item(item_id or "")
        if not index.isValid():
            return
        previous = self._from_pane
        self._from_pane = previous or not scroll
        try:
            if index == self.view.currentIndex():
                self._on_item_current(index, index)
            else:
                self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
        finally:
            self._from_pane = previous

    def _on_item_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.data(current, ID_ROLE) if current.isValid() else None
        if not isinstance(item, str):
            return
        self.reading.mark_item(item, scroll=not self._from_pane)
        self.ctx.events.item_selected.emit(item)

    def _on_pane_item(self, item_id: str) -> None:
        self.select_item(item_id, scroll=False)

    def current_number(self) -> int:
        """The display number of the selected item (0: the post)."""
        index = self.view.currentIndex()
        return index.internalId() if index.isValid() else 0

    # -- opening the tree quickly ------------------------------------------------------------

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
        view, model = self.view, self.model
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
        view, model = self.view, self.model
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

    @property
    def expanding(self) -> bool:
        """Whether replies are still being opened after the first paint."""
        return self._expand_timer.isActive()

    def expand_all(self) -> None:
        self._expand_timer.stop()
        self._collapsed = False
        self.model.fetch_all()
        self.view.expandAll()

    def collapse_all(self) -> None:
        self._expand_timer.stop()
        self._collapsed = True
        self.view.collapseAll()
        root = self.model.index(0, 0)
        if root.isValid():
            self.view.expand(root)


def _drawn(highlights: Sequence[Highlight]) -> list[tuple[int, int, str, str]]:
    return [(h.start, h.end, h.colour, h.ref) for h in highlights]


def _flags(bookmarks: Sequence[Bookmark]) -> list[tuple[str, str]]:
    return [(b.id, b.label) for b in bookmarks]


def _darkened(colour: str) -> str:
    """A light highlight colour as a dark theme shows it: the same hue, dark enough for light
    text (``#fff3a3`` -> about ``#6b5d12``)."""
    from reader.render.pane_html import DARK, LIGHT

    for name, light in LIGHT.highlights.items():
        if light == colour.lower():
            return DARK.highlights[name]
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.42) for c in (red, green, blue)))
