"""Errors that reach a user as one clear line, never as a traceback."""

from __future__ import annotations

from pathlib import Path


class ReaderError(Exception):
    """Base for every failure the CLI and the window report as a single line."""


class DumpError(ReaderError):
    """A file that cannot be read as any known dump format, or is malformed at a given line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")


class NotFound(ReaderError):
    """An id (post, comment, annotation) that is not in the library."""


class LibraryError(ReaderError):
    """A problem with the library folder itself (not with a dump or an id); names the folder."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        super().__init__(message)


class LibraryDamaged(LibraryError):
    """The library's database (or user-data file) cannot be read as it should; the message
    names the file, what is wrong and the command that helps (``archive-reader repair``)."""


class LibraryReadOnly(LibraryError):
    """A write was asked of a library opened read-only (a read-only folder, a mounted backup)."""


class LibraryTooNew(LibraryError):
    """The library was upgraded by a newer version of Archive Reader than this one."""
