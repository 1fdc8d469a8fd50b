"""Persistence: every write committed at once, undo-friendly returns, listeners, search flags."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from reader.annotate import store
from reader.changes import Changes
from reader.errors import NotFound, ReaderError
from reader.store import Library
from reader.store.migrations import MIGRATIONS


@pytest.fixture
def lib(library: Library, dump, make_post) -> Library:
    body = "Opening words. The board ignored the warnings.\n\nAgreed. Agreed."
    path = dump("one", make_post(body, ["First comment, about risk.", "Second comment."]))
    assert next(library.import_paths([path])).ok
    return library


def ids(lib: Library) -> tuple[str, str, str]:
    post = lib.post_summaries()[0]
    first, second = lib.thread(post.id).comments
    return post.id, first.id, second.id


def test_migration_is_appended_after_the_initial_one(library: Library) -> None:
    names = [name for name, _ in MIGRATIONS]
    assert names[:2] == ["001_initial", "002_annotations"]
    tables = {r[0] for r in library.conn.execute("SELECT name FROM sqlite_master")}
    # since 006 they live in the user-data file, attached as ``user``
    assert not {"annotations", "bookmarks", "read_state"} & tables
    user_tables = {r[0] for r in library.conn.execute("SELECT name FROM user.sqlite_master")}
    assert {"annotations", "bookmarks", "read_state"} <= user_tables


def test_add_then_reopen_from_another_connection(lib: Library) -> None:
    post_id, first, _ = ids(lib)
    a = store.add_annotation(
        lib.conn, first, 0, 13, note=" why\r\n\r\nbecause ", colour="Green"
    ).value
    assert re.fullmatch(r"a[0-9a-f]{16}", a.id)
    assert (a.exact, a.prefix, a.suffix) == ("First comment", "", ", about risk.")
    assert (a.post_id, a.colour, a.note, a.state) == (post_id, "green", "why\n\nbecause", "exact")
    assert a.created is not None and a.created.tzinfo is not None
    assert a.created.utcoffset() == dt.timedelta(0)
    with Library.open(lib.paths) as other:
        assert store.get_annotation(other.conn, a.id) == a


def test_add_by_quote_errors_are_one_clear_line(lib: Library) -> None:
    post_id, first, _ = ids(lib)
    with pytest.raises(NotFound, match="no post or comment with id 'cnope'"):
        store.add_annotation_by_quote(lib.conn, "cnope", "risk")
    with pytest.raises(ReaderError, match="quote was not found in this comment"):
        store.add_annotation_by_quote(lib.conn, first, "not there")
    with pytest.raises(ReaderError, match="occurs 2 time"):
        store.add_annotation_by_quote(lib.conn, post_id, "Agreed.", occurrence=3)
    with pytest.raises(ReaderError, match="unknown colour"):
        store.add_annotation_by_quote(lib.conn, first, "risk", colour="purple")
    with pytest.raises(ReaderError, match="bad range"):
        store.add_annotation(lib.conn, first, 5, 500)
    second = store.add_annotation_by_quote(lib.conn, post_id, "Agreed.", occurrence=2).value
    assert second.start == lib.item(post_id).text.rindex("Agreed.")
    assert store.list_annotations(lib.conn) == [second]


def test_update_delete_restore_support_undo(lib: Library) -> None:
    _, first, _ = ids(lib)
    original = store.add_annotation_by_quote(lib.conn, first, "about risk", note="one").value
    before = store.get_annotation(lib.conn, original.id)
    edited = store.update_annotation(lib.conn, original.id, note="two", colour="blue").value
    assert (edited.note, edited.colour, edited.id) == ("two", "blue", original.id)
    store.restore_annotation(lib.conn, before)  # undo the edit
    assert store.get_annotation(lib.conn, original.id) == before
    removed = store.delete_annotation(lib.conn, original.id).value
    assert removed == before
    with pytest.raises(NotFound):
        store.get_annotation(lib.conn, original.id)
    with pytest.raises(NotFound):
        store.delete_annotation(lib.conn, original.id)
    store.restore_annotation(lib.conn, removed)  # undo the delete: same id, same times
    assert store.get_annotation(lib.conn, original.id) == before


def test_update_span_requotes_and_confirms(lib: Library) -> None:
    _, first, _ = ids(lib)
    a = store.add_annotation_by_quote(lib.conn, first, "risk").value
    moved = dataclasses.replace(a, state="moved")
    store.restore_annotation(lib.conn, moved)
    confirmed = store.update_annotation(lib.conn, a.id, span=(0, 5)).value
    assert (confirmed.exact, confirmed.state) == ("First", "exact")


def test_every_write_returns_what_it_changed(lib: Library) -> None:
    post_id, first, _ = ids(lib)
    added = store.add_annotation_by_quote(lib.conn, first, "risk")
    a = added.value
    mark = Changes(
        annotations=frozenset({a.id}),
        marked_items=frozenset({first}),
        marked_posts=frozenset({post_id}),
    )
    assert added.changes == mark
    assert store.update_annotation(lib.conn, a.id, note="n").changes == mark
    assert store.restore_annotation(lib.conn, a).changes == mark
    assert store.delete_annotation(lib.conn, a.id).changes == mark
    bookmark = Changes(
        bookmarks=frozenset({post_id}),
        marked_items=frozenset({post_id}),
        marked_posts=frozenset({post_id}),
    )
    assert store.add_bookmark(lib.conn, post_id).changes == bookmark
    assert store.remove_bookmark(lib.conn, post_id).changes == bookmark
    nothing = store.remove_bookmark(lib.conn, post_id)  # nothing to remove: no change
    assert nothing.value is None and not nothing.changes
    assert store.toggle_bookmark(lib.conn, post_id).changes == bookmark
    assert store.toggle_bookmark(lib.conn, post_id).changes == bookmark


def test_bookmarks_one_per_item_toggle_and_restore(lib: Library) -> None:
    post_id, first, second = ids(lib)
    b = store.add_bookmark(lib.conn, first, " label ").value
    assert re.fullmatch(r"b[0-9a-f]{16}", b.id) and b.label == "label"
    again = store.add_bookmark(lib.conn, first, "relabelled").value
    assert (again.id, again.label, again.created) == (b.id, "relabelled", b.created)
    assert store.toggle_bookmark(lib.conn, second).value is not None
    assert store.toggle_bookmark(lib.conn, second).value is None
    assert [x.item_id for x in store.bookmarks_for_post(lib.conn, post_id)] == [first]
    removed = store.remove_bookmark(lib.conn, first).value
    assert removed == again and store.get_bookmark(lib.conn, first) is None
    assert removed is not None
    store.restore_bookmark(lib.conn, removed)
    assert store.list_bookmarks(lib.conn) == [removed]
    with pytest.raises(NotFound):
        store.add_bookmark(lib.conn, "cmissing")


def test_annotations_for_post_in_document_order(lib: Library) -> None:
    post_id, first, second = ids(lib)
    c2 = store.add_annotation_by_quote(lib.conn, second, "Second").value
    c1 = store.add_annotation_by_quote(lib.conn, first, "risk").value
    p2 = store.add_annotation_by_quote(lib.conn, post_id, "warnings").value
    p1 = store.add_annotation_by_quote(lib.conn, post_id, "Opening").value
    got = store.annotations_for_post(lib.conn, post_id)
    assert [a.id for a in got] == [p1.id, p2.id, c1.id, c2.id]
    assert store.annotations_for_post(lib.conn, "pother") == []
    assert [a.id for a in store.annotations_for_item(lib.conn, first)] == [c1.id]


def test_annotations_for_post_reanchors_without_writing(lib: Library) -> None:
    post_id, _, _ = ids(lib)
    a = store.add_annotation_by_quote(lib.conn, post_id, "ignored the warnings").value
    lib.conn.execute("UPDATE posts SET body = 'Preface. ' || body WHERE id = ?", [post_id])
    (shown,) = store.annotations_for_post(lib.conn, post_id)
    assert (shown.start, shown.end, shown.state) == (a.start + 9, a.end + 9, "exact")
    assert store.get_annotation(lib.conn, a.id) == a  # display does not write


def test_notes_and_flags_for_search(lib: Library) -> None:
    post_id, first, second = ids(lib)
    store.add_annotation_by_quote(lib.conn, first, "risk", note="key evidence", colour="pink")
    store.add_annotation_by_quote(lib.conn, first, "First", colour="yellow")
    store.add_bookmark(lib.conn, first, "for the tribunal")
    store.add_bookmark(lib.conn, post_id)
    got = store.notes_and_flags(lib.conn, [first, post_id, second])
    assert got[first] == (
        "key evidence\n\nfor the tribunal",
        {"annotated", "noted", "bookmarked"},
        {"pink", "yellow"},
    )
    assert got[post_id] == ("", {"bookmarked"}, set())
    assert got[second] == ("", set(), set())
