"""Reading a plain-text dump's bytes: blocks of decoded lines, and the warnings reading and
parsing add to the report (capped).

Why blocks: the dumps run to hundreds of megabytes, so the file is read in 1 MiB binary chunks,
cut at newlines and decoded a block at a time (UTF-8; cp1252 for a file whose first non-ASCII
bytes are not UTF-8; line by line where a UTF-8 file has some bad lines), and the parser
(``reader.formats.blogtext_parser``) walks each block's lines.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from reader.errors import DumpError
from reader.formats.base import ParseReport

BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 20
_MAX_LINE = 64 << 20
_MAX_WARNINGS = 200


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Map the five bytes cp1252 leaves undefined to the same code points, like Windows does."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("reader-cp1252", _cp1252_fallback)


class Warnings:
    """Appends warnings to the report, at most ``_MAX_WARNINGS``, then counts the rest."""

    def __init__(self, report: ParseReport) -> None:
        self.report = report
        self.suppressed = 0

    def __call__(self, line: int, message: str) -> None:
        if len(self.report.warnings) < _MAX_WARNINGS:
            self.report.warnings.append(f"line {line}: {message}")
        else:
            self.suppressed += 1

    def close(self) -> None:
        if self.suppressed:
            self.report.warnings.append(f"... and {self.suppressed} more warnings")
            self.suppressed = 0


def blocks(
    handle: BinaryIO, path: Path, report: ParseReport, warn: Warnings
) -> Iterator[list[str]]:
    """Decoded lines (without line ends) in blocks of about ``_CHUNK`` bytes, cut at line
    ends (``_Decoder`` turns each into text)."""
    decoder = _Decoder(path, report, warn)
    lineno = 0  # lines handed out so far
    pending: list[bytes] = []
    pending_size = 0
    first = True
    while True:
        chunk = handle.read(_CHUNK)
        report.bytes_read += len(chunk)  # progress bars: blocks are read ahead of parsing
        if first:
            first = False
            if chunk.startswith(BOM):
                chunk = chunk[3:]
        if not chunk:
            if not pending:
                return
            block = b"".join(pending)
            pending = []
            last = True
        else:
            cut = chunk.rfind(b"\n")
            if cut < 0:
                pending.append(chunk)
                pending_size += len(chunk)
                if pending_size > _MAX_LINE:
                    raise DumpError(path, "line longer than 64 MiB: not a text dump", lineno + 1)
                continue
            if pending:
                pending.append(chunk[: cut + 1])
                block = b"".join(pending)
            else:
                block = chunk[: cut + 1]
            pending = [chunk[cut + 1 :]] if cut + 1 < len(chunk) else []
            pending_size = len(chunk) - cut - 1
            last = False
        lines = decoder.text(block, lineno).split("\n")
        if last:
            if lines[-1].endswith("\r"):  # a CR without its LF at the very end
                lines[-1] = lines[-1][:-1]
        else:
            lines.pop()  # the block ends with "\n": the last piece is empty
        lineno += len(lines)
        yield lines
        if last:
            return


class _Decoder:
    """Blocks of bytes as text: UTF-8, or cp1252 for a file whose first non-ASCII bytes are
    not UTF-8 (then all of it), or line by line in a UTF-8 file with some bad lines."""

    def __init__(self, path: Path, report: ParseReport, warn: Warnings) -> None:
        self.path = path
        self.report = report
        self.warn = warn
        self.utf8 = True
        self.ascii_so_far = True

    def text(self, block: bytes, lineno: int) -> str:
        """``block`` (lines ``lineno + 1`` on) as text with LF line ends."""
        nul = block.find(b"\x00")
        if nul >= 0:
            line = lineno + block.count(b"\n", 0, nul) + 1
            raise DumpError(self.path, "binary data (NUL byte): not a text dump", line)
        if not self.utf8:
            text = block.decode("cp1252", "reader-cp1252")
        else:
            try:
                text = block.decode("utf-8")
                if self.ascii_so_far and not block.isascii():
                    self.ascii_so_far = False
            except UnicodeDecodeError as exc:
                text = self._not_utf8(block, lineno, exc)
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        return text

    def _not_utf8(self, block: bytes, lineno: int, exc: UnicodeDecodeError) -> str:
        bad_line = lineno + block.count(b"\n", 0, exc.start) + 1
        if self.ascii_so_far and block[: exc.start].isascii():
            self.utf8 = False
            self.report.encoding = "cp1252"
            self.warn(bad_line, "not valid UTF-8; the file is read as cp1252")
            return block.decode("cp1252", "reader-cp1252")
        self.ascii_so_far = False
        return _decode_mixed(block, lineno, self.warn)


def _decode_mixed(block: bytes, lineno: int, warn: Warnings) -> str:
    """A block of a UTF-8 file holding some invalid bytes: those lines are read as cp1252."""
    out: list[str] = []
    for offset, raw in enumerate(block.split(b"\n"), start=1):
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            warn(lineno + offset, "not valid UTF-8 in a UTF-8 file; this line is read as cp1252")
            out.append(raw.decode("cp1252", "reader-cp1252"))
    return "\n".join(out)
