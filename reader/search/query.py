"""The search box's query language, parsed into a small tree that knows nothing about whoosh.

    plain words           all must match (ranked by BM25F)
    a OR b                either (OR binds tighter than the implicit AND: ``x a OR b``)
    NOT word, -word       exclude
    "exact phrase"        words in this order (word endings folded like plain words)
    prefix*  fuzzy~       word beginnings; near spellings (``~2`` allows two edits)
    ( ... )               grouping
    title:word            only in post titles (also title:"a phrase", title:pre*); note:word
    date:2020  date:2020-06  date:2020-06-07  date:2020-01..2020-06  date:2019..  date:..2020
    in:post  in:comment  in:reply       is:removed  is:vanished  is:bookmarked  is:annotated
    color:yellow

A typing mistake (an unclosed quote or parenthesis, a dangling OR or NOT) never raises: the
query is searched as its plain words (filters kept) and a notice says so.  A filter that makes
no sense (``date:2020-13``) is dropped with a notice.  ``parse_query`` never raises at all.

The tree is compiled for the engine in ``expansion``; ``MatchTerms`` (from ``match_terms``)
is what snippets and the reading pane highlight.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from reader.model import COLOURS
from reader.search.analysis import TOKEN, fold, term_for

TEXT_FIELDS = {"title": "title", "body": "body", "text": "body", "note": "note"}
KINDS = {
    "post": "post",
    "posts": "post",
    "comment": "comment",
    "comments": "comment",
    "reply": "reply",
    "replies": "reply",
}
FLAGS = ("removed", "vanished", "bookmarked", "annotated")
"""``is:`` values; bookmarked/annotated are filled in by the annotations' item-info provider."""

MAX_FUZZY_DISTANCE = 2


# -- the tree ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Words:
    """A word (one term) or a phrase (several, in order) in ``field`` (None: title and body)."""

    field: str | None
    terms: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Prefix:
    field: str | None
    prefix: str  # folded, unstemmed


@dataclass(frozen=True, slots=True)
class Fuzzy:
    field: str | None
    word: str  # folded, unstemmed
    maxdist: int


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive; ``None`` for an open end."""

    start: dt.date | None
    end: dt.date | None
    text: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Kind:
    kind: str  # post | comment | reply


@dataclass(frozen=True, slots=True)
class Flag:
    name: str


@dataclass(frozen=True, slots=True)
class Colour:
    name: str


Node = Words | Prefix | Fuzzy | And | Or | Not | DateRange | Kind | Flag | Colour
FILTERS = (DateRange, Kind, Flag, Colour)


@dataclass(frozen=True)
class ParsedQuery:
    """What the user asked for: ``root`` is None for an empty query."""

    text: str
    root: Node | None
    notices: tuple[str, ...] = ()
    fallback: bool = False

    @property
    def is_empty(self) -> bool:
        return self.root is None

    def has_text(self) -> bool:
        """Whether any word (not only filters or exclusions) must match, i.e. ranking means
        something; a filters-only query lists items by date."""
        return _has_positive_text(self.root)


def _has_positive_text(node: Node | None) -> bool:
    if isinstance(node, Words | Prefix | Fuzzy):
        return True
    if isinstance(node, And | Or):
        return any(_has_positive_text(item) for item in node.items)
    return False


# -- lexing --------------------------------------------------------------------------------

_QUOTES = {'"': '"', "“": "”", "„": "“", "”": "”"}
_LEX = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<quote>["“”„][^"“”„]*["“”„]?)
  | (?P<word>[^\s()"“”„]+(?:["“”„][^"“”„]*["“”„]?)?)
    """,
    re.VERBOSE,
)


@dataclass(slots=True)
class _Tok:
    kind: str  # open close quote word or and not
    text: str
    negated: bool = False


class _Mistake(Exception):
    """A typing mistake: the caller falls back to plain words and says why."""


def _lex(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    for match in _LEX.finditer(text):
        kind = match.lastgroup or "space"
        value = match.group()
        if kind == "space":
            continue
        if kind == "word" and value in ("OR", "AND", "NOT"):
            kind = value.lower()
        elif kind == "word" and value in ("|", "||"):
            kind = "or"
        elif kind == "word" and value == "-":
            kind = "not"
        elif kind == "word" and value.startswith("-") and len(value) > 1:
            tokens.append(_Tok("not", "-"))
            value = value[1:]
            kind = "quote" if value[0] in _QUOTES else "word"
        tokens.append(_Tok(kind, value))
    return tokens


def _unclosed(value: str) -> bool:
    opening = value[0]
    return len(value) < 2 or (value[-1] != _QUOTES.get(opening, opening) and value[-1] not in '"”')


# -- parsing -------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[_Tok], notices: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.notices = notices

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node | None:
        node = self.sequence()
        if self.peek() is not None:
            raise _Mistake("a closing parenthesis without an opening one")
        return node

    def sequence(self) -> Node | None:
        items: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind != "close":
            if tok.kind == "and":
                self.take()
                if self.peek() is None or self.peek().kind in ("close", "or", "and"):  # type: ignore[union-attr]
                    raise _Mistake("AND with nothing after it")
                continue
            node = self.or_expr()
            if node is not None:
                items.append(node)
        return _and(items)

    def or_expr(self) -> Node | None:
        if self.peek() is not None and self.peek().kind == "or":  # type: ignore[union-attr]
            raise _Mistake("OR with nothing before it")
        items = [self.unary()]
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("close", "or", "and"):
                raise _Mistake("OR with nothing after it")
            items.append(self.unary())
        kept = [item for item in items if item is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def unary(self) -> Node | None:
        tok = self.take()
        if tok.kind == "not":
            nxt = self.peek()
            if nxt is None or nxt.kind in ("close", "or", "and", "not"):
                raise _Mistake("NOT (or -) with nothing after it")
            inner = self.unary()
            return Not(inner) if inner is not None else None
        if tok.kind == "open":
            if self.peek() is None:
                raise _Mistake("an unclosed parenthesis")
            inner = self.sequence()
            if self.peek() is None:
                raise _Mistake("an unclosed parenthesis")
            self.take()
            return inner
        if tok.kind == "close":
            raise _Mistake("a closing parenthesis without an opening one")
        if tok.kind == "quote":
            if _unclosed(tok.text):
                raise _Mistake("an unclosed quote")
            return _phrase(None, tok.text[1:-1])
        return _atom(tok.text, self.notices)


def _and(items: list[Node]) -> Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else And(tuple(items))


def _phrase(field_name: str | None, text: str) -> Node | None:
    words = TOKEN.findall(text)
    if not words:
        return None
    return Words(field_name, tuple(term_for(w) for w in words), " ".join(words))


def _atom(text: str, notices: list[str]) -> Node | None:
    """One word-like token: a filter, a field-restricted term, a prefix, a fuzzy word, or
    plain text (several words inside, as in ``ground-breaking`` or a URL, make a phrase)."""
    name, sep, value = text.partition(":")
    key = name.casefold()
    if sep and (key in TEXT_FIELDS or key in ("date", "in", "is", "color", "colour")):
        return _field_atom(key, value, notices)
    return _text_atom(None, text, notices)


def _text_atom(field_name: str | None, text: str, notices: list[str]) -> Node | None:
    if text[:1] in _QUOTES:
        if _unclosed(text):
            raise _Mistake("an unclosed quote")
        return _phrase(field_name, text[1:-1])
    fuzzy = re.fullmatch(r"(.*?\w)~(\d*)", text)
    if fuzzy:
        words = TOKEN.findall(fuzzy.group(1))
        distance = int(fuzzy.group(2) or 0) or (1 if len(fold(words[-1])) <= 5 else 2)
        if distance > MAX_FUZZY_DISTANCE:
            notices.append(f"{text}: at most {MAX_FUZZY_DISTANCE} edits; used ~2")
            distance = MAX_FUZZY_DISTANCE
        node: Node = Fuzzy(field_name, fold(words[-1]), distance)
        return _and([n for n in (_phrase(field_name, " ".join(words[:-1])),) if n] + [node])
    if text.endswith("*"):
        words = TOKEN.findall(text)
        if not words:
            notices.append(f"{text}: a prefix needs at least one letter; ignored")
            return None
        node = Prefix(field_name, fold(words[-1]))
        return _and([n for n in (_phrase(field_name, " ".join(words[:-1])),) if n] + [node])
    return _phrase(field_name, text)


def _field_atom(key: str, value: str, notices: list[str]) -> Node | None:
    if not value:
        notices.append(f"{key}: needs a value; ignored")
        return None
    if key in TEXT_FIELDS:
        return _text_atom(TEXT_FIELDS[key], value, notices)
    lowered = value.casefold()
    if key == "in":
        if lowered in KINDS:
            return Kind(KINDS[lowered])
        notices.append(f"in:{value}: use in:post, in:comment or in:reply; ignored")
        return None
    if key == "is":
        if lowered in FLAGS:
            return Flag(lowered)
        notices.append(f"is:{value}: use is:{', is:'.join(FLAGS)}; ignored")
        return None
    if key in ("color", "colour"):
        if lowered in COLOURS:
            return Colour(lowered)
        notices.append(f"{key}:{value}: use one of {', '.join(COLOURS)}; ignored")
        return None
    date_range, reversed_range = parse_date_range(value)
    if date_range is None:
        notices.append(
            f"date:{value} is not a date (use date:2020, date:2020-06, date:2020-06-07 or a "
            "range such as date:2020-01..2020-06); ignored"
        )
        return None
    if reversed_range:
        notices.append(f"date:{value}: the range was reversed; searched date:{date_range.text}")
    return date_range


_DATE = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")


def _date_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date (``2020``, ``2020-06`` or ``2020-06-07``) covers."""
    match = _DATE.fullmatch(text)
    if not match:
        return None
    year = int(match.group(1))
    try:
        if match.group(3):
            day = dt.date(year, int(match.group(2)), int(match.group(3)))
            return day, day
        if match.group(2):
            month = int(match.group(2))
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        if year < 1:
            return None
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


def parse_date_range(text: str) -> tuple[DateRange | None, bool]:
    """``2020``, ``2020-06``, ``2020-06-07``, ``A..B``, ``A..``, ``..B`` → (range, reversed);
    the range is None if malformed, and a reversed ``B..A`` comes back the right way round."""
    if ".." in text:
        left, _, right = text.partition("..")
        start = _date_bounds(left) if left else None
        end = _date_bounds(right) if right else None
        if (left and start is None) or (right and end is None) or (not left and not right):
            return None, False
        if start and end and start[0] > end[1]:
            return DateRange(end[0], start[1], f"{right}..{left}"), True
        return DateRange(start[0] if start else None, end[1] if end else None, text), False
    bounds = _date_bounds(text)
    return (DateRange(*bounds, text) if bounds else None), False


def _plain(text: str, notices: list[str]) -> Node | None:
    """The fallback: every word and well-formed filter of ``text``, all required."""
    items: list[Node] = []
    cleaned = re.sub(r"[()\"“”„]", " ", text)
    for token in cleaned.split():
        if token in ("OR", "AND", "NOT", "|", "||", "-"):
            continue
        token = token.lstrip("-")
        node = _atom(token, notices) if token else None
        if node is not None:
            items.append(node)
    return _and(items)


def describe(node: Node | None) -> str:
    """The query as the language would spell it (for notices and tests)."""
    if node is None:
        return ""
    if isinstance(node, Words):
        body = node.text if len(node.terms) == 1 else f'"{node.text}"'
        return f"{node.field}:{body}" if node.field else body
    if isinstance(node, Prefix):
        return f"{node.field + ':' if node.field else ''}{node.prefix}*"
    if isinstance(node, Fuzzy):
        return f"{node.field + ':' if node.field else ''}{node.word}~{node.maxdist}"
    if isinstance(node, And):
        return " ".join(
            f"({describe(i)})" if isinstance(i, Or) and len(i.items) > 1 else describe(i)
            for i in node.items
        )
    if isinstance(node, Or):
        return " OR ".join(
            f"({describe(i)})" if isinstance(i, And) else describe(i) for i in node.items
        )
    if isinstance(node, Not):
        inner = describe(node.item)
        return f"-({inner})" if isinstance(node.item, And | Or) else f"-{inner}"
    if isinstance(node, DateRange):
        if node.text:
            return f"date:{node.text}"
        start = node.start.isoformat() if node.start else ""
        end = node.end.isoformat() if node.end else ""
        return f"date:{start}" if start == end else f"date:{start}..{end}"
    if isinstance(node, Kind):
        return f"in:{node.kind}"
    if isinstance(node, Flag):
        return f"is:{node.name}"
    return f"color:{node.name}"


def parse_query(text: str) -> ParsedQuery:
    """Parse a search box query; never raises (see the module docstring for the language)."""
    notices: list[str] = []
    try:
        root = _Parser(_lex(text), notices).parse()
        return ParsedQuery(text, root, tuple(notices))
    except _Mistake as mistake:
        reason = str(mistake)
    except Exception as exc:  # a parser bug must not cost the user their search
        reason = f"a query this version cannot read ({type(exc).__name__})"
    notices = []
    try:
        root = _plain(text, notices)
    except Exception:  # last resort: just the words
        root = _and([Words(None, (term_for(w),), w) for w in TOKEN.findall(text)])
    shown = describe(root) or "nothing"
    notices.insert(0, f"The query has {reason}; searched for its plain words instead: {shown}")
    return ParsedQuery(text, root, tuple(notices), fallback=True)


# -- what to highlight ---------------------------------------------------------------------


@dataclass(frozen=True)
class MatchTerms:
    """What a query looks for in text, for marking snippets and the reading pane.

    ``terms`` are index terms (stems) of single words and, once the engine has expanded them,
    the terms that prefix and fuzzy words matched; ``prefixes`` also mark any word whose folded
    form starts with one; ``phrases`` (term sequences) mark only where the whole phrase occurs.
    """

    terms: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()

    def matches(self, term: str, word: str) -> bool:
        if term in self.terms:
            return True
        return bool(self.prefixes) and fold(word).startswith(self.prefixes)

    def with_terms(self, more: frozenset[str] | set[str]) -> MatchTerms:
        return MatchTerms(self.terms | frozenset(more), self.prefixes, self.phrases)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.phrases)


def _positive(node: Node | None) -> Iterator[Node]:
    if node is None or isinstance(node, Not):
        return
    if isinstance(node, And | Or):
        for item in node.items:
            yield from _positive(item)
    else:
        yield node


def match_terms(query: ParsedQuery) -> MatchTerms:
    """The highlightable part of a query (excluded words and filters are not marked)."""
    terms: set[str] = set()
    prefixes: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for node in _positive(query.root):
        if isinstance(node, Words):
            if len(node.terms) > 1:
                phrases.append(node.terms)
            else:
                terms.update(node.terms)
        elif isinstance(node, Prefix):
            prefixes.append(node.prefix)
        elif isinstance(node, Fuzzy):
            terms.add(term_for(node.word))
    return MatchTerms(frozenset(terms), tuple(prefixes), tuple(phrases))


def expandable(query: ParsedQuery) -> Iterator[Prefix | Fuzzy]:
    """The prefix and fuzzy words of a query that the engine expands into index terms."""
    for node in _positive(query.root):
        if isinstance(node, Prefix | Fuzzy):
            yield node
