"""Help › About: version, where the library and the log are, and the licences.

A non-modal dialog, so it never blocks (and a test can open it and read it).  "Copy" puts the
versions and folders on the clipboard, which is what a bug report needs first.
"""

from __future__ import annotations

import html
import platform
import sys
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reader import __version__
from reader.licences import bundle_notices, dependencies, project_licence
from reader.paths import log_dir

SUMMARY = "Read, search, annotate and export archived blog and comment threads, offline."


def versions() -> dict[str, str]:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return {
        "Archive Reader": __version__ + (" (bundle)" if getattr(sys, "frozen", False) else ""),
        "Qt": f"{qVersion()} (PySide6 {pyside_version})",
        "Python": f"{platform.python_version()} on {platform.platform()}",
    }


def _folder_link(path: Path) -> str:
    url = path.as_uri() if path.is_absolute() else html.escape(str(path))
    return f'<a href="{html.escape(url)}">{html.escape(str(path))}</a>'


def third_party_text() -> str:
    """The notices of what this copy bundles (the bundle), else the installed packages'
    licences as their metadata declares them (a pip install)."""
    notices = bundle_notices()
    if notices is not None:
        return notices.read_text(encoding="utf-8", errors="replace")
    lines = [
        "Archive Reader runs on these packages, each under its own licence (the full texts "
        "are in each package's metadata in your Python environment):",
        "",
    ]
    for dep in dependencies():
        lines.append(f"{dep.name} {dep.version}: {dep.licence}")
    lines += [
        "",
        "Qt and PySide6 are used under the GNU Lesser General Public License version 3; "
        "their source code is available from the Qt Project (https://code.qt.io).",
    ]
    return "\n".join(lines)


class AboutDialog(QDialog):
    def __init__(self, library_root: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about-dialog")
        self.setWindowTitle("About Archive Reader")
        self.setModal(False)
        self.resize(640, 460)
        self.library_root = library_root
        self.log_folder = log_dir()

        icon = QLabel(self)
        app_icon = parent.windowIcon() if parent is not None else None
        if app_icon is not None and not app_icon.isNull():
            icon.setPixmap(app_icon.pixmap(QSize(64, 64)))
        title = QLabel(
            f"<h2>Archive Reader {html.escape(__version__)}</h2><p>{html.escape(SUMMARY)}</p>",
            self,
        )
        title.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(title, 1)

        facts = QWidget(self)
        form = QFormLayout(facts)
        for label, value in versions().items():
            form.addRow(f"{label}:", self._label(html.escape(value)))
        form.addRow("Library folder:", self._label(_folder_link(library_root)))
        form.addRow("Log folder:", self._label(_folder_link(self.log_folder)))
        form.addRow(
            "Licence:",
            self._label("MIT License: free to use, change and share, with no warranty."),
        )
        self.licence = self._text(project_licence())
        self.third_party = self._text(third_party_text())
        self.tabs = QTabWidget(self)
        self.tabs.addTab(facts, "&About")
        self.tabs.addTab(self.licence, "&Licence")
        self.tabs.addTab(self.third_party, "&Third-party software")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = QPushButton("&Copy Version Info", self)
        copy.clicked.connect(self.copy_info)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.hide)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def _label(self, rich: str) -> QLabel:
        label = QLabel(rich, self)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setOpenExternalLinks(True)  # folders open in the file manager, on click only
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        label.setWordWrap(True)
        return label

    def _text(self, text: str) -> QPlainTextEdit:
        view = QPlainTextEdit(self)
        view.setReadOnly(True)
        view.setPlainText(text)
        return view

    def info(self) -> str:
        """What "Copy Version Info" copies."""
        lines = [f"{k}: {v}" for k, v in versions().items()]
        lines += [f"Library folder: {self.library_root}", f"Log folder: {self.log_folder}"]
        return "\n".join(lines)

    def copy_info(self) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText(self.info())


def show_about(window: QWidget, library_root: Path) -> AboutDialog:
    """Show the About dialog of ``window`` (made once, then raised again)."""
    dialog = window.findChild(AboutDialog, "about-dialog")
    if dialog is None:
        dialog = AboutDialog(library_root, window)
    dialog.show()
    dialog.raise_()
    return dialog
