"""Compiling a parsed query (``query.py``) into a whoosh query against an open reader.

The reader is needed because prefix and fuzzy words are expanded here, into at most
``PREFIX_LIMIT``/``FUZZY_LIMIT`` index terms (the most frequent ones), and open date ranges
are closed with the years the index holds.  Expansion is bounded on purpose: whoosh ORs every
expanded term, and an unbounded ``a*`` over a large archive is what made its prefix queries
take seconds.

Filters (date, in:, is:, color:) become terms of unscored keyword fields, ANDed with the text:
every hit matches each filter exactly once, so they shift all scores by the same constant and
never change the ranking.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from reader.search.analysis import term_for
from reader.search.query import (
    And,
    Colour,
    DateRange,
    Flag,
    Fuzzy,
    Kind,
    MatchTerms,
    Node,
    Not,
    Or,
    ParsedQuery,
    Prefix,
    Words,
    expandable,
    match_terms,
)

PREFIX_LIMIT = 40
PREFIX_SCAN = 2000
FUZZY_LIMIT = 16
EXPANSION_POSTINGS = 300_000
"""Postings one prefix or fuzzy word may read; its rarest expansions are dropped beyond."""


@dataclass
class Compiled:
    query: wq.Query
    match: MatchTerms
    notices: list[str] = field(default_factory=list)


class _Compiler:
    def __init__(self, reader, years: tuple[int, int] | None) -> None:
        self.reader = reader
        self.years = years
        self.expanded: set[str] = set()
        self.notices: list[str] = []

    def build(self, node: Node) -> wq.Query:
        if isinstance(node, Words):
            return self.words(node)
        if isinstance(node, Prefix):
            return self.terms(node.field or "body", self.expand_prefix(node), f"{node.prefix}*")
        if isinstance(node, Fuzzy):
            return self.terms(node.field or "body", self.expand_fuzzy(node), f"{node.word}~")
        if isinstance(node, And):
            return wq.And([self.build(item) for item in node.items])
        if isinstance(node, Or):
            return wq.Or([self.build(item) for item in node.items])
        if isinstance(node, Not):
            return wq.Not(self.build(node.item))
        if isinstance(node, DateRange):
            return self.dates(node)
        if isinstance(node, Kind):
            if node.kind == "comment":
                return wq.Not(wq.Term("kind", "post"))
            return wq.Term("kind", node.kind)
        if isinstance(node, Flag):
            return wq.Term("flags", node.name)
        if isinstance(node, Colour):
            return wq.Term("colors", node.name)
        raise TypeError(f"unknown query node {node!r}")

    def words(self, node: Words) -> wq.Query:
        fieldname = node.field or "body"
        if len(node.terms) == 1:
            return wq.Term(fieldname, node.terms[0])
        return wq.Phrase(fieldname, list(node.terms))

    def terms(self, fieldname: str, terms: list[str], label: str) -> wq.Query:
        if not terms:
            return wq.NullQuery
        self.expanded.update(terms)
        if len(terms) == 1:
            return wq.Term(fieldname, terms[0])
        return wq.Or([wq.Term(fieldname, term) for term in terms])

    def _most_frequent(self, fieldname: str, terms: list[str], limit: int) -> list[str]:
        """At most ``limit`` of ``terms``, the most frequent first, and no more than
        ``EXPANSION_POSTINGS`` postings in all (but always the most frequent one)."""
        frequency = self.reader.doc_frequency
        ranked = sorted(terms, key=lambda t: -frequency(fieldname, t))[:limit]
        kept: list[str] = []
        postings = 0
        for term in ranked:
            postings += frequency(fieldname, term)
            if kept and postings > EXPANSION_POSTINGS:
                break
            kept.append(term)
        return kept

    def expand_prefix(self, node: Prefix) -> list[str]:
        fieldname = node.field or "body"
        prefix = node.prefix
        found: list[str] = []
        for btext in self.reader.expand_prefix(fieldname, prefix):
            found.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
            if len(found) >= PREFIX_SCAN:
                break
        if not found:
            # "inspectio*": the index holds the stem "inspect", shorter than the prefix.
            for size in range(len(prefix) - 1, max(3, len(prefix) - 4), -1):
                if self._has(fieldname, prefix[:size]):
                    found.append(prefix[:size])
                    break
        kept = self._most_frequent(fieldname, found, PREFIX_LIMIT)
        if len(found) > len(kept):
            more = "+" if len(found) >= PREFIX_SCAN else ""
            self.notices.append(
                f"{prefix}* matches {len(found)}{more} words; searched the {len(kept)} most"
                " common (type more letters to narrow it)"
            )
        return kept

    def _has(self, fieldname: str, term: str) -> bool:
        return (fieldname, term.encode("utf-8")) in self.reader

    def expand_fuzzy(self, node: Fuzzy) -> list[str]:
        fieldname = node.field or "body"
        found: set[str] = set()
        for word in {node.word, term_for(node.word)}:
            for term in self.reader.terms_within(fieldname, word, node.maxdist, prefix=1):
                found.add(term)
        return self._most_frequent(fieldname, sorted(found), FUZZY_LIMIT)

    def dates(self, node: DateRange) -> wq.Query:
        if self.years is None:
            return wq.NullQuery
        first = dt.date(self.years[0], 1, 1)
        last = dt.date(self.years[1], 12, 31)
        start = max(node.start or first, first)
        end = min(node.end or last, last)
        terms = date_terms(start, end)
        if not terms:
            return wq.NullQuery
        if len(terms) == 1:
            return wq.Term("date", terms[0])
        return wq.Or([wq.Term("date", term) for term in terms])


def date_terms(start: dt.date, end: dt.date) -> list[str]:
    """The fewest ``date`` terms (years, months, days) covering ``start..end`` inclusive.

    A document carries all three of its own (``2020 2020-06 2020-06-07``), so a whole year is
    one term and 2020-01-15..2020-03-31 is 17 days plus two months.
    """
    terms: list[str] = []
    day = start
    while day <= end:
        year_end = dt.date(day.year, 12, 31)
        month_end = dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        if day.month == 1 and day.day == 1 and year_end <= end:
            terms.append(f"{day.year:04d}")
            day = year_end + dt.timedelta(days=1)
        elif day.day == 1 and month_end <= end:
            terms.append(f"{day.year:04d}-{day.month:02d}")
            day = month_end + dt.timedelta(days=1)
        else:
            terms.append(day.isoformat())
            day += dt.timedelta(days=1)
        if day.year > 9999 or day == dt.date.max:
            break
    return terms


def expand(parsed: ParsedQuery, reader: Any) -> tuple[dict[Any, list[str]], list[str]]:
    """The index terms each prefix and fuzzy word of ``parsed`` stands for, and notices."""
    compiler = _Compiler(reader, None)
    expanded: dict[Any, list[str]] = {}
    for node in expandable(parsed):
        terms = (
            compiler.expand_prefix(node)
            if isinstance(node, Prefix)
            else compiler.expand_fuzzy(node)
        )
        expanded[node] = terms
    return expanded, compiler.notices


def compile_query(parsed: ParsedQuery, reader, years: tuple[int, int] | None) -> Compiled:
    """A whoosh query for ``parsed`` (which must not be empty) and what to highlight."""
    compiler = _Compiler(reader, years)
    assert parsed.root is not None
    root = compiler.build(parsed.root)
    root = root.normalize()
    if not parsed.has_text():
        # Only filters and exclusions: everything that passes them.  (Not normalised again:
        # whoosh's And.normalize turns "Every AND x" into Every.)
        root = wq.And([wq.Every(), root])
    match = match_terms(parsed).with_terms(compiler.expanded)
    return Compiled(root, match, compiler.notices)
