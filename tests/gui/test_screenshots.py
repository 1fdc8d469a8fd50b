"""Screenshots of the main states, saved in the test output for a person to look at.

Each test also checks the state it pictures, so a screenshot never shows a broken window
silently.  Files: ``test-output/gui-*.png``.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtWidgets import QApplication

SIZE = (1280, 800)


def _save(widget, output_dir, name: str) -> None:
    QApplication.processEvents()
    path = output_dir / f"gui-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10000


def _window(make_window, library_dir, theme="light"):
    window = make_window(library_dir)
    window.resize(*SIZE)
    window.set_theme(theme)
    return window


def test_first_run_with_the_sample(make_window, library_dir, qtbot, output_dir):
    window = _window(make_window, library_dir)
    with qtbot.waitSignal(window.import_finished, timeout=60000):
        window.import_sample_if_empty()
    qtbot.waitUntil(lambda: window.current_post is not None)
    window.reading.complete()
    assert window.panes.banner.isVisible()
    _save(window, output_dir, "01-first-run")


def test_thread_with_a_selected_reply(make_window, seeded_library_dir, qtbot, gui, output_dir):
    window = _window(make_window, seeded_library_dir)
    window.open_post(gui.biggest_post(window))
    reply = next(c for c in window.current_post.walk_comments() if c.parent_id)
    window.select_item(reply.id)
    _save(window, output_dir, "02-thread")


def test_search_results(make_window, seeded_library_dir, qtbot, output_dir):
    window = _window(make_window, seeded_library_dir)
    with qtbot.waitSignal(window.search.index_checked, timeout=120000):
        pass
    window.search.field.setText("probation officers")
    with qtbot.waitSignal(window.search.results_shown, timeout=20000):
        window.search.run_search()
    assert window.search.model.rowCount() > 3
    window.search.view.setCurrentIndex(window.search.model.index(1, 0))
    assert window.hit_items
    _save(window, output_dir, "03-search")
    window.set_theme("dark")
    _save(window, output_dir, "05-dark-search")
    window.set_theme("light")


def test_dark_theme(make_window, seeded_library_dir, qtbot, gui, output_dir):
    window = _window(make_window, seeded_library_dir, theme="dark")
    window.open_post(gui.biggest_post(window))
    window.next_comment(4)
    assert window.dark
    _save(window, output_dir, "04-dark")
    window.set_theme("light")


def test_import_report_and_progress(make_window, library_dir, seed_files, tmp_path, qtbot,
                                    monkeypatch, output_dir, gui):  # fmt: skip
    from reader.ui import tasks

    bad = tmp_path / "broken-export.txt"
    bad.write_text("Not a dump at all\n")
    window = _window(make_window, library_dir)
    original = tasks.TaskContext.progress
    held, release = threading.Event(), threading.Event()

    def progress(self, fraction, label=""):
        original(self, fraction, label)
        if self.task.kind == "import" and fraction is not None and not held.is_set():
            held.set()
            release.wait(20)

    monkeypatch.setattr(tasks.TaskContext, "progress", progress)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in [*seed_files[:2], bad]])
    with qtbot.waitSignal(window.import_finished, timeout=60000):
        assert gui.drop(window, mime)
        qtbot.waitUntil(lambda: held.is_set() and window.status.work.isVisible())
        _save(window, output_dir, "09-importing")
        release.set()
    report = window.report
    assert report is not None and report.isVisible()
    report.resize(760, 300)
    _save(report, output_dir, "06-import-report")


def test_month_filter_and_shortcuts(make_window, seeded_library_dir, qtbot, output_dir):
    window = _window(make_window, seeded_library_dir)
    strip = window.activity
    target = (2021, 12)
    slot = (target[0] - strip._first_year) * 12 + target[1] - 1
    rect = strip._bars_rect()
    x = int(rect.left() + (slot + 0.5) * rect.width() / len(strip._months))
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(x, 10))
    assert strip.selected == target
    assert window.posts_model.filtered
    assert all(s.date.month == 12 for s in window.posts_model._rows)
    assert window.panes.month_row.isVisible()
    window.next_post()
    _save(window, output_dir, "07-month-filter")
    window.show_shortcuts()
    dialog = window._shortcuts_dialog
    assert "Next Comment" in dialog.view.toPlainText()
    _save(dialog, output_dir, "08-shortcuts")
