"""New formats through today's importer: authors stored, re-imports idempotent, a newer export
adds exactly its new comments.  (Comments are known by their native ids already, see
tests/unit/store/test_format_revisions.py; posts by theirs with the store's phase 2.)"""

from __future__ import annotations

from pathlib import Path

from tests.unit.formats.samples import WpComment, WpItem, message, wxr


def comments_v1() -> list[WpComment]:
    return [WpComment(1, "first"), WpComment(2, "reply", parent=1), WpComment(3, "second")]


def test_newer_export_adds_exactly_the_new_comments(library, tmp_path: Path) -> None:
    old = tmp_path / "old.xml"
    old.write_bytes(wxr([WpItem(1, "Post", comments=comments_v1())]))
    first = library.import_file(old)
    assert first.ok and first.comments_new == 3
    newer = tmp_path / "newer.xml"
    more = [*comments_v1(), WpComment(4, "late reply", parent=3), WpComment(5, "third")]
    newer.write_bytes(wxr([WpItem(1, "Post", comments=more)]))
    second = library.import_file(newer)
    assert second.ok and second.comments_new == 2 and second.posts_new == 0
    assert library.import_file(newer).changed is False
    rows = library.conn.execute("SELECT text, author FROM comments ORDER BY path").fetchall()
    assert [r[0] for r in rows] == ["first", "reply", "second", "late reply", "third"]
    assert {r[1] for r in rows} == {"Reader"}
    assert library.conn.execute("SELECT author FROM posts").fetchone()[0] == "Site Admin"


def test_mbox_thread_imports_with_authors(library, tmp_path: Path) -> None:
    path = tmp_path / "list.mbox"
    path.write_bytes(
        message("a@x", "Question", "How?", sender="Ann <ann@example.org>")
        + message(
            "b@x", "Re: Question", "Like this.", sender="Bob <bob@example.org>", in_reply_to="a@x"
        )
    )
    result = library.import_file(path)
    assert result.ok and result.format == "mbox" and result.comments_new == 1
    post = library.conn.execute("SELECT title, body, author FROM posts").fetchone()
    assert post == ("Question", "How?", "Ann")
    assert library.conn.execute("SELECT text, author FROM comments").fetchone() == (
        "Like this.",
        "Bob",
    )


def test_bad_export_changes_nothing(library, tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(wxr([WpItem(1, "Kept", comments=[WpComment(1, "safe")])]))
    assert library.import_file(good).ok
    before = list(library.dump())
    bad = tmp_path / "bad.xml"
    bad.write_bytes(wxr([WpItem(2, "Half")])[:-30])
    result = library.import_file(bad)
    assert not result.ok and result.error and str(bad) in result.error and result.line
    assert list(library.dump()) == before
    assert library.stats()["sources"] == 1
