"""WordPress WXR: namespaces, statuses, nesting at any depth, times with their offset."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.formats import wxr
from tests.unit.formats.samples import WpComment, WpItem
from tests.unit.formats.samples import wxr as build


def chain(length: int) -> list[WpComment]:
    """A reply chain 100 -> 101 -> ... listed deepest first (out of order on purpose)."""
    comments = [
        WpComment(
            100 + i,
            f"level {i}",
            parent=(100 + i - 1) if i else 0,
            date=f"2020-01-02 10:{i:02d}:00",
            date_gmt=f"2020-01-02 09:{i:02d}:00",
        )
        for i in range(length)
    ]
    return list(reversed(comments))


@pytest.mark.parametrize(
    ("scheme", "version"), [("http", "1.0"), ("http", "1.1"), ("https", "1.2")]
)
def test_namespace_matched_loosely(parse_bytes, scheme: str, version: str) -> None:
    data = build(
        [WpItem(1, "Hello", comments=[WpComment(5, "hi")])], scheme=scheme, version=version
    )
    assert wxr.sniff(data[:65536]) == 1.0
    posts, report = parse_bytes(data, "export.txt")  # the name does not matter
    assert report.format == "wxr"
    assert [p.title for p in posts] == ["Hello"]
    assert posts[0].comments[0].text == "hi"


def test_nesting_at_any_depth_in_any_order(parse_bytes) -> None:
    posts, _ = parse_bytes(build([WpItem(1, "Deep", comments=chain(10))]))
    node = posts[0].comments
    depth = 0
    while node:
        assert len(node) == 1 and node[0].text == f"level {depth}"
        node = node[0].replies
        depth += 1
    assert depth == 10


def test_every_comment_kept_and_marked(parse_bytes) -> None:
    comments = [
        WpComment(1, "fine"),
        WpComment(2, "waiting", approved="0"),
        WpComment(3, "buy pills", approved="spam"),
        WpComment(4, "binned", approved="trash"),
        WpComment(5, "linked you", type="pingback"),
        WpComment(6, "tracked", type="trackback"),
        WpComment(7, "typed", type="comment"),
    ]
    posts, _ = parse_bytes(build([WpItem(1, "All", comments=comments)]))
    statuses = {c.text: c.status for c in posts[0].walk_comments()}
    assert statuses == {
        "fine": "published",
        "waiting": "unapproved",
        "buy pills": "spam",
        "binned": "deleted",
        "linked you": "pingback",
        "tracked": "trackback",
        "typed": "published",
    }
    assert [c.removed for c in posts[0].walk_comments()].count(True) == 1


def test_post_types_and_statuses(parse_bytes) -> None:
    items = [
        WpItem(1, "Post"),
        WpItem(2, "About", type="page"),
        WpItem(3, "Later", status="future"),
        WpItem(4, "Unfinished", status="draft", date_gmt="0000-00-00 00:00:00"),
        WpItem(5, "Gone", status="trash"),
        WpItem(6, "photo.jpg", type="attachment", status="inherit"),
        WpItem(7, "Menu", type="nav_menu_item"),
        WpItem(8, "Recipe", type="recipe"),
    ]
    posts, _ = parse_bytes(build(items))
    assert {p.title: p.status for p in posts} == {
        "Post": "published",
        "About": "page",
        "Later": "draft",
        "Unfinished": "draft",
        "Gone": "deleted",
        "Recipe": "published",
    }
    draft = next(p for p in posts if p.title == "Unfinished")
    assert draft.published is not None and draft.published.tzinfo is None  # no GMT twin


def test_times_carry_the_site_offset(parse_bytes) -> None:
    item = WpItem(
        1,
        "T",
        date="2015-01-27 14:56:00",
        date_gmt="2015-01-27 13:56:00",
        comments=[WpComment(9, "c", date="2015-01-28 08:00:00", date_gmt="2015-01-28 13:30:00")],
    )
    post = parse_bytes(build([item]))[0][0]
    assert post.published is not None
    assert post.published.isoformat() == "2015-01-27T14:56:00+01:00"
    assert post.date == dt.date(2015, 1, 27)
    assert post.comments[0].published.isoformat() == "2015-01-28T08:00:00-05:30"


def test_fields(parse_bytes) -> None:
    item = WpItem(
        7,
        "Fish &amp; chips",
        content="Para one\nline\n\n<b>Para</b> two",
        comments=[WpComment(3, "Nice\n\npost", author="Bo", url="https://bo.example")],
    )
    post = parse_bytes(build([item]))[0][0]
    assert post.title == "Fish & chips"
    assert post.author == "Site Admin"  # dc:creator mapped to the display name
    assert post.body == "Para one\nline\n\nPara two"
    assert post.html == "<p>Para one<br>\nline</p>\n<p><b>Para</b> two</p>"
    assert post.source_key == "wp:blog.example.org/7"
    assert post.url == "https://blog.example.org/?p=7"
    comment = post.comments[0]
    assert (comment.author, comment.author_uri) == ("Bo", "https://bo.example")
    assert comment.source_key == "wp:blog.example.org/comment/3"
    assert comment.text == "Nice\n\npost"
    assert post.comments is not None and post.declared_comments is None


def test_missing_parent_becomes_top_level_with_a_warning(parse_bytes) -> None:
    posts, report = parse_bytes(build([WpItem(1, "P", comments=[WpComment(2, "lost", parent=99)])]))
    assert [c.text for c in posts[0].comments] == ["lost"]
    assert any("99" in w and "top-level" in w for w in report.warnings)


def test_cycle_is_broken(parse_bytes) -> None:
    comments = [WpComment(1, "a", parent=2), WpComment(2, "b", parent=1)]
    posts, report = parse_bytes(build([WpItem(1, "P", comments=comments)]))
    assert sum(1 for _ in posts[0].walk_comments()) == 2
    assert any("lead back" in w for w in report.warnings)
