"""The store's promises: idempotent imports, merged overlapping dumps, stable ids, no data loss."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from helpers import dumpgen
from reader.formats.blogtext_write import render_post
from reader.model import ParsedComment, ParsedPost
from reader.store import Library
from reader.store.comment_merge import merge_order

DATE = dt.date(2021, 3, 7)
REMOVED = "This comment has been removed by the author."


def C(text: str, *replies: ParsedComment, removed: bool = False) -> ParsedComment:
    return ParsedComment(text=text, removed=removed, replies=list(replies))


def post(
    title: str,
    comments: list[ParsedComment] | None,
    body: str = "Body text.\n\nMore.",
    date: dt.date = DATE,
) -> ParsedPost:
    declared = None if comments is None else sum(1 + len(c.replies) for c in comments)
    return ParsedPost(
        date=date, title=title, body=body, declared_comments=declared, comments=comments
    )


def write(path: Path, *posts: ParsedPost) -> Path:
    path.write_text("".join(render_post(p) for p in posts), encoding="utf-8")
    return path


def snapshot(library: Library) -> list[dict]:
    return list(library.dump())


def ids_of(tree: list[dict]) -> list[str]:
    out: list[str] = []
    for comment in tree:
        out.append(comment["id"])
        out.extend(ids_of(comment["replies"]))
    return out


def test_same_dump_twice_changes_nothing(library: Library, tmp_path: Path) -> None:
    dump = write(tmp_path / "a.txt", post("First", [C("One", C("Reply")), C("Two")]))
    first = library.import_file(dump)
    assert first.ok and first.changed and first.comments_new == 3
    before = snapshot(library)
    stamp = library.change_stamp()
    second = library.import_file(dump)
    assert second.ok and not second.changed
    assert second.comments_new == 0 and second.posts_merged == 1
    assert snapshot(library) == before
    assert library.change_stamp() == stamp
    assert library.stats()["sources"] == 1


def test_identical_siblings_stay_two_with_stable_ids(library: Library, tmp_path: Path) -> None:
    dump = write(tmp_path / "a.txt", post("Agreeing", [C("Agreed."), C("Agreed."), C("No.")]))
    library.import_file(dump)
    comments = snapshot(library)[0]["comments"]
    assert [c["text"] for c in comments] == ["Agreed.", "Agreed.", "No."]
    assert len(set(ids_of(comments))) == 3
    library.import_file(dump)
    assert ids_of(snapshot(library)[0]["comments"]) == ids_of(comments)


def test_ids_do_not_depend_on_comment_numbers(library: Library, tmp_path: Path) -> None:
    old = write(tmp_path / "old.txt", post("T", [C("gone soon"), C("stays", C("its reply"))]))
    new = write(tmp_path / "new.txt", post("T", [C("stays", C("its reply"))]))
    library.import_file(old)
    before = {c["text"]: c["id"] for c in snapshot(library)[0]["comments"]}
    result = library.import_file(new)
    assert result.comments_vanished == 1 and result.comments_new == 0
    after = snapshot(library)[0]["comments"]
    assert {c["text"]: c["id"] for c in after} == before
    vanished = [c for c in after if c.get("vanished")]
    assert [c["text"] for c in vanished] == ["gone soon"]  # kept, flagged, never deleted


def test_listing_page_and_post_page_merge(library: Library, tmp_path: Path) -> None:
    listing = write(
        tmp_path / "listing.txt",
        post("Alpha", None, body="Alpha body."),
        post("Beta", None, body="Beta body.", date=dt.date(2021, 3, 6)),
    )
    page = write(
        tmp_path / "page.txt", post("Alpha", [C("First!", C("Second"))], body="Alpha body.")
    )
    assert library.import_file(listing).posts_new == 2
    result = library.import_file(page)
    assert result.posts_new == 0 and result.posts_merged == 1 and result.comments_new == 2
    posts = snapshot(library)
    assert [p["title"] for p in posts] == ["Alpha", "Beta"]
    alpha = posts[0]
    assert alpha["declared_comments"] == 2
    assert [c["text"] for c in alpha["comments"]] == ["First!"]
    assert not alpha["comments"][0].get("new")  # first sight of the comments is not "new"
    assert posts[1]["declared_comments"] is None and posts[1]["comments"] == []
    # and the other way round gives the same post
    other = Library.open(tmp_path / "other")
    other.import_file(page)
    other.import_file(listing)
    assert [p["id"] for p in snapshot(other)] == [p["id"] for p in posts]
    assert snapshot(other)[0]["comments"] == alpha["comments"]
    other.close()


def test_later_dump_adds_exactly_the_new_comments(library: Library, tmp_path: Path) -> None:
    early = write(tmp_path / "early.txt", post("T", [C("a"), C("b")]))
    late = write(tmp_path / "late.txt", post("T", [C("a", C("reply to a")), C("b"), C("c")]))
    library.import_file(early)
    old_ids = ids_of(snapshot(library)[0]["comments"])
    result = library.import_file(late)
    assert result.comments_new == 2 and result.changed_post_ids
    comments = snapshot(library)[0]["comments"]
    assert [c["text"] for c in comments] == ["a", "b", "c"]
    assert ids_of(comments)[0] == old_ids[0]
    new_texts = sorted(c["text"] for c in [*comments, *comments[0]["replies"]] if c.get("new"))
    assert new_texts == ["c", "reply to a"]
    thread = library.thread(snapshot(library)[0]["id"])
    assert [c.path for c in thread.walk_comments()] == ["1", "1.1", "2", "3"]
    read = library.mark_thread_read(thread.id)
    assert read.value == 2 and read.changes.read == {thread.id}
    assert library.stats()["new"] == 0


def test_deletion_placeholder_keeps_the_original(library: Library, tmp_path: Path) -> None:
    early = write(tmp_path / "early.txt", post("T", [C("a"), C("harsh words", C("reply")), C("c")]))
    late = write(
        tmp_path / "late.txt", post("T", [C("a"), C(REMOVED, C("reply"), removed=True), C("c")])
    )
    library.import_file(early)
    before = ids_of(snapshot(library)[0]["comments"])
    result = library.import_file(late)
    assert result.comments_new == 0
    comments = snapshot(library)[0]["comments"]
    assert ids_of(comments) == before
    assert comments[1]["text"] == "harsh words" and comments[1]["removed"] is True
    assert comments[1]["replies"][0]["text"] == "reply"


def test_vanished_comment_keeps_its_place(library: Library, tmp_path: Path) -> None:
    library.import_file(write(tmp_path / "1.txt", post("T", [C("a"), C("b"), C("c")])))
    library.import_file(write(tmp_path / "2.txt", post("T", [C("a"), C("c"), C("d")])))
    comments = snapshot(library)[0]["comments"]
    assert [c["text"] for c in comments] == ["a", "b", "c", "d"]
    assert [bool(c.get("vanished")) for c in comments] == [False, True, False, False]


def test_merge_order() -> None:
    assert merge_order(["a", "b", "c"], ["a", "c", "d"]) == ["a", "b", "c", "d"]
    assert merge_order(["x", "a"], ["a"]) == ["x", "a"]
    assert merge_order([], ["a"]) == ["a"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.bin", b"\x00\x01\x02PNG\x00" * 50, "binary"),
        ("truncated.xml", b"<?xml version='1.0'?><rss><channel><item><title>x", "XML"),
        ("notes.txt", b"just some notes\nnothing like a dump\n", "unknown format"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    library: Library, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    good = write(tmp_path / "good.txt", post("Kept", [C("safe")]))
    library.import_file(good)
    before = snapshot(library)
    bad = tmp_path / name
    bad.write_bytes(content)
    result = library.import_file(bad)
    assert not result.ok
    assert result.error and str(bad) in result.error and message in result.error
    assert "\n" not in result.error and "Traceback" not in result.error
    assert snapshot(library) == before
    assert library.stats()["sources"] == 1


def test_cancel_rolls_back_the_file(library: Library, tmp_path: Path) -> None:
    library.import_file(write(tmp_path / "first.txt", post("Old", [C("x")])))
    before = snapshot(library)
    many = [
        post(f"Post {i}", [C(f"comment {i}")], date=DATE - dt.timedelta(days=i))
        for i in range(1, 30)
    ]
    dump = write(tmp_path / "many.txt", *many)
    cancel = threading.Event()
    seen = []

    def progress(fraction: float | None, label: str) -> None:
        seen.append(fraction)
        if len(seen) == 5:
            cancel.set()

    result = library.import_file(dump, progress=progress, cancel=cancel)
    assert result.cancelled and not result.ok
    assert snapshot(library) == before
    assert library.stats()["sources"] == 1


def test_reopened_library_keeps_schema_and_data(library_dir: Path, tmp_path: Path) -> None:
    from reader.store.migrations import MIGRATIONS, schema_version

    with Library.open(library_dir) as lib:
        lib.import_file(write(tmp_path / "a.txt", post("T", [C("a")])))
        assert schema_version(lib.conn) == len(MIGRATIONS)
    with Library.open(library_dir) as lib:
        assert schema_version(lib.conn) == len(MIGRATIONS)
        assert lib.stats()["posts"] == 1
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert lib.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert lib.db["posts"].count == 1  # sqlite-utils over the same connection


def test_progress_reaches_the_whole_file(library: Library, tmp_path: Path) -> None:
    many = [post(f"P {i}", [C("x" * 200)], date=DATE - dt.timedelta(days=i)) for i in range(50)]
    dump = write(tmp_path / "many.txt", *many)
    fractions: list[float | None] = []
    library.import_file(dump, progress=lambda f, _label: fractions.append(f))
    assert len(fractions) == 50
    assert fractions[-1] == pytest.approx(1.0)
    assert all(f is not None and 0 < f <= 1 for f in fractions)


def test_a_comment_is_never_stamped_later_than_its_post(library: Library, tmp_path: Path) -> None:
    """Search finds changed comments through their posts' stamps (migration 004)."""
    library.import_file(write(tmp_path / "1.txt", post("T", [C("a", C("r")), C("b"), C("c")])))
    library.import_file(write(tmp_path / "2.txt", post("T", [C("a"), C("c"), C("d")])))
    library.import_file(
        write(tmp_path / "3.txt", post("T", [C("a"), C(REMOVED, removed=True), C("d")]))
    )
    library.import_file(write(tmp_path / "4.txt", post("T", [C("a", C("r")), C("b")])))
    stamps = library.conn.execute(
        "SELECT c.stamp, p.stamp FROM comments c JOIN posts p ON p.id = c.post_id"
    ).fetchall()
    assert len(stamps) == 5
    assert max(s for s, _ in stamps) == 4  # the fourth import touched comments
    assert all(comment <= post_ for comment, post_ in stamps)


def test_a_library_from_an_earlier_version_is_migrated(
    library_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library as the version before revisions and the user-data file left it (migrations
    001-004, annotations in the library database) opens: migrated, backed up first, the
    user's annotations, bookmarks and read marks moved to the user-data file and journaled."""
    from reader.store import backup, migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
    with Library.open(library_dir) as lib:
        conn = lib.conn
        conn.execute(
            "INSERT INTO posts(id, date, title, body, added_at, has_comments)"
            " VALUES ('p1', '2021-03-07', 'T', 'Body text.', 'x', 1)"
        )
        conn.execute(
            "INSERT INTO comments(id, post_id, position, path, text, added_at, is_new, stamp)"
            " VALUES ('c1', 'p1', 1, '1', 'a comment', 'x', 1, 1)"
        )
        conn.execute(
            "INSERT INTO main.annotations(id, item_id, post_id, exact, start_at, end_at,"
            " created, modified) VALUES ('a1', 'c1', 'p1', 'comment', 2, 9,"
            " '2021-01-01T00:00:00+00:00', '2021-01-01T00:00:00+00:00')"
        )
        conn.execute(
            "INSERT INTO main.bookmarks(id, item_id, post_id, created)"
            " VALUES ('b1', 'p1', 'p1', '2021-01-01T00:00:00+00:00')"
        )
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "comments_stamp" not in indexes and "annotations" in indexes
    monkeypatch.undo()
    with Library.open(library_dir) as lib:
        tables = {r[0] for r in lib.conn.execute("SELECT name FROM main.sqlite_master")}
        assert "annotations" not in tables and "revisions" in tables
        assert migrations.schema_version(lib.conn) == len(migrations.MIGRATIONS)
        assert [c["text"] for c in snapshot(lib)[0]["comments"]] == ["a comment"]
        assert lib.conn.execute("SELECT exact FROM user.annotations").fetchall() == [("comment",)]
        assert lib.conn.execute("SELECT item_id FROM user.bookmarks").fetchall() == [("p1",)]
        assert lib.thread("p1").new_count == 1  # still new: the thread was never opened
    (taken,) = backup.list_backups(lib.paths)  # the library as it was, before the upgrade
    old = sqlite3.connect(taken.library)
    assert old.execute("SELECT count(*) FROM annotations").fetchone() == (1,)
    old.close()
    journal = (library_dir / "journal.jsonl").read_text(encoding="utf-8")
    assert '"kind":"annotation"' in journal and '"kind":"bookmark"' in journal


def test_one_file_holding_a_listing_and_the_post_page_gives_one_post(
    library: Library, tmp_path: Path
) -> None:
    both = write(
        tmp_path / "both.txt",
        post("Alpha", None, body="Alpha body."),
        post("Alpha", [C("First!", C("Second"))], body="Alpha body, in full."),
        post("Alpha", None, body="Alpha body."),
    )
    result = library.import_file(both)
    assert (result.posts, result.posts_new, result.posts_merged) == (3, 1, 2)
    assert result.comments_new == 2
    (alpha,) = snapshot(library)
    assert alpha["declared_comments"] == 2
    assert [c["text"] for c in alpha["comments"]] == ["First!"]
    assert library.thread(alpha["id"]).body == "Alpha body, in full."
    assert library.import_file(both).changed is False


# --- the generated archive: the library it must make -----------------------------------------


def test_importing_the_generated_archive_gives_exactly_its_library(library: Library, dumps) -> None:
    results = list(library.import_paths(dumps.paths))
    assert [(r.path.name, r.ok, r.warnings) for r in results] == [
        (f.name, True, f.warnings) for f in dumps.files
    ]
    assert [r.posts for r in results] == [len(f.posts) for f in dumps.files]
    assert sum(r.posts_new for r in results) == len(dumps.library)
    assert sum(r.comments_new for r in results) == dumps.comment_count
    assert [r.encoding for r in results] == [f.read_as for f in dumps.files]
    assert dumpgen.without_ids(snapshot(library)) == [
        dumpgen.stored_post_json(p) for p in dumps.library
    ]
    bodies = {s.title: library.thread(s.id).body for s in library.post_summaries()}
    assert bodies == {p.title: p.body for p in dumps.library}
    # again, in the same order: nothing changes, not even the "Load more..." pages
    before, stamp = snapshot(library), library.change_stamp()
    assert not any(r.changed for r in library.import_paths(dumps.paths))
    assert snapshot(library) == before and library.change_stamp() == stamp


def test_the_generated_archive_in_reverse_order_keeps_the_same_comments(
    library: Library, dumps
) -> None:
    """Import order changes which comments count as new, never which comments are kept: a page
    cut at "Load more..." after the full page flags nothing as vanished."""
    results = list(library.import_paths(reversed(dumps.paths)))
    assert all(r.ok and r.comments_vanished == 0 for r in results)

    def unflagged(data: dict) -> dict:
        return {
            **{k: v for k, v in data.items() if k != "new"},
            "replies": [unflagged(r) for r in data["replies"]],
        }

    got = dumpgen.without_ids(snapshot(library))
    want = [dumpgen.stored_post_json(p) for p in dumps.library]
    assert [[unflagged(c) for c in p["comments"]] for p in got] == [
        [unflagged(c) for c in p["comments"]] for p in want
    ]
    assert [(p["title"], p["declared_comments"]) for p in got] == [
        (p["title"], p["declared_comments"]) for p in want
    ]
