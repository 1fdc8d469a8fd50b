"""Reading posting lists from whoosh segments a block at a time, caching frequent terms, and
holding a query's matches.  The pieces ``evaluate.Evaluator`` is built from.

Blocks are read through the codec's own leaf matcher (``whoosh_storage.FastLeafMatcher``), but
a block at a time rather than a posting at a time: the header of each block (its last
document number) decides whether the block is read at all.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import operator
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN as _LENGTHS
from whoosh.codec.whoosh3 import _lenfield
from whoosh.reading import TermNotFound

from reader.search.whoosh_storage import FastLeafMatcher, block_values, block_weights, unpack_ints

Scores = dict[int, float]


class Segment:
    """One whoosh segment: its terms reader, document number offset and deleted documents."""

    def __init__(self, reader: Any, offset: int) -> None:
        self.reader = reader
        self.offset = offset
        self.count = reader.doc_count_all()
        self.terms = reader._terms
        self.deleted_local = set(reader._perdoc.deleted_docs()) if reader.has_deletions() else set()
        self._lengths: dict[str, bytes] = {}

    def length_bytes(self, fieldname: str) -> bytes:
        """Every document's field length as the codec's one-byte code (0: no such field)."""
        found = self._lengths.get(fieldname)
        if found is None:
            perdoc = self.reader._perdoc
            column = perdoc._cached_reader(_lenfield(fieldname), _LENGTHS)
            if column is None:
                found = bytes(self.count)
            else:
                raw = column._dbfile.get(column._basepos, column._count)
                found = bytes(raw) + bytes(self.count - len(raw))
            self._lengths[fieldname] = found
        return found

    def blocks(
        self, fieldname: str, fmt: Any, btext: bytes, order: list[int] | None, values: bool
    ) -> Iterator[tuple[list[int], Any, Any]]:
        """A term's postings a block at a time: (local document numbers, weights, raw values),
        skipping blocks that cannot hold one of ``order`` (sorted) when that is given."""
        try:
            matcher = self.terms.matcher(fieldname, btext, fmt)
        except (TermNotFound, KeyError):
            return
        if isinstance(matcher, FastLeafMatcher):
            yield from _blocks(matcher, order, values)
        else:  # a short list inlined in the term index
            ids = list(matcher._ids)
            weights = matcher._weights or [1.0] * len(ids)
            yield ids, weights, (_Inlined(matcher._values) if values else None)


class _Inlined:
    """Values of an inlined posting list, shaped like a block's raw values."""

    def __init__(self, values: Any) -> None:
        self.values = list(values or ())


def values_of(raw: Any, count: int, wanted: list[int] | None = None) -> list:
    if isinstance(raw, _Inlined):
        return raw.values if wanted is None else [raw.values[i] for i in wanted]
    return block_values(raw, count, wanted)


def _blocks(matcher: FastLeafMatcher, order: list[int] | None, values: bool):
    """Decoded blocks of a posting list, skipping blocks none of ``order`` can be in; values
    come as the block's raw form (``whoosh_storage.block_values`` cuts them out)."""
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


class TermCache:
    """The scores (and positions) of frequent terms, most recently used kept, bounded by the
    number of postings held.  Lives with one searcher, so it can never serve a changed index.

    Why: the expensive queries are those with common words, and the same common words come
    back query after query (and keystroke after keystroke in a search-as-you-type box)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.size = 0
        self.items: OrderedDict[tuple, tuple[Scores, Any, int]] = OrderedDict()

    def get(self, key: tuple) -> tuple[Scores, Any] | None:
        found = self.items.get(key)
        if found is None:
            return None
        self.items.move_to_end(key)
        return found[0], found[1]

    def put(self, key: tuple, value: tuple[Scores, Any], size: int) -> None:
        if size > self.capacity // 4:
            return
        self.items[key] = (*value, size)
        self.size += size
        while self.size > self.capacity:
            _, (_, _, dropped) = self.items.popitem(last=False)
            self.size -= dropped


class Matches:
    """The result of a query: per segment, its documents' scores and the title boosts.

    Kept per segment, in the segments' own numbers, because most queries only need the total
    and the best few: neither needs one big dict of index-wide numbers.
    """

    def __init__(self) -> None:
        self.parts: list[tuple[int, Scores, Scores]] = []

    def add(self, offset: int, found: Scores, boosts: Scores) -> None:
        if found:
            self.parts.append((offset, found, boosts))

    def __len__(self) -> int:
        return sum(len(found) for _, found, _ in self.parts)

    def items(self) -> Iterator[tuple[int, float]]:
        """(index-wide document number, score) of every match."""
        for offset, found, boosts in self.parts:
            if boosts:
                for doc, score in found.items():
                    yield offset + doc, score + boosts.get(doc, 0.0)
            else:
                for doc, score in found.items():
                    yield offset + doc, score

    def as_dict(self) -> Scores:
        return dict(self.items())

    def top(self, count: int) -> list[tuple[int, float]]:
        """The ``count`` best (document, score) pairs, best first (equal scores in document
        order).  Boosts only raise scores, so each segment's best are among its ``count`` best
        unboosted documents and its boosted ones."""
        best: list[tuple[int, float]] = []
        for offset, found, boosts in self.parts:
            chosen = dict(heapq.nlargest(count, found.items(), key=operator.itemgetter(1)))
            chosen.update((doc, found[doc]) for doc in boosts)
            best.extend((offset + d, s + boosts.get(d, 0.0)) for d, s in chosen.items())
        best.sort(key=lambda item: (-item[1], item[0]))
        return best[:count]

    def by_key(self, key: list[int], count: int) -> list[tuple[int, float]]:
        """The ``count`` matches with the largest ``key[doc]`` (newest first for dates)."""
        chosen = heapq.nsmallest(count, self.items(), key=lambda item: (-key[item[0]], item[0]))
        return chosen
