"""Annotation and bookmark writes: in order, off the GUI thread, and never lost at exit.

Why not write on the GUI thread: a write does I/O (an fsync of the user-data file and of the
journal), which is no work for the thread that paints.  Each write is a job on the
``TaskRunner``'s user-data thread (``user_data=True``): the user-data file has its own lock, so
a highlight never waits behind an import, which holds only the library database's lock (it
lands within milliseconds; ``tests/gui/test_writes_never_wait.py`` measures it).  The window
shows its effect at once from ``pending`` (the caller overlays it on what it reads).  In a
read-only library a write fails at once, with the reason.

Why ``flush``: ``TaskRunner.shutdown`` cancels queued jobs, and a cancelled job never runs.
Closing the window right after Ctrl+H must not drop the highlight, so ``flush`` (call it before
the runner shuts down) runs every write not yet started on the GUI thread's own connection, in
order, after waiting for the one in flight.  A write is claimed under a lock by whichever side
gets it first; the other side skips it.

Writes are plain functions of a connection whose effect is fully decided on the GUI thread
(objects with their ids already made), so running one late or on another thread changes
nothing about the result.  Each returns the ``Changes`` it made (``write.changes`` once it
landed), for the window's post-commit step.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from reader.changes import NOTHING, Changes
from reader.ui.tasks import TaskContext, TaskRunner

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE = "queued", "running", "done"
KIND = "annotate"


@dataclass(eq=False)
class Write:
    """One store write; ``effect`` is whatever the caller needs to overlay it before it lands."""

    label: str
    fn: Callable[[sqlite3.Connection], Changes]
    effect: Any = None
    state: str = QUEUED
    error: str = ""
    changes: Changes = NOTHING  # what it changed, once it ran
    finished: threading.Event = field(default_factory=threading.Event)


class StoreWrites(QObject):
    """The ordered queue of one window's annotation and bookmark writes."""

    landed = Signal(object)  # Write, committed (GUI thread)
    failed = Signal(object, str)  # Write, one-line reason

    def __init__(
        self,
        runner: TaskRunner,
        connection: Callable[[], sqlite3.Connection],
        parent: QObject | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.connection = connection
        self.read_only = read_only
        self._lock = threading.Lock()
        self._pending: list[Write] = []

    @property
    def pending(self) -> list[Write]:
        """Writes submitted and not yet committed (or failed), oldest first."""
        return list(self._pending)

    def submit(self, label: str, fn: Callable[[sqlite3.Connection], Changes], effect: Any) -> Write:
        """Queue ``fn(conn)`` after every earlier write; returns at once."""
        write = Write(label, fn, effect)
        if self.read_only:
            write.state, write.error = DONE, "the library is read-only"
            write.finished.set()
            self.failed.emit(write, write.error)
            return write
        self._pending.append(write)
        self.runner.submit(
            KIND,
            lambda ctx: self._run_in_worker(write, ctx),
            label=label,
            user_data=True,
            on_done=lambda _result: self._finish(write),
            on_error=lambda error: self._finish(write, error.text),
            on_cancelled=lambda: None,  # shutdown: ``flush`` has run it, or will
        )
        return write

    def _claim(self, write: Write) -> bool:
        with self._lock:
            if write.state != QUEUED:
                return False
            write.state = RUNNING
            return True

    def _run_in_worker(self, write: Write, ctx: TaskContext) -> None:
        if not self._claim(write):
            return  # flushed on the GUI thread already
        try:
            write.changes = write.fn(ctx.library.conn)
        except Exception as exc:
            write.error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            write.state = DONE
            write.finished.set()

    def _finish(self, write: Write, message: str = "") -> None:
        """GUI thread: forget a write that landed (or failed) and tell listeners once."""
        if write not in self._pending:
            return
        self._pending.remove(write)
        if message or write.error:
            self.failed.emit(write, message or write.error)
        else:
            self.landed.emit(write)

    def flush(self, timeout: float = 30.0) -> bool:
        """Run every pending write now, in order (GUI thread; before the runner shuts down).

        Returns False if a write running in the worker did not finish within ``timeout``.
        """
        ok = True
        for write in list(self._pending):
            if self._claim(write):
                try:
                    write.changes = write.fn(self.connection())
                except Exception as exc:  # reported like a failed job; the rest still runs
                    log.exception("write %r failed", write.label)
                    write.error = f"{type(exc).__name__}: {exc}"
                finally:
                    write.state = DONE
                    write.finished.set()
            elif not write.finished.wait(timeout):
                ok = False
                continue
            self._finish(write)
        return ok
