"""Writing an export so that the target is either the old file or the complete new one.

Why: an export handed to a tribunal must never be a truncated PDF left behind by a full disk or
a cancelled run.  The bytes go to a hidden temporary file in the same folder (same file system,
so the final ``os.replace`` is atomic), are flushed and fsynced, then renamed over the target.
Any failure removes the temporary file and comes back as one ``ExportWriteError`` line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from reader.errors import ReaderError


class ExportWriteError(ReaderError):
    """The export could not be written where the user asked (no folder, no permission, full)."""


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    return exc.strerror or str(exc)


def check_target(path: Path) -> Path:
    """The absolute target, or ``ExportWriteError`` when it cannot possibly be written.

    Called before any rendering so a typo in the folder fails in milliseconds, not after a
    long layout.
    """
    target = Path(path).expanduser().absolute()
    if target.is_dir():
        raise ExportWriteError(f"cannot write {path}: it is a folder")
    if target.parent.exists() and not target.parent.is_dir():
        raise ExportWriteError(f"cannot write {path}: {target.parent} is not a folder")
    if not target.parent.is_dir():
        raise ExportWriteError(f"cannot write {path}: folder {target.parent} does not exist")
    return target


@contextlib.contextmanager
def atomic_output(path: Path | str) -> Iterator[BinaryIO]:
    """Yield a binary file to write; on normal exit it replaces ``path`` in one rename.

    The temporary file is created on entry, so an unwritable folder fails before the caller
    does any work.  On any exception (including cancellation) the temporary file is removed
    and the previous ``path``, if any, is left untouched.  ``OSError`` becomes
    ``ExportWriteError``; other exceptions pass through unchanged.
    """
    target = check_target(Path(path))
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        # 0o666 through the umask, like any file the user's programs create.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise ExportWriteError(f"cannot write {path}: {_reason(exc)}") from exc
    handle = os.fdopen(fd, "wb")
    try:
        try:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(temp, target)
        except OSError as exc:
            raise ExportWriteError(f"cannot write {path}: {_reason(exc)}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            handle.close()
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path | str, data: bytes) -> None:
    """``data`` to ``path`` through ``atomic_output``."""
    with atomic_output(path) as handle:
        handle.write(data)
