"""Generations: what makes a folder an index, committed atomically.

An index folder holds whoosh's files: segment files ``MAIN_<segment id>.<ext>`` and one table
of contents per generation, ``_MAIN_<generation>.toc`` (whoosh reads the highest).  Beside
each table of contents this package writes ``reader-index-<generation>.json`` (see
``index.py`` for its content): the sizes, times and checksums of every file the generation
uses and of the table of contents itself.  A commit writes the new segment files, then the
description, then renames the table of contents into place: that rename is the one moment the
index changes, so a process killed at any point leaves the old generation or the new one,
both complete.  Files no generation uses are deleted afterwards (or at the next commit).

**Private whoosh internals relied on** (with ``whoosh_storage``'s list, checked against
``whoosh_storage.CHECKED_WHOOSH_VERSIONS``): ``whoosh.index.TOC`` (``read``, ``write`` — and
that ``write`` puts its file in place through ``storage.rename_file``, which
``_DeferredRename`` holds back — ``schema``, ``segments``, ``generation``),
``FileIndex._reader``, and a segment's ``codec()``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import zlib
from pathlib import Path
from typing import Any

from reader.search.whoosh_storage import FastCodec, whoosh_version

INDEX_NAME = "MAIN"
META_PREFIX = "reader-index-"
_TOC = re.compile(rf"^_{INDEX_NAME}_([0-9]+)\.toc$")
_SEGMENT_FILE = re.compile(rf"^({INDEX_NAME}_[0-9a-z]+)\.[A-Za-z0-9_.]+$")
KEEP_FILES = frozenset({f"{INDEX_NAME}_WRITELOCK"})


def latest_generation(folder: Path) -> int:
    """The generation whoosh would open (-1: no table of contents)."""
    best = -1
    try:
        names = os.listdir(folder)
    except OSError:
        return -1
    for name in names:
        match = _TOC.match(name)
        if match:
            best = max(best, int(match.group(1)))
    return best


def toc_name(generation: int) -> str:
    return f"_{INDEX_NAME}_{generation}.toc"


def meta_name(generation: int) -> str:
    return f"{META_PREFIX}{generation}.json"


def read_meta(folder: Path, generation: int) -> dict[str, Any] | None:
    try:
        meta = json.loads((folder / meta_name(generation)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def file_crc(path: Path) -> int:
    crc = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return crc


def file_record(path: Path) -> list[int]:
    """[size, modification time in ns, CRC-32] of a file."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, file_crc(path)]


def segment_files(folder: Path, segments: list[Any]) -> list[str]:
    """The names of the files of ``segments`` in ``folder``."""
    ids = {segment.segment_id() for segment in segments}
    found = []
    for name in os.listdir(folder):
        match = _SEGMENT_FILE.match(name)
        if match and match.group(1) in ids:
            found.append(name)
    return sorted(found)


def verify_files(folder: Path, meta: dict[str, Any], *, thorough: bool = False) -> str | None:
    """What is wrong with the files of the generation ``meta`` describes, or None.

    Cheap: one ``stat`` per file; a file whose size is right but whose time changed since it
    was written (copied, touched, rewritten in place) has its checksum compared.  ``thorough``
    compares every file's checksum (after a failure, to tell damage from a fault in the code)."""
    toc = meta.get("toc")
    files = meta.get("files")
    if not isinstance(toc, dict) or not isinstance(files, dict):
        return "the index's description is incomplete"
    path = folder / str(toc.get("name"))
    try:
        data = path.read_bytes()
    except OSError:
        return "the index's table of contents is missing"
    if len(data) != toc.get("size") or zlib.crc32(data) != toc.get("crc"):
        return "the index's table of contents is damaged"
    for name, record in files.items():
        try:
            stat = (folder / name).stat()
        except OSError:
            return f"an index file is missing ({name})"
        size, mtime, crc = record
        if stat.st_size != size:
            return f"an index file has the wrong size ({name})"
        if (thorough or stat.st_mtime_ns != mtime) and file_crc(folder / name) != crc:
            return f"an index file is damaged ({name})"
    return None


class _DeferredRename:
    """A whoosh storage whose ``rename_file`` is only noted: the table of contents is written
    under a temporary name and renamed into place by ``commit_generation``."""

    def __init__(self, storage: Any) -> None:
        self._storage = storage
        self.renamed: tuple[str, str] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._storage, name)

    def rename_file(self, frm: str, to: str, safe: bool = False) -> None:
        self.renamed = (frm, to)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit_generation(
    folder: Path,
    storage: Any,
    schema: Any,
    segments: list[Any],
    generation: int,
    meta: dict[str, Any],
    known: dict[str, list[int]] | None = None,
) -> dict[str, Any]:
    """Make ``segments`` generation ``generation`` of the index in ``folder``; return the
    description written beside it (``meta`` plus ``generation``, ``toc`` and ``files``).

    ``known``: file records carried over from the previous description (files are immutable
    once written, so only new files are read for their checksums).  Order: segment files
    synced, description written and synced, table of contents renamed into place (the commit),
    then unused files deleted.
    """
    from whoosh.index import TOC

    known = known or {}
    files: dict[str, list[int]] = {}
    for name in segment_files(folder, segments):
        record = known.get(name)
        path = folder / name
        if record is None or path.stat().st_size != record[0]:
            _fsync(path)
            record = file_record(path)
        files[name] = record
    deferred = _DeferredRename(storage)
    TOC(schema, segments, generation).write(deferred, INDEX_NAME)
    assert deferred.renamed is not None
    temp = folder / deferred.renamed[0]
    _fsync(temp)
    data = temp.read_bytes()
    described = {
        **meta,
        "generation": generation,
        "toc": {"name": toc_name(generation), "size": len(data), "crc": zlib.crc32(data)},
        "files": files,
        "whoosh": ".".join(map(str, whoosh_version())),
    }
    meta_path = folder / meta_name(generation)
    partial = meta_path.with_suffix(".json.tmp")
    partial.write_text(json.dumps(described), encoding="utf-8")
    _fsync(partial)
    os.replace(partial, meta_path)
    crash_point("before-toc")
    os.replace(temp, folder / toc_name(generation))  # the commit
    _fsync(folder)
    crash_point("after-toc")
    clean_folder(folder, generation, files)
    return described


def clean_folder(folder: Path, generation: int, files: dict[str, Any]) -> None:
    """Delete what generation ``generation`` does not use: older tables of contents and
    descriptions, other segments' files, leftovers of interrupted writes.  A file another
    process still has open stays readable to it (POSIX); on Windows it is left for later."""
    keep = {toc_name(generation), meta_name(generation), *files, *KEEP_FILES}
    for name in os.listdir(folder):
        if name in keep:
            continue
        path = folder / name
        try:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            pass


def crash_point(name: str) -> None:
    """Fault tests make the process die here (``ARCHIVE_READER_CRASH_AT=<name>``), as a
    power cut or kill -9 would; does nothing otherwise."""
    if os.environ.get("ARCHIVE_READER_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def read_segments(folder: Path, generation: int | None = None) -> tuple[Any, list[Any], int]:
    """(schema, segments, generation) of the table of contents whoosh would open."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    storage = FileStorage(str(folder), supports_mmap=False)
    toc = TOC.read(storage, INDEX_NAME, gen=generation)
    return toc.schema, toc.segments, toc.generation


def is_ours(schema: Any, segments: list[Any], expected: Any) -> str | None:
    """Why an opened index was not written by this package (None: it was): whoosh's own
    writer, another program or another version of this one would be misread, not rebuilt."""
    if sorted(schema.names()) != sorted(expected.names()):
        return "the index has other fields than this version writes"
    for name in expected.names():
        if type(schema[name]) is not type(expected[name]):
            return f"the index's {name} field is of another kind"
    for segment in segments:
        if type(segment.codec()) is not FastCodec:
            return "the index was written in another format (not by Archive Reader)"
    return None


def open_generation(folder: Path, generation: int, expected_schema: Any) -> Any:
    """A whoosh searcher over exactly generation ``generation`` (not whatever is newest when
    the files are read); raises ``ValueError`` for an index this package did not write."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC, FileIndex
    from whoosh.searching import Searcher

    storage = FileStorage(str(folder), supports_mmap=False)
    toc = TOC.read(storage, INDEX_NAME, gen=generation)
    problem = is_ours(toc.schema, toc.segments, expected_schema)
    if problem:
        raise ValueError(problem)
    reader = FileIndex._reader(storage, toc.schema, toc.segments, toc.generation)
    return Searcher(reader)
