"""whoosh's W3 codec with a compact posting-block layout, and the reader for it.

Why: a W3 posting block is a pickled tuple of 128 document-number deltas, 128 float weights
and 128 position strings, so reading one block builds some 400 Python objects, and a query on
common words reads thousands of blocks (``pickle.loads`` was the top line of the query
profile).  ``FastCodec`` keeps W3's file layout, block headers (which skipping and block-max
scoring read) and term index, but stores each block's data as three byte strings:

* document-number deltas packed 1, 2 or 4 bytes wide;
* weights: None (all 1.0), one float (all equal) or packed 32-bit floats;
* values (word positions): None, or (packed value lengths, the values joined).

Unpacking is ``array`` work in C; positions are cut out only for the documents that need
them.  Short posting lists are stored in the term index itself (``INLINE_LIMIT``; whoosh's
reader supports this, its writer could not produce it because of a misspelt method), and
blocks too small for zlib to shrink are not compressed.  Segments remember their codec (it is
pickled into the index's table of contents), so every reader of these files, whoosh's own
searcher included, decodes them with ``FastLeafMatcher``; tests check that whoosh's searcher
and this package's evaluator agree on them.
"""

from __future__ import annotations

import itertools
import operator
import sys
import zlib
from array import array
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
INLINE_LIMIT = 4
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


def unpack_floats(data: bytes) -> array:
    packed = array("f")
    packed.frombytes(data)
    if not _LITTLE:
        packed.byteswap()
    return packed


def block_weights(raw: Any, count: int) -> Any:
    """The weights of a block from its stored form."""
    if raw is None:
        return [1.0] * count
    if isinstance(raw, float):
        return [raw] * count
    return unpack_floats(raw)


def block_values(raw: Any, count: int, wanted: list[int] | None = None) -> list:
    """The values of a block (all, or only at the indices ``wanted``)."""
    if raw is None:
        return [None] * (count if wanted is None else len(wanted))
    lengths, joined = raw
    ends = list(itertools.accumulate(unpack_ints(lengths)))
    starts = [0, *ends[:-1]]
    if wanted is None:
        return [joined[a:b] for a, b in zip(starts, ends, strict=True)]
    return [joined[starts[i] : ends[i]] for i in wanted]


class FastCodec(W3Codec):
    """W3 with ``_PostingsWriter``'s blocks and ``FastLeafMatcher`` to read them."""

    def __init__(self) -> None:
        super().__init__(blocklimit=BLOCK_LIMIT, compression=COMPRESSION, inlinelimit=INLINE_LIMIT)

    def postings_writer(self, dbfile, byteids: bool = False) -> W3PostingsWriter:
        if byteids:  # term vectors (unused here) keep whoosh's own layout
            return super().postings_writer(dbfile, byteids)
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(
                ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo
            )
        offset, length = terminfo.extent()
        return FastLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class _PostingsWriter(W3PostingsWriter):
    def finish_postings(self):
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
        weights = self._weights
        first = weights[0]
        if weights.count(first) == len(weights):
            packed_weights: Any = None if first == 1.0 else float(first)
        else:
            packed_weights = _pack_floats(weights)
        values = self._values
        packed_values = (pack_ints([len(v) for v in values]), b"".join(values)) if values else None
        deltas = pack_ints(list(map(operator.sub, ids, itertools.chain((0,), ids))))
        databytes = dumps((deltas, packed_weights, packed_values), 2)
        comp = self._compression if len(databytes) > COMPRESS_OVER else 0
        if comp:
            databytes = zlib.compress(databytes, comp)
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
