"""The window's side of a self-healing index: found damaged while answering, it is rebuilt in
the background with progress, and the results are shown when it is ready."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.search import open_index
from unit.search.searchlib import make_library


@pytest.fixture
def damaged_library(tmp_path: Path) -> Path:
    """A generated library whose index passes the cheap check but fails when read: its biggest
    postings file damaged in place, its time put back."""
    folder = tmp_path / "library"
    library = make_library(folder, posts=20, seed=4)
    index = open_index(library)
    assert index.rebuild().fresh
    index.close()
    library.close()
    biggest = max((folder / "search-index").glob("*.pst"), key=lambda p: p.stat().st_size)
    stat = biggest.stat()
    data = bytearray(biggest.read_bytes())
    for spot in range(40, len(data) - 40, 97):
        data[spot] ^= 0x5A
    biggest.write_bytes(bytes(data))
    os.utime(biggest, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return folder


def test_a_damaged_index_is_rebuilt_in_the_background_and_the_results_follow(
    make_window, damaged_library: Path, qtbot
) -> None:
    window = make_window(damaged_library)
    search = window.search
    with qtbot.waitSignal(search.index_checked, timeout=60000):
        pass  # the start-up check: sizes and times agree, so the index looks fresh
    shown = []
    search.results_shown.connect(shown.append)
    search.field.setText("the")
    with qtbot.waitSignal(search.index_checked, timeout=60000) as rebuilt:
        search.run_search()
        qtbot.waitUntil(lambda: bool(shown), timeout=20000)
        assert shown[0].damaged and "damaged" in search.summary.text()
    assert rebuilt.args[0].fresh
    qtbot.waitUntil(lambda: len(shown) >= 2, timeout=20000)
    assert not shown[-1].damaged and shown[-1].total > 0
    assert search.model.rowCount() > 0 and "damaged" not in search.summary.text()
