"""Searching a read-only library without its index (``reader.search.scan``).

The scan must find exactly what the index finds: every generated query is answered three ways
(the scan, the brute-force evaluator of ``searchlib``, the index) on the same library, notes,
bookmarks and colours included.  And a read-only library's index is never written: not to
update it, not to rebuild it, not to note that it is damaged.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from reader.annotate import store as annotations
from reader.search import open_index
from reader.search.query import parse_query
from reader.search.scan import NOTICE, scan_search
from reader.store import Library
from unit.search.searchlib import BruteForce, make_library
from unit.search.test_hits_vs_brute_force import MISTAKES, queries

EVERYTHING = 1_000_000


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    """(index, brute force, library): 60 generated posts, a note, a bookmark, a fresh index."""
    folder = tmp_path_factory.mktemp("scan") / "library"
    library = make_library(folder, posts=60, seed=11)
    comment = library.conn.execute(
        "SELECT id FROM comments WHERE length(text) > 20 ORDER BY id LIMIT 1"
    ).fetchone()[0]
    annotations.add_annotation(
        library.conn, comment, 0, 5, colour="green", note="marmalade sandwiches"
    )
    post = library.conn.execute("SELECT id FROM posts ORDER BY id LIMIT 1").fetchone()[0]
    annotations.add_bookmark(library.conn, post)
    index = open_index(library)
    assert index.rebuild().fresh
    yield index, BruteForce(library.conn), library
    index.close()
    library.close()


def scanned(engine, text: str) -> set[str]:
    index, _, library = engine
    results = scan_search(library.conn, text, limit=EVERYTHING, provider=index.provider)
    return {hit.item_id for hit in results.hits}


def indexed(engine, text: str) -> set[str]:
    searcher = engine[0]._open_searcher()
    assert searcher is not None
    return {searcher.doc_id(doc) for doc in searcher.docs(text)}


def check(engine, text: str) -> None:
    found = scanned(engine, text)
    expected = engine[1].search(parse_query(text))
    assert found == expected, (text, parse_query(text).root, sorted(found ^ expected)[:10])


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries())
def test_the_scan_finds_exactly_what_brute_force_finds(engine, text: str) -> None:
    check(engine, text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries(depth=1), MISTAKES)
def test_typing_mistakes_are_repaired_as_the_index_repairs_them(engine, text, mistake) -> None:
    check(engine, text + mistake)


@pytest.mark.parametrize(
    "text",
    [
        "probation*",
        "title:pro*",
        "naiv*",
        '"the wheel"',
        '"officer and the"',
        "保护观察制度",
        "用Python",
        '"保护 观察"',
        "officr~1",
        "probaton~2",
        "is:removed",
        "in:reply probation",
        "date:2019..2020-06 -happy",
    ],
)
def test_words_phrases_cjk_fuzzy_and_filters(engine, text: str) -> None:
    check(engine, text)
    assert scanned(engine, text) == indexed(engine, text), text


@pytest.mark.parametrize(
    "text",
    ["note:marmalade", "note:sandwich*", "is:annotated", "is:bookmarked", "color:green",
     "is:bookmarked OR note:marmalade", "-is:annotated in:comment"],
)  # fmt: skip
def test_notes_bookmarks_and_colours_as_the_index_has_them(engine, text: str) -> None:
    found = scanned(engine, text)
    assert found == indexed(engine, text), text
    if not text.startswith("-"):
        assert found, f"{text} finds what the fixture made"


def test_results_say_the_store_was_searched(engine) -> None:
    results = scan_search(engine[2].conn, "probation", limit=3)
    assert NOTICE in results.notices and results.stale
    assert len(results.hits) == 3 and results.total > 3
    dates = [hit.date for hit in results.hits]
    assert dates == sorted(dates, reverse=True)  # newest first
    grouped = scan_search(engine[2].conn, "probation", limit=2, group=True)
    assert grouped.groups is not None and len(grouped.groups) == 2
    assert grouped.threads == len({h.post_id for h in scan_search(
        engine[2].conn, "probation", limit=EVERYTHING).hits})  # fmt: skip


# -- a read-only library's index is never written ----------------------------------------------


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root, name)
            stat = path.stat()
            found[str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return found


@pytest.fixture
def read_only_copy(engine, tmp_path: Path):
    """A copy of the engine's library, its index then left behind by a new import (and so
    not fresh), opened read-only."""
    folder = tmp_path / "library"
    engine[2].conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(engine[2].paths.root, folder)
    dump = tmp_path / "more.txt"
    dump.write_text(
        "Sunday, 7 March 2021\n\nA later post\n\nAbout zeppelins.\n\nNo comments:\n",
        encoding="utf-8",
    )
    with Library.open(folder) as writable:
        assert writable.import_file(dump).ok
        writable.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    library = Library.open(folder, read_only=True)
    yield library
    library.close()


def test_a_stale_index_of_a_read_only_library_is_searched_around_never_rebuilt(
    read_only_copy: Library,
) -> None:
    index_folder = read_only_copy.paths.search_index
    before = _listing(index_folder.parent)
    index = open_index(read_only_copy)
    try:
        assert index.check().state == "behind"
        assert not index.ensure_fresh().fresh
        assert not index.update().fresh
        assert not index.rebuild().fresh
        assert index.update_items(["anything"]) == 0
        assert index.merge() is False
        results = index.search("zeppelins")
        assert [hit.title for hit in results.hits] == ["A later post"]  # from the store
        assert NOTICE in results.notices
    finally:
        index.close()
    assert _listing(index_folder.parent) == before


def damage_in_place(index_folder: Path) -> None:
    """The biggest postings file garbled with its size and time kept: the cheap check still
    says fresh, reading it fails (as in ``tests/gui/test_search_healing.py``)."""
    biggest = max(index_folder.glob("*.pst"), key=lambda p: p.stat().st_size)
    stat = biggest.stat()
    data = bytearray(biggest.read_bytes())
    for spot in range(40, len(data) - 40, 97):
        data[spot] ^= 0x5A
    biggest.write_bytes(bytes(data))
    os.utime(biggest, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.mark.parametrize("how", ["cut short", "garbled in place"])
def test_a_damaged_index_of_a_read_only_library_is_searched_around_not_noted(
    engine, tmp_path: Path, how: str
) -> None:
    folder = tmp_path / "library"
    engine[2].conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(engine[2].paths.root, folder)
    index_folder = folder / engine[2].paths.search_index.name
    if how == "cut short":
        biggest = max(index_folder.iterdir(), key=lambda p: p.stat().st_size)
        biggest.write_bytes(biggest.read_bytes()[:100])
    else:
        damage_in_place(index_folder)
    with Library.open(folder, read_only=True) as library:
        before = _listing(library.paths.search_index)
        index = open_index(library)
        try:
            assert index.check().fresh == (how == "garbled in place")
            expected = BruteForce(library.conn).search(parse_query("probation officer"))
            results = index.search("probation officer", limit=EVERYTHING)
            assert {hit.item_id for hit in results.hits} == expected
            assert NOTICE in results.notices and not results.damaged
        finally:
            index.close()
        assert _listing(library.paths.search_index) == before


def test_a_fresh_index_of_a_read_only_library_is_used_as_it_is(engine, tmp_path: Path) -> None:
    folder = tmp_path / "library"
    engine[2].conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(engine[2].paths.root, folder)
    with Library.open(folder, read_only=True) as library:
        index = open_index(library)
        try:
            results = index.search("probation")
            assert NOTICE not in results.notices and results.hits
        finally:
            index.close()
