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
* a two-word phrase with a very common word is one posting list (its common gram); a longer
  phrase narrows its candidates rarest word (or gram) first, then checks word positions as bit
  masks, only for documents holding all its words;
* prefix and fuzzy words are the union of the words they expanded to (``expansion``);
* filters (date, in:, is:, color:) are document sets, exclusions are set differences;
* the scores (and positions) of frequent words are kept between queries (``TermCache``).

Matching equals whoosh's own and scores equal its BM25F (``tests/unit/search/test_engine.py``
compares them on the same index); ``expansion.compile_query`` remains the reference.  What
remains slow is what is slow in Python at all: reading the 100,000+ postings of a word such
as "the" costs some 50-100 ms the first time (see ``bench/search.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from operator import add
from typing import Any

from whoosh.util.numeric import byte_to_length

from reader.search import query as q
from reader.search.analysis import gram, is_cjk
from reader.search.expansion import Expansion, date_terms
from reader.search.postings import Matches, Scores, Segment, TermCache
from reader.search.schema import SINGLE_MASKS, position_mask
from reader.search.whoosh_storage import BLOCK_LIMIT, values_of

K1 = 1.2
B = 0.75
TITLE_BOOST = 1.0
"""A post whose title holds a searched word gets that word's title score added."""
CACHE_MIN_DOCS = 5_000
"""Terms in at least this many documents have their scores cached (cheaper ones are just
read again)."""
CACHE_MIN_DOCS_MASKS = 25_000
"""With positions (phrases), only the words of most documents ("the", "of", "and"): they come
back in phrase after phrase, and reading their positions is the cost of a phrase."""
CACHE_POSTINGS = 1_000_000
"""Postings the term cache may hold in all (some 80 MB at most, when they carry positions)."""
SPARSE = 32
"""Candidates fewer than one in this many documents: skip posting blocks that hold none."""


class Evaluator:
    """Evaluates parsed queries against one open whoosh searcher (one thread at a time).

    The tree is evaluated one segment at a time with the segment's own document numbers
    (statistics are the whole index's), then the segments' results are merged.
    """

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        subreaders = getattr(reader, "readers", None)
        if not hasattr(reader, "_terms") and subreaders is None:  # an index with no documents
            self.segments = []
        elif subreaders is None:
            self.segments = [Segment(reader, 0)]
        else:
            self.segments = [
                Segment(r, o) for r, o in zip(subreaders, reader.doc_offsets, strict=True)
            ]
        self.schema = searcher.schema
        body = self.schema["body"] if "body" in self.schema.names() else None
        self.common: frozenset[str] = getattr(body, "common", frozenset())
        self.doc_count_all: int = searcher.doc_count_all()
        self._norms: dict[str, list[float]] = {}
        self._idf: dict[tuple[str, str], float] = {}
        self._df: dict[tuple[str, str], int] = {}
        self.expanded: dict[Any, Expansion] = {}
        self.years: tuple[int, int] | None = None
        # The segment being read; None only when there is none, and then nothing is read.
        self.segment: Segment = self.segments[0] if self.segments else None  # type: ignore[assignment]
        self.cache = TermCache(CACHE_POSTINGS)

    # -- statistics ----------------------------------------------------------------------------

    def idf(self, fieldname: str, term: str) -> float:
        key = (fieldname, term)
        found = self._idf.get(key)
        if found is None:
            # whoosh's own (``WeightingModel.idf``), from the counts this class keeps
            count = self.doc_frequency(fieldname, term)
            found = self._idf[key] = math.log(self.doc_count_all / (count + 1)) + 1
        return found

    def doc_frequency(self, fieldname: str, term: str) -> int:
        key = (fieldname, term)
        found = self._df.get(key)
        if found is None:
            # (whoosh's ``doc_frequency`` looks the term up in every segment, even those
            # without the field: a title word in a dozen segments of comments)
            found = 0
            btext = term.encode("utf-8")  # every field here is text or keywords
            for segment in self.segments:
                if fieldname in segment.fields:
                    with contextlib.suppress(KeyError):  # not in this segment
                        found += segment.terms.doc_frequency(fieldname, btext)
            self._df[key] = found
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

    def _order(self, within: AbstractSet[int] | None) -> list[int] | None:
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
            fieldname,
            self.schema[fieldname].format,
            term.encode("utf-8"),
            self._order(within),
            False,
        )
        for ids, _, _ in blocks:
            if within is None:
                found.update(ids)
            else:
                found.update([d for d in ids if d in within])
        return found

    def term_scores(
        self,
        fieldname: str,
        term: str,
        within: Any = None,
        positions: dict[int, bytes] | None = None,
        length_field: str | None = None,
    ) -> Scores:
        """BM25F scores of the documents holding ``term`` (those in ``within`` if given);
        fills ``positions`` (document → encoded positions) when given.
        ``length_field``: whose lengths normalise the score (the body's for word pairs, which
        have none of their own).

        Frequent terms come from the cache (see ``_TermCache``): the returned dict may be shared
        and must not be changed (the tree's operators all build new ones)."""
        if within is not None and not within:
            return {}
        frequency = self.doc_frequency(fieldname, term)
        least = CACHE_MIN_DOCS if positions is None else CACHE_MIN_DOCS_MASKS
        if frequency >= least:
            key = (self.segment.offset, fieldname, term, length_field, positions is not None)
            cached = self.cache.get(key)
            if cached is None and positions is None:  # an entry with positions has scores too
                cached = self.cache.get((*key[:-1], True))
            if cached is None and _few_candidates(within, frequency):
                return self._read_scores(fieldname, term, within, positions, length_field)
            if cached is None:
                full_positions: dict[int, bytes] | None = {} if positions is not None else None
                full = self._read_scores(fieldname, term, None, full_positions, length_field)
                cached = (full, full_positions)
                self.cache.put(key, cached, len(full))
            full, full_positions = cached
            # (unfiltered, the cached dict itself: callers never change what they get)
            found = full if within is None else {d: full[d] for d in full.keys() & within}
            if positions is not None and full_positions is not None:
                positions.update({d: full_positions[d] for d in found})
            return found
        return self._read_scores(fieldname, term, within, positions, length_field)

    def _read_scores(
        self,
        fieldname: str,
        term: str,
        within: Any,
        positions: dict[int, bytes] | None,
        length_field: str | None,
    ) -> Scores:
        """``term_scores`` from the posting blocks.  The hot loop of every query: membership,
        scoring and the dict are one comprehension per block."""
        k1p1 = (K1 + 1) * self.idf(fieldname, term)
        norms = self.norms(length_field or fieldname)
        lengths = self.segment.length_bytes(length_field or fieldname)
        scores: Scores = {}
        blocks = self.segment.blocks(
            fieldname,
            self.schema[fieldname].format,
            term.encode("utf-8"),
            self._order(within),
            positions is not None,
        )
        for ids, weights, raw in blocks:
            if within is None:
                scores.update(
                    {
                        d: tf * k1p1 / (tf + norms[lengths[d]])
                        for d, tf in zip(ids, weights, strict=True)
                    }
                )
                if positions is not None:
                    positions.update(zip(ids, values_of(raw, len(ids)), strict=True))
                continue
            if positions is None:
                scores.update(
                    {
                        d: tf * k1p1 / (tf + norms[lengths[d]])
                        for d, tf in zip(ids, weights, strict=True)
                        if d in within
                    }
                )
                continue
            keep = [i for i, d in enumerate(ids) if d in within]
            if keep:
                kept = [ids[i] for i in keep]
                scores.update(
                    {
                        d: weights[i] * k1p1 / (weights[i] + norms[lengths[d]])
                        for i, d in zip(keep, kept, strict=True)
                    }
                )
                positions.update(zip(kept, values_of(raw, len(ids), keep), strict=True))
        return scores

    def term_weights(
        self, fieldname: str, term: str, within: AbstractSet[int] | None
    ) -> tuple[dict[int, Any], bool]:
        """The documents holding ``term`` (at least those in ``within``) with, per document,
        its score (``True``: a cached scores dict) or its weight (``False``), for
        ``conjunction_of_words``, which scores only the documents every word holds.

        Weights are gathered a block at a time by ``dict.update(zip(...))``, in C: reading a
        word this way costs a third of scoring each of its postings in Python.  The result may
        be shared (cached) and may hold documents outside ``within``: callers intersect, and
        never change it."""
        if within is not None and not within:
            return {}, False
        frequency = self.doc_frequency(fieldname, term)
        key = (self.segment.offset, fieldname, term, None, False)
        if frequency >= CACHE_MIN_DOCS:
            scored = self.cache.get(key) or self.cache.get((*key[:-1], True))
            if scored is not None:
                return scored[0], True
            weighed = self.cache.get((*key, "weights"))
            if weighed is not None:
                return weighed[0], False
            if not _few_candidates(within, frequency):
                found = self._read_weights(fieldname, term, None)
                self.cache.put((*key, "weights"), (found, None), len(found))
                return found, False
        return self._read_weights(fieldname, term, self._order(within)), False

    def _read_weights(self, fieldname: str, term: str, order: list[int] | None) -> dict[int, Any]:
        found: dict[int, Any] = {}
        blocks = self.segment.blocks(
            fieldname, self.schema[fieldname].format, term.encode("utf-8"), order, False
        )
        for ids, weights, _ in blocks:
            found.update(zip(ids, weights, strict=True))
        return found

    def conjunction_of_words(self, items: list[q.Words], within: AbstractSet[int] | None) -> Scores:
        """Documents holding every one of several single words, with the sum of their scores
        (in ``items``' order, cheapest first, added as ``conjunction`` adds them).

        Why its own path: the general one scores every posting of its cheapest word, then the
        next word's within those.  Here the words' documents are intersected first (their
        weights are read in C) and only the documents in the intersection are scored: for two
        common words ("that together") a fraction of their postings."""
        parts: list[tuple[str, str, dict[int, Any], bool]] = []
        candidates: AbstractSet[int] | None = within
        for item in items:
            fieldname = item.field or "body"
            found, scored = self.term_weights(fieldname, item.terms[0], candidates)
            parts.append((fieldname, item.terms[0], found, scored))
            # (a set operation in C, which walks the smaller side)
            candidates = found.keys() if candidates is None else found.keys() & candidates
            if not candidates:
                return {}
        docs = list(candidates or ())
        total: list[float] | None = None
        for fieldname, term, found, scored in parts:
            if scored:
                part = list(map(found.__getitem__, docs))
            else:
                k1p1 = (K1 + 1) * self.idf(fieldname, term)
                norms = self.norms(fieldname)
                lengths = self.segment.length_bytes(fieldname)
                part = [
                    tf * k1p1 / (tf + norms[lengths[d]])
                    for d, tf in zip(docs, map(found.__getitem__, docs), strict=True)
                ]
            total = part if total is None else list(map(add, total, part))
        return dict(zip(docs, total or (), strict=True))

    def all_docs(self, within: AbstractSet[int] | None = None) -> set[int]:
        if within is not None:
            return set(within)
        return set(range(self.segment.count)) - self.segment.deleted_local

    # -- the query tree ----------------------------------------------------------------------

    def estimate(self, node: q.Node) -> int:
        """Roughly how many documents a node's positive part reads (cheapest first in AND)."""
        if isinstance(node, q.Words):
            fieldname = node.field or "body"
            sizes = [self.doc_frequency(fieldname, t) for t in node.terms]
            sizes += [self.doc_frequency(GRAMS, g) for g in _grams(node, self.common)]
            return min(sizes)
        if isinstance(node, q.And):
            parts = [self.estimate(i) for i in node.items if not isinstance(i, q.Not)]
            return min(parts) if parts else self.doc_count_all
        if isinstance(node, q.Or):
            return sum(self.estimate(i) for i in node.items)
        if isinstance(node, q.Prefix | q.Fuzzy):
            expansion = self.expanded.get(node)
            if expansion is None:
                return 0
            return sum(self.doc_frequency(expansion.field, w) for w in expansion.words)
        return self.doc_count_all

    def scores(self, node: q.Node, within: AbstractSet[int] | None = None) -> Scores:
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

    def docs(self, node: q.Node, within: AbstractSet[int] | None = None) -> set[int]:
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

    def conjunction(self, items: Iterable[q.Node], within: AbstractSet[int] | None) -> Scores:
        items = list(items)
        filters = [i for i in items if isinstance(i, _FILTERS)]
        negative = [i.item for i in items if isinstance(i, q.Not)]
        positive = [i for i in items if not isinstance(i, (*_FILTERS, q.Not))]
        positive.sort(key=self.estimate)
        total: Scores | None = None
        if len(positive) > 1 and all(_single_word(i) for i in positive):
            total = self.conjunction_of_words(positive, within)  # type: ignore[arg-type]
            if not total:
                return {}
            positive = []
        for item in positive:
            found = self.scores(item, within if total is None else total.keys())
            # (found holds only documents of total: it was evaluated within them)
            total = found if total is None else {d: total[d] + s for d, s in found.items()}
            if not total:
                return {}
        for check in filters:
            keep = self.docs(check, within if total is None else total.keys())
            if total is None:
                total = dict.fromkeys(keep, 0.0)
            else:
                total = {d: s for d, s in total.items() if d in keep}
            if not total:
                return {}
        if total is None:
            total = dict.fromkeys(self.all_docs(within), 0.0)
        for excluded in negative:
            drop = self.docs(excluded, total.keys())
            if drop:
                total = {d: s for d, s in total.items() if d not in drop}
        return total

    def words(self, node: q.Words, within: AbstractSet[int] | None) -> Scores:
        fieldname = node.field or "body"
        if len(node.terms) == 1:
            return self.term_scores(fieldname, node.terms[0], within)
        grams = _grams(node, self.common)
        if len(node.terms) == 2 and grams:  # "the wheel": the gram is the phrase
            return self.term_scores(GRAMS, grams[0], within, length_field=fieldname)
        return self.phrase(fieldname, node, grams, within)

    def phrase(
        self, fieldname: str, node: q.Words, grams: list[str], within: AbstractSet[int] | None
    ) -> Scores:
        """Documents where the phrase's terms occur at their offsets, scored as the sum of
        their words' scores; positions are decoded only for documents holding every word (and
        every gram of the phrase)."""
        # Narrow the candidates rarest first, grams (documents only) and words (scores and
        # position masks) alike, so a rare word spares reading most of a common one.
        steps = [(self.doc_frequency(GRAMS, g), 0, g) for g in grams]
        steps += [(self.doc_frequency(fieldname, t), 1, t) for t in set(node.terms)]
        steps.sort()
        candidates = within
        scores: dict[str, Scores] = {}
        positions: dict[str, dict[int, bytes]] = {}
        for _, is_word, item in steps:
            if is_word:
                values: dict[int, bytes] = {}
                found = self.term_scores(fieldname, item, candidates, values)
                scores[item] = found
                positions[item] = values
                candidates = found.keys() if candidates is None else candidates & found.keys()
            else:
                candidates = self.term_docs(GRAMS, item, candidates)
            if not candidates:
                return {}
        order = [item for _, is_word, item in steps if is_word]
        return _verified(
            node.terms, node.positions(), order, candidates or set(), positions, scores
        )

    def expansion(self, node: q.Prefix | q.Fuzzy, within: AbstractSet[int] | None) -> Scores:
        """The union of the words a prefix or fuzzy word expanded to: each word scored by
        BM25F against its text field's lengths, or (a very wide prefix) all at score 0."""
        expansion = self.expanded.get(node)
        if expansion is None or not expansion.words:
            return {}
        length_field = node.field or "body"
        if not expansion.scored:
            found: set[int] = set()
            for word in expansion.words:
                found |= self.term_docs(expansion.field, word, within)
            return dict.fromkeys(found, 0.0)
        total: Scores = {}
        for word in expansion.words:
            scored = self.term_scores(expansion.field, word, within, length_field=length_field)
            if not total:
                total = dict(scored)
                continue
            for doc, score in scored.items():
                total[doc] = total.get(doc, 0.0) + score
        return total

    def dates(self, node: q.DateRange, within: AbstractSet[int] | None) -> set[int]:
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

    def run(
        self,
        root: q.Node,
        expanded: dict[Any, Expansion],
        years: tuple[int, int] | None,
        title_terms: Iterable[str] = (),
        within: q.Node | None = None,
    ) -> Matches:
        """All matching, not deleted documents of ``root`` with their scores; with ``within``
        (a filter, e.g. one day), only among that filter's documents, which are found first,
        so a common word reads only the posting blocks holding them."""
        self.expanded = expanded
        self.years = years
        titles = list(dict.fromkeys(title_terms))
        matches = Matches()
        for segment in self.segments:
            self.segment = segment
            candidates = None if within is None else self.docs(within)
            found = self.scores(root, candidates)  # (may be a cached dict: read only)
            deleted = segment.deleted_local
            if deleted and not deleted.isdisjoint(found.keys()):
                found = {d: s for d, s in found.items() if d not in deleted}
            boosts: Scores = {}
            if titles and found:
                keys = found.keys()
                for term in titles:
                    for doc, score in self.term_scores("title", term, keys).items():
                        boosts[doc] = boosts.get(doc, 0.0) + TITLE_BOOST * score
            matches.add(segment.offset, found, boosts)
        return matches


def _verified(
    terms: tuple[str, ...],
    offsets: tuple[int, ...],
    order: list[str],
    candidates: Iterable[int],
    positions: dict[str, dict[int, bytes]],
    scores: dict[str, Scores],
) -> Scores:
    """The candidates where the phrase really occurs, with its score.

    Bit ``i`` of a position mask is set when the term is at position ``i``; shifting the k-th
    term's mask by its offset and ANDing leaves the positions where the whole phrase starts.
    Most postings hold one position, whose mask is a table lookup: this loop is the bulk of a
    long phrase query, so it is written for speed.
    """
    single = SINGLE_MASKS.get
    first = positions[terms[0]]
    if len(terms) == 2 and offsets == (0, 1):
        second = positions[terms[1]]
        found = [
            d
            for d in candidates
            if (single(first[d]) or position_mask(first[d]))
            & ((single(second[d]) or position_mask(second[d])) >> 1)
        ]
    else:
        rest = [
            (offset - offsets[0], positions[term])
            for offset, term in zip(offsets[1:], terms[1:], strict=True)
        ]
        found = []
        for d in candidates:
            starts = single(first[d]) or position_mask(first[d])
            for offset, word in rest:
                value = word[d]
                starts &= (single(value) or position_mask(value)) >> offset
                if not starts:
                    break
            else:
                found.append(d)
    if len(order) == 1:
        only = scores[order[0]]
        return {d: only[d] for d in found}
    if len(order) == 2:
        a, b = scores[order[0]], scores[order[1]]
        return {d: a[d] + b[d] for d in found}
    return {d: sum(scores[term][d] for term in order) for d in found}


_FILTERS = (q.DateRange, q.Kind, q.Flag, q.Colour)


def _few_candidates(within: AbstractSet[int] | None, frequency: int) -> bool:
    """Fewer candidates than a frequent term has blocks: reading just their blocks beats
    reading (and caching) the whole term.  With more, nearly every block is read anyway."""
    return within is not None and len(within) * BLOCK_LIMIT < frequency


def _single_word(node: q.Node) -> bool:
    return isinstance(node, q.Words) and len(node.terms) == 1


GRAMS = "grams"


def _grams(node: q.Words, common: frozenset[str]) -> list[str]:
    """The common grams of a phrase in the default or body field: adjacent words (never CJK
    terms), one of them very common."""
    if node.field not in (None, "body") or len(node.terms) < 2:
        return []
    offsets = node.positions()
    found = []
    for i in range(len(node.terms) - 1):
        a, b = node.terms[i], node.terms[i + 1]
        if offsets[i + 1] != offsets[i] + 1 or is_cjk(a) or is_cjk(b):
            continue
        pair = gram(a, b, common)
        if pair is not None:
            found.append(pair)
    return list(dict.fromkeys(found))
