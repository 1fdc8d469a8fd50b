"""One file's import in progress: its state inside the transaction and the rows it writes.

``ImportBatch`` is what the post merge (``reader.store.post_merge``) and the comment merge
(``reader.store.comment_merge``) share: the connection, this import's stamp, source row and
result, the rows queued for insertion (written ``FLUSH_ROWS`` at a time, posts before
comments), and the ids comments are known by.  The helpers here (``family``, ``iso``) are the
small rules both merges apply the same way.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from reader import ids
from reader.model import ParsedComment
from reader.store import revisions
from reader.store.import_result import ImportResult, RevisedItem

FLUSH_ROWS = 5000


def family(source_key: str | None) -> str | None:
    """Which kind of source a native key comes from ("wp", "disqus", "tag" for Blogger, "mid"
    for mail; None for the plain-text dump): comments from one kind never flag another
    kind's comments of the same post as gone."""
    if source_key is None:
        return None
    return source_key.split(":", 1)[0]


def iso(when: dt.datetime | None) -> str | None:
    """A time as the source stated it: ISO 8601 with its offset (none for an unknown zone)."""
    return when.isoformat() if when is not None else None


class ImportBatch:
    """The state of one file's import, inside its transaction."""

    def __init__(self, conn: sqlite3.Connection, result: ImportResult, source_id: int, stamp: int):
        self.conn = conn
        self.result = result
        self.source_id = source_id
        self.stamp = stamp
        self.now = revisions.now_iso()
        self.post_rows: list[tuple[object, ...]] = []
        self.comment_rows: list[tuple[object, ...]] = []
        # Every post id stored or queued: a post not in it is new without asking SQLite (a
        # heavy library's 10,000 ids take a few milliseconds to load and ~1 MB to hold).
        self.known_ids: set[str] = {row[0] for row in conn.execute("SELECT id FROM posts")}
        self.titles: dict[str, str] = {}
        self.key_ranks: dict[str, int] = {}  # native ids seen in the post being added
        self.keys: dict[str, str] = {}  # native post keys met in this file -> post ids
        self.urls: dict[str, list[tuple[str, str | None, str | None]]] = {}  # queued url_keys

    # -- writing ---------------------------------------------------------------------------

    def note_revision(
        self, item_id: str, post_id: str, number: int, shown: bool, reason: str | None
    ) -> None:
        title = self.titles.get(post_id)
        if title is None:
            row = self.conn.execute("SELECT title FROM posts WHERE id = ?", [post_id]).fetchone()
            title = self.titles[post_id] = row[0] if row else ""
        self.result.revised.append(RevisedItem(item_id, post_id, title, number, shown, reason))

    def flush(self) -> None:
        if self.post_rows:
            self.conn.executemany(
                "INSERT INTO posts(id, date, title, body, declared_comments, has_comments,"
                " comment_count, author, source_id, added_at, stamp, author_uri, published,"
                " status, html, source_key, url, url_key, comments_only)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                self.post_rows,
            )
            self.post_rows.clear()
        if self.comment_rows:
            self.conn.executemany(
                "INSERT INTO comments(id, post_id, parent_id, position, path, text, removed,"
                " vanished, is_new, author, source_id, added_at, stamp, added_stamp,"
                " author_uri, published, status, html, source_key)"
                " VALUES (?,?,?,?,?,?,?,0,?,?,?,?,?,?,?,?,?,?,?)",
                self.comment_rows,
            )
            self.comment_rows.clear()

    def queue_tree(
        self,
        post_id: str,
        parent_id: str | None,
        parent_path: str,
        children: list[ParsedComment],
        is_new: int,
    ) -> int:
        """Queue a fresh subtree for insertion; returns how many comments it holds."""
        rows = self.comment_rows
        count = len(children)
        child_ids = self.child_ids(post_id, parent_id, children)[0]
        prefix = f"{parent_path}." if parent_path else ""
        source_id, now, stamp = self.source_id, self.now, self.stamp
        for position, (cid, comment) in enumerate(zip(child_ids, children, strict=True), 1):
            path = f"{prefix}{position}"
            rows.append(
                (
                    cid,
                    post_id,
                    parent_id,
                    position,
                    path,
                    comment.text,
                    int(comment.removed),
                    is_new,
                    comment.author,
                    source_id,
                    now,
                    stamp,
                    stamp,
                    comment.author_uri,
                    iso(comment.published),
                    comment.status,
                    comment.html,
                    comment.source_key,
                )
            )
            if comment.replies:
                count += self.queue_tree(post_id, cid, path, comment.replies, is_new)
        return count

    def child_ids(
        self, post_id: str, parent_id: str | None, children: list[ParsedComment]
    ) -> tuple[list[str], list[str]]:
        """(ids, text-based ids) of the comments directly under ``parent_id``: a comment its
        format names (``source_key``) is known by that name (``ids.keyed_comment_id``), any
        other by its text; the text-based ids find such a comment imported before it was."""
        text_ids = ids.sibling_ids(post_id, parent_id, [c.text for c in children])
        if not any(c.source_key for c in children):
            return text_ids, text_ids
        found = []
        for comment, text_id in zip(children, text_ids, strict=True):
            key = comment.source_key
            if not key:
                found.append(text_id)
                continue
            rank = self.key_ranks.get(key, 0)
            self.key_ranks[key] = rank + 1
            found.append(ids.keyed_comment_id(post_id, key, rank))
        return found, text_ids

    # -- what the post and comment merges share -------------------------------------------

    def add_revision(self, item_id: str, text: str, shown: bool, reason: str | None) -> int:
        return revisions.add(
            self.conn,
            item_id,
            text,
            source_id=self.source_id,
            stamp=self.stamp,
            now=self.now,
            current=shown,
            reason=reason,
        )

    def refresh_count(self, pid: str) -> None:
        self.conn.execute(
            "UPDATE posts SET comment_count ="
            " (SELECT count(*) FROM comments WHERE post_id = ? AND vanished = 0) WHERE id = ?",
            [pid, pid],
        )
