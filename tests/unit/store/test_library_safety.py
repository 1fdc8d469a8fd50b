"""Opening a library safely: damage named, no new library over an old one, read-only use, the
writer lock, backups, and user data that never waits (issue 14, findings 2-6)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from reader.annotate import store
from reader.errors import LibraryDamaged, LibraryReadOnly, LibraryTooNew, ReaderError
from reader.formats.blogtext_write import render_post
from reader.model import ParsedComment, ParsedPost
from reader.paths import LibraryPaths
from reader.store import Library, backup, health
from reader.store.lock import LibraryLock, describe_holder


def write_dump(path: Path, title: str = "A Post", comments: int = 3) -> Path:
    post = ParsedPost(
        dt.date(2020, 6, 1),
        title,
        "Body of the post, with words to find.",
        comments,
        [ParsedComment(f"Comment number {n}, saying something.") for n in range(comments)],
    )
    path.write_text(render_post(post), encoding="utf-8")
    return path


@pytest.fixture
def filled(library_dir: Path, tmp_path: Path) -> Path:
    with Library.open(library_dir) as lib:
        assert lib.import_file(write_dump(tmp_path / "a.txt")).ok
        post_id = lib.post_summaries()[0].id
        store.add_annotation_by_quote(lib.conn, post_id, "words to find", note="n")
    return library_dir


# -- finding 2: a damaged database says which file and what to run --------------------------------


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda data: data[: len(data) // 2], "cut short"),
        (lambda data: b"\0" * 100 + data[100:], "zeros"),
        (lambda data: b"garbage!" * 20 + data[160:], "not an SQLite database"),
    ],
    ids=["truncated", "zeroed header", "garbled header"],
)
def test_a_damaged_database_names_the_file_and_the_repair(filled: Path, damage, words) -> None:
    db = filled / "library.sqlite"
    db.write_bytes(damage(db.read_bytes()))
    with pytest.raises(LibraryDamaged) as raised:
        Library.open(filled)
    message = str(raised.value)
    assert str(db) in message and words in message and "archive-reader" in message
    assert "repair" in message and "\n" not in message


def test_damage_met_mid_way_is_diagnosed_by_file(filled: Path) -> None:
    paths = LibraryPaths.resolve(filled)
    data = bytearray(paths.user_data.read_bytes())
    data[len(data) // 2 :] = os.urandom(len(data) - len(data) // 2)
    paths.user_data.write_bytes(bytes(data))
    line = health.diagnose(paths, sqlite3.DatabaseError("database disk image is malformed"))
    assert "user-data file" in line and str(paths.user_data) in line and "repair" in line


def test_a_foreign_database_is_not_taken_for_a_library(library_dir: Path) -> None:
    library_dir.mkdir(parents=True)
    conn = sqlite3.connect(library_dir / "library.sqlite")
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(LibraryDamaged, match="not an Archive Reader library"):
        Library.open(library_dir)


def test_a_library_from_a_newer_version_is_left_alone(filled: Path) -> None:
    conn = sqlite3.connect(filled / "library.sqlite")
    conn.execute("INSERT INTO migrations VALUES ('099_from_the_future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(LibraryTooNew, match="newer version"):
        Library.open(filled)


# -- finding 3: a missing or empty database is not a new library ----------------------------------


@pytest.mark.parametrize("how", ["empty", "missing"])
def test_a_lost_database_in_a_used_folder_is_not_a_new_library(filled: Path, how: str) -> None:
    db = filled / "library.sqlite"
    if how == "empty":
        db.write_bytes(b"")
    else:
        db.unlink()
    with pytest.raises(LibraryDamaged, match="holds a library") as raised:
        Library.open(filled)
    assert "repair" in str(raised.value)
    assert not db.exists() or db.stat().st_size == 0  # nothing was written over it


def test_only_an_empty_folder_becomes_a_new_library(library_dir: Path) -> None:
    library_dir.mkdir(parents=True)
    (library_dir / "library.sqlite").write_bytes(b"")  # alone: a crash while creating it
    with Library.open(library_dir) as lib:
        assert lib.is_empty() and not lib.read_only


# -- finding 4: read-only libraries ---------------------------------------------------------------


def test_a_read_only_library_reads_and_refuses_writes(filled: Path, tmp_path: Path) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in filled.iterdir() if p.is_file()}
    with Library.open(filled, read_only=True) as lib:
        assert lib.read_only
        post_id = lib.post_summaries()[0].id
        assert lib.thread(post_id).comments and lib.stats()["posts"] == 1
        assert store.list_annotations(lib.conn)[0].note == "n"
        with pytest.raises(LibraryReadOnly, match=f"the library at {filled} is read-only"):
            lib.import_file(write_dump(tmp_path / "b.txt", "Other"))
        with pytest.raises(LibraryReadOnly, match="read-only"):
            store.add_bookmark(lib.conn, post_id)
        with pytest.raises(LibraryReadOnly, match="read-only"):
            lib.mark_thread_read(post_id)
    after = {p.name: p.stat().st_mtime_ns for p in filled.iterdir() if p.is_file()}
    assert {k: v for k, v in after.items() if k in before} == before


def test_a_read_only_library_without_user_data_still_opens(filled: Path) -> None:
    (filled / "userdata.sqlite").unlink()
    with Library.open(filled, read_only=True) as lib:
        assert store.list_annotations(lib.conn) == [] and lib.stats()["posts"] == 1


# -- findings 5 and 6: one writer at a time, readers never wait -----------------------------------


def test_a_second_writer_waits_naming_the_first_then_goes_on(filled: Path) -> None:
    paths = LibraryPaths.resolve(filled)
    messages: list[str] = []
    first = LibraryLock(paths.lock, "the import")
    first.acquire()
    assert describe_holder(paths.lock) == f"the import in process {os.getpid()}"
    got = threading.Event()

    def second() -> None:
        with LibraryLock(paths.lock, "another import", on_wait=messages.append):
            got.set()

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    assert not got.is_set()
    assert messages == [f"waiting for the import in process {os.getpid()}…"]
    first.release()
    thread.join(5)
    assert got.is_set()


def test_opening_a_library_never_waits_for_a_writer(filled: Path) -> None:
    """The 5.9 s search: opening wrote (migrations) and so waited for the import's lock."""
    writer = sqlite3.connect(filled / "library.sqlite", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE meta SET value = value WHERE key = 'change_stamp'")
    try:
        started = time.perf_counter()
        with Library.open(filled) as lib:
            lib.post_summaries()
            lib.thread(lib.post_summaries()[0].id)
        assert time.perf_counter() - started < 0.5  # typically ~10 ms; waiting would be 30 s
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_user_data_writes_never_wait_for_the_library_lock(filled: Path) -> None:
    """Highlights and read marks go to their own file: held library lock or not."""
    writer = sqlite3.connect(filled / "library.sqlite", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE meta SET value = value WHERE key = 'change_stamp'")
    try:
        with Library.open(filled) as lib:
            post_id = lib.post_summaries()[0].id
            started = time.perf_counter()
            store.add_annotation_by_quote(lib.conn, post_id, "Body", note="while importing")
            store.add_bookmark(lib.conn, post_id)
            lib.mark_thread_read(post_id)
            assert time.perf_counter() - started < 0.1
    finally:
        writer.execute("ROLLBACK")
        writer.close()


# -- backups ---------------------------------------------------------------------------------------


def test_a_backup_at_most_daily_before_an_import_five_kept(filled: Path, tmp_path: Path) -> None:
    paths = LibraryPaths.resolve(filled)
    with Library.open(filled) as lib:
        assert backup.list_backups(paths) == []  # an empty library had nothing to back up
        lib.import_file(write_dump(tmp_path / "b.txt", "Second"))
        assert len(backup.list_backups(paths)) == 1  # before the first import of the day
        lib.import_file(write_dump(tmp_path / "c.txt", "Third"))
        assert len(backup.list_backups(paths)) == 1  # not twice in a day
        for _ in range(6):
            backup.take(lib.conn, paths)
    found = backup.list_backups(paths)
    assert len(found) == 5 and all(b.user_data for b in found)
    conn = sqlite3.connect(found[0].library)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert conn.execute("SELECT count(*) FROM posts").fetchone() == (3,)
    conn.close()
    assert not backup.due(paths)
    assert backup.due(paths, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1, minutes=1))


def test_a_backup_that_cannot_be_written_leaves_nothing(filled: Path, monkeypatch) -> None:
    paths = LibraryPaths.resolve(filled)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    with Library.open(filled) as lib:
        monkeypatch.setattr(backup.os, "replace", full)
        with pytest.raises(ReaderError, match=r"cannot write a backup.*No space left"):
            backup.take(lib.conn, paths)
    assert not list(paths.backups.glob("*.partial"))
    assert len(backup.list_backups(paths)) == 0
