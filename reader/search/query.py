"""The search box's query language, parsed into a small tree that knows nothing about whoosh.

    plain words           all must match (ranked by BM25F)
    a OR b                either (OR binds tighter than the implicit AND: ``x a OR b``)
    NOT word, -word       exclude
    "exact phrase"        words in this order (word endings folded like plain words)
    prefix*  fuzzy~       words as written that start so; near spellings (``~2``: two edits)
    ( ... )               grouping
    title:word            only in post titles (also title:"a phrase", title:pre*); note:word
    date:2020  date:2020-06  date:2020-06-07  date:2020-01..2020-06  date:2019..  date:..2020
    in:post  in:comment  in:reply       is:removed  is:vanished  is:bookmarked  is:annotated
    color:yellow          author:name (also by:name)
    status:spam  status:unapproved  status:deleted  status:pingback ... (also is:spam ...)

A typing mistake keeps its meaning: an unclosed ``(`` or ``"`` is closed at the end of the
query, a dangling ``OR``/``NOT``/``AND`` or a stray ``)`` is dropped, an unknown ``name:value``
is searched as its words, and a filter that makes no sense (``date:2020-13``) is dropped; each
repair adds a notice that says what was searched.  A query with no word in it (``_``, ``--``)
searches nothing and says so.  ``parse_query`` never raises.

Fields are looked up in two tables, so a new one (``author:``, ``status:``) is one entry:
``TEXT_FIELDS`` (searched as text in an index field) and ``FILTERS`` (a function turning the
value into a node, or None with a notice).

The tree is evaluated by ``evaluate``; ``MatchTerms`` (from ``match_terms``) is what snippets
and the reading pane highlight.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from reader.model import COLOURS
from reader.search.analysis import TOKEN, fold, is_cjk, prepare, query_terms, term_for

MAX_FUZZY_DISTANCE = 2


# -- the tree ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Words:
    """A word (one term) or a phrase (several) in ``field`` (None: title and body).

    ``offsets`` are the terms' positions relative to the first (``None``: 0, 1, 2, ...); they
    differ from that only for CJK text, whose runs are matched by their bigrams."""

    field: str | None
    terms: tuple[str, ...]
    text: str
    offsets: tuple[int, ...] | None = None

    def positions(self) -> tuple[int, ...]:
        return self.offsets if self.offsets is not None else tuple(range(len(self.terms)))


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
FILTER_NODES = (DateRange, Kind, Flag, Colour)


@dataclass(frozen=True)
class ParsedQuery:
    """What the user asked for: ``root`` is None when there is nothing to search for.

    ``repaired`` says a typing mistake was mended (the notices say how and what was searched);
    ``fallback`` is its old name, kept for callers."""

    text: str
    root: Node | None
    notices: tuple[str, ...] = ()
    repaired: bool = False

    @property
    def fallback(self) -> bool:
        return self.repaired

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


# -- fields --------------------------------------------------------------------------------

TEXT_FIELDS = {
    "title": "title",
    "body": "body",
    "text": "body",
    "note": "note",
    "author": "author",
    "by": "author",
}
"""``name:`` → the index field searched as text."""

KINDS = {
    "post": "post",
    "posts": "post",
    "comment": "comment",
    "comments": "comment",
    "reply": "reply",
    "replies": "reply",
}
STATUS_FLAGS = ("unapproved", "spam", "deleted", "draft", "page", "pingback", "trackback")
"""Statuses a format gives items (``reader.model.STATUSES`` but "published"), indexed as flags."""
FLAGS = ("removed", "vanished", "bookmarked", "annotated", *STATUS_FLAGS)
"""``is:`` values; bookmarked/annotated are filled in by the annotations' item-info provider."""


def _kind_filter(name: str, value: str, notices: list[str]) -> Node | None:
    if value.casefold() in KINDS:
        return Kind(KINDS[value.casefold()])
    notices.append(f"in:{value}: use in:post, in:comment or in:reply; ignored")
    return None


def _flag_filter(name: str, value: str, notices: list[str]) -> Node | None:
    if value.casefold() in FLAGS:
        return Flag(value.casefold())
    notices.append(f"is:{value}: use is:{', is:'.join(FLAGS)}; ignored")
    return None


def _status_filter(name: str, value: str, notices: list[str]) -> Node | None:
    folded = value.casefold()
    if folded in STATUS_FLAGS:
        return Flag(folded)
    notices.append(f"status:{value}: use status:{', status:'.join(STATUS_FLAGS)}; ignored")
    return None


def _colour_filter(name: str, value: str, notices: list[str]) -> Node | None:
    if value.casefold() in COLOURS:
        return Colour(value.casefold())
    notices.append(f"{name}:{value}: use one of {', '.join(COLOURS)}; ignored")
    return None


def _date_filter(name: str, value: str, notices: list[str]) -> Node | None:
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


FILTERS: dict[str, Callable[[str, str, list[str]], Node | None]] = {
    "date": _date_filter,
    "in": _kind_filter,
    "is": _flag_filter,
    "status": _status_filter,
    "color": _colour_filter,
    "colour": _colour_filter,
}
"""``name:`` → a function of (name, value, notices) giving the filter's node (None: dropped,
with a notice appended)."""

NOT_FIELDS = frozenset({"http", "https", "ftp", "mailto", "file", "www"})
"""Names before a colon that start a link, searched as its words without a notice."""

_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)


# -- lexing --------------------------------------------------------------------------------

_QUOTE_CHARS = '"“”„'
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
        elif kind == "word" and value in ("&&",):
            kind = "and"
        elif kind == "word" and value.startswith("-") and value.strip("-") == "":
            kind = "not"
        elif kind == "word" and value.startswith("-"):
            tokens.append(_Tok("not", "-"))
            value = value.lstrip("-")
            kind = "quote" if value[0] in _QUOTE_CHARS else "word"
        tokens.append(_Tok(kind, value))
    return tokens


def _unclosed(value: str) -> bool:
    return len(value) < 2 or value[-1] not in _QUOTE_CHARS


# -- parsing -------------------------------------------------------------------------------


class _Parser:
    """Recursive descent that mends instead of failing: ``repairs`` lists what it mended."""

    def __init__(self, tokens: list[_Tok], notices: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.notices = notices
        self.repairs: list[str] = []
        self.depth = 0

    def repair(self, what: str) -> None:
        if what not in self.repairs:
            self.repairs.append(what)

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def peek_kind(self) -> str | None:
        tok = self.peek()
        return tok.kind if tok is not None else None

    def take(self) -> _Tok:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node | None:
        items: list[Node] = []
        while self.peek() is not None:
            node = self.sequence()
            if node is not None:
                items.append(node)
            if self.peek_kind() == "close":  # a ")" with no "(" before it
                self.take()
                self.repair("a closing parenthesis without an opening one (dropped)")
        return _and(items)

    def sequence(self) -> Node | None:
        items: list[Node] = []
        while (kind := self.peek_kind()) is not None and kind != "close":
            if kind == "and":
                self.take()
                if self.peek_kind() in (None, "close", "or", "and") or not items:
                    self.repair("AND with nothing on one side (dropped)")
                continue
            node = self.or_expr()
            if node is not None:
                items.append(node)
        return _and(items)

    def or_expr(self) -> Node | None:
        while self.peek_kind() == "or":
            self.take()
            self.repair("OR with nothing before it (dropped)")
        if self.peek_kind() in (None, "close", "and"):
            return None
        items = [self.unary()]
        while self.peek_kind() == "or":
            self.take()
            while self.peek_kind() == "or":
                self.take()
                self.repair("OR twice (one dropped)")
            if self.peek_kind() in (None, "close", "and"):
                self.repair("OR with nothing after it (dropped)")
                break
            items.append(self.unary())
        kept = [item for item in items if item is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def unary(self) -> Node | None:
        tok = self.take()
        if tok.kind == "not":
            if self.peek_kind() in (None, "close", "or", "and", "not"):
                self.repair("NOT (or -) with nothing after it (dropped)")
                return None
            inner = self.unary()
            return Not(inner) if inner is not None else None
        if tok.kind == "open":
            self.depth += 1
            inner = self.sequence()
            self.depth -= 1
            if self.peek() is None:
                self.repair("an unclosed parenthesis (closed at the end)")
            else:
                self.take()
            return inner
        if tok.kind == "quote":
            if _unclosed(tok.text):
                self.repair("an unclosed quote (closed at the end)")
                return _phrase(None, tok.text[1:])
            return _phrase(None, tok.text[1:-1])
        return self.atom(tok.text)

    def atom(self, text: str) -> Node | None:
        """A word-like token: a filter, a field-restricted term, a prefix, a fuzzy word, or
        plain text (several words inside, as in ``ground-breaking`` or a URL, make a phrase)."""
        match = _FIELD.fullmatch(text)
        if match is None:
            return _text_atom(None, text, self)
        name, value = match.group(1), match.group(2)
        key = name.casefold()
        if not value:
            if key in TEXT_FIELDS or key in FILTERS:
                self.notices.append(f"{key}: needs a value; ignored")
                return None
            return _text_atom(None, name, self)
        if key in TEXT_FIELDS:
            return _text_atom(TEXT_FIELDS[key], value, self)
        if key in FILTERS:
            return FILTERS[key](key, value, self.notices)
        if key in NOT_FIELDS or value.startswith("//"):
            return _text_atom(None, text, self)
        self.repair(f"{name}:, which is not a filter (searched as words)")
        return _and([n for n in (_text_atom(None, name, self), _text_atom(None, value, self)) if n])


def _and(items: list[Node]) -> Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else And(tuple(items))


def _phrase(field_name: str | None, text: str) -> Node | None:
    found, offsets = query_terms(text)
    if not found:
        return None
    words = " ".join(TOKEN.findall(prepare(text)))
    plain = offsets == list(range(len(found)))
    return Words(field_name, tuple(found), words, None if plain else tuple(offsets))


def _text_atom(field_name: str | None, text: str, parser: _Parser) -> Node | None:
    if text[:1] in _QUOTE_CHARS:
        if _unclosed(text):
            parser.repair("an unclosed quote (closed at the end)")
            return _phrase(field_name, text[1:])
        return _phrase(field_name, text[1:-1])
    fuzzy = re.fullmatch(r"(.*?\w)~(\d*)", text)
    if fuzzy:
        words = TOKEN.findall(prepare(fuzzy.group(1)))
        if not words:
            return None
        last = words[-1]
        if is_cjk(last):  # no spelling distance in CJK text: the characters themselves
            return _phrase(field_name, fuzzy.group(1))
        distance = int(fuzzy.group(2) or 0) or (1 if len(fold(last)) <= 5 else 2)
        if distance > MAX_FUZZY_DISTANCE:
            parser.notices.append(f"{text}: at most {MAX_FUZZY_DISTANCE} edits; used ~2")
            distance = MAX_FUZZY_DISTANCE
        node: Node = Fuzzy(field_name, fold(last), distance)
        head = _phrase(field_name, " ".join(words[:-1]))
        return _and([n for n in (head,) if n] + [node])
    if text.endswith("*"):
        words = TOKEN.findall(prepare(text))
        if not words:
            parser.notices.append(f"{text}: a prefix needs at least one letter; ignored")
            return None
        last = words[-1]
        if is_cjk(last):  # a CJK run is matched wherever it occurs: the prefix is the run
            return _phrase(field_name, text.rstrip("*"))
        node = Prefix(field_name, fold(last))
        head = _phrase(field_name, " ".join(words[:-1]))
        return _and([n for n in (head,) if n] + [node])
    return _phrase(field_name, text)


# -- dates ---------------------------------------------------------------------------------

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


# -- describing ----------------------------------------------------------------------------


def describe(node: Node | None) -> str:
    """The query as the language would spell it (for notices and tests)."""
    if node is None:
        return ""
    if isinstance(node, Words):
        body = node.text if len(TOKEN.findall(node.text)) == 1 else f'"{node.text}"'
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


NO_WORDS = "The query has no words to search for (punctuation alone finds nothing)."


def parse_query(text: str) -> ParsedQuery:
    """Parse a search box query; never raises (see the module docstring for the language)."""
    notices: list[str] = []
    parser = _Parser(_lex(text), notices)
    try:
        root = parser.parse()
    except Exception as exc:  # a parser bug must not cost the user their search
        parser.repair(f"a query this version cannot read ({type(exc).__name__})")
        root = _and([Words(None, (term_for(w),), w) for w in TOKEN.findall(prepare(text))])
    if parser.repairs:
        shown = describe(root) or "nothing"
        notices.insert(0, f"The query has {'; '.join(parser.repairs)}; searched for: {shown}")
    if root is None and text.strip() and not notices:
        notices.append(NO_WORDS)
    return ParsedQuery(text, root, tuple(notices), repaired=bool(parser.repairs))


# -- what to highlight ---------------------------------------------------------------------


@dataclass(frozen=True)
class MatchTerms:
    """What a query looks for in text, for marking snippets and the reading pane.

    ``terms`` are index terms (stems, CJK characters and bigrams) of single words; ``words``
    are folded words that prefix and fuzzy words matched (once the engine has expanded them);
    ``prefixes`` also mark any word whose folded form starts with one; ``phrases`` mark only
    where the whole phrase occurs (terms with their position offsets).
    """

    terms: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    phrases: tuple[tuple[tuple[str, ...], tuple[int, ...]], ...] = ()
    words: frozenset[str] = frozenset()

    def matches(self, term: str, folded: str) -> bool:
        if term in self.terms or folded in self.words:
            return True
        return bool(self.prefixes) and folded.startswith(self.prefixes)

    def key(self, term: str, folded: str) -> str:
        """Which query word a matching word stands for (snippets show each at least once)."""
        if term in self.terms:
            return term
        for prefix in self.prefixes:
            if folded.startswith(prefix):
                return prefix + "*"
        return "~" + folded

    def with_words(self, more: frozenset[str] | set[str]) -> MatchTerms:
        return MatchTerms(self.terms, self.prefixes, self.phrases, self.words | frozenset(more))

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.phrases or self.words)


def positive_nodes(node: Node | None) -> Iterator[Node]:
    """The leaves of a tree that are not excluded (``-word``) and not filters."""
    if node is None or isinstance(node, Not):
        return
    if isinstance(node, And | Or):
        for item in node.items:
            yield from positive_nodes(item)
    elif not isinstance(node, FILTER_NODES):
        yield node


def match_terms(query: ParsedQuery, fields: tuple[str | None, ...] | None = None) -> MatchTerms:
    """The highlightable part of a query (excluded words and filters are not marked).

    ``fields``: only words searched in these fields (``None`` is the default field, title and
    body), e.g. ``(None, "body")`` for what can match in an item's text, where ``title:x`` and
    ``note:x`` cannot."""
    terms: set[str] = set()
    prefixes: list[str] = []
    phrases: list[tuple[tuple[str, ...], tuple[int, ...]]] = []
    for node in positive_nodes(query.root):
        if fields is not None and getattr(node, "field", None) not in fields:
            continue
        if isinstance(node, Words):
            if len(node.terms) > 1:
                phrases.append((node.terms, node.positions()))
            else:
                terms.update(node.terms)
        elif isinstance(node, Prefix):
            prefixes.append(node.prefix)
    return MatchTerms(frozenset(terms), tuple(prefixes), tuple(phrases))


def expandable(query: ParsedQuery) -> Iterator[Prefix | Fuzzy]:
    """The prefix and fuzzy words of a query (excluded ones too) that the engine expands into
    index words."""
    stack = [query.root]
    while stack:
        node = stack.pop()
        if isinstance(node, Prefix | Fuzzy):
            yield node
        elif isinstance(node, And | Or):
            stack.extend(reversed(node.items))
        elif isinstance(node, Not):
            stack.append(node.item)


# -- where words are in the typed text ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WordAt:
    """A word the parser searches as text (a word or a phrase's word, not a prefix, a fuzzy
    word or a filter's value): ``text[start:end]``, searched in ``field`` (None: title and
    body)."""

    start: int
    end: int
    field: str | None


def text_words(text: str) -> list[WordAt]:
    """Every word of ``text`` that ``parse_query`` turns into a ``Words`` node, with its place
    in ``text``, so a query can be rewritten a word at a time with everything else (operators,
    quotes, filters, spacing) left as typed.  Follows the lexer and ``_Parser.atom``; excluded
    words (``-word``) are included (their node is under a ``Not``)."""
    found: list[WordAt] = []
    for match in _LEX.finditer(text):
        kind, value, start = match.lastgroup, match.group(), match.start()
        if kind in ("space", "open", "close") or value in ("OR", "AND", "NOT", "|", "||", "&&"):
            continue
        if kind == "word":
            stripped = value.lstrip("-")
            start += len(value) - len(stripped)
            value = stripped
            if not value:
                continue
        found.extend(_atom_words(text, start, value))
    return found


def _atom_words(text: str, start: int, value: str) -> list[WordAt]:
    """``text_words`` of one token ``value`` at ``start`` (``_Parser.atom``'s cases)."""
    if value[0] in _QUOTE_CHARS:
        return _region_words(text, start, value, None)
    match = _FIELD.fullmatch(value)
    if match is None:
        return _region_words(text, start, value, None)
    name, rest = match.group(1), match.group(2)
    key = name.casefold()
    after = start + len(name) + 1
    if not rest:
        known = key in TEXT_FIELDS or key in FILTERS
        return [] if known else _region_words(text, start, name, None)
    if key in TEXT_FIELDS:
        return _region_words(text, after, rest, TEXT_FIELDS[key])
    if key in FILTERS:
        return []
    if key in NOT_FIELDS or rest.startswith("//"):
        return _region_words(text, start, value, None)
    return _region_words(text, start, name, None) + _region_words(text, after, rest, None)


def _region_words(text: str, start: int, value: str, field_name: str | None) -> list[WordAt]:
    """The words of ``_text_atom(field_name, value)``: all of a phrase's; for a prefix or a
    fuzzy word, those before its last (which is expanded, not a ``Words`` node) unless the
    last is CJK (then the whole is a phrase)."""
    last_expanded = False
    if value[:1] not in _QUOTE_CHARS:
        fuzzy = re.fullmatch(r"(.*?\w)~(\d*)", value)
        if fuzzy:
            value = fuzzy.group(1)
            last_expanded = True
        elif value.endswith("*"):
            last_expanded = True
    words = [WordAt(start + m.start(), start + m.end(), field_name) for m in TOKEN.finditer(value)]
    if last_expanded and words and not is_cjk(text[words[-1].start : words[-1].end]):
        words.pop()
    return words
