"""Snippets and highlights made from the text in SQLite, not from the index.

The index does not store bodies (it stays small), so the words around a hit come from the
store: only for the hits shown, a few at a time.  Matching reuses ``analysis.word_spans``, so a
snippet marks exactly the words the index matched ("inspections" for a search on
"inspection").  A ``Snippet`` keeps plain text plus marked character ranges; the terminal and
the window render it their own way (``brackets``/``ansi``/``html``), and HTML is escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from reader.search.analysis import word_spans
from reader.search.query import MatchTerms

SNIPPET_WORDS = 30
_CONTEXT_BEFORE = 6
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Snippet:
    """About ``SNIPPET_WORDS`` words of an item's text with the matched words' ranges.

    ``marks`` are ``(start, end)`` offsets into ``text``, sorted and not overlapping.
    """

    text: str
    marks: tuple[tuple[int, int], ...] = field(default=())

    def render(self, before: str, after: str, escape=None) -> str:
        """``text`` with each mark wrapped in ``before``/``after``; ``escape`` maps the text
        pieces (e.g. ``html.escape``)."""
        esc = escape or (lambda s: s)
        out: list[str] = []
        last = 0
        for start, end in self.marks:
            out.append(esc(self.text[last:start]))
            out.append(before + esc(self.text[start:end]) + after)
            last = end
        out.append(esc(self.text[last:]))
        return "".join(out)

    def brackets(self) -> str:
        """For plain terminals, logs and JSON: ``... the [inspection] report ...``."""
        return self.render("[", "]")

    def ansi(self) -> str:
        """For colour terminals: marks in bold reverse video."""
        return self.render("\x1b[1;7m", "\x1b[0m")

    def html(self) -> str:
        """For the window's rich text: escaped text with marks in ``<b>``."""
        return self.render("<b>", "</b>", html.escape)

    def marked(self) -> list[str]:
        return [self.text[start:end] for start, end in self.marks]


def _marked_words(
    spans: list[tuple[int, int, str]], text: str, match: MatchTerms
) -> tuple[list[bool], set[int]]:
    """Which words match, and which word indices are joined to the next (inside a phrase).

    Words of a phrase are marked only where the whole phrase occurs, so searching for
    "the wheel" does not light up every "the".
    """
    if match.prefixes:
        flags = [match.matches(term, text[start:end]) for start, end, term in spans]
    else:
        terms_wanted = match.terms
        flags = [term in terms_wanted for _, _, term in spans]
    joined: set[int] = set()
    if match.phrases:
        terms = [term for _, _, term in spans]
        for phrase in match.phrases:
            size = len(phrase)
            first = phrase[0]
            for index, term in enumerate(terms):
                if term == first and tuple(terms[index : index + size]) == phrase:
                    joined.update(range(index, index + size - 1))
                    flags[index : index + size] = [True] * size
    return flags, joined


def highlight_ranges(text: str, match: MatchTerms) -> list[tuple[int, int]]:
    """Character ranges of every matched word in ``text`` (phrase words joined into one range),
    for highlighting a whole post or comment in the reading pane."""
    spans = word_spans(text)
    flags, joined = _marked_words(spans, text, match)
    return _ranges(spans, flags, joined, 0, len(spans))


def matched_words(text: str, match: MatchTerms) -> list[str]:
    """The distinct surface forms in ``text`` that match (``Inspections``, ``inspected``), in
    order of first appearance; the window can search for these literally."""
    spans = word_spans(text)
    flags, _ = _marked_words(spans, text, match)
    return _distinct_words(text, spans, flags)


def _distinct_words(text: str, spans: list[tuple[int, int, str]], flags: list[bool]) -> list[str]:
    return list(
        dict.fromkeys(text[a:b] for (a, b, _), flag in zip(spans, flags, strict=True) if flag)
    )


def _ranges(
    spans: list[tuple[int, int, str]], flags: list[bool], joined: set[int], lo: int, hi: int
) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    index = lo
    while index < hi:
        if not flags[index]:
            index += 1
            continue
        start = spans[index][0]
        while index in joined and index + 1 < hi and flags[index + 1]:
            index += 1
        ranges.append((start, spans[index][1]))
        index += 1
    return ranges


def _best_window(flags: list[bool], spans: list[tuple[int, int, str]], size: int) -> int:
    """The first word of the window holding the most distinct matched terms (then the most
    matches), starting a little before its first match so the match has context."""
    hits = [i for i, flag in enumerate(flags) if flag][:500]
    if not hits:
        return 0
    best, best_key = 0, (-1, -1)
    for hit in hits:
        start = max(0, hit - _CONTEXT_BEFORE)
        inside = [i for i in hits if start <= i < start + size]
        key = (len({spans[i][2] for i in inside}), len(inside))
        if key > best_key:
            best, best_key = start, key
    return best


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
        return Snippet(_SPACE.sub(" ", text).strip()), []
    flags, joined = _marked_words(spans, text, match)
    found = _distinct_words(text, spans, flags)
    first = _best_window(flags, spans, words)
    last = min(len(spans), first + words)
    if last - first < words:  # near the end: show more before rather than a short snippet
        first = max(0, last - words)
    start = spans[first][0] if first else 0
    end = spans[last - 1][1]
    tail = re.match(r"\S*", text[end:])
    end += tail.end() if tail else 0
    if last == len(spans):
        end = len(text)
    marks = _ranges(spans, flags, joined, first, last)
    snippet = _assemble(text, start, end, marks, cut_before=first > 0, cut_after=last < len(spans))
    return snippet, found


def _assemble(
    text: str,
    start: int,
    end: int,
    marks: list[tuple[int, int]],
    *,
    cut_before: bool,
    cut_after: bool,
) -> Snippet:
    """Collapse white space in ``text[start:end]`` and move the marks along with it."""
    out: list[str] = ["… "] if cut_before else []
    length = len(out[0]) if out else 0
    new_marks: list[tuple[int, int]] = []
    position = start

    def emit(piece: str) -> None:
        nonlocal length
        piece = _SPACE.sub(" ", piece)
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
    new_marks = [(s - lead, e - lead) for s, e in new_marks]
    if cut_after:
        body += " …"
    return Snippet(body, tuple(new_marks))
