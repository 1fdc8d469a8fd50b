"""Snippets and highlights made from the text in SQLite, not from the index.

The index does not store bodies (it stays small), so the words around a hit come from the
store: only for the hits shown, a few at a time.  Matching reuses ``analysis.word_spans``, so a
snippet marks exactly the words the index matched ("inspections" for a search on
"inspection", the characters of a CJK match).  A ``Snippet`` keeps plain text plus marked
character ranges; the terminal, JSON and the window render it their own way.

The excerpt is the window of ``SNIPPET_WORDS`` words holding the most different query words
(then the most matches), so every query word the item holds within that distance is shown.
Control characters are never part of a snippet: white space becomes single spaces, and other
control and bidirectional-override characters are dropped, so archive text cannot recolour a
terminal or reorder what is shown.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from reader.search.analysis import word_spans
from reader.search.query import MatchTerms

SNIPPET_WORDS = 30
_CONTEXT_BEFORE = 6
_SPACE = re.compile(r"\s+")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Characters never copied to a snippet (white space among them is collapsed first)."""

Span = tuple[int, int, int, str, str]  # position, start, end, term, folded


@dataclass(frozen=True, slots=True)
class Snippet:
    """About ``SNIPPET_WORDS`` words of an item's text with the matched words' ranges.

    ``marks`` are ``(start, end)`` offsets into ``text``, one per matched word (a run of
    matched CJK characters is one), sorted and not overlapping; ``joins`` holds the index of
    each mark that belongs with the next one to one phrase occurrence (shown as one range).
    """

    text: str
    marks: tuple[tuple[int, int], ...] = field(default=())
    joins: frozenset[int] = field(default=frozenset())

    def ranges(self) -> list[tuple[int, int]]:
        """The marks as shown: a phrase occurrence is one range."""
        shown: list[tuple[int, int]] = []
        index = 0
        while index < len(self.marks):
            start, end = self.marks[index]
            while index in self.joins and index + 1 < len(self.marks):
                index += 1
                end = self.marks[index][1]
            shown.append((start, end))
            index += 1
        return shown

    def render(self, before: str, after: str, escape: Any = None) -> str:
        """``text`` with each shown range wrapped in ``before``/``after``; ``escape`` maps the
        text pieces (e.g. ``html.escape``)."""
        esc = escape or (lambda s: s)
        out: list[str] = []
        last = 0
        for start, end in self.ranges():
            out.append(esc(self.text[last:start]))
            out.append(before + esc(self.text[start:end]) + after)
            last = end
        out.append(esc(self.text[last:]))
        return "".join(out)

    def brackets(self, escape: bool = False) -> str:
        """For plain terminals, logs and JSON: ``... the [inspection] report ...``.  With
        ``escape``, literal brackets and backslashes in the text are backslash-escaped, so
        ``[`` only ever opens a mark."""
        if not escape:
            return self.render("[", "]")
        return self.render("[", "]", escape_brackets)

    def ansi(self) -> str:
        """For colour terminals: marks in bold reverse video."""
        return self.render("\x1b[1;7m", "\x1b[0m")

    def html(self) -> str:
        """For the window's rich text: escaped text with marks in ``<b>``."""
        return self.render("<b>", "</b>", html.escape)

    def marked(self) -> list[str]:
        return [self.text[start:end] for start, end in self.ranges()]

    def excerpt(self) -> dict[str, Any]:
        """The ``--json`` shape: the text and one ``[start, end]`` per matched word."""
        return {"text": self.text, "marks": [list(mark) for mark in self.marks]}


def escape_brackets(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def clean_text(text: str) -> str:
    """One line of archive text safe for a terminal: white space collapsed, control characters
    (and bidirectional overrides) removed."""
    return CONTROL.sub("", _SPACE.sub(" ", text)).strip()


# -- matching ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Marked:
    """Which spans of a text match, the query word each stands for, and phrase joins."""

    flags: list[bool]
    keys: list[str | None]
    joined: set[int]  # span indices whose mark continues the previous one's phrase


def _mark(spans: list[Span], match: MatchTerms) -> _Marked:
    """Words of a phrase are marked only where the whole phrase occurs, so searching for
    "the wheel" does not light up every "the"."""
    flags = [False] * len(spans)
    keys: list[str | None] = [None] * len(spans)
    terms, words, prefixes = match.terms, match.words, match.prefixes
    for index, span in enumerate(spans):
        term, folded = span[3], span[4]
        if term in terms or folded in words or (prefixes and folded.startswith(prefixes)):
            flags[index] = True
            keys[index] = match.key(term, folded)
    joined: set[int] = set()
    if match.phrases:
        at: dict[int, dict[str, int]] = {}
        for index, (position, _, _, term, _) in enumerate(spans):
            at.setdefault(position, {})[term] = index
        for number, (phrase, offsets) in enumerate(match.phrases):
            first, base = phrase[0], offsets[0]
            for position, here in at.items():
                if first not in here:
                    continue
                found = []
                for term, offset in zip(phrase, offsets, strict=True):
                    at_index = at.get(position + offset - base, {}).get(term)
                    if at_index is None:
                        break
                    found.append(at_index)
                else:
                    for step, index in enumerate(found):
                        flags[index] = True
                        keys[index] = f"phrase {number}"
                        if step:
                            joined.add(index)
    return _Marked(flags, keys, joined)


def _marks(
    text: str, spans: list[Span], marked: _Marked, lo: int, hi: int
) -> tuple[list[tuple[int, int]], set[int]]:
    """Character ranges of the matched spans with positions in ``[lo, hi)``: one per word,
    overlapping CJK spans merged; and which ranges continue a phrase from the previous one."""
    ranges: list[tuple[int, int]] = []
    joins: set[int] = set()
    for index, (position, start, end, _, _) in enumerate(spans):
        if not marked.flags[index] or not lo <= position < hi:
            continue
        if ranges and start <= ranges[-1][1]:  # overlapping CJK characters and bigrams
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], end))
            continue
        if index in marked.joined and ranges:
            joins.add(len(ranges) - 1)
        ranges.append((start, end))
    return ranges, joins


def highlight_ranges(text: str, match: MatchTerms) -> list[tuple[int, int]]:
    """Character ranges of every matched word in ``text`` (phrase words joined into one range),
    for highlighting a whole post or comment in the reading pane."""
    spans = word_spans(text)
    marked = _mark(spans, match)
    ranges, joins = _marks(text, spans, marked, 0, len(spans) and spans[-1][0] + 1)
    return Snippet(text, tuple(ranges), frozenset(joins)).ranges()


def matched_words(text: str, match: MatchTerms) -> list[str]:
    """The distinct surface forms in ``text`` that match (``Inspections``, ``inspected``), in
    order of first appearance; the window can search for these literally."""
    spans = word_spans(text)
    return _distinct_words(text, spans, _mark(spans, match))


def _distinct_words(text: str, spans: list[Span], marked: _Marked) -> list[str]:
    ranges, _ = _marks(text, spans, marked, 0, len(spans) and spans[-1][0] + 1)
    return list(dict.fromkeys(text[a:b] for a, b in ranges))


# -- the excerpt -------------------------------------------------------------------------------


def _best_window(spans: list[Span], marked: _Marked, size: int, last: int) -> int:
    """The first position of the ``size``-position window holding the most distinct query
    words (then the most matches), starting a little before its first match so the match has
    context.  A sliding window over the matches: linear in their number."""
    hits = [(spans[i][0], key) for i, key in enumerate(marked.keys) if key is not None]
    if not hits:
        return 0
    best = (-1, -1, 0, 0)  # distinct, count, first position, last position
    counts: dict[str, int] = {}
    left = 0
    for right, (position, key) in enumerate(hits):
        counts[key] = counts.get(key, 0) + 1
        while position - hits[left][0] >= size:
            old = hits[left][1]
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
            left += 1
        candidate = (len(counts), right - left + 1, hits[left][0], position)
        if candidate[:2] > best[:2]:
            best = candidate
    first, final = best[2], best[3]
    start = max(first - _CONTEXT_BEFORE, final - size + 1, 0)
    return max(0, min(start, last + 1 - size))


def make_snippet(text: str, match: MatchTerms, words: int = SNIPPET_WORDS) -> Snippet:
    """About ``words`` words of ``text`` around its best match; the opening words when nothing
    in ``text`` matches (the hit came from the title, say).  White space is collapsed to single
    spaces and an ellipsis shows where text was cut."""
    return snippet_and_words(text, match, words)[0]


def snippet_and_words(
    text: str, match: MatchTerms, words: int = SNIPPET_WORDS
) -> tuple[Snippet, list[str]]:
    """``make_snippet`` and ``matched_words`` in one pass over the text (what a hit needs)."""
    spans = word_spans(text)
    if not spans:
        return Snippet(clean_text(text)), []
    marked = _mark(spans, match)
    found = _distinct_words(text, spans, marked)
    last_position = spans[-1][0]
    first = _best_window(spans, marked, words, last_position)
    end_position = first + words  # exclusive
    inside = [span for span in spans if first <= span[0] < end_position]
    start = inside[0][1] if first > 0 else 0
    end = max(span[2] for span in inside)
    cut_after = end_position <= last_position
    if not cut_after:
        end = len(text)
    else:
        tail = re.match(r"\S*", text[end:])
        end += tail.end() if tail else 0
    ranges, joins = _marks(text, spans, marked, first, end_position)
    snippet = _assemble(text, start, end, ranges, joins, cut_before=first > 0, cut_after=cut_after)
    return snippet, found


def _assemble(
    text: str,
    start: int,
    end: int,
    marks: list[tuple[int, int]],
    joins: set[int],
    *,
    cut_before: bool,
    cut_after: bool,
) -> Snippet:
    """Collapse white space in ``text[start:end]``, drop control characters, and move the
    marks along with it."""
    out: list[str] = ["… "] if cut_before else []
    length = len(out[0]) if out else 0
    new_marks: list[tuple[int, int]] = []
    position = start

    def emit(piece: str) -> None:
        nonlocal length
        piece = CONTROL.sub("", _SPACE.sub(" ", piece))
        out.append(piece)
        length += len(piece)

    for mark_start, mark_end in marks:
        emit(text[position:mark_start])
        begin = length
        emit(text[mark_start:mark_end])
        new_marks.append((begin, length))
        position = mark_end
    emit(text[position:end])
    body = "".join(out)
    stripped = body.rstrip()
    lead = len(body) - len(body.lstrip()) if not cut_before else 0
    body = stripped[lead:]
    new_marks = [(s - lead, min(e - lead, len(body))) for s, e in new_marks]
    if cut_after:
        body += " …"
    return Snippet(body, tuple(new_marks), frozenset(joins))
