"""``repair``: everything that can come back does (issue 14's "done when")."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from reader.annotate import store
from reader.formats.blogtext_write import render_post
from reader.model import ParsedComment, ParsedPost
from reader.paths import LibraryPaths
from reader.store import Library, backup, pagescan
from reader.store.repair import repair


def make_dump(path: Path, posts: int = 6, comments: int = 40, seed: int = 0) -> Path:
    out = []
    for n in range(posts):
        body = f"Post {n} ({seed}) body. " + "Some words about the service. " * 20
        tree = [
            ParsedComment(f"Comment {c} on post {n} ({seed}): " + "more text here. " * 10,
                          replies=[ParsedComment(f"A reply to {c} on {n}.")] if c % 3 == 0 else [])
            for c in range(comments)
        ]  # fmt: skip
        declared = sum(1 + len(c.replies) for c in tree)
        out.append(ParsedPost(dt.date(2020, 1, 1 + n), f"Title {n} {seed}", body, declared, tree))
    path.write_text("".join(render_post(p) for p in out), encoding="utf-8")
    return path


def library_with_notes(folder: Path, dumps: list[Path]) -> dict:
    """A library with annotations, a bookmark and a read mark; returns what to expect back."""
    with Library.open(folder) as lib:
        for path in dumps:
            assert lib.import_file(path).ok
        posts = lib.post_summaries()
        notes = []
        for summary in posts[:3]:
            thread = lib.thread(summary.id)
            notes.append(
                store.add_annotation_by_quote(
                    lib.conn, thread.id, "the service", note=f"on {thread.id}"
                ).value
            )
            notes.append(
                store.add_annotation_by_quote(
                    lib.conn, thread.comments[5].id, "more text", colour="green"
                ).value
            )
        store.add_bookmark(lib.conn, posts[1].id, "keep")
        deleted = store.add_annotation_by_quote(lib.conn, posts[2].id, "body").value
        store.delete_annotation(lib.conn, deleted.id)
        lib.mark_thread_read(posts[0].id)
        dump = list(lib.dump())
        lib.conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
        lib.conn.execute("PRAGMA user.wal_checkpoint(TRUNCATE)")
    return {"dump": dump, "notes": sorted((a.id, a.item_id, a.exact, a.note) for a in notes)}


def annotations(folder: Path) -> list[tuple]:
    with Library.open(folder) as lib:
        found = store.list_annotations(lib.conn)
        assert all(a.state == "exact" for a in found)
        return sorted((a.id, a.item_id, a.exact, a.note) for a in found)


def truncate_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def test_half_a_library_file_and_everything_comes_back(library_dir: Path, tmp_path: Path) -> None:
    """The issue's "done when": library.sqlite truncated to half; repair brings back every post
    and comment (from the source files still in place) and every annotation."""
    expected = library_with_notes(
        library_dir, [make_dump(tmp_path / "a.txt"), make_dump(tmp_path / "b.txt", seed=1)]
    )
    truncate_half(library_dir / "library.sqlite")
    with pytest.raises(Exception, match="cut short"):
        Library.open(library_dir)
    report = repair(library_dir)
    text = "\n".join(report.lines())
    assert "moved aside" in text and "re-imported 2 source files" in text
    assert "Nothing is missing." in text
    aside = list((library_dir / "damaged").glob("*/library.sqlite"))
    assert len(aside) == 1 and aside[0].stat().st_size > 0  # kept, never deleted
    with Library.open(library_dir) as lib:
        assert list(lib.dump()) == expected["dump"]
        assert lib.thread(lib.post_summaries()[0].id).new_count == 0  # the read mark survived
        assert [b.label for b in store.list_bookmarks(lib.conn)] == ["keep"]
    assert annotations(library_dir) == expected["notes"]
    assert repair(library_dir).lines()[0].endswith("nothing to repair.")


def test_both_files_cut_in_half_every_annotation_back_from_the_journal(
    library_dir: Path, tmp_path: Path
) -> None:
    expected = library_with_notes(library_dir, [make_dump(tmp_path / "a.txt")])
    truncate_half(library_dir / "library.sqlite")
    truncate_half(library_dir / "userdata.sqlite")
    report = repair(library_dir)
    assert "journal:" in "\n".join(report.lines())
    assert annotations(library_dir) == expected["notes"]  # the deleted one stays deleted
    with Library.open(library_dir) as lib:
        assert list(lib.dump()) == expected["dump"]


def test_without_sources_or_backups_the_pages_still_give_rows_back(
    library_dir: Path, tmp_path: Path
) -> None:
    source = make_dump(tmp_path / "a.txt", posts=12)
    library_with_notes(library_dir, [source])
    source.unlink()  # the dump is gone: only the damaged file itself can give text back
    (library_dir / "journal.jsonl").write_text(
        "\n".join(line for line in (library_dir / "journal.jsonl").read_text().splitlines()
                  if '"kind":"source"' not in line) + "\n"
    )  # fmt: skip
    data = bytearray((library_dir / "library.sqlite").read_bytes())
    data[8192 * 5 : 8192 * 7] = os.urandom(8192 * 2)  # two garbled pages
    (library_dir / "library.sqlite").write_bytes(bytes(data))
    report = repair(library_dir)
    text = "\n".join(report.lines())
    assert "source file not found" in text
    with Library.open(library_dir) as lib:
        stats = lib.stats()
        assert stats["posts"] >= 6 and stats["comments"] + stats["replies"] > 100
    assert len(annotations(library_dir)) == 6  # the user-data file was whole


def test_a_missing_database_is_rebuilt_from_the_newest_good_backup(
    library_dir: Path, tmp_path: Path
) -> None:
    a, b = make_dump(tmp_path / "a.txt"), make_dump(tmp_path / "b.txt", seed=1)
    library_with_notes(library_dir, [a])
    with Library.open(library_dir) as lib:
        backup.take(lib.conn, LibraryPaths.resolve(library_dir))
        assert lib.import_file(b).ok
        expected = list(lib.dump())
    b.unlink()
    (library_dir / "library.sqlite").unlink()
    report = repair(library_dir)
    assert report.main_backup is not None
    with Library.open(library_dir) as lib:
        titles = {p["title"] for p in lib.dump()}
    # b's posts came only with the lost file and b.txt is gone: a's are back, from the backup
    assert titles == {p["title"] for p in expected if p["title"].endswith(" 0")}
    assert "source file not found" in "\n".join(report.lines())


def test_a_garbled_user_data_file_is_rebuilt_from_the_journal(
    library_dir: Path, tmp_path: Path
) -> None:
    expected = library_with_notes(library_dir, [make_dump(tmp_path / "a.txt")])
    path = library_dir / "userdata.sqlite"
    path.write_bytes(b"\0" * 4096 + os.urandom(path.stat().st_size - 4096))
    report = repair(library_dir)
    assert [old.name for old, _ in report.moved] == ["userdata.sqlite"]
    assert annotations(library_dir) == expected["notes"]


def test_page_scan_reads_what_select_reads(library_dir: Path, tmp_path: Path) -> None:
    library_with_notes(library_dir, [make_dump(tmp_path / "a.txt")])
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(library_dir / "library.sqlite", copy)
    conn = sqlite3.connect(copy)
    wanted = {row[0]: row[1] for row in conn.execute("SELECT id, text FROM comments")}
    conn.close()
    found = {
        cell.values[0]: cell.values[5]
        for cell in pagescan.PageFile(copy).cells()
        if cell.rowid is not None and len(cell.values) >= 13 and str(cell.values[0]).startswith("c")
    }
    assert found == wanted


def test_the_users_choice_of_text_is_journaled_and_made_again(
    library_dir: Path, tmp_path: Path
) -> None:
    """``revisions use`` is what only the user made: it is in the journal, and a repair that
    rebuilds the library from its backup and sources makes the same choice again."""
    first = make_dump(tmp_path / "a.txt", posts=2, comments=3)
    text = first.read_text(encoding="utf-8")
    body = "Post 0 (0) body. " + "Some words about the service. " * 20
    line = body.strip()
    damaged = tmp_path / "a-later.txt"
    damaged.write_text(text.replace(line, line + "\n" + line, 1), encoding="utf-8")
    with Library.open(library_dir) as lib:
        assert lib.import_file(first).ok
        result = lib.import_file(damaged)  # a backup is taken first: it has no revisions
        [kept] = result.revised
        assert not kept.shown
        lib.use_revision(kept.item_id, kept.number)
        chosen = lib.thread(kept.item_id).body
        assert chosen != line and chosen.count(line) == 2
    journal = (library_dir / "journal.jsonl").read_text(encoding="utf-8")
    assert '"kind":"revision"' in journal and kept.item_id in journal
    (library_dir / "library.sqlite").unlink()
    report = repair(library_dir)
    text = "\n".join(report.lines())
    assert report.main_backup is not None and "re-imported 2 source files" in text
    assert "1 choice(s) of which text to show made again" in text
    with Library.open(library_dir) as lib:
        assert lib.thread(kept.item_id).body == chosen


def test_a_journal_that_cannot_be_written_leaves_the_choice_unmade(
    library_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_dump(tmp_path / "a.txt", posts=1, comments=2)
    text = first.read_text(encoding="utf-8")
    edited = tmp_path / "b.txt"
    edited.write_text(text.replace("Post 0 (0) body.", "Post 0 (0) text."))
    with Library.open(library_dir) as lib:
        assert lib.import_file(first).ok
        [revised] = lib.import_file(edited).revised
        assert revised.shown

        def full(*_args, **_kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr("reader.store.userdata.append_journal", full)
        with pytest.raises(Exception, match="cannot write the journal"):
            lib.use_revision(revised.item_id, 1)
        assert "Post 0 (0) text." in lib.thread(revised.item_id).body  # unchanged
