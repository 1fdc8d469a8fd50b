"""Reading posting lists from whoosh segments a block at a time, caching frequent terms, and
holding a query's matches.  The pieces ``evaluate.Evaluator`` is built from.

Blocks are read through ``whoosh_storage.term_blocks``, a block at a time rather than a
posting at a time.
"""

from __future__ import annotations

import heapq
import operator
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from reader.search.whoosh_storage import deleted_docs, length_bytes, segment_terms, term_blocks

Scores = dict[int, float]


class Segment:
    """One whoosh segment: its terms reader, document number offset and deleted documents."""

    def __init__(self, reader: Any, offset: int) -> None:
        self.reader = reader
        self.offset = offset
        self.count = reader.doc_count_all()
        self.terms = segment_terms(reader)
        self.fields = frozenset(self.terms.indexed_field_names())
        """Fields with terms in this segment: a segment of comments has no title, and looking
        a title word up in it (a hash lookup in its term index) is work for nothing."""
        self.deleted_local = deleted_docs(reader)
        self._lengths: dict[str, bytes] = {}

    def length_bytes(self, fieldname: str) -> bytes:
        """Every document's field length as the codec's one-byte code (0: no such field)."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = self._lengths[fieldname] = length_bytes(self.reader, fieldname, self.count)
        return found

    def blocks(
        self, fieldname: str, fmt: Any, btext: bytes, order: list[int] | None, values: bool
    ) -> Iterator[tuple[list[int], Any, Any]]:
        if fieldname not in self.fields:
            return iter(())
        return term_blocks(self.terms, fieldname, fmt, btext, order, values)


class TermCache:
    """The scores (and positions) of frequent terms, most recently used kept, bounded by the
    number of postings held.  Lives with one searcher, so it can never serve a changed index.

    Why: the expensive queries are those with common words, and the same common words come
    back query after query (and keystroke after keystroke in a search-as-you-type box)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.size = 0
        self.items: OrderedDict[tuple[Any, ...], tuple[Scores, Any, int]] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> tuple[Scores, Any] | None:
        found = self.items.get(key)
        if found is None:
            return None
        self.items.move_to_end(key)
        return found[0], found[1]

    def put(self, key: tuple[Any, ...], value: tuple[Scores, Any], size: int) -> None:
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
            if chosen and len(chosen) < len(found):
                # Equal scores at the cut are taken in the dict's order, not the document
                # order the sort below uses, so the next page could repeat or skip one: take
                # every document with the cut's score (counted in C first: rarely needed).
                cut = min(chosen.values())
                if operator.countOf(found.values(), cut) > operator.countOf(chosen.values(), cut):
                    chosen.update((d, s) for d, s in found.items() if s == cut)
            chosen.update((doc, found[doc]) for doc in boosts)
            best.extend((offset + d, s + boosts.get(d, 0.0)) for d, s in chosen.items())
        best.sort(key=lambda item: (-item[1], item[0]))
        return best[:count]

    def by_key(self, key: list[int], count: int) -> list[tuple[int, float]]:
        """The ``count`` matches with the largest ``key[doc]`` (newest first for dates)."""
        chosen = heapq.nsmallest(count, self.items(), key=lambda item: (-key[item[0]], item[0]))
        return chosen
