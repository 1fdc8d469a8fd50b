"""Blogger: legacy backup, Takeout feed.atom and per-post comment feeds."""

from __future__ import annotations

import datetime as dt

from reader.formats import blogger
from tests.unit.formats.samples import (
    BLOG,
    blogger_entry,
    blogger_feed,
    takeout,
    takeout_entry,
)


def test_legacy_backup_kinds_drafts_pages_and_skipped_entries(parse_bytes) -> None:
    entries = [
        # settings and template entries: not reading matter
        f"<entry><id>{BLOG}.layout</id><category scheme='http://schemas.google.com/g/2005#kind'"
        " term='http://schemas.google.com/blogger/2008/kind#template'/><title>T</title>"
        "<content type='text'>&lt;html/&gt;</content></entry>",
        f"<entry><id>{BLOG}.settings.BLOG_NAME</id>"
        "<category scheme='http://schemas.google.com/g/2005#kind'"
        " term='http://schemas.google.com/blogger/2008/kind#settings'/><title>S</title>"
        "<content type='text'>x</content></entry>",
        blogger_entry("1", "post", title="First", content="Hello <b>world</b><br />x", total=3),
        blogger_entry("2", "post", title="Unfinished", content="draft", draft=True),
        blogger_entry("3", "page", title="About", content="me"),
        # comments come last and have the same id shape as posts
        blogger_entry("10", "comment", content="Nice one", post="1", author="J.Dub"),
        blogger_entry(
            "11",
            "comment",
            content="Thanks",
            post="1",
            parent="10",
            published="2011-07-14T08:00:00.000-04:00",
        ),
    ]
    data = blogger_feed(entries)
    assert blogger.sniff(data[:65536]) == 1.0
    posts, report = parse_bytes(data, "backup.atom")
    assert report.format == "blogger-backup"
    assert [(p.title, p.status) for p in posts] == [
        ("First", "published"),
        ("Unfinished", "draft"),
        ("About", "page"),
    ]
    first = posts[0]
    assert first.declared_comments == 3  # thr:total kept even though 2 comments are present
    assert any("declares 3 comments, 2 found" in w for w in report.warnings)
    assert first.source_key == f"{BLOG}.post-1"
    assert first.html is not None and "<b>world</b>" in first.html
    assert first.body == "Hello world\nx"
    comment = first.comments[0]
    assert (comment.text, comment.author, comment.source_key) == (
        "Nice one",
        "J.Dub",
        f"{BLOG}.post-10",
    )
    assert comment.published is not None
    assert comment.published.isoformat() == "2011-07-13T22:22:37.508000-04:00"  # not displayTime
    assert [r.text for r in comment.replies] == ["Thanks"]


def test_comment_kind_told_by_category_not_id_shape(parse_bytes) -> None:
    # A comment whose id looks exactly like a post id is still a comment.
    posts, _ = parse_bytes(
        blogger_feed(
            [
                blogger_entry("1", "post", title="P", content="body"),
                blogger_entry("2", "comment", content="I am a comment", post="1"),
            ]
        )
    )
    assert len(posts) == 1 and posts[0].comments[0].text == "I am a comment"


def test_comments_without_their_post_become_a_comments_only_post(parse_bytes) -> None:
    posts, _ = parse_bytes(
        blogger_feed([blogger_entry("5", "comment", content="alone", post="77")])
    )
    post = posts[0]
    assert post.comments_only and post.body == ""
    assert post.source_key == f"{BLOG}.post-77"
    assert post.date == dt.date(2011, 7, 13)


def test_per_post_comment_feed(parse_bytes) -> None:
    feed_id = "tag:blogger.com,1999:blog-42.post77..comments"
    head = (
        "<link rel='alternate' type='text/html' href='https://blog.example.org/2009/01/4.html'/>"
        "<openSearch:totalResults>3</openSearch:totalResults>"
    )

    def entry(number: str, text: str, when: str, extra: str = "") -> str:
        return (
            f"<entry><id>{BLOG}.post-{number}</id><published>{when}</published>"
            f"<title type='text'>{text[:5]}</title><content type='html'>{text}</content>"
            "<author><name>Anonymous</name></author>"
            f"<thr:in-reply-to ref='{BLOG}.post-77' href='https://blog.example.org/2009/01/4.html'/>"
            f"{extra}<gd:extendedProperty name='blogger.displayTime' value='2019年5月28日'/>"
            "</entry>"
        )

    entries = [  # newest first, as Blogger serves them
        entry(
            "3",
            "a reply",
            "2019-05-28T04:13:36.889+08:00",
            "<link rel='related' href='https://www.blogger.com/feeds/42/77/comments/default/1'/>",
        ),
        entry(
            "2",
            "此评论已被作者删除。",
            "2016-01-26T12:35:33.074+08:00",
            "<gd:extendedProperty name='blogger.contentRemoved' value='true'/>",
        ),
        entry("1", "first &lt;br /&gt;second", "2009-02-13T14:45:00.000+08:00"),
    ]
    data = blogger_feed(
        entries,
        feed_id=feed_id,
        head=head.replace("<link", "<title type='text'>Comments on Blog: Post title</title><link"),
    )
    posts, report = parse_bytes(data)
    assert report.format == "blogger-comments"
    post = posts[0]
    assert post.title == "Post title" and post.comments_only
    assert post.url == "https://blog.example.org/2009/01/4.html"
    assert post.declared_comments == 3
    assert [c.text for c in post.comments] == ["first\nsecond", "此评论已被作者删除。"]
    assert post.comments[0].replies[0].text == "a reply"
    removed = post.comments[1]
    assert removed.removed and removed.status == "deleted"
    assert post.comments[0].published.utcoffset() == dt.timedelta(hours=8)


def test_takeout_types_statuses_and_replies(parse_bytes) -> None:
    data = takeout(
        [
            takeout_entry(
                "comment-9",
                "COMMENT",
                content="early comment",
                parent="post-1",
                published="2020-01-03T00:00:00Z",
            ),
            takeout_entry("post-1", "POST", title="Live", content="<p>body</p>"),
            takeout_entry("post-2", "POST", status="DRAFT", title="Draft"),
            takeout_entry("page-3", "PAGE", title="About"),
            takeout_entry("post-4", "POST", status="SOFT_TRASHED", title="Binned"),
            takeout_entry(
                "comment-10",
                "COMMENT",
                content="reply",
                parent="post-1",
                in_reply_to="comment-9",
                published="2020-01-04T00:00:00Z",
            ),
            takeout_entry(
                "comment-11", "COMMENT", status="SPAM_COMMENT", content="spam", parent="post-1"
            ),
            takeout_entry(
                "comment-12",
                "COMMENT",
                content="gone",
                parent="post-1",
                trashed="2021-01-01T00:00:00Z",
            ),
        ]
    )
    assert blogger.sniff(data[:65536]) == 1.0
    posts, report = parse_bytes(data, "feed.atom")
    assert report.format == "blogger-takeout"
    assert {p.title: p.status for p in posts} == {
        "Live": "published",
        "Draft": "draft",
        "About": "page",
        "Binned": "deleted",
    }
    live = next(p for p in posts if p.title == "Live")
    statuses = {c.text: c.status for c in live.walk_comments()}
    assert statuses == {
        "early comment": "published",
        "reply": "published",
        "spam": "spam",
        "gone": "deleted",
    }
    early = next(c for c in live.comments if c.text == "early comment")
    assert [r.text for r in early.replies] == ["reply"]


def test_xhtml_content(parse_bytes) -> None:
    entry = (
        f"<entry><id>{BLOG}.post-1</id><published>2020-01-01T00:00:00Z</published>"
        "<category scheme='http://schemas.google.com/g/2005#kind'"
        " term='http://schemas.google.com/blogger/2008/kind#post'/><title>X</title>"
        "<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'><p>Hi <em>there</em>"
        "</p></div></content></entry>"
    )
    post = parse_bytes(blogger_feed([entry]))[0][0]
    assert post.body == "Hi there"
    assert post.html is not None and "<em>there</em>" in post.html
