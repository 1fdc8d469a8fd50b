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
