"""No test can wait for a click: every blocking dialog call fails the test instead."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMenu, QMessageBox


def test_blocking_dialog_calls_raise_instead_of_waiting(qapp, modal_dialogs) -> None:
    calls = {
        "QMessageBox.warning": lambda: QMessageBox.warning(None, "Title", "Text"),
        "QMessageBox.question": lambda: QMessageBox.question(None, "Title", "Sure?"),
        "QDialog.exec": lambda: QDialog().exec(),
        "QMessageBox.exec": lambda: QMessageBox().exec(),
        "QFileDialog.getOpenFileNames": lambda: QFileDialog.getOpenFileNames(None, "Open"),
        "QInputDialog.getText": lambda: QInputDialog.getText(None, "Title", "Label"),
        "QMenu.exec": lambda: QMenu.exec([], QPoint(0, 0)),  # the static form
    }
    for name, call in calls.items():
        with pytest.raises(AssertionError, match="a test opened a modal dialog"):
            call()
        assert modal_dialogs[-1] == name
    assert modal_dialogs == list(calls)
    modal_dialogs.clear()  # this test opened them on purpose


def test_a_dialog_opened_inside_a_slot_is_caught_too(qtbot, modal_dialogs) -> None:
    """Qt only prints an exception raised in a slot; the fixture still fails the test."""
    with qtbot.capture_exceptions() as raised:
        QTimer.singleShot(0, lambda: QMessageBox.information(None, "Title", "Text"))
        qtbot.waitUntil(lambda: bool(modal_dialogs), timeout=2000)
    assert modal_dialogs == ["QMessageBox.information"]
    assert [type(exc).__name__ for _, exc, _ in raised] == ["ModalDialogInTest"]
    modal_dialogs.clear()
