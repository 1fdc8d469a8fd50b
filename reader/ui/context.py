"""What every controller and panel of a window is given: the ``AppContext``.

A part gets the context and the widgets it drives, never the window: the library (the GUI
thread's own connection, for reading), the settings, the task runner (all work off the GUI
thread), the undo stack, the window's ``Events``, the queue of the reader's own writes with
their effect overlaid on what is read (``marks``), and the post-commit step.  Tests build a
context without a window the same way (``AppContext.create``).

A library that cannot be written (a mounted backup, a shared drive: ``Library.read_only``) is
refused here once for every part: ``write`` says so and runs nothing, ``writes`` (the reader's
highlights, notes and bookmarks) fails each write at once with the reason, and the runner opens
its workers' libraries read-only too, so nothing is ever written into such a folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack

from reader.changes import Changes, Saved
from reader.ui.events import Events
from reader.ui.marks_reader import MarksReader
from reader.ui.post_commit import PostCommit
from reader.ui.settings import WindowSettings
from reader.ui.tasks import Task, TaskContext, TaskRunner
from reader.ui.writes import StoreWrites

if TYPE_CHECKING:
    from reader.store import Library


@dataclass(eq=False)
class AppContext:
    """One window's shared services; see the module docstring."""

    library: Library
    settings: WindowSettings
    runner: TaskRunner
    undo: QUndoStack
    events: Events
    writes: StoreWrites
    marks: MarksReader
    post_commit: PostCommit

    @classmethod
    def create(
        cls,
        library: Library,
        parent: QObject,
        *,
        settings: WindowSettings | None = None,
        runner: TaskRunner | None = None,
    ) -> AppContext:
        runner = runner or TaskRunner(library.paths, parent)
        runner.read_only = library.read_only  # the workers' libraries too
        # highlights, notes, bookmarks: on the runner's user-data thread, never behind an import
        writes = StoreWrites(runner, lambda: library.conn, parent, read_only=library.read_only)
        events = Events(parent)
        return cls(
            library=library,
            settings=settings or WindowSettings(),
            runner=runner,
            undo=QUndoStack(parent),
            events=events,
            writes=writes,
            marks=MarksReader(library, writes),
            post_commit=PostCommit(runner, parent),
        )

    @property
    def read_only(self) -> bool:
        """The library cannot be written: every write is refused (see the module docstring)."""
        return self.library.read_only

    def read_only_line(self) -> str:
        return f"The library at {self.library.paths.root} is read-only: nothing was changed"

    def say(self, text: str, timeout_ms: int = 6000) -> None:
        """A line for the status bar."""
        self.events.message.emit(text, timeout_ms)

    def changed(self, changes: Changes) -> None:
        """Tell every view that the library (as this window sees it) changed."""
        if changes:
            self.events.library_changed.emit(changes)

    def committed(self, changes: Changes) -> None:
        """A write of this window landed: derived data follows (``PostCommit``)."""
        self.post_commit.committed(changes)

    def write(
        self,
        kind: str,
        fn: Callable[[Library], Saved[object]],
        *,
        label: str = "",
        defer: bool = False,
        user_data: bool = False,
        quiet: bool = False,
    ) -> Task | None:
        """Run a write on the writer thread (``user_data``: one that writes only the user-data
        file, such as a read mark, on the user-data thread, never behind an import); when it
        lands its changes go to the views and to the post-commit step.

        In a read-only library nothing runs and ``None`` comes back; the status bar says why
        unless ``quiet`` (a write the reader did not ask for, such as a read mark)."""
        if self.read_only:
            if not quiet:
                self.say(self.read_only_line())
            return None

        def landed(saved: Saved[object]) -> None:
            self.changed(saved.changes)
            self.committed(saved.changes)

        def job(ctx: TaskContext) -> Saved[object]:
            return fn(ctx.library)

        return self.runner.submit(
            kind,
            job,
            label=label,
            writes=not user_data,
            user_data=user_data,
            defer=defer,
            on_done=landed,
            on_error=lambda error: self.say(f"Could not save: {error.text}"),
        )
