"""The real public exports in ../shared/corpus/real, parsed with the counts SOURCES.md gives.

These files are other people's words: they stay in ../shared and these tests skip when it is
absent (a clone on its own); the generated fixtures in the other tests cover every format.
"""

from __future__ import annotations

import datetime as dt
import email
import html
import re
from collections import Counter
from pathlib import Path

import pytest

from reader import formats
from reader.formats.urls import url_key
from reader.model import ParsedComment, ParsedPost

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "real"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real export samples not found at {CORPUS}"),
]

LEGACY = "blogger-backup-legacy_kriscargile_blog-08-19-2012.xml"
FEED = "blogger-comments-feed_program-think_2009-01-4.atom.xml"
WXR = "wordpress-wxr-1.2_theme-unit-test-data.xml"
DISQUS = "disqus-export_laisky-blog.xml"
MBOXO = "mbox-mboxo_alphant-list_1995-September.mbox"
MBOXRD = "mbox-mboxrd_b4-test_trailers-thread-with-cover-followup.mbox"


def parse(name: str) -> tuple[list[ParsedPost], formats.ParseReport]:
    report = formats.ParseReport()
    return list(formats.parse(CORPUS / name, report)), report


def comments(posts: list[ParsedPost]) -> list[ParsedComment]:
    return [c for p in posts for c in p.walk_comments()]


def replies(posts: list[ParsedPost]) -> int:
    return sum(len(c.replies) for c in comments(posts))


def reply_depth(posts: list[ParsedPost]) -> int:
    """How many levels of replies below the top-level comments (SOURCES.md's "depth")."""

    def depth(comment: ParsedComment) -> int:
        return 1 + max((depth(r) for r in comment.replies), default=0)

    return max((depth(c) for p in posts for c in p.comments or ()), default=1) - 1


def test_blogger_legacy_backup() -> None:
    posts, report = parse(LEGACY)
    assert report.format == "blogger-backup"
    kinds = Counter(p.status for p in posts)
    assert kinds == {"published": 8, "draft": 2, "page": 1}  # 10 posts (2 drafts), 1 page
    found = comments(posts)
    assert len(found) == 1 and reply_depth(posts) == 0
    only = found[0]
    assert only.author == "J.Dub"
    assert only.published == dt.datetime(
        2011, 7, 13, 22, 22, 37, 508000, tzinfo=dt.timezone(dt.timedelta(hours=-4))
    )
    assert sum(p.declared_comments or 0 for p in posts) == 10  # declared, though trimmed
    owner = next(p for p in posts if p.comments)
    assert owner.source_key and owner.source_key.endswith("post-6564295019642347867")


def test_blogger_comment_feed() -> None:
    posts, report = parse(FEED)
    assert report.format == "blogger-comments"
    assert len(posts) == 1
    post = posts[0]
    assert post.comments_only and post.title == "如何成为优秀开发人员[4]：做正确的事"
    assert post.declared_comments == 22
    found = comments(posts)
    assert len(found) == 22 and len(post.comments) == 20 and replies(posts) == 2
    assert reply_depth(posts) == 1
    removed = [c for c in found if c.removed]
    assert len(removed) == 1 and removed[0].status == "deleted"
    assert sum(1 for c in found if c.author == "Anonymous") == 6
    assert all(c.author_uri is None for c in found if c.author == "Anonymous")
    assert all(c.published and c.published.utcoffset() == dt.timedelta(hours=8) for c in found)
    times = [c.published for c in post.comments]
    assert times == sorted(times)  # oldest first, though the feed lists newest first


def test_wordpress_wxr() -> None:
    posts, report = parse(WXR)
    assert report.format == "wxr"
    statuses = Counter(p.status for p in posts)
    assert statuses == {"published": 56, "draft": 2, "page": 21}  # 1 future + 1 draft
    found = comments(posts)
    assert len(found) == 33 and replies(posts) == 10
    assert reply_depth(posts) == 9
    marks = Counter(c.status for c in found)
    assert marks["unapproved"] == 3 and marks["trackback"] == 2 and marks["pingback"] == 2
    assert {p.title for p in posts if p.comments} >= {"Template: Comments", "Page with comments"}
    assert all(p.html is not None for p in posts)
    assert not any("<script" in (p.html or "") for p in posts)


def test_disqus_export() -> None:
    posts, report = parse(DISQUS)
    assert report.format == "disqus"
    found = comments(posts)
    assert len(found) == 209 and replies(posts) == 118
    assert reply_depth(posts) == 7
    marks = Counter(c.status for c in found)
    assert marks["deleted"] == 4 and marks["spam"] == 1
    # 736 threads, 280 without an identifier, collapse by address
    text = (CORPUS / DISQUS).read_text("utf-8")
    links = [
        html.unescape(link)
        for link in re.findall(r"<thread dsq:id=\"\d+\">.*?<link>(.*?)</link>", text, re.S)
    ]
    assert len(links) == 736
    assert len({url_key(link) for link in links}) == 466
    # the 61 threads that hold comments are fewer articles, each one post
    assert len(posts) == len({p.url_key for p in posts}) <= 61
    assert all(p.comments for p in posts)


def test_mbox_1995_list_month() -> None:
    posts, report = parse(MBOXO)
    assert report.format == "mbox"
    assert len(posts) + len(comments(posts)) == 46
    # every In-Reply-To resolves inside the file: those messages sit under their parent
    raw = (CORPUS / MBOXO).read_bytes()
    parents: dict[str, str] = {}
    for chunk in re.split(rb"\n(?=From \S)", raw):
        message = email.message_from_bytes(chunk.split(b"\n", 1)[1])
        if message["In-Reply-To"]:
            mid = message["Message-ID"].strip("<> \n")
            parents[mid] = message["In-Reply-To"].strip("<> \n")
    assert len(parents) == 8

    def walk(items: list[ParsedComment], parent_key: str) -> dict[str, str]:
        out = {}
        for item in items:
            out[item.source_key or ""] = parent_key
            out.update(walk(item.replies, item.source_key or ""))
        return out

    placed: dict[str, str] = {}
    for post in posts:
        placed.update(walk(post.comments or [], post.source_key or ""))
    for child, parent in parents.items():
        assert placed[f"mid:{child}"] == f"mid:{parent}"
    # the subject fallback: "Re: Polywell Alpha machines" has no In-Reply-To yet nests
    polywell = next(p for p in posts if p.title == "Polywell Alpha machines")
    assert sum(1 for _ in polywell.walk_comments()) >= 2
    odd = {p.title: p.published for p in posts}
    assert all(when is not None for when in odd.values())


def test_mbox_b4_thread() -> None:
    posts, _report = parse(MBOXRD)
    assert len(posts) == 1
    post = posts[0]
    assert len(comments(posts)) == 6 and reply_depth(posts) == 1  # depth 2 counting the post
    assert post.title.startswith("[PATCH 0/4]")


@pytest.mark.parametrize("name", [LEGACY, FEED, WXR, DISQUS, MBOXO, MBOXRD])
def test_each_sample_imports_and_reimports_unchanged(library, name: str) -> None:
    first = library.import_file(CORPUS / name)
    assert first.ok, first.error
    parsed = list(formats.parse(CORPUS / name))
    assert first.posts == len(parsed)
    assert first.comments_new == sum(1 for p in parsed for _ in p.walk_comments())
    before = list(library.dump())
    again = library.import_file(CORPUS / name)
    assert again.ok and not again.changed
    assert list(library.dump()) == before
    assert library.stats()["sources"] == 1
