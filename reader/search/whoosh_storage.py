"""The seam between this package and whoosh's storage: the posting-block layout, and how
blocks are written and read.

Everything that touches whoosh's private internals lives here (the list is at the end of this
docstring) or, for how a folder's generations are committed and opened, in
``index_generations`` (its own list), so an upgrade of whoosh-reloaded is checked in two
modules and nowhere else.

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
  ``generation``, ``segments``.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import sys
import zlib
from array import array
from collections.abc import Iterator
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
