"""Fixtures for window tests: a window on a private library, waits that never sleep.

``make_window`` and ``make_runner`` own their worker threads: at teardown, whatever the test's
outcome, the ``gates`` are released, the workers cancelled and joined, and a worker that will
not stop fails the test there instead of running on into the next test.

Qt warnings fail tests (``qt_log_level_fail = WARNING``); the offscreen platform itself warns
that it cannot propagate size hints or raise windows, which says nothing about our code, so
those two messages (and only those) are ignored for the tests in this folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

OFFSCREEN_NOISE = (
    r"This plugin does not support propagateSizeHints\(\)",
    r"This plugin does not support raise\(\)",
    r"This plugin does not support grabbing the keyboard",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


def _stop_workers(runner, what: str, gates) -> None:
    """Release every gate, cancel and join the workers; fail loudly if one will not stop (it
    would go on running into the next test)."""
    gates.release_all()
    if not runner.shutdown():
        pytest.fail(f"{what}: worker threads still running 10 s after shutdown", pytrace=False)


@pytest.fixture
def make_runner(qtbot, gates) -> Iterator[Callable[..., object]]:
    """``make_runner(paths)`` -> a TaskRunner, shut down (workers joined) at teardown whatever
    the test's outcome; gates from ``gates`` are released first."""
    from reader.ui.tasks import TaskRunner

    made: list[TaskRunner] = []

    def make(paths=None) -> TaskRunner:
        runner = TaskRunner(paths)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        _stop_workers(runner, "a TaskRunner", gates)


@pytest.fixture
def make_window(qtbot, gates) -> Iterator[Callable[..., object]]:
    """``make_window(library_dir)`` -> a shown MainWindow; closed (and its library) at the end,
    after the gates are released and its worker threads have stopped."""
    from reader.store import Library
    from reader.ui.mainwindow import MainWindow

    made: list[tuple[object, object]] = []

    def make(library_dir: Path, *, show: bool = True, restore: bool = False):
        library = Library.open(library_dir)
        window = MainWindow(library)
        qtbot.addWidget(window)
        made.append((window, library))
        if show:  # (``waitExposed`` is a context manager: called bare, it does not wait)
            with qtbot.waitExposed(window):
                window.show()
        if restore:
            window.restore_position()
        return window

    yield make
    gates.release_all()
    try:
        for window, _library in made:
            if window.isVisible():  # type: ignore[attr-defined]
                window.close()  # type: ignore[attr-defined]
            _stop_workers(window.runner, "a window", gates)  # type: ignore[attr-defined]
    finally:
        for _window, library in made:
            library.close()  # type: ignore[attr-defined]


def wait_idle(qtbot, window, timeout: int = 30000) -> None:
    """Until every background task of ``window`` has ended and its results were delivered."""
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=timeout)


def activate(qtbot, window) -> None:
    """Window shortcuts fire only in the active window."""
    window.activateWindow()
    window.raise_()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def biggest_post(window) -> str:
    return max(window.posts_model.summaries, key=lambda s: s.comment_count).id


class GuiHelpers:
    """The helpers above as a fixture (test modules cannot import conftest under importlib)."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot

    def wait_idle(self, window, timeout: int = 30000) -> None:
        wait_idle(self.qtbot, window, timeout)

    def activate(self, window) -> None:
        activate(self.qtbot, window)

    def biggest_post(self, window) -> str:
        return biggest_post(window)

    def drop(self, window, mime, target=None) -> bool:
        """Drag ``mime`` over ``target`` (default: the window) and drop it; True if accepted.

        The caller keeps ``mime`` referenced while this runs (Qt does not own it).
        """
        return drop(window, mime, target)


def _drag_enter(mime, action, buttons, modifiers):
    """QDragEnterEvent takes a QPoint in PySide 6.11 and a QPointF in 6.12: try both."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QDragEnterEvent

    try:
        return QDragEnterEvent(QPoint(20, 20), action, mime, buttons, modifiers)
    except TypeError:
        return QDragEnterEvent(QPointF(20, 20), action, mime, buttons, modifiers)


def drop(window, mime, target=None) -> bool:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QDropEvent
    from PySide6.QtWidgets import QApplication

    widget = target or window
    action = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = _drag_enter(mime, action, buttons, modifiers)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(QPointF(20, 20), action, mime, buttons, modifiers)  # QPointF in both
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


@pytest.fixture
def gui(qtbot) -> GuiHelpers:
    return GuiHelpers(qtbot)
