"""Importing from the window: drops, File › Import…, the report, cancelling."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QUrl

from helpers import dumpgen
from reader.store import Library


def _mime(paths: list[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def _dump(library_dir: Path) -> str:
    with Library.open(library_dir) as library:
        return json.dumps(list(library.dump()), sort_keys=True)


def test_dropping_the_dump_files_imports_them_and_posts_appear(
    make_window, library_dir, dumps, dump_files, qtbot, gui
):
    window = make_window(library_dir)
    assert window.posts_model.total == 0
    arrived: list[object] = []
    window.imports.file_done.connect(arrived.append)
    mime = _mime(dump_files)
    with qtbot.waitSignal(window.events.import_finished, timeout=60000) as blocker:
        assert gui.drop(window, mime)
    outcome = blocker.args[0]
    assert not outcome.problems and not outcome.cancelled
    # one result per file, in order, as each committed
    assert [r.path.name for r in arrived] == [f.name for f in dumps.files]
    assert window.posts_model.total == len(dumps.library)
    assert [s.title for s in window.posts_model.summaries] == [p.title for p in dumps.library]
    assert window.status.counts.text() == (
        f"{len(dumps.library)} posts · {dumps.comment_count} comments · {dumps.new_count} new"
    )
    with Library.open(library_dir) as library:  # exactly what the archive says it holds
        assert dumpgen.without_ids(list(library.dump())) == [
            dumpgen.stored_post_json(p) for p in dumps.library
        ]
    assert window.activity.selected is None
    # the new posts were revealed: the newest is selected and open
    assert window.threads.current_post.title == dumps.library[0].title
    # the window stayed usable: a post opens while nothing runs any more
    assert window.navigation.next_post()
    assert window.threads.current_post.title == dumps.library[1].title


def test_drop_on_a_child_widget_also_imports(make_window, library_dir, dumps, qtbot, gui):
    window = make_window(library_dir)
    mime = _mime([dumps.files[0].path])
    with qtbot.waitSignal(window.events.import_finished, timeout=60000):
        # the reading pane does not take drops itself; the event reaches the window
        assert gui.drop(window, mime, target=window)
    assert [s.title for s in window.posts_model.summaries] == dumps.files[0].titles()


def test_dropped_folder_and_bad_file_are_reported(
    make_window, library_dir, dumps, tmp_path, qtbot, gui
):
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "good.txt").write_bytes(dumps.files[2].path.read_bytes())
    (folder / "notes.md").write_text("just notes, not a dump\n")  # skipped quietly in a folder
    bad = tmp_path / "broken.txt"
    bad.write_text("Some text before any date line\nSunday, 7 March 2021\n\nTitle\n\nBody\n")
    window = make_window(library_dir)
    mime = _mime([folder, bad])
    with qtbot.waitSignal(window.events.import_finished, timeout=60000) as blocker:
        assert gui.drop(window, mime)
    outcome = blocker.args[0]
    assert [r.path.name for r in outcome.problems] == ["broken.txt"]
    report = window.imports.report
    assert report is not None and report.isVisible() and not report.isModal()
    rows = {name: (result, details) for name, result, details in report.rows()}
    assert set(rows) == {"good.txt", "notes.md", "broken.txt"}  # one row per file
    assert rows["broken.txt"][0] == "Failed" and rows["broken.txt"][1].startswith("line 1: ")
    assert rows["notes.md"][0] == "Skipped" and rows["good.txt"][0] == "Added"
    assert [s.title for s in window.posts_model.summaries] == dumps.files[2].titles()


def test_non_file_drops_are_refused(make_window, library_dir, gui):
    window = make_window(library_dir)
    mime = QMimeData()
    mime.setText("https://example.org/not-a-file")
    assert not gui.drop(window, mime)
    web = QMimeData()
    web.setUrls([QUrl("https://example.org/dump.txt")])
    assert not gui.drop(window, web)


def test_file_import_dialog_goes_through_choose_files(
    make_window, library_dir, dumps, qtbot, monkeypatch
):
    from reader.ui import dialogs

    chosen = dumps.file_of(dumpgen.FOCUS_TITLE).path
    monkeypatch.setattr(dialogs, "choose_files", lambda parent, title="": [str(chosen)])
    window = make_window(library_dir)
    with qtbot.waitSignal(window.events.import_finished, timeout=60000):
        window.commands["import_files"].trigger()
    assert [s.title for s in window.posts_model.summaries] == [dumpgen.FOCUS_TITLE]
    [summary] = window.posts_model.summaries
    assert summary.comment_count == dumps.post(dumpgen.FOCUS_TITLE).comment_count


def _big_dump(path: Path, posts: int = 400) -> Path:
    from reader.formats.blogtext_write import write_dump
    from reader.model import ParsedComment, ParsedPost

    def items():
        for n in range(posts):
            comments = [ParsedComment(f"Comment {n}.{c} about the allotment.") for c in range(5)]
            yield ParsedPost(
                dt.date(2010, 1, 1) + dt.timedelta(days=n), f"Generated post {n}",
                f"Body of post {n}.", len(comments), comments,
            )  # fmt: skip

    with open(path, "w", encoding="utf-8") as handle:
        write_dump(items(), handle)
    return path


def test_cancelled_import_leaves_the_library_unchanged(
    make_window, seeded_library_dir, tmp_path, qtbot, monkeypatch, gui
):
    """Cancel from the status bar while a file is half imported: nothing of it stays."""
    from reader.ui import tasks

    big = _big_dump(tmp_path / "big.txt")
    before = _dump(seeded_library_dir)
    window = make_window(seeded_library_dir)

    # Hold the worker at its first progress report inside the file's transaction until the
    # user's cancel arrives, so the test does not depend on timing.
    original = tasks.TaskContext.progress
    held = threading.Event()

    def progress(self, fraction, label=""):
        original(self, fraction, label)
        if self.task.kind == "import" and fraction is not None and not held.is_set():
            held.set()
            self.cancel.wait(20)

    monkeypatch.setattr(tasks.TaskContext, "progress", progress)
    mime = _mime([big])
    with qtbot.waitSignal(window.events.import_finished, timeout=60000) as blocker:
        assert gui.drop(window, mime)
        qtbot.waitUntil(lambda: held.is_set() and window.status.work.isVisible(), timeout=20000)
        assert window.status.cancel_button.isVisible()
        window.status.cancel_button.click()
    outcome = blocker.args[0]
    assert outcome.cancelled
    assert [r.cancelled for r in outcome.results] == [True]
    assert not window.status.work.isVisible()
    assert _dump(seeded_library_dir) == before
    assert "cancelled" in window.statusBar().currentMessage()


@pytest.mark.parametrize("first_run", [True])
def test_first_run_imports_the_sample_and_says_how_to_import(
    make_window, library_dir, qtbot, first_run
):
    window = make_window(library_dir)
    with qtbot.waitSignal(window.events.import_finished, timeout=60000):
        assert window.imports.import_sample_if_empty() is not None
    assert window.posts_model.total == len(_sample_posts())
    banner = window.panes.banner
    assert banner.isVisible() and "Import" in banner.label.text()
    qtbot.waitUntil(lambda: window.threads.current_post is not None)
    assert "Welcome" in window.threads.current_post.title
    # a library with posts never gets the sample
    assert window.imports.import_sample_if_empty() is None


def test_cli_commands_never_add_the_sample(library_dir, capsys):
    from reader.cli import main

    assert main(["--library", str(library_dir), "stats", "--json"]) == 0
    with Library.open(library_dir) as library:
        assert library.is_empty()


def test_drop_on_the_reading_pane_reaches_the_window(make_window, library_dir, dumps, qtbot, gui):
    window = make_window(library_dir)
    mime = _mime([dumps.files[0].path])
    with qtbot.waitSignal(window.events.import_finished, timeout=60000):
        # read-only, the pane's viewport ignores the drop and Qt hands it to the window
        assert gui.drop(window, mime, target=window.reading.viewport())
    assert [s.title for s in window.posts_model.summaries] == dumps.files[0].titles()


def _sample_posts() -> set[tuple[object, str]]:
    """(date, title) of every post in the shipped sample, read by the parser itself."""
    from reader.formats import ParseReport, blogtext
    from reader.ui.controllers.imports import sample_paths

    return {
        (p.date, p.title) for path in sample_paths() for p in blogtext.parse(path, ParseReport())
    }
