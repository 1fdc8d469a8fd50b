"""The seam between this package and whoosh's storage: the posting-block layout, how blocks
are written and read, and how index folders are opened.

Everything that touches whoosh's private internals lives here (the list is at the end of this
docstring), so an upgrade of whoosh-reloaded is checked in one place.

**The block layout.**

Why: a W3 posting block is a pickled tuple of 128 document-number deltas, 128 float weights
and 128 position strings, so reading one block builds some 400 Python objects, and a query on
common words reads thousands of blocks (``pickle.loads`` was the top line of the query
profile).  ``FastCodec`` keeps W3's file layout, block headers (which skipping and block-max
scoring read) and term index, but stores each block's data as three byte strings:

* document-number deltas packed 1, 2 or 4 bytes wide;
* weights: None (all 1.0), one float (all equal), whole numbers packed like the deltas, or
  ``(packed 32-bit floats,)``;
* values (word positions): None, or (packed value lengths, the values joined, whether the
  joined values are zlib-compressed).

Only the positions are compressed: a query without a phrase (words, AND, OR, filters) reads
document numbers and weights, and decompressing the positions it does not need was half the
cost of reading a common word's postings (format 5; format 4 compressed the whole block).
Unpacking is ``array`` work in C; positions are cut out only for the documents that need
them.  Short posting lists are stored in the term index itself (``INLINE_LIMIT``; whoosh's
reader supports this, its writer could not produce it because of a misspelt method), and
blocks too small for zlib to shrink are not compressed.  Segments remember their codec (it is
pickled into the index's table of contents), so every reader of these files, whoosh's own
searcher included, decodes them with ``FastLeafMatcher``; tests check that whoosh's searcher
and this package's evaluator agree on them.

**Private whoosh internals relied on** (checked against the versions in
``CHECKED_WHOOSH_VERSIONS``; ``tests/unit/search/test_healing.py`` fails on any other):

* ``W3PostingsWriter``: ``_ids``, ``_weights``, ``_values``, ``_maxweight``, ``_minlength``,
  ``_maxlength``, ``_blocklimit``, ``_blockcount``, ``_postfile``, ``_terminfo``,
  ``_compression``, ``_inlinelimit``, ``_write_block``, ``_new_block``, ``written``;
* ``W3TermInfo``: ``add_block``, ``_inlined``, ``is_inlined``, ``inlined_postings``,
  ``extent``; ``W3LeafMatcher``: ``_read_data``, ``_data``, ``_next_block``, ``_atend``,
  ``_maxid``, ``_blocklength``, ``_read_ids``/``_read_weights``/``_read_values``;
* ``W3FieldWriter._postwriter``; ``SegmentReader._terms``, ``._perdoc``;
  ``W3PerDocReader._cached_reader``, ``deleted_docs``; the length column's ``_dbfile``,
  ``_basepos``, ``_count``; ``whoosh.codec.whoosh3._lenfield`` and ``LENGTHS_COLUMN``;
* ``SegmentWriter``: ``perdocwriter``, ``fieldwriter``, ``_tempstorage``, ``_added``,
  ``_check_state``, ``_check_fields``, ``_finalize_segment``, ``_finish``, ``_commit_toc``,
  ``generation``, ``segments``; ``whoosh.index.TOC`` (``read``, ``write``, ``_filename``,
  ``_pattern``) and ``clean_files``.
"""

from __future__ import annotations

import bisect
import itertools
import json
import operator
import os
import re
import shutil
import signal
import sys
import zlib
from array import array
from collections.abc import Iterator
from pathlib import Path
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
)
from whoosh.matching import ListMatcher
from whoosh.util.numeric import length_to_byte

BLOCK_LIMIT = 512
"""Postings per block (whoosh: 128).  Larger blocks cost less per posting to decode and were
faster on every query class of ``bench/search.py``; skipping is coarser, which costs little
when the rare side of an AND holds few documents."""
INLINE_LIMIT = 16
"""Posting lists shorter than this live in the term index itself (no block to seek to)."""
COMPRESS_OVER = 200
"""Blocks smaller than this many bytes are stored as they are: zlib cannot shrink them."""
COMPRESSION = 1
_LITTLE = sys.byteorder == "little"


def pack_ints(numbers: Any) -> bytes:
    """Non-negative ints as a width byte (1, 2 or 4) and the little-endian values."""
    try:
        return b"\x01" + bytes(numbers)
    except ValueError:
        pass
    packed = array("H" if max(numbers) < 65536 else "I", numbers)
    if not _LITTLE:
        packed.byteswap()
    return bytes([packed.itemsize]) + packed.tobytes()


def unpack_ints(data: bytes) -> Any:
    """``pack_ints`` reversed (a bytes object or an array: a sequence of ints either way)."""
    width = data[0]
    if width == 1:
        return data[1:]
    packed = array("H" if width == 2 else "I")
    packed.frombytes(data[1:])
    if not _LITTLE:
        packed.byteswap()
    return packed


def _pack_floats(values: Any) -> bytes:
    packed = array("f", values)
    if not _LITTLE:
        packed.byteswap()
    return packed.tobytes()


def unpack_floats(data: bytes) -> array[float]:
    packed = array("f")
    packed.frombytes(data)
    if not _LITTLE:
        packed.byteswap()
    return packed


def pack_weights(weights: Any) -> Any:
    """A block's weights as stored (see the module docstring): whole numbers, the usual case
    (a word's count in a document), take a byte each instead of a 32-bit float."""
    first = weights[0]
    if weights.count(first) == len(weights):
        return None if first == 1.0 else float(first)
    whole = list(map(int, weights))
    if min(whole) >= 0 and array("f", whole) == array("f", weights):
        return pack_ints(whole)
    return (_pack_floats(weights),)


def block_weights(raw: Any, count: int) -> Any:
    """The weights of a block from its stored form (a sequence of numbers)."""
    if raw is None:
        return [1.0] * count
    if isinstance(raw, float):
        return [raw] * count
    if isinstance(raw, tuple):
        return unpack_floats(raw[0])
    return unpack_ints(raw)


def pack_values(values: list[bytes]) -> Any:
    """A block's values (encoded positions) as stored: lengths, joined, compressed or not."""
    if not values:
        return None
    joined = b"".join(values)
    packed = len(joined) > COMPRESS_OVER
    if packed:
        joined = zlib.compress(joined, COMPRESSION)
    return (pack_ints([len(v) for v in values]), joined, packed)


def block_values(raw: Any, count: int, wanted: list[int] | None = None) -> list[Any]:
    """The values of a block (all, or only at the indices ``wanted``)."""
    if raw is None:
        return [None] * (count if wanted is None else len(wanted))
    lengths, joined, packed = raw
    if packed:
        joined = zlib.decompress(joined)
    ends = list(itertools.accumulate(unpack_ints(lengths)))
    starts = [0, *ends[:-1]]
    if wanted is None:
        return [joined[a:b] for a, b in zip(starts, ends, strict=True)]
    return [joined[starts[i] : ends[i]] for i in wanted]


class FastCodec(W3Codec):
    """W3 with ``_PostingsWriter``'s blocks and ``FastLeafMatcher`` to read them."""

    def __init__(self) -> None:
        super().__init__(blocklimit=BLOCK_LIMIT, compression=COMPRESSION, inlinelimit=INLINE_LIMIT)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        if byteids:  # term vectors (unused here) keep whoosh's own layout
            return super().postings_writer(dbfile, byteids)
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(
                ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo
            )
        offset, length = terminfo.extent()
        return FastLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class _PostingsWriter(W3PostingsWriter):
    _terminfo: Any  # whoosh's W3TermInfo, None between terms

    def finish_postings(self) -> Any:
        terminfo = self._terminfo
        if not self.written() and len(self) < self._inlinelimit:
            terminfo.add_block(self)
            # (W3TermInfo.set_inlined would turn "no values" into an empty tuple, which
            # ListMatcher.all_items reads as "no postings"; None is what it expects.)
            values = tuple(self._values) if self._values else None
            terminfo._inlined = (tuple(self._ids), tuple(self._weights), values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        deltas = pack_ints(list(map(operator.sub, ids, itertools.chain((0,), ids))))
        data = (deltas, pack_weights(self._weights), pack_values(self._values))
        databytes = dumps(data, 2)
        comp = 0  # (only the positions are compressed, inside the data: see pack_values)
        infobytes = dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                comp,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        blocklength = len(infobytes) + len(databytes)
        self._postfile.write_int(-blocklength if last else blocklength)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class FastLeafMatcher(W3LeafMatcher):
    """Reads ``_PostingsWriter`` blocks (everything else is W3's)."""

    def _read_ids(self) -> None:
        if self._data is None:
            self._read_data()
        self._ids = list(itertools.accumulate(unpack_ints(self._data[0])))

    def _read_weights(self) -> None:
        if self._data is None:
            self._read_data()
        self._weights = block_weights(self._data[1], self._blocklength)

    def _read_values(self) -> None:
        if self._data is None:
            self._read_data()
        self._values = block_values(self._data[2], self._blocklength)


CHECKED_WHOOSH_VERSIONS = ((2, 7, 5),)
"""whoosh-reloaded releases whose internals (listed in the module docstring) were checked; the
pin in pyproject.toml keeps installs to them and a test fails loudly on any other."""


def whoosh_version() -> tuple[int, ...]:
    import whoosh

    return tuple(whoosh.__version__)


# -- writing blocks ----------------------------------------------------------------------------


def _fill_blocks(
    postwriter: Any,
    docs: array[int],
    weights: array[float],
    values: list[bytes],
    lengths: array[int] | None,
) -> None:
    """Hand one term's postings to the W3 postings writer a block at a time.

    Mirrors ``W3PostingsWriter.add_posting``: the same blocks, the same block statistics
    (largest weight, shortest and longest non-zero document length), every block but the last
    written here and the last left buffered for ``finish_postings``.
    """
    count = len(docs)
    limit = postwriter._blocklimit
    for start in range(0, count, limit):
        end = min(start + limit, count)
        ids = docs[start:end]
        block_weights = weights[start:end]
        postwriter._ids = ids
        postwriter._weights = block_weights
        postwriter._values = values[start:end] if values else []
        postwriter._maxweight = max(block_weights)
        if lengths is not None:
            found = [lengths[doc] for doc in ids]
            nonzero = [length for length in found if length]
            postwriter._minlength = min(nonzero) if nonzero else None
            postwriter._maxlength = max(found)
        else:
            postwriter._minlength = None
            postwriter._maxlength = 0
        if end < count:
            postwriter._write_block()


_SINGLE: list[bytes] = [b"\x01" + bytes([p]) for p in range(256)]


def positional_payloads(payloads: list[Any]) -> tuple[list[float], list[bytes]]:
    """(weights, encoded positions) of a positional term's payloads (see
    ``FastSegmentWriter``): a position, a list of them, or a merged ``(weight, bytes)``."""
    from reader.search.schema import encode_positions

    kinds = set(map(type, payloads))
    if tuple not in kinds:  # word positions from the analysis
        single = _SINGLE
        weights = [1.0 if type(found) is int else float(len(found)) for found in payloads]
        values = [
            (single[found] if found < 256 else encode_positions([found]))
            if type(found) is int
            else encode_positions(found)
            for found in payloads
        ]
        return weights, values
    weights = [
        found[0] if type(found) is tuple else 1.0 if type(found) is int else float(len(found))
        for found in payloads
    ]
    values = [
        found[1]
        if type(found) is tuple
        else encode_positions([found] if type(found) is int else found)
        for found in payloads
    ]
    return weights, values


def fill_positional_postings(
    postwriter: Any, postings: list[Any], lengths: array[int] | None
) -> None:
    """A positional term's postings ``[doc, payload, ...]`` (see ``FastSegmentWriter``)."""
    weights, values = positional_payloads(postings[1::2])
    _fill_blocks(postwriter, array("I", postings[0::2]), array("f", weights), values, lengths)


def fill_counted_postings(postwriter: Any, postings: list[Any]) -> None:
    """A counted term's postings ``[doc, count, ...]``: weights only, no values."""
    _fill_blocks(postwriter, array("I", postings[0::2]), array("f", postings[1::2]), [], None)


# -- reading blocks ----------------------------------------------------------------------------


def open_folder(folder: Any) -> Any:
    """Open the index in ``folder`` reading its files with ordinary reads, not memory maps: a
    file shrunk under a map (a sync tool rewriting it, a failing disk) kills the process with
    SIGBUS, where a read just raises.  Measured: no slower for these queries."""
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(folder), supports_mmap=False).open_index()


def segment_terms(reader: Any) -> Any:
    """A segment reader's terms reader (``matcher(fieldname, btext, format)``)."""
    return reader._terms


def deleted_docs(reader: Any) -> set[int]:
    return set(reader._perdoc.deleted_docs()) if reader.has_deletions() else set()


def length_bytes(reader: Any, fieldname: str, count: int) -> bytes:
    """Every document's field length as the codec's one-byte code (0: no such field)."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return bytes(count)
    raw = column._dbfile.get(column._basepos, column._count)
    return bytes(raw) + bytes(count - len(raw))


class Inlined:
    """Values of a posting list inlined in the term index, shaped like a block's raw values."""

    def __init__(self, values: Any) -> None:
        self.values = list(values or ())


def values_of(raw: Any, count: int, wanted: list[int] | None = None) -> list[Any]:
    """Encoded values (positions) of a block from its raw form, all or those at ``wanted``."""
    if isinstance(raw, Inlined):
        return raw.values if wanted is None else [raw.values[i] for i in wanted]
    return block_values(raw, count, wanted)


def term_blocks(
    terms: Any, fieldname: str, fmt: Any, btext: bytes, order: list[int] | None, values: bool
) -> Iterator[tuple[list[int], Any, Any]]:
    """A term's postings a block at a time: (document numbers, weights, raw values), skipping
    blocks that cannot hold one of ``order`` (sorted) when that is given: the header of each
    block (its last document number) decides whether the block is read at all."""
    from whoosh.reading import TermNotFound

    try:
        matcher = terms.matcher(fieldname, btext, fmt)
    except (TermNotFound, KeyError):
        return
    if not isinstance(matcher, FastLeafMatcher):  # a short list inlined in the term index
        ids = list(matcher._ids)
        weights = matcher._weights or [1.0] * len(ids)
        yield ids, weights, (Inlined(matcher._values) if values else None)
        return
    previous_max = -1
    while not matcher._atend:
        block_max = matcher._maxid
        if order is None or _any_between(order, previous_max, block_max):
            matcher._read_data()
            data = matcher._data
            ids = list(itertools.accumulate(unpack_ints(data[0])))
            yield ids, block_weights(data[1], len(ids)), (data[2] if values else None)
        previous_max = block_max
        matcher._next_block()


def _any_between(ordered: list[int], low: int, high: int) -> bool:
    """Whether the sorted list holds a number in ``(low, high]``."""
    spot = bisect.bisect_right(ordered, low)
    return spot < len(ordered) and ordered[spot] <= high


# -- generations: what makes a folder an index, committed atomically ---------------------------
#
# An index folder holds whoosh's files: segment files ``MAIN_<segment id>.<ext>`` and one table
# of contents per generation, ``_MAIN_<generation>.toc`` (whoosh reads the highest).  Beside
# each table of contents this package writes ``reader-index-<generation>.json`` (see
# ``index.py`` for its content): the sizes, times and checksums of every file the generation
# uses and of the table of contents itself.  A commit writes the new segment files, then the
# description, then renames the table of contents into place: that rename is the one moment the
# index changes, so a process killed at any point leaves the old generation or the new one,
# both complete.  Files no generation uses are deleted afterwards (or at the next commit).

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


def write_inlined_term(
    fieldwriter: Any,
    btext: bytes,
    ids: list[int],
    weights: list[float],
    values: Any,
    lengths: array[int] | None,
) -> None:
    """Write a short posting list straight into the term index, as ``W3TermInfo.to_bytes``
    lays out an inlined list, without whoosh's per-term objects: most terms of an index (rare
    words, grams) have a handful of postings, and this path is most of a build's flush."""
    if lengths is not None:
        found = [lengths[doc] for doc in ids]
        nonzero = [length for length in found if length]
        minlength = length_to_byte(min(nonzero)) if nonzero else 0
        maxlength = length_to_byte(max(found))
    else:
        minlength = maxlength = 0
    head = _TERMINFO.pack(
        1, sum(weights), len(ids), minlength, maxlength, max(weights), ids[0], ids[-1]
    )
    inlined = (tuple(ids), tuple(weights), tuple(values) if values else None)
    fieldwriter._tindex.add(_FIELD_ID(fieldwriter._fieldid) + btext, head + dumps(inlined, 2))


def _field_id_packer() -> Any:
    from whoosh.system import pack_ushort

    return pack_ushort


def _terminfo_struct() -> Any:
    from whoosh.codec.whoosh3 import W3TermInfo

    return W3TermInfo._struct


_FIELD_ID = _field_id_packer()
_TERMINFO = _terminfo_struct()


_REF = re.compile(rb"(\S+) \S+ \d{4}-\d\d-\d\d")


def segment_item_ids(reader: Any) -> list[bytes] | None:
    """The item id of every document of one segment, in document order, read from the ``ref``
    column in one piece (one regular-expression pass in C rather than a Python call per
    document: an import's update looks up its items among all of the index's).  None when the
    column is not laid out as expected (the caller reads it value by value)."""
    if not reader.has_column("ref"):
        return []
    column = reader.column_reader("ref", translate=False)
    try:
        lengths = column._lengths
        total = int(column._offsets[-1]) + int(lengths[-1]) if len(lengths) else 0
        blob = column._dbfile.get(column._basepos, total)
    except (AttributeError, IndexError, TypeError):
        return None
    ids = _REF.findall(bytes(blob))
    return ids if len(ids) == reader.doc_count_all() else None
