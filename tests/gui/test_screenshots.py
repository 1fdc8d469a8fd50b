"""Screenshots of the main states, saved in the test output for a person to look at.

Each test checks the state it pictures and what the picture itself shows (``helpers.pictures``):
the panes are not blank, the selection tint and the search-hit colour are on screen where they
must be, a dark theme is dark.  So a screenshot never shows a broken window silently.
Files: ``test-output/gui-*.png``.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from helpers import dumpgen
from helpers.pictures import Picture
from reader.render import DARK, LIGHT

SIZE = (1280, 800)


def _save(widget, output_dir, name: str) -> Picture:
    picture = Picture.grab(widget)
    picture.save(output_dir / f"gui-{name}.png")
    return picture


def _window(make_window, library_dir, theme="light"):
    window = make_window(library_dir)
    window.resize(*SIZE)
    window.view.set_theme(theme)
    QApplication.processEvents()  # the new palette reaches every widget, as between two clicks
    return window


def _panes_not_blank(picture: Picture, window) -> None:
    for name, pane in (
        ("posts list", window.posts_view.viewport()),
        ("thread tree", window.thread_view.viewport()),
        ("reading pane", window.reading.viewport()),
    ):
        assert not picture.part(pane, window).is_blank(), f"the {name} is blank"


def test_first_run_with_the_sample(make_window, library_dir, qtbot, output_dir):
    window = _window(make_window, library_dir)
    with qtbot.waitSignal(window.events.import_finished, timeout=60000):
        window.imports.import_sample_if_empty()
    qtbot.waitUntil(lambda: window.threads.current_post is not None)
    window.reading.complete()
    assert window.panes.banner.isVisible()
    picture = _save(window, output_dir, "01-first-run")
    assert picture.size == SIZE
    _panes_not_blank(picture, window)
    assert not picture.part(window.panes.banner, window).is_blank(floor=5)
    assert not picture.is_dark()


def test_thread_with_a_selected_reply(make_window, seeded_library_dir, qtbot, gui, output_dir):
    window = _window(make_window, seeded_library_dir)
    window.threads.open_post(gui.biggest_post(window))
    assert window.threads.current_post.title == dumpgen.BIG_TITLE
    reply = next(c for c in window.threads.current_post.walk_comments() if c.parent_id)
    window.threads.select_item(reply.id)
    assert window.reading.marked_item == reply.id
    assert window.thread_model.item_id(window.thread_view.currentIndex().internalId()) == (reply.id)
    picture = _save(window, output_dir, "02-thread")
    _panes_not_blank(picture, window)
    # the selected reply has one continuous bar down its left side, on screen
    pane = window.reading
    palette = pane.palette()
    base = palette.color(QPalette.ColorRole.Base)
    reading = picture.part(pane.viewport(), window)
    assert reading.main_colour() == base.name()
    rect = pane._item_rect(pane.items.index(reply.id))
    scroll = pane.verticalScrollBar().value()
    top, bottom = int(rect.top()) - scroll, int(rect.bottom()) - scroll
    assert 0 <= top < pane.viewport().height()
    bar = palette.color(QPalette.ColorRole.Highlight).name()
    image = reading.image
    first = top + 24  # below the heading's top margin
    xs = [x for x in range(image.width()) if image.pixelColor(x, first).name() == bar]
    assert xs, "the selected reply has no bar"
    assert max(xs) - min(xs) < 6, "one thin bar, not a band"
    rows = range(first, min(image.height(), bottom - 10))
    gaps = [y for y in rows if image.pixelColor(min(xs), y).name() != bar]
    assert len(rows) > 20 and not gaps, "the bar is broken between paragraphs"


def test_search_results(make_window, seeded_library_dir, qtbot, output_dir, dumps):
    window = _window(make_window, seeded_library_dir)
    with qtbot.waitSignal(window.search.index_checked, timeout=120000):
        pass
    window.search.field.setText(dumpgen.SEARCH_PAIR)
    with qtbot.waitSignal(window.search.results_shown, timeout=20000):
        window.search.run_search()
    assert window.search.model.rowCount() == len(dumps.items_with(*dumpgen.SEARCH_PAIR.split()))
    window.search.view.setCurrentIndex(window.search.model.index(1, 0))
    assert window.threads.hit_items
    picture = _save(window, output_dir, "03-search")
    results = picture.part(window.search.view.viewport(), window)
    reading = picture.part(window.reading.viewport(), window)
    assert not results.is_blank() and not reading.is_blank()
    assert reading.share(LIGHT.hit_line, 40) > 0.0001, "no search hit marked in the pane"
    window.view.set_theme("dark")
    dark = _save(window, output_dir, "05-dark-search")
    reading = dark.part(window.reading.viewport(), window)
    assert reading.is_dark() and not reading.is_blank()
    assert reading.share(DARK.hit_line, 40) > 0.0001, "no search hit marked in the dark pane"
    assert reading.share(LIGHT.hit_line, 3) == 0
    window.view.set_theme("light")


def test_dark_theme(make_window, seeded_library_dir, qtbot, gui, output_dir):
    window = _window(make_window, seeded_library_dir, theme="dark")
    window.threads.open_post(gui.biggest_post(window))
    window.navigation.next_comment(4)
    assert window.view.dark
    order = [c.id for c in window.threads.current_post.walk_comments()]
    assert window.threads.current_item() == order[3]
    picture = _save(window, output_dir, "04-dark")
    _panes_not_blank(picture, window)
    for pane in (window.posts_view, window.thread_view, window.reading):
        part = picture.part(pane.viewport(), window)
        assert part.is_dark(), f"{pane.objectName() or type(pane).__name__} is not dark"
    reading = picture.part(window.reading.viewport(), window)
    assert reading.main_colour() == window.reading.palette().color(QPalette.ColorRole.Base).name()
    window.view.set_theme("light")


def test_import_report_and_progress(make_window, library_dir, dumps, tmp_path, qtbot,
                                    monkeypatch, output_dir, gui, gates):  # fmt: skip
    from reader.ui import tasks

    bad = tmp_path / "broken-export.txt"
    bad.write_text("Not a dump at all\n")
    window = _window(make_window, library_dir)
    original = tasks.TaskContext.progress
    held, release = gates.new(), gates.new()

    def progress(self, fraction, label=""):
        original(self, fraction, label)
        if self.task.kind == "import" and fraction is not None and not held.is_set():
            held.set()
            release.wait(20)

    monkeypatch.setattr(tasks.TaskContext, "progress", progress)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in [*dumps.paths[:2], bad]])
    with qtbot.waitSignal(window.events.import_finished, timeout=60000):
        assert gui.drop(window, mime)
        qtbot.waitUntil(lambda: held.is_set() and window.status.work.isVisible())
        assert window.status.label.text().startswith("Importing")
        picture = _save(window, output_dir, "09-importing")
        assert not picture.part(window.status.work, window).is_blank(floor=5)
        release.set()
    report = window.imports.report
    assert report is not None and report.isVisible()
    assert [row[0] for row in report.rows() if row[1] != "Added"] == [bad.name]
    assert [row[1] for row in report.rows()] == ["Added", "Added", "Failed"]
    assert [s.title for s in window.posts_model.summaries] == [
        dumpgen.BIG_TITLE,
        dumpgen.FOCUS_TITLE,
    ]
    report.resize(760, 300)
    assert not _save(report, output_dir, "06-import-report").is_blank()


def test_month_filter_and_shortcuts(make_window, seeded_library_dir, qtbot, output_dir, dumps):
    window = _window(make_window, seeded_library_dir)
    strip = window.activity
    target = dumpgen.BUSY_MONTH
    slot = (target[0] - strip._first_year) * 12 + target[1] - 1
    rect = strip._bars_rect()
    x = int(rect.left() + (slot + 0.5) * rect.width() / len(strip._months))
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(x, 10))
    assert strip.selected == target
    assert window.posts_model.filtered
    assert [s.title for s in window.posts_model._rows] == [
        p.title for p in dumps.library if (p.date.year, p.date.month) == target
    ]
    assert window.panes.month_row.isVisible()
    window.navigation.next_post()
    picture = _save(window, output_dir, "07-month-filter")
    _panes_not_blank(picture, window)
    assert not picture.part(strip, window).is_blank(floor=5)
    window.view.show_shortcuts()
    dialog = window.view._shortcuts_dialog
    assert "Next Comment" in dialog.view.toPlainText()
    assert not _save(dialog, output_dir, "08-shortcuts").is_blank()
