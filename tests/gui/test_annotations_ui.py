"""Highlights, notes and bookmarks in the window: made from the reading pane, drawn there, undone,
listed in the panels, opened from them, and still there after a restart."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from helpers import dumpgen
from reader.annotate import store as notes
from reader.formats.blogtext_write import write_dump
from reader.model import Annotation, ParsedComment, ParsedPost
from reader.render import DARK, LIGHT
from reader.ui import note_dialog

RUB = dumpgen.FOCUS_PHRASE  # a curly apostrophe; only in the body of the focus post
FOCUS = dumpgen.FOCUS_TITLE
EMOJI_POST = "Emoji and spacing"
EMOJI_TEXT = "Before 😀 “quoted”   words\n  with   spaces 𝄞 after."
EMOJI_DOC = "😀 “quoted” words\u2028with spaces 𝄞"  # as the pane shows it
EMOJI_RAW = "😀 “quoted”   words\n  with   spaces 𝄞"


def ctl(window):
    return window.annotating


def post_titled(window, title: str) -> str:
    return next(s.id for s in window.posts_model.summaries if s.title == title)


def select(window, text: str) -> tuple[int, int]:
    """Select the first occurrence of ``text`` in the reading pane, as a mouse drag would."""
    pane = window.reading
    pane.complete()
    cursor = pane.document().find(text)
    assert not cursor.isNull(), text
    pane.setTextCursor(cursor)
    return cursor.selectionStart(), cursor.selectionEnd()


def background_at(window, position: int) -> str:
    """The highlight colour of the character just after ``position`` ("" if none)."""
    window.reading.complete()
    cursor = QTextCursor(window.reading.document())
    cursor.setPosition(position + 1)
    brush = cursor.charFormat().background()
    return brush.color().name() if brush.style() != Qt.BrushStyle.NoBrush else ""


def stored(window) -> list[Annotation]:
    return notes.list_annotations(window.library.conn)


def press(qtbot, window, key: str) -> None:
    sequence = {"H": (Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier),
                "N": (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                      | Qt.KeyboardModifier.ShiftModifier),
                "D": (Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier),
                "Z": (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
                "shift-Z": (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                            | Qt.KeyboardModifier.ShiftModifier)}[key]  # fmt: skip
    qtbot.keyClick(window.reading, *sequence)


def save(widget, output_dir: Path, name: str) -> Path:
    QApplication.processEvents()
    path = output_dir / f"gui-annotate-{name}.png"
    assert widget.grab().save(str(path))
    return path


@pytest.fixture
def emoji_library(seeded_library_dir: Path, tmp_path: Path) -> Path:
    """The generated archive plus one post whose reply holds non-BMP characters, curly quotes
    and runs of spaces (which the pane shows collapsed)."""
    from reader.store import Library

    reply = ParsedComment(EMOJI_TEXT)
    post = ParsedPost(dt.date(2022, 5, 1), EMOJI_POST, "A short body.", None,
                      [ParsedComment("First comment.", replies=[reply])])  # fmt: skip
    dump = tmp_path / "emoji.txt"
    with dump.open("w", encoding="utf-8") as handle:
        write_dump([post], handle)
    with Library.open(seeded_library_dir) as lib:
        assert all(r.ok for r in lib.import_paths([dump]))
    return seeded_library_dir


def test_ctrl_h_highlights_the_selection_with_the_exact_quote(
    make_window, seeded_library_dir, qtbot, gui, output_dir
):
    window = make_window(seeded_library_dir)
    window.resize(1280, 800)
    gui.activate(window)
    post_id = post_titled(window, FOCUS)
    window.threads.open_post(post_id)
    start, end = select(window, RUB)
    press(qtbot, window, "H")
    gui.wait_idle(window)
    [a] = stored(window)
    assert (a.item_id, a.post_id, a.exact, a.colour) == (post_id, post_id, RUB, "yellow")
    body = window.threads.current_post.body
    assert body[a.start : a.end] == RUB
    assert background_at(window, start) == LIGHT.highlights["yellow"]
    assert background_at(window, end - 2) == LIGHT.highlights["yellow"]
    assert background_at(window, end + 2) == ""
    window.reading.scroll_to_y(max(0, window.reading.cursorRect().top() - 200))
    save(window, output_dir, "01-highlight")


def test_non_bmp_characters_and_collapsed_spaces_map_back_to_raw_offsets(
    make_window, emoji_library, qtbot, gui
):
    window = make_window(emoji_library)
    gui.activate(window)
    window.threads.open_post(post_titled(window, EMOJI_POST))
    reply = next(c for c in window.threads.current_post.walk_comments() if c.parent_id)
    start, end = select(window, EMOJI_DOC)
    press(qtbot, window, "H")
    gui.wait_idle(window)
    [a] = stored(window)
    assert a.item_id == reply.id
    assert a.exact == EMOJI_RAW == reply.text[a.start : a.end]
    assert reply.text.index("😀") == a.start  # code points, not UTF-16 units
    colour = LIGHT.highlights["yellow"]
    assert background_at(window, start + 2) == colour  # just after the surrogate pair
    assert background_at(window, end - 1) == colour  # inside 𝄞's pair
    assert background_at(window, start - 2) == ""
    # the way back: the stored offsets select the same document range
    assert ctl(window).textmap().range_for(a.item_id, a.start, a.end) == (start, end)


def test_a_note_through_ctrl_shift_n_then_undo_and_redo(
    make_window, seeded_library_dir, qtbot, gui, monkeypatch
):
    asked = []

    def ask(parent, title, quote, note=""):
        asked.append((title, quote, note))
        return "  Cite this in the letter.\r\nSecond line  "

    monkeypatch.setattr(note_dialog, "ask_note", ask)
    window = make_window(seeded_library_dir)
    gui.activate(window)
    window.threads.open_post(post_titled(window, FOCUS))
    start, _ = select(window, RUB)
    press(qtbot, window, "N")
    assert asked == [("Add Note", RUB, "")]
    gui.wait_idle(window)
    [a] = stored(window)
    assert a.note == "Cite this in the letter.\nSecond line"
    assert window.annotating.menu.undo.text() == f"&Undo Add Note “{RUB}”"
    # hovering the highlight shows the note
    point = _inside_char(window, start + 5)
    assert "Cite this in the letter." in window.annotating.menu.note_at(point)

    press(qtbot, window, "Z")
    gui.wait_idle(window)
    assert stored(window) == []
    assert background_at(window, start) == ""
    press(qtbot, window, "shift-Z")
    gui.wait_idle(window)
    [again] = stored(window)
    assert (again.id, again.note, again.created) == (a.id, a.note, a.created)
    assert background_at(window, start) == LIGHT.highlights["yellow"]


def test_hover_tooltip_and_menus_list_the_new_commands(
    make_window, seeded_library_dir, qtbot, gui, monkeypatch
):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    from reader.ui.shortcuts import shortcut_rows

    shown = []
    monkeypatch.setattr(QToolTip, "showText", lambda pos, text, *a: shown.append(text))
    monkeypatch.setattr(note_dialog, "ask_note", lambda *a, **k: "a <b>bold</b> claim")
    window = make_window(seeded_library_dir)
    window.threads.open_post(post_titled(window, FOCUS))
    start, _ = select(window, RUB)
    window.annotating.add_note()
    pane = window.reading
    point = _inside_char(window, start + 5)
    event = QHelpEvent(QEvent.Type.ToolTip, point, pane.viewport().mapToGlobal(point))
    QApplication.sendEvent(pane.viewport(), event)
    assert shown and "a &lt;b&gt;bold&lt;/b&gt; claim" in shown[-1]
    away = QPoint(point.x(), point.y() + 400)
    assert window.annotating.menu.note_at(away) is None
    rows = {(menu, command): keys for menu, command, keys in shortcut_rows(window)}
    assert rows[("Edit", "Highlight")] == "Ctrl+H"
    assert rows[("Edit", "Add Note…")] == "Ctrl+Shift+N"
    assert rows[("Edit", "Bookmark")] == "Ctrl+D"
    assert rows[("File", "Export Thread…")] == "Ctrl+E"
    assert ("View", "Annotations Panel") in rows
    assert any(menu == "Edit" and command.startswith("Undo") for menu, command in rows)


def _inside_char(window, position: int) -> QPoint:
    """A viewport point inside the character after ``position`` (between its two edges, so
    never past the end of a wrapped line)."""
    pane = window.reading
    left = pane.cursorRect(_cursor_at(window, position)).center()
    right = pane.cursorRect(_cursor_at(window, position + 1)).center()
    assert left.y() == right.y(), "the character is on one line"
    return QPoint((left.x() + right.x()) // 2, left.y())


def _cursor_at(window, position: int) -> QTextCursor:
    cursor = QTextCursor(window.reading.document())
    cursor.setPosition(position)
    return cursor


def test_context_menu_colours_edits_and_deletes(
    make_window, seeded_library_dir, qtbot, gui, monkeypatch, output_dir
):
    monkeypatch.setattr(note_dialog, "ask_note", lambda *a, **k: "edited note")
    window = make_window(seeded_library_dir)
    gui.activate(window)
    window.threads.open_post(post_titled(window, FOCUS))
    start, _ = select(window, RUB)
    pane = window.reading
    point = _inside_char(window, start + 5)
    menu = window.annotating.menu.context_menu(point)
    colours = next(a.menu() for a in menu.actions() if a.text() == "Highlight in Colour")
    next(a for a in colours.actions() if a.text() == "Green").trigger()
    gui.wait_idle(window)
    [a] = stored(window)
    assert a.colour == "green"
    assert background_at(window, start) == LIGHT.highlights["green"]
    assert window.annotating.colour == "green"  # the next Ctrl+H uses it

    menu = window.annotating.menu.context_menu(point)
    with qtbot.waitExposed(menu):  # a context manager: called bare, it would not wait
        menu.popup(pane.viewport().mapToGlobal(point))
    save(menu, output_dir, "05-context-menu")
    menu.close()
    names = {a.objectName() for a in menu.actions()}
    assert {"edit_note", "delete_highlight", "bookmark_here"} <= names
    next(a for a in menu.actions() if a.objectName() == "edit_note").trigger()
    gui.wait_idle(window)
    assert stored(window)[0].note == "edited note"
    # the note now has a card in the margin, and the text column made room for it
    card = pane.margin.cards[a.id]
    assert card.isVisible() and card.body.text() == "edited note"
    point = _inside_char(window, start + 5)
    menu = window.annotating.menu.context_menu(point)
    next(a for a in menu.actions() if a.objectName() == "delete_highlight").trigger()
    gui.wait_idle(window)
    assert stored(window) == []
    window.annotating.stack.undo()
    gui.wait_idle(window)
    [back] = stored(window)
    assert (back.id, back.note, back.colour) == (a.id, "edited note", "green")


def test_ctrl_d_bookmarks_the_selected_comment_and_undo_removes_it(
    make_window, seeded_library_dir, qtbot, gui
):
    from reader.ui.models.threadtree import BOOKMARK_ROLE

    window = make_window(seeded_library_dir)
    gui.activate(window)
    post_id = post_titled(window, FOCUS)
    window.threads.open_post(post_id)
    comment = list(window.threads.current_post.walk_comments())[2]
    window.threads.select_item(comment.id)
    press(qtbot, window, "D")
    gui.wait_idle(window)
    [b] = notes.list_bookmarks(window.library.conn)
    assert (b.item_id, b.post_id) == (comment.id, post_id)
    index = window.thread_model.index_for_item(comment.id)
    assert index.data(BOOKMARK_ROLE) is True
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    post_index = window.posts_model.index_for_post(post_id)
    assert "Bookmarked" in post_index.data(Qt.ItemDataRole.ToolTipRole)

    press(qtbot, window, "Z")
    gui.wait_idle(window)
    assert notes.list_bookmarks(window.library.conn) == []
    assert not index.data(BOOKMARK_ROLE)
    assert "Bookmarked" not in post_index.data(Qt.ItemDataRole.ToolTipRole)
    press(qtbot, window, "shift-Z")
    gui.wait_idle(window)
    assert [x.id for x in notes.list_bookmarks(window.library.conn)] == [b.id]


def test_panels_list_filter_and_open_in_place(
    make_window, seeded_library_dir, qtbot, gui, output_dir
):
    window = make_window(seeded_library_dir)
    window.resize(1280, 800)
    gui.activate(window)
    other = gui.biggest_post(window)
    window.threads.open_post(other)
    far = list(window.threads.current_post.walk_comments())[-1]
    far_words = " ".join(far.text.split()[:8])  # words found nowhere earlier in the thread
    select(window, far_words)
    window.annotating.highlight("blue")
    window.threads.select_item(far.id)
    window.annotating.toggle_bookmark()
    post_id = post_titled(window, FOCUS)
    window.threads.open_post(post_id)
    select(window, RUB)
    window.annotating.highlight("pink")
    gui.wait_idle(window)

    panel = window.annotations_panel
    panel.show()
    panel.refresh()
    assert panel.model.total == 1 and panel.model.annotation(0).exact == RUB
    panel.set_library_scope(True)
    panel.refresh()
    assert panel.model.total == 2
    assert "in the library" in panel.count.text()
    panel.set_colour_filter("blue")
    panel.refresh()
    assert [a.colour for a in panel.model._rows] == ["blue"]
    panel.set_colour_filter(None)
    panel.filter.setText(RUB[-10:].upper())  # any case
    panel.refresh()
    assert [a.exact for a in panel.model._rows] == [RUB]
    panel.filter.clear()
    panel.refresh()

    # choosing the other thread's highlight opens it: thread, comment, passage
    row = panel.model.row_of(lambda a: a.colour == "blue")
    assert panel.open_row(row)
    assert window.threads.current_post.id == other
    assert window.threads.current_item() == far.id
    cursor = window.reading.textCursor()
    assert cursor.selectedText() == far_words
    bar = window.reading.verticalScrollBar()
    assert bar.value() > 0  # scrolled down to it
    save(window, output_dir, "02-panel-annotations")

    bookmarks = window.bookmarks_panel
    bookmarks.show()
    bookmarks.raise_()
    assert window.tabifiedDockWidgets(bookmarks) == [panel]  # one tabbed area
    bookmarks.set_library_scope(True)
    bookmarks.refresh()
    assert bookmarks.model.total == 1
    window.threads.open_post(post_id)
    opened = []
    window.events.thread_opened.connect(opened.append)
    rect = bookmarks.view.visualRect(bookmarks.model.index(0, 0))
    for click in (qtbot.mouseClick, qtbot.mouseDClick):  # what a double click delivers
        click(bookmarks.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.threads.current_post.id == other and window.threads.current_item() == far.id
    assert opened == [other]  # a double click opens once
    save(window, output_dir, "03-panel-bookmarks")


def test_orphaned_view_lists_lost_highlights_with_quote_and_note(
    make_window, seeded_library_dir, qtbot, gui
):
    window = make_window(seeded_library_dir)
    post_id = window.posts_model.summaries[0].id
    stamp = notes.now()
    orphan = Annotation("a-orphan", "c-gone", post_id, "a vanished passage", "", "", 0, 18,
                        "orange", "why it mattered", "orphan", stamp, stamp)  # fmt: skip
    notes.restore_annotation(window.library.conn, orphan)
    panel = window.annotations_panel
    panel.set_library_scope(True)
    panel.set_orphans_only(True)
    panel.refresh()
    assert panel.model.total == 1
    quote = panel.model.index(0, 0).data()
    assert "a vanished passage" in quote
    assert panel.model.index(0, 1).data() == "why it mattered"
    assert panel.model.index(0, 2).data() == "(no longer in the library)"
    assert "orphaned annotation" in panel.count.text()
    # opens the thread it belonged to, selects nothing it cannot find, and says so
    assert panel.open_row(0)
    assert window.threads.current_post is not None and window.threads.current_post.id == post_id
    assert window.threads.current_item() != orphan.item_id
    message = window.statusBar().currentMessage()
    assert message == "The highlighted passage is no longer in this text"


def test_highlights_and_bookmarks_survive_a_restart(make_window, seeded_library_dir, qtbot, gui):
    window = make_window(seeded_library_dir)
    gui.activate(window)
    post_id = post_titled(window, FOCUS)
    window.threads.open_post(post_id)
    start, _ = select(window, RUB)
    press(qtbot, window, "H")
    comment = next(window.threads.current_post.walk_comments())
    window.threads.select_item(comment.id)
    press(qtbot, window, "D")
    window.bookmarks_panel.show()
    window.close()  # straight away: pending writes are flushed, not dropped
    qtbot.waitUntil(lambda: not window.isVisible())

    again = make_window(seeded_library_dir)
    again.threads.open_post(post_id)
    assert background_at(again, start) == LIGHT.highlights["yellow"]
    from reader.ui.models.threadtree import BOOKMARK_ROLE

    assert again.thread_model.index_for_item(comment.id).data(BOOKMARK_ROLE) is True
    bookmarks = again.bookmarks_panel
    assert bookmarks.isVisible() and bookmarks.sized  # the dock comes back where it was
    assert not again.annotations_panel.isVisible()
    bookmarks.refresh()
    assert bookmarks.model.total == 1


def test_closing_while_the_writer_is_busy_keeps_the_highlight(
    make_window, seeded_library_dir, qtbot, gui
):
    window = make_window(seeded_library_dir)
    started = threading.Event()

    def busy(ctx):  # stands for a long import on the writer thread
        started.set()
        ctx.cancel.wait(20)

    window.runner.submit("import", busy, writes=True)
    assert started.wait(5)
    window.threads.open_post(post_titled(window, FOCUS))
    select(window, RUB)
    window.annotating.highlight()
    assert background_at(window, window.reading.document().find(RUB).selectionStart()) != ""
    assert stored(window) == []  # still queued behind the "import"
    window.close()
    assert [a.exact for a in stored(window)] == [RUB]


def test_dark_theme_screenshot(make_window, seeded_library_dir, qtbot, gui, output_dir,
                               monkeypatch):  # fmt: skip
    monkeypatch.setattr(note_dialog, "ask_note", lambda *a, **k: "Quote this in the letter")
    window = make_window(seeded_library_dir)
    window.resize(1280, 800)
    window.view.set_theme("dark")
    window.threads.open_post(post_titled(window, FOCUS))
    start, _ = select(window, RUB)
    window.annotating.highlight("yellow")
    select(window, dumpgen.FOCUS_PHRASE_2)
    window.annotating.add_note()
    window.annotations_panel.show()
    window.annotations_panel.refresh()
    assert background_at(window, start) == DARK.highlights["yellow"]
    pane = window.reading
    pane.setTextCursor(_cursor_at(window, 0))
    top = pane.verticalScrollBar().value() + pane.cursorRect(_cursor_at(window, start)).top()
    pane.scroll_to_y(max(0, top - 160))
    save(window, output_dir, "04-dark")
    window.view.set_theme("light")


def test_models_pass_the_model_tester(qtmodeltester, qapp, seeded_library):
    from reader.ui.models.marks import AnnotationsModel, BookmarksModel
    from reader.ui.reading_menu import swatch

    conn = seeded_library.conn
    post = seeded_library.thread(
        next(s.id for s in seeded_library.post_summaries() if s.title == dumpgen.BIG_TITLE)
    )
    text = post.body
    assert len(text) > 460
    rows = [
        notes.add_annotation(conn, post.id, i, i + 5, note=f"n{i}").value for i in range(0, 450, 2)
    ]
    model = AnnotationsModel(lambda item: "where", swatch)
    qtmodeltester.check(model, force_py=True)
    model.set_rows(rows)
    assert model.rowCount() == 200 and model.total == len(rows)
    assert model.canFetchMore(model.index(-1, -1))
    model.fetchMore(model.index(-1, -1))
    assert model.index(0, 0).data() == f"“{' '.join(text[0:5].split())}”"  # white space folded
    marks = BookmarksModel(lambda item: "where", lambda item: "title")
    qtmodeltester.check(marks, force_py=True)
    marks.set_rows([notes.add_bookmark(conn, post.id).value])
    assert marks.index(0, 0).data() == "title"


def test_redrawing_one_item_gives_the_document_a_full_render_would(qtbot, seeded_library):
    from PySide6.QtWidgets import QTextBrowser

    from reader.render import Highlight, render_thread
    from reader.ui.reading import ReadingPane

    def blocks(document) -> list[tuple]:
        out, block = [], document.begin()
        while block.isValid():
            fmt, it, frags = block.blockFormat(), block.begin(), []
            while not it.atEnd():
                char = it.fragment().charFormat()
                frags.append((it.fragment().text(), char.background().color().name(),
                              char.foreground().color().name(), char.fontWeight(),
                              tuple(char.anchorNames())))  # fmt: skip
                it += 1
            out.append((block.text(), block.userState(), fmt.leftMargin(), fmt.topMargin(),
                        fmt.bottomMargin(), tuple(frags)))  # fmt: skip
            block = block.next()
        return out

    summaries = seeded_library.post_summaries()
    post = seeded_library.thread(max(summaries, key=lambda s: s.comment_count).id)
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.show_thread(render_thread(post))
    pane.complete()
    items = pane.items
    marks: dict[str, list[Highlight]] = {}
    hits: dict[str, list[tuple[int, int]]] = {}
    for number in (0, 1, 7, len(items) - 1):
        marks[items[number]] = [Highlight(2, 9, "green", "a")]
        hits[items[number]] = [(5, 12)]
        rendered = render_thread(post, marks=marks, hits=hits)
        pane.redraw_items(rendered, [items[number]])
        whole = QTextBrowser()
        qtbot.addWidget(whole)
        whole.setHtml(rendered.html)
        assert blocks(pane.document()) == blocks(whole.document())


def test_a_note_made_in_the_window_is_searchable_at_once(
    make_window, seeded_library_dir, qtbot, gui, monkeypatch
):
    from reader.search import open_index
    from reader.store import Library

    monkeypatch.setattr(note_dialog, "ask_note", lambda *args, **kw: "Quokka argument")
    window = make_window(seeded_library_dir)
    with qtbot.waitSignal(window.search.index_checked, timeout=120000) as blocker:
        pass  # the start-up index build
    assert blocker.args[0].fresh
    gui.activate(window)
    window.threads.open_post(post_titled(window, FOCUS))
    select(window, RUB)
    press(qtbot, window, "N")
    gui.wait_idle(window)
    [a] = stored(window)
    with Library.open(seeded_library_dir) as library:
        index = open_index(library)
        try:
            assert index.check().fresh
            hits = index.search("note:quokka").hits
            assert [(h.post_id, h.comment_id) for h in hits] == [
                (a.post_id, None if a.item_id == a.post_id else a.item_id)
            ]
            assert index.search("is:annotated color:yellow").total == 1
        finally:
            index.close()
