"""Panels that use their space and keep current: docks at the side at a sensible size, each
shortcut raising its own tab, counts that follow a bookmark made from the command line, and
counts right-aligned with a tooltip saying what they count."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from reader.cli import main as cli
from reader.ui.panels import in_front


def _shortcut(window, qtbot, key: str) -> None:
    """Press ``key`` as the reader does (the shortcut's action, through the window)."""
    sequence = QKeySequence(key)
    action = next(a for a in window.actions() if a.shortcut() == sequence)
    action.trigger()
    qtbot.wait(10)


def test_docks_open_beside_the_panes_and_each_shortcut_raises_its_own_tab(
    make_window, seeded_library_dir, qtbot
):
    window = make_window(seeded_library_dir)
    window.resize(1400, 900)
    annotations, bookmarks = window.annotations_panel, window.bookmarks_panel
    assert window.dockWidgetArea(bookmarks) == Qt.DockWidgetArea.RightDockWidgetArea
    _shortcut(window, qtbot, "Ctrl+Shift+A")
    qtbot.waitUntil(lambda: in_front(annotations))
    _shortcut(window, qtbot, "Ctrl+Shift+B")  # the Bookmarks tab comes to the front
    qtbot.waitUntil(lambda: in_front(bookmarks) and not in_front(annotations))
    assert bookmarks.toggle_action.isChecked() and annotations.toggle_action.isChecked()
    # a side dock of a sensible width: neither a sliver nor half the window
    qtbot.waitUntil(lambda: 240 <= bookmarks.width() <= 480, timeout=2000)
    _shortcut(window, qtbot, "Ctrl+Shift+A")  # and back
    qtbot.waitUntil(lambda: in_front(annotations) and not in_front(bookmarks))
    _shortcut(window, qtbot, "Ctrl+Shift+A")  # pressed on the tab in front: hides the docks
    qtbot.waitUntil(lambda: not annotations.isVisible())
    assert not annotations.toggle_action.isChecked() and bookmarks.toggle_action.isChecked()


def test_a_dock_keeps_the_size_the_reader_gave_it(make_window, seeded_library_dir, qtbot):
    window = make_window(seeded_library_dir)
    window.resize(1400, 900)
    bookmarks = window.bookmarks_panel
    bookmarks.show()
    qtbot.waitUntil(lambda: bookmarks.sized and bookmarks.width() > 200, timeout=2000)
    qtbot.wait(20)
    window.resizeDocks([bookmarks], [300], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(bookmarks.width() - 300) < 12, timeout=2000)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())

    again = make_window(seeded_library_dir, show=False)
    again.resize(1400, 900)  # (offscreen, a restored geometry comes back smaller)
    with qtbot.waitExposed(again):
        again.show()
    docked = again.bookmarks_panel
    assert docked.sized  # placed from the saved state: not sized anew
    qtbot.waitUntil(docked.isVisible, timeout=3000)
    qtbot.wait(50)
    assert abs(docked.width() - 300) < 12, docked.width()


def test_the_bookmarks_count_follows_a_bookmark_made_from_the_cli(
    make_window, seeded_library_dir, qtbot, gui
):
    window = make_window(seeded_library_dir)
    qtbot.waitUntil(lambda: window.is_set_up, timeout=5000)  # the watcher runs
    post_id = gui.biggest_post(window)
    window.threads.open_post(post_id)
    comment = next(window.threads.current_post.walk_comments()).id
    panel = window.bookmarks_panel
    panel.show()
    qtbot.waitUntil(lambda: panel.count.text() == "0 bookmarks in this thread", timeout=3000)
    assert cli(["--library", str(seeded_library_dir), "bookmarks", "add", comment]) == 0
    # no refresh asked for: the watcher sees the change stamp move and the panel follows
    qtbot.waitUntil(lambda: panel.count.text() == "1 bookmark in this thread", timeout=10000)
    panel.set_library_scope(True)
    qtbot.waitUntil(lambda: panel.count.text() == "1 bookmark in the library", timeout=3000)
    assert cli(["--library", str(seeded_library_dir), "bookmarks", "remove", comment]) == 0
    qtbot.waitUntil(lambda: panel.count.text() == "0 bookmarks in the library", timeout=10000)


def test_counts_are_right_aligned_and_say_what_they_count(make_window, seeded_library_dir):
    window = make_window(seeded_library_dir)
    model = window.posts_model
    summary = next(s for s in model.summaries if s.comment_count)
    index = model.index_for_post(summary.id).siblingAtColumn(2)
    alignment = Qt.AlignmentFlag(index.data(Qt.ItemDataRole.TextAlignmentRole))
    assert alignment & Qt.AlignmentFlag.AlignRight
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    held = summary.comment_count
    assert f"{held} comment{'s' if held != 1 else ''}" in tip
    for year, group in model.groups():  # year and month rows too: right-aligned counts
        cell = group.siblingAtColumn(2)
        if cell.data(Qt.ItemDataRole.DisplayRole):
            assert Qt.AlignmentFlag(cell.data(Qt.ItemDataRole.TextAlignmentRole)) & (
                Qt.AlignmentFlag.AlignRight
            ), year
    # the title takes the spare width: wider than both count columns together
    header = window.posts_view.header()
    assert header.sectionSize(0) > header.sectionSize(1) + header.sectionSize(2)


def test_a_wider_window_widens_the_title_and_comment_columns(
    make_window, seeded_library_dir, qtbot, gui
):
    window = make_window(seeded_library_dir)
    window.resize(1280, 800)
    window.threads.open_post(gui.biggest_post(window))
    qtbot.wait(20)
    titles, comments = window.posts_view.header(), window.thread_view.header()
    before = titles.sectionSize(0), comments.sectionSize(0)
    window.resize(1920, 1000)
    qtbot.waitUntil(lambda: titles.sectionSize(0) > before[0] + 60, timeout=3000)
    qtbot.waitUntil(lambda: comments.sectionSize(0) > before[1] + 60, timeout=3000)
    assert window.reading.width() > window.thread_view.width()  # the pane keeps the most


def test_the_thread_tree_shows_authors_where_the_format_has_them(
    make_window, tmp_path, seeded_library_dir, qtbot, gui
):
    from reader.store import Library
    from reader.ui.models.threadtree import BY_COLUMN
    from unit.formats.samples import WpComment, WpItem, wxr

    export = tmp_path / "site.xml"
    comments = [
        WpComment(1, "First thought on the lamp room.", author="Ada Keeper"),
        WpComment(2, "A reply about the lens.", parent=1, author="Ben Tide"),
    ]
    export.write_bytes(wxr([WpItem(10, "Lamp room notes", comments=comments)]))
    with Library.open(seeded_library_dir) as library:
        assert all(r.ok for r in library.import_paths([export]))
    window = make_window(seeded_library_dir)
    view, model = window.thread_view, window.thread_model
    post_id = next(s.id for s in window.posts_model.summaries if s.title == "Lamp room notes")
    window.threads.open_post(post_id)
    assert not view.isColumnHidden(BY_COLUMN)
    assert view.header().visualIndex(BY_COLUMN) == 1  # right after the comment's line
    first = next(window.threads.current_post.walk_comments())
    index = model.index_for_item(first.id).siblingAtColumn(BY_COLUMN)
    assert index.data(Qt.ItemDataRole.DisplayRole).startswith("Ada Keeper")
    view.viewport().repaint()  # painted by rows, with the column
    # a thread from a format without authors: the column goes
    window.threads.open_post(gui.biggest_post(window))
    assert view.isColumnHidden(BY_COLUMN)
