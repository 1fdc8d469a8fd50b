"""Searching the store directly, without the index: for read-only libraries whose index is
missing, behind, from another version or damaged (it must never be rebuilt into a folder
that cannot be written).

Slower than the index (every post and comment is read once per query: about a second per
hundred thousand items) and simpler in one way only: hits come newest first, not by
relevance.  What matches is what the index would match, because the same functions decide
it: ``reader.search.query`` parses, ``reader.search.analysis.word_spans`` gives every item
the terms, positions and folded words the index holds (CJK bigrams included), a post's title
and body are one field with a gap between them (no phrase joins the two), prefixes and fuzzy
words look at the folded words (fuzzy: within the edit distance, first letter equal, as the
index's ``terms_within``), and notes, bookmarks, annotations and colours come from the same
``ItemInfoProvider``.  A notice says the store was searched.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from reader.search import query as q
from reader.search.analysis import is_cjk, word_spans
from reader.search.results import Hit, SearchResults, ThreadGroup
from reader.search.snippets import snippet_and_words
from reader.search.source import ItemInfo, ItemInfoProvider, status_flags

NOTICE = (
    "Searched the library directly: its search index is out of date and the library is"
    " read-only, so the index cannot be rebuilt here (hits are listed newest first)."
)


@dataclass(slots=True)
class _Field:
    """One text field as the index holds it: term → positions, and the folded words."""

    positions: dict[str, set[int]] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)

    def add(self, text: str, start: int) -> int:
        """Add ``text``'s terms from position ``start``; returns the position after them."""
        last = start - 1
        for position, _begin, _end, term, folded in word_spans(text):
            self.positions.setdefault(term, set()).add(start + position)
            if not is_cjk(term):
                self.words.add(folded)
            last = max(last, start + position)
        return last + 1

    def has(self, node: q.Words) -> bool:
        terms, offsets = node.terms, node.positions()
        first = self.positions.get(terms[0])
        if not first:
            return False
        pairs = zip(terms[1:], offsets[1:], strict=True)
        rest = [(self.positions.get(term), offset) for term, offset in pairs]
        if any(found is None for found, _ in rest):
            return False
        for at in first:
            base = at - offsets[0]
            if all(base + offset in found for found, offset in rest):  # type: ignore[operator]
                return True
        return False


def _within(word: str, target: str, distance: int) -> bool:
    """Levenshtein distance at most ``distance`` with the first letter equal (the index's
    ``terms_within(..., prefix=1)``)."""
    if not word or not target or word[0] != target[0] or abs(len(word) - len(target)) > distance:
        return False
    previous = list(range(len(target) + 1))
    for i, a in enumerate(word, 1):
        current = [i]
        for j, b in enumerate(target, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        if min(current) > distance:
            return False
        previous = current
    return previous[-1] <= distance


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
    info: ItemInfo | None = None
    author: str | None = None
    status: str = "published"
    _fields: dict[str, _Field] | None = None

    def text_field(self, name: str | None) -> _Field:
        if self._fields is None:
            body, title, note, author = _Field(), _Field(), _Field(), _Field()
            if self.kind == "post":
                title.add(self.title, 0)
                end = body.add(self.title, 0)
                body.add(self.text, end + 1)  # one empty position: no phrase joins the two
            else:
                body.add(self.text, 0)
            if self.info is not None and self.info.note:
                note.add(self.info.note, 0)
            if self.author:
                author.add(self.author, 0)
            self._fields = {"body": body, "title": title, "note": note, "author": author}
        return self._fields[name or "body"]

    def flags(self) -> set[str]:
        found = {name for name in ("removed", "vanished") if getattr(self, name)}
        found.update(status_flags(self.status))
        if self.info is not None:
            found |= set(self.info.flags)
        return found


def _matches(node: q.Node | None, doc: _Doc) -> bool:
    if node is None:
        return True
    if isinstance(node, q.And):
        return all(_matches(item, doc) for item in node.items)
    if isinstance(node, q.Or):
        return any(_matches(item, doc) for item in node.items)
    if isinstance(node, q.Not):
        return not _matches(node.item, doc)
    if isinstance(node, q.Words):
        return doc.text_field(node.field).has(node)
    if isinstance(node, q.Prefix):
        return any(word.startswith(node.prefix) for word in doc.text_field(node.field).words)
    if isinstance(node, q.Fuzzy):
        words = doc.text_field(node.field).words
        return any(_within(word, node.word, node.maxdist) for word in words)
    if isinstance(node, q.DateRange):
        return (node.start is None or doc.date >= node.start) and (
            node.end is None or doc.date <= node.end
        )
    if isinstance(node, q.Kind):
        return doc.kind == node.kind or (node.kind == "comment" and doc.kind == "reply")
    if isinstance(node, q.Flag):
        return node.name in doc.flags()
    assert isinstance(node, q.Colour), node  # the last kind of node
    return doc.info is not None and node.name in doc.info.colors


def _infos(conn: sqlite3.Connection, provider: ItemInfoProvider | None) -> dict[str, ItemInfo]:
    """Notes, flags and colours of every item that has any (few: what the user made)."""
    if provider is None:
        return {}
    ids = list(dict.fromkeys(provider.annotated_items(conn)))
    found: dict[str, ItemInfo] = {}
    for start in range(0, len(ids), 500):
        found.update(provider.item_info(conn, ids[start : start + 500]))
    return found


def _docs(conn: sqlite3.Connection, infos: dict[str, ItemInfo]) -> Iterator[_Doc]:
    for pid, date, title, body, author, status in conn.execute(
        "SELECT id, date, title, body, author, status FROM posts ORDER BY date DESC, title"
    ).fetchall():
        day = dt.date.fromisoformat(date)
        yield _Doc(
            pid, pid, "post", title, day, "", body, False, False, infos.get(pid), author, status
        )
        for cid, parent, path, text, removed, vanished, c_author, c_status in conn.execute(
            "SELECT id, parent_id, path, text, removed, vanished, author, status FROM comments"
            " WHERE post_id = ? ORDER BY position",
            [pid],
        ).fetchall():
            kind = "reply" if parent else "comment"
            yield _Doc(
                cid, pid, kind, title, day, path, text, bool(removed), bool(vanished),
                infos.get(cid), c_author, c_status,
            )  # fmt: skip


def scan_search(
    conn: sqlite3.Connection,
    text: str,
    *,
    limit: int = 20,
    offset: int = 0,
    sort: str = "relevance",
    group: bool = False,
    provider: ItemInfoProvider | None = None,
) -> SearchResults:
    """``SearchIndex.search`` answered from the store (see the module doc)."""
    started = time.perf_counter()
    parsed = q.parse_query(text)
    match = q.match_terms(parsed)
    results = SearchResults(
        query=text, sort="date", match=match, stale=True, fallback=parsed.fallback
    )
    results.notices.extend(parsed.notices)
    results.notices.append(NOTICE)
    if parsed.is_empty:
        results.elapsed = time.perf_counter() - started
        return results
    infos = _infos(conn, provider)
    found: list[_Doc] = [doc for doc in _docs(conn, infos) if _matches(parsed.root, doc)]
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
