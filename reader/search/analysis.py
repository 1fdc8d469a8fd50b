"""Turning text into index terms: one regular expression and one cached stemming lookup.

Why not whoosh's ``StemmingAnalyzer``: it pushes every token through a chain of generators
(tokenizer → lowercase → stop words → stemmer), allocating a ``Token`` per word.  Here a text is
split with one ``re.findall`` and each distinct surface word is folded (case, accents) and
stemmed once per process thanks to a bounded cache, so the hot loop is a dictionary lookup.

The same functions serve indexing, query parsing and snippet marking, so what the index holds,
what a query looks for and what a snippet highlights can never disagree.  Nothing here imports
Qt; only the Porter2 stemmer comes from whoosh.

No stop words are removed: "the wheel" must stay a findable phrase.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.lang.porter2 import stem as _porter_stem

ANALYSIS_VERSION = 2
"""Bump when tokenising or stemming changes: an index built with another version is rebuilt."""

TOKEN = re.compile(r"\w+")
"""A word: letters, digits and underscores.  Apostrophes and hyphens split ("don't" → don, t)."""

MAX_TERM_CHARS = 60
"""Longer "words" (base64, URLs without separators) are cut, keeping the index small."""


@lru_cache(maxsize=1 << 18)
def term_for(word: str) -> str:
    """The index term of one surface word: case-folded, accents removed, stemmed with Porter2
    (Snowball English; whoosh's older Porter leaves "syllable" and "running" unstemmed)."""
    folded = word.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if len(folded) > MAX_TERM_CHARS:
        folded = folded[:MAX_TERM_CHARS]
    if folded.isalpha() and len(folded) > 2:
        return _porter_stem(folded)
    return folded


COMMON_WORDS = (
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "but",
    "by",
    "for",
    "from",
    "had",
    "has",
    "have",
    "he",
    "her",
    "his",
    "i",
    "in",
    "is",
    "it",
    "its",
    "not",
    "of",
    "on",
    "or",
    "she",
    "that",
    "the",
    "their",
    "they",
    "this",
    "to",
    "was",
    "we",
    "were",
    "which",
    "will",
    "with",
    "you",
)
"""The most frequent English words.  A phrase made of them ("of the") would make the engine
check the word positions of nearly every document, so each adjacent pair of them is also
indexed as one term (the "common grams" of Lucene): such a phrase is one posting list."""


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """A word case-folded and without accents but not stemmed (prefix and fuzzy matching)."""
    folded = word.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded[:MAX_TERM_CHARS]


COMMON = frozenset(term_for(word) for word in COMMON_WORDS)


def terms(text: str) -> list[str]:
    """The index terms of ``text`` in order (position ``i`` is the ``i``-th word)."""
    return list(map(term_for, TOKEN.findall(text)))


def term_positions(text: str, start: int = 0) -> dict[str, list[int]]:
    """Each distinct term of ``text`` with its word positions, counting from ``start``.

    This is the indexing hot path: one ``findall``, one cached lookup per word, one dict.
    """
    positions: dict[str, list[int]] = {}
    get = positions.get
    for index, term in enumerate(map(term_for, TOKEN.findall(text)), start):
        found = get(term)
        if found is None:
            positions[term] = [index]
        else:
            found.append(index)
    return positions


def term_slots(
    text: str, pairs: dict[str, int] | None = None
) -> tuple[dict[str, int | list[int]], int]:
    """``term_positions`` for the indexing hot path: a term seen once maps to its position as
    a plain int (no list allocated); returns the map and the number of words.

    With ``pairs``, also counts into it each "common common" word pair (see ``COMMON``).
    """
    slots: dict[str, int | list[int]] = {}
    get = slots.get
    index = -1
    previous = ""
    common = COMMON
    for index, term in enumerate(map(term_for, TOKEN.findall(text))):
        found = get(term)
        if found is None:
            slots[term] = index
        elif type(found) is int:
            slots[term] = [found, index]
        else:
            found.append(index)  # type: ignore[union-attr]
        if pairs is not None:
            if term in common:
                if previous:
                    pair = previous + " " + term
                    pairs[pair] = pairs.get(pair, 0) + 1
                previous = term
            else:
                previous = ""
    return slots, index + 1


def pair_term(first: str, second: str) -> str | None:
    """The index term of two adjacent words when both are common (else None)."""
    if first in COMMON and second in COMMON:
        return first + " " + second
    return None


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, term)`` for every word of ``text``, with character offsets into it.

    Tokenises exactly like ``terms`` (same expression), so word ``i`` here is position ``i`` in
    the index: snippets and the reading pane can mark what a phrase query matched.
    """
    return [(m.start(), m.end(), term_for(m.group())) for m in TOKEN.finditer(text)]
