"""Importing one dump file into the store: all-or-nothing, idempotent, merging overlapping dumps.

Every file is one transaction.  Posts are matched by their stable id (date + normalised title),
comments by theirs (post, parent, normalised text, rank among identical siblings; or, when the
format names the comment -- a WordPress comment_id, a Disqus id, a Message-ID -- post and that
name, so an edited comment in a newer export is the same comment), so importing
the same file twice writes nothing, a listing page and a post's own page become one post, and a
later dump of a post adds exactly the comments that are new.  Comments a later dump no longer
shows are flagged ``vanished`` and kept (a page cut at "Load more..." flags none: it shows only
the first comments); a comment later replaced by Blogger's deletion placeholder keeps its id
and its text and is flagged ``removed``.  A different text for a stored item is never written
over the old one: it becomes a revision (``reader.store.revisions``), shown or, when it looks
damaged, kept aside.

Each import bumps the library's change stamp and writes it on every row it touches, so the
search index can catch up on exactly what changed.  A comment's stamp never runs ahead of its
post's (stamping a comment always stamps its post): only posts' stamps are indexed, and readers
find changed comments through their posts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from reader import formats, ids
from reader.changes import NOTHING, Changes
from reader.errors import DumpError, ReaderError
from reader.formats.urls import url_key
from reader.model import ParsedComment, ParsedPost
from reader.plurals import plural
from reader.store import revisions
from reader.store.tx import transaction

ProgressFn = Callable[[float | None, str], None]
FLUSH_ROWS = 5000


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


class Cancelled(ReaderError):
    """The user cancelled; the file's transaction was rolled back."""


@dataclass(frozen=True, slots=True)
class RevisedItem:
    """An item to which this import brought a different text (kept as a revision).

    ``shown``: the new text is what the library shows now (an edit upstream); otherwise it was
    kept aside (``reason`` says why it looks damaged) and the earlier text is still shown.
    """

    item_id: str
    post_id: str
    title: str
    number: int
    shown: bool
    reason: str | None = None

    def line(self) -> str:
        kind = "post" if self.item_id == self.post_id else "comment"
        where = f"{kind} {self.item_id} in “{self.title}”"
        if self.shown:
            return f"  {where}: edited upstream; the new text is shown (revision {self.number})"
        return (
            f"  {where}: a different text kept aside, not shown — {self.reason}"
            f" (see: archive-reader revisions show {self.item_id})"
        )


@dataclass
class ImportResult:
    """What importing one file did, for the CLI's report and the window's refresh."""

    path: Path
    ok: bool = False
    format: str = ""
    encoding: str = ""
    posts: int = 0
    posts_new: int = 0
    posts_merged: int = 0
    posts_updated: int = 0
    comments: int = 0
    comments_new: int = 0
    comments_vanished: int = 0
    stamp: int = 0
    sha256: str = ""
    error: str | None = None
    line: int | None = None
    cancelled: bool = False
    skipped: bool = False
    warnings: list[str] = field(default_factory=list)
    changed_post_ids: list[str] = field(default_factory=list)  # new ones included
    added_post_ids: list[str] = field(default_factory=list)
    revised: list[RevisedItem] = field(default_factory=list)
    """Items this import gave a different text (shown, or kept aside as damaged-looking);
    their threads are in ``changed_post_ids``."""

    @property
    def changed(self) -> bool:
        return bool(self.changed_post_ids)

    @property
    def revised_item_ids(self) -> list[str]:
        """Items whose shown text this import changed (an edit upstream)."""
        return [r.item_id for r in self.revised if r.shown]

    @property
    def kept_aside_item_ids(self) -> list[str]:
        """Items for which this import's text looked damaged and was kept aside."""
        return [r.item_id for r in self.revised if not r.shown]

    def details(self, limit: int = 20) -> list[str]:
        """Lines naming each item whose text changed, for the report under ``summary``."""
        lines = [r.line() for r in self.revised[:limit]]
        if len(self.revised) > limit:
            lines.append(
                f"  … and {len(self.revised) - limit} more (see: archive-reader revisions list)"
            )
        return lines

    @property
    def changes(self) -> Changes:
        """What the import changed in the library (nothing unless it committed)."""
        if not self.ok or not self.changed_post_ids:
            return NOTHING
        added = frozenset(self.added_post_ids)
        return Changes(
            posts_added=added,
            posts_changed=frozenset(self.changed_post_ids) - added,
            sources=frozenset({str(self.path)}),
        )

    def summary(self) -> str:
        """One line for the CLI and the window's report."""
        if self.cancelled:
            return f"{self.path}: cancelled, nothing imported"
        if self.skipped:
            return f"{self.path}: skipped ({self.error})"
        if not self.ok:
            return self.error or f"{self.path}: failed"
        text = (
            f"{self.path}: {plural(self.posts, 'post')} ({self.posts_new} new, "
            f"{self.posts_merged} merged), {plural(self.comments_new, 'new comment')}"
        )
        if self.comments_vanished:
            text += f", {self.comments_vanished} no longer in the dump (kept)"
        if self.revised_item_ids:
            text += f", {len(self.revised_item_ids)} edited upstream (new text shown)"
        if self.kept_aside_item_ids:
            text += (
                f", {len(self.kept_aside_item_ids)} different text(s) that look damaged"
                " kept aside (not shown)"
            )
        if not self.changed:
            text += " — already up to date"
        if self.encoding and self.encoding != "utf-8":
            text += f" [read as {self.encoding}]"
        return text


def family(source_key: str | None) -> str | None:
    """Which kind of source a native key comes from ("wp", "disqus", "tag" for Blogger, "mid"
    for mail; None for the plain-text dump): comments from one kind never flag another
    kind's comments of the same post as gone."""
    if source_key is None:
        return None
    return source_key.split(":", 1)[0]


def _iso(when: dt.datetime | None) -> str | None:
    """A time as the source stated it: ISO 8601 with its offset (none for an unknown zone)."""
    return when.isoformat() if when is not None else None


def _one_page_of_many(post: ParsedPost) -> bool:
    """A comment feed holding fewer comments than it declares (one page of a paginated
    feed): like a "Load more..." page, it says nothing about the comments it does not hold."""
    declared = post.declared_comments
    return (
        post.comments_only
        and declared is not None
        and sum(1 for _ in post.walk_comments()) < declared
    )


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = urlsplit(url if "://" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class _Incoming:
    """An incoming comment with its resolved id and parent."""

    id: str
    parent_id: str | None
    comment: ParsedComment


class _Importer:
    """The state of one file's import, inside its transaction."""

    def __init__(self, conn: sqlite3.Connection, result: ImportResult, source_id: int, stamp: int):
        self.conn = conn
        self.result = result
        self.source_id = source_id
        self.stamp = stamp
        self.now = _now()
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

    def _queue_tree(
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
                    _iso(comment.published),
                    comment.status,
                    comment.html,
                    comment.source_key,
                )
            )
            if comment.replies:
                count += self._queue_tree(post_id, cid, path, comment.replies, is_new)
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

    # -- merging ---------------------------------------------------------------------------

    def resolve(self, post: ParsedPost) -> str:
        """The id ``post`` is stored under: for a post its format names (``source_key``) the
        post stored with that key, else the post of the same article from another source
        (``_same_article``: a Disqus thread and the WordPress or Blogger post it discussed),
        else the id of the key (``ids.keyed_post_id``); for any other post its date and title."""
        key = post.source_key
        if key is None:
            return ids.post_id(post.date, post.title)
        pid = self.keys.get(key)
        if pid is None:
            row = self.conn.execute(
                "SELECT id FROM posts WHERE source_key = ? LIMIT 1", [key]
            ).fetchone()
            pid = row[0] if row else None
        if pid is None and post.url_key:
            pid = self._same_article(post)
        if pid is None:
            pid = ids.keyed_post_id(key)
        self.keys[key] = pid
        return pid

    def _same_article(self, post: ParsedPost) -> str | None:
        """A post of the same article (same ``url_key``) that came from the other side: for a
        Disqus thread a post from WordPress or Blogger, for those a post made from a Disqus
        thread.  Several: the one on the same host, else the first stored."""
        disqus = family(post.source_key) == "disqus"
        rows = list(self.urls.get(post.url_key or "", ()))
        rows += self.conn.execute(
            "SELECT id, source_key, url FROM posts WHERE url_key = ? ORDER BY added_at, id",
            [post.url_key],
        ).fetchall()
        found = [
            (pid, url)
            for pid, key, url in rows
            if key is not None and (family(key) == "disqus") != disqus
        ]
        if not found:
            return None
        host = _host(post.url)
        return next((pid for pid, url in found if host and _host(url) == host), found[0][0])

    def add(self, post: ParsedPost) -> None:
        if post.url and not post.url_key:  # a Blogger post: its permalink is its article
            post.url_key = url_key(post.url)
        pid = self.resolve(post)
        self.key_ranks.clear()
        result = self.result
        result.posts += 1
        has = post.comments is not None
        if pid not in self.known_ids:
            # flush() writes posts before comments, so queuing order does not matter for the FK
            count = self._queue_tree(pid, None, "", post.comments or [], 0)
            self.post_rows.append(
                (
                    pid,
                    post.date.isoformat(),
                    post.title,
                    post.body,
                    post.declared_comments,
                    int(has),
                    count,
                    post.author,
                    self.source_id,
                    self.now,
                    self.stamp,
                    post.author_uri,
                    _iso(post.published),
                    post.status,
                    post.html,
                    post.source_key,
                    post.url,
                    post.url_key,
                    int(post.comments_only),
                )
            )
            if post.url_key:
                self.urls.setdefault(post.url_key, []).append((pid, post.source_key, post.url))
            self.known_ids.add(pid)
            result.posts_new += 1
            result.comments += count
            result.comments_new += count
            result.changed_post_ids.append(pid)
            result.added_post_ids.append(pid)
            if len(self.comment_rows) >= FLUSH_ROWS or len(self.post_rows) >= FLUSH_ROWS:
                self.flush()
            return
        self.flush()  # the post may be queued: this file holds it twice (a listing and its page)
        row = self.conn.execute(
            "SELECT body, declared_comments, has_comments, revisions, comments_only, source_key,"
            " status, author, author_uri, published, url, url_key, html"
            " FROM posts WHERE id = ?",
            [pid],
        ).fetchone()
        result.posts_merged += 1
        self.titles.setdefault(pid, post.title)
        stored_family = family(row[5])
        incoming_family = family(post.source_key)
        if (row[4] and not post.comments_only) or (
            stored_family == "disqus" and incoming_family not in ("disqus", None)
        ):
            changed = self._replace_post(pid, post, row)  # the post a thread stood in for
        elif post.comments_only or (incoming_family == "disqus" and stored_family != "disqus"):
            changed = self._fill_post(pid, post, row)  # comments only: the post is elsewhere
        else:
            changed = self._merge_post_fields(pid, post, row)
            changed |= self._merge_details(pid, post, row)
        if has:
            changed |= self._merge_comments(
                pid,
                post.comments or [],
                had_comments=bool(row[2]),
                partial=post.more_comments or _one_page_of_many(post),
                families={incoming_family} | {family(c.source_key) for c in post.walk_comments()},
            )
        if changed:
            result.posts_updated += 1
            result.changed_post_ids.append(pid)
            self.conn.execute("UPDATE posts SET stamp = ? WHERE id = ?", [self.stamp, pid])

    def _replace_post(self, pid: str, post: ParsedPost, row: tuple[Any, ...]) -> bool:
        """The post arrives where a stand-in stood (a Blogger comment feed's "comments only"
        post, or a post made from a Disqus thread): its title, date, body and details take
        the stand-in's place under the same id, so marks on its comments stay.  A body the
        stand-in had is kept as a revision, never lost."""
        old_body = row[0]
        if old_body and old_body != post.body:
            number = self._add_revision(pid, post.body, True, None)
            self.note_revision(pid, pid, number, True, None)
        updates: dict[str, object] = {
            "date": post.date.isoformat(),
            "title": post.title,
            "html": post.html,
            "author": post.author,
            "author_uri": post.author_uri,
            "published": _iso(post.published),
            "status": post.status,
            "source_key": post.source_key,
            "url": post.url or row[10],
            "url_key": post.url_key or row[11],
            "comments_only": 0,
        }
        if not old_body or old_body == post.body:
            updates["body"] = post.body
        if post.declared_comments is not None:
            updates["declared_comments"] = post.declared_comments
        if post.comments is not None:
            updates["has_comments"] = 1
        self._update_post(pid, updates)
        self.titles[pid] = post.title
        return True

    def _fill_post(self, pid: str, post: ParsedPost, row: tuple[Any, ...]) -> bool:
        """Comments for a post stored from elsewhere: only what the post lacks is filled."""
        updates: dict[str, object] = {}
        if row[10] is None and post.url:
            updates["url"] = post.url
        if row[11] is None and post.url_key:
            updates["url_key"] = post.url_key
        if post.comments is not None and not row[2]:
            updates["has_comments"] = 1
        if (
            post.comments_only
            and row[4]
            and post.declared_comments is not None
            and (row[1] is None or post.declared_comments > row[1])
        ):
            updates["declared_comments"] = post.declared_comments
        self._update_post(pid, updates)
        return bool(updates)

    def _merge_details(self, pid: str, post: ParsedPost, row: tuple[Any, ...]) -> bool:
        """A post met again from its own source: a changed status is taken (a draft since
        published), details the stored row lacks are filled; text is merged elsewhere."""
        updates: dict[str, object] = {}
        if post.source_key is not None and post.status != row[6]:
            updates["status"] = post.status
        for column, value, stored in (
            ("author", post.author, row[7]),
            ("author_uri", post.author_uri, row[8]),
            ("published", _iso(post.published), row[9]),
            ("url", post.url, row[10]),
            ("url_key", post.url_key, row[11]),
            ("source_key", post.source_key, row[5]),
        ):
            if stored is None and value is not None:
                updates[column] = value
        if post.html is not None and row[12] is None and post.body == row[0]:
            updates["html"] = post.html
        self._update_post(pid, updates)
        return bool(updates)

    def _update_post(self, pid: str, updates: dict[str, object]) -> None:
        if updates:
            assignments = ", ".join(f"{column} = ?" for column in updates)
            self.conn.execute(
                f"UPDATE posts SET {assignments} WHERE id = ?", [*updates.values(), pid]
            )

    def _merge_post_fields(self, pid: str, post: ParsedPost, row: tuple[Any, ...]) -> bool:
        old_body, old_declared, old_has, count = row[:4]
        has = post.comments is not None
        updates: dict[str, object] = {}
        changed = False
        if post.body != old_body:
            decision = revisions.classify(
                old_body,
                post.body,
                known=revisions.known_texts(self.conn, pid) if count else (),
                old_from_listing=not old_has,
                new_from_listing=not has,
            )
            if decision.action == revisions.UPGRADE:
                updates["body"] = post.body  # the listing's excerpt, contained in the page
                updates["html"] = post.html
            elif decision.action in (revisions.CURRENT, revisions.ASIDE):
                shown = decision.action == revisions.CURRENT
                number = self._add_revision(pid, post.body, shown, decision.reason)
                self.note_revision(pid, pid, number, shown, decision.reason)
                if shown:
                    updates["html"] = post.html  # the formatting of the text now shown
                changed = True
        if post.declared_comments is not None and (
            old_declared is None or post.declared_comments > old_declared
        ):
            updates["declared_comments"] = post.declared_comments
        if has and not old_has:
            updates["has_comments"] = 1
        if not updates:
            return changed
        assignments = ", ".join(f"{column} = ?" for column in updates)
        self.conn.execute(f"UPDATE posts SET {assignments} WHERE id = ?", [*updates.values(), pid])
        return True

    def _add_revision(self, item_id: str, text: str, shown: bool, reason: str | None) -> int:
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

    def _merge_comments(
        self,
        pid: str,
        incoming: list[ParsedComment],
        *,
        had_comments: bool,
        partial: bool,
        families: set[str | None] | frozenset[str | None] = frozenset({None}),
    ) -> bool:
        """Add what is new; flag what vanished, unless the page showed only the first comments
        (``partial``: a "Load more..." page says nothing about the rest).  Only comments of
        the incoming ``families`` (``family``) can vanish: a Disqus thread attached to a
        WordPress post says nothing about the post's own comments."""
        old_rows = self.conn.execute(
            "SELECT id, parent_id, position, path, removed, vanished, text, revisions,"
            " source_key, status, html, author, author_uri, published"
            " FROM comments WHERE post_id = ? ORDER BY position",
            [pid],
        ).fetchall()
        if not old_rows:
            count = self._queue_tree(pid, None, "", incoming, int(had_comments))
            self.flush()
            self.result.comments += count
            self.result.comments_new += count
            self._refresh_count(pid)
            return count > 0
        old_children: dict[str | None, list[str]] = {}
        old_by_id: dict[str, tuple[Any, ...]] = {}
        for row in old_rows:
            old_children.setdefault(row[1], []).append(row[0])
            old_by_id[row[0]] = row
        resolved: dict[str, _Incoming] = {}
        new_children: dict[str | None, list[str]] = {}
        self._resolve(pid, None, incoming, old_children, old_by_id, resolved, new_children)
        self.result.comments += len(resolved)
        for parent, kids in old_children.items():  # a comment this dump puts elsewhere
            old_children[parent] = [
                k for k in kids if k not in resolved or resolved[k].parent_id == parent
            ]

        changed = False
        # Insert what is new, parents before children (resolved keeps pre-order); a different
        # text for a comment already stored becomes a revision of it.
        for item in resolved.values():
            old = old_by_id.get(item.id)
            if old is not None:
                changed |= self._comment_text(pid, old, item.comment)
                changed |= self._comment_details(old, item.comment)
                continue
            c = item.comment
            self.conn.execute(
                "INSERT INTO comments(id, post_id, parent_id, position, path, text, removed,"
                " vanished, is_new, author, source_id, added_at, stamp, added_stamp,"
                " author_uri, published, status, html, source_key)"
                " VALUES (?,?,?,0,'',?,?,0,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    item.id,
                    pid,
                    item.parent_id,
                    c.text,
                    int(c.removed),
                    int(had_comments),
                    c.author,
                    self.source_id,
                    self.now,
                    self.stamp,
                    self.stamp,
                    c.author_uri,
                    _iso(c.published),
                    c.status,
                    c.html,
                    c.source_key,
                ],
            )
            self.result.comments_new += 1
            changed = True
        # Flag what vanished, clear the flag on what came back, mark later removals.
        for cid, row in old_by_id.items():
            present = cid in resolved
            if not present and family(row[8]) not in families:
                continue  # another source's comment on the same post
            if present == bool(row[5]) and (present or not partial):
                self.conn.execute(
                    "UPDATE comments SET vanished = ?, stamp = ? WHERE id = ?",
                    [int(not present), self.stamp, cid],
                )
                changed = True
                if not present:
                    self.result.comments_vanished += 1
            if present and resolved[cid].comment.removed and not row[4]:
                self.conn.execute(
                    "UPDATE comments SET removed = 1, stamp = ? WHERE id = ?", [self.stamp, cid]
                )
                changed = True
        # Order: the new dump's order, with vanished comments kept after their old predecessor.
        positions: dict[str, tuple[str | None, int]] = {}
        for parent in set(old_children) | set(new_children):
            order = merge_order(old_children.get(parent, []), new_children.get(parent, []))
            for position, cid in enumerate(order, 1):
                positions[cid] = (parent, position)
        paths = _paths(positions)
        for cid, (parent, position) in positions.items():
            old = old_by_id.get(cid)
            if old is None or old[2] != position or old[3] != paths[cid]:
                self.conn.execute(
                    "UPDATE comments SET position = ?, path = ? WHERE id = ?",
                    [position, paths[cid], cid],
                )
                changed = changed or old is not None
            if old is not None and old[1] != parent and cid in resolved:
                # a reply a repair could only keep at the top level, back under its parent
                self.conn.execute("UPDATE comments SET parent_id = ? WHERE id = ?", [parent, cid])
                changed = True
        if changed:
            self._refresh_count(pid)
        return changed

    def _comment_text(self, pid: str, old: tuple[Any, ...], comment: ParsedComment) -> bool:
        """A stored comment met again: keep a different text as a revision (see
        ``reader.store.revisions``); True if anything was stored."""
        cid, stored, count = old[0], old[6], old[7]
        text = comment.text
        if text == stored or comment.removed:
            return False  # a deletion placeholder: the comment keeps its text, flagged removed
        decision = revisions.classify(
            stored, text, known=revisions.known_texts(self.conn, cid) if count else ()
        )
        if decision.action not in (revisions.CURRENT, revisions.ASIDE):
            return False
        shown = decision.action == revisions.CURRENT
        number = self._add_revision(cid, text, shown, decision.reason)
        if shown:  # the formatting of the text now shown
            self.conn.execute("UPDATE comments SET html = ? WHERE id = ?", [comment.html, cid])
        self.conn.execute("UPDATE comments SET stamp = ? WHERE id = ?", [self.stamp, cid])
        self.note_revision(cid, pid, number, shown, decision.reason)
        return True

    def _comment_details(self, old: tuple[Any, ...], comment: ParsedComment) -> bool:
        """A stored comment's status as the newer export states it (approved since, marked
        spam), and details the stored row lacks; True if anything was stored."""
        updates: dict[str, object] = {}
        if (
            comment.source_key is not None
            and comment.status != old[9]
            and not (old[4] and comment.status == "published")  # removed stays removed
        ):
            updates["status"] = comment.status
        for column, value, stored in (
            ("source_key", comment.source_key, old[8]),
            ("author", comment.author, old[11]),
            ("author_uri", comment.author_uri, old[12]),
            ("published", _iso(comment.published), old[13]),
        ):
            if stored is None and value is not None:
                updates[column] = value
        if comment.html is not None and old[10] is None and comment.text == old[6]:
            updates["html"] = comment.html
        if not updates:
            return False
        assignments = ", ".join(f"{column} = ?" for column in updates)
        self.conn.execute(
            f"UPDATE comments SET {assignments}, stamp = ? WHERE id = ?",
            [*updates.values(), self.stamp, old[0]],
        )
        return True

    def _damaged_copy_of(
        self, text: str, candidate: str, old_by_id: dict[str, tuple[Any, ...]]
    ) -> bool:
        """Whether an incoming comment's ``text`` (whose id matched nothing, because its text
        differs) is a damaged copy of stored comment ``candidate`` — or a text already stored
        for it — so it is kept as a revision of that comment rather than as a new comment
        beside it (one stray byte must not duplicate a comment)."""
        old = old_by_id[candidate]
        if old[4]:
            return False
        stored = old[6]
        if old[7] and text in revisions.known_texts(self.conn, candidate):
            return True
        return revisions.damage_reason(stored, text) is not None

    def _resolve(
        self,
        pid: str,
        parent_id: str | None,
        children: list[ParsedComment],
        old_children: dict[str | None, list[str]],
        old_by_id: dict[str, tuple[Any, ...]],
        resolved: dict[str, _Incoming],
        new_children: dict[str | None, list[str]],
    ) -> None:
        """Give incoming comments their ids, matching deletion placeholders to the originals."""
        group, text_ids = self.child_ids(pid, parent_id, children)
        if group is not text_ids:  # named comments stored under their text id stay that one
            group = [
                text_id if cid not in old_by_id and text_id in old_by_id else cid
                for cid, text_id in zip(group, text_ids, strict=True)
            ]
        old_group = old_children.get(parent_id, [])
        incoming_set = set(group)
        for index, comment in enumerate(children):
            cid = group[index]
            if cid in old_by_id or not old_group:
                continue
            # A placeholder where an old comment stood: the same comment, deleted upstream; a
            # damaged copy of the comment that stood there: the same comment, a new revision.
            previous = group[index - 1] if index else None
            candidate: str | None
            if previous is None:
                candidate = old_group[0]
            elif previous in old_group:
                at = old_group.index(previous) + 1
                candidate = old_group[at] if at < len(old_group) else None
            else:
                candidate = None
            if not candidate or candidate in incoming_set or old_by_id[candidate][4]:
                continue
            if comment.removed or self._damaged_copy_of(comment.text, candidate, old_by_id):
                group[index] = candidate
                incoming_set.add(candidate)
        new_children[parent_id] = group
        for cid, comment in zip(group, children, strict=True):
            resolved[cid] = _Incoming(cid, parent_id, comment)
            if comment.replies:
                self._resolve(
                    pid, cid, comment.replies, old_children, old_by_id, resolved, new_children
                )

    def _refresh_count(self, pid: str) -> None:
        self.conn.execute(
            "UPDATE posts SET comment_count ="
            " (SELECT count(*) FROM comments WHERE post_id = ? AND vanished = 0) WHERE id = ?",
            [pid, pid],
        )


def merge_order(old: list[str], new: list[str]) -> list[str]:
    """The new dump's sibling order, each vanished old sibling kept after its old predecessor."""
    in_new = set(new)
    after: dict[str | None, list[str]] = {}
    anchor: str | None = None
    for cid in old:
        if cid in in_new:
            anchor = cid
        else:
            after.setdefault(anchor, []).append(cid)
    order = list(after.get(None, []))
    for cid in new:
        order.append(cid)
        order.extend(after.get(cid, []))
    return order


def _paths(positions: dict[str, tuple[str | None, int]]) -> dict[str, str]:
    paths: dict[str, str] = {}

    def path_of(cid: str) -> str:
        if cid not in paths:
            parent, position = positions[cid]
            paths[cid] = f"{path_of(parent)}.{position}" if parent else str(position)
        return paths[cid]

    for cid in positions:
        path_of(cid)
    return paths


def import_file(
    conn: sqlite3.Connection,
    path: Path,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
    found_in_folder: bool = False,
) -> ImportResult:
    """Import one file in one transaction; never raises for bad input, reports it instead.

    ``found_in_folder``: the user named a folder, not this file, so a file in no known format
    (a README, an image) is skipped rather than reported as a failure.
    """
    path = Path(path)
    result = ImportResult(path=path)
    source: formats.SourceFile | None = None
    try:
        size = path.stat().st_size
        # One read of the file: the first block picks the format, the parser streams the
        # rest, and the SHA-256 is taken as the bytes go by (reader.formats.source).
        source = formats.SourceFile(path)
        try:
            fmt = formats.detect_head(source.head, path)
        except DumpError as exc:
            if found_in_folder:
                result.skipped, result.error = True, exc.message
                return result
            raise
        report = formats.ParseReport(format=fmt.NAME, path=path)
        with transaction(conn):
            stamp = (
                int(conn.execute("SELECT value FROM meta WHERE key = 'change_stamp'").fetchone()[0])
                + 1
            )
            source_id = _begin_source(conn, path, fmt.NAME)
            importer = _Importer(conn, result, source_id, stamp)
            for post in fmt.parse(source.stream, report):
                if cancel is not None and cancel.is_set():
                    raise Cancelled(f"{path}: cancelled")
                importer.add(post)
                if progress is not None:
                    progress(source.position / size if size else None, str(path))
            importer.flush()
            report.close()
            if result.posts == 0:
                raise DumpError(path, "no posts found")
            result.stamp = stamp
            if result.changed:
                conn.execute("UPDATE meta SET value = ? WHERE key = 'change_stamp'", [str(stamp)])
            result.sha256 = source.sha256()
            source_id = _settle_source(conn, source_id, result.sha256)
            _finish_source(conn, source_id, result, report)
        result.ok = True
        result.format = report.format
        result.encoding = report.encoding
        result.warnings = list(report.warnings)
    except Cancelled:
        result.cancelled = True
        result.changed_post_ids.clear()
        result.added_post_ids.clear()
        result.revised.clear()
    except DumpError as exc:
        result.error = str(exc)
        result.line = exc.line
        result.changed_post_ids.clear()
        result.added_post_ids.clear()
        result.revised.clear()
    except (OSError, UnicodeError) as exc:
        result.error = f"{path}: cannot read ({exc})"
        result.changed_post_ids.clear()
        result.added_post_ids.clear()
        result.revised.clear()
    except sqlite3.OperationalError as exc:
        if "full" not in str(exc):
            raise
        # SQLITE_FULL: the transaction was rolled back, the library is as it was
        result.error = f"{path}: not imported: the disk is full ({exc}); nothing was changed"
        result.changed_post_ids.clear()
        result.added_post_ids.clear()
        result.revised.clear()
    finally:
        if source is not None:
            source.close()
    return result


def _begin_source(conn: sqlite3.Connection, path: Path, fmt: str) -> int:
    """A sources row for a file being read; its SHA-256 is known only once it has been read,
    so the row starts with a placeholder that ``_settle_source`` replaces."""
    cursor = conn.execute(
        "INSERT INTO sources(path, sha256, format, encoding, imported_at, outcome)"
        " VALUES (?, 'reading:' || lower(hex(randomblob(8))), ?, '', ?, 'importing')",
        [str(path), fmt, _now()],
    )
    return int(cursor.lastrowid or 0)


def _settle_source(conn: sqlite3.Connection, source_id: int, sha: str) -> int:
    """Give the row its SHA-256; a file imported before keeps its first row (what this import
    wrote is moved onto it)."""
    row = conn.execute("SELECT id FROM sources WHERE sha256 = ?", [sha]).fetchone()
    if row is None:
        conn.execute("UPDATE sources SET sha256 = ? WHERE id = ?", [sha, source_id])
        return source_id
    existing = int(row[0])
    for table in ("posts", "comments", "revisions"):
        conn.execute(f"UPDATE {table} SET source_id = ? WHERE source_id = ?", [existing, source_id])
    conn.execute("DELETE FROM sources WHERE id = ?", [source_id])
    return existing


def _finish_source(
    conn: sqlite3.Connection, source_id: int, result: ImportResult, report: formats.ParseReport
) -> None:
    conn.execute(
        "UPDATE sources SET path = ?, format = ?, encoding = ?, imported_at = ?, posts = ?,"
        " posts_new = ?, posts_merged = ?, comments = ?, comments_new = ?, outcome = ?,"
        " message = ? WHERE id = ?",
        [
            str(result.path),
            report.format,
            report.encoding,
            _now(),
            result.posts,
            result.posts_new,
            result.posts_merged,
            result.comments,
            result.comments_new,
            "imported" if result.changed else "unchanged",
            "; ".join(report.warnings) or None,
            source_id,
        ],
    )


def expand_paths(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """(file, found_in_folder) for files given directly and every regular file below given
    folders, in a stable order; hidden files inside folders are left out."""
    files: list[tuple[Path, bool]] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(
                (p, True)
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            files.append((path, False))
    return files
