"""Import feedback as a reader meets it: a folder with a bad file ends in a report with one
row per file and its reason; the new posts are revealed and selected; counts read "1 post"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl

from helpers import dumpgen


def _drop(window, paths: list[Path], qtbot, gui):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    with qtbot.waitSignal(window.events.import_finished, timeout=60000) as blocker:
        assert gui.drop(window, mime)
    return blocker.args[0]


def test_a_folder_with_a_bad_file_ends_in_a_report_row_per_file(
    make_window, library_dir, dumps, tmp_path, qtbot, gui, output_dir
):
    folder = tmp_path / "dumps"
    folder.mkdir()
    good = dumps.file_of(dumpgen.FOCUS_TITLE)
    (folder / "good.txt").write_bytes(good.path.read_bytes())
    # a dump that starts well and is damaged on line 5 (a NUL byte)
    (folder / "broken.txt").write_bytes(b"Sunday, 7 March 2021\n\nA title\n\nBody \x00 cut\n")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a dump")
    window = make_window(library_dir)
    outcome = _drop(window, [folder], qtbot, gui)
    report = window.imports.report
    assert report is not None and report.isVisible() and not report.isModal()
    rows = {name: (result, details) for name, result, details in report.rows()}
    assert set(rows) == {"good.txt", "broken.txt", "photo.jpg"}
    posts = len(good.titles())
    assert rows["good.txt"] == ("Added", f"{posts} new post{'s' if posts != 1 else ''}, "
                                f"{good_comments(dumps, good)}")  # fmt: skip
    assert rows["broken.txt"][0] == "Failed" and "line 5" in rows["broken.txt"][1]
    assert rows["photo.jpg"][0] == "Skipped" and rows["photo.jpg"][1].startswith("not imported")
    # the summary says what was left out, never "Imported 3 files"
    summary = report.summary.text()
    assert summary.startswith("Imported 1 file: ") and "1 skipped" in summary
    assert "1 failed" in summary
    assert window.statusBar().currentMessage() == outcome.summary()
    # one line per row: the normal row height, the whole text in the tooltip
    table = report.table
    line = report.fontMetrics().height()
    assert all(table.rowHeight(r) <= line + 10 for r in range(table.rowCount()))
    report.resize(760, 240)
    image = report.grab().toImage()
    image.save(str(output_dir / "import-report-per-file.png"))
    assert (
        len({image.pixel(x, y) for x in range(0, image.width(), 9) for y in range(0, 200, 9)}) > 4
    )
    # the new posts: their year and month opened, the newest selected and opened
    post_id = next(s.id for s in window.posts_model.summaries if s.title == dumpgen.FOCUS_TITLE)
    index = window.posts_model.index_for_post(post_id)
    assert window.posts_view.isExpanded(index.parent())
    assert window.posts_view.isExpanded(index.parent().parent())
    newest = window.posts_model.summaries[0].id
    assert window.posts_model.post_id(window.posts_view.currentIndex()) == newest
    qtbot.waitUntil(lambda: window.threads.current_post is not None, timeout=3000)
    assert window.threads.current_post.id == newest


def good_comments(dumps, good) -> str:
    count = sum(dumps.post(t).comment_count for t in good.titles())
    return f"{count} new comment{'s' if count != 1 else ''}"


def test_the_same_file_again_and_an_overlapping_dump_say_so(
    make_window, library_dir, dumps, qtbot, gui
):
    window = make_window(library_dir)
    first = dumps.files[0].path
    _drop(window, [first], qtbot, gui)
    _drop(window, [first], qtbot, gui)
    ((name, result, details),) = window.imports.report.rows()
    assert (name, result) == (first.name, "Already in the library")
    assert details.startswith("nothing new")
