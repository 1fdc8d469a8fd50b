"""Read-side queries: post lists, whole threads, single items, counts and the JSON dump.

Functions take a plain ``sqlite3.Connection`` so any thread can call them on its own
connection.  The post list reads only summary columns; bodies and comments are loaded per
thread, which keeps a 10,000-post library quick to open.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reader.errors import NotFound
from reader.model import Comment, Post


@dataclass(slots=True)
class PostSummary:
    """One row of the posts list (not frozen: a frozen dataclass builds ~2x slower, and the
    window builds 10,000 of these at start-up)."""

    id: str
    date: dt.date
    title: str
    declared_comments: int | None
    comment_count: int
    new_count: int
    has_comments: bool


_NEW_SINCE_READ = (
    "c.is_new = 1 AND c.added_stamp >"
    " coalesce((SELECT r.read_stamp FROM read_state r WHERE r.post_id = c.post_id), -1)"
)
"""A comment is new when a later import added it (``is_new``) after the reader last opened
its thread (the read mark's stamp, in the user-data file: marking read never writes here)."""


def post_summaries(conn: sqlite3.Connection) -> list[PostSummary]:
    """Every post, newest first, with present and new comment counts."""
    new_counts = dict(
        conn.execute(
            f"SELECT c.post_id, count(*) FROM comments c WHERE {_NEW_SINCE_READ} GROUP BY c.post_id"
        ).fetchall()
    )
    rows = conn.execute(
        "SELECT id, date, title, declared_comments, comment_count, has_comments FROM posts"
        " ORDER BY date DESC, title"
    ).fetchall()
    return [
        PostSummary(
            row[0],
            dt.date.fromisoformat(row[1]),
            row[2],
            row[3],
            row[4],
            new_counts.get(row[0], 0),
            bool(row[5]),
        )
        for row in rows
    ]


def load_post(conn: sqlite3.Connection, post_id: str, *, with_comments: bool = True) -> Post:
    """A post with its whole comment tree in stored order; ``NotFound`` for an unknown id."""
    row = conn.execute(
        "SELECT p.id, p.date, p.title, p.body, p.declared_comments, p.comment_count, s.path,"
        " p.revisions, p.revision, p.author, p.published, p.status, p.html, p.author_uri,"
        " p.source_key, p.url, p.comments_only"
        " FROM posts p LEFT JOIN sources s ON s.id = p.source_id WHERE p.id = ?",
        [post_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"no post with id {post_id!r}")
    post = Post(
        id=row[0],
        date=dt.date.fromisoformat(row[1]),
        title=row[2],
        body=row[3],
        declared_comments=row[4],
        comment_count=row[5],
        source=row[6],
        revisions=row[7],
        revision=row[8],
        author=row[9],
        published=row[10],
        status=row[11],
        html=row[12],
        author_uri=row[13],
        source_key=row[14],
        url=row[15],
        comments_only=bool(row[16]),
    )
    if with_comments:
        post.comments, post.new_count = _comment_tree(conn, post_id)
    return post


_RICH = (
    "(revisions != 0 OR published IS NOT NULL OR status != 'published' OR html IS NOT NULL"
    " OR author_uri IS NOT NULL OR source_key IS NOT NULL)"
)
"""Whether a comment row holds anything beyond what a plain-text dump gives (SQL)."""


def _comment_tree(conn: sqlite3.Connection, post_id: str) -> tuple[list[Comment], int]:
    """The post's top-level comments with their replies attached, and how many are new.

    Opening a 1,000-comment thread in the window starts here, so: one query for what every
    comment has, positional arguments (a dataclass ``__init__`` with nine keywords costs twice
    as much), and the new count taken from the rows rather than from a walk over the tree
    afterwards.  What only richer formats (or a second dump) give — revisions, times, status,
    HTML — is read by a second query for just the comments the first flags as having any: a
    plain-text thread never pays for seven more columns of NULLs."""
    read = conn.execute("SELECT read_stamp FROM read_state WHERE post_id = ?", [post_id])
    seen = read.fetchone()
    rows = conn.execute(
        "SELECT id, parent_id, position, path, text, removed, vanished,"
        " is_new AND added_stamp > ?, author, " + _RICH + " FROM comments"
        " WHERE post_id = ? ORDER BY position",
        [seen[0] if seen else -1, post_id],
    ).fetchall()
    by_id: dict[str, Comment] = {}
    new = rich = 0
    for cid, parent_id, position, path, text, removed, vanished, is_new, author, more in rows:
        # Comment(id, post_id, parent_id, position, path, text, removed, vanished, is_new,
        # author): the field order of reader.model.Comment
        by_id[cid] = Comment(
            cid,
            post_id,
            parent_id,
            position,
            path,
            text,
            bool(removed),
            bool(vanished),
            bool(is_new),
            author,
        )
        new += is_new
        rich += more
    if rich:
        for cid, *extra in conn.execute(
            "SELECT id, revisions, revision, published, status, html, author_uri, source_key"
            " FROM comments WHERE post_id = ? AND " + _RICH,
            [post_id],
        ):
            comment = by_id[cid]
            (
                comment.revisions,
                comment.revision,
                comment.published,
                comment.status,
                comment.html,
                comment.author_uri,
                comment.source_key,
            ) = extra
    roots: list[Comment] = []
    for comment in by_id.values():  # rows come ordered by position, so siblings stay in order
        if comment.parent_id is None:
            roots.append(comment)
        else:
            by_id[comment.parent_id].replies.append(comment)
    return roots, new


@dataclass(slots=True, frozen=True)
class ItemRef:
    """Where a post or comment sits: enough to open it and to cite it."""

    id: str
    kind: str  # "post" or "comment"
    post_id: str
    post_title: str
    post_date: dt.date
    path: str  # "" for a post
    text: str


def item(conn: sqlite3.Connection, item_id: str) -> ItemRef:
    """A post or comment by its stable id; ``NotFound`` if the library has no such item."""
    row = conn.execute(
        "SELECT c.id, 'comment', c.post_id, p.title, p.date, c.path, c.text"
        " FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = ?",
        [item_id],
    ).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT id, 'post', id, title, date, '', body FROM posts WHERE id = ?", [item_id]
        ).fetchone()
    if row is None:
        raise NotFound(f"no post or comment with id {item_id!r}")
    return ItemRef(row[0], row[1], row[2], row[3], dt.date.fromisoformat(row[4]), row[5], row[6])


def stats(conn: sqlite3.Connection) -> dict[str, int]:
    """Counts for ``archive-reader stats`` and the status bar."""
    one = conn.execute
    return {
        "sources": one("SELECT count(*) FROM sources").fetchone()[0],
        "posts": one("SELECT count(*) FROM posts").fetchone()[0],
        "comments": one("SELECT count(*) FROM comments WHERE parent_id IS NULL").fetchone()[0],
        "replies": one("SELECT count(*) FROM comments WHERE parent_id IS NOT NULL").fetchone()[0],
        "removed": one("SELECT count(*) FROM comments WHERE removed = 1").fetchone()[0],
        "vanished": one("SELECT count(*) FROM comments WHERE vanished = 1").fetchone()[0],
        "new": one(f"SELECT count(*) FROM comments c WHERE {_NEW_SINCE_READ}").fetchone()[0],
    }


def new_comment_count(conn: sqlite3.Connection, post_id: str) -> int:
    """How many of the post's comments are new since the reader last opened it."""
    count: int = conn.execute(
        f"SELECT count(*) FROM comments c WHERE c.post_id = ? AND {_NEW_SINCE_READ}", [post_id]
    ).fetchone()[0]
    return count


def _comment_json(comment: Comment) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": comment.id,
        "text": comment.text,
        "removed": comment.removed,
        "replies": [_comment_json(reply) for reply in comment.replies],
    }
    if comment.revisions:
        data["revisions"] = comment.revisions
        data["revision"] = comment.revision
    if comment.vanished:
        data["vanished"] = True
    if comment.is_new:
        data["new"] = True
    _details_json(data, comment.author, comment.published, comment.status)
    return data


def _details_json(
    data: dict[str, Any], author: str | None, published: str | None, status: str
) -> None:
    """Extended, not changed: ``author``, ``published`` (ISO 8601 with the source's offset,
    or null) and ``status`` (one of ``reader.model.STATUSES``) on every post and comment."""
    data["author"] = author
    data["published"] = published
    data["status"] = status


def post_json(post: Post) -> dict[str, Any]:
    """The ``dump --json`` shape of one post (a contract other tools rely on: extend only)."""
    data: dict[str, Any] = {
        "id": post.id,
        "date": post.date.isoformat(),
        "title": post.title,
        "declared_comments": post.declared_comments,
        "comments": [_comment_json(comment) for comment in post.comments],
    }
    if post.revisions:  # extended, not changed: only items with several texts carry these
        data["revisions"] = post.revisions
        data["revision"] = post.revision
    _details_json(data, post.author, post.published, post.status)
    if post.comments_only:
        data["comments_only"] = True
    return data


def dump(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Every post, newest first, in the ``dump --json`` shape, one at a time."""
    ids = [row[0] for row in conn.execute("SELECT id FROM posts ORDER BY date DESC, title")]
    for post_id in ids:
        yield post_json(load_post(conn, post_id))
