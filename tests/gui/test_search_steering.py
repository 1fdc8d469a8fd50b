"""Search you can steer, as a reader does it: scroll past the first 200 hits, group them by
thread, sort by date, take a "did you mean", and step through a thread's hits with F3 while a
counter says where you are.

Large result lists come from a library this file writes itself (three threads, 90 comments
each, every comment holding the word); the rest use the generated archive (``helpers.dumpgen``),
whose planted words sit in known comments.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from helpers import dumpgen
from reader.formats.blogtext_write import write_dump
from reader.model import ParsedComment, ParsedPost
from reader.store import Library

WORD = "lighthouse"
THREADS, COMMENTS = 3, 90  # 270 comments and 3 posts hold the word: more than a page of 200


def _wait_index(window, qtbot) -> None:
    with qtbot.waitSignal(window.search.index_checked, timeout=120000) as blocker:
        pass
    assert blocker.args[0].fresh


def _search(window, qtbot, text: str):
    search = window.search
    search.field.setText(text)
    with qtbot.waitSignal(search.results_shown, timeout=20000) as blocker:
        search.run_search()
    return blocker.args[0]


@pytest.fixture
def big_results_dir(tmp_path: Path) -> Path:
    """A library where one word has 273 hits in 3 threads."""
    posts = [
        ParsedPost(
            date=dt.date(2023, 1 + t, 5),
            title=f"Keepers' log {t + 1}",
            body=f"The {WORD} log for month {t + 1}.",
            declared_comments=COMMENTS,
            comments=[
                ParsedComment(text=f"Entry {c + 1}: the {WORD} lamp was trimmed at dusk.")
                for c in range(COMMENTS)
            ],
        )
        for t in range(THREADS)
    ]
    dump = tmp_path / "log.txt"
    with open(dump, "w", encoding="utf-8") as handle:
        write_dump(posts, handle)
    library_dir = tmp_path / "library"
    with Library.open(library_dir) as library:
        results = list(library.import_paths([dump]))
        assert all(r.ok for r in results)
    return library_dir


def test_every_hit_is_reachable_by_scrolling_past_the_first_200(
    make_window, big_results_dir, qtbot
):
    window = make_window(big_results_dir)
    _wait_index(window, qtbot)
    results = _search(window, qtbot, WORD)
    total = THREADS * (COMMENTS + 1)
    assert results.total == total
    search = window.search
    assert search.model.rowCount() == 200
    assert "273 matches" in search.summary.text()
    view = search.view
    # scroll as the reader does: the list asks for the next page at its end
    for _ in range(20):
        view.scrollToBottom()
        qtbot.wait(30)
        if search.model.rowCount() == total:
            break
    qtbot.waitUntil(lambda: search.model.rowCount() == total, timeout=10000)
    items = [search.model.hit(r).item_id for r in range(total)]
    assert len(set(items)) == total  # no page repeated or skipped
    assert not search.model.canFetchMore()
    # the last one opens like the first
    view.setCurrentIndex(search.model.index(total - 1, 0))
    assert window.threads.current_item() == items[-1]


def test_grouped_by_thread_shows_a_count_per_thread(
    make_window, big_results_dir, qtbot, output_dir
):
    window = make_window(big_results_dir)
    window.resize(1280, 800)
    _wait_index(window, qtbot)
    _search(window, qtbot, WORD)
    search = window.search
    with qtbot.waitSignal(search.results_shown, timeout=20000):
        qtbot.mouseClick(search.group_button, Qt.MouseButton.LeftButton)
    model = search.model
    assert model.grouped and model.rowCount() == THREADS
    counts = [model.count(r) for r in range(THREADS)]
    assert counts == [COMMENTS + 1] * THREADS
    assert "273 matches in 3 threads" in search.summary.text()
    assert all(
        model.index(r, 0).data(Qt.ItemDataRole.DisplayRole).endswith("· 91 hits")
        for r in range(THREADS)
    )
    # newest first: the threads in date order
    with qtbot.waitSignal(search.results_shown, timeout=20000):
        qtbot.mouseClick(search.sort_button, Qt.MouseButton.LeftButton)
    dates = [model.hit(r).date for r in range(THREADS)]
    assert dates == sorted(dates, reverse=True) and search.sort_button.text() == "Newest first"
    # a thread's row opens it at its best hit
    search.view.setCurrentIndex(model.index(1, 0))
    assert window.threads.current_post.id == model.hit(1).post_id
    search.view.setFocus()
    window.grab().save(str(output_dir / "search-grouped.png"))
    image = search.page.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, 120, 5)}
    assert len(colours) > 4, "the grouped results page is blank"
    # back to one row per hit
    with qtbot.waitSignal(search.results_shown, timeout=20000):
        qtbot.mouseClick(search.group_button, Qt.MouseButton.LeftButton)
    assert not model.grouped and model.rowCount() == 200


def test_a_misspelling_offers_a_suggestion_that_finds_hits(
    make_window, seeded_library_dir, qtbot, dumps
):
    window = make_window(seeded_library_dir)
    _wait_index(window, qtbot)
    search = window.search
    wrong = "foghron"  # dumpgen.SEARCH_WORD with two letters swapped
    results = _search(window, qtbot, wrong)
    assert results.total == 0 and "No matches" in search.summary.text()
    button = search.suggestion_button
    assert button.isVisible()
    assert f"Did you mean: {dumpgen.SEARCH_WORD}?" in button.text()
    with qtbot.waitSignal(search.results_shown, timeout=20000) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert search.field.text() == dumpgen.SEARCH_WORD
    assert blocker.args[0].total == len(dumps.items_with(dumpgen.SEARCH_WORD)) > 0
    assert search.model.rowCount() == blocker.args[0].total
    assert not button.isVisible()  # the words are all found now


def test_f3_counts_the_hits_and_says_when_it_wraps(indexed_seeded_window, qtbot, gui, dumps):
    window = indexed_seeded_window
    gui.activate(window)
    search = window.search
    _search(window, qtbot, dumpgen.SEARCH_WORD)
    post_id = next(s.id for s in window.posts_model.summaries if s.title == dumpgen.BIG_TITLE)
    row = next(r for r in range(search.model.rowCount()) if search.model.hit(r).item_id == post_id)
    search.view.setCurrentIndex(search.model.index(row, 0))
    hits = window.threads.hit_items
    total = len(hits)
    assert total == 8
    counter = window.panes.hit_counter
    assert counter.isVisible()
    assert counter.text().startswith(f"Hit 1 of {total}")
    window.reading.setFocus()
    for n in range(2, total + 1):
        qtbot.keyClick(window.reading, Qt.Key.Key_F3)
        assert counter.text().startswith(f"Hit {n} of {total}")
        assert "wrapped" not in counter.text()
    qtbot.keyClick(window.reading, Qt.Key.Key_F3)  # past the last: back to the first
    assert counter.text().startswith(f"Hit 1 of {total}")
    assert "wrapped to the first" in counter.text()
    qtbot.keyClick(window.reading, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert counter.text().startswith(f"Hit {total} of {total}")
    assert "wrapped to the last" in counter.text()
    # the thread tree marks the comments holding hits
    from reader.ui.models.threadtree import HIT_ROLE

    marked = [i for i in hits if window.thread_model.index_for_item(i).data(HIT_ROLE)]
    assert sorted(marked) == sorted(hits)
    others = [c.id for c in window.threads.current_post.walk_comments() if c.id not in hits]
    assert not any(window.thread_model.index_for_item(i).data(HIT_ROLE) for i in others)
    # the query cleared: no counter, no marks
    search.clear()
    qtbot.waitUntil(lambda: not counter.isVisible(), timeout=3000)
    assert not any(window.thread_model.index_for_item(i).data(HIT_ROLE) for i in hits)


@pytest.fixture
def indexed_seeded_window(make_window, seeded_library_dir, qtbot):
    window = make_window(seeded_library_dir)
    _wait_index(window, qtbot)
    return window
