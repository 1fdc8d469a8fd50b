"""File › Export Thread… (Ctrl+E): the dialog and its choices (the export itself is run by
``reader.ui.controllers.export``).

* The dialog chooses PDF/HTML/Markdown, "annotated only", endnotes, the paper size (default
  from the locale, as ``reader.export.default_paper`` decides) and the file; it remembers the
  last folder and choices in the window's settings file.
Modal questions go through ``ask_export``/``choose_export_path`` and the file is opened through
``open_file``, all looked up on this module at call time, so tests patch them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from reader.export import ExportOptions, default_paper
from reader.export.options import FORMATS, PAPERS, SUFFIXES

if TYPE_CHECKING:
    from reader.model import Post

FORMAT_NAMES = {"pdf": "PDF", "html": "HTML", "markdown": "Markdown"}
PAPER_NAMES = {"a4": "A4", "letter": "US Letter"}
FILTERS = {"pdf": "PDF (*.pdf)", "html": "HTML (*.html *.htm)", "markdown": "Markdown (*.md)"}
_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What the dialog asked for."""

    path: Path
    fmt: str
    options: ExportOptions


def file_name(post: Post, fmt: str) -> str:
    """ "2019-12-07 Keeping the Light Honest.pdf": sortable, and legal on every system."""
    title = _UNSAFE.sub(" ", post.title).strip(" .") or "thread"
    title = " ".join(title.split())[:80].rstrip(" .")
    return f"{post.date.isoformat()} {title}{SUFFIXES[fmt]}"


def with_suffix(path: Path, fmt: str) -> Path:
    """``path`` with the format's suffix (replacing another format's, keeping any other)."""
    known = set(SUFFIXES.values()) | {".htm", ".markdown"}
    stem = path.with_suffix("") if path.suffix.lower() in known else path
    return stem.with_name(stem.name + SUFFIXES[fmt])


def open_file(path: Path) -> bool:
    """Open an exported file in the system's viewer (tests patch this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def choose_export_path(parent: QWidget | None, start: Path, fmt: str) -> str:
    """The file chosen in a save dialog, or "" if cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, "Export thread as", str(start), FILTERS[fmt])
    return chosen


class ExportPrefs:
    """The export choices remembered in the window's ini file (``[export]`` section)."""

    def __init__(self, qsettings: Any) -> None:
        self.qs = qsettings

    def _get(self, key: str, default: str) -> str:
        value = self.qs.value(f"export/{key}", default)
        return value if isinstance(value, str) else default

    @property
    def folder(self) -> Path:
        saved = self._get("folder", "")
        if saved and Path(saved).is_dir():
            return Path(saved)
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    @property
    def fmt(self) -> str:
        value = self._get("format", "pdf")
        return value if value in FORMATS else "pdf"

    @property
    def options(self) -> ExportOptions:
        paper = self._get("paper", "")
        return ExportOptions(
            annotated_only=self._get("annotated_only", "false") == "true",
            endnotes=self._get("endnotes", "false") == "true",
            paper=paper if paper in PAPERS else None,
            summary=None if self._get("summary", "true") == "true" else False,
            with_source_details=self._get("source_details", "false") == "true",
        )

    def remember(self, request: ExportRequest) -> None:
        """Keep the folder and choices; the paper only when it is not the locale's anyway."""
        options = request.options
        self.qs.setValue("export/folder", str(request.path.parent))
        self.qs.setValue("export/format", request.fmt)
        self.qs.setValue("export/annotated_only", "true" if options.annotated_only else "false")
        self.qs.setValue("export/endnotes", "true" if options.endnotes else "false")
        self.qs.setValue("export/summary", "false" if options.summary is False else "true")
        self.qs.setValue(
            "export/source_details", "true" if options.with_source_details else "false"
        )
        locale_paper = default_paper()
        paper = options.paper if options.paper and options.paper != locale_paper else ""
        self.qs.setValue("export/paper", paper)


class ExportDialog(QDialog):
    """Format, options and file; ``request()`` reads them back."""

    def __init__(self, parent: QWidget | None, title: str, suggestion: ExportRequest) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Thread")
        self.setObjectName("export-dialog")
        self.formats = QButtonGroup(self)
        row = QHBoxLayout()
        for fmt in FORMATS:
            button = QRadioButton(FORMAT_NAMES[fmt], self)
            button.setObjectName(f"format-{fmt}")
            button.setChecked(fmt == suggestion.fmt)
            self.formats.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        options = suggestion.options
        self.annotated_only = QCheckBox("Only annotated and bookmarked comments", self)
        self.annotated_only.setToolTip("Each with the comments it replies to, for context")
        self.annotated_only.setChecked(options.annotated_only)
        self.endnotes = QCheckBox("Notes as endnotes, at the end of the document", self)
        self.endnotes.setChecked(options.endnotes)
        self.summary = QCheckBox("A summary of the annotations at the front", self)
        self.summary.setChecked(options.summary is not False)
        self.source_details = QCheckBox("Include the dump's full path and the post's id", self)
        self.source_details.setToolTip(
            "Off: only the dump's file name is printed, so a file you hand over shows none of "
            "your folders"
        )
        self.source_details.setChecked(options.with_source_details)
        self.paper = QComboBox(self)
        for paper in PAPERS:
            self.paper.addItem(PAPER_NAMES[paper], paper)
        self.paper.setCurrentIndex(PAPERS.index(options.paper or default_paper()))
        self.path = QLineEdit(str(suggestion.path), self)
        self.path.setObjectName("export-path")
        self.path.setMinimumWidth(380)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form = QFormLayout(self)
        thread = QLabel(title, self)
        thread.setTextFormat(Qt.TextFormat.PlainText)
        thread.setWordWrap(True)
        form.addRow("Thread:", thread)
        form.addRow("Format:", row)
        form.addRow("", self.annotated_only)
        form.addRow("", self.endnotes)
        form.addRow("", self.summary)
        form.addRow("", self.source_details)
        form.addRow("Paper (PDF):", self.paper)
        form.addRow("File:", file_row)
        form.addRow(buttons)
        self.formats.buttonToggled.connect(lambda _b, on: self._format_changed() if on else None)
        self.path.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        self._format_changed()

    @property
    def fmt(self) -> str:
        checked = self.formats.checkedButton()
        return checked.objectName().removeprefix("format-") if checked else "pdf"

    def set_format(self, fmt: str) -> None:
        for button in self.formats.buttons():
            if button.objectName() == f"format-{fmt}":
                button.setChecked(True)

    def _format_changed(self) -> None:
        self.paper.setEnabled(self.fmt == "pdf")
        text = self.path.text().strip()
        if text:
            self.path.setText(str(with_suffix(Path(text), self.fmt)))

    def _browse(self) -> None:
        chosen = choose_export_path(self, Path(self.path.text().strip()), self.fmt)
        if chosen:
            self.path.setText(str(with_suffix(Path(chosen), self.fmt)))

    def _accept(self) -> None:
        if self.path.text().strip():
            self.accept()

    def request(self) -> ExportRequest:
        options = ExportOptions(
            annotated_only=self.annotated_only.isChecked(),
            endnotes=self.endnotes.isChecked(),
            paper=self.paper.currentData(),
            summary=None if self.summary.isChecked() else False,
            with_source_details=self.source_details.isChecked(),
        )
        path = Path(self.path.text().strip()).expanduser()
        return ExportRequest(with_suffix(path, self.fmt), self.fmt, options)


def ask_export(
    parent: QWidget | None, title: str, suggestion: ExportRequest
) -> ExportRequest | None:
    """The export the user asked for, or ``None`` if they cancelled (tests patch this)."""
    dialog = ExportDialog(parent, title, suggestion)
    try:
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
