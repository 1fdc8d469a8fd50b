"""What keeps opening a thread and starting the window quick, checked for what it must not
break: rows drawn by the thread view say what the model says, the window finishes setting up
after its first paint (or at once when a thread needs it), and the collector paused while a
thread opens runs again after the paint."""

from __future__ import annotations

import gc

from PySide6.QtCore import Qt

from reader.ui.rowview import BOLD, REGULAR


def test_thread_rows_paint_what_the_model_says(make_window, seeded_library_dir, gui, qtbot):
    window = make_window(seeded_library_dir)
    window.threads.open_post(gui.biggest_post(window))
    model, view = window.thread_model, window.thread_view
    view.viewport().repaint()  # painted by rows, without errors
    for number in range(min(len(model), 30)):
        index = model.index_for_number(number)
        texts, fonts, muted, icon, right = model.row_look(index)
        for column in range(model.columnCount()):
            cell = index.siblingAtColumn(column)
            assert (texts[column] or None) == cell.data(Qt.ItemDataRole.DisplayRole)
            font = cell.data(Qt.ItemDataRole.FontRole)
            assert (fonts[column] != REGULAR) == (font is not None)
            assert right[column] == (cell.data(Qt.ItemDataRole.TextAlignmentRole) is not None)
        assert (icon is not None) == (index.data(Qt.ItemDataRole.DecorationRole) is not None)
        assert muted == (index.data(Qt.ItemDataRole.ForegroundRole) is not None)
    post = model.index_for_number(0)
    assert model.row_look(post)[1] == (BOLD, REGULAR, REGULAR, REGULAR)  # the title in bold
    assert model.row_depth(post) == 0 and model.row_has_children(post)


def test_long_first_lines_are_cut_to_the_column(make_window, seeded_library_dir, gui):
    from PySide6.QtGui import QFontMetricsF

    from reader.ui.rowview import _Frame

    window = make_window(seeded_library_dir)
    window.threads.open_post(gui.biggest_post(window))
    view = window.thread_view
    view.viewport().repaint()
    metrics = QFontMetricsF(view.font())
    assert view._fitted  # what the rows drew, per row and width
    for (_row, width, font), shown in view._fitted.items():
        if font == REGULAR:
            assert metrics.horizontalAdvance(shown) <= width + 1
    frame = _Frame(view, window.thread_model)
    cut = view._fit("probation " * 40, 120, REGULAR, frame)
    assert cut.endswith("…") and metrics.horizontalAdvance(cut) <= 121
    assert view._fit("short", 120, REGULAR, frame) == "short"


def test_annotations_are_installed_after_the_first_paint(make_window, seeded_library_dir, qtbot):
    from PySide6.QtCore import Qt

    window = make_window(seeded_library_dir)
    # nobody asked for them: they come shortly after the window is on screen
    qtbot.waitUntil(lambda: window.is_set_up, timeout=5000)
    panels = (window.annotations_panel, window.bookmarks_panel)
    for dock in panels:  # both docks, beside the panes, hidden until asked for
        assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
        assert not dock.isVisible()
    view = {a.text(): a.shortcut().toString() for a in window.commands.menu("View").actions()}
    assert view["&Annotations Panel"] == "Ctrl+Shift+A"
    assert view["&Bookmarks Panel"] == "Ctrl+Shift+B"
    edit = {a.shortcut().toString() for a in window.commands.menu("Edit").actions()}
    assert "Ctrl+H" in edit  # the highlight command is in place from now on


def test_a_thread_opened_first_thing_has_its_annotations(make_window, seeded_library_dir, gui):
    """A thread opened first thing draws its highlights from the start (the thread
    controller reads them from the store) and has the annotation commands installed."""
    from reader.annotate import add_annotation_by_quote
    from reader.render import LIGHT
    from reader.store import Library

    with Library.open(seeded_library_dir) as library:
        post_id = max(library.post_summaries(), key=lambda s: s.comment_count).id
        body = library.thread(post_id).body
        saved = add_annotation_by_quote(library.conn, post_id, body.split()[0], colour="green")
    window = make_window(seeded_library_dir, show=False)
    assert not window.annotations_installed
    window.threads.open_post(post_id)
    assert window.annotations_installed  # Ctrl+H and the context menu work on it at once
    assert [h.ref for h in window.threads.document.body.highlights] == [saved.value.id]
    assert LIGHT.highlights["green"] in window.reading.toHtml()


def test_the_collector_runs_again_after_a_thread_is_painted(
    make_window, seeded_library_dir, gui, qtbot
):
    window = make_window(seeded_library_dir)
    assert gc.isenabled()
    window.threads.open_post(gui.biggest_post(window))
    assert not gc.isenabled()  # paused while the thread loads and paints
    qtbot.waitUntil(gc.isenabled, timeout=2000)
