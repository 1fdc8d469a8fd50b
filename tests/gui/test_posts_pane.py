"""The posts pane: filters, month clicks, bookmarks and new-comment marks through a re-import."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, QUrl

from reader.store import Library
from reader.ui.models.posts import ID_ROLE


def test_title_filter_is_debounced_and_keeps_groups_open(make_window, seeded_library_dir, qtbot):
    window = make_window(seeded_library_dir)
    total = window.posts_model.total
    qtbot.keyClicks(window.panes.filter_edit, "napo")
    qtbot.waitUntil(lambda: window.posts_model.shown < total, timeout=3000)
    titles = [s.title for s in window.posts_model._rows]
    assert titles and all("napo" in t.lower() for t in titles)
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


def test_new_comments_are_marked_until_the_thread_is_read(
    make_window, seeded_library_dir, seed_files, tmp_path, qtbot, gui
):
    source = next(p for p in seed_files if p.name.startswith("001_"))
    later = tmp_path / "001-later.txt"
    later.write_text(
        source.read_text(encoding="utf-8")
        + "\n\n  11. A comment that only the later dump has.\n\n    ReplyDelete\n",
        encoding="utf-8",
    )
    window = make_window(seeded_library_dir)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(later))])
    with qtbot.waitSignal(window.import_finished, timeout=60000):
        assert gui.drop(window, mime)
    summary = next(s for s in window.posts_model.summaries if s.new_count)
    assert summary.new_count == 1
    index = window.posts_model.index_for_post(summary.id, 2)
    assert index.data().endswith("+1")
    assert index.siblingAtColumn(0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert "1 new" in window.status.counts.text()

    window.open_post(summary.id)
    new = [c for c in window.current_post.walk_comments() if c.is_new]
    assert [c.text for c in new] == ["A comment that only the later dump has."]
    tree_index = window.thread_model.index_for_item(new[0].id)
    assert tree_index.data(Qt.ItemDataRole.FontRole).bold()
    qtbot.waitUntil(lambda: window.reading.is_complete)  # the first screenful comes first
    assert ">new</b>" in window.reading.toHtml() or "new" in window.reading.toPlainText()
    # the list shows it read at once; the store is told in the background
    assert window.posts_model.index_for_post(summary.id, 2).data().endswith("+1") is False
    gui.wait_idle(window)
    with Library.open(seeded_library_dir) as library:
        assert library.thread(summary.id).new_count == 0
    window.next_post()
    window.open_post(summary.id)
    assert not any(c.is_new for c in window.current_post.walk_comments())
    assert window.posts_model.index_for_post(summary.id).data(ID_ROLE) == summary.id
