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

    ``total`` counts every match (``hits`` holds at most the requested page); with grouping,
    ``groups`` holds the page of threads and ``threads`` counts them all; ``notices`` are
    messages for the user (a malformed query, a dropped filter, an index being rebuilt);
    ``stale`` says the index does not yet reflect the library, so results may be incomplete;
    ``damaged`` that the index failed while answering (it is rebuilt: ask again after).
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

    def to_json(self) -> list[dict[str, Any]]:
        if self.groups is not None:
            return [group.to_json() for group in self.groups]
        return [hit.to_json() for hit in self.hits]
