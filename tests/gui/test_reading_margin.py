"""The reading pane as a reader meets it: notes in the margin beside their passage (edited in
place), highlights that cover whole words, the bookmark flag, search-hit marks that go away,
Preferences that change the pane, and each thread's place and zoom kept.

Screenshots: ``test-output/gui-reading-*.png`` (notes in the margin, the Preferences dialog,
the dark theme with notes)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from helpers import dumpgen
from helpers.pictures import Picture
from reader.annotate import store as notes
from reader.render import LIGHT
from reader.render.pane_html import FLAG
from reader.ui import note_dialog

FOCUS = dumpgen.FOCUS_TITLE
PHRASE = dumpgen.FOCUS_PHRASE  # "the keeper’s last round", in the focus post's body
PHRASE_2 = dumpgen.FOCUS_PHRASE_2
SIZE = (1400, 860)


def post_titled(window, title: str) -> str:
    return next(s.id for s in window.posts_model.summaries if s.title == title)


def open_focus(make_window, library_dir, gui, theme: str = "light"):
    window = make_window(library_dir)
    window.resize(*SIZE)
    window.view.set_theme(theme)
    gui.activate(window)
    window.threads.open_post(post_titled(window, FOCUS))
    window.reading.complete()
    return window


def select(window, text: str) -> tuple[int, int]:
    """Select ``text`` in the pane, as a mouse drag would."""
    cursor = window.reading.document().find(text)
    assert not cursor.isNull(), text
    window.reading.setTextCursor(cursor)
    return cursor.selectionStart(), cursor.selectionEnd()


def ctrl(qtbot, window, key, shift: bool = False) -> None:
    mods = Qt.KeyboardModifier.ControlModifier
    if shift:
        mods |= Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.reading, key, mods)


def stored(window):
    return notes.list_annotations(window.library.conn)


def background_at(window, position: int) -> str:
    window.reading.complete()
    cursor = QTextCursor(window.reading.document())
    cursor.setPosition(position + 1)
    brush = cursor.charFormat().background()
    return brush.color().name() if brush.style() != Qt.BrushStyle.NoBrush else ""


def save(widget, output_dir, name: str) -> Picture:
    picture = Picture.grab(widget)
    picture.save(output_dir / f"gui-reading-{name}.png")
    return picture


def note_on_phrase(window, qtbot, gui, monkeypatch, text: str, phrase: str = PHRASE):
    monkeypatch.setattr(note_dialog, "ask_note", lambda *a, **k: text)
    select(window, phrase)
    ctrl(qtbot, window, Qt.Key.Key_N, shift=True)
    gui.wait_idle(window)
    QApplication.processEvents()  # the margin places its cards in the next turn
    return next(a for a in stored(window) if a.note == text)


# -- whole words -------------------------------------------------------------------------------


def test_a_mid_word_selection_highlights_whole_words(make_window, seeded_library_dir, qtbot, gui):
    window = open_focus(make_window, seeded_library_dir, gui)
    start, end = select(window, PHRASE)
    # the drag started inside "the" and stopped inside "round"
    cursor = QTextCursor(window.reading.document())
    cursor.setPosition(start + 2)
    cursor.setPosition(end - 2, QTextCursor.MoveMode.KeepAnchor)
    window.reading.setTextCursor(cursor)
    assert cursor.selectedText() == PHRASE[2:-2]
    ctrl(qtbot, window, Qt.Key.Key_H)
    gui.wait_idle(window)
    [annotation] = stored(window)
    assert annotation.exact == PHRASE
    colour = LIGHT.highlights[annotation.colour]
    assert background_at(window, start) == colour  # "t" of "the" is highlighted
    assert background_at(window, end - 2) == colour  # "d" of "round" too
    assert background_at(window, end) == ""  # and no further


# -- notes in the margin -----------------------------------------------------------------------


def test_a_note_shows_in_the_margin_beside_its_passage(
    make_window, seeded_library_dir, qtbot, gui, monkeypatch, output_dir
):
    window = open_focus(make_window, seeded_library_dir, gui)
    pane = window.reading
    note = "Quote this in the letter to the council: the log proves the rounds were walked."
    annotation = note_on_phrase(window, qtbot, gui, monkeypatch, note)
    short = note_on_phrase(window, qtbot, gui, monkeypatch, "Second point.", PHRASE_2)
    pane.margin.select_passage(annotation.id)  # bring the first passage on screen
    QApplication.processEvents()
    # without any click on it: the note's full text is on screen, right of the text column
    card = pane.margin.cards[annotation.id]
    assert card.isVisible() and card.body.isVisible()
    assert card.body.text() == note
    viewport = pane.viewport().geometry()
    assert card.geometry().left() >= viewport.right()
    assert card.geometry().right() <= pane.width()
    # level with its passage: the card's top is where the passage's line is
    start, _ = select(window, PHRASE)
    line = pane.cursorRect(QTextCursor(pane.document())).height()
    cursor = QTextCursor(pane.document())
    cursor.setPosition(start)
    passage_top = pane.cursorRect(cursor).top() + viewport.top()
    assert abs(card.geometry().top() - passage_top) <= line
    # a marker with the note's number at the passage, in the text column's edge
    markers = {n.annotation_id: rect for rect, n in pane.margin.marker_rects()}
    assert annotation.id in markers
    # cards never overlap
    other = pane.margin.cards[short.id]
    if other.isVisible():
        assert not card.geometry().intersects(other.geometry())
    picture = save(window, output_dir, "01-notes")
    margin = picture.part(card, window)
    assert not margin.is_blank(floor=5), "the note card is blank"
    assert len(picture.counts()) > 200, "the window picture has too few colours"


def test_clicking_a_note_selects_its_passage_and_back(
    make_window, seeded_library_dir, qtbot, gui, monkeypatch
):
    window = open_focus(make_window, seeded_library_dir, gui)
    pane = window.reading
    annotation = note_on_phrase(window, qtbot, gui, monkeypatch, "Why it matters.")
    pane.setTextCursor(QTextCursor(pane.document()))  # nothing selected
    card = pane.margin.cards[annotation.id]
    pane.margin.set_current("")
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton, pos=QPoint(20, card.height() - 8))
    assert pane.textCursor().selectedText() == PHRASE
    assert card.current
    # and back: a click inside the highlighted passage marks its card
    pane.margin.set_current("")
    assert not card.current
    start, _ = select(window, PHRASE)
    cursor = QTextCursor(pane.document())
    cursor.setPosition(start + 4)
    point = pane.cursorRect(cursor).center() + QPoint(2, 0)
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert card.current


def test_a_note_is_edited_in_place_and_undone(
    make_window, seeded_library_dir, qtbot, gui, monkeypatch
):
    window = open_focus(make_window, seeded_library_dir, gui)
    pane = window.reading
    annotation = note_on_phrase(window, qtbot, gui, monkeypatch, "First thought.")
    card = pane.margin.cards[annotation.id]
    qtbot.mouseDClick(card.body, Qt.MouseButton.LeftButton)
    assert card.editing and card.editor.isVisible()
    card.editor.selectAll()
    qtbot.keyClicks(card.editor, "Second thought, after reading the log.")
    qtbot.keyClick(card.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not card.editing
    gui.wait_idle(window)
    QApplication.processEvents()
    [after] = stored(window)
    assert after.id == annotation.id and after.note == "Second thought, after reading the log."
    assert pane.margin.cards[annotation.id].body.text() == after.note
    # Escape leaves the note as it was
    card = pane.margin.cards[annotation.id]
    card.start_editing()
    qtbot.keyClicks(card.editor, "scribble")
    qtbot.keyClick(card.editor, Qt.Key.Key_Escape)
    assert not card.editing and card.body.text() == after.note
    # the edit went through the undo stack like any other
    window.annotating.stack.undo()
    gui.wait_idle(window)
    QApplication.processEvents()
    assert stored(window)[0].note == "First thought."
    assert pane.margin.cards[annotation.id].body.text() == "First thought."


# -- bookmark flag -----------------------------------------------------------------------------


def heading_of(window, item_id: str) -> str:
    pane = window.reading
    first, _ = pane._block_ranges()[pane.items.index(item_id)]
    return pane.document().findBlockByNumber(first).text()


def test_a_bookmarked_comment_carries_a_flag_in_its_heading(
    make_window, seeded_library_dir, qtbot, gui
):
    window = open_focus(make_window, seeded_library_dir, gui)
    comment = window.threads.current_post.comments[0]
    window.threads.select_item(comment.id)
    assert FLAG not in heading_of(window, comment.id)
    ctrl(qtbot, window, Qt.Key.Key_D)
    gui.wait_idle(window)
    heading = heading_of(window, comment.id)
    assert heading.startswith(comment.path) and f"{FLAG} Bookmarked" in heading
    ctrl(qtbot, window, Qt.Key.Key_D)  # and off again
    gui.wait_idle(window)
    assert FLAG not in heading_of(window, comment.id)


# -- search hits -------------------------------------------------------------------------------


def hit_marks(window) -> int:
    """Characters of the pane drawn as search hits (underlined)."""
    pane = window.reading
    pane.complete()
    count = 0
    block = pane.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().fontUnderline() and not fragment.charFormat().isAnchor():
                count += fragment.length()
            it += 1
        block = block.next()
    return count


def test_hit_marks_go_when_the_query_is_cleared_or_changed(
    make_window, seeded_library_dir, qtbot, gui
):
    window = make_window(seeded_library_dir)
    gui.activate(window)
    search = window.search
    with qtbot.waitSignal(search.index_checked, timeout=120000):
        pass
    for change in ("clear", "retype"):
        search.focus()
        with qtbot.waitSignal(search.results_shown, timeout=20000):
            qtbot.keyClicks(search.field, dumpgen.SEARCH_WORD)
        search.view.setCurrentIndex(search.model.index(0, 0))
        assert window.threads.hit_items
        assert hit_marks(window) >= len(dumpgen.SEARCH_WORD)
        if change == "clear":
            qtbot.keyClick(search.field, Qt.Key.Key_Escape)
        else:
            qtbot.keyClick(search.field, Qt.Key.Key_Backspace)
        assert hit_marks(window) == 0, f"hit marks left after the query was {change}ed"
        assert window.threads.hit_items == []
        search.field.clear()


# -- preferences -------------------------------------------------------------------------------


def test_preferences_change_the_pane_at_once(
    make_window, seeded_library_dir, qtbot, gui, output_dir
):
    window = open_focus(make_window, seeded_library_dir, gui)
    window.resize(1900, SIZE[1])  # room for the measure beside the notes and the side dock
    pane = window.reading
    assert pane.font().family() == "DejaVu Serif"  # a serif that a bare Debian has
    metrics_width = pane.fontMetrics().averageCharWidth()
    assert 60 * metrics_width <= pane.text_width <= 80 * metrics_width + 20  # ~70 a line
    window.commands["preferences"].trigger()
    dialog = window.view.preferences
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    picture = save(dialog, output_dir, "02-preferences")
    assert not picture.is_blank() and len(picture.counts()) > 30
    for name in ("yellow", "green", "blue", "pink", "orange"):
        assert not picture.part(dialog.colour_buttons[name], dialog).is_blank(floor=1)
    dialog.size_box.setValue(16)
    assert pane.font().pointSizeF() == 16
    dialog.width_box.setValue(50)
    assert abs(pane.text_width - 50 * pane.fontMetrics().averageCharWidth()) <= 12
    dialog.spacing_box.setValue(200)
    pane.complete()
    body = pane.document().findBlockByNumber(pane._block_ranges()[0][1])
    assert body.blockFormat().lineHeight() == 200
    select(window, PHRASE)
    window.annotating.highlight("yellow")  # (the dialog is the active window: no shortcut)
    gui.wait_idle(window)
    start, _ = select(window, PHRASE)
    dialog.set_highlight("yellow", "#aaddff")
    assert background_at(window, start) == "#aaddff"
    # kept for the next start
    settings = window.settings.reading
    assert (settings.font_size, settings.line_width, settings.line_spacing) == (16, 50, 200)
    assert settings.highlight("yellow") == "#aaddff"
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData("dark"))
    assert window.view.dark and window.settings.theme == "dark"
    window.view.set_theme("light")  # from the View menu: the dialog follows
    assert dialog.theme_box.currentData() == "light" and not window.view.dark
    dialog.reset()
    assert window.settings.reading.font_size == 12 and pane.font().pointSizeF() == 12
    dialog.close()


def test_dark_theme_with_notes(make_window, seeded_library_dir, qtbot, gui, monkeypatch,
                               output_dir):  # fmt: skip
    window = open_focus(make_window, seeded_library_dir, gui, theme="dark")
    pane = window.reading
    annotation = note_on_phrase(window, qtbot, gui, monkeypatch, "Read by lamplight.")
    pane.margin.select_passage(annotation.id)
    pane.setTextCursor(QTextCursor(pane.document()))
    QApplication.processEvents()
    picture = save(window, output_dir, "03-dark")
    reading = picture.part(pane.viewport(), window)
    assert reading.is_dark() and not reading.is_blank()
    card = picture.part(pane.margin.cards[annotation.id], window)
    assert card.is_dark() and not card.is_blank(floor=5)


# -- each thread's place -----------------------------------------------------------------------


def test_position_and_zoom_are_kept_per_thread(make_window, seeded_library_dir, qtbot, gui):
    window = make_window(seeded_library_dir)
    gui.activate(window)
    big = gui.biggest_post(window)
    focus = post_titled(window, FOCUS)
    window.threads.open_post(big)
    pane = window.reading
    comments = list(window.threads.current_post.walk_comments())
    target = comments[len(comments) // 2].id
    pane.scroll_to_item(target, 10)
    window.view.zoom_in()
    window.view.zoom_in()
    assert pane.zoom == 2
    top, offset = pane.position()
    window.threads.open_post(focus)
    window.view.zoom_reset()
    assert pane.zoom == 0 and pane.verticalScrollBar().value() == 0
    window.threads.open_post(big)
    assert pane.zoom == 2
    assert pane.position()[0] == top and abs(pane.position()[1] - offset) <= 2
    window.threads.open_post(focus)
    assert pane.zoom == 0
    # and after a restart
    window.close()
    again = make_window(seeded_library_dir)
    gui.activate(again)
    again.threads.open_post(big)
    assert again.reading.zoom == 2 and again.reading.position()[0] == top
