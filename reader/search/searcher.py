"""Running queries on an open whoosh index and turning matches into ``Hit``s.

A ``Searcher`` stays open between queries (opening segment files and term indexes, reading
the length columns, is a large part of a cold query) and is replaced only when the index
changes on disk.  Matching and ranking is ``evaluate``'s.  The index gives
document numbers and scores; everything shown (title, date, comment number, snippet) is read
from the store for just the hits on the page, so it is never older than the library.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from reader.search import query as q
from reader.search import source
from reader.search.evaluate import Evaluator
from reader.search.expansion import Expansion, expand
from reader.search.index_generations import open_generation
from reader.search.postings import Matches
from reader.search.query import MatchTerms, ParsedQuery, match_terms, parse_query
from reader.search.results import Hit, ItemHits, SearchResults, ThreadGroup, ThreadHits
from reader.search.schema import make_schema
from reader.search.snippets import highlight_ranges, snippet_and_words
from reader.search.suggest import suggest

GONE = "Some matches are no longer in the library; the index needs updating."


class Searcher:
    """Queries against one generation of the index (see ``index.py``)."""

    def __init__(self, folder: Path, meta: dict[str, Any], generation: int) -> None:
        self.generation = generation
        self.stamp = int(meta.get("stamp", -1))
        self._searcher = open_generation(folder, generation, make_schema())
        self._reader = self._searcher.reader()
        self._evaluator = Evaluator(self._searcher)
        self._days: list[int] | None = None
        self._posts: list[str] | None = None
        self._ref_column: Any = None
        self._vocabulary: dict[tuple[str, str], list[str]] = {}
        self.years = self._years()

    def _years(self) -> tuple[int, int] | None:
        if "date" not in self._reader.indexed_field_names():
            return None
        years = [
            int(t)
            for t in (b.decode() for b in self._reader.lexicon("date"))
            if len(t) == 4 and t.isdigit()
        ]
        return (min(years), max(years)) if years else None

    def close(self) -> None:
        self._searcher.close()

    def _refs(self) -> list[list[bytes]]:
        """Every document's ``ref`` (id, post id, date), read once for sorting or grouping."""
        if not self._reader.doc_count_all():
            return []
        column = self._reader.column_reader("ref", translate=False)
        return [value.split(b" ") for value in column]

    def doc_ref(self, docnum: int) -> list[bytes]:
        """One document's ``ref``: [item id, post id, date]."""
        if self._ref_column is None:
            self._ref_column = self._reader.column_reader("ref", translate=False)
        ref: bytes = self._ref_column[docnum]
        return ref.split(b" ")

    def doc_id(self, docnum: int) -> str:
        return self.doc_ref(docnum)[0].decode()

    def days(self) -> list[int]:
        """Each document's date as a number (20200607), for sorting newest first."""
        if self._days is None:
            self._days = [
                int(ref[2].replace(b"-", b"")) if len(ref) > 2 else 0 for ref in self._refs()
            ]
        return self._days

    def posts(self) -> list[str]:
        if self._posts is None:
            self._posts = [ref[1].decode() if len(ref) > 1 else "" for ref in self._refs()]
        return self._posts

    def ids_with_flag(self, flag: str) -> list[str]:
        matches = self._evaluator.run(q.Flag(flag), {}, None)
        return [self.doc_id(d) for d, _ in sorted(matches.items())]

    def docs(self, text: str) -> dict[int, float]:
        """Every matching document number with its score (for tests and the benchmark)."""
        parsed = parse_query(text)
        if parsed.root is None:
            return {}
        expanded, _ = expand(parsed, self._reader)
        found = self._evaluator.run(parsed.root, expanded, self.years, _title_terms(parsed))
        return found.as_dict()

    def doc_frequency(self, fieldname: str, term: str) -> int:
        return self._evaluator.doc_frequency(fieldname, term)

    def words_starting(self, fieldname: str, letter: str) -> list[str]:
        """The words of a words field starting with ``letter``, sorted; read once per letter
        and kept with this searcher (suggestions for words typed one key at a time)."""
        key = (fieldname, letter)
        found = self._vocabulary.get(key)
        if found is None:
            if fieldname in self._reader.indexed_field_names():
                terms = self._reader.expand_prefix(fieldname, letter)
                found = sorted({t.decode() if isinstance(t, bytes) else t for t in terms})
            else:
                found = []
            self._vocabulary[key] = found
        return found

    def count(self, text: str) -> int:
        """How many items ``text`` finds (no ranking, nothing read from the store)."""
        parsed = parse_query(text)
        if parsed.root is None:
            return 0
        expanded, _ = expand(parsed, self._reader)
        return len(self._evaluator.run(parsed.root, expanded, self.years))

    # -- searching ---------------------------------------------------------------------------

    def search(
        self,
        conn: sqlite3.Connection,
        text: str,
        *,
        limit: int,
        offset: int,
        sort: str,
        group: bool,
    ) -> SearchResults:
        parsed = parse_query(text)
        results = SearchResults(
            query=text,
            notices=list(parsed.notices),
            fallback=parsed.fallback,
            sort=sort,
            offset=offset,
            limit=limit,
        )
        if parsed.root is None:
            if not parsed.notices:
                results.notices.append("Nothing to search for: type some words.")
            return results
        expanded, notices = expand(parsed, self._reader)
        results.notices.extend(notices)
        results.match = match_terms(parsed).with_words(
            {word for expansion in expanded.values() for word in expansion.words}
        )
        found = self._evaluator.run(parsed.root, expanded, self.years, _title_terms(parsed))
        results.total = len(found)
        try:
            results.suggestion = suggest(parsed, self, self.count)
        except Exception:  # a nicety: a failure here must not cost the answer (or the index)
            results.suggestion = None
        by_date = sort == "date" or not parsed.has_text()
        if by_date:
            results.sort = "date"
        if group:
            self._grouped(conn, found, results, limit, offset, by_date)
            return results
        if by_date:
            page = found.by_key(self.days(), offset + limit)[offset:]
        else:
            page = found.top(offset + limit)[offset:]
        results.hits = self._hits(conn, page, results)
        return results

    def _hits(
        self, conn: sqlite3.Connection, page: list[tuple[int, float]], results: SearchResults
    ) -> list[Hit]:
        ids = [self.doc_id(docnum) for docnum, _ in page]
        rows = source.item_rows(conn, ids)
        hits = []
        for item, (_, score) in zip(ids, page, strict=True):
            row = rows.get(item)
            if row is None:  # the index knows an item the store no longer has
                if not results.stale:
                    results.stale = True
                    results.notices.append(GONE)
                continue
            snippet, words = snippet_and_words(row.text, results.match)
            hits.append(
                Hit(
                    kind=row.kind,
                    item_id=row.id,
                    post_id=row.post_id,
                    title=row.title,
                    date=row.date,
                    path=row.path,
                    snippet=snippet,
                    score=score,
                    removed=row.removed,
                    vanished=row.vanished,
                    words=tuple(words),
                )
            )
        return hits

    def _grouped(
        self,
        conn: sqlite3.Connection,
        found: Matches,
        results: SearchResults,
        limit: int,
        offset: int,
        by_date: bool,
    ) -> None:
        """Threads with their hit counts, each shown by its best-scoring hit."""
        posts = self.posts()
        counts: Counter[str] = Counter()
        best: dict[str, tuple[int, float]] = {}
        for doc, score in found.items():
            thread = posts[doc]
            counts[thread] += 1
            current = best.get(thread)
            if current is None or (score, -doc) > (current[1], -current[0]):
                best[thread] = (doc, score)
        if by_date:
            days = self.days()
            order = sorted(best, key=lambda p: (-days[best[p][0]], p))
        else:
            order = sorted(best, key=lambda p: (-best[p][1], -counts[p], p))
        results.threads = len(order)
        chosen = order[offset : offset + limit]
        hits = {hit.post_id: hit for hit in self._hits(conn, [best[p] for p in chosen], results)}
        results.groups = [
            ThreadGroup(
                post_id, hits[post_id].title, hits[post_id].date, counts[post_id], hits[post_id]
            )
            for post_id in chosen
            if post_id in hits
        ]
        results.hits = [group.best for group in results.groups]

    # -- the hits of one thread ---------------------------------------------------------------

    def thread_hits(self, conn: sqlite3.Connection, text: str, post_id: str) -> ThreadHits:
        """Which items of thread ``post_id`` match ``text``, and where their matched words are.

        Cheap whatever the query: a thread's items all carry its post's date, so the query is
        evaluated only among that day's documents (``Evaluator.run(within=...)``), then kept
        to the thread by their ``ref``; spans are computed for the thread's hits only."""
        parsed = parse_query(text)
        row = conn.execute("SELECT date, title, body FROM posts WHERE id = ?", [post_id]).fetchone()
        if parsed.root is None or row is None:
            return ThreadHits(post_id, text, notices=list(parsed.notices))
        day = dt.date.fromisoformat(row[0])
        expanded, _ = expand(parsed, self._reader)
        found = self._evaluator.run(parsed.root, expanded, self.years, within=q.DateRange(day, day))
        wanted = post_id.encode()
        ids: set[str] = set()
        for docnum, _ in found.items():
            ref = self.doc_ref(docnum)
            if len(ref) > 1 and ref[1] == wanted:
                ids.add(ref[0].decode())
        in_text = _field_match(parsed, expanded, (None, "body"))
        # A post's body field holds its title too: ``body:word`` finds a word of the title.
        in_title = _field_match(parsed, expanded, (None, "title", "body"))
        items: list[ItemHits] = []
        if post_id in ids:
            items.append(
                ItemHits(
                    post_id,
                    "post",
                    "",
                    _spans(row[2], in_text),
                    _spans(row[1], in_title),
                )
            )
        comments = conn.execute(
            "SELECT id, path, text FROM comments WHERE post_id = ?", [post_id]
        ).fetchall()
        hit_comments = sorted((c for c in comments if c[0] in ids), key=lambda c: _path_key(c[1]))
        items.extend(
            ItemHits(cid, "comment", path, _spans(body, in_text))
            for cid, path, body in hit_comments
        )
        hits = ThreadHits(post_id, text, tuple(items), list(parsed.notices))
        if len(items) < len(ids):  # the index knows an item the store no longer has
            hits.stale = True
            hits.notices.append(GONE)
        return hits


def _field_match(
    parsed: ParsedQuery, expanded: dict[Any, Expansion], fields: tuple[str | None, ...]
) -> MatchTerms:
    """What to mark in text of ``fields``: the query's words searched there, and the words
    its (not excluded) prefix and fuzzy words there expanded to."""
    wanted = set(q.positive_nodes(parsed.root))
    words = {
        word
        for node, expansion in expanded.items()
        if node in wanted and node.field in fields
        for word in expansion.words
    }
    return match_terms(parsed, fields).with_words(words)


def _spans(text: str, match: MatchTerms) -> tuple[tuple[int, int], ...]:
    return tuple(highlight_ranges(text, match)) if match and text else ()


def _path_key(path: str) -> tuple[int, ...]:
    """A comment number ("4.2") as a sort key: depth first, in the thread's order."""
    return tuple(int(part) if part.isdigit() else 0 for part in path.split("."))


def _title_terms(parsed: ParsedQuery) -> list[str]:
    """Words searched in the default fields: a post with them in its title ranks higher."""
    terms: list[str] = []
    stack = [parsed.root]
    while stack:
        node = stack.pop()
        if isinstance(node, q.And | q.Or):
            stack.extend(node.items)
        elif isinstance(node, q.Words) and node.field is None:
            terms.extend(node.terms)
    return terms
