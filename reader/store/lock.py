"""The library-level writer lock: one writer of the library database at a time, across processes.

Why a lock file when SQLite has its own locks: SQLite's lock is taken only once a transaction
starts and a second writer then fails with "database is locked" after its busy timeout, saying
nothing about who holds it.  ``library.lock`` is taken first (imports, migrations, creating a
library, repair), so a second writer waits with a message naming the process ("waiting for the
import in process 1234…") and then succeeds, and two first imports into a new folder cannot
race to create the schema.

The lock is an advisory ``flock`` on the open file (``msvcrt.locking`` on Windows): the
operating system drops it when its process dies, even under kill -9, so a stale file never
blocks anyone.  The holder writes one line of JSON into the file saying who it is; waiters read
it only to word their message.  Locks taken through separate ``LibraryLock`` objects exclude
each other in one process too (each opens the file anew), so threads are serialised alike.

What is *not* under this lock: annotations, bookmarks and read marks, which live in their own
file (``userdata.sqlite``) and never wait behind an import; and readers, which never wait.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

WaitFn = Callable[[str], None]
POLL_SECONDS = 0.05

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class LockTimeout(Exception):
    """The lock was not free within the time the caller allowed."""


def describe_holder(path: Path) -> str:
    """ "the import in process 1234" from the lock file, or a plain phrase if it says nothing."""
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict):
        info = {}
    purpose = str(info.get("purpose") or "a change to the library")
    pid = info.get("pid")
    where = f" in process {pid}" if isinstance(pid, int) else " in another process"
    return f"{purpose}{where}"


class LibraryLock:
    """``with LibraryLock(paths.lock, "the import"):`` — waits (telling ``on_wait`` once) until
    no other writer holds the library, then holds it until the block ends."""

    def __init__(
        self,
        path: Path,
        purpose: str,
        *,
        on_wait: WaitFn | None = None,
        timeout: float | None = None,
    ) -> None:
        self.path = Path(path)
        self.purpose = purpose
        self.on_wait = on_wait
        self.timeout = timeout
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            started = time.monotonic()
            told = False
            while not _try_lock(fd):
                if not told:
                    told = True
                    if self.on_wait is not None:
                        self.on_wait(f"waiting for {describe_holder(self.path)}…")
                if self.timeout is not None and time.monotonic() - started > self.timeout:
                    raise LockTimeout(f"{describe_holder(self.path)} still holds the library")
                time.sleep(POLL_SECONDS)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        info = {
            "pid": os.getpid(),
            "purpose": self.purpose,
            "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        with contextlib.suppress(OSError):  # the message is a courtesy; the lock is what counts
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(info).encode())

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> LibraryLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


@contextlib.contextmanager
def held(
    path: Path, purpose: str, *, on_wait: WaitFn | None = None, timeout: float | None = None
) -> Iterator[LibraryLock]:
    """Shorthand for ``with LibraryLock(...)``."""
    lock = LibraryLock(path, purpose, on_wait=on_wait, timeout=timeout)
    with lock:
        yield lock
