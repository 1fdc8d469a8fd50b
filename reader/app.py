"""The only module that wires the core to the window: QApplication, Library, MainWindow.

``main`` is what ``archive-reader`` with no command runs.  ``start`` does everything up to a
shown window and is shared with the benchmark, so what it times is what users get.  The sample
archive is imported here (through the window) and nowhere else: CLI commands never add it.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from reader.errors import ReaderError


@dataclass
class Started:
    """What ``start`` built; the caller owns closing the library after the event loop."""

    app: object  # QApplication
    window: object  # reader.ui.mainwindow.MainWindow
    library: object  # reader.store.Library


def start(
    library: str | None = None, argv: Sequence[str] | None = None, *, first_run: bool = True
) -> Started:
    """Create the application and show the window on ``library`` (default: the user's)."""
    from PySide6.QtWidgets import QApplication

    from reader.store import Library
    from reader.ui.mainwindow import MainWindow
    from reader.ui.settings import WindowSettings

    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication(list(argv) if argv is not None else sys.argv[:1])
    )
    app.setApplicationName("Archive Reader")
    app.setApplicationDisplayName("Archive Reader")
    app.setDesktopFileName("archive-reader")
    lib = Library.open(library)
    window = MainWindow(lib, settings=WindowSettings())
    window.show()
    restored = window.restore_position()
    if first_run and not restored:
        window.imports.import_sample_if_empty()
    # Everything made so far (modules, widgets, the posts list) lives as long as the window:
    # keep it out of the collector's full passes, which otherwise walk all of it (~30 ms)
    # at unpredictable moments, such as while a thread opens.  (There is no cyclic garbage
    # yet to strand: a full collection here finds none.)
    gc.freeze()
    return Started(app, window, lib)


def missing_display() -> str | None:
    """Why no window can open here, or None.  Without a display Qt aborts the whole process
    with a message about platform plugins; a newcomer deserves a sentence that says what to do."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset). Start it "
        "from a desktop session, or under a virtual display: xvfb-run archive-reader. "
        "The command line works without one: archive-reader --help"
    )


def main(library: str | None = None, argv: Sequence[str] | None = None) -> int:
    """Run the reader window until it closes; returns the process exit status."""
    problem = missing_display()
    if problem:
        print(f"archive-reader: {problem}", file=sys.stderr)
        return 1
    try:
        started = start(library, argv)
    except ReaderError as exc:
        print(f"archive-reader: {exc}", file=sys.stderr)
        return 1
    try:
        return int(started.app.exec())  # type: ignore[attr-defined]
    finally:
        window = started.window
        if window.isVisible():  # type: ignore[attr-defined]
            window.close()  # type: ignore[attr-defined]  # saves state, stops background work
        started.library.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
