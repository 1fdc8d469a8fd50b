"""The ``Changes`` value: combining, emptiness, and what readers ask of it."""

from __future__ import annotations

import datetime as dt

from reader.changes import NOTHING, Changes, Saved
from reader.model import Annotation, Bookmark


def annotation(aid: str, item: str, post: str) -> Annotation:
    return Annotation(aid, item, post, "quote", "", "", 0, 5)


def test_empty_is_falsy_and_or_merges_every_field() -> None:
    assert not NOTHING and not Changes()
    a = Changes(posts_added=frozenset({"p1"}), sources=frozenset({"a.txt"}))
    b = Changes(posts_changed=frozenset({"p2"}), read=frozenset({"p3"}), marks_unknown=True)
    both = a | b
    assert both == Changes(
        posts_added=frozenset({"p1"}),
        posts_changed=frozenset({"p2"}),
        read=frozenset({"p3"}),
        sources=frozenset({"a.txt"}),
        marks_unknown=True,
    )
    assert both and both.text and both.marks and both.posts == {"p1", "p2"}
    assert (NOTHING | a) == a and (a | NOTHING) == a
    combined = NOTHING
    combined |= a
    assert combined == a


def test_marks_of_annotations_and_bookmarks_name_items_and_threads() -> None:
    changes = Changes.of_annotations(
        [annotation("a1", "c1", "p1"), annotation("a2", "p2", "p2"), annotation("a3", "cx", "")]
    )
    assert changes.annotations == {"a1", "a2", "a3"}
    assert changes.marked_items == {"c1", "p2", "cx"}
    assert changes.marked_posts == {"p1", "p2"}  # an orphan with no thread names none
    assert changes.marks and not changes.text
    assert changes.marks_in("p1") and not changes.marks_in("p9")
    bookmarks = Changes.of_bookmarks([Bookmark("b1", "c7", "p7", "", dt.datetime(2024, 1, 1))])
    assert (bookmarks.bookmarks, bookmarks.marked_posts) == ({"c7"}, {"p7"})
    assert Changes(marks_unknown=True).marks_in("anything")


def test_thread_changed_covers_changed_and_removed_threads_only() -> None:
    changes = Changes(
        posts_added=frozenset({"new"}),
        posts_changed=frozenset({"edited"}),
        posts_removed=frozenset({"gone"}),
    )
    assert changes.thread_changed("edited") and changes.thread_changed("gone")
    assert not changes.thread_changed("new") and not changes.thread_changed("other")


def test_saved_carries_the_value_and_its_changes() -> None:
    saved = Saved(42, Changes(read=frozenset({"p1"})))
    assert saved.value == 42 and saved.changes.read == {"p1"}
