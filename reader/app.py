"""The only module that wires the core to the window: QApplication, Library, MainWindow.

``main`` is what ``archive-reader`` with no command runs: it hands the files it was given to a
window already open on the same library, if there is one (``reader.ui.single_instance``), else
opens the window, imports them as a drop would, and answers later launches.  It also sets up
the log and the crash dialog (``reader.applog``, ``reader.ui.crash``).  ``start`` does
everything up to a shown window and is shared with the benchmark, so what it times is what
users get.  The sample archive is imported here (through the window) and nowhere else: CLI
commands never add it, and a launch with files to open does not either.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader import __version__
from reader.errors import ReaderError
from reader.paths import APP_ID, LibraryPaths

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from reader.store import Library
    from reader.ui.controllers.imports import ImportOutcome
    from reader.ui.mainwindow import MainWindow


@dataclass
class Started:
    """What ``start`` built; the caller owns closing the library after the event loop."""

    app: QApplication
    window: MainWindow
    library: Library


def start(
    library: str | None = None,
    argv: Sequence[str] | None = None,
    *,
    first_run: bool = True,
    damage: str = "",
) -> Started:
    """Create the application and show the window on ``library`` (default: the user's).

    ``damage``: what File › Check Library… found in the last window, which closed so that the
    library could be repaired: the repair is offered first."""
    with _collector_paused():
        return _start(library, argv, first_run=first_run, damage=damage)


def _start(
    library: str | None, argv: Sequence[str] | None, *, first_run: bool, damage: str
) -> Started:
    from PySide6.QtWidgets import QApplication

    _spare_pyside_source_scan()
    from reader.ui import icons
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
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # the Wayland app id: the .desktop entry's name
    app.setWindowIcon(icons.app_icon())
    lib = _open_or_repair(library, damage)
    window = MainWindow(lib, settings=WindowSettings())
    window.show()
    restored = window.restore_position()
    if first_run and not restored and window.imports.import_sample_if_empty() is None:
        window.open_newest_post()  # a library filled before (the CLI): its newest post
    return Started(app, window, lib)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic collection while the window is built, then everything made so far frozen.

    Building the window (``_start``) imports most of the program and makes its widgets and the posts
    list: enough allocations to run Python's collector ~80 times (~10 ms of the start's CPU),
    each pass walking objects that all live as long as the window.  Afterwards ``gc.freeze``
    keeps them out of later full passes, which otherwise walk all of it (~30 ms) at
    unpredictable moments, such as while a thread opens.  The price: the few cycles the
    imports leave behind (~360 small objects: functions and classes that ``dataclass`` and
    ``enum`` replace while defining classes) are frozen instead of freed, ~100 KB once."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def _spare_pyside_source_scan() -> None:
    """Tell PySide that this program's modules use it, so that it does not read their source.

    Once PySide is loaded, its ``__feature__`` import hook (PYSIDE-2029) reads the source of
    every module named in an import statement from then on, the first time (``inspect.
    getsource``), to see whether it mentions PySide: ~10 ms of the start's CPU for the ~120
    modules the window names (ours, and standard ones such as ``os`` that were loaded long
    before), and ~2 MB of source kept in ``linecache``.  Marking them beforehand skips the
    scan: the standard library's with -1 (what the scan finds: no PySide), ours with 0
    (PySide's standard feature set, what the scan gives a module that uses it; the program
    never selects another set, ``snake_case`` or ``true_property``, so no module sees anything
    different).  Without that table (another PySide) the scan simply runs."""
    import __feature__  # type: ignore[import-not-found]  # PySide's, present with PySide

    table = getattr(__feature__, "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return
    for loaded in list(sys.modules):
        if loaded.partition(".")[0] in sys.stdlib_module_names:
            table.setdefault(loaded, -1)
    package = Path(__file__).parent
    for folder, _dirs, files in os.walk(package):
        prefix = Path(folder).relative_to(package.parent).parts
        for name in files:
            if name.endswith(".py"):
                stem = name[:-3]
                table.setdefault(".".join(prefix if stem == "__init__" else (*prefix, stem)), 0)


def _open_or_repair(library: str | None, damage: str = "") -> Library:
    """The library, after offering a repair (with a dialog) if it is damaged, or if ``damage``
    says a check found it damaged."""
    from reader.errors import LibraryDamaged
    from reader.store import Library

    root = LibraryPaths.resolve(library).root
    if damage:
        from reader.ui import damage_dialog  # only for a damaged library (~2 ms to import)

        if not damage_dialog.offer_repair(damage, root):
            raise LibraryDamaged(damage, root)
        return Library.open(library)
    try:
        return Library.open(library)
    except LibraryDamaged as exc:
        from reader.ui import damage_dialog

        if not damage_dialog.offer_repair(str(exc), root):
            raise
    return Library.open(library)


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


def _quit_after_import(started: Started, paths: Sequence[str]) -> None:
    """``--quit-after-import``: print what the import did and end the event loop, with status
    1 if a file could not be imported; without paths, once the window has nothing to do."""
    app, window = started.app, started.window

    def finished(outcome: ImportOutcome) -> None:
        print(outcome.summary(), flush=True)
        app.exit(1 if outcome.problems else 0)

    if paths:
        window.events.import_finished.connect(finished)
        return

    def when_idle() -> None:
        if not window.runner.busy:
            app.exit(0)

    window.runner.busy_changed.connect(lambda busy: None if busy else when_idle())
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, when_idle)


def main(
    library: str | None = None,
    argv: Sequence[str] | None = None,
    *,
    paths: Sequence[str] = (),
    debug: bool = False,
    quit_after_import: bool = False,
) -> int:
    """Run the reader window until it closes; returns the process exit status.

    ``paths`` (absolute) are imported once the window shows; if a window is already open on
    this library they are handed to it instead and this returns 0 at once.
    """
    problem = missing_display()
    if problem:
        print(f"archive-reader: {problem}", file=sys.stderr)
        return 1
    from reader.ui.single_instance import HandOver, SingleInstance

    root = LibraryPaths.resolve(library).root
    instance = SingleInstance(root)
    handed = instance.hand_over(list(paths))
    if handed == HandOver.DONE:
        return 0
    if handed == HandOver.NO_ANSWER:
        print(
            f"archive-reader: a window is open on {root} but did not answer; if it is stuck, "
            "close it (or end its process) and start again",
            file=sys.stderr,
        )
        return 1

    from reader import applog

    logs = applog.setup(debug=applog.debug_requested(debug))
    log = logging.getLogger("reader.app")
    log.info("starting Archive Reader %s on %s", __version__, root)
    try:
        started = start(library, argv, first_run=not paths)
    except ReaderError as exc:
        print(f"archive-reader: {exc}", file=sys.stderr)
        logs.close()
        return 1
    from reader.ui import crash

    window = started.window
    crashes = crash.install(window, logs.file)
    if not instance.listen():  # another window got there in the same instant
        log.warning("another window is answering for %s", root)
    # A later launch's files go where a drop's go; the window comes to the front.
    instance.paths_received.connect(window.imports.open_paths)
    if quit_after_import:
        _quit_after_import(started, paths)
    if paths:
        window.imports.open_paths(list(paths))
    try:
        status = int(started.app.exec())
        # File › Check Library… found damage and the reader chose Quit and Repair: the window
        # has let go of the library; repair it (with the dialog), then open it again.
        while started.window.repair.repair_on_exit:
            damage = started.window.repair.damage
            started.library.close()
            crashes.uninstall()
            instance.paths_received.disconnect()
            try:
                started = start(library, argv, first_run=False, damage=damage)
            except ReaderError as exc:
                log.info("not repaired: %s", exc)
                return status
            window = started.window
            crashes = crash.install(window, logs.file)
            instance.paths_received.connect(window.imports.open_paths)
            status = int(started.app.exec())
        return status
    finally:
        instance.close()
        if window.isVisible():
            window.close()  # saves state, stops background work
        started.library.close()
        crashes.uninstall()
        log.info("closed")
        logs.close()


if __name__ == "__main__":
    sys.exit(main())
