"""The composed window: one change, wherever it was made, shows everywhere.

A bookmark made from the command line while the window is open (noticed through the
library's change stamps), from the Bookmarks panel, or from the reading pane reaches the posts
list, the thread tree and the panel; a dump imported from a terminal reaches the posts list.
No part calls another's refresh: each follows ``Events.library_changed``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt

from reader.annotate import store as notes
from reader.changes import Changes
from reader.cli import main as cli
from reader.formats.blogtext_write import write_dump
from reader.model import ParsedComment, ParsedPost
from reader.ui.models.threadtree import BOOKMARK_ROLE


def _starred(window, post_id: str) -> bool:
    return (
        window.posts_model.index_for_post(post_id).data(Qt.ItemDataRole.DecorationRole) is not None
    )


def _marked_in_tree(window, item_id: str) -> bool:
    return window.thread_model.index_for_item(item_id).data(BOOKMARK_ROLE) is True


def _listed(window) -> list[str]:
    panel = window.bookmarks_panel
    panel.refresh()
    return [b.item_id for b in panel.model._rows]


def _open_with_comment(window, gui) -> tuple[str, str]:
    post_id = gui.biggest_post(window)
    window.threads.open_post(post_id)
    comment = next(window.threads.current_post.walk_comments()).id
    window.bookmarks_panel.set_library_scope(True)
    return post_id, comment


def test_a_bookmark_made_from_the_cli_shows_everywhere(make_window, seeded_library_dir, qtbot, gui):
    window = make_window(seeded_library_dir)
    post_id, comment = _open_with_comment(window, gui)
    assert not _starred(window, post_id) and not _marked_in_tree(window, comment)
    heard: list[Changes] = []
    window.events.library_changed.connect(heard.append)

    assert cli(["--library", str(seeded_library_dir), "bookmarks", "add", comment]) == 0
    # the watcher polls the change stamps (every 1.5 s once the window is set up)
    qtbot.waitUntil(lambda: _marked_in_tree(window, comment), timeout=10000)
    assert any(c.marks_unknown for c in heard)
    qtbot.waitUntil(lambda: _starred(window, post_id), timeout=3000)
    assert _listed(window) == [comment]

    assert cli(["--library", str(seeded_library_dir), "bookmarks", "remove", comment]) == 0
    qtbot.waitUntil(lambda: not _marked_in_tree(window, comment), timeout=10000)
    qtbot.waitUntil(lambda: not _starred(window, post_id), timeout=3000)
    assert _listed(window) == []


def test_a_bookmark_removed_in_the_panel_or_made_in_the_pane_shows_everywhere(
    make_window, seeded_library_dir, qtbot, gui
):
    window = make_window(seeded_library_dir)
    post_id, comment = _open_with_comment(window, gui)
    gui.activate(window)
    window.threads.select_item(comment)
    window.reading.setFocus()
    qtbot.keyClick(window.reading, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    # at once, before the write lands: tree, list and panel
    assert _marked_in_tree(window, comment) and _starred(window, post_id)
    assert _listed(window) == [comment]
    gui.wait_idle(window)
    assert [b.item_id for b in notes.list_bookmarks(window.library.conn)] == [comment]

    panel = window.bookmarks_panel
    panel.view.setCurrentIndex(panel.model.index(0, 0))
    panel._delete_current()  # the Delete key in the panel
    assert not _marked_in_tree(window, comment) and not _starred(window, post_id)
    assert _listed(window) == []
    gui.wait_idle(window)
    assert notes.list_bookmarks(window.library.conn) == []


def test_a_dump_imported_from_a_terminal_reaches_the_open_window(
    make_window, seeded_library_dir, tmp_path: Path, qtbot
):
    window = make_window(seeded_library_dir)
    before = window.posts_model.total
    dump = tmp_path / "later.txt"
    post = ParsedPost(dt.date(2031, 1, 2), "Written while the window was open", "Body.", 1,
                      [ParsedComment("A comment.")])  # fmt: skip
    with dump.open("w", encoding="utf-8") as handle:
        write_dump([post], handle)
    heard: list[Changes] = []
    window.events.library_changed.connect(heard.append)
    assert cli(["--library", str(seeded_library_dir), "import", str(dump)]) == 0
    qtbot.waitUntil(lambda: window.posts_model.total == before + 1, timeout=10000)
    [added] = [c for c in heard if c.posts_added]
    assert len(added.posts_added) == 1 and not added.posts_changed
    assert window.posts_model.summaries[0].title == "Written while the window was open"


def test_the_window_does_not_report_its_own_imports_twice(
    make_window, library_dir, seed_files, qtbot, gui
):
    from PySide6.QtCore import QMimeData, QUrl

    window = make_window(library_dir)
    qtbot.waitUntil(lambda: window.is_set_up, timeout=5000)  # the watcher runs
    window.watcher.check()  # its starting point
    heard: list[Changes] = []
    window.events.library_changed.connect(heard.append)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(seed_files[0]))])
    with qtbot.waitSignal(window.events.import_finished, timeout=60000):
        assert gui.drop(window, mime)
    gui.wait_idle(window)
    imported = set().union(*(c.posts_added for c in heard))
    assert imported
    assert not window.watcher.check().posts  # its own threads: already announced
