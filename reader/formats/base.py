"""What every format module provides, and the report a parser fills while it streams.

A format is a module (or any object) with:

* ``NAME`` — short id recorded in the ``sources`` table ("blogtext", "wxr", "blogger", ...);
* ``LABEL`` — how a person names it ("WordPress export (WXR)");
* ``KIND`` — what such a file looks like from outside ("text", "xml", "mbox", "zip"), so the
  registry can say what an unreadable file looked like and what this version expects of it;
* ``HINT`` — one phrase on what a file of this format starts with, for that message;
* ``sniff(head, filename) -> float`` — confidence in 0..1 that the first block (``HEAD_BYTES``)
  is this format.  Decided by content; the file name may only break a tie;
* ``parse(stream, report) -> Iterator[ParsedPost]`` — one thread at a time from a binary
  stream read once, front to back; bounded memory; malformed input raises ``DumpError`` naming
  ``report.path`` and the line (and element, for XML).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from reader.model import ParsedPost

HEAD_BYTES = 65536
MAX_WARNINGS = 200


@dataclass
class ParseReport:
    """What a parser noticed about a file besides its posts: the encoding it used, warnings.

    ``path`` is the name errors and warnings use: the file, or ``archive.zip!inner/feed.atom``
    for an entry of a zip file.
    """

    format: str = ""
    encoding: str = "utf-8"
    bytes_read: int = 0  # parsers advance this as they stream, for progress bars
    warnings: list[str] = field(default_factory=list)
    path: Path = field(default_factory=Path)
    suppressed: int = 0

    def warn(self, message: str, line: int | None = None) -> None:
        """Add a warning, at most ``MAX_WARNINGS`` of them; the rest are only counted."""
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(f"line {line}: {message}" if line else message)
        else:
            self.suppressed += 1

    def close(self) -> None:
        """Say how many warnings were left out, once the file is done."""
        if self.suppressed:
            self.warnings.append(f"... and {self.suppressed} more warnings")
            self.suppressed = 0


class Format(Protocol):
    """The seam between the importer and one dump format; see the module docstring."""

    NAME: str
    LABEL: str
    KIND: str
    HINT: str

    def sniff(self, head: bytes, filename: str = "") -> float: ...

    def parse(self, stream: BinaryIO, report: ParseReport) -> Iterator[ParsedPost]: ...
