"""Evaluating queries a block of postings at a time, over whoosh's own index files.

Why not ``whoosh.searching.Searcher.search``: it scores one document per Python call through
a matcher tree and a collector (~6 µs a document), so a common word in a 150,000-comment
archive takes most of a second, and a phrase of two common words several seconds (profile in
the benchmark's notes).  This module reads whoosh's posting blocks directly (the W3 codec's
blocks: document numbers, frequencies, positions), scores a whole block in one list
comprehension with whoosh's own BM25F formula and parameters (document lengths come from the
codec's one-byte length column through a 256-entry table), and combines terms with set and
dict operations that run in C:

* AND evaluates its cheapest part first and reads the other parts only in the blocks that can
  hold a candidate (block headers carry their last document number);
* a phrase checks word positions only for documents holding all its words;
* filters (date, in:, is:, color:) are document sets, exclusions are set differences.

The results equal whoosh's own (``tests/unit/search`` compares them on the same index), only
cheaper; ``whoosh_query.compile_query`` remains the reference.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
import operator
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN as _LENGTHS
from whoosh.codec.whoosh3 import _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from reader.search import query as q
from reader.search.analysis import pair_term
from reader.search.whoosh_codec import FastLeafMatcher, block_values, block_weights, unpack_ints
from reader.search.whoosh_query import date_terms
from reader.search.whoosh_schema import decode_positions

K1 = 1.2
B = 0.75
TITLE_BOOST = 1.0
"""A post whose title holds a searched word gets that word's title score added."""
SPARSE = 32
"""Candidates fewer than one in this many documents: skip posting blocks that hold none."""

Scores = dict[int, float]


class _Segment:
    """One whoosh segment: its terms reader, document number offset and deleted documents."""

    def __init__(self, reader: Any, offset: int) -> None:
        self.reader = reader
        self.offset = offset
        self.count = reader.doc_count_all()
        self.terms = reader._terms
        self.deleted_local = set(reader._perdoc.deleted_docs()) if reader.has_deletions() \
            else set()
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


def _values(raw: Any, count: int, wanted: list[int] | None = None) -> list:
    if isinstance(raw, _Inlined):
        return raw.values if wanted is None else [raw.values[i] for i in wanted]
    return block_values(raw, count, wanted)


def _blocks(matcher: FastLeafMatcher, order: list[int] | None, values: bool):
    """Decoded blocks of a posting list, skipping blocks none of ``order`` can be in; values
    come as the block's raw form (``whoosh_codec.block_values`` cuts them out)."""
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


class Evaluator:
    """Evaluates parsed queries against one open whoosh searcher (one thread at a time).

    The tree is evaluated one segment at a time with the segment's own document numbers
    (statistics are the whole index's), then the segments' results are merged.
    """

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        subreaders = getattr(reader, "readers", None)
        if subreaders is None:
            self.segments = [_Segment(reader, 0)]
        else:
            self.segments = [
                _Segment(r, o) for r, o in zip(subreaders, reader.doc_offsets, strict=True)
            ]
        self.schema = searcher.schema
        self.doc_count_all = searcher.doc_count_all()
        self._norms: dict[str, list[float]] = {}
        self._idf: dict[tuple[str, str], float] = {}
        self._df: dict[tuple[str, str], int] = {}
        self.expanded: dict[Any, list[str]] = {}
        self.years: tuple[int, int] | None = None
        self.segment = self.segments[0]

    # -- statistics ----------------------------------------------------------------------------

    def idf(self, fieldname: str, term: str) -> float:
        key = (fieldname, term)
        found = self._idf.get(key)
        if found is None:
            found = self._idf[key] = self.searcher.idf(fieldname, term)
        return found

    def doc_frequency(self, fieldname: str, term: str) -> int:
        key = (fieldname, term)
        found = self._df.get(key)
        if found is None:
            found = self._df[key] = self.searcher.doc_frequency(fieldname, term)
        return found

    def norms(self, fieldname: str) -> list[float]:
        """BM25's length part ``K1 * (1 - B + B * length / average)`` for each length byte."""
        found = self._norms.get(fieldname)
        if found is None:
            average = self.searcher.avg_field_length(fieldname) or 1.0
            found = [K1 * ((1 - B) + B * byte_to_length(code) / average) for code in range(256)]
            found[0] = K1 * ((1 - B) + B * 1 / average)  # whoosh's default length 1
            self._norms[fieldname] = found
        return found

    # -- reading terms (in the current segment) ------------------------------------------------

    def _order(self, within: set[int] | None) -> list[int] | None:
        """``within`` sorted, when sparse enough for skipping posting blocks to pay off."""
        if within is None or len(within) * SPARSE >= self.segment.count:
            return None
        return sorted(within)

    def term_docs(self, fieldname: str, term: str, within: Any = None) -> set[int]:
        """Documents holding ``term`` (no scores: filters and exclusions)."""
        if within is not None and not within:
            return set()
        found: set[int] = set()
        blocks = self.segment.blocks(
            fieldname, self.schema[fieldname].format, term.encode("utf-8"),
            self._order(within), False,
        )
        for ids, _, _ in blocks:
            if within is None:
                found.update(ids)
            else:
                found.update([d for d in ids if d in within])
        return found

    def term_scores(self, fieldname: str, term: str, within: Any = None,
                    positions: dict[int, bytes] | None = None,
                    length_field: str | None = None) -> Scores:
        """BM25F scores of the documents holding ``term`` (those in ``within`` if given);
        fills ``positions`` (document → encoded positions) when given.  ``length_field``: whose
        lengths normalise the score (the body's for word pairs, which have none of their own).

        The hot loop of every query: membership, scoring and the dict are one comprehension
        per block."""
        if within is not None and not within:
            return {}
        k1p1 = (K1 + 1) * self.idf(fieldname, term)
        norms = self.norms(length_field or fieldname)
        lengths = self.segment.length_bytes(length_field or fieldname)
        scores: Scores = {}
        blocks = self.segment.blocks(
            fieldname, self.schema[fieldname].format, term.encode("utf-8"),
            self._order(within), positions is not None,
        )
        for ids, weights, raw in blocks:
            if within is None:
                scores.update({
                    d: tf * k1p1 / (tf + norms[lengths[d]])
                    for d, tf in zip(ids, weights, strict=True)
                })
                if positions is not None:
                    positions.update(zip(ids, _values(raw, len(ids)), strict=True))
                continue
            if positions is None:
                scores.update({
                    d: tf * k1p1 / (tf + norms[lengths[d]])
                    for d, tf in zip(ids, weights, strict=True)
                    if d in within
                })
                continue
            keep = [i for i, d in enumerate(ids) if d in within]
            if keep:
                kept = [ids[i] for i in keep]
                scores.update({
                    d: weights[i] * k1p1 / (weights[i] + norms[lengths[d]])
                    for i, d in zip(keep, kept, strict=True)
                })
                positions.update(zip(kept, _values(raw, len(ids), keep), strict=True))
        return scores

    def all_docs(self, within: set[int] | None = None) -> set[int]:
        if within is not None:
            return set(within)
        return set(range(self.segment.count)) - self.segment.deleted_local

    # -- the query tree ----------------------------------------------------------------------

    def estimate(self, node: q.Node) -> int:
        """Roughly how many documents a node's positive part reads (cheapest first in AND)."""
        if isinstance(node, q.Words):
            fieldname = node.field or "body"
            sizes = [self.doc_frequency(fieldname, t) for t in node.terms]
            sizes += [self.doc_frequency("pairs", p) for p in _pairs(node)]
            return min(sizes)
        if isinstance(node, q.And):
            parts = [self.estimate(i) for i in node.items if not isinstance(i, q.Not)]
            return min(parts) if parts else self.doc_count_all
        if isinstance(node, q.Or):
            return sum(self.estimate(i) for i in node.items)
        if isinstance(node, q.Prefix | q.Fuzzy):
            fieldname = node.field or "body"
            return sum(self.doc_frequency(fieldname, t) for t in self.expanded.get(node, []))
        return self.doc_count_all

    def scores(self, node: q.Node, within: set[int] | None = None) -> Scores:
        """Matching documents with scores (filters score 0)."""
        if isinstance(node, q.Words):
            return self.words(node, within)
        if isinstance(node, q.Prefix | q.Fuzzy):
            return self.expansion(node, within)
        if isinstance(node, q.And):
            return self.conjunction(node.items, within)
        if isinstance(node, q.Or):
            total: Scores = {}
            for item in node.items:
                for doc, score in self.scores(item, within).items():
                    total[doc] = total.get(doc, 0.0) + score
            return total
        return dict.fromkeys(self.docs(node, within), 0.0)

    def docs(self, node: q.Node, within: set[int] | None = None) -> set[int]:
        """Matching documents, unscored."""
        if isinstance(node, q.Not):
            return self.all_docs(within) - self.docs(node.item, within)
        if isinstance(node, q.DateRange):
            return self.dates(node, within)
        if isinstance(node, q.Kind):
            if node.kind == "comment":
                return self.all_docs(within) - self.term_docs("kind", "post", within)
            return self.term_docs("kind", node.kind, within)
        if isinstance(node, q.Flag):
            return self.term_docs("flags", node.name, within)
        if isinstance(node, q.Colour):
            return self.term_docs("colors", node.name, within)
        return set(self.scores(node, within))

    def conjunction(self, items: Iterable[q.Node], within: set[int] | None) -> Scores:
        items = list(items)
        filters = [i for i in items if isinstance(i, _FILTERS)]
        negative = [i.item for i in items if isinstance(i, q.Not)]
        positive = [i for i in items if not isinstance(i, (*_FILTERS, q.Not))]
        positive.sort(key=self.estimate)
        total: Scores | None = None
        for item in positive:
            found = self.scores(item, within if total is None else total.keys())
            # (found holds only documents of total: it was evaluated within them)
            total = found if total is None else {d: total[d] + s for d, s in found.items()}
            if not total:
                return {}
        for item in filters:
            keep = self.docs(item, within if total is None else total.keys())
            if total is None:
                total = dict.fromkeys(keep, 0.0)
            else:
                total = {d: s for d, s in total.items() if d in keep}
            if not total:
                return {}
        if total is None:
            total = dict.fromkeys(self.all_docs(within), 0.0)
        for item in negative:
            drop = self.docs(item, total.keys())
            if drop:
                total = {d: s for d, s in total.items() if d not in drop}
        return total

    def words(self, node: q.Words, within: set[int] | None) -> Scores:
        fieldname = node.field or "body"
        if len(node.terms) == 1:
            return self.term_scores(fieldname, node.terms[0], within)
        pairs = _pairs(node)
        if len(node.terms) == 2 and pairs:  # "of the": the pair is the phrase
            return self.term_scores("pairs", pairs[0], within, length_field="body")
        return self.phrase(fieldname, node.terms, pairs, within)

    def phrase(self, fieldname: str, terms: tuple[str, ...], pairs: list[str],
               within: set[int] | None) -> Scores:
        """Documents where ``terms`` occur one after the other, scored as the sum of their
        words' scores; positions are decoded only for documents holding every word (and every
        indexed common pair of the phrase)."""
        candidates = within
        for pair in sorted(pairs, key=lambda p: self.doc_frequency("pairs", p)):
            candidates = self.term_docs("pairs", pair, candidates)
            if not candidates:
                return {}
        order = sorted(set(terms), key=lambda t: self.doc_frequency(fieldname, t))
        scores: dict[str, Scores] = {}
        positions: dict[str, dict[int, bytes]] = {}
        for term in order:
            found_positions: dict[int, bytes] = {}
            found = self.term_scores(fieldname, term, candidates, found_positions)
            scores[term] = found
            positions[term] = found_positions
            candidates = set(found) if candidates is None else candidates & found.keys()
            if not candidates:
                return {}
        total: Scores = {}
        first = positions[terms[0]]
        rest = [(offset, positions[term]) for offset, term in enumerate(terms[1:], 1)]
        for doc in candidates or ():
            starts = set(decode_positions(first[doc]))
            for offset, found_positions in rest:
                starts.intersection_update([p - offset for p in
                                            decode_positions(found_positions[doc])])
                if not starts:
                    break
            if starts:
                total[doc] = sum(scores[term][doc] for term in order)
        return total

    def expansion(self, node: q.Prefix | q.Fuzzy, within: set[int] | None) -> Scores:
        fieldname = node.field or "body"
        total: Scores = {}
        for term in self.expanded.get(node, []):
            for doc, score in self.term_scores(fieldname, term, within).items():
                total[doc] = total.get(doc, 0.0) + score
        return total

    def dates(self, node: q.DateRange, within: set[int] | None) -> set[int]:
        if self.years is None:
            return set()
        first, last = dt.date(self.years[0], 1, 1), dt.date(self.years[1], 12, 31)
        start = max(node.start or first, first)
        end = min(node.end or last, last)
        found: set[int] = set()
        for term in date_terms(start, end) if start <= end else []:
            found |= self.term_docs("date", term, within)
        return found

    # -- running -----------------------------------------------------------------------------

    def run(self, root: q.Node, expanded: dict[Any, list[str]], years: tuple[int, int] | None,
            title_terms: Iterable[str] = ()) -> Scores:
        """All matching, not deleted documents of ``root`` (index-wide numbers) with scores."""
        self.expanded = expanded
        self.years = years
        titles = list(dict.fromkeys(title_terms))
        result: Scores = {}
        for segment in self.segments:
            self.segment = segment
            found = self.scores(root)
            if segment.deleted_local:
                for doc in segment.deleted_local & found.keys():
                    del found[doc]
            if titles and found:
                keys = found.keys()
                for term in titles:
                    for doc, score in self.term_scores("title", term, keys).items():
                        found[doc] += TITLE_BOOST * score
            if segment.offset:
                offset = segment.offset
                result.update({offset + d: s for d, s in found.items()})
            else:
                result.update(found)
        return result


_FILTERS = (q.DateRange, q.Kind, q.Flag, q.Colour)


def _pairs(node: q.Words) -> list[str]:
    """The indexed common-word pairs of a phrase in the default or body field."""
    if node.field not in (None, "body") or len(node.terms) < 2:
        return []
    found = (pair_term(a, b) for a, b in itertools.pairwise(node.terms))
    return list(dict.fromkeys(p for p in found if p))


def top(found: Scores, count: int) -> list[tuple[int, float]]:
    """The ``count`` best (document, score) pairs, best first; equal scores in document
    order."""
    best = heapq.nlargest(count, found.items(), key=operator.itemgetter(1))
    best.sort(key=lambda item: (-item[1], item[0]))
    return best


def by_key(found: Iterable[int], key: list[int], count: int) -> list[int]:
    """The ``count`` documents with the largest ``key[doc]`` (newest first for dates)."""
    return heapq.nsmallest(count, found, key=lambda doc: (-key[doc], doc))
