"""Search in the window: as-you-type results, stale answers dropped, hits opened and marked.

The library is the generated archive (``helpers.dumpgen``): the planted words sit in known
comments, so each test knows exactly which items a search must find.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from helpers import dumpgen
from reader.render import LIGHT


@pytest.fixture
def indexed_window(make_window, seeded_library_dir, qtbot):
    """A window whose background index check has finished (it builds the index once)."""
    window = make_window(seeded_library_dir)
    assert window.search is not None
    with qtbot.waitSignal(window.search.index_checked, timeout=120000) as blocker:
        pass
    assert blocker.args[0].fresh
    return window


def _ids_by_path(window, title: str) -> tuple[str, dict[str, str]]:
    """The post id of ``title`` and its comment ids by citation path ("" is the post)."""
    post_id = next(s.id for s in window.posts_model.summaries if s.title == title)
    post = window.library.thread(post_id)
    return post_id, {"": post_id} | {c.path: c.id for c in post.walk_comments()}


def _background_under(window, word: str) -> str:
    """The background colour of the first occurrence of ``word`` in the reading pane."""
    window.reading.complete()
    found = window.reading.document().find(word)
    assert not found.isNull(), word
    cursor = QTextCursor(window.reading.document())
    cursor.setPosition(found.selectionStart() + 1)
    return cursor.charFormat().background().color().name()


def _hit_under(window, word: str) -> str | None:
    """The hit-underline colour of the first occurrence of ``word`` (None: not marked)."""
    window.reading.complete()
    found = window.reading.document().find(word)
    assert not found.isNull(), word
    cursor = QTextCursor(window.reading.document())
    cursor.setPosition(found.selectionStart() + 1)
    fmt = cursor.charFormat()
    return fmt.underlineColor().name() if fmt.fontUnderline() else None


def test_search_as_you_type_opens_the_right_comment(indexed_window, qtbot, gui):
    window = indexed_window
    gui.activate(window)
    word = dumpgen.REPLY_WORD  # in exactly one reply of the archive
    post_id, ids = _ids_by_path(window, dumpgen.BIG_TITLE)
    comment_id = ids[dumpgen.REPLY_PATH]
    shown: list[object] = []
    window.search.results_shown.connect(shown.append)
    window.posts_view.setFocus()
    qtbot.keyClick(window.posts_view, Qt.Key.Key_Slash)
    assert window.search.field.hasFocus()
    window.posts_view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search.field.hasFocus()
    with qtbot.waitSignal(window.search.results_shown, timeout=20000):
        qtbot.keyClicks(window.search.field, word)
    results = shown[-1]
    assert results.query == word  # only the final text's answer is shown
    assert all(r.query == word for r in shown)  # partial words were debounced or dropped
    assert window.panes.left_stack.currentWidget() is window.search.page
    rows = [window.search.model.hit(r) for r in range(window.search.model.rowCount())]
    assert [(hit.post_id, hit.item_id) for hit in rows] == [(post_id, comment_id)]
    window.search.view.setCurrentIndex(window.search.model.index(0, 0))
    assert window.threads.current_post.id == post_id
    assert window.threads.current_item() == comment_id
    assert window.reading.marked_item == comment_id
    assert window.threads.hit_items == [comment_id]
    # the matched word is drawn marked in the pane: underlined in the hit colour, with no
    # background a highlight could have
    assert _hit_under(window, word) == LIGHT.hit_line
    assert _background_under(window, word) == "#000000"  # none (Qt's empty brush)
    # Escape in the field returns to the posts list
    window.search.focus()
    qtbot.keyClick(window.search.field, Qt.Key.Key_Escape)
    assert window.panes.left_stack.currentIndex() == 0
    assert window.search.field.text() == ""


def test_slow_stale_answers_are_dropped(indexed_window, qtbot, monkeypatch, gates, dumps):
    """A query still running when the user types more never replaces the newer results."""
    window = indexed_window
    search = window.search
    release = gates.new()
    original = search.sessions.index
    first, second = dumpgen.SEARCH_WORD, dumpgen.SEARCH_PAIR

    class SlowFirst:
        def __init__(self, index):
            self.index = index

        def search(self, text, **kwargs):
            if text == first:
                release.wait(10)
            return self.index.search(text, **kwargs)

    monkeypatch.setattr(search.sessions, "index", lambda: SlowFirst(original()))
    shown: list[object] = []
    search.results_shown.connect(shown.append)
    search.field.setText(first)
    search.run_search()
    search.field.setText(second)
    with qtbot.waitSignal(search.results_shown, timeout=20000):
        search.run_search()
    release.set()
    qtbot.waitUntil(lambda: not window.runner.active("search"), timeout=20000)
    assert [r.query for r in shown] == [second]
    assert search.model.rowCount() == len(dumps.items_with(*second.split()))


def test_no_results_and_bad_query_say_so(indexed_window, qtbot):
    search = indexed_window.search
    search.field.setText("zzzyxnotaword")
    with qtbot.waitSignal(search.results_shown, timeout=20000):
        search.run_search()
    assert search.model.rowCount() == 0
    assert "No matches" in search.summary.text()
    search.field.setText('"unclosed phrase')
    with qtbot.waitSignal(search.results_shown, timeout=20000):
        search.run_search()
    assert search.summary.text()  # a notice, never an exception


def test_f3_moves_between_hits_in_the_thread(indexed_window, qtbot, gui, dumps):
    window = indexed_window
    gui.activate(window)
    search = window.search
    word = dumpgen.SEARCH_WORD
    search.field.setText(word)
    with qtbot.waitSignal(search.results_shown, timeout=20000):
        search.run_search()
    found = {(h.post_id, h.item_id) for h in map(search.model.hit, range(search.model.rowCount()))}
    titles = {s.id: s.title for s in window.posts_model.summaries}
    assert {(titles[post], ids) for post, ids in found} == {
        (title, _ids_by_path(window, title)[1][path]) for title, path in dumps.items_with(word)
    }
    post_id, ids = _ids_by_path(window, dumpgen.BIG_TITLE)
    # open the post's own hit: the thread opens at the post, which holds the word too
    row = next(r for r in range(search.model.rowCount()) if search.model.hit(r).item_id == post_id)
    search.view.setCurrentIndex(search.model.index(row, 0))
    expected = [ids[path] for title, path in dumps.items_with(word) if title == dumpgen.BIG_TITLE]
    hits = window.threads.hit_items
    assert sorted(hits) == sorted(expected) and len(hits) == 8
    window.reading.setFocus()
    order = sorted(hits, key=window.thread_model.number_of)  # display order
    assert window.threads.current_item() == order[0] == post_id
    visited = []
    for _ in range(len(hits)):
        qtbot.keyClick(window.reading, Qt.Key.Key_F3)
        visited.append(window.threads.current_item())
        assert window.reading.textCursor().selectedText().lower() == word
    assert visited == [*order[1:], order[0]]  # every hit once in order, then back round
    qtbot.keyClick(window.reading, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.threads.current_item() == order[-1]


def test_index_rebuild_shows_progress_and_never_blocks_reading(
    make_window, seeded_library_dir, qtbot, monkeypatch, gui, gates
):
    """Hold the index build half-way: the status bar shows it, and threads still open.

    The worker waits on a gate: released at teardown even if an assertion fails first (a
    worker left parked here once wedged the next window test for good)."""
    from reader.ui import tasks

    original = tasks.TaskContext.progress
    held, release = gates.new(), gates.new()

    def progress(self, fraction, label=""):
        original(self, fraction, label)
        if self.task.kind == "index" and not held.is_set():
            held.set()
            release.wait(30)

    monkeypatch.setattr(tasks.TaskContext, "progress", progress)
    window = make_window(seeded_library_dir)
    qtbot.waitUntil(lambda: held.is_set() and window.status.work.isVisible(), timeout=20000)
    assert window.status.label.text().startswith("Indexing")
    assert window.threads.open_post(gui.biggest_post(window))  # reading goes on meanwhile
    assert window.threads.current_post.title == dumpgen.BIG_TITLE
    assert window.navigation.next_comment()
    with qtbot.waitSignal(window.search.index_checked, timeout=120000) as blocker:
        release.set()
    assert blocker.args[0].fresh
    qtbot.waitUntil(lambda: not window.status.work.isVisible())
