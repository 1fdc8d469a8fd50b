"""Offline full-text search over a library: a small interface, implemented with whoosh.

The rest of the program uses only what is exported here (nothing outside this package imports
whoosh).  Typical use::

    index = open_index(library)
    index.ensure_fresh(progress=..., cancel=...)   # in the background in the window
    results = index.search('"exact phrase" inspect* date:2020 in:comment', limit=20)
    for hit in results.hits:
        hit.kind, hit.post_id, hit.comment_id, hit.title, hit.date, hit.path
        hit.snippet.html()          # escaped, matches in <b>; .ansi() / .brackets() for text
    highlight_ranges(comment.text, results.match)  # reading-pane highlights

Contract of ``SearchIndex`` (one instance per thread, like ``Library``):

* ``check()`` → ``IndexStatus`` (fresh / behind / stale / missing / corrupt), cheap;
* ``ensure_fresh(progress, cancel)``, ``update(...)`` (incremental: rows whose stamp is newer
  than the index's), ``rebuild(...)``: ``progress(fraction | None, label)``, ``cancel`` has
  ``is_set()``; they may raise ``IndexBusy`` (another writer) or ``IndexCancelled``;
* ``update_items(ids)``: re-index a few items now (the annotations code calls it after a note,
  bookmark or highlight changes);
* ``search(text, limit=, offset=, sort="relevance"|"date", group=False)`` → ``SearchResults``;
  never raises for a malformed query or a damaged index (notices say what happened) and never
  waits for indexing (``results.stale`` when the index is behind the library;
  ``results.damaged`` when it failed while answering: rebuild, then ask again).  ``total`` is
  exact and every hit is reachable: pages (``offset``/``limit``) of one query and sort never
  overlap or skip.  ``group=True`` pages threads instead, each with its hit count (the counts
  add up to ``total``).  ``results.suggestion``: a "did you mean" (``suggest``) when a word is
  in no item and a correction finds hits;
* ``thread_hits(text, post_id)`` → ``ThreadHits``: the thread's items that match, in reading
  order, with the character spans of the matched words in each (the thread tree's hit marks,
  "hit 3 of 7"); cheap: only that thread is evaluated;
* a read-only library's index is never written (``ensure_fresh``/``update``/``rebuild`` only
  report its state) and ``search`` answers from the store when the index cannot be trusted;
* ``merge()``: fold small segments together (after imports, in the background).

Modules, by job: ``analysis`` (words, stems, CJK bigrams, grams), ``query`` (the language),
``expansion`` (prefixes, fuzzy words, dates → terms), ``suggest`` ("did you mean"),
``evaluate`` and ``postings`` (matching and BM25F scoring a block at a time), ``snippets``,
``searcher`` (queries → hits), ``index`` (health, updates, merges), ``build`` (full rebuilds
on all cores), ``schema`` and ``segment_writer`` (what is indexed, and writing it), ``source``
(the store's side), and the two seams onto whoosh's files and internals: ``whoosh_storage``
(the posting-block layout) and ``index_generations`` (committing and opening a folder).

Notes and flags (``note:``, ``is:bookmarked``, ``is:annotated``, ``color:``) come from an
``ItemInfoProvider`` registered with ``set_item_info_provider`` (see ``source.py``).
"""

from __future__ import annotations

import contextlib
from typing import Any, Protocol

from reader.search.query import MatchTerms, ParsedQuery, parse_query
from reader.search.results import (
    Hit,
    IndexStatus,
    ItemHits,
    SearchResults,
    Suggestion,
    ThreadGroup,
    ThreadHits,
)
from reader.search.snippets import Snippet, highlight_ranges, make_snippet, matched_words
from reader.search.source import ItemInfo, ItemInfoProvider

__all__ = [
    "Hit",
    "IndexBusy",
    "IndexCancelled",
    "IndexStatus",
    "ItemHits",
    "ItemInfo",
    "ItemInfoProvider",
    "MatchTerms",
    "ParsedQuery",
    "SearchIndex",
    "SearchResults",
    "Snippet",
    "Suggestion",
    "ThreadGroup",
    "ThreadHits",
    "highlight_ranges",
    "make_snippet",
    "matched_words",
    "open_index",
    "parse_query",
    "set_item_info_provider",
    "update_after_import",
]

_provider: ItemInfoProvider | None = None
_provider_chosen = False


class SearchIndex(Protocol):
    def check(self) -> IndexStatus: ...

    def ensure_fresh(self, progress: Any = None, cancel: Any = None) -> IndexStatus: ...

    def update(self, progress: Any = None, cancel: Any = None) -> IndexStatus: ...

    def rebuild(self, progress: Any = None, cancel: Any = None) -> IndexStatus: ...

    def update_items(self, item_ids: Any) -> int: ...

    def search(
        self,
        text: str,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: str = "relevance",
        group: bool = False,
    ) -> SearchResults: ...

    def thread_hits(self, text: str, post_id: str) -> ThreadHits: ...

    def close(self) -> None: ...


def set_item_info_provider(provider: ItemInfoProvider | None) -> None:
    """Install the process-wide provider of notes/flags/colours (the annotations package
    calls this when it is imported); indexes opened afterwards use it."""
    global _provider, _provider_chosen
    _provider, _provider_chosen = provider, True


def open_index(library: Any, *, procs: int | None = None) -> SearchIndex:
    """The search index of an open ``Library`` (nothing is read or built until asked)."""
    from reader.search.index import LibraryIndex

    if not _provider_chosen:
        _install_annotations_provider()
    return LibraryIndex(library, provider=_provider, procs=procs)


def _install_annotations_provider() -> None:
    """Notes and flags come from the annotations package; installed on the first
    ``open_index`` (not at import: the annotations package imports this one), so every index
    (window, CLI, benchmarks) sees them without each caller remembering to."""
    from reader.annotate.search_info import PROVIDER

    set_item_info_provider(PROVIDER)


def __getattr__(name: str) -> Any:
    if name in ("IndexBusy", "IndexCancelled"):
        from reader.search import index

        return getattr(index, name)
    raise AttributeError(name)


def update_after_import(library: Any, progress: Any = None, cancel: Any = None) -> IndexStatus:
    """Catch the index up after an import committed (the store first, the index after).

    Never raises: the import already succeeded, so an indexing problem is reported in the
    returned status (``state`` and ``reason``) and fixed by the next ``ensure_fresh``.  The
    update adds one small segment; merging small segments is started afterwards in the
    background (``index.schedule_merge``).
    """
    from reader.search.index import IndexBusy, IndexCancelled, schedule_merge

    release = getattr(library, "release_memory", None)
    if callable(release):  # the import's page cache, before index builders start
        with contextlib.suppress(Exception):
            release()
    index = open_index(library)
    try:
        status = index.ensure_fresh(progress=progress, cancel=cancel)
        with contextlib.suppress(Exception):
            if not getattr(library, "read_only", False):
                schedule_merge(library.paths.search_index)  # after the wait, never inside it
        return status
    except IndexBusy as exc:
        return IndexStatus("behind", str(exc))
    except IndexCancelled as exc:
        return IndexStatus("behind", str(exc))
    except Exception as exc:  # an indexing bug must not turn a good import into a failure
        return IndexStatus("corrupt", f"indexing failed: {type(exc).__name__}: {exc}")
    finally:
        index.close()
        done = getattr(progress, "done", None)
        if callable(done):
            done()
