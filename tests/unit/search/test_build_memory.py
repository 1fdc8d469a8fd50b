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


def test_the_window_import_gives_its_page_cache_back_before_indexing(library, tmp_path) -> None:
    """The window's import worker runs ``SearchUi.after_import`` with its library:
    the same release as the CLI's (``update_after_import``)."""
    from reader.ui.searchbar import SearchUi

    dump = tmp_path / "dump.txt"
    dump.write_text("Sunday, 7 March 2021\nA title\nA body.\n0 comments:\n", encoding="utf-8")
    assert library.import_file(dump).ok

    class Ctx:
        progress = staticmethod(lambda *_a: None)
        cancel = None

    assert SearchUi.after_import(None, library, [], Ctx()) is None  # type: ignore[arg-type]
    assert library.conn.execute("PRAGMA cache_size").fetchone()[0] == -2000
