"""Turning the open-ended parts of a query into index terms: prefix and fuzzy words into the
folded words they match, date ranges into date terms.

A prefix is expanded over the *words* fields (folded, unstemmed: ``officer*`` is "officer",
"officers", never "office"), completely: no word is left out however many there are.  When a
prefix stands for more than ``SCORED_WORDS`` words, its documents are found as one
constant-score union (ranking by the other words of the query) and a notice says so; the hit
set is the same either way.  Fuzzy words are the words within that many edits
(Levenshtein, first letter kept) and keep their ``FUZZY_LIMIT`` most frequent spellings, with a
notice when some were left out.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from reader.search.query import Fuzzy, ParsedQuery, Prefix, expandable
from reader.search.schema import WORDS_FIELDS

SCORED_WORDS = 64
"""A prefix matching more words than this is scored as one constant-score union."""
FUZZY_LIMIT = 32


@dataclass(frozen=True)
class Expansion:
    """The words (in ``field``, a words field) a prefix or fuzzy word stands for."""

    field: str
    words: tuple[str, ...]
    scored: bool = True


def words_field(node: Prefix | Fuzzy) -> str:
    return WORDS_FIELDS[node.field or "body"]


def expand_prefix(reader: Any, node: Prefix) -> tuple[Expansion, list[str]]:
    fieldname = words_field(node)
    found = [
        btext.decode("utf-8") if isinstance(btext, bytes) else btext
        for btext in reader.expand_prefix(fieldname, node.prefix)
    ]
    notices: list[str] = []
    scored = len(found) <= SCORED_WORDS
    if not scored:
        notices.append(
            f"{node.prefix}* matches {len(found):,} words: all are searched, ranked by the "
            "other words of the query (type more letters to rank by this one too)"
        )
    return Expansion(fieldname, tuple(found), scored), notices


def expand_fuzzy(reader: Any, node: Fuzzy) -> tuple[Expansion, list[str]]:
    fieldname = words_field(node)
    found: set[str] = set()
    for term in reader.terms_within(fieldname, node.word, node.maxdist, prefix=1):
        found.add(term.decode("utf-8") if isinstance(term, bytes) else term)
    ranked = sorted(found, key=lambda t: (-reader.doc_frequency(fieldname, t), t))
    notices: list[str] = []
    if len(ranked) > FUZZY_LIMIT:
        notices.append(
            f"{node.word}~{node.maxdist} matches {len(ranked)} spellings; searched the "
            f"{FUZZY_LIMIT} most common"
        )
    return Expansion(fieldname, tuple(ranked[:FUZZY_LIMIT])), notices


def expand(parsed: ParsedQuery, reader: Any) -> tuple[dict[Any, Expansion], list[str]]:
    """The words each prefix and fuzzy word of ``parsed`` stands for, and notices."""
    expanded: dict[Any, Expansion] = {}
    notices: list[str] = []
    for node in expandable(parsed):
        if node in expanded:
            continue
        if isinstance(node, Prefix):
            expanded[node], more = expand_prefix(reader, node)
        else:
            expanded[node], more = expand_fuzzy(reader, node)
        notices.extend(more)
    return expanded, notices


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
