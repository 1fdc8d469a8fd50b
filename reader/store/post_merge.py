"""Merging one parsed post into the store: a new post queued, a stored one brought up to date.

A post is known by its stable id (date + normalised title), or, when its format names it
(``source_key``), by that name; a Disqus thread finds the WordPress or Blogger post of the same
article by its address (``url_key``), and the other way round.  A post met again keeps its
text unless the new one is an upgrade (a listing's excerpt, then the post's own page); a
different text becomes a revision (``reader.store.revisions``).  A stand-in (a comment feed's
"comments only" post, a post made from a Disqus thread) is replaced in place when the post
itself arrives, so marks on its comments stay.  Its comments go to
``reader.store.comment_merge``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from reader import ids
from reader.formats.urls import url_key
from reader.model import ParsedPost
from reader.store import revisions
from reader.store.comment_merge import merge_comments
from reader.store.import_batch import FLUSH_ROWS, ImportBatch, family, iso


def add_post(batch: ImportBatch, post: ParsedPost) -> None:
    """Queue ``post`` as new, or merge it into the post stored under its id (its comments
    too), counting what it did in ``batch.result``."""
    if post.url and not post.url_key:  # a Blogger post: its permalink is its article
        post.url_key = url_key(post.url)
    pid = post_id_for(batch, post)
    batch.key_ranks.clear()
    result = batch.result
    result.posts += 1
    has = post.comments is not None
    if pid not in batch.known_ids:
        # flush() writes posts before comments, so queuing order does not matter for the FK
        count = batch.queue_tree(pid, None, "", post.comments or [], 0)
        batch.post_rows.append(
            (
                pid,
                post.date.isoformat(),
                post.title,
                post.body,
                post.declared_comments,
                int(has),
                count,
                post.author,
                batch.source_id,
                batch.now,
                batch.stamp,
                post.author_uri,
                iso(post.published),
                post.status,
                post.html,
                post.source_key,
                post.url,
                post.url_key,
                int(post.comments_only),
            )
        )
        if post.url_key:
            batch.urls.setdefault(post.url_key, []).append((pid, post.source_key, post.url))
        batch.known_ids.add(pid)
        result.posts_new += 1
        result.comments += count
        result.comments_new += count
        result.changed_post_ids.append(pid)
        result.added_post_ids.append(pid)
        if len(batch.comment_rows) >= FLUSH_ROWS or len(batch.post_rows) >= FLUSH_ROWS:
            batch.flush()
        return
    batch.flush()  # the post may be queued: this file holds it twice (a listing and its page)
    row = batch.conn.execute(
        "SELECT body, declared_comments, has_comments, revisions, comments_only, source_key,"
        " status, author, author_uri, published, url, url_key, html"
        " FROM posts WHERE id = ?",
        [pid],
    ).fetchone()
    result.posts_merged += 1
    batch.titles.setdefault(pid, post.title)
    stored_family = family(row[5])
    incoming_family = family(post.source_key)
    if (row[4] and not post.comments_only) or (
        stored_family == "disqus" and incoming_family not in ("disqus", None)
    ):
        changed = _replace_post(batch, pid, post, row)  # the post a thread stood in for
    elif post.comments_only or (incoming_family == "disqus" and stored_family != "disqus"):
        changed = _fill_post(batch, pid, post, row)  # comments only: the post is elsewhere
    else:
        changed = _merge_post_fields(batch, pid, post, row)
        changed |= _merge_details(batch, pid, post, row)
    if has:
        changed |= merge_comments(
            batch,
            pid,
            post.comments or [],
            had_comments=bool(row[2]),
            partial=post.more_comments or _one_page_of_many(post),
            families={incoming_family} | {family(c.source_key) for c in post.walk_comments()},
        )
    if changed:
        result.posts_updated += 1
        result.changed_post_ids.append(pid)
        batch.conn.execute("UPDATE posts SET stamp = ? WHERE id = ?", [batch.stamp, pid])


def post_id_for(batch: ImportBatch, post: ParsedPost) -> str:
    """The id ``post`` is stored under: for a post its format names (``source_key``) the
    post stored with that key, else the post of the same article from another source
    (``_same_article``: a Disqus thread and the WordPress or Blogger post it discussed),
    else the id of the key (``ids.keyed_post_id``); for any other post its date and title."""
    key = post.source_key
    if key is None:
        return ids.post_id(post.date, post.title)
    pid = batch.keys.get(key)
    if pid is None:
        row = batch.conn.execute(
            "SELECT id FROM posts WHERE source_key = ? LIMIT 1", [key]
        ).fetchone()
        pid = row[0] if row else None
    if pid is None and post.url_key:
        pid = _same_article(batch, post)
    if pid is None:
        pid = ids.keyed_post_id(key)
    batch.keys[key] = pid
    return pid


def _same_article(batch: ImportBatch, post: ParsedPost) -> str | None:
    """A post of the same article (same ``url_key``) that came from the other side: for a
    Disqus thread a post from WordPress or Blogger, for those a post made from a Disqus
    thread.  Several: the one on the same host, else the first stored."""
    disqus = family(post.source_key) == "disqus"
    rows = list(batch.urls.get(post.url_key or "", ()))
    rows += batch.conn.execute(
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


def _replace_post(batch: ImportBatch, pid: str, post: ParsedPost, row: tuple[Any, ...]) -> bool:
    """The post arrives where a stand-in stood (a Blogger comment feed's "comments only"
    post, or a post made from a Disqus thread): its title, date, body and details take
    the stand-in's place under the same id, so marks on its comments stay.  A body the
    stand-in had is kept as a revision, never lost."""
    old_body = row[0]
    if old_body and old_body != post.body:
        number = batch.add_revision(pid, post.body, True, None)
        batch.note_revision(pid, pid, number, True, None)
    updates: dict[str, object] = {
        "date": post.date.isoformat(),
        "title": post.title,
        "html": post.html,
        "author": post.author,
        "author_uri": post.author_uri,
        "published": iso(post.published),
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
    _update_post(batch, pid, updates)
    batch.titles[pid] = post.title
    return True


def _fill_post(batch: ImportBatch, pid: str, post: ParsedPost, row: tuple[Any, ...]) -> bool:
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
    _update_post(batch, pid, updates)
    return bool(updates)


def _merge_details(batch: ImportBatch, pid: str, post: ParsedPost, row: tuple[Any, ...]) -> bool:
    """A post met again from its own source: a changed status is taken (a draft since
    published), details the stored row lacks are filled; text is merged elsewhere."""
    updates: dict[str, object] = {}
    if post.source_key is not None and post.status != row[6]:
        updates["status"] = post.status
    for column, value, stored in (
        ("author", post.author, row[7]),
        ("author_uri", post.author_uri, row[8]),
        ("published", iso(post.published), row[9]),
        ("url", post.url, row[10]),
        ("url_key", post.url_key, row[11]),
        ("source_key", post.source_key, row[5]),
    ):
        if stored is None and value is not None:
            updates[column] = value
    if post.html is not None and row[12] is None and post.body == row[0]:
        updates["html"] = post.html
    _update_post(batch, pid, updates)
    return bool(updates)


def _merge_post_fields(
    batch: ImportBatch, pid: str, post: ParsedPost, row: tuple[Any, ...]
) -> bool:
    old_body, old_declared, old_has, count = row[:4]
    has = post.comments is not None
    updates: dict[str, object] = {}
    changed = False
    if post.body != old_body:
        decision = revisions.classify(
            old_body,
            post.body,
            known=revisions.known_texts(batch.conn, pid) if count else (),
            old_from_listing=not old_has,
            new_from_listing=not has,
        )
        if decision.action == revisions.UPGRADE:
            updates["body"] = post.body  # the listing's excerpt, contained in the page
            updates["html"] = post.html
        elif decision.action in (revisions.CURRENT, revisions.ASIDE):
            shown = decision.action == revisions.CURRENT
            number = batch.add_revision(pid, post.body, shown, decision.reason)
            batch.note_revision(pid, pid, number, shown, decision.reason)
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
    batch.conn.execute(f"UPDATE posts SET {assignments} WHERE id = ?", [*updates.values(), pid])
    return True


def _update_post(batch: ImportBatch, pid: str, updates: dict[str, object]) -> None:
    if updates:
        assignments = ", ".join(f"{column} = ?" for column in updates)
        batch.conn.execute(f"UPDATE posts SET {assignments} WHERE id = ?", [*updates.values(), pid])
