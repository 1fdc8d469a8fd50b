""" "Did you mean …": the closest words the index holds, for query words it does not.

A word is *unknown* when its stem is in no item of the field it is searched in (a plain word
or a phrase's word that is not excluded; prefixes and fuzzy words are left alone: they are
already spelling tools).  Its candidates are the index's own folded words (the unstemmed
``words`` fields, so ``title:servce`` looks among titles' words) within one edit (two for
words of six letters or more) with the same first letter, ranked by edit distance
(Damerau-Levenshtein: a swapped pair is one edit), then by how many items hold them, then
alphabetically; one candidate per stem.  whoosh's ``ReaderCorrector`` is not used: it ranks
every word within the largest distance alike, by total frequency, and walks the term files
of every segment (some 100 ms a word on a 160,000-item library); here whoosh's automaton walks
a sorted list of the words with the typed word's first letter, read once per index generation
(``Searcher.words_starting``).

The suggested query is the typed text with only the unknown words replaced (their case kept:
``Servce`` → ``Service``), so operators, quotes, filters and the other words stay as typed.  A
suggestion is offered only when the corrected query finds something: combinations of
candidates are counted best first, a few at most.  Words of digits, CJK text and words under
three letters are never corrected.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton
from whoosh.support.levenshtein import distance

from reader.search.analysis import fold, is_cjk, query_words, term_for
from reader.search.query import ParsedQuery, Words, positive_nodes, text_words
from reader.search.results import Suggestion
from reader.search.schema import WORDS_FIELDS

CANDIDATES = 3
"""Candidates kept per unknown word."""
MAX_UNKNOWN = 4
"""Unknown words corrected in one query (more: a pasted text, not a typing mistake)."""
MAX_COUNTS = 6
"""Corrected queries counted at most before giving up."""
MIN_LETTERS = 3


@dataclass(frozen=True, slots=True)
class Unknown:
    """A query word no item holds in ``field`` (None: title and body)."""

    field: str | None
    folded: str


def unknown_words(parsed: ParsedQuery, doc_frequency: Callable[[str, str], int]) -> list[Unknown]:
    """The words of ``parsed`` worth correcting: searched (not excluded), alphabetic, at least
    ``MIN_LETTERS`` long, not CJK, and whose stem ``doc_frequency(field, stem)`` is 0."""
    found: dict[Unknown, None] = {}
    for node in positive_nodes(parsed.root):
        if not isinstance(node, Words):
            continue
        for word in query_words(node.text):
            folded = fold(word)
            if is_cjk(word) or not folded.isalpha() or len(folded) < MIN_LETTERS:
                continue
            if doc_frequency(node.field or "body", term_for(word)) == 0:
                found[Unknown(node.field, folded)] = None
    return list(found)


class Vocabulary(Protocol):
    """What suggestions read from an index (``Searcher`` provides both, cached)."""

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """Items holding ``term`` in ``fieldname``."""
        ...

    def words_starting(self, fieldname: str, letter: str) -> list[str]:
        """Every word of words field ``fieldname`` that starts with ``letter``, sorted."""
        ...


def candidates(vocabulary: Vocabulary, unknown: Unknown, limit: int = CANDIDATES) -> list[str]:
    """The index's words closest to ``unknown`` (best first, one per stem).

    A Levenshtein automaton (whoosh's) walks the sorted words that share the first letter, in
    memory: walking the index's term files instead costs a file seek per step, per segment."""
    fieldname = WORDS_FIELDS[unknown.field or "body"]
    word = unknown.folded
    words = vocabulary.words_starting(fieldname, word[0])
    if not words:
        return []

    def at_or_after(key: str) -> str | None:
        index = bisect.bisect_left(words, key)
        return words[index] if index < len(words) else None

    maxdist = 1 if len(word) < 6 else 2
    automaton = levenshtein_automaton(word, maxdist, prefix=1).to_dfa()
    found = set(find_all_matches(automaton, at_or_after))
    ranked = sorted(
        found,
        key=lambda w: (distance(w, word), -vocabulary.doc_frequency(fieldname, w), w),
    )
    chosen: list[str] = []
    stems = {term_for(word)}
    for candidate in ranked:
        stem = term_for(candidate)
        if stem not in stems:
            stems.add(stem)
            chosen.append(candidate)
            if len(chosen) == limit:
                break
    return chosen


def _with_case(typed: str, word: str) -> str:
    """``word`` written like ``typed``: all capitals, a capital first letter, or as it is."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def rewrite(text: str, replacements: dict[Unknown, str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``text`` with each searched word that ``replacements`` names replaced, and the
    (typed, replacement) pairs made; everything between the words is kept as typed."""
    out: list[str] = []
    made: dict[tuple[str, str], None] = {}
    last = 0
    for at in text_words(text):
        typed = text[at.start : at.end]
        replacement = replacements.get(Unknown(at.field, fold(typed)))
        if replacement is None:
            continue
        cased = _with_case(typed, replacement)
        out.append(text[last : at.start])
        out.append(cased)
        made[(typed, cased)] = None
        last = at.end
    out.append(text[last:])
    return "".join(out), tuple(made)


def suggest(
    parsed: ParsedQuery, vocabulary: Vocabulary, count: Callable[[str], int]
) -> Suggestion | None:
    """A corrected query for ``parsed`` that finds hits (``count(query)`` > 0), or None when
    every word is in the index or no correction finds anything."""
    unknown = unknown_words(parsed, vocabulary.doc_frequency)[:MAX_UNKNOWN]
    if not unknown:
        return None
    options = [candidates(vocabulary, word) for word in unknown]
    if not any(options):
        return None
    # Each word's candidates, or (none found) the word left as typed; best combinations first.
    choices: list[list[tuple[int, str | None]]] = [
        [(rank, word) for rank, word in enumerate(found)] or [(0, None)] for found in options
    ]
    combinations = sorted(
        itertools.product(*choices), key=lambda combo: sum(rank for rank, _ in combo)
    )
    for combo in combinations[:MAX_COUNTS]:
        replacements = {
            word: choice for word, (_, choice) in zip(unknown, combo, strict=True) if choice
        }
        corrected, made = rewrite(parsed.text, replacements)
        if not made or corrected == parsed.text:
            continue
        total = count(corrected)
        if total > 0:
            return Suggestion(corrected, made, total)
    return None
