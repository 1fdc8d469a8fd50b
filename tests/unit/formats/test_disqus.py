"""Disqus: threads joined by address, replies at any depth in any order, deleted and spam."""

from __future__ import annotations

from reader.formats import disqus
from reader.formats.urls import site_key, url_key
from tests.unit.formats.samples import disqus as build


def test_url_key_ignores_host_slash_and_escape_case() -> None:
    keys = {
        url_key("http://localhost:27850/p/%e7%ac%ac"),
        url_key("https://blog.example.com/p/%E7%AC%AC/"),
        url_key("http://10.0.0.7/p/第"),
        url_key("https://example.com//p/%E7%AC%AC#comments"),
        url_key("https://example.com/p/%E7%AC%AC?utm_source=feed"),
    }
    assert keys == {"/p/第"}
    assert url_key("https://example.com/?p=12") != url_key("https://example.com/?p=13")
    assert url_key("") is None and url_key(None) is None
    assert site_key("https://www.Example.org/blog/") == "example.org/blog"


def test_threads_of_one_article_become_one_post(parse_bytes) -> None:
    threads = [
        ("1", "http://localhost:8000/p/hello", "Hello", "2015-03-25T14:09:50Z"),
        ("2", "https://blog.example.com/p/hello/", "Hello", "2015-03-26T00:00:00Z"),
        ("3", "https://blog.example.com/p/quiet", "Nobody commented", "2015-03-27T00:00:00Z"),
        ("4", "https://blog.example.com/p/other", "Other", "2015-03-28T00:00:00Z"),
    ]
    posts_in = [
        # replies before their parents, across the two threads of one article
        {
            "id": "13",
            "thread": "2",
            "parent": "12",
            "message": "<p>deepest</p>",
            "created": "2015-04-03T00:00:00Z",
        },
        {
            "id": "12",
            "thread": "1",
            "parent": "11",
            "message": "<p>reply</p>",
            "created": "2015-04-02T00:00:00Z",
        },
        {"id": "11", "thread": "1", "message": "<p>first</p>", "created": "2015-04-01T00:00:00Z"},
        {"id": "14", "thread": "2", "message": "<p>removed</p>", "deleted": True},
        {"id": "15", "thread": "2", "message": "<p>cheap pills</p>", "spam": True},
        {"id": "20", "thread": "4", "message": "<b>other</b> article", "author": "Zed"},
    ]
    data = build(threads, posts_in)
    assert disqus.sniff(data[:65536]) == 1.0
    posts, report = parse_bytes(data, "comments.xml")
    assert report.format == "disqus"
    assert [p.title for p in posts] == ["Hello", "Other"]  # the quiet thread is not a post
    hello = posts[0]
    assert hello.url == "https://blog.example.com/p/hello/"  # a public address beats localhost
    assert hello.url_key == "/p/hello"
    assert hello.source_key == "disqus:test:/p/hello"
    assert (
        hello.published is not None and hello.published.isoformat() == "2015-03-25T14:09:50+00:00"
    )
    first = next(c for c in hello.comments if c.text == "first")
    assert first.text == "first"
    assert first.replies[0].text == "reply"
    assert first.replies[0].replies[0].text == "deepest"
    statuses = {c.text: (c.status, c.removed) for c in hello.walk_comments()}
    assert statuses["removed"] == ("deleted", True)
    assert statuses["cheap pills"] == ("spam", False)
    other = posts[1].comments[0]
    assert (other.author, other.text, other.source_key) == (
        "Zed",
        "other article",
        "disqus:post/20",
    )
    assert other.html == "<b>other</b> article"


def test_posts_of_an_unknown_thread_are_kept(parse_bytes) -> None:
    posts, report = parse_bytes(build([], [{"id": "1", "thread": "404", "message": "lost"}]))
    assert posts[0].comments[0].text == "lost"
    assert any("404" in w for w in report.warnings)
