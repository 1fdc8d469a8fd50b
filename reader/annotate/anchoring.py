"""Placing a highlight in an item's text from its W3C-style selectors; pure functions, no I/O.

Why this exists: readers of other tools lost highlights after updates because they anchored by
offset only.  Here an annotation carries a quote selector (``exact`` plus up to ``CONTEXT``
characters of ``prefix`` and ``suffix``) and a position selector (``start``/``end``, Python
string offsets, i.e. Unicode code points as the W3C model counts them).  ``anchor`` tries, in
order, and stops at the first that works:

1. the exact quote, preferring the occurrence whose context and position fit best (so an
   unchanged text keeps every highlight exactly where it was, and a repeated phrase is told
   apart by its prefix/suffix);
2. the quote with runs of white space collapsed on both sides, offsets mapped back to the
   real text (re-wrapped lines, doubled spaces, ``\\xa0``);
3. an approximate match (Myers' bit-parallel edit distance, run only in windows seeded by
   shared substrings, so a 50 KB item costs milliseconds) whose similarity to the quote is at
   least ``FUZZY_THRESHOLD``; the result is marked ``moved``;
4. otherwise an orphan: the caller keeps it and its last known offsets, never deletes it.

States: ``exact`` means the highlighted text is the quote (verbatim or modulo white space),
``moved`` means only a similar passage was found, ``orphan`` means none was.  ``method`` says
which step decided, for reports and tests.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from dataclasses import dataclass

CONTEXT = 32
FUZZY_THRESHOLD = 0.75
MIN_FUZZY_LENGTH = 6  # shorter quotes match too much by chance: exact or orphan
SHORT_QUOTE = 16  # below this a fuzzy match must also agree with its context

EXACT = "exact"
MOVED = "moved"
ORPHAN = "orphan"
STATES = (EXACT, MOVED, ORPHAN)

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Quote:
    """A TextQuoteSelector: the passage and a little of what surrounds it."""

    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True, slots=True)
class Placement:
    """Where ``anchor`` put a highlight; for an orphan, the offsets are the last known ones."""

    start: int
    end: int
    state: str
    method: str  # "position", "quote", "whitespace", "fuzzy", "none" or "missing"
    score: float = 1.0

    @property
    def found(self) -> bool:
        return self.state != ORPHAN


def capture(text: str, start: int, end: int, context: int = CONTEXT) -> Quote:
    """The quote selector for ``text[start:end]``; ``ValueError`` for an empty or bad range."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"bad range {start}..{end} for a text of {len(text)} characters")
    return Quote(text[start:end], text[max(0, start - context) : start], text[end : end + context])


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every place ``quote`` occurs in ``text``: verbatim if anywhere, else modulo white space.

    For ``annotations add --quote``: a passage typed on a command line rarely reproduces the
    dump's line breaks, so white space is allowed to differ.
    """
    if not quote.strip():
        return []
    spans = [(s, s + len(quote)) for s in _occurrences(text, quote)]
    if spans:
        return spans
    norm, offsets = collapse(text)
    needle = _SPACE.sub(" ", quote).strip()
    return [_unmap(offsets, s, s + len(needle)) for s in _occurrences(norm, needle)]


def anchor(
    text: str | None, exact: str, prefix: str, suffix: str, start: int, end: int
) -> Placement:
    """Place a highlight in ``text`` (``None``: the item is not in the library)."""
    if text is None:
        return Placement(start, end, ORPHAN, "missing", 0.0)
    if not exact:
        return Placement(start, end, ORPHAN, "none", 0.0)
    spans = [(s, s + len(exact)) for s in _occurrences(text, exact)]
    if spans:
        best = _best_exact(text, spans, prefix, suffix, start)
        method = "position" if best == (start, end) else "quote"
        return Placement(best[0], best[1], EXACT, method)
    placement = _whitespace(text, exact, prefix, suffix, start)
    if placement is None:
        placement = _fuzzy(text, exact, prefix, suffix, start)
    return placement or Placement(start, end, ORPHAN, "none", 0.0)


# -- exact and white-space-insensitive matching ------------------------------------------------


def _occurrences(text: str, needle: str) -> list[int]:
    found = []
    index = text.find(needle)
    while index >= 0:
        found.append(index)
        index = text.find(needle, index + 1)
    return found


def _common_tail(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_head(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _best_exact(
    text: str, spans: list[tuple[int, int]], prefix: str, suffix: str, expected: int
) -> tuple[int, int]:
    """The occurrence whose surroundings agree longest with prefix/suffix, then the nearest."""
    if len(spans) == 1:
        return spans[0]
    room = max(1, len(prefix) + len(suffix))
    scale = max(1, len(text))

    def score(span: tuple[int, int]) -> tuple[float, float]:
        s, e = span
        agree = _common_tail(prefix, text[max(0, s - len(prefix)) : s])
        agree += _common_head(suffix, text[e : e + len(suffix)])
        return (agree / room, -abs(s - expected) / scale)

    return max(spans, key=score)


def collapse(text: str) -> tuple[str, list[int]]:
    """``text`` with every run of white space made one space, and each kept character's offset.

    Returns ``(collapsed, offsets)`` where ``offsets[i]`` is the index in ``text`` of
    ``collapsed[i]``, so a span found in the collapsed text maps back with ``_unmap``.
    """
    parts: list[str] = []
    offsets: list[int] = []
    last = 0
    for match in _SPACE.finditer(text):
        parts.append(text[last : match.start()])
        offsets.extend(range(last, match.start()))
        parts.append(" ")
        offsets.append(match.start())
        last = match.end()
    parts.append(text[last:])
    offsets.extend(range(last, len(text)))
    return "".join(parts), offsets


def _unmap(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    return offsets[start], offsets[end - 1] + 1


def _whitespace(text: str, exact: str, prefix: str, suffix: str, expected: int) -> Placement | None:
    needle = _SPACE.sub(" ", exact).strip()
    if not needle:
        return None
    norm, offsets = collapse(text)
    starts = _occurrences(norm, needle)
    if not starts:
        return None
    spans = [(s, s + len(needle)) for s in starts]
    expected_norm = bisect.bisect_left(offsets, expected)
    best = _best_exact(norm, spans, _SPACE.sub(" ", prefix), _SPACE.sub(" ", suffix), expected_norm)
    s, e = _unmap(offsets, *best)
    return Placement(s, e, EXACT, "whitespace")


# -- approximate matching ----------------------------------------------------------------------


def _myers(pattern: str, text: str, *, anchored: bool = False) -> list[int]:
    """Edit distances between ``pattern`` and substrings of ``text`` ending at each offset.

    Returns ``d`` with ``d[j]`` (``j`` in ``0..len(text)``) the smallest edit distance between
    ``pattern`` and any ``text[i:j]`` - or, if ``anchored``, exactly ``text[0:j]``.  Myers'
    bit-vector algorithm (Hyyrö's formulation) on Python integers of ``len(pattern)`` bits:
    one pass over ``text``, a dozen integer operations per character.
    """
    m = len(pattern)
    peq: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    carry = 1 if anchored else 0
    scores = [m]
    for ch in text:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | carry) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
        scores.append(score)
    return scores


def _seed_diagonals(text: str, exact: str, limit: int = 3) -> list[int]:
    """Likely start offsets of ``exact`` in ``text``, voted for by shared short substrings."""
    m = len(exact)
    k = 8 if m >= 32 else max(3, m // 4)
    stride = max(1, k // 2)
    bucket = max(8, m // 8)
    votes: Counter[int] = Counter()
    for q in range(0, m - k + 1, stride):
        gram = exact[q : q + k]
        hits = _occurrences_capped(text, gram, 64)
        if hits is None:
            continue  # too common to say anything
        for pos in hits:
            votes[(pos - q) // bucket] += 1
    return [b * bucket for b, _ in votes.most_common(limit)]


def _occurrences_capped(text: str, needle: str, cap: int) -> list[int] | None:
    found: list[int] = []
    index = text.find(needle)
    while index >= 0:
        if len(found) == cap:
            return None
        found.append(index)
        index = text.find(needle, index + 1)
    return found


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _fuzzy(text: str, exact: str, prefix: str, suffix: str, expected: int) -> Placement | None:
    """The best approximate occurrence, scored like Hypothesis' anchoring: quote first, then
    context, then closeness to where it was."""
    m = len(exact)
    if m < MIN_FUZZY_LENGTH or not text:
        return None
    max_errors = int(m * (1 - FUZZY_THRESHOLD))
    slack = max_errors + 8
    windows = {expected, *_seed_diagonals(text, exact)}
    scale = max(1, len(text))
    best: tuple[float, int, int, float] | None = None
    for diagonal in windows:
        lo = max(0, diagonal - slack)
        hi = min(len(text), diagonal + m + slack)
        if hi - lo < m - max_errors:
            continue
        window = text[lo:hi]
        dist = _myers(exact, window)
        low = min(dist)
        if low > max_errors:
            continue
        ends = [j for j, d in enumerate(dist) if d == low]
        end = min(ends, key=lambda j: abs(lo + j - (diagonal + m)))
        back_from = max(0, end - m - max_errors)
        back = _myers(exact[::-1], window[back_from:end][::-1], anchored=True)
        length = min(range(len(back)), key=lambda n: (back[n], abs(n - m)))
        s, e = lo + end - length, lo + end
        if s >= e:
            continue
        quote_sim = 1 - low / m
        pre = _similarity(prefix, text[max(0, s - len(prefix)) : s]) if prefix else 0.5
        suf = _similarity(suffix, text[e : e + len(suffix)]) if suffix else 0.5
        if m < SHORT_QUOTE and max(pre, suf) < 0.5:
            continue
        score = 50 * quote_sim + 20 * pre + 20 * suf + 2 * (1 - abs(s - expected) / scale)
        if best is None or score > best[0]:
            best = (score, s, e, quote_sim)
    if best is None:
        return None
    return Placement(best[1], best[2], MOVED, "fuzzy", round(best[3], 3))


# -- offsets for Qt ----------------------------------------------------------------------------


def to_utf16(text: str, index: int) -> int:
    """A code-point offset as a UTF-16 offset (QTextCursor positions count UTF-16 units)."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def from_utf16(text: str, index: int) -> int:
    """A UTF-16 offset (from QTextCursor) as a code-point offset into ``text``."""
    units = 0
    for position, ch in enumerate(text):
        if units >= index:
            return position
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)
