"""The posts pane: filters, month clicks, bookmarks and new-comment marks through a re-import."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, QUrl

from helpers import dumpgen
from reader.render import LIGHT
from reader.store import Library
from reader.ui.models.posts import ID_ROLE


def test_title_filter_is_debounced_and_keeps_groups_open(
    make_window, seeded_library_dir, qtbot, dumps
):
    window = make_window(seeded_library_dir)
    total = window.posts_model.total
    assert total == len(dumps.library)
    qtbot.keyClicks(window.panes.filter_edit, dumpgen.FILTER_WORD[:5])
    qtbot.waitUntil(lambda: window.posts_model.shown < total, timeout=3000)
    titles = [s.title for s in window.posts_model._rows]
    assert titles == [p.title for p in dumps.library if dumpgen.FILTER_WORD in p.title.lower()]
    assert len(titles) == dumpgen.FILTER_TITLES
    first = window.posts_model.index_for_post(window.posts_model._rows[0].id)
    assert window.posts_view.isExpanded(first.parent())
    window.panes.filter_edit.clear()
    qtbot.waitUntil(lambda: window.posts_model.shown == total, timeout=3000)


def test_bookmarked_posts_are_marked(make_window, seeded_library_dir, qtbot):
    from reader.annotate import add_bookmark

    with Library.open(seeded_library_dir) as library:
        post_id = library.post_summaries()[2].id
        add_bookmark(library.conn, post_id)
    window = make_window(seeded_library_dir)
    qtbot.waitUntil(lambda: post_id in window.posts_model._bookmarked, timeout=3000)
    index = window.posts_model.index_for_post(post_id)
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "Bookmarked" in index.data(Qt.ItemDataRole.ToolTipRole)


def _head_of(window, item_id: str) -> tuple[str, list[tuple[str, str, bool]]]:
    """The heading line of an item in the reading pane: its text and (text, colour, bold) of
    each fragment."""
    pane = window.reading
    pane.complete()
    number = pane.items.index(item_id)
    block = pane.document().findBlockByNumber(pane._block_ranges()[number][0])
    fragments = []
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        fmt = fragment.charFormat()
        bold = fmt.fontWeight() >= 700
        fragments.append((fragment.text(), fmt.foreground().color().name(), bold))
        it += 1
    return block.text(), fragments


def test_new_comments_are_marked_until_the_thread_is_read(
    make_window, seeded_library_dir, dumps, tmp_path, qtbot, gui
):
    focus = dumps.post(dumpgen.FOCUS_TITLE)
    number = len(focus.comments) + 1
    source = dumps.file_of(dumpgen.FOCUS_TITLE).path
    later = tmp_path / "keepers-log-later.txt"
    later.write_text(
        source.read_text(encoding="utf-8")
        + f"\n\n  {number}. A comment that only the later dump has.\n\n    ReplyDelete\n",
        encoding="utf-8",
    )
    window = make_window(seeded_library_dir)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(later))])
    with qtbot.waitSignal(window.events.import_finished, timeout=60000):
        assert gui.drop(window, mime)
    summary = next(s for s in window.posts_model.summaries if s.title == dumpgen.FOCUS_TITLE)
    assert summary.new_count == 1
    assert summary.comment_count == focus.comment_count + 1
    index = window.posts_model.index_for_post(summary.id, 2)
    count = f"{focus.comment_count + 1}/{focus.declared_comments}"  # found/declared differ
    assert index.data() == f"{count} +1"
    assert index.siblingAtColumn(0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert window.status.counts.text() == (
        f"{len(dumps.library)} posts · {dumps.comment_count + 1} comments"
        f" · {dumps.new_count + 1} new"
    )

    window.threads.open_post(summary.id)
    new = [c for c in window.threads.current_post.walk_comments() if c.is_new]
    assert [(c.path, c.text) for c in new] == [
        (str(number), "A comment that only the later dump has.")
    ]
    tree_index = window.thread_model.index_for_item(new[0].id)
    assert tree_index.data(Qt.ItemDataRole.FontRole).bold()
    qtbot.waitUntil(lambda: window.reading.is_complete)  # the first screenful comes first
    text, fragments = _head_of(window, new[0].id)
    assert text == f"{number} · new"
    assert ("new", LIGHT.new, True) in fragments  # in the "new" colour, bold
    # the list shows it read at once; the store is told in the background
    assert window.posts_model.index_for_post(summary.id, 2).data() == count
    gui.wait_idle(window)
    with Library.open(seeded_library_dir) as library:
        assert library.thread(summary.id).new_count == 0
    window.navigation.next_post()
    window.threads.open_post(summary.id)
    assert not any(c.is_new for c in window.threads.current_post.walk_comments())
    assert _head_of(window, new[0].id)[0] == str(number)
    assert window.posts_model.index_for_post(summary.id).data(ID_ROLE) == summary.id
