"""Searching the store directly, without the index: for read-only libraries whose index is
missing or behind (it must never be rebuilt into a folder that cannot be written).

Slower than the index (every post and comment is read once per query: about a second per
hundred thousand items) and simpler: words, phrases, prefixes, OR, NOT and the ``title:``,
``date:``, ``in:`` and ``is:removed``/``is:vanished`` filters are honoured with the same
analysis the index uses (``reader.search.analysis``); fuzzy words match exactly, notes and
colours are not searched, and hits come newest first.  A notice says so.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass

from reader.search import query as q
from reader.search.analysis import term_for, terms
from reader.search.results import Hit, SearchResults, ThreadGroup
from reader.search.snippets import snippet_and_words

NOTICE = (
    "Searched the library directly: its search index is out of date and the library is"
    " read-only, so it cannot be rebuilt here (fuzzy words match exactly; notes not searched)."
)


@dataclass(slots=True)
class _Doc:
    item_id: str
    post_id: str
    kind: str  # post | comment | reply
    title: str
    date: dt.date
    path: str
    text: str
    removed: bool
    vanished: bool
    _body: list[str] | None = None
    _title: list[str] | None = None

    def words(self, field: str | None) -> list[str]:
        if self._body is None:
            self._body = terms(self.text)
            self._title = terms(self.title) if self.kind == "post" else []
        if field == "title":
            return self._title or []
        return (self._title or []) + self._body


def _has_sequence(words: list[str], sequence: tuple[str, ...]) -> bool:
    if len(sequence) == 1:
        return sequence[0] in words
    first = sequence[0]
    for at, word in enumerate(words):
        if word == first and tuple(words[at : at + len(sequence)]) == sequence:
            return True
    return False


def _matches(node: q.Node | None, doc: _Doc) -> bool:
    if node is None:
        return True
    if isinstance(node, q.Words):
        if node.field == "note":
            return False
        return _has_sequence(doc.words(node.field), node.terms)
    if isinstance(node, q.Prefix):
        source = doc.title if node.field == "title" else f"{doc.title} {doc.text}"
        return any(w.startswith(node.prefix) for w in source.casefold().split())
    if isinstance(node, q.Fuzzy):
        return term_for(node.word) in doc.words(node.field)
    if isinstance(node, q.And):
        return all(_matches(item, doc) for item in node.items)
    if isinstance(node, q.Or):
        return any(_matches(item, doc) for item in node.items)
    if isinstance(node, q.Not):
        return not _matches(node.item, doc)
    if isinstance(node, q.DateRange):
        return (node.start is None or doc.date >= node.start) and (
            node.end is None or doc.date <= node.end
        )
    if isinstance(node, q.Kind):
        return doc.kind == node.kind or (node.kind == "comment" and doc.kind == "reply")
    if isinstance(node, q.Flag):
        return {"removed": doc.removed, "vanished": doc.vanished}.get(node.name, False)
    return False  # colours live with the notes


def _docs(conn: sqlite3.Connection) -> Iterator[_Doc]:
    for pid, date, title, body in conn.execute(
        "SELECT id, date, title, body FROM posts ORDER BY date DESC, title"
    ):
        day = dt.date.fromisoformat(date)
        yield _Doc(pid, pid, "post", title, day, "", body, False, False)
        for cid, parent, path, text, removed, vanished in conn.execute(
            "SELECT id, parent_id, path, text, removed, vanished FROM comments"
            " WHERE post_id = ? ORDER BY position",
            [pid],
        ).fetchall():
            kind = "reply" if parent else "comment"
            yield _Doc(cid, pid, kind, title, day, path, text, bool(removed), bool(vanished))


def scan_search(
    conn: sqlite3.Connection,
    text: str,
    *,
    limit: int = 20,
    offset: int = 0,
    sort: str = "relevance",
    group: bool = False,
) -> SearchResults:
    """``SearchIndex.search`` answered from the store (see the module doc)."""
    started = time.perf_counter()
    parsed = q.parse_query(text)
    match = q.match_terms(parsed)
    results = SearchResults(query=text, sort=sort, match=match, stale=True)
    results.notices.extend(parsed.notices)
    results.notices.append(NOTICE)
    if parsed.is_empty:
        results.elapsed = time.perf_counter() - started
        return results
    found: list[_Doc] = [doc for doc in _docs(conn) if _matches(parsed.root, doc)]
    results.total = len(found)
    if group:
        by_post: dict[str, list[_Doc]] = {}
        for doc in found:
            by_post.setdefault(doc.post_id, []).append(doc)
        results.threads = len(by_post)
        results.groups = [
            ThreadGroup(pid, docs[0].title, docs[0].date, len(docs), _hit(docs[0], match))
            for pid, docs in list(by_post.items())[offset : offset + limit]
        ]
    else:
        results.hits = [_hit(doc, match) for doc in found[offset : offset + limit]]
    results.elapsed = time.perf_counter() - started
    return results


def _hit(doc: _Doc, match: q.MatchTerms) -> Hit:
    snippet, words = snippet_and_words(doc.text, match)
    return Hit(
        kind="post" if doc.kind == "post" else "comment",
        item_id=doc.item_id,
        post_id=doc.post_id,
        title=doc.title,
        date=doc.date,
        path=doc.path,
        snippet=snippet,
        score=0.0,
        removed=doc.removed,
        vanished=doc.vanished,
        words=tuple(words),
    )
