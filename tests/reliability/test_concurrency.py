"""Two writers at once, readers during an import, user data written during an import
(findings 5 and 6, and "writes that never wait"): times are measured and printed."""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import time
from pathlib import Path

import pytest

from reader.annotate import store
from reader.store import Library


def holds_library(folder: Path) -> bool:
    """Whether some process's transaction holds the library database's write lock."""
    probe = sqlite3.connect(folder / "library.sqlite", timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    finally:
        if probe.in_transaction:
            probe.execute("ROLLBACK")
        probe.close()
    return False


def wait_for(condition, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_two_imports_into_one_new_library_both_succeed(rel, dumps, tmp_path) -> None:
    """Finding 5: the second waited for the first's lock, never "database is locked"."""
    expected = None
    for run in range(rel.size(3, 10)):
        folder = tmp_path / f"lib-{run}"
        first = rel.start_cli(folder, "import", str(dumps["small"]))
        second = rel.start_cli(folder, "import", str(dumps["other"]))
        results = [proc.communicate(timeout=300) for proc in (first, second)]
        for proc, (_out, err) in zip((first, second), results, strict=True):
            assert proc.returncode == 0, err
            assert "locked" not in err and "internal error" not in err, err
        with Library.open(folder) as lib:
            titles = sorted(p["title"] for p in lib.dump())
        expected = expected or titles
        assert titles == expected and len(titles) == 20
        rel.COUNTS["concurrent first imports"] += 2


def test_a_second_import_says_which_process_it_waits_for(rel, dumps, tmp_path) -> None:
    folder = tmp_path / "lib"
    assert rel.cli(folder, "import", str(dumps["small"])).returncode == 0
    first = rel.start_cli(folder, "import", str(dumps["long"]))
    assert wait_for(lambda: holds_library(folder))
    second = rel.cli(folder, "import", str(dumps["other"]))
    first.communicate(timeout=300)
    assert second.returncode == 0, second.stderr
    assert f"waiting for the import in process {first.pid}…" in second.stderr


@pytest.fixture(scope="module")
def busy_library(rel, dumps, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("busy") / "lib"
    assert rel.cli(folder, "import", str(dumps["small"])).returncode == 0
    assert rel.cli(folder, "search", "probation").returncode == 0  # the index exists
    return folder


def test_readers_and_user_writes_never_wait_for_an_import(
    rel, dumps, busy_library, tmp_path, capsys
) -> None:
    """Finding 6 (a search waited 5.9 s) and "writes that never wait": while an import holds
    the library, opening it, reading, searching and writing annotations, bookmarks and read
    marks each finish within 100 ms (median and worst printed)."""
    from reader.search import open_index

    folder = tmp_path / "lib"
    shutil.copytree(busy_library, folder)
    importer = rel.start_cli(folder, "import", str(dumps["long"]))
    assert wait_for(lambda: holds_library(folder)), "the import never started"
    reads: list[float] = []
    writes: list[float] = []
    try:
        for n in range(20):
            started = time.perf_counter()
            with Library.open(folder) as lib:
                summaries = lib.post_summaries()
                lib.thread(summaries[n % len(summaries)].id)
                index = open_index(lib)
                hits = index.search("probation officer", limit=10)
                index.close()
                reads.append(time.perf_counter() - started)
                assert hits.hits
                post_id = summaries[n % len(summaries)].id
                started = time.perf_counter()
                store.add_annotation(lib.conn, post_id, 0, 3, note=f"during import {n}")
                store.add_bookmark(lib.conn, post_id, f"during {n}")
                lib.mark_thread_read(post_id)
                writes.append((time.perf_counter() - started) / 3)
        assert holds_library(folder), "the import ended before the measurements did"
    finally:
        importer.communicate(timeout=300)
    assert importer.returncode == 0
    with capsys.disabled():
        print(
            f"\nduring an import: open+read+search median {statistics.median(reads) * 1000:.0f}"
            f" ms, worst {max(reads) * 1000:.0f} ms; a user-data write median"
            f" {statistics.median(writes) * 1000:.1f} ms, worst {max(writes) * 1000:.1f} ms"
        )
    assert max(writes) < 0.1 and statistics.median(reads) < 0.1
    assert max(reads) < 0.5  # one search may open the index cold
    with Library.open(folder) as lib:
        assert len(store.list_annotations(lib.conn)) == 20
    rel.COUNTS["reads and writes during an import"] += len(reads) + 3 * len(writes)


def test_search_from_the_command_line_during_an_import(
    rel, dumps, busy_library, tmp_path, capsys
) -> None:
    folder = tmp_path / "lib"
    shutil.copytree(busy_library, folder)
    alone_started = time.perf_counter()
    alone = rel.cli(folder, "search", "probation", "--json")
    alone_seconds = time.perf_counter() - alone_started
    importer = rel.start_cli(folder, "import", str(dumps["long"]))
    try:
        assert wait_for(lambda: holds_library(folder))
        started = time.perf_counter()
        during = rel.cli(folder, "search", "probation", "--json")
        seconds = time.perf_counter() - started
        # decisive: the search finished while the import still held the library, so it did
        # not wait for it (in 5.9 s the search had waited for the import to end)
        assert holds_library(folder), "the import ended before the search did"
    finally:
        importer.communicate(timeout=300)
    assert during.returncode == 0 and json.loads(during.stdout) == json.loads(alone.stdout)
    # the time itself is a fresh interpreter's start-up on a machine the import keeps busy
    assert seconds < alone_seconds + 5.0, (seconds, alone_seconds)
    with capsys.disabled():
        print(f"\nCLI search: {alone_seconds:.2f} s alone, {seconds:.2f} s during an import")
