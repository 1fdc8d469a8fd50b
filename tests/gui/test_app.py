"""``archive-reader`` with no command opens the window; the sample goes only into an empty
library, and only through the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from reader.store import Library


def test_no_command_opens_the_window_on_the_given_library(seeded_library_dir, monkeypatch, qapp):
    from reader import cli

    seen = {}

    def fake_exec():
        shown = [
            w for w in QApplication.topLevelWidgets() if w.objectName() == "main" and w.isVisible()
        ]
        assert len(shown) == 1
        window = shown[0]
        seen["title"] = window.windowTitle()
        seen["posts"] = window.posts_model.total
        seen["library"] = str(window.library.paths.root)
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert cli.main(["--library", str(seeded_library_dir)]) == 0
    assert seen["title"] == "Archive Reader"
    assert seen["posts"] > 5
    assert seen["library"] == str(seeded_library_dir.resolve())


def test_first_start_on_an_empty_library_starts_the_sample_import(library_dir, monkeypatch, qapp):
    from reader import app

    monkeypatch.setattr(QApplication, "exec", staticmethod(lambda: 0))
    started = app.start(str(library_dir))
    try:
        window = started.window
        assert window.runner.active("import"), "the sample import runs in the background"
        assert window.panes.banner.isVisible()
        window.runner.wait()
    finally:
        started.window.close()
        started.library.close()
    with Library.open(library_dir) as library:
        titles = [s.title for s in library.post_summaries()]
    assert any("Welcome" in t for t in titles)


def test_start_pauses_the_collector_and_spares_pyside_the_source_scan(
    qtbot, monkeypatch, library_dir: Path
) -> None:
    """Building the window runs no cyclic collection (its objects all live as long as the
    window) and leaves them frozen with the collector on again; PySide's import hook was told
    that our modules use it, so it did not read their source."""
    import gc

    import __feature__

    from reader import app

    collections: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        started = app.start(str(library_dir), first_run=False)
    finally:
        gc.callbacks.remove(count)
    qtbot.addWidget(started.window)
    try:
        assert collections == []
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        table = __feature__.pyside_feature_dict
        assert table["reader.ui.mainwindow"] == 0  # marked, so never scanned
        assert table["reader.export.pdf"] == 0
        assert table["os"] == -1  # the standard library's: no PySide
    finally:
        started.window.close()
        started.window.runner.shutdown()
        started.library.close()
