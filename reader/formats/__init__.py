"""Dump formats: one module per format (see ``reader.formats.base``), and this registry.

The registry picks a format by content: every format sniffs the file's first block and the
most confident one above ``MIN_CONFIDENCE`` reads it.  A file no format wants is refused with
"not an archive this version reads" and what it looked like (plain text, XML with root <rss>,
HTML, JSON, binary), so a person knows whether they picked the wrong file or need a newer
version.  Formats are listed explicitly in ``FORMATS``: adding one is adding a module there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from reader.errors import DumpError
from reader.formats.base import HEAD_BYTES, Format, ParseReport
from reader.formats.source import SourceFile
from reader.model import ParsedPost

__all__ = [
    "HEAD_BYTES",
    "Format",
    "ParseReport",
    "SourceFile",
    "describe",
    "detect",
    "detect_head",
    "formats",
    "parse",
]

MIN_CONFIDENCE = 0.5


def formats() -> list[Format]:
    """Every format this version reads, in the order ties are broken."""
    from reader.formats import blogger, blogtext, disqus, mbox, wxr, ziparchive

    return [blogtext, wxr, blogger, disqus, mbox, ziparchive]


def detect_head(head: bytes, path: Path, *, exclude: tuple[str, ...] = ()) -> Format:
    """The format whose ``sniff`` is most confident about ``head``, or ``DumpError`` saying
    what the file looked like.  ``exclude`` names formats not to consider (zip in a zip)."""
    best: Format | None = None
    best_score = 0.0
    for fmt in formats():
        if fmt.NAME in exclude:
            continue
        score = fmt.sniff(head, path.name)
        if score > best_score:
            best, best_score = fmt, score
    if best is None or best_score < MIN_CONFIDENCE:
        raise DumpError(path, f"not an archive this version reads: {describe(head)}", line=1)
    return best


def detect(path: Path) -> Format:
    """The format of the file at ``path`` (reads its first block only)."""
    with SourceFile(Path(path)) as source:
        return detect_head(source.head, Path(path))


def parse(path: Path, report: ParseReport | None = None) -> Iterator[ParsedPost]:
    """Detect the format of ``path`` and stream its posts (the file is read once)."""
    report = report if report is not None else ParseReport()
    path = Path(path)
    report.path = path
    source = SourceFile(path)
    try:
        fmt = detect_head(source.head, path)
        report.format = fmt.NAME
        yield from fmt.parse(source.stream, report)
    finally:
        source.close()
        report.close()


_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def describe(head: bytes) -> str:
    """What ``head`` looks like, for "not an archive this version reads: ..." messages."""
    if not head.strip():
        return "the file is empty"
    if head.startswith(b"\x1f\x8b"):
        return "a gzip-compressed file; unpack it first"
    if head.startswith((b"7z\xbc\xaf", b"Rar!", b"BZh")):
        return "a compressed archive this version cannot open; unpack it first"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary data, not a text dump or an export"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = text[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return (
            "an HTML page; this version reads a blog's export files (Blogger, WordPress,"
            " Disqus, mbox) or its pages saved as plain text"
        )
    if text.startswith(b"<"):
        body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", text, flags=re.S)
        match = _XML_ROOT.search(body)
        root = match.group(0)[1:].decode("ascii", "replace") if match else "?"
        return (
            f"XML with root element <{root}>; this version reads XML exports from Blogger"
            " (Atom), WordPress (WXR) and Disqus"
        )
    if text.startswith((b"{", b"[")):
        return "JSON data; this version reads no JSON export yet"
    first = text.split(b"\n", 1)[0][:60].decode("utf-8", "replace").strip()
    hints = "; ".join(f.HINT for f in formats() if f.KIND in ("text", "mbox"))
    return f"unknown format: plain text starting {first!r} ({hints})"
