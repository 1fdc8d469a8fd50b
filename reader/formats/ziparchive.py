"""Zip files (a Google Takeout download, a zipped export): read in place, every entry sniffed.

Nothing is unpacked to disk.  Each entry is sniffed like a file of its own and, if some format
reads it, parsed from the zip stream; entries no format reads (Takeout's theme HTML, album
JSON, pictures) are skipped and counted.  Zips inside the zip are not opened.

Limits, checked from the central directory before anything is read and enforced while
reading: at most ``MAX_ENTRIES`` entries, ``MAX_TOTAL`` bytes unpacked in all, and no entry
whose unpacked size is more than ``MAX_RATIO`` times its packed size (a zip bomb).  Errors
inside an entry name it as ``archive.zip!Takeout/Blogger/Blogs/x/feed.atom``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from reader.errors import DumpError
from reader.formats.base import HEAD_BYTES, ParseReport
from reader.model import ParsedPost

NAME = "zip"
LABEL = "zip file"
KIND = "zip"
HINT = "a zip file holding exports"

MAX_ENTRIES = 20_000
MAX_TOTAL = 8 << 30
MAX_RATIO = 200
_RATIO_FLOOR = 1 << 20  # small entries may compress as well as they like


def sniff(head: bytes, filename: str = "") -> float:
    return 1.0 if head.startswith((b"PK\x03\x04", b"PK\x05\x06")) else 0.0


class _Counting:
    """A zip entry stream that counts what it hands out against the whole file's limit."""

    def __init__(self, stream: IO[bytes], budget: list[int], report: ParseReport) -> None:
        self._stream = stream
        self._budget = budget
        self._report = report

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._budget[0] -= len(data)
        if self._budget[0] < 0:
            raise DumpError(
                self._report.path, f"unpacks to more than {MAX_TOTAL >> 30} GiB; refused"
            )
        return data


def parse(stream: BinaryIO, report: ParseReport) -> Iterator[ParsedPost]:
    """Every post of every entry some format reads, entry by entry in the zip's order."""
    from reader.formats import detect_head

    report.format = NAME
    archive_path = report.path
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DumpError(archive_path, f"damaged zip file ({exc})") from None
    with archive:
        entries = _checked_entries(archive, archive_path)
        budget = [MAX_TOTAL]
        found = skipped = 0
        formats: list[str] = []
        for info in entries:
            inner = Path(f"{archive_path}!{info.filename}")
            try:
                with archive.open(info) as handle:
                    head = handle.read(HEAD_BYTES)
                    try:
                        fmt = detect_head(head, inner, exclude=(NAME,))
                    except DumpError:
                        skipped += 1
                        continue
                entry_report = ParseReport(format=fmt.NAME, path=inner)
                with archive.open(info) as handle:
                    counted = _Counting(handle, budget, report)
                    yield from fmt.parse(counted, entry_report)  # type: ignore[arg-type]
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
                raise DumpError(inner, f"damaged zip entry ({exc})") from None
            except RuntimeError as exc:  # encrypted entries
                raise DumpError(inner, f"cannot read this zip entry ({exc})") from None
            found += 1
            formats.append(entry_report.format)
            report.warnings.extend(f"{info.filename}: {w}" for w in entry_report.warnings)
            report.bytes_read = stream.tell() if hasattr(stream, "tell") else report.bytes_read
        if not found:
            raise DumpError(
                archive_path,
                f"the zip file holds no archive this version reads ({len(entries)} files)",
            )
        if skipped:
            report.warn(f"{skipped} files in the zip are not archives; skipped")
        report.format = "zip:" + ",".join(sorted(set(formats)))


def _checked_entries(archive: zipfile.ZipFile, path: Path) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise DumpError(path, f"more than {MAX_ENTRIES} files in the zip; refused")
    total = 0
    entries = []
    for info in infos:
        if info.is_dir():
            continue
        parts = PurePosixPath(info.filename).parts
        if any(part.startswith(".") or part == "__MACOSX" for part in parts):
            continue
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise DumpError(
                path,
                f"{info.filename} unpacks {info.file_size // max(info.compress_size, 1)} times"
                " its packed size (a zip bomb?); refused",
            )
        entries.append(info)
    if total > MAX_TOTAL:
        raise DumpError(path, f"unpacks to more than {MAX_TOTAL >> 30} GiB; refused")
    return entries
