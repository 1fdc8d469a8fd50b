"""Plain results of a search, shared by the CLI and the window (no whoosh, no Qt)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from reader.search.query import MatchTerms
from reader.search.snippets import Snippet


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching post or comment.

    ``path`` is the comment's citation number ("4.2"; "" for a post); ``words`` are the
    surface forms that matched in this item's text, which the reading pane can highlight
    (or use ``SearchResults.match`` with ``snippets.highlight_ranges``).
    """

    kind: str  # "post" | "comment"
    item_id: str
    post_id: str
    title: str
    date: dt.date
    path: str
    snippet: Snippet
    score: float
    removed: bool = False
    vanished: bool = False
    words: tuple[str, ...] = ()

    @property
    def comment_id(self) -> str | None:
        return self.item_id if self.kind == "comment" else None

    def to_json(self) -> dict[str, Any]:
        """The ``search --json`` shape (a contract: extend only).  ``snippet`` marks matches
        with brackets, which a literal bracket in the text can imitate; ``excerpt`` holds the
        same text with the marks as ``[start, end]`` character offsets, one per word."""
        return {
            "kind": self.kind,
            "post_id": self.post_id,
            "comment_id": self.comment_id,
            "title": self.title,
            "date": self.date.isoformat(),
            "path": self.path,
            "snippet": self.snippet.brackets(),
            "score": round(self.score, 4),
            "excerpt": self.snippet.excerpt(),
        }


@dataclass(frozen=True, slots=True)
class ThreadGroup:
    """All hits in one thread, represented by its best hit."""

    post_id: str
    title: str
    date: dt.date
    count: int
    best: Hit

    def to_json(self) -> dict[str, Any]:
        return {
            "post_id": self.post_id,
            "title": self.title,
            "date": self.date.isoformat(),
            "hits": self.count,
            "best": self.best.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Suggestion:
    """ "Did you mean …": the query with each word the index does not hold replaced by the
    closest word it does hold, checked to find hits.

    ``query`` is the typed query with only those words changed (operators, quotes, filters
    and the other words as typed); ``corrections`` pairs each word as typed with its
    replacement; ``total`` is how many items the corrected query finds."""

    query: str
    corrections: tuple[tuple[str, str], ...]
    total: int

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "corrections": [{"typed": a, "suggested": b} for a, b in self.corrections],
            "total": self.total,
        }


@dataclass(frozen=True, slots=True)
class ItemHits:
    """One post or comment of a thread that the query matches, and where in its text.

    ``spans`` are ``(start, end)`` character offsets of the matched words in the item's text
    (a post's body, a comment's text), a phrase occurrence as one span, as
    ``snippets.highlight_ranges`` gives them; ``title_spans`` the same in a post's title.  An
    item can be a hit with no span (matched by a filter, a note or ``title:``)."""

    item_id: str
    kind: str  # "post" | "comment"
    path: str  # the comment's number ("4.2"); "" for the post
    spans: tuple[tuple[int, int], ...] = ()
    title_spans: tuple[tuple[int, int], ...] = ()


@dataclass
class ThreadHits:
    """The hits of one query inside one thread, in reading order (the post, then its comments
    depth first): what the thread tree marks and what "hit 3 of 7" counts.  ``notices``,
    ``stale`` and ``damaged`` mean what they mean in ``SearchResults``."""

    post_id: str
    query: str
    items: tuple[ItemHits, ...] = ()
    notices: list[str] = field(default_factory=list)
    stale: bool = False
    damaged: bool = False

    @property
    def ids(self) -> list[str]:
        return [item.item_id for item in self.items]

    def get(self, item_id: str) -> ItemHits | None:
        return next((item for item in self.items if item.item_id == item_id), None)

    def position(self, item_id: str) -> int | None:
        """0-based place of ``item_id`` among the hits ("hit 3 of 7" is position 2 of 7)."""
        return next((n for n, item in enumerate(self.items) if item.item_id == item_id), None)

    @property
    def span_count(self) -> int:
        return sum(len(item.spans) + len(item.title_spans) for item in self.items)


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """How the index compares with the store.

    ``state``: ``fresh``; ``behind`` (imports since the last update: an incremental update
    catches up); ``stale`` (built by another version or not matching the store: rebuild);
    ``missing``; ``corrupt`` (unreadable: rebuild).
    """

    state: str
    reason: str = ""
    index_docs: int = 0
    store_docs: int = 0
    index_stamp: int = 0
    store_stamp: int = 0

    @property
    def fresh(self) -> bool:
        return self.state == "fresh"

    @property
    def needs_rebuild(self) -> bool:
        return self.state in ("stale", "missing", "corrupt")


@dataclass
class SearchResults:
    """The answer to one query.

    ``total`` counts every match (``hits`` holds at most the requested page: ``offset`` and
    ``limit`` say which; pages of one query in one sort never overlap or skip); with grouping,
    ``groups`` holds the page of threads and ``threads`` counts them all; ``notices`` are
    messages for the user (a malformed query, a dropped filter, an index being rebuilt);
    ``stale`` says the index does not yet reflect the library, so results may be incomplete;
    ``damaged`` that the index failed while answering (it is rebuilt: ask again after);
    ``suggestion`` is a "did you mean" when a word of the query is in no item.
    """

    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    groups: list[ThreadGroup] | None = None
    threads: int = 0
    notices: list[str] = field(default_factory=list)
    fallback: bool = False
    stale: bool = False
    damaged: bool = False
    match: MatchTerms = field(default_factory=MatchTerms)
    sort: str = "relevance"
    elapsed: float = 0.0
    offset: int = 0
    limit: int = 0
    suggestion: Suggestion | None = None

    def to_json(self) -> list[dict[str, Any]]:
        """The ``search --json`` shape (a contract): a bare list of hits, or of threads."""
        if self.groups is not None:
            return [group.to_json() for group in self.groups]
        return [hit.to_json() for hit in self.hits]

    def to_json_object(self) -> dict[str, Any]:
        """The ``search --json-object`` shape (a contract: extend only): the list ``to_json``
        gives, as ``hits`` (or ``groups`` with ``threads``), with what a bare list cannot
        carry: the total, the page, the sort, notices, staleness and the suggestion."""
        found: dict[str, Any] = {
            "query": self.query,
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "sort": self.sort,
        }
        if self.groups is not None:
            found["threads"] = self.threads
            found["groups"] = self.to_json()
        else:
            found["hits"] = self.to_json()
        found["notices"] = list(self.notices)
        found["stale"] = self.stale
        found["suggestion"] = self.suggestion.to_json() if self.suggestion else None
        return found
