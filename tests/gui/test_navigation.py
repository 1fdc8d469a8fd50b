"""Keyboard navigation: j/k through comments, n/p through posts, space, back and forward."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt


def test_j_and_k_move_through_comments_in_display_order(
    make_window, seeded_library_dir, qtbot, gui
):
    window = make_window(seeded_library_dir)
    gui.activate(window)
    post_id = gui.biggest_post(window)
    assert window.threads.open_post(post_id)
    order = [c.id for c in window.threads.current_post.walk_comments()]
    window.thread_view.setFocus()
    qtbot.keyClick(window.thread_view, Qt.Key.Key_J)
    assert window.threads.current_item() == order[0]
    qtbot.keyClick(window.thread_view, Qt.Key.Key_J)
    qtbot.keyClick(window.thread_view, Qt.Key.Key_J)
    assert window.threads.current_item() == order[2]
    assert window.reading.marked_item == order[2]
    qtbot.keyClick(window.thread_view, Qt.Key.Key_K)
    assert window.threads.current_item() == order[1]
    # the reading pane follows: the selected comment's first block is on screen
    bar = window.reading.verticalScrollBar()
    for _ in range(12):
        qtbot.keyClick(window.reading, Qt.Key.Key_J)
    assert window.threads.current_item() == order[13]
    assert bar.value() > 0
    assert window.reading.item_on_top() in order[12:15]


def test_typing_j_in_the_filter_field_does_not_navigate(
    make_window, seeded_library_dir, qtbot, gui
):
    window = make_window(seeded_library_dir)
    gui.activate(window)
    window.threads.open_post(gui.biggest_post(window))
    before = window.threads.current_item()
    window.panes.filter_edit.setFocus()
    qtbot.keyClicks(window.panes.filter_edit, "jk")
    assert window.panes.filter_edit.text() == "jk"
    assert window.threads.current_item() == before


def test_n_and_p_move_through_posts_newest_first(make_window, seeded_library_dir, qtbot, gui):
    window = make_window(seeded_library_dir)
    gui.activate(window)
    ids = [s.id for s in window.posts_model.summaries]
    window.posts_view.setFocus()
    qtbot.keyClick(window.posts_view, Qt.Key.Key_N)
    assert window.threads.current_post.id == ids[0]
    qtbot.keyClick(window.posts_view, Qt.Key.Key_N)
    qtbot.keyClick(window.posts_view, Qt.Key.Key_N)
    assert window.threads.current_post.id == ids[2]
    assert window.posts_model.post_id(window.posts_view.currentIndex()) == ids[2]
    qtbot.keyClick(window.posts_view, Qt.Key.Key_P)
    assert window.threads.current_post.id == ids[1]
    # arrow keys in the posts list open the post under the cursor
    qtbot.keyClick(window.posts_view, Qt.Key.Key_Down)
    assert window.threads.current_post.id == ids[2]


def test_space_pages_down_then_moves_to_the_next_comment(
    make_window, seeded_library_dir, qtbot, gui
):
    window = make_window(seeded_library_dir)
    window.resize(1000, 500)
    gui.activate(window)
    window.threads.open_post(gui.biggest_post(window))
    order = [c.id for c in window.threads.current_post.walk_comments()]
    window.reading.setFocus()
    bar = window.reading.verticalScrollBar()
    # the post body is longer than the pane: space scrolls without changing the selection
    qtbot.keyClick(window.reading, Qt.Key.Key_Space)
    assert bar.value() > 0
    assert window.threads.current_item() == window.threads.current_post.id
    for _ in range(60):
        qtbot.keyClick(window.reading, Qt.Key.Key_Space)
        if window.threads.current_item() != window.threads.current_post.id:
            break
    assert window.threads.current_item() == order[0]
    # a short comment: the next space moves on at once
    short = [c.id for c in window.threads.current_post.walk_comments() if len(c.text) < 200]
    window.threads.select_item(short[0])
    index = order.index(short[0])
    qtbot.keyClick(window.reading, Qt.Key.Key_Space)
    assert window.threads.current_item() == order[index + 1]


def test_back_and_forward_return_to_where_the_reader_jumped_from(
    make_window, seeded_library_dir, qtbot, gui
):
    window = make_window(seeded_library_dir)
    gui.activate(window)
    ids = [s.id for s in window.posts_model.summaries]
    window.threads.open_post(ids[0])
    comment = next(window.threads.current_post.walk_comments(), None)
    first_item = comment.id if comment else ids[0]
    window.threads.select_item(first_item)
    window.threads.open_post(ids[3])
    assert window.commands["back"].isEnabled()
    qtbot.keyClick(window.thread_view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.threads.current_post.id == ids[0]
    assert window.threads.current_item() == first_item
    qtbot.keyClick(window.thread_view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.threads.current_post.id == ids[3]


def test_clicking_in_the_pane_selects_the_tree_row(make_window, seeded_library_dir, qtbot, gui):
    window = make_window(seeded_library_dir)
    gui.activate(window)
    window.threads.open_post(gui.biggest_post(window))
    order = [c.id for c in window.threads.current_post.walk_comments()]
    window.threads.select_item(order[5])
    reading = window.reading
    value = reading.verticalScrollBar().value()
    # click a little below the top of the viewport: inside comment 6's header or text
    rect = reading._item_rect(6)
    y = int(rect.top()) - value + 4
    qtbot.mouseClick(
        reading.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(40, y),
    )
    assert window.threads.current_item() == order[5]
    # a comment further down
    rect = reading._item_rect(7)
    y = int(rect.top()) - value + 4
    if 0 < y < reading.viewport().height():
        qtbot.mouseClick(
            reading.viewport(),
            Qt.MouseButton.LeftButton,
            pos=QPoint(40, y),
        )
        assert window.threads.current_item() == order[6]
        assert reading.verticalScrollBar().value() == value  # clicking does not scroll


def test_expand_and_collapse_all(make_window, seeded_library_dir, gui, qtbot):
    window = make_window(seeded_library_dir)
    window.threads.open_post(gui.biggest_post(window))
    model, view = window.thread_model, window.thread_view
    with_replies = next(c for c in window.threads.current_post.walk_comments() if c.replies)
    index = model.index_for_item(with_replies.id)
    qtbot.waitUntil(lambda: view.isExpanded(index))  # the whole tree, right after the first paint
    window.threads.collapse_all()
    assert not view.isExpanded(index)
    assert view.isExpanded(model.index(0, 0))
    window.threads.expand_all()
    assert view.isExpanded(index)


def test_copy_takes_the_selected_comment_with_its_number(make_window, seeded_library_dir, gui):
    from PySide6.QtGui import QGuiApplication

    window = make_window(seeded_library_dir)
    window.threads.open_post(gui.biggest_post(window))
    reply = next(c for c in window.threads.current_post.walk_comments() if c.parent_id)
    window.threads.select_item(reply.id)
    window.thread_view.setFocus()
    window.commands["copy"].trigger()
    text = QGuiApplication.clipboard().text()
    assert text.startswith(f"{window.threads.current_post.title}, comment {reply.path}:")
    assert reply.text in text


def test_zoom_changes_the_reading_font_within_bounds(make_window, seeded_library_dir):
    window = make_window(seeded_library_dir)
    size = window.reading.font().pointSizeF()
    window.view.zoom_in()
    assert window.reading.font().pointSizeF() > size
    for _ in range(40):
        window.view.zoom_out()
    assert window.reading.font().pointSizeF() >= 5
    window.view.zoom_reset()
    assert window.reading.font().pointSizeF() == size
