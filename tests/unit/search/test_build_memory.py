"""Finding 7 (issue 14): the index build after an import stays within a memory budget summed
over every process (the real figure comes from ``bench/import.py --rss-tree``)."""

from __future__ import annotations

import json

import pytest

from reader.search import build as whoosh_build
from reader.search.segment_writer import MAX_SEGMENT_POSTINGS


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_the_postings_budget_is_shared_by_the_workers(tmp_path, monkeypatch, workers) -> None:
    started: list[dict] = []

    def popen(command, **_kwargs):
        started.append(json.loads(command[-1]))
        raise OSError("not starting it in a test")

    monkeypatch.setattr(whoosh_build.subprocess, "Popen", popen)
    shares = [[("comments", n * 10, n * 10 + 9)] for n in range(workers)]
    with pytest.raises(whoosh_build.BuildFailed):
        whoosh_build._build_parallel(tmp_path, tmp_path / "db", shares, lambda _n: None)
    assert started[0]["max_postings"] == MAX_SEGMENT_POSTINGS // workers


def test_the_import_gives_its_page_cache_back_before_indexing(library, tmp_path) -> None:
    """The CLI and the window both catch the index up through ``update_after_import``, which
    gives the import's page cache back first; the next import takes it again."""
    from reader.search import update_after_import

    dump = tmp_path / "dump.txt"
    dump.write_text("Sunday, 7 March 2021\nA title\nA body.\n0 comments:\n", encoding="utf-8")
    assert library.conn.execute("PRAGMA cache_size").fetchone()[0] == -65536
    assert library.import_file(dump).ok
    update_after_import(library)
    assert library.conn.execute("PRAGMA cache_size").fetchone()[0] == -2000
    library.import_file(dump)
    assert library.conn.execute("PRAGMA cache_size").fetchone()[0] == -65536


def test_the_post_commit_step_gives_the_page_cache_back_before_indexing(library, tmp_path) -> None:
    """The window runs ``bring_up_to_date`` on its writer thread, with the library its imports
    used (``reader.ui.post_commit``), as the CLI does after a command: the same release."""
    from reader.derived import bring_up_to_date

    dump = tmp_path / "dump.txt"
    dump.write_text("Sunday, 7 March 2021\nA title\nA body.\n0 comments:\n", encoding="utf-8")
    result = library.import_file(dump)
    assert result.ok
    assert library.conn.execute("PRAGMA cache_size").fetchone()[0] == -65536
    assert bring_up_to_date(library, result.changes).index is not None
    assert library.conn.execute("PRAGMA cache_size").fetchone()[0] == -2000


def test_finished_segments_leave_no_garbage_with_the_collector_off(
    seeded_library, tmp_path
) -> None:
    """Build workers run with the collector off (it would scan millions of postings again and
    again); each finished segment writer is a reference cycle holding its buffers, so the
    build collects after each one.  Without that a 300 MB library's workers reached 340 MB
    each instead of 120 MB."""
    import gc

    from whoosh.filedb.filestore import FileStorage

    from reader.search.build import build_segments
    from reader.search.schema import make_schema

    folder = tmp_path / "index"
    folder.mkdir()
    FileStorage(str(folder)).create_index(make_schema())
    database = seeded_library.paths.database
    seeded_library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tasks = [("posts", 0, 10**9), ("comments", 0, 10**9)]
    gc.collect()
    gc.disable()
    try:
        segments = build_segments(folder, database, tasks, lambda _n: None, 2_000)
        garbage = gc.collect()
    finally:
        gc.enable()
    assert len(segments) >= 5
    assert garbage < 1_000, f"{garbage} objects of cyclic garbage after {len(segments)} segments"
