"""The search index of a library: its health, full and incremental updates, merging, searching.

The index is derived data in ``LibraryPaths.search_index``: whoosh's files, one table of
contents per generation, and beside each a description, ``reader-index-<generation>.json``
(``index_generations`` commits the two together, atomically).  The description holds the format
it was built with, the store's change stamp, the number of documents, the annotations
provider's stamp, and the size, time and checksum of every file.

**It heals itself.** ``check`` compares all of this with the folder and the store, cheaply (a
``stat`` per file, the table of contents' checksum, two counts); a file missing, of the wrong
size or rewritten, an index from another version or from whoosh itself, or one that failed
while answering (a ``damaged.json`` note) means "rebuild", never a crash and never results
silently served from a wrong index.  ``ensure_fresh`` then rebuilds before the query is
answered (the CLI), or in the background with progress (the window).

**It is never written into a read-only library** (``Library.read_only``: a mounted backup, a
shared drive): there ``ensure_fresh``, ``update`` and ``rebuild`` only report the index's state,
and ``search`` answers from the store (``reader.search.scan``) whenever the index is not fresh
or fails while answering, so results are never wrong and the folder is never touched.

**It is never half-written.** A rebuild is made in a sibling folder and installed as a new
generation; an incremental update adds a new small segment as a new generation.  A process
killed at any moment leaves the previous generation or the new one, both answering correctly.

**Imports wait only for what they add.** ``update`` writes the changed documents as one new
segment and never merges; ``merge`` (run afterwards in the background) folds small segments
together by a size-tiered policy, holding the lock only to commit.

Writes hold ``search-index.lock`` beside the folder, so two processes or threads never write
at once.  Reading needs no lock.  One ``LibraryIndex`` belongs to one thread, like the
``Library`` it was opened with.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import pickle
import shutil
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from whoosh.util.filelock import FileLock, try_for

from reader.errors import ReaderError
from reader.search import build, source
from reader.search.analysis import ANALYSIS_VERSION
from reader.search.build import ProgressFn
from reader.search.index_generations import (
    commit_generation,
    crash_point,
    latest_generation,
    read_meta,
    read_segments,
    verify_files,
)
from reader.search.results import IndexStatus, SearchResults, ThreadHits
from reader.search.schema import SCHEMA_VERSION
from reader.search.searcher import Searcher
from reader.search.segment_writer import FastSegmentWriter, replace_documents
from reader.search.whoosh_storage import open_folder

FORMAT = f"archive-reader-search-{SCHEMA_VERSION}.{ANALYSIS_VERSION}.5"
"""What an index folder must say it holds to be read: schema, analysis and the block layout
(``whoosh_storage``: 5 since positions are compressed apart).  Any other is rebuilt."""
DAMAGED_FILE = "damaged.json"
STORAGE_FAILURES: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    MemoryError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
)
"""Failures of reading the files: the index is damaged whatever the checksums say.  Any other
exception while answering counts as damage only when a file's checksum shows it."""
REBUILD_FRACTION = 0.3
"""When an import changed more than this share of the library, rebuild (on all cores) rather
than update document by document."""

MERGE_FACTOR = 4
"""The size-tiered merge policy: segments fall in tiers by size (a factor of ``TIER_RATIO``
apart); ``MERGE_FACTOR`` segments in one tier are merged into one of the next tier."""
TIER_RATIO = 4
MERGE_MIN_DOCS = 2_000
"""Segments smaller than this are all in the lowest tier."""
MERGE_MAX_DOCS = 25_000
"""Segments this large are left alone (a full build writes segments of tens of thousands of
documents): merging them costs minutes and gains little.  Only what imports add is merged."""


CATCHING_UP = "The search index is catching up with recent imports; results may be incomplete."


class _Answer(Protocol):
    """What ``LibraryIndex._read`` returns: results that can say they may be incomplete."""

    stale: bool
    notices: list[str]


_A = TypeVar("_A", bound=_Answer)


class IndexBusy(ReaderError):
    """Another process or thread is writing the search index right now."""


class IndexCancelled(ReaderError):
    """Indexing was cancelled; the index is as it was before."""


def merge_plan(sizes: list[int]) -> list[int]:
    """Which segments (indices into ``sizes``, their live document counts) to merge now: the
    smallest tier holding ``MERGE_FACTOR`` segments (at most ``2 * MERGE_FACTOR`` of them),
    or none."""
    tiers: dict[int, list[int]] = {}
    for number, size in enumerate(sizes):
        if size >= MERGE_MAX_DOCS:
            continue
        tier = 0 if size < MERGE_MIN_DOCS else 1 + int(math.log(size / MERGE_MIN_DOCS, TIER_RATIO))
        tiers.setdefault(tier, []).append(number)
    for tier in sorted(tiers):
        members = sorted(tiers[tier], key=lambda n: sizes[n])
        if len(members) >= MERGE_FACTOR:
            return members[: 2 * MERGE_FACTOR]
    return []


def _folder_lock(folder: Path, timeout: float) -> FileLock:
    lock_path = folder.with_name(folder.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path))
    if not try_for(lock.acquire, timeout=timeout, delay=0.05):
        raise IndexBusy("the search index is being updated by another task; try again soon")
    return lock


def merge_folder(folder: Path, cancel: Any = None) -> bool:
    """Merge the segments the size-tiered policy chooses: the merged segment is written
    without the lock (searches and updates go on), then committed under it with deletions
    made meanwhile carried over.  Returns whether anything was merged."""
    from reader.search.segment_writer import merge_segments

    merged = merge_segments(folder, merge_plan, cancel=cancel)
    if merged is None:
        return False
    try:
        lock = _folder_lock(folder, timeout=30.0)
    except IndexBusy:
        merged.discard()
        return False
    try:
        meta = read_meta(folder, latest_generation(folder))
        if meta is None or meta.get("format") != FORMAT:
            merged.discard()
            return False
        described = {
            "format": FORMAT,
            "written": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "id": uuid.uuid4().hex,
        }
        return merged.commit(folder, described, meta)
    finally:
        lock.release()


def mergeable_sizes(folder: Path, segments: list[Any]) -> list[int]:
    """The live document counts the merge policy sees: a full build's own segments (listed in
    the description as ``built``) count as too big to merge, whatever their size."""
    meta = read_meta(folder, latest_generation(folder)) or {}
    built = set(meta.get("built") or ())
    return [
        MERGE_MAX_DOCS if segment.segment_id() in built else segment.doc_count()
        for segment in segments
    ]


def merge_due(folder: Path) -> bool:
    """Whether the size-tiered policy has segments to merge (reads the table of contents)."""
    try:
        _, segments, _ = read_segments(folder)
    except Exception:
        return False
    return bool(merge_plan(mergeable_sizes(folder, segments)))


def schedule_merge(folder: Path) -> str:
    """Start a merge if one is due, without waiting for it (an import's wait ends before).

    ``ARCHIVE_READER_INDEX_MERGE``: ``background`` (default: a detached process, like ``git gc
    --auto``; a thread where no process can be started), ``inline`` (now, in this thread:
    tests) or ``off``.  Returns what was done: "none", "started", "merged"."""
    mode = os.environ.get("ARCHIVE_READER_INDEX_MERGE", "background")
    if mode == "off" or not merge_due(folder):
        return "none"
    if mode == "inline":
        merge_folder(folder)
        return "merged"
    if not getattr(sys, "frozen", False):
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            subprocess.Popen(
                [sys.executable, "-m", "reader.search.index", "merge", str(folder)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
            return "started"
        except OSError:
            pass
    threading.Thread(target=_merge_quietly, args=(folder,), daemon=True).start()
    return "started"


def _merge_quietly(folder: Path) -> None:
    """A background merge never reports: the index stays valid whatever happens to it."""
    with contextlib.suppress(Exception):
        merge_folder(folder)


class LibraryIndex:
    """``SearchIndex`` implemented with whoosh (see ``reader.search`` for the contract)."""

    def __init__(
        self,
        library: Any,
        *,
        provider: source.ItemInfoProvider | None = None,
        procs: int | None = None,
    ) -> None:
        self.library = library
        self.folder: Path = library.paths.search_index
        self.provider = provider
        self.procs = procs
        self._lock_path = self.folder.with_name(self.folder.name + ".lock")
        self._searcher: Searcher | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = self.library.conn
        return conn

    @property
    def read_only(self) -> bool:
        """The library cannot be written: the index is read as it is, never written."""
        return bool(getattr(self.library, "read_only", False))

    # -- state -------------------------------------------------------------------------------

    def _current(self) -> tuple[int, dict[str, Any] | None]:
        generation = latest_generation(self.folder)
        return generation, (read_meta(self.folder, generation) if generation >= 0 else None)

    def _provider_stamp(self) -> Any:
        if self.provider is None or not hasattr(self.provider, "stamp"):
            return None
        return self.provider.stamp(self.conn)

    def _damage_note(self, generation: int) -> str | None:
        try:
            note = json.loads((self.folder / DAMAGED_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if isinstance(note, dict) and note.get("generation") == generation:
            return str(note.get("reason") or "the index failed while searching")
        return None

    def _files_intact(self, generation: int) -> bool:
        """Whether every file of ``generation`` still has the checksum it was written with."""
        meta = read_meta(self.folder, generation)
        return meta is not None and verify_files(self.folder, meta, thorough=True) is None

    def _note_damage(self, generation: int, reason: str) -> None:
        """Remember that this generation failed while answering, so every later check (in
        this process or the next) rebuilds it instead of failing again."""
        if self.read_only:
            return  # nothing is written there; ``search`` answers from the store instead
        with contextlib.suppress(OSError):
            (self.folder / DAMAGED_FILE).write_text(
                json.dumps({"generation": generation, "reason": reason}), encoding="utf-8"
            )

    def check(self) -> IndexStatus:
        """Compare the index with its folder and the store (cheap: a ``stat`` per file, the
        table of contents' checksum and two counts)."""
        store_stamp = source.change_stamp(self.conn)
        store_docs = source.item_count(self.conn)
        base: dict[str, Any] = {"store_docs": store_docs, "store_stamp": store_stamp}
        if not self.folder.exists():
            return IndexStatus("missing", "there is no search index yet", **base)
        generation, meta = self._current()
        if generation < 0:
            if any(self.folder.iterdir()):
                return IndexStatus("corrupt", "the index folder holds no usable index", **base)
            return IndexStatus("missing", "there is no search index yet", **base)
        if meta is None:
            reason = "the index was not written by this version of Archive Reader (or damaged)"
            return IndexStatus("stale", reason, **base)
        if meta.get("format") != FORMAT:
            return IndexStatus("stale", "the index was built by another version", **base)
        problem = verify_files(self.folder, meta) or self._damage_note(generation)
        if problem:
            return IndexStatus("corrupt", problem, **base)
        index_docs = int(meta.get("docs", -1))
        base.update(index_docs=index_docs, index_stamp=int(meta.get("stamp", -1)))
        if base["index_stamp"] > store_stamp:
            return IndexStatus("stale", "the library is older than the index", **base)
        if base["index_stamp"] < store_stamp:
            return IndexStatus("behind", "imports since the last indexing", **base)
        if index_docs != store_docs:
            return IndexStatus(
                "stale", f"the index has {index_docs} items, the library {store_docs}", **base
            )
        if meta.get("provider") != self._provider_stamp():
            return IndexStatus("behind", "notes or bookmarks changed", **base)
        return IndexStatus("fresh", **base)

    # -- writing -----------------------------------------------------------------------------

    def _lock(self, timeout: float) -> FileLock:
        return _folder_lock(self.folder, timeout)

    def ensure_fresh(self, progress: ProgressFn | None = None, cancel: Any = None) -> IndexStatus:
        """Bring the index up to date however is cheapest: nothing, an update or a rebuild
        (in a read-only library: nothing, the state is returned)."""
        status = self.check()
        if status.fresh or self.read_only:
            return status
        if status.needs_rebuild:
            return self.rebuild(progress=progress, cancel=cancel)
        return self.update(progress=progress, cancel=cancel)

    def rebuild(self, progress: ProgressFn | None = None, cancel: Any = None) -> IndexStatus:
        """Build the whole index anew in a sibling folder and install it as a new generation.

        Raises ``IndexCancelled`` (the old index is untouched) or ``IndexBusy``.  In a
        read-only library nothing is built: the state is returned.
        """
        if self.read_only:
            return self.check()
        lock = self._lock(timeout=1.0)
        token = uuid.uuid4().hex[:8]
        building = self.folder.with_name(f"{self.folder.name}.build-{token}")
        try:
            self._clean_leftovers()
            stamp = source.change_stamp(self.conn)
            provider_stamp = self._provider_stamp()
            total = source.item_count(self.conn)
            building.mkdir(parents=True)
            try:
                build.build(
                    building,
                    self.library.paths.database,
                    total,
                    progress=progress,
                    cancel=cancel,
                    procs=self.procs,
                )
            except build.BuildCancelled:
                raise IndexCancelled("indexing cancelled; the previous index is kept") from None
            if self.provider is not None:
                ix = open_folder(building)
                self._write_docs(ix, self.provider.annotated_items(self.conn), progress, cancel)
            crash_point("built")
            self._install(building, {"stamp": stamp, "provider": provider_stamp})
        finally:
            shutil.rmtree(building, ignore_errors=True)
            lock.release()
        self._reset_searcher()
        return self.check()

    def _install(self, building: Path, meta: dict[str, Any]) -> None:
        """Move a finished build's segment files into the index folder and commit them as the
        next generation (the previous one stays whole until that commit)."""
        from whoosh.filedb.filestore import FileStorage

        schema, segments, _ = read_segments(building)
        self.folder.mkdir(parents=True, exist_ok=True)
        generation = max(latest_generation(self.folder), 0) + 1
        for name in os.listdir(building):
            if name.startswith("MAIN_") and not name.endswith("WRITELOCK"):
                os.replace(building / name, self.folder / name)
        crash_point("installing")
        docs = sum(segment.doc_count() for segment in segments)
        meta = {**meta, "built": [segment.segment_id() for segment in segments]}
        commit_generation(
            self.folder,
            FileStorage(str(self.folder), supports_mmap=False),
            schema,
            segments,
            generation,
            self._meta(meta, docs),
        )

    def _meta(self, meta: dict[str, Any], docs: int) -> dict[str, Any]:
        return {
            "format": FORMAT,
            **meta,
            "docs": docs,
            "written": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "id": uuid.uuid4().hex,
        }

    def _clean_leftovers(self) -> None:
        """Folders left by an interrupted rebuild (or an open file on Windows)."""
        for path in self.folder.parent.glob(f"{self.folder.name}.*-*"):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)

    def update(self, progress: ProgressFn | None = None, cancel: Any = None) -> IndexStatus:
        """Index exactly what imports changed since the index's stamp, as one new segment
        (rebuilding instead when the index is unusable or most of the library changed)."""
        status = self.check()
        if status.fresh or self.read_only:
            return status
        if status.needs_rebuild:
            return self.rebuild(progress=progress, cancel=cancel)
        lock = self._lock(timeout=1.0)
        try:
            conn = self.conn
            conn.execute("BEGIN")  # one snapshot: stamp, count and rows agree
            try:
                stamp = source.change_stamp(conn)
                since = status.index_stamp
                changed = source.changed_count(conn, since)
                if changed > REBUILD_FRACTION * max(1, status.store_docs):
                    conn.execute("COMMIT")
                    lock.release()
                    lock = None
                    return self.rebuild(progress=progress, cancel=cancel)
                docs = list(source.changed_docs(conn, since))
                provider_stamp = self._provider_stamp()
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")
            ids = [doc["_id"] for doc in docs]
            _, meta = self._current()
            meta = meta or {}
            if self.provider is not None and meta.get("provider") != provider_stamp:
                ids.extend(self._provided_ids())
                ids.extend(self.provider.annotated_items(conn))
            self._write_docs(
                open_folder(self.folder),
                ids,
                progress,
                cancel,
                known={d["_id"]: d for d in docs},
                meta={"stamp": stamp, "provider": provider_stamp},
            )
        finally:
            if lock is not None:
                lock.release()
        self._reset_searcher()
        status = self.check()
        if status.state in ("stale", "corrupt"):
            return self.rebuild(progress=progress, cancel=cancel)
        return status

    def _provided_ids(self) -> list[str]:
        searcher = self._open_searcher()
        return searcher.ids_with_flag(source.PROVIDED_FLAG) if searcher else []

    def update_items(self, item_ids: Iterable[str]) -> int:
        """Re-index these posts/comments now (after a note, bookmark or highlight changed);
        ids no longer in the library are removed.  Returns how many were written."""
        ids = list(dict.fromkeys(item_ids))
        if self.read_only:
            return 0
        _generation, meta = self._current()
        if not ids or meta is None or meta.get("format") != FORMAT:
            return 0
        lock = self._lock(timeout=10.0)
        try:
            count = self._write_docs(
                open_folder(self.folder),
                ids,
                None,
                None,
                meta={"stamp": meta.get("stamp", 0), "provider": meta.get("provider")},
            )
        finally:
            lock.release()
        self._reset_searcher()
        return count

    def _write_docs(
        self,
        ix: Any,
        ids: Iterable[str],
        progress: ProgressFn | None,
        cancel: Any,
        known: dict[str, dict[str, Any]] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> int:
        """Replace (or delete) the documents of ``ids`` in one new segment and commit it as a
        new generation (described by ``meta`` when given: the live index; else a build)."""
        ids = list(dict.fromkeys(ids))
        if not ids and meta is None:
            return 0
        known = dict(known or {})
        missing = [item for item in ids if item not in known]
        known.update(source.docs_for_ids(self.conn, missing))
        infos: dict[str, Any] = {}
        if self.provider is not None:
            for start in range(0, len(ids), source.BATCH):
                infos.update(self.provider.item_info(self.conn, ids[start : start + source.BATCH]))
        writer = FastSegmentWriter(ix, _lk=False)
        docs = (
            (item, source.add_info(known[item], infos.get(item)) if item in known else None)
            for item in ids
        )
        try:
            for done in replace_documents(writer, docs):
                if cancel is not None and cancel.is_set():
                    raise IndexCancelled("indexing cancelled; the previous index is kept")
                if progress is not None and done % 200 == 0:
                    progress(done / len(ids), "Updating the search index")
            crash_point("updating")
            if meta is None:
                writer.commit(merge=False)
            else:
                _, current = self._current()
                writer.commit_described(self.folder, self._meta(meta, 0), current)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        if progress is not None:
            progress(1.0, "Updating the search index")
        return len(ids)

    # -- merging -----------------------------------------------------------------------------

    def merge_due(self) -> bool:
        return merge_due(self.folder)

    def merge(self, cancel: Any = None) -> bool:
        """Merge what the size-tiered policy chooses (see ``merge_folder``)."""
        if self.read_only:
            return False
        merged = merge_folder(self.folder, cancel=cancel)
        self._reset_searcher()
        return merged

    # -- reading -----------------------------------------------------------------------------

    def _reset_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _open_searcher(self) -> Searcher | None:
        """The open searcher, reopened when the index changed on disk; None if unusable."""
        generation, meta = (-1, None)
        if self.folder.exists():
            generation = latest_generation(self.folder)
        if self._searcher is not None and self._searcher.generation == generation:
            return self._searcher
        self._reset_searcher()
        if generation < 0:
            return None
        meta = read_meta(self.folder, generation)
        if meta is None or meta.get("format") != FORMAT:
            return None
        try:
            self._searcher = Searcher(self.folder, meta, generation)
        except Exception as exc:
            if latest_generation(self.folder) == generation:
                self._note_damage(generation, f"the index cannot be opened ({type(exc).__name__})")
            return None
        return self._searcher

    def search(
        self,
        text: str,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: str = "relevance",
        group: bool = False,
    ) -> SearchResults:
        """Run a query of the query language; never raises for bad input or a bad index.

        Does not update the index (reading never waits for indexing): when the index is behind
        the library the results say so (``stale`` and a notice); when it is damaged, they say
        that too (``damaged``): the caller rebuilds and asks again.  In a read-only library
        (where nothing can be rebuilt) the store is searched instead whenever the index is not
        fresh or fails (``reader.search.scan``).
        """
        options: dict[str, Any] = {"limit": limit, "offset": offset, "sort": sort, "group": group}
        if self.read_only and not self.check().fresh:
            return self._scan(text, options)
        results = self._search_index(text, limit=limit, offset=offset, sort=sort, group=group)
        if self.read_only and (results.damaged or results.stale):
            return self._scan(text, options)
        return results

    def _scan(self, text: str, options: dict[str, Any]) -> SearchResults:
        from reader.search.scan import scan_search

        return scan_search(self.conn, text, provider=self.provider, **options)

    def _search_index(
        self, text: str, *, limit: int, offset: int, sort: str, group: bool
    ) -> SearchResults:
        started = time.perf_counter()

        def unusable(notice: str, damaged: bool) -> SearchResults:
            results = SearchResults(
                query=text, sort=sort, offset=offset, limit=limit, stale=True, damaged=damaged
            )
            results.notices.append(notice)
            return results

        results = self._read(
            lambda searcher: searcher.search(
                self.conn, text, limit=limit, offset=offset, sort=sort, group=group
            ),
            unusable,
        )
        results.elapsed = time.perf_counter() - started
        return results

    def thread_hits(self, text: str, post_id: str) -> ThreadHits:
        """The items of one thread that ``text`` matches, in reading order, with the character
        spans of their matched words (see ``Searcher.thread_hits``); never raises."""

        def unusable(notice: str, damaged: bool) -> ThreadHits:
            return ThreadHits(post_id, text, notices=[notice], stale=True, damaged=damaged)

        return self._read(lambda searcher: searcher.thread_hits(self.conn, text, post_id), unusable)

    def _read(self, answer: Callable[[Searcher], _A], unusable: Callable[[str, bool], _A]) -> _A:
        """``answer(searcher)``, or ``unusable(notice, damaged)`` when there is no usable
        index or it failed while answering (noted, so the next check rebuilds it).  A newer
        generation that replaced files under the searcher is simply read again."""
        for attempt in (1, 2):
            searcher = self._open_searcher()
            if searcher is None:
                if self._damage_note(latest_generation(self.folder)):
                    return unusable("The search index is damaged; it is being rebuilt.", True)
                return unusable("The search index is not built yet; it is being built.", False)
            try:
                found = answer(searcher)
            except Exception as exc:
                self._reset_searcher()
                if attempt == 1 and latest_generation(self.folder) != searcher.generation:
                    continue  # a newer generation replaced files under us: read that one
                if not isinstance(exc, STORAGE_FAILURES) and self._files_intact(
                    searcher.generation
                ):
                    raise  # the files are as written: a fault in the code, which a rebuild hides
                reason = f"the index failed while searching ({type(exc).__name__})"
                self._note_damage(searcher.generation, reason)
                return unusable(
                    f"The search index is damaged ({type(exc).__name__}); it is being rebuilt.",
                    True,
                )
            if source.change_stamp(self.conn) != searcher.stamp:
                found.stale = True
                found.notices.append(CATCHING_UP)
            return found
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._reset_searcher()


if __name__ == "__main__":  # python -m reader.search.index merge FOLDER (see schedule_merge)
    if len(sys.argv) == 3 and sys.argv[1] == "merge":
        _merge_quietly(Path(sys.argv[2]))
