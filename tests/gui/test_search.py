"""Search in the window: as-you-type results, stale answers dropped, hits opened and marked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def indexed_window(make_window, seeded_library_dir, qtbot):
    """A window whose background index check has finished (it builds the index once)."""
    window = make_window(seeded_library_dir)
    assert window.search is not None
    with qtbot.waitSignal(window.search.index_checked, timeout=120000) as blocker:
        pass
    assert blocker.args[0].fresh
    return window


def _a_comment_word(window) -> tuple[str, str, str]:
    """A distinctive word from a reply in the biggest thread: (word, post id, comment id)."""
    summaries = window.posts_model.summaries
    post = window.library.thread(max(summaries, key=lambda s: s.comment_count).id)
    reply = [c for c in post.walk_comments() if c.parent_id and len(c.text) > 80][-1]
    words = [w.strip('.,;:!?"()') for w in reply.text.split()]
    word = max((w for w in words if w.isalpha()), key=len)
    return word, post.id, reply.id


def test_search_as_you_type_opens_the_right_comment(indexed_window, qtbot, gui):
    window = indexed_window
    gui.activate(window)
    word, post_id, comment_id = _a_comment_word(window)
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
    row = next(i for i, hit in enumerate(rows) if hit.item_id == comment_id)
    window.search.view.setCurrentIndex(window.search.model.index(row, 0))
    assert window.current_post.id == post_id
    assert window.current_item() == comment_id
    assert window.reading.marked_item == comment_id
    assert comment_id in window.hit_items
    # the matched word is drawn marked in the pane
    html = window.reading.toHtml()
    assert "background-color" in html
    # F3 moves between comments that hold hits, wrapping around
    if len(window.hit_items) > 1:
        before = window.current_item()
        qtbot.keyClick(window.reading, Qt.Key.Key_F3)
        assert window.current_item() != before
        assert window.current_item() in window.hit_items
        assert window.reading.textCursor().selectedText().lower() == word.lower()
    # Escape in the field returns to the posts list
    window.search.focus()
    qtbot.keyClick(window.search.field, Qt.Key.Key_Escape)
    assert window.panes.left_stack.currentIndex() == 0
    assert window.search.field.text() == ""


def test_slow_stale_answers_are_dropped(indexed_window, qtbot, monkeypatch):
    """A query still running when the user types more never replaces the newer results."""
    import threading

    window = indexed_window
    search = window.search
    release = threading.Event()
    original = search.sessions.index

    class SlowFirst:
        def __init__(self, index):
            self.index = index

        def search(self, text, **kwargs):
            if text == "probation":
                release.wait(10)
            return self.index.search(text, **kwargs)

    monkeypatch.setattr(search.sessions, "index", lambda: SlowFirst(original()))
    shown: list[object] = []
    search.results_shown.connect(shown.append)
    search.field.setText("probation")
    search.run_search()
    search.field.setText("probation officer")
    with qtbot.waitSignal(search.results_shown, timeout=20000):
        search.run_search()
    release.set()
    qtbot.waitUntil(lambda: not window.runner.active("search"), timeout=20000)
    assert [r.query for r in shown] == ["probation officer"]


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


def test_f3_moves_between_hits_in_the_thread(indexed_window, qtbot, gui):
    window = indexed_window
    gui.activate(window)
    search = window.search
    search.field.setText("probation")
    with qtbot.waitSignal(search.results_shown, timeout=20000):
        search.run_search()
    biggest = gui.biggest_post(window)
    row = next(r for r in range(search.model.rowCount()) if search.model.hit(r).post_id == biggest)
    search.view.setCurrentIndex(search.model.index(row, 0))
    hits = window.hit_items
    assert len(hits) > 2
    window.reading.setFocus()
    order = [window.thread_model.number_of(i) for i in hits]
    assert order == sorted(order)
    start = window.current_item()
    visited = []
    for _ in range(len(hits)):
        qtbot.keyClick(window.reading, Qt.Key.Key_F3)
        visited.append(window.current_item())
        assert window.reading.textCursor().selectedText().lower().startswith("probation")
    assert set(visited) == set(hits)  # every hit once, then back round
    assert visited[-1] == start or start not in hits
    qtbot.keyClick(window.reading, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.current_item() == visited[-2]


def test_index_rebuild_shows_progress_and_never_blocks_reading(
    make_window, seeded_library_dir, qtbot, monkeypatch, gui
):
    """Hold the index build half-way: the status bar shows it, and threads still open."""
    import threading

    from reader.ui import tasks

    original = tasks.TaskContext.progress
    held, release = threading.Event(), threading.Event()

    def progress(self, fraction, label=""):
        original(self, fraction, label)
        if self.task.kind == "index" and not held.is_set():
            held.set()
            release.wait(30)

    monkeypatch.setattr(tasks.TaskContext, "progress", progress)
    window = make_window(seeded_library_dir)
    qtbot.waitUntil(lambda: held.is_set() and window.status.work.isVisible(), timeout=20000)
    assert "ndex" in window.status.label.text()
    assert window.open_post(gui.biggest_post(window))  # reading goes on meanwhile
    assert window.next_comment()
    with qtbot.waitSignal(window.search.index_checked, timeout=120000) as blocker:
        release.set()
    assert blocker.args[0].fresh
    qtbot.waitUntil(lambda: not window.status.work.isVisible())
