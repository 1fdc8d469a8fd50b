"""The window remembers geometry, splitters, panes, theme, zoom and the reading position."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from reader.ui.theme import palette_is_dark


def test_state_is_restored_after_a_restart(make_window, seeded_library_dir, qtbot, gui):
    window = make_window(seeded_library_dir)
    window.resize(780, 560)  # inside the offscreen platform's 800x600 screen
    post_id = gui.biggest_post(window)
    window.threads.open_post(post_id)
    order = [c.id for c in window.threads.current_post.walk_comments()]
    window.threads.select_item(order[10])
    window.view.zoom_in()
    window.view.zoom_in()
    window.view.set_theme("dark")
    window.panes.splitter.setSizes([250, 200, 330])
    sizes = window.panes.splitter.sizes()
    window.commands["show_activity"].setChecked(False)
    window.reading.scroll_to_item(order[10], 37)
    position = window.reading.position()
    scroll = window.reading.verticalScrollBar().value()
    assert position == (order[10], 37)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())

    QApplication.instance().setPalette(QApplication.style().standardPalette())
    again = make_window(seeded_library_dir, restore=True)
    assert (again.size().width(), again.size().height()) == (780, 560)
    assert again.panes.splitter.sizes() == sizes
    assert again.reading.zoom == 2
    assert again.settings.theme == "dark" and again.view.dark
    assert palette_is_dark(QApplication.palette())
    assert not again.activity.isVisible()
    assert not again.commands["show_activity"].isChecked()
    assert again.threads.current_post.id == post_id
    assert again.threads.current_item() == order[10]
    assert again.reading.marked_item == order[10]
    assert again.reading.position() == position
    assert again.reading.verticalScrollBar().value() == scroll
    again.view.set_theme("light")


def test_missing_last_post_is_harmless(make_window, seeded_library_dir, qtbot):
    window = make_window(seeded_library_dir)
    window.settings.set_position("p-gone", "c-gone", "c-gone", 100)
    assert window.restore_position() is False
    assert window.threads.current_post is None
