"""The whoosh index of a library: its freshness, full and incremental updates, and searching.

The index is derived data in ``LibraryPaths.search_index``.  Beside whoosh's files it holds
``reader-index.json``: the format it was built with, the store's change stamp and the number
of documents it reflects (and the annotations provider's stamp).  ``check`` compares these
with the store; anything unreadable or inconsistent means "rebuild", never a crash and never
results silently served from an index that does not match the library.

Writes (rebuild, update, update_items) hold ``search-index.lock`` beside the folder, so two
processes or threads never write at once; a rebuild is made in a sibling folder and swapped in
whole, so a reader always sees a complete index.  Reading needs no lock.  One ``WhooshIndex``
belongs to one thread, like the ``Library`` it was opened with.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh.util.filelock import FileLock, try_for

from reader.errors import ReaderError
from reader.search import build, source
from reader.search.analysis import ANALYSIS_VERSION
from reader.search.results import IndexStatus, SearchResults
from reader.search.schema import SCHEMA_VERSION, open_folder
from reader.search.searcher import Searcher
from reader.search.segment_writer import (
    FastSegmentWriter,
    merge_small_segments,
    replace_documents,
)

META_FILE = "reader-index.json"
FORMAT = f"whoosh-{SCHEMA_VERSION}.{ANALYSIS_VERSION}.3"
REBUILD_FRACTION = 0.3
"""When an import changed more than this share of the library, rebuild (on all cores) rather
than update document by document."""


class IndexBusy(ReaderError):
    """Another process or thread is writing the search index right now."""


class IndexCancelled(ReaderError):
    """Indexing was cancelled; the index is as it was before."""


class WhooshIndex:
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
        self._broken = False

    @property
    def conn(self):
        return self.library.conn

    # -- state -------------------------------------------------------------------------------

    def _read_meta(self) -> dict[str, Any] | None:
        try:
            meta = json.loads((self.folder / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) else None

    def _write_meta(self, folder: Path, stamp: int, docs: int, provider_stamp: Any) -> None:
        meta = {
            "format": FORMAT,
            "stamp": stamp,
            "docs": docs,
            "provider": provider_stamp,
            "written": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "id": uuid.uuid4().hex,
        }
        temp = folder / (META_FILE + ".tmp")
        temp.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(temp, folder / META_FILE)

    def _provider_stamp(self) -> Any:
        if self.provider is None or not hasattr(self.provider, "stamp"):
            return None
        return self.provider.stamp(self.conn)

    def check(self) -> IndexStatus:
        """Compare the index with the store (cheap: two counts and a few small files)."""
        store_stamp = source.change_stamp(self.conn)
        store_docs = source.item_count(self.conn)
        base = {"store_docs": store_docs, "store_stamp": store_stamp}
        if not self.folder.exists():
            return IndexStatus("missing", "there is no search index yet", **base)
        meta = self._read_meta()
        if meta is None:
            return IndexStatus("corrupt", "the index's description is missing or damaged", **base)
        if meta.get("format") != FORMAT:
            return IndexStatus("stale", "the index was built by another version", **base)
        try:
            ix = open_folder(str(self.folder))
            index_docs = ix.doc_count()
        except Exception as exc:
            reason = f"the index cannot be read ({type(exc).__name__})"
            return IndexStatus("corrupt", reason, **base)
        base.update(index_docs=index_docs, index_stamp=int(meta.get("stamp", -1)))
        if self._broken:
            return IndexStatus("corrupt", "the index failed while searching", **base)
        if index_docs != meta.get("docs"):
            return IndexStatus("corrupt", "the index does not match its description", **base)
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
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self._lock_path))
        if not try_for(lock.acquire, timeout=timeout, delay=0.05):
            raise IndexBusy("the search index is being updated by another task; try again soon")
        return lock

    def ensure_fresh(self, progress=None, cancel=None) -> IndexStatus:
        """Bring the index up to date however is cheapest: nothing, an update or a rebuild."""
        status = self.check()
        if status.fresh:
            return status
        if status.needs_rebuild:
            return self.rebuild(progress=progress, cancel=cancel)
        return self.update(progress=progress, cancel=cancel)

    def rebuild(self, progress=None, cancel=None) -> IndexStatus:
        """Build the whole index anew in a sibling folder and swap it in.

        Raises ``IndexCancelled`` (the old index is untouched) or ``IndexBusy``.
        """
        lock = self._lock(timeout=1.0)
        token = uuid.uuid4().hex[:8]
        building = self.folder.with_name(f"{self.folder.name}.new-{token}")
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
            ix = open_folder(str(building))
            if self.provider is not None:
                self._write_docs(ix, self.provider.annotated_items(self.conn), progress, cancel)
            self._write_meta(building, stamp, ix.doc_count(), provider_stamp)
            self._swap_in(building, token)
        finally:
            shutil.rmtree(building, ignore_errors=True)
            lock.release()
        self._broken = False
        self._reset_searcher()
        return self.check()

    def _swap_in(self, building: Path, token: str) -> None:
        old = self.folder.with_name(f"{self.folder.name}.old-{token}")
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self.folder.exists():
            os.replace(self.folder, old)
        os.replace(building, self.folder)
        shutil.rmtree(old, ignore_errors=True)

    def _clean_leftovers(self) -> None:
        """Folders left by an interrupted rebuild (or an open file on Windows)."""
        for path in self.folder.parent.glob(f"{self.folder.name}.*-*"):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)

    def update(self, progress=None, cancel=None) -> IndexStatus:
        """Index exactly what imports changed since the index's stamp (rebuilding instead when
        the index is unusable or most of the library changed)."""
        status = self.check()
        if status.fresh:
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
            meta = self._read_meta() or {}
            if self.provider is not None and meta.get("provider") != provider_stamp:
                ids.extend(self._provided_ids())
                ids.extend(self.provider.annotated_items(conn))
            ix = open_folder(str(self.folder))
            self._write_docs(ix, ids, progress, cancel, known={d["_id"]: d for d in docs})
            self._write_meta(self.folder, stamp, ix.doc_count(), provider_stamp)
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
        meta = self._read_meta()
        if not ids or meta is None or meta.get("format") != FORMAT:
            return 0
        lock = self._lock(timeout=10.0)
        try:
            ix = open_folder(str(self.folder))
            count = self._write_docs(ix, ids, None, None)
            self._write_meta(
                self.folder, int(meta.get("stamp", 0)), ix.doc_count(), meta.get("provider")
            )
        finally:
            lock.release()
        self._reset_searcher()
        return count

    def _write_docs(
        self, ix, ids: Iterable[str], progress, cancel, known: dict[str, dict] | None = None
    ) -> int:
        """Replace (or delete) the documents of ``ids`` in one commit."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return 0
        known = dict(known or {})
        missing = [item for item in ids if item not in known]
        known.update(source.docs_for_ids(self.conn, missing))
        infos: dict[str, Any] = {}
        if self.provider is not None:
            for start in range(0, len(ids), source.BATCH):
                infos.update(self.provider.item_info(self.conn, ids[start : start + source.BATCH]))
        writer = FastSegmentWriter(ix, timeout=5.0)
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
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_small_segments)
        if progress is not None:
            progress(1.0, "Updating the search index")
        return len(ids)

    # -- reading -----------------------------------------------------------------------------

    def _reset_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _open_searcher(self) -> Searcher | None:
        """The open searcher, reopened when the index changed on disk; None if unusable."""
        meta_path = self.folder / META_FILE
        try:
            stat = meta_path.stat()
            signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except OSError:
            self._reset_searcher()
            return None
        if self._searcher is not None and self._searcher.signature == signature:
            return self._searcher
        self._reset_searcher()
        meta = self._read_meta()
        if meta is None or meta.get("format") != FORMAT:
            return None
        try:
            self._searcher = Searcher(self.folder, meta, signature)
        except Exception:
            self._broken = True
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
        the library the results say so (``stale`` and a notice).
        """
        started = time.perf_counter()
        searcher = self._open_searcher()
        if searcher is None:
            results = SearchResults(query=text, sort=sort, stale=True)
            results.notices.append("The search index is not built yet; it is being built.")
        else:
            try:
                results = searcher.search(
                    self.conn, text, limit=limit, offset=offset, sort=sort, group=group
                )
            except Exception as exc:
                self._broken = True
                self._reset_searcher()
                results = SearchResults(query=text, sort=sort, stale=True)
                results.notices.append(
                    f"The search index is damaged ({type(exc).__name__}); it will be rebuilt."
                )
            else:
                if source.change_stamp(self.conn) != searcher.stamp:
                    results.stale = True
                    results.notices.append(
                        "The search index is catching up with recent imports;"
                        " results may be incomplete."
                    )
        results.elapsed = time.perf_counter() - started
        return results

    def close(self) -> None:
        self._reset_searcher()
