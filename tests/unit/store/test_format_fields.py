"""What the richer formats carry, stored (migration 010_formats): authors, times as the source
states them, statuses, sanitised HTML, native ids; posts known by their native id; a Disqus
thread attached to the post of the same article; a comment feed's stand-in post replaced when
the post arrives.  Every export here is written by the test (tests/unit/formats/samples.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import ids
from reader.annotate import store as notes
from reader.store import Library, migrations
from tests.unit.formats.samples import (
    WpComment,
    WpItem,
    blogger_entry,
    blogger_feed,
    disqus,
    message,
    wxr,
)

LINK = "https://blog.example.org/2020/01/first-post/"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def wp_comments(extra: int = 0) -> list[WpComment]:
    found = [
        WpComment(10, "<p>A <b>bold</b> opening.</p>", author="Ann", url="https://ann.example"),
        WpComment(11, "An answer.", parent=10, author="Bob", date="2020-01-02 11:00:00",
                  date_gmt="2020-01-02 10:00:00"),
        WpComment(12, "Held for moderation.", approved="0", author="Cy"),
        WpComment(13, "Buy things.", approved="spam", author="Spammer"),
        WpComment(14, "Linked from elsewhere.", type="pingback", author="Other blog"),
    ]  # fmt: skip
    for n in range(extra):
        found.append(WpComment(20 + n, f"A later comment number {n}.", author=f"Late {n}"))
    return found


def wp_export(tmp_path: Path, name: str, *, extra: int = 0, title: str = "First post") -> Path:
    item = WpItem(1, title, content="<p>The <em>post</em> body.</p>", link=LINK,
                  comments=wp_comments(extra))  # fmt: skip
    return write(tmp_path, name, wxr([item]))


def rows(library: Library, sql: str, *args: object) -> list[tuple]:
    return library.conn.execute(sql, args).fetchall()


def by_text(library: Library) -> dict[str, tuple]:
    return {
        row[0]: row[1:]
        for row in rows(
            library,
            "SELECT text, id, author, author_uri, published, status, html, source_key, removed,"
            " vanished FROM comments",
        )
    }


def test_a_wordpress_export_stores_authors_times_statuses_html_and_native_ids(
    library: Library, tmp_path: Path
) -> None:
    assert library.import_file(wp_export(tmp_path, "wp.xml")).ok
    (post,) = rows(
        library,
        "SELECT id, author, published, status, html, source_key, url, url_key, comments_only"
        " FROM posts",
    )
    assert post[0] == ids.keyed_post_id("wp:blog.example.org/1")  # identity follows the id
    assert post[1:4] == ("Site Admin", "2020-01-01T12:00:00+01:00", "published")
    assert post[4] == "<p>The <em>post</em> body.</p>"
    assert post[5:] == ("wp:blog.example.org/1", LINK, "/2020/01/first-post", 0)
    stored = by_text(library)
    opening = stored["A bold opening."]
    assert opening[1:5] == ("Ann", "https://ann.example", "2020-01-02T10:00:00+01:00", "published")
    assert opening[5] == "<p>A <b>bold</b> opening.</p>"
    assert opening[6] == "wp:blog.example.org/comment/10"
    assert stored["An answer."][3] == "2020-01-02T11:00:00+01:00"
    assert stored["Held for moderation."][4] == "unapproved"
    assert stored["Buy things."][4] == "spam"
    assert stored["Linked from elsewhere."][4] == "pingback"


def test_dump_json_gains_author_published_and_status(library: Library, tmp_path: Path) -> None:
    assert library.import_file(wp_export(tmp_path, "wp.xml")).ok
    (post,) = list(library.dump())
    assert post["author"] == "Site Admin" and post["status"] == "published"
    assert post["published"] == "2020-01-01T12:00:00+01:00"
    assert {"id", "date", "title", "declared_comments", "comments"} <= set(post)  # kept
    first = post["comments"][0]
    assert (first["author"], first["published"], first["status"]) == (
        "Ann",
        "2020-01-02T10:00:00+01:00",
        "published",
    )
    assert first["replies"][0]["author"] == "Bob"
    assert {c["status"] for c in post["comments"]} == {
        "published",
        "unapproved",
        "spam",
        "pingback",
    }


def test_reimporting_changes_nothing_and_a_newer_export_adds_exactly_its_two_comments(
    library: Library, tmp_path: Path
) -> None:
    assert library.import_file(wp_export(tmp_path, "old.xml")).ok
    before = by_text(library)
    again = library.import_file(wp_export(tmp_path, "old-again.xml"))
    assert again.ok and not again.changed and again.comments_new == 0
    assert by_text(library) == before

    answer = before["An answer."][0]
    post_id = rows(library, "SELECT id FROM posts")[0][0]
    note = notes.add_annotation(library.conn, answer, 3, 9, note="kept")
    bookmark = notes.add_bookmark(library.conn, post_id)
    # the newer export also retitles the post: a post its format names keeps its identity
    newer = library.import_file(wp_export(tmp_path, "new.xml", extra=2, title="First post!"))
    assert newer.ok and newer.comments_new == 2 and newer.posts_new == 0, newer.summary()
    after = by_text(library)
    assert set(after) - set(before) == {"A later comment number 0.", "A later comment number 1."}
    assert all(after[text][0] == before[text][0] for text in before)  # same ids
    assert not any(row[8] for row in after.values())  # nothing flagged vanished
    assert after["A later comment number 1."][1] == "Late 1"
    (kept,) = notes.list_annotations(library.conn, post_id=post_id)
    assert (kept.id, kept.item_id, kept.state, kept.note) == (
        note.value.id,
        answer,
        "exact",
        "kept",
    )
    assert [b.item_id for b in notes.list_bookmarks(library.conn)] == [post_id]
    assert bookmark.value.item_id == post_id


def test_a_newer_export_updates_a_status(library: Library, tmp_path: Path) -> None:
    assert library.import_file(wp_export(tmp_path, "old.xml")).ok
    approved = wp_comments()
    approved[2] = WpComment(12, "Held for moderation.", approved="1", author="Cy")
    body = "<p>The <em>post</em> body.</p>"
    path = write(tmp_path, "new.xml", wxr([WpItem(1, "First post", body, link=LINK,
                                                 comments=approved)]))  # fmt: skip
    result = library.import_file(path)
    assert result.ok and result.changed and result.comments_new == 0
    assert by_text(library)["Held for moderation."][4] == "published"


def test_a_disqus_thread_attaches_to_the_wordpress_post_of_the_same_article(
    library: Library, tmp_path: Path
) -> None:
    assert library.import_file(wp_export(tmp_path, "wp.xml")).ok
    # the same article, opened at another host, without the trailing slash
    thread = [
        ("7", "http://localhost:4000/2020/01/first-post", "First post", "2020-01-03T00:00:00Z")
    ]
    comments = [
        {"id": "70", "thread": "7", "message": "<p>From Disqus.</p>", "author": "Dee"},
        {"id": "71", "thread": "7", "message": "A Disqus reply.", "parent": "70"},
    ]
    result = library.import_file(write(tmp_path, "disqus.xml", disqus(thread, comments)))
    assert result.ok and result.posts_new == 0 and result.posts_merged == 1
    assert result.comments_new == 2
    assert rows(library, "SELECT count(*) FROM posts") == [(1,)]
    stored = by_text(library)
    assert not any(row[8] for row in stored.values()), "WordPress comments not flagged vanished"
    assert stored["From Disqus."][1] == "Dee"
    (post,) = rows(library, "SELECT title, source_key, comment_count FROM posts")
    assert post == ("First post", "wp:blog.example.org/1", 7)  # the post's own fields stay
    again = library.import_file(write(tmp_path, "disqus-again.xml", disqus(thread, comments)))
    assert again.ok and not again.changed


def test_a_wordpress_post_arriving_after_its_disqus_thread_takes_the_threads_place(
    library: Library, tmp_path: Path
) -> None:
    thread = [("7", "https://blog.example.org/2020/01/first-post", "First post — Blog",
               "2020-01-03T00:00:00Z")]  # fmt: skip
    comments = [{"id": "70", "thread": "7", "message": "Early Disqus comment."}]
    assert library.import_file(write(tmp_path, "disqus.xml", disqus(thread, comments))).ok
    stand_in = rows(library, "SELECT id FROM posts")[0][0]
    disqus_comment = by_text(library)["Early Disqus comment."][0]
    note = notes.add_annotation(library.conn, disqus_comment, 0, 5)

    result = library.import_file(wp_export(tmp_path, "wp.xml"))
    assert result.ok and result.posts_new == 0, result.summary()
    (post,) = rows(library, "SELECT id, title, author, source_key, body FROM posts")
    assert post == (stand_in, "First post", "Site Admin", "wp:blog.example.org/1", "The post body.")
    stored = by_text(library)
    assert len(stored) == 6 and not any(row[8] for row in stored.values())
    assert notes.list_annotations(library.conn)[0].id == note.value.id
    # both files again: nothing changes, still one post
    for path in (tmp_path / "disqus.xml", tmp_path / "wp.xml"):
        assert not library.import_file(path).changed
    assert rows(library, "SELECT count(*) FROM posts") == [(1,)]


def feed(entries: list[str]) -> bytes:
    """A per-post comment feed, as Blogger serves ``…/<post>/comments/default``."""
    head = (
        "<link rel='alternate' type='text/html' href='http://blog.example.org/2011/01/post-1.html'/>"
        "<openSearch:totalResults>2</openSearch:totalResults>"
    )
    return blogger_feed(entries, feed_id="tag:blogger.com,1999:blog-42.post-1..comments", head=head)


def test_a_blogger_comment_feed_merges_when_its_post_arrives(
    library: Library, tmp_path: Path
) -> None:
    comments = [
        blogger_entry("5", "comment", content="First!", post="1", author="Fay",
                      published="2011-07-14T08:00:00.000+08:00"),
        blogger_entry("6", "comment", content="Reply to Fay.", post="1", parent="5"),
    ]  # fmt: skip
    only = library.import_file(write(tmp_path, "feed.xml", feed(comments)))
    assert only.ok and only.posts_new == 1, only.summary()
    (stand_in,) = rows(library, "SELECT id, comments_only, body FROM posts")
    assert stand_in[1:] == (1, "")
    assert next(iter(library.dump()))["comments_only"] is True
    first = by_text(library)["First!"]
    assert first[1:4] == ("Fay", "https://www.blogger.com/profile/1", "2011-07-14T08:00:00+08:00")
    notes.add_annotation(library.conn, first[0], 0, 5, note="on the feed")

    backup = [
        blogger_entry("1", "post", title="The real title", content="<p>The post.</p>", total=2),
        *comments,
    ]
    result = library.import_file(write(tmp_path, "backup.xml", blogger_feed(backup)))
    assert result.ok and result.posts_new == 0 and result.comments_new == 0, result.summary()
    (post,) = rows(library, "SELECT id, title, body, comments_only, declared_comments FROM posts")
    assert post == (stand_in[0], "The real title", "The post.", 0, 2)
    assert by_text(library)["First!"][0] == first[0]
    assert notes.list_annotations(library.conn)[0].note == "on the feed"
    assert "comments_only" not in next(iter(library.dump()))
    # the feed again, after the post: the post stays the post
    assert not library.import_file(tmp_path / "feed.xml").changed
    assert rows(library, "SELECT title, comments_only FROM posts") == [("The real title", 0)]


def test_a_removed_blogger_comment_is_stored_deleted(library: Library, tmp_path: Path) -> None:
    entries = [
        blogger_entry("1", "post", title="Post", content="x"),
        blogger_entry("2", "comment", content="This comment has been removed by the author.",
                      post="1", removed=True),
    ]  # fmt: skip
    assert library.import_file(write(tmp_path, "b.xml", blogger_feed(entries))).ok
    (row,) = rows(library, "SELECT removed, status FROM comments")
    assert row == (1, "deleted")


def test_mail_threads_are_known_by_their_root_message_id(library: Library, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "list.mbox",
        message("root@x", "Question", "How?", sender="Ann Example <ann@example.org>")
        + message("re@x", "Re: Question", "Like this.", in_reply_to="root@x",
                  sender="Bob <bob@example.org>", date="Tue, 19 Sep 95 09:00:00 +0200"),
    )  # fmt: skip
    assert library.import_file(path).ok
    assert rows(library, "SELECT id, author FROM posts") == [
        (ids.keyed_post_id("mid:root@x"), "Ann Example")
    ]
    assert rows(library, "SELECT author, published, source_key FROM comments") == [
        ("Bob", "1995-09-19T09:00:00+02:00", "mid:re@x")
    ]


def test_an_opened_thread_carries_every_stored_field_of_every_comment(
    library: Library, tmp_path: Path
) -> None:
    """The window's thread comes from ``Library.thread``, which reads the richer fields by a
    second query for only the comments that have any: a plain comment keeps the defaults, and
    each rich one gets exactly its row (an edit of a plain one brings its revisions too)."""
    assert library.import_file(wp_export(tmp_path, "wp.xml")).ok
    columns = "revisions, revision, published, status, html, author_uri, source_key"
    ((post_id,),) = rows(library, "SELECT id FROM posts")
    stored = {r[0]: r[1:] for r in rows(library, f"SELECT id, {columns} FROM comments")}
    thread = library.thread(post_id)
    shown = {
        c.id: (c.revisions, c.revision, c.published, c.status, c.html, c.author_uri, c.source_key)
        for c in thread.walk_comments()
    }
    assert shown == stored and len(shown) == 5
    assert {c.status for c in thread.walk_comments()} == {"published", "unapproved", "spam",
                                                           "pingback"}  # fmt: skip


def test_plain_text_dumps_keep_their_ids_and_empty_fields(library: Library, dump_files) -> None:
    assert library.import_file(dump_files[0]).ok
    for post_id, date, title, status, source_key in rows(
        library, "SELECT id, date, title, status, source_key FROM posts"
    ):
        import datetime as dt

        assert post_id == ids.post_id(dt.date.fromisoformat(date), title)
        assert (status, source_key) == ("published", None)
    assert rows(library, "SELECT DISTINCT status, published, html FROM comments") == [
        ("published", None, None)
    ]


def test_a_library_from_before_010_opens_with_the_new_fields_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "lib"
    before = [m for m in migrations.MIGRATIONS if m[0] < "010"]
    monkeypatch.setattr(migrations, "MIGRATIONS", before)
    with Library.open(folder) as old:
        old.conn.execute(
            "INSERT INTO posts(id, date, title, body, added_at) VALUES"
            " ('p1', '2020-01-01', 't', 'b', 'then')"
        )
        old.conn.commit()
    monkeypatch.undo()
    with Library.open(folder) as library:
        assert "010_formats" not in migrations.pending(library.conn)
        post = library.thread("p1")
        assert (post.status, post.published, post.html, post.author) == (
            "published",
            None,
            None,
            None,
        )
        assert next(iter(library.dump()))["status"] == "published"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("author:ann", {"A bold opening."}),
        ("by:Spammer", {"Buy things."}),
        ("status:spam", {"Buy things."}),
        ("is:unapproved", {"Held for moderation."}),
        ("status:pingback", {"Linked from elsewhere."}),
        ("answer author:bob", {"An answer."}),
    ],
)
def test_search_by_author_and_status(library: Library, tmp_path: Path, query, expected) -> None:
    from reader.search import open_index
    from reader.search.scan import scan_search

    assert library.import_file(wp_export(tmp_path, "wp.xml")).ok
    texts = dict(rows(library, "SELECT id, text FROM comments"))
    index = open_index(library)
    try:
        index.update()
        results = index.search(query, limit=50)
    finally:
        index.close()
    assert {texts.get(hit.item_id) for hit in results.hits} == expected
    scanned = scan_search(library.conn, query, limit=50)  # the read-only fallback agrees
    assert {texts.get(hit.item_id) for hit in scanned.hits} == expected


def test_an_unknown_status_is_a_notice_not_an_error() -> None:
    from reader.search.query import parse_query

    parsed = parse_query("status:banana word")
    assert parsed.notices and "status:banana" in parsed.notices[0]


def test_a_disqus_thread_attaches_to_a_blogger_post_by_its_permalink(
    library: Library, tmp_path: Path
) -> None:
    entries = [
        blogger_entry("1", "post", title="Blogger post", content="<p>Body.</p>"),
        blogger_entry("2", "comment", content="A Blogger comment.", post="1"),
    ]
    assert library.import_file(write(tmp_path, "b.xml", blogger_feed(entries))).ok
    thread = [("7", "https://www.blog.example.org/2011/01/post-1.html", "Blogger post",
               "2011-08-01T00:00:00Z")]  # fmt: skip
    comments = [{"id": "70", "thread": "7", "message": "Via Disqus."}]
    result = library.import_file(write(tmp_path, "d.xml", disqus(thread, comments)))
    assert result.ok and result.posts_new == 0 and result.comments_new == 1, result.summary()
    assert rows(library, "SELECT count(*), sum(comment_count) FROM posts") == [(1, 2)]


def _generations(fmt: str, count: int) -> bytes:
    """An export of one thread with ``count`` comments, in ``fmt``: each newer export of the
    same blog holds the earlier comments and more."""
    texts = [f"Comment number {n} says something." for n in range(count)]
    if fmt == "wxr":
        return wxr([WpItem(1, "Thread", comments=[WpComment(10 + n, t) for n, t in
                                                   enumerate(texts)])])  # fmt: skip
    if fmt == "blogger":
        entries = [blogger_entry("1", "post", title="Thread", content="Body.")]
        entries += [blogger_entry(str(10 + n), "comment", content=t, post="1")
                    for n, t in enumerate(texts)]  # fmt: skip
        return blogger_feed(entries)
    if fmt == "disqus":
        thread = [("7", "https://e.org/p/thread", "Thread", "2020-01-01T00:00:00Z")]
        return disqus(thread, [{"id": str(70 + n), "thread": "7", "message": t,
                                "created": f"2020-01-0{n + 2}T00:00:00Z"}
                               for n, t in enumerate(texts)])  # fmt: skip
    data = message("root@x", "Thread", "The question.")
    for n, text in enumerate(texts):
        data += message(f"r{n}@x", "Re: Thread", text, in_reply_to="root@x",
                        date=f"Tue, {19 + n} Sep 1995 09:00:00 +0200")  # fmt: skip
    return data


@pytest.mark.parametrize("fmt", ["wxr", "blogger", "disqus", "mbox"])
def test_every_format_a_newer_export_adds_exactly_two_comments_and_keeps_marks(
    library: Library, tmp_path: Path, fmt: str
) -> None:
    old = write(tmp_path, f"old.{fmt}", _generations(fmt, 3))
    assert library.import_file(old).ok
    assert not library.import_file(old).changed
    before = by_text(library)
    target = before["Comment number 1 says something."][0]
    note = notes.add_annotation(library.conn, target, 0, 7, note="mine")
    notes.add_bookmark(library.conn, target)
    result = library.import_file(write(tmp_path, f"new.{fmt}", _generations(fmt, 5)))
    assert result.ok and result.comments_new == 2 and result.posts_new == 0, result.summary()
    after = by_text(library)
    assert set(after) - set(before) == {
        "Comment number 3 says something.",
        "Comment number 4 says something.",
    }
    assert all(after[text][0] == before[text][0] for text in before)
    assert not any(row[8] or row[7] for row in after.values())
    (kept,) = notes.list_annotations(library.conn)
    assert (kept.id, kept.item_id, kept.state) == (note.value.id, target, "exact")
    assert [b.item_id for b in notes.list_bookmarks(library.conn)] == [target]


def test_one_page_of_a_paginated_comment_feed_flags_nothing_vanished(
    library: Library, tmp_path: Path
) -> None:
    comments = [
        blogger_entry(str(5 + n), "comment", content=f"Feed comment {n}.", post="1")
        for n in range(3)
    ]
    backup = [blogger_entry("1", "post", title="Post", content="Body.", total=3), *comments]
    assert library.import_file(write(tmp_path, "backup.xml", blogger_feed(backup))).ok
    head = (
        "<link rel='alternate' type='text/html' href='http://blog.example.org/2011/01/post-1.html'/>"
        "<openSearch:totalResults>3</openSearch:totalResults>"
    )
    page = blogger_feed(comments[:1], feed_id="tag:blogger.com,1999:blog-42.post-1..comments",
                        head=head)  # fmt: skip
    result = library.import_file(write(tmp_path, "page1.xml", page))
    assert result.ok and result.comments_vanished == 0 and result.posts_new == 0
    assert rows(library, "SELECT count(*) FROM comments WHERE vanished = 1") == [(0,)]
