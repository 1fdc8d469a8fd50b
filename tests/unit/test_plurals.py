"""Counted nouns: the one helper every message uses."""

from __future__ import annotations

from reader.plurals import plural, plural_of


def test_one_is_singular_and_others_plural() -> None:
    assert plural(1, "post") == "1 post"
    assert plural(0, "post") == "0 posts"
    assert plural(2, "new comment") == "2 new comments"
    assert plural(1200, "post") == "1,200 posts"
    assert plural(1, "reply") == "1 reply" and plural(3, "reply") == "3 replies"
    assert plural(2, "match") == "2 matches"
    assert plural(2, "post or comment", "posts and comments") == "2 posts and comments"
    assert plural_of("thread") == "threads"
