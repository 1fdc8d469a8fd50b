"""A bug in the window: a dialog with the details to copy, the traceback in the log file, and
the window still there.  ``crash.present`` is patched where a test only needs to know it was
called; the dialog itself is non-modal, so even unpatched it cannot block a test."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from reader import applog
from reader.ui import crash


@pytest.fixture
def logs():
    setup = applog.setup()
    yield setup
    setup.close()


def boom() -> None:
    raise ZeroDivisionError("the sum went wrong")


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_and_shown(
    make_window, library_dir, qtbot, logs, monkeypatch
) -> None:
    window = make_window(library_dir)
    shown = []
    monkeypatch.setattr(
        crash, "present", lambda parent, problem, log: shown.append((parent, problem, log))
    )
    handler = crash.install(window, logs.file)
    try:
        QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: bool(shown))
    finally:
        handler.uninstall()
    parent, problem, log_file = shown[0]
    assert parent is window and window.isVisible(), "the window stays"
    assert problem.summary == "ZeroDivisionError: the sum went wrong"
    assert "Traceback" in problem.details and "in boom" in problem.details
    assert problem.details.startswith("Archive Reader ")
    assert log_file == logs.file
    text = logs.file.read_text(encoding="utf-8")
    assert "uncaught exception: ZeroDivisionError: the sum went wrong" in text
    assert 'raise ZeroDivisionError("the sum went wrong")' in text
    assert sys.excepthook is not handler.on_exception, "uninstall restores the hook"


def test_the_dialog_is_not_modal_collects_errors_and_copies_them(qtbot, qapp, tmp_path) -> None:
    monkeypatch_dialog = crash._dialog
    try:
        problems = []
        for message in ("first", "second"):
            try:
                raise RuntimeError(message)
            except RuntimeError as exc:
                problems.append(crash.describe(type(exc), exc, exc.__traceback__))
        log_file = tmp_path / "archive-reader.log"
        for problem in problems:
            crash.present(None, problem, log_file)
        dialog = crash._dialog
        qtbot.addWidget(dialog)
        assert dialog.isVisible() and not dialog.isModal()
        assert dialog.count == 2
        details = dialog.details.toPlainText()
        assert "RuntimeError: first" in details and "RuntimeError: second" in details
        assert "2 errors" in dialog.message.text() and str(log_file) in dialog.message.text()
        dialog.copy_button.click()
        assert QApplication.clipboard().text() == details
        dialog.close()
    finally:
        crash._dialog = monkeypatch_dialog


@pytest.mark.qt_no_exception_capture
def test_main_installs_the_handler_for_the_window_and_removes_it(
    monkeypatch, qtbot, qapp, library_dir
) -> None:
    from reader import app

    seen = {}

    def during() -> int:
        seen["hook"] = sys.excepthook
        window = next(
            w for w in QApplication.topLevelWidgets() if w.objectName() == "main" and w.isVisible()
        )
        shown = []
        monkeypatch.setattr(crash, "present", lambda *args: shown.append(args))
        QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: bool(shown))
        seen["parent"] = shown[0][0] is window
        seen["log"] = shown[0][2]
        return 0

    before = sys.excepthook
    monkeypatch.setattr(QApplication, "exec", staticmethod(during))
    assert app.main(library=str(library_dir)) == 0
    assert seen["hook"] is not before and sys.excepthook is before
    assert seen["parent"]
    assert Path(seen["log"]).is_file()
    assert "ZeroDivisionError" in Path(seen["log"]).read_text(encoding="utf-8")
    assert not logging.getLogger("reader").handlers, "the log file handler is removed at exit"
