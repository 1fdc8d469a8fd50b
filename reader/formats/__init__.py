"""Dump formats: one module per format, each with ``sniff`` and ``parse``; this registry picks one.

A format module provides:

* ``NAME: str`` — recorded in the ``sources`` table;
* ``sniff(head: bytes) -> bool`` — whether the first 64 KiB look like this format;
* ``parse(path: Path, report: ParseReport) -> Iterator[ParsedPost]`` — streams posts one by one
  (bounded memory on a 300 MB dump) and raises ``DumpError`` naming the line on malformed input.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from reader.errors import DumpError
from reader.model import ParsedPost

HEAD_BYTES = 65536


@dataclass
class ParseReport:
    """What a parser noticed about a file besides its posts: the encoding it used, warnings."""

    format: str = ""
    encoding: str = "utf-8"
    bytes_read: int = 0  # parsers advance this as they stream, for progress bars
    warnings: list[str] = field(default_factory=list)


def _modules() -> list[ModuleType]:
    from reader.formats import blogtext

    return [blogtext]


def detect(path: Path) -> ModuleType:
    """The format module for ``path``, or ``DumpError`` saying why none fits."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise DumpError(path, f"cannot read file ({exc.strerror or exc})") from exc
    if not head.strip():
        raise DumpError(path, "file is empty")
    if b"\x00" in head[:4096]:
        raise DumpError(path, "not a text dump (binary data)")
    for module in _modules():
        if module.sniff(head):
            return module
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise DumpError(path, "XML/HTML file in a format this version does not read", line=1)
    raise DumpError(
        path, "unknown format: no date line such as 'Sunday, 7 March 2021' found", line=1
    )


def parse(path: Path, report: ParseReport | None = None) -> Iterator[ParsedPost]:
    """Detect the format of ``path`` and stream its posts."""
    report = report if report is not None else ParseReport()
    module = detect(path)
    report.format = module.NAME
    posts: Iterator[ParsedPost] = module.parse(path, report)
    return posts
