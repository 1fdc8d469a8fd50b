"""The index heals itself: damage, foreign indexes, kill -9 at every step of a write, and
background merges that never lose a deletion."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader import cli
from reader.search import open_index
from reader.search.index_generations import latest_generation
from reader.search.query import parse_query
from reader.search.whoosh_storage import CHECKED_WHOOSH_VERSIONS, whoosh_version
from unit.search.searchlib import BruteForce, make_library

REPO = Path(__file__).resolve().parents[3]
QUERY = "probation OR officer*"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated library with its index built (tests get copies)."""
    folder = tmp_path_factory.mktemp("heal") / "library"
    library = make_library(folder, posts=25, seed=9)
    index = open_index(library)
    assert index.rebuild().fresh
    index.close()
    library.close()
    return folder


@pytest.fixture
def folder(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "library"
    shutil.copytree(template, target)
    return target


def truth(folder: Path, text: str = QUERY) -> set[str]:
    from reader.store import Library

    with Library.open(folder) as library:
        return BruteForce(library.conn).search(parse_query(text))


def search_cli(folder: Path, capsys, text: str = QUERY) -> set[str]:
    """``archive-reader search TEXT --json`` in this process: what a user's next run gets."""
    capsys.readouterr()
    assert cli.main(["--library", str(folder), "search", text, "--json", "--limit", "100000"]) == 0
    hits = json.loads(capsys.readouterr().out)
    return {h["comment_id"] or h["post_id"] for h in hits}


def index_files(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "search-index").iterdir())


def test_the_checked_whoosh_version_is_installed() -> None:
    """The storage seam relies on whoosh internals checked only for these releases: fail
    loudly on any other (then check the lists in ``whoosh_storage`` and ``index_generations``
    and extend the pin)."""
    assert whoosh_version()[:3] in CHECKED_WHOOSH_VERSIONS, (
        f"whoosh-reloaded {whoosh_version()} is not a checked version: read the internals listed"
        " in reader/search/whoosh_storage.py and index_generations.py against it before adding it"
    )


def test_every_file_truncated_deleted_or_corrupted_is_healed(template: Path, tmp_path, capsys):
    expected = truth(template)
    assert expected
    names = index_files(template)
    assert len(names) >= 6
    for name in names:
        for damage in ("truncate", "delete", "corrupt", "corrupt-same-time"):
            folder = tmp_path / f"{name}-{damage}"
            shutil.copytree(template, folder)
            path = folder / "search-index" / name
            data = path.read_bytes()
            stat = path.stat()
            if damage == "truncate":
                path.write_bytes(data[: len(data) // 2])
            elif damage == "delete":
                path.unlink()
            else:
                middle = len(data) // 2
                junk = bytes((b + 97) % 256 for b in data[middle : middle + 16])
                path.write_bytes(data[:middle] + junk + data[middle + 16 :])
                if damage == "corrupt-same-time":  # rewritten in place, time put back
                    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            assert search_cli(folder, capsys) == expected, (name, damage)
            assert search_cli(folder, capsys) == expected, (name, damage, "second run")
            shutil.rmtree(folder)


def test_damage_found_while_searching_is_remembered_and_rebuilt(folder: Path) -> None:
    """A block damaged in place with its time put back passes the cheap check; the search that
    trips on it says so, and every later check rebuilds it instead of failing again."""
    from reader.store import Library

    expected = truth(folder, "the")
    biggest = max((folder / "search-index").glob("*.pst"), key=lambda p: p.stat().st_size)
    stat = biggest.stat()
    data = bytearray(biggest.read_bytes())
    for spot in range(40, len(data) - 40, 97):
        data[spot] ^= 0x5A
    biggest.write_bytes(bytes(data))
    os.utime(biggest, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with Library.open(folder) as library:
        index = open_index(library)
        assert index.check().fresh  # sizes and times agree
        results = index.search("the", limit=100000)
        assert results.damaged and "damaged" in results.notices[0]
        assert index.check().state == "corrupt"
        again = open_index(library)  # another process, later
        assert again.check().state == "corrupt"
        assert again.ensure_fresh().fresh
        assert {h.item_id for h in again.search("the", limit=100000).hits} == expected
        index.close()
        again.close()


def test_an_index_written_by_stock_whoosh_is_rebuilt_not_misread(folder: Path, capsys) -> None:
    from whoosh import index as whoosh_index

    from reader.search.whoosh_storage import open_folder

    ix = open_folder(folder / "search-index")
    writer = ix.writer()  # whoosh's own writer and codec, on our schema
    writer.add_document(ref=b"cstock pstock 2020-01-01", kind="comment", body="probation")
    writer.commit(merge=False)
    assert search_cli(folder, capsys) == truth(folder)

    shutil.rmtree(folder / "search-index")
    (folder / "search-index").mkdir()
    from whoosh.fields import ID, TEXT, Schema

    other = whoosh_index.create_in(
        str(folder / "search-index"), Schema(id=ID(stored=True), body=TEXT)
    )
    writer = other.writer()
    writer.add_document(id="x", body="probation officer")
    writer.commit()
    from reader.store import Library

    with Library.open(folder) as library:
        status = open_index(library).check()
        assert status.needs_rebuild and "not written by this version" in status.reason
    assert search_cli(folder, capsys) == truth(folder)


def test_an_older_format_is_rebuilt(folder: Path, capsys) -> None:
    from reader.search.index_generations import meta_name

    index_dir = folder / "search-index"
    meta_path = index_dir / meta_name(latest_generation(index_dir))
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "format": "whoosh-1.2.3"}))
    assert search_cli(folder, capsys) == truth(folder)


def _run(folder: Path, code: str, crash_at: str) -> int:
    env = {**os.environ, "ARCHIVE_READER_CRASH_AT": crash_at, "PYTHONPATH": str(REPO)}
    env.pop("ARCHIVE_READER_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-c", code, str(folder)], env=env, capture_output=True, timeout=300
    )
    return proc.returncode


REINDEX = (
    "import sys; from reader.store import Library; from reader.search import open_index\n"
    "with Library.open(sys.argv[1]) as lib: open_index(lib, procs=1).rebuild()\n"
)


@pytest.mark.parametrize("crash_at", ["built", "installing", "before-toc", "after-toc"])
def test_kill_during_reindex_leaves_an_index_that_answers(folder: Path, capsys, crash_at):
    expected = truth(folder)
    before = latest_generation(folder / "search-index")
    assert _run(folder, REINDEX, crash_at) == -9
    from reader.store import Library

    with Library.open(folder) as library:
        index = open_index(library)
        status = index.check()
        assert status.fresh, status  # the old generation or the new, whole either way
        assert {h.item_id for h in index.search(QUERY, limit=100000).hits} == expected
        after = latest_generation(folder / "search-index")
        assert after == (before + 1 if crash_at == "after-toc" else before)
        index.close()
    assert search_cli(folder, capsys) == expected


UPDATE = (
    "import sys; from reader.store import Library; from reader.search import open_index\n"
    "with Library.open(sys.argv[1]) as lib:\n"
    "    post = lib.conn.execute('SELECT id FROM posts LIMIT 1').fetchone()[0]\n"
    "    stamp = lib.change_stamp() + 1\n"
    "    lib.conn.execute('BEGIN')\n"
    "    for n in range(50):\n"
    '        lib.conn.execute("INSERT INTO comments(id, post_id, position, path, text, added_at,'
    " stamp) VALUES (?, ?, ?, ?, 'a probation quokka', 'now', ?)\", [f'ckill{n}', post, 900 + n,"
    " str(900 + n), stamp])\n"
    '    lib.conn.execute("UPDATE posts SET stamp = ? WHERE id = ?", [stamp, post])\n'
    "    lib.conn.execute(\"UPDATE meta SET value = ? WHERE key = 'change_stamp'\", [str(stamp)])\n"
    "    lib.conn.execute('COMMIT')\n"
    "    open_index(lib).update()\n"
)


@pytest.mark.parametrize("crash_at", ["updating", "before-toc", "after-toc"])
def test_kill_during_an_incremental_update_leaves_old_or_new(folder: Path, capsys, crash_at):
    before = latest_generation(folder / "search-index")
    assert _run(folder, UPDATE, crash_at) == -9
    from reader.store import Library

    with Library.open(folder) as library:
        index = open_index(library)
        status = index.check()
        committed = crash_at == "after-toc"
        assert status.state == ("fresh" if committed else "behind"), status
        quokkas = index.search("quokka", limit=1000).total
        assert quokkas == (50 if committed else 0)  # the new index, or the old one
        assert latest_generation(folder / "search-index") == before + committed
        index.close()
    assert search_cli(folder, capsys) == truth(folder)  # caught up, right
    assert len(search_cli(folder, capsys, "quokka")) == 50


def test_updates_add_small_segments_and_a_background_merge_folds_them(folder: Path) -> None:
    from reader.store import Library

    with Library.open(folder) as library:
        index = open_index(library)
        conn = library.conn
        post = conn.execute("SELECT id FROM posts LIMIT 1").fetchone()[0]
        for round_ in range(5):
            stamp = library.change_stamp() + 1
            conn.execute("BEGIN")
            for n in range(20):
                conn.execute(
                    "INSERT INTO comments(id, post_id, position, path, text, added_at, stamp)"
                    " VALUES (?, ?, ?, ?, ?, 'now', ?)",
                    [
                        f"cm{round_}_{n}",
                        post,
                        1000 + 20 * round_ + n,
                        "x",
                        f"merge{round_} probation",
                        stamp,
                    ],
                )
            conn.execute("UPDATE posts SET stamp = ? WHERE id = ?", [stamp, post])
            conn.execute("UPDATE meta SET value = ? WHERE key = 'change_stamp'", [str(stamp)])
            conn.execute("COMMIT")
            assert index.update().fresh
        segments = len(index._open_searcher()._evaluator.segments)  # type: ignore[union-attr]
        assert index.merge_due()

        # A merge written while an update deletes documents of the segments being merged.
        from reader.search.index import merge_plan
        from reader.search.segment_writer import merge_segments

        merged = merge_segments(index.folder, merge_plan)
        assert merged is not None
        gone = [f"cm1_{n}" for n in range(5)]
        conn.execute("BEGIN")
        conn.execute(f"DELETE FROM comments WHERE id IN ({','.join('?' * len(gone))})", gone)
        conn.execute("COMMIT")
        index.update_items(gone)
        lock = index._lock(5)
        try:
            from reader.search.index_generations import read_meta

            meta = read_meta(index.folder, latest_generation(index.folder))
            assert merged.commit(index.folder, index._meta(meta, 0), meta)
        finally:
            lock.release()
        index._reset_searcher()
        after = len(index._open_searcher()._evaluator.segments)  # type: ignore[union-attr]
        assert after < segments
        assert index.search("merge1", limit=100).total == 15  # the deletions survived
        assert {h.item_id for h in index.search(QUERY, limit=100000).hits} == truth(folder)
        assert index.check().fresh
        index.close()


def test_merge_runs_in_the_background_after_a_cli_import(tmp_path: Path, capsys) -> None:
    from unit.search.searchlib import make_posts, write_dump

    folder = tmp_path / "library"
    for number in range(5):
        dump = write_dump(tmp_path / f"d{number}.txt", make_posts(3, seed=40 + number))
        os.environ["ARCHIVE_READER_INDEX_MERGE"] = "inline"
        try:
            assert cli.main(["--library", str(folder), "import", str(dump)]) == 0
        finally:
            del os.environ["ARCHIVE_READER_INDEX_MERGE"]
    from reader.store import Library

    with Library.open(folder) as library:
        index = open_index(library)
        assert index.check().fresh and not index.merge_due()
        segments = len(index._open_searcher()._evaluator.segments)  # type: ignore[union-attr]
        assert segments < 5
        index.close()
    assert search_cli(folder, capsys) == truth(folder)


def test_a_fault_in_the_code_is_not_taken_for_damage(folder: Path, monkeypatch) -> None:
    """An exception while answering from files that are exactly as written is a bug: it is
    raised (the CLI reports an internal error), the index is not marked damaged and nothing is
    rebuilt.  A failure to read the files (OSError and its kind) is damage as before."""
    from reader.search.index import DAMAGED_FILE
    from reader.search.searcher import Searcher
    from reader.store import Library

    def broken(*_args, **_kwargs):
        raise TypeError("a fault in the ranking code")

    with Library.open(folder) as library:
        index = open_index(library)
        assert index.check().fresh
        monkeypatch.setattr(Searcher, "search", broken)
        with pytest.raises(TypeError, match="ranking"):
            index.search("the", limit=10)
        assert not (folder / "search-index" / DAMAGED_FILE).exists()
        assert index.check().fresh

        def unreadable(*_args, **_kwargs):
            raise OSError("Input/output error")

        monkeypatch.setattr(Searcher, "search", unreadable)
        results = index.search("the", limit=10)
        assert results.damaged and "damaged" in results.notices[0]
        assert index.check().state == "corrupt"
        index.close()
