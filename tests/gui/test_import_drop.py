"""Importing from the window: drops, File › Import…, the report, cancelling."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QUrl

from reader.store import Library


def _mime(paths: list[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def _dump(library_dir: Path) -> str:
    with Library.open(library_dir) as library:
        return json.dumps(list(library.dump()), sort_keys=True)


def test_dropping_seed_files_imports_them_and_posts_appear(
    make_window, library_dir, seed_files, qtbot, gui
):
    window = make_window(library_dir)
    assert window.posts_model.total == 0
    arrived: list[object] = []
    window.importer.file_done.connect(arrived.append)
    mime = _mime(seed_files)
    with qtbot.waitSignal(window.import_finished, timeout=60000) as blocker:
        assert gui.drop(window, mime)
    outcome = blocker.args[0]
    assert not outcome.problems and not outcome.cancelled
    assert len(arrived) == len(seed_files)  # one result per file, as each committed
    with Library.open(library_dir) as library:
        expected = len(library.post_summaries())
    assert expected > 0
    assert window.posts_model.total == expected
    assert window.activity.selected is None
    assert "posts" in window.status.counts.text()
    # the window stayed usable: a post opens while nothing runs any more
    assert window.next_post()


def test_drop_on_a_child_widget_also_imports(make_window, library_dir, seed_files, qtbot, gui):
    window = make_window(library_dir)
    mime = _mime(seed_files[:1])
    with qtbot.waitSignal(window.import_finished, timeout=60000):
        # the reading pane does not take drops itself; the event reaches the window
        assert gui.drop(window, mime, target=window)
    assert window.posts_model.total >= 1


def test_dropped_folder_and_bad_file_are_reported(
    make_window, library_dir, seed_files, tmp_path, qtbot, gui
):
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "good.txt").write_bytes(seed_files[0].read_bytes())
    (folder / "notes.md").write_text("just notes, not a dump\n")  # skipped quietly in a folder
    bad = tmp_path / "broken.txt"
    bad.write_text("Some text before any date line\nSunday, 7 March 2021\n\nTitle\n\nBody\n")
    window = make_window(library_dir)
    mime = _mime([folder, bad])
    with qtbot.waitSignal(window.import_finished, timeout=60000) as blocker:
        assert gui.drop(window, mime)
    outcome = blocker.args[0]
    assert [r.path.name for r in outcome.problems] == ["broken.txt"]
    report = window.report
    assert report is not None and report.isVisible() and not report.isModal()
    ((name, line, message),) = report.rows()
    assert name == "broken.txt" and line == "1" and message
    assert window.posts_model.total >= 1


def test_non_file_drops_are_refused(make_window, library_dir, gui):
    window = make_window(library_dir)
    mime = QMimeData()
    mime.setText("https://example.org/not-a-file")
    assert not gui.drop(window, mime)
    web = QMimeData()
    web.setUrls([QUrl("https://example.org/dump.txt")])
    assert not gui.drop(window, web)


def test_file_import_dialog_goes_through_choose_files(
    make_window, library_dir, seed_files, qtbot, monkeypatch
):
    from reader.ui import dialogs

    monkeypatch.setattr(dialogs, "choose_files", lambda parent, title="": [str(seed_files[1])])
    window = make_window(library_dir)
    with qtbot.waitSignal(window.import_finished, timeout=60000):
        window.actions["import_files"].trigger()
    assert window.posts_model.total >= 1


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
    with qtbot.waitSignal(window.import_finished, timeout=60000) as blocker:
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
    with qtbot.waitSignal(window.import_finished, timeout=60000):
        assert window.import_sample_if_empty() is not None
    assert window.posts_model.total >= 3
    banner = window.panes.banner
    assert banner.isVisible() and "Import" in banner.label.text()
    qtbot.waitUntil(lambda: window.current_post is not None)
    assert "Welcome" in window.current_post.title
    # a library with posts never gets the sample
    assert window.import_sample_if_empty() is None


def test_cli_commands_never_add_the_sample(library_dir, capsys):
    from reader.cli import main

    assert main(["--library", str(library_dir), "stats", "--json"]) == 0
    with Library.open(library_dir) as library:
        assert library.is_empty()


def test_drop_on_the_reading_pane_reaches_the_window(
    make_window, library_dir, seed_files, qtbot, gui
):
    window = make_window(library_dir)
    mime = _mime(seed_files[:1])
    with qtbot.waitSignal(window.import_finished, timeout=60000):
        # read-only, the pane's viewport ignores the drop and Qt hands it to the window
        assert gui.drop(window, mime, target=window.reading.viewport())
    assert window.posts_model.total >= 1
