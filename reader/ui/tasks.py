"""The one way the window runs long work off the GUI thread (imports, indexing, searches, writes).

A job is a plain function ``fn(ctx: TaskContext) -> result`` run in a thread pool.  It reports
progress and partial results through ``ctx``; the runner turns those into Qt signals delivered on
the GUI thread, where callbacks run.  Rules the runner enforces so callers need not:

* every task has an id and a cancel event; ``ctx.cancelled`` is what jobs poll;
* ``supersede=True`` cancels earlier tasks of the same kind and drops their late results (so a
  search typed quickly never shows stale hits);
* jobs that write run on a single-thread pool, one after the other, so two imports never fight
  for SQLite's write lock and the GUI thread never waits for it;
* jobs that write only the user-data file (``user_data=True``: highlights, notes, bookmarks,
  read marks) run on a single-thread pool of their own, so they are never queued behind an
  import (the file has its own lock: ``reader.store.userdata``);
* ``ctx.library`` opens the job's own ``Library`` (its own SQLite connection, in the worker
  thread) and closes it when the job ends;
* a job that raises reaches ``on_error`` as a ``TaskError`` (what kind, the message, where),
  never a bare string to pick apart; the traceback goes to the log.

Call everything here from the GUI thread, except the ``TaskContext`` methods, which are for the
job.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from reader.paths import LibraryPaths

if TYPE_CHECKING:
    from reader.store import Library

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.05  # seconds between progress signals of one task


class TaskCancelled(Exception):
    """Raise from a job (or let ``ctx.check()`` raise) to end it as cancelled, not failed."""


@dataclass(frozen=True, slots=True)
class TaskError:
    """How a job failed, as the GUI thread receives it.

    ``kind`` is the exception's class name (``"ExportWriteError"``, ``"DumpError"``,
    ``"OSError"``); ``message`` its text, one line for the user; ``file``/``line`` where the
    problem is when that is known: the input file and line for bad input (``DumpError``),
    else the program's own source line that raised (for a bug report).  ``str()`` is the
    one-line form ``"Kind: message"``.
    """

    kind: str
    message: str
    file: str | None = None
    line: int | None = None
    user_error: bool = False  # bad input or a refused operation (ReaderError), not a bug

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"

    @property
    def text(self) -> str:
        """The message for a user: the kind only when it says what kind of bug it was."""
        return self.message if self.user_error else str(self)

    @classmethod
    def of(cls, exc: BaseException) -> TaskError:
        from reader.errors import DumpError, ReaderError

        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if isinstance(exc, DumpError):
            file: str | None = str(exc.path)
            line = exc.line
        else:
            frames = traceback.extract_tb(exc.__traceback__)
            file, line = (frames[-1].filename, frames[-1].lineno) if frames else (None, None)
        user = isinstance(exc, ReaderError)
        return cls(type(exc).__name__, message, file, line, user)


@dataclass(eq=False)
class Task:
    """The GUI side's handle on one submitted job."""

    id: int
    kind: str
    label: str
    cancel_event: threading.Event = field(default_factory=threading.Event)
    on_done: Callable[[Any], None] | None = None
    on_partial: Callable[[Any], None] | None = None
    on_progress: Callable[[float | None, str], None] | None = None
    on_error: Callable[[TaskError], None] | None = None
    on_cancelled: Callable[[], None] | None = None
    stale: bool = False
    finished: bool = False

    def cancel(self) -> None:
        """Ask the job to stop; it notices at its next ``ctx.cancelled`` check."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


class TaskContext:
    """What a job sees, in its worker thread."""

    def __init__(self, task: Task, runner: TaskRunner, paths: LibraryPaths | None) -> None:
        self.task = task
        self._emitter = runner._emitter
        self._paths = paths
        self._read_only = runner.read_only
        self._library: Library | None = None
        self._last_progress = 0.0

    @property
    def cancel(self) -> threading.Event:
        """The cancel flag, in the shape the store's ``cancel=`` parameters take."""
        return self.task.cancel_event

    @property
    def cancelled(self) -> bool:
        return self.task.cancel_event.is_set()

    def check(self) -> None:
        """Raise ``TaskCancelled`` if the user cancelled."""
        if self.cancelled:
            raise TaskCancelled

    def progress(self, fraction: float | None, label: str = "") -> None:
        """Report progress; throttled so a tight loop cannot flood the GUI's event queue."""
        now = time.monotonic()
        if now - self._last_progress < PROGRESS_INTERVAL and fraction not in (0.0, 1.0):
            return
        self._last_progress = now
        self._emit(self._emitter.progress, self.task, fraction, label)

    def partial(self, value: object) -> None:
        """Hand an intermediate result to the GUI (for example one imported file)."""
        self._emit(self._emitter.partial, self.task, value)

    def _emit(self, signal: Any, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window (and the runner) went away: stop quietly
            self.task.cancel()

    @property
    def library(self) -> Library:
        """This job's own ``Library``, opened on first use in the worker thread."""
        if self._library is None:
            if self._paths is None:
                raise RuntimeError("this runner has no library")
            from reader.store import Library

            self._library = Library.open(self._paths, read_only=self._read_only or None)
        return self._library

    def _close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None


class _Emitter(QObject):
    """Lives in the GUI thread; its signals, emitted from workers, arrive there queued."""

    progress = Signal(object, object, str)
    partial = Signal(object, object)
    done = Signal(object, object)
    failed = Signal(object, object)  # Task, TaskError
    cancelled = Signal(object)


class TaskRunner(QObject):
    """Runs jobs in thread pools and calls back on the GUI thread."""

    started = Signal(object)  # Task
    progressed = Signal(object, object, str)  # Task, fraction or None, label
    ended = Signal(object)  # Task, after its callback ran (done, failed or cancelled)
    busy_changed = Signal(bool)

    def __init__(self, paths: LibraryPaths | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.read_only = False  # jobs' libraries open read-only too (``library_state``)
        self._ids = itertools.count(1)
        self._active: dict[int, Task] = {}
        self._emitter = _Emitter(self)
        self._emitter.progress.connect(self._on_progress)
        self._emitter.partial.connect(self._on_partial)
        self._emitter.done.connect(self._on_done)
        self._emitter.failed.connect(self._on_failed)
        self._emitter.cancelled.connect(self._on_cancelled)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(2)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._user_writer = QThreadPool(self)
        self._user_writer.setMaxThreadCount(1)
        self._closed = False

    # -- submitting --------------------------------------------------------------------------

    def submit(
        self,
        kind: str,
        fn: Callable[[TaskContext], Any],
        *,
        label: str = "",
        writes: bool = False,
        user_data: bool = False,
        supersede: bool = False,
        on_done: Callable[[Any], None] | None = None,
        on_partial: Callable[[Any], None] | None = None,
        on_progress: Callable[[float | None, str], None] | None = None,
        on_error: Callable[[TaskError], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        defer: bool = False,
    ) -> Task:
        """Queue ``fn``; ``writes=True`` puts it on the single writer thread, ``user_data=True``
        on the user-data writer thread (never behind an import).

        ``defer=True`` starts it on the next turn of the event loop, once what the user is
        waiting for has been painted (a worker starting meanwhile competes with the paint
        for the CPU and Python's lock); the task counts as active from now on."""
        task = Task(
            next(self._ids),
            kind,
            label,
            on_done=on_done,
            on_partial=on_partial,
            on_progress=on_progress,
            on_error=on_error,
            on_cancelled=on_cancelled,
        )
        if self._closed:  # the window is closing: nothing new starts
            task.cancel()
            task.finished = True
            return task
        if supersede:
            for other in self._active.values():
                if other.kind == kind:
                    other.stale = True
                    other.cancel()
        was_busy = self.busy
        self._active[task.id] = task
        context = TaskContext(task, self, self.paths)
        pool = self._user_writer if user_data else self._writer if writes else self._readers
        if defer:
            QTimer.singleShot(0, self, lambda: self._start(pool, fn, context))
        else:
            self._start(pool, fn, context)
        self.started.emit(task)
        if not was_busy:
            self.busy_changed.emit(True)
        return task

    def _start(
        self, pool: QThreadPool, fn: Callable[[TaskContext], Any], context: TaskContext
    ) -> None:
        task = context.task
        if task.finished:
            return
        if self._closed:  # shut down before a deferred task started: it never runs
            task.cancel()
            self._on_cancelled(task)
            return
        pool.start(lambda: self._run(fn, context))

    def _run(self, fn: Callable[[TaskContext], Any], context: TaskContext) -> None:
        """Worker thread: run the job, report how it ended; never lets an exception escape."""
        task = context.task
        emit = context._emit
        try:
            if task.cancelled:
                raise TaskCancelled
            result = fn(context)
        except TaskCancelled:
            emit(self._emitter.cancelled, task)
        except Exception as exc:  # reported to the user as one line, logged in full
            log.error("task %s (%s) failed:\n%s", task.id, task.kind, traceback.format_exc())
            emit(self._emitter.failed, task, TaskError.of(exc))
        else:
            emit(self._emitter.done, task, result)
        finally:
            try:
                context._close()
            except Exception:  # closing must not hide the job's own outcome
                log.exception("closing the library of task %s failed", task.id)

    # -- state -------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return bool(self._active)

    @property
    def closed(self) -> bool:
        """Shut down: the window is going away, and its library with it."""
        return self._closed

    def active(self, kind: str | None = None) -> list[Task]:
        return [t for t in self._active.values() if kind is None or t.kind == kind]

    def cancel_all(self, kind: str | None = None) -> None:
        for task in self.active(kind):
            task.cancel()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancel everything and wait for the workers; call before the window closes.  Later
        submissions are refused (a timer may still fire while the window is going away)."""
        self._closed = True
        self.cancel_all()
        ok = self._readers.waitForDone(timeout_ms) and self._writer.waitForDone(timeout_ms)
        return bool(ok and self._user_writer.waitForDone(timeout_ms))

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the pools are idle (tests and the benchmark; not for the GUI)."""
        return bool(
            self._writer.waitForDone(timeout_ms)
            and self._user_writer.waitForDone(timeout_ms)
            and self._readers.waitForDone(timeout_ms)
        )

    # -- GUI-thread delivery -------------------------------------------------------------

    def _live(self, task: Task) -> bool:
        return not task.stale and not self._closed and task.id in self._active

    def _on_progress(self, task: Task, fraction: object, label: str) -> None:
        if not self._live(task):
            return
        value = float(fraction) if isinstance(fraction, (int, float)) else None
        if task.on_progress is not None:
            task.on_progress(value, label)
        self.progressed.emit(task, value, label)

    def _on_partial(self, task: Task, value: object) -> None:
        if self._live(task) and task.on_partial is not None:
            task.on_partial(value)

    def _on_done(self, task: Task, result: object) -> None:
        self._finish(task, lambda: task.on_done(result) if task.on_done else None)

    def _on_failed(self, task: Task, error: TaskError) -> None:
        self._finish(task, lambda: task.on_error(error) if task.on_error else None)

    def _on_cancelled(self, task: Task) -> None:
        self._finish(task, lambda: task.on_cancelled() if task.on_cancelled else None)

    def _finish(self, task: Task, callback: Callable[[], object] | None = None) -> None:
        self._active.pop(task.id, None)
        task.finished = True
        try:
            if callback is not None and not task.stale and not self._closed:
                callback()  # after shutdown the window is gone: results are dropped
        finally:
            self.ended.emit(task)
            if not self._active:
                self.busy_changed.emit(False)
