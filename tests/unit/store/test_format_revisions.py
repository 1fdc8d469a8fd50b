"""Exports whose format names each comment (WordPress comment_id, Disqus id, Message-ID): a
newer export with a changed text is the same comment, and the text becomes a revision --
never a second comment beside the first, never written over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import ids
from reader.store import revisions
from reader.store.import_batch import ImportBatch
from tests.unit.formats.samples import WpComment, WpItem, disqus, message, wxr


def comments(**changed: str) -> list[WpComment]:
    texts = {"c1": "The first comment.", "c2": "A reply to it.", "c3": "A second comment."}
    texts.update(changed)
    return [
        WpComment(1, texts["c1"]),
        WpComment(2, texts["c2"], parent=1),
        WpComment(3, texts["c3"]),
    ]


def export(tmp_path: Path, name: str, items: list[WpComment]) -> Path:
    path = tmp_path / name
    path.write_bytes(wxr([WpItem(1, "Post", comments=items)]))
    return path


def stored(library) -> dict[str, tuple[str, str | None, int, int]]:
    """text -> (id, parent, revision shown, revisions) of every comment."""
    return {
        text: (cid, parent, revision, count)
        for cid, parent, text, revision, count in library.conn.execute(
            "SELECT id, parent_id, text, revision, revisions FROM comments"
        )
    }


def test_an_edited_comment_in_a_newer_export_becomes_a_revision(library, tmp_path) -> None:
    assert library.import_file(export(tmp_path, "old.xml", comments())).ok
    before = stored(library)
    reply_id, parent_id = before["A reply to it."][:2]
    post_id = library.conn.execute("SELECT id FROM posts").fetchone()[0]
    assert reply_id != ids.sibling_ids(post_id, parent_id, ["A reply to it."])[0]  # by its name

    result = library.import_file(
        export(tmp_path, "new.xml", comments(c2="Quite another reply, rewritten."))
    )
    assert result.ok and result.comments_new == 0 and result.comments_vanished == 0
    assert [(r.item_id, r.shown) for r in result.revised] == [(reply_id, True)]
    after = stored(library)
    assert after["Quite another reply, rewritten."] == (reply_id, parent_id, 2, 2)
    assert "A reply to it." not in after  # shown text is the newest; the old one is a revision
    texts = [r.text for r in revisions.history(library.conn, reply_id)]
    assert texts == ["A reply to it.", "Quite another reply, rewritten."]
    assert library.conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 3
    assert not library.import_file(export(tmp_path, "again.xml", comments(
        c2="Quite another reply, rewritten."))).changed  # fmt: skip


def test_a_damaged_looking_text_in_a_newer_export_is_kept_aside(library, tmp_path) -> None:
    assert library.import_file(export(tmp_path, "old.xml", comments())).ok
    doubled = "The first comment.\nThe first comment."
    result = library.import_file(export(tmp_path, "new.xml", comments(c1=doubled)))
    assert result.ok and result.comments_new == 0
    [revised] = result.revised
    assert not revised.shown and "earlier text" in (revised.reason or "")
    assert "The first comment." in stored(library)  # still shown


def test_a_reply_the_newer_export_moves_is_the_same_comment(library, tmp_path) -> None:
    assert library.import_file(export(tmp_path, "old.xml", comments())).ok
    reply_id = stored(library)["A reply to it."][0]
    moved = comments()
    moved[1] = WpComment(2, "A reply to it.", parent=3)
    result = library.import_file(export(tmp_path, "new.xml", moved))
    assert result.ok and result.comments_new == 0
    rows = stored(library)
    assert rows["A reply to it."][0] == reply_id
    assert rows["A reply to it."][1] == rows["A second comment."][0]


def test_disqus_edited_message_becomes_a_revision(library, tmp_path) -> None:
    thread = [("1", "https://e.org/p/x", "Thread", "2020-01-01T00:00:00Z")]

    def write(name: str, second: str) -> Path:
        path = tmp_path / name
        path.write_bytes(
            disqus(
                thread,
                [
                    {"id": "5", "thread": "1", "message": "<p>First words here.</p>"},
                    {"id": "6", "thread": "1", "message": second, "parent": "5"},
                ],
            )
        )
        return path

    assert library.import_file(write("old.xml", "An answer.")).ok
    result = library.import_file(write("new.xml", "A wholly different answer."))
    assert result.ok and result.comments_new == 0 and len(result.revised) == 1
    assert result.revised[0].shown
    assert library.conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 2


def test_one_message_id_twice_in_a_mailing_list_is_two_comments(library, tmp_path) -> None:
    path = tmp_path / "list.mbox"
    path.write_bytes(
        message("a@x", "Question", "How?")
        + message("b@x", "Re: Question", "Like this.", in_reply_to="a@x")
        + message("b@x", "Re: Question", "Or like that.", in_reply_to="a@x")
    )
    result = library.import_file(path)
    assert result.ok and result.comments_new == 2, result.summary()
    assert not library.import_file(path).changed


def test_comments_stored_by_their_text_before_are_found_again(
    library, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library whose export was imported before comments were known by their names (by
    text, as every comment once was) gains no second copy of them."""
    keyed = ImportBatch.child_ids

    def by_text(self, post_id, parent_id, children):
        text_ids = keyed(self, post_id, parent_id, children)[1]
        return text_ids, text_ids

    monkeypatch.setattr(ImportBatch, "child_ids", by_text)
    assert library.import_file(export(tmp_path, "old.xml", comments())).ok
    before = stored(library)
    monkeypatch.setattr(ImportBatch, "child_ids", keyed)
    result = library.import_file(export(tmp_path, "again.xml", [*comments(), WpComment(4, "New.")]))
    assert result.ok and result.comments_new == 1 and result.comments_vanished == 0
    after = stored(library)
    assert {text: row[0] for text, row in after.items() if text != "New."} == {
        text: row[0] for text, row in before.items()
    }
