"""Building a whole index from the store, on several cores when it is big enough to pay.

Each worker process opens its own read-only connection, reads a share of the rows (rowid
ranges fixed before it starts, so rows imported meanwhile are left to the next incremental
update) and writes complete segments with ``FastSegmentWriter``; the parent only collects the
finished segments and commits them in one table of contents.  Workers are started with
"spawn", never "fork": forking a process that has Qt or SQLite threads running is unsafe.

Progress arrives from the workers through a queue; cancelling drops a file the workers check
every few hundred documents, and the half-built folder is thrown away by the caller.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import pickle
import queue
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage

from reader.search import source
from reader.search.analysis import choose_common
from reader.search.schema import make_schema
from reader.search.segment_writer import MAX_SEGMENT_POSTINGS, FastSegmentWriter
from reader.search.whoosh_storage import open_folder

log = logging.getLogger(__name__)
ProgressFn = Callable[[float | None, str], None]
PARALLEL_MIN_DOCS = 5_000
COMMON_SAMPLE = 3_000
"""Documents read to choose the index's common words (``analysis.choose_common``)."""
CANCEL_FILE = "CANCELLED"
_CHECK_EVERY = 500


class BuildCancelled(Exception):
    """The caller's cancel flag was set; the folder being built is incomplete."""


class BuildFailed(Exception):
    """A worker process failed; the message holds its traceback."""


def default_procs() -> int:
    """Worker processes for a full rebuild: every core, at most four (memory grows with each)."""
    override = os.environ.get("ARCHIVE_READER_INDEX_PROCS")
    if override and override.isdigit():
        return max(1, int(override))
    return max(1, min(4, os.cpu_count() or 1))


Task = tuple[str, int, int]  # table, first rowid, last rowid


def _open_readonly(database: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    conn.execute("PRAGMA query_only=1")
    return conn


def build_segments(
    folder: Path,
    database: Path,
    tasks: list[Task],
    report: Callable[[int], None],
    max_postings: int = MAX_SEGMENT_POSTINGS,
) -> list[Any]:
    """Index the rows of ``tasks`` into new segments of the index in ``folder``; return them
    (not yet committed).  ``report(n)`` is called with documents done since the last call and
    may raise to stop."""
    ix = open_folder(str(folder))
    conn = _open_readonly(database)
    segments = []
    writer = FastSegmentWriter(ix, _lk=False, shared_temp=True)
    done = 0
    try:
        conn.execute("BEGIN")  # one snapshot for all reads of this worker
        for table, start, end in tasks:
            for doc in source.docs_in_range(conn, table, start, end):
                writer.add_document(**doc)
                done += 1
                if done % _CHECK_EVERY == 0:
                    report(_CHECK_EVERY)
                if writer.posting_count >= max_postings:
                    segments.append(writer._finalize_segment())
                    writer._finish()
                    writer = FastSegmentWriter(ix, _lk=False, shared_temp=True)
                    # A finished writer is a reference cycle (with its codec and per-document
                    # writer) holding its buffers; the workers run with the collector off, so
                    # without this each segment's garbage stays: 340 MB per worker instead of
                    # 120 MB for a 300 MB library (issue 14's memory bound).
                    gc.collect()
        if writer._added:
            segments.append(writer._finalize_segment())
            writer._finish()
        else:
            writer.cancel()
        report(done % _CHECK_EVERY)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    finally:
        conn.close()
    return segments


def _worker_main(argv: list[str]) -> int:
    """Entry point of a worker process (``python -m reader.search.build ARGS``).

    Prints ``progress N`` lines on stdout as it goes, pickles its finished segments to the
    file named in its arguments, and exits 0; 3 when cancelled; 1 on error (traceback on
    stderr).
    """
    # No reference cycles are made while indexing, and the collector would scan the millions
    # of posting lists held for a segment again and again (measured: an eighth of the build).
    gc.disable()
    args = json.loads(argv[0])
    folder = Path(args["folder"])
    cancel_file = folder / CANCEL_FILE

    def report(count: int) -> None:
        print(f"progress {count}", flush=True)
        if cancel_file.exists():
            raise BuildCancelled

    try:
        tasks = [tuple(task) for task in args["tasks"]]
        segments = build_segments(
            folder,
            Path(args["database"]),
            tasks,
            report,
            int(args.get("max_postings", MAX_SEGMENT_POSTINGS)),
        )
        with open(args["output"], "wb") as handle:
            pickle.dump(segments, handle)
    except BuildCancelled:
        return 3
    return 0


def plan(conn: sqlite3.Connection, procs: int) -> list[list[Task]]:
    """Split posts and comments into ``procs`` shares of about equal size."""
    post_ranges = source.rowid_ranges(conn, "posts", procs)
    comment_ranges = source.rowid_ranges(conn, "comments", procs)
    shares: list[list[Task]] = [[] for _ in range(procs)]
    for index, (start, end) in enumerate(post_ranges):
        shares[index % procs].append(("posts", start, end))
    for index, (start, end) in enumerate(comment_ranges):
        shares[(procs - 1 - index) % procs].append(("comments", start, end))
    return [share for share in shares if share]


def build(
    folder: Path,
    database: Path,
    total: int,
    *,
    progress: ProgressFn | None = None,
    cancel: Any = None,
    procs: int | None = None,
) -> int:
    """Create a complete index in the empty ``folder`` from the store at ``database``;
    returns the number of documents written.  Raises ``BuildCancelled``/``BuildFailed``."""
    procs = procs or default_procs()
    if total < PARALLEL_MIN_DOCS:
        procs = 1
    conn = _open_readonly(database)
    try:
        shares = plan(conn, procs)
        common = choose_common(source.sample_texts(conn, COMMON_SAMPLE))
    finally:
        conn.close()
    ix = FileStorage(str(folder), supports_mmap=False).create_index(make_schema(common))
    label = "Building the search index"
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(min(1.0, done / total) if total else None, label)
        if cancel is not None and cancel.is_set():
            raise BuildCancelled

    if progress is not None:
        progress(0.0, label)
    segments = None
    if len(shares) > 1:
        try:
            segments = _build_parallel(folder, database, shares, advance)
        except BuildFailed as exc:
            # Worker processes cannot start everywhere (a frozen app has no "python -m");
            # one process is slower but always works.
            log.warning("parallel index build failed, building in one process: %s", exc)
            done = 0
            (folder / CANCEL_FILE).unlink(missing_ok=True)
    if segments is None:
        everything = [task for share in shares for task in share]
        segments = build_segments(folder, database, everything, advance)
    writer = FastSegmentWriter(ix)
    writer.commit(mergetype=lambda _writer, existing: existing + segments)
    shutil.rmtree(folder / f"{ix.indexname}.tmp", ignore_errors=True)
    if progress is not None:
        progress(1.0, label)
    return done


def _build_parallel(
    folder: Path, database: Path, shares: list[list[Task]], advance: Callable[[int], None]
) -> list[Any]:
    """Run one worker process per share and collect their segments.

    Workers are plain ``python -m`` subprocesses rather than ``multiprocessing``: "fork" is
    unsafe in a process with Qt or SQLite threads, and "spawn" re-runs the caller's main
    script in each worker.
    """
    events: queue.Queue[tuple[int, str]] = queue.Queue()
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    workers: list[subprocess.Popen[str]] = []
    outputs: list[Path] = []
    for number, share in enumerate(shares):
        output = folder / f"segments-{number}.pickle"
        outputs.append(output)
        arguments = json.dumps(
            {
                "folder": str(folder),
                "database": str(database),
                "tasks": share,
                "output": str(output),
                # the postings held in memory are a budget for the whole build, not for each
                # worker: two workers each hold half (issue 14: <= 400 MB over all processes)
                "max_postings": MAX_SEGMENT_POSTINGS // len(shares),
            }
        )
        try:
            worker = subprocess.Popen(
                [sys.executable, "-m", "reader.search.build", arguments],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                text=True,
            )
        except OSError as exc:
            for started in workers:
                started.kill()
                started.wait()
            raise BuildFailed(f"cannot start a worker process ({exc})") from exc
        workers.append(worker)
        threading.Thread(target=_pump, args=(number, worker, events), daemon=True).start()
    cancelled = False
    running = len(workers)
    try:
        while running:
            try:
                _number, line = events.get(timeout=0.2)
            except queue.Empty:
                line = "progress 0"
            if line == "exit":
                running -= 1
                continue
            count = int(line.split()[1]) if line.startswith("progress ") else 0
            if not cancelled and not _advance_or_cancel(advance, count, folder):
                cancelled = True
    except BaseException:
        (folder / CANCEL_FILE).touch()
        raise
    finally:
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    if cancelled or any(worker.returncode == 3 for worker in workers):
        raise BuildCancelled
    failed = [worker for worker in workers if worker.returncode != 0]
    if failed:
        raise BuildFailed(failed[0].stderr.read() if failed[0].stderr else "worker failed")
    segments: list[Any] = []
    for output in outputs:
        with open(output, "rb") as handle:
            segments.extend(pickle.load(handle))
        output.unlink()
    return segments


def _pump(number: int, worker: subprocess.Popen[str], events: queue.Queue[tuple[int, str]]) -> None:
    """Forward a worker's stdout lines to the parent's queue, then an ``exit`` event."""
    assert worker.stdout is not None
    for line in worker.stdout:
        events.put((number, line.strip()))
    worker.wait()
    events.put((number, "exit"))


def _advance_or_cancel(advance: Callable[[int], None], count: int, folder: Path) -> bool:
    """Report progress; on cancellation tell the workers to stop and return False."""
    try:
        advance(count)
    except BuildCancelled:
        (folder / CANCEL_FILE).touch()
        return False
    return True


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))
