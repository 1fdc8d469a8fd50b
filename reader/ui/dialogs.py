"""Every modal question the window asks goes through here, so tests can monkeypatch one function.

Nothing else in ``reader.ui`` calls ``QFileDialog``/``QMessageBox`` directly: a modal dialog in
an offscreen test would block forever.  The Qt classes are imported on first use, which keeps
them out of the window's start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

DUMP_FILTER = (
    "Dumps and exports (*.txt *.xml *.atom *.mbox *.mbx *.zip);;Text dumps (*.txt);;All files (*)"
)


def choose_files(parent: QWidget | None, title: str = "Import dumps") -> list[str]:
    """Files the user picked to import (empty if cancelled)."""
    from PySide6.QtWidgets import QFileDialog

    files, _ = QFileDialog.getOpenFileNames(parent, title, "", DUMP_FILTER)
    return list(files)


def choose_folder(parent: QWidget | None, title: str = "Import a folder of dumps") -> str:
    """A folder to import recursively, or "" if cancelled."""
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getExistingDirectory(parent, title)


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question; True for yes."""
    from PySide6.QtWidgets import QMessageBox

    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    answer = QMessageBox.question(parent, title, text, buttons, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """A message the user acknowledges (rich text allowed: callers escape what they insert)."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.about(parent, title, text)
