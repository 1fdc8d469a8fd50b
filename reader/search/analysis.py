"""Turning text into index terms: what a word is, its stem, its folded form, CJK bigrams and
common grams.  The same functions serve indexing, query parsing, snippets and the tests'
brute-force evaluator, so what the index holds, what a query looks for and what a snippet
marks can never disagree.

* A **word** is a run of letters and digits (``[^\\W_]``): underscores, punctuation and
  separators are never terms, so ``_`` or ``--`` finds nothing.  Text that is not ASCII is
  first put in NFC, so a decomposed "naïve" is one word like a composed one.
* Each word has a **folded** form (case-folded, accents removed: prefix and fuzzy matching)
  and a **stem** (the folded form through Porter2: plain words and phrases).  No stop words are
  removed: "the wheel" must stay a findable phrase.
* Text in Chinese, Japanese or Korean has no spaces between words, so each character of a CJK
  run is a term at its own position and each pair of adjacent characters is also a term, at
  the position of its first character (保护观察: 保 护 观 察 at 0-3, 保护 护观 观察 at 0-2), as
  Lucene's CJK bigram filter does with unigrams kept.  A CJK query becomes the phrase of its
  bigrams (a lone character: that character), so any stretch of characters is found wherever
  it occurs, and Latin words inside CJK text stay words.
* **Common grams**: each pair of adjacent terms of which one is a very common word (``the
  wheel``, ``government and``) is also indexed as one term, so a phrase with a frequent word
  reads one short posting list instead of the positions of "the" in nearly every document
  (Lucene's CommonGramsFilter, Sphinx's bigram index).

Indexing goes through ``analyse`` (one regular expression, then one cached lookup per word);
nothing here imports Qt, and only the Porter2 stemmer comes from whoosh.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.lang.porter2 import stem as _porter_stem

ANALYSIS_VERSION = 3
"""Bump when tokenising, folding, stemming or grams change: older indexes are rebuilt."""

CJK = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u2e80-\u2fdf"  # CJK and Kangxi radicals
    "\u3005-\u3007"  # 々 〆 〇
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u312f"  # Bopomofo
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u31f0-\u31ff"  # Katakana extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul Jamo extended A
    "\uac00-\ud7ff"  # Hangul syllables, Jamo extended B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uffdc"  # half-width Katakana and Hangul
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
TOKEN = re.compile(rf"[{CJK}]+|[^\W_{CJK}]+")
"""A CJK run or a word (letters and digits; never an underscore)."""
HAS_CJK = re.compile(f"[{CJK}]")
_CJK_CHAR = re.compile(f"[{CJK}]")

MAX_TERM_CHARS = 60
"""Longer "words" (base64, URLs without separators) are cut, keeping the index small."""


def prepare(text: str) -> str:
    """``text`` as it is tokenised: NFC when it is not ASCII (cheap checks in C first)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=1 << 18)
def fold(word: str) -> str:
    """A word case-folded and without accents, not stemmed (prefix and fuzzy matching)."""
    folded = word.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = unicodedata.normalize("NFC", folded)
    return folded[:MAX_TERM_CHARS]


@lru_cache(maxsize=1 << 18)
def term_for(word: str) -> str:
    """The index term of one word: folded, then stemmed with Porter2 (Snowball English;
    whoosh's older Porter leaves "syllable" and "running" unstemmed)."""
    folded = fold(word)
    if folded.isalpha() and len(folded) > 2:
        stemmed: str = _porter_stem(folded)  # whoosh is untyped
        return stemmed
    return folded


@lru_cache(maxsize=1 << 18)
def _word_info(word: str) -> tuple[str, str]:
    """(stem, folded form) of a word: the one cached lookup of the indexing hot loop."""
    return term_for(word), fold(word)


def is_cjk(token: str) -> bool:
    return _CJK_CHAR.match(token) is not None


@lru_cache(maxsize=1 << 16)
def cjk_run(run: str) -> str:
    """A run of CJK characters as indexed: NFKC (half-width Katakana to full width; voicing
    marks kept, unlike ``fold``) and case-folded (full-width Latin inside a run)."""
    return unicodedata.normalize("NFKC", run).casefold()


@lru_cache(maxsize=1 << 16)
def cjk_terms(run: str) -> tuple[tuple[str, int], ...]:
    """(term, position offset) of a CJK run: each character, and each pair of adjacent
    characters at the position of its first."""
    chars = cjk_run(run)
    found = [(ch, i) for i, ch in enumerate(chars)]
    found += [(chars[i : i + 2], i) for i in range(len(chars) - 1)]
    return tuple(found)


def query_terms(text: str) -> tuple[list[str], list[int]]:
    """The terms a piece of query text must match, with their position offsets: a word's stem;
    a CJK run's bigrams (its character when alone).  Consecutive offsets are adjacent words."""
    found: list[str] = []
    offsets: list[int] = []
    position = 0
    for token in TOKEN.findall(prepare(text)):
        if is_cjk(token):
            chars = cjk_run(token)
            if len(chars) == 1:
                found.append(chars)
                offsets.append(position)
            else:
                for i in range(len(chars) - 1):
                    found.append(chars[i : i + 2])
                    offsets.append(position + i)
            position += len(chars)
        else:
            found.append(term_for(token))
            offsets.append(position)
            position += 1
    return found, offsets


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
"""The most frequent English words: the common words of an index built from too little text
to measure its own (see ``choose_common``)."""

COMMON = frozenset(term_for(word) for word in COMMON_WORDS)
COMMON_LIMIT = 24
"""How many common words an index has.  Every distinct gram is a term, and a term costs the
build far more than a posting does, so only the words that would make a phrase read most of
the index are common; a phrase of less frequent words is fast by its positions."""
COMMON_SHARE = 0.15
"""A common word is in at least this share of documents."""


def choose_common(texts: list[str]) -> frozenset[str]:
    """The common words of an index: the ``COMMON_LIMIT`` terms found in the most of ``texts``
    (a sample of the library), each in at least ``COMMON_SHARE`` of them.  Measured, not
    listed, so an archive in another language gets its own ("der", "und"); CJK terms are never
    common (grams join words only)."""
    if len(texts) < 200:
        return COMMON
    counts: dict[str, int] = {}
    for text in texts:
        for token in set(TOKEN.findall(prepare(text))):
            if not is_cjk(token):
                term = term_for(token)
                counts[term] = counts.get(term, 0) + 1
    least = COMMON_SHARE * len(texts)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return frozenset(term for term, count in ranked[:COMMON_LIMIT] if count >= least)


def gram(first: str, second: str, common: frozenset[str] = COMMON) -> str | None:
    """The common-gram term of two adjacent terms, when one of them is common (else None)."""
    if first in common or second in common:
        return first + " " + second
    return None


def terms(text: str) -> list[str]:
    """The index terms of ``text`` in position order (several at one CJK position)."""
    return [term for _, _, _, term, _ in word_spans(text)]


Slots = dict[str, "int | list[int]"]


def analyse(
    text: str,
    slots: Slots,
    words: dict[str, int] | None,
    grams: dict[str, int] | None,
    start: int = 0,
    common: frozenset[str] = COMMON,
) -> int:
    """The indexing hot path: add the terms of ``text`` to ``slots`` (term → its position, an
    int while it occurs once, else a list), the folded words to ``words`` (word → count) and
    the common grams (of ``common`` words) to ``grams`` (gram → count); positions count from
    ``start``.  Returns the position after the last term.

    One ``findall``, then one cached lookup and a few dict operations per word.
    """
    text = prepare(text)
    tokens = TOKEN.findall(text)
    if HAS_CJK.search(text) is not None:
        return _analyse_mixed(tokens, slots, words, grams, start, common)
    get = slots.get
    info = _word_info
    position = start - 1
    previous = ""
    previous_common = False
    for position, token in enumerate(tokens, start):
        term, folded = info(token)
        found = get(term)
        if found is None:
            slots[term] = position
        elif type(found) is int:
            slots[term] = [found, position]
        else:
            found.append(position)  # type: ignore[union-attr]
        if words is not None:
            words[folded] = words.get(folded, 0) + 1
        if grams is not None:
            is_common = term in common
            if previous and (is_common or previous_common):
                pair = previous + " " + term
                grams[pair] = grams.get(pair, 0) + 1
            previous = term
            previous_common = is_common
    return position + 1


def _analyse_mixed(
    tokens: list[str],
    slots: Slots,
    words: dict[str, int] | None,
    grams: dict[str, int] | None,
    start: int,
    common: frozenset[str],
) -> int:
    """``analyse`` for text with CJK runs (see ``cjk_terms``).  Grams join two adjacent words
    only, never a CJK term."""
    position = start
    previous = ""
    for token in tokens:
        if is_cjk(token):
            for term, offset in cjk_terms(token):
                _add_slot(slots, term, position + offset)
            position += len(cjk_run(token))
            previous = ""
            continue
        term, folded = _word_info(token)
        _add_slot(slots, term, position)
        if grams is not None and previous:
            pair = gram(previous, term, common)
            if pair is not None:
                grams[pair] = grams.get(pair, 0) + 1
        if words is not None:
            words[folded] = words.get(folded, 0) + 1
        previous = term
        position += 1
    return position


def _add_slot(slots: Slots, term: str, position: int) -> None:
    found = slots.get(term)
    if found is None:
        slots[term] = position
    elif type(found) is int:
        slots[term] = [found, position]
    else:
        found.append(position)  # type: ignore[union-attr]


def word_spans(text: str) -> list[tuple[int, int, int, str, str]]:
    """``(position, start, end, term, folded)`` for every term of ``text``, in position order,
    with character offsets into ``text`` (a CJK character and the bigram starting at it share
    a position).

    Tokenises exactly like ``analyse``, so a span's position is its position in the index:
    snippets and the reading pane mark what a phrase matched.  If NFC would change the text,
    the raw text is tokenised instead so the offsets stay true (a decomposed accent may then
    split a word; nothing else differs).
    """
    if HAS_CJK.search(text) is None:  # the common case, in one comprehension
        info = _word_info
        return [
            (position, match.start(), match.end(), *info(match.group()))
            for position, match in enumerate(TOKEN.finditer(text))
        ]
    spans: list[tuple[int, int, int, str, str]] = []
    position = 0
    for match in TOKEN.finditer(text):
        token = match.group()
        begin = match.start()
        if is_cjk(token):
            chars = cjk_run(token)
            if len(chars) == len(token):
                for term, offset in cjk_terms(token):
                    end = begin + offset + len(term)
                    spans.append((position + offset, begin + offset, end, term, term))
            else:  # NFKC changed the run's length (half-width voiced kana): mark it whole
                for term, offset in cjk_terms(token):
                    spans.append((position + offset, begin, match.end(), term, term))
            position += len(chars)
        else:
            term, folded = _word_info(token)
            spans.append((position, begin, match.end(), term, folded))
            position += 1
    spans.sort(key=lambda span: span[0])
    return spans


def query_words(text: str) -> list[str]:
    """The words and CJK runs of a piece of query text, as typed (for describing a query)."""
    return TOKEN.findall(prepare(text))
