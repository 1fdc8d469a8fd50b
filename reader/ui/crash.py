"""When the window hits a bug: the traceback goes to the log, and a dialog says what happened.

Without this, an exception in a Qt slot prints to a terminal nobody sees and the action simply
does nothing; an exception before the event loop makes the window vanish.  ``install`` replaces
``sys.excepthook`` (PySide6 calls it for exceptions raised in slots and event handlers) and
``threading.excepthook``: the traceback, with the versions that matter for a bug report, is
logged (``reader.applog``), and ``present`` shows it in a non-modal dialog with a button that
copies it.  A burst of errors (one per repaint, say) fills the same dialog, never a stack of
them.

``present`` is looked up on this module at call time: tests patch it, so no dialog opens under
test; the dialog is not modal anyway, so it could not block one.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QtMsgType, QUrl, qInstallMessageHandler
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger("reader.crash")
qt_log = logging.getLogger("reader.qt")


@dataclass(frozen=True)
class Problem:
    """One uncaught exception, ready to show and to log."""

    summary: str  # "ValueError: bad value"
    details: str  # versions and the traceback, as a person pastes it into a bug report


def describe(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> Problem:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    lines = traceback.format_exception(exc_type, exc, tb)
    header = (
        f"Archive Reader {__version__}, Python {platform.python_version()}, "
        f"PySide6 {pyside_version} (Qt {qVersion()}), {platform.platform()}"
        f"{', bundled' if getattr(sys, 'frozen', False) else ''}\n\n"
    )
    summary = traceback.format_exception_only(exc_type, exc)[-1].strip()
    return Problem(summary, header + "".join(lines))


class CrashDialog(QDialog):
    """Says something went wrong, with the details to copy; later errors are appended."""

    def __init__(self, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crash-dialog")
        self.setWindowTitle("Archive Reader ran into a problem")
        self.setModal(False)
        self.resize(720, 420)
        self.count = 0
        self.log_file = log_file
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("&Copy Details", self)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        if log_file is not None:
            folder = QPushButton("Open &Log Folder", self)
            folder.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file.parent)))
            )
            buttons.addButton(folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.hide)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def add(self, problem: Problem) -> None:
        self.count += 1
        where = f" The details are also in {self.log_file}." if self.log_file else ""
        errors = "An error" if self.count == 1 else f"{self.count} errors"
        self.message.setText(
            f"{errors} that Archive Reader did not expect: {problem.summary}\n\n"
            "What you imported, highlighted and noted is stored as it was; the action that "
            "failed may not have finished. You can keep working, or restart the program if "
            f"something looks wrong.{where} Please include the details below when you report "
            "the problem."
        )
        separator = "\n" + "-" * 72 + "\n" if self.count > 1 else ""
        self.details.appendPlainText(separator + problem.details.rstrip())

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


_dialog: CrashDialog | None = None


def present(parent: QWidget | None, problem: Problem, log_file: Path | None) -> None:
    """Show ``problem`` in the crash dialog (made on first use, reused after).  Tests patch
    this function; the dialog is not modal, so it cannot block a test either."""
    global _dialog
    if _dialog is None or _dialog.parent() is not parent:
        _dialog = CrashDialog(log_file, parent)
    _dialog.add(problem)
    _dialog.show()
    _dialog.raise_()


@dataclass
class CrashHandler:
    """The hooks ``install`` put in place; ``uninstall`` restores what was there before."""

    parent: QWidget | None
    log_file: Path | None
    previous_hook: Callable[..., object]
    previous_thread_hook: Callable[..., object]
    previous_qt_handler: object = None
    reporting: bool = False

    def on_exception(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self.previous_hook(exc_type, exc, tb)
            return
        problem = describe(exc_type, exc, tb)
        log.error("uncaught exception: %s\n%s", problem.summary, problem.details)
        if self.reporting:  # the report itself failed: logged, and nothing more to try
            return
        self.reporting = True
        try:
            sys.modules[__name__].present(self.parent, problem, self.log_file)
        except Exception:
            log.exception("could not show the crash dialog")
        finally:
            self.reporting = False

    def on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        # Not on the GUI thread: no dialog from here.  Task jobs report their own errors
        # (reader.ui.tasks); this catches threads that do not.
        if args.exc_type is SystemExit:
            return
        problem = describe(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)
        name = args.thread.name if args.thread is not None else "?"
        log.error("uncaught exception in thread %s: %s\n%s", name, problem.summary, problem.details)

    def uninstall(self) -> None:
        if sys.excepthook == self.on_exception:
            sys.excepthook = self.previous_hook
        if threading.excepthook == self.on_thread_exception:
            threading.excepthook = self.previous_thread_hook
        qInstallMessageHandler(self.previous_qt_handler)  # type: ignore[arg-type]


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def install(parent: QWidget | None, log_file: Path | None) -> CrashHandler:
    """Route uncaught exceptions and Qt's own messages to the log, and exceptions on the GUI
    thread to the crash dialog (parented to ``parent``, the main window)."""
    handler = CrashHandler(parent, log_file, sys.excepthook, threading.excepthook)
    sys.excepthook = handler.on_exception
    threading.excepthook = handler.on_thread_exception

    def on_qt_message(kind: QtMsgType, context: object, message: str) -> None:
        qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)
        previous = handler.previous_qt_handler
        if callable(previous):
            previous(kind, context, message)
        elif kind != QtMsgType.QtDebugMsg or qt_log.isEnabledFor(logging.DEBUG):
            print(message, file=sys.stderr)

    handler.previous_qt_handler = qInstallMessageHandler(on_qt_message)
    return handler
