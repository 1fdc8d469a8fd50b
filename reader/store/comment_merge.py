"""Merging a dump's comments into a post already stored: what is new added, the rest kept.

Comments are matched by their stable id (post, parent, normalised text, rank among identical
siblings; or, when the format names the comment -- a WordPress comment_id, a Disqus id, a
Message-ID -- post and that name, so an edited comment in a newer export is the same comment).
Comments a later dump no longer shows are flagged ``vanished`` and kept (a page cut at "Load
more..." flags none: it shows only the first comments); a comment later replaced by Blogger's
deletion placeholder keeps its id and its text and is flagged ``removed``; a different text
for a stored comment becomes a revision (``reader.store.revisions``).  The order is the new
dump's, each vanished comment kept after its old predecessor (``merge_order``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reader.model import ParsedComment
from reader.store import revisions
from reader.store.import_batch import ImportBatch, family, iso


@dataclass
class _Incoming:
    """An incoming comment with its resolved id and parent."""

    id: str
    parent_id: str | None
    comment: ParsedComment


def merge_comments(
    batch: ImportBatch,
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
    old_rows = batch.conn.execute(
        "SELECT id, parent_id, position, path, removed, vanished, text, revisions,"
        " source_key, status, html, author, author_uri, published"
        " FROM comments WHERE post_id = ? ORDER BY position",
        [pid],
    ).fetchall()
    if not old_rows:
        count = batch.queue_tree(pid, None, "", incoming, int(had_comments))
        batch.flush()
        batch.result.comments += count
        batch.result.comments_new += count
        batch.refresh_count(pid)
        return count > 0
    old_children: dict[str | None, list[str]] = {}
    old_by_id: dict[str, tuple[Any, ...]] = {}
    for row in old_rows:
        old_children.setdefault(row[1], []).append(row[0])
        old_by_id[row[0]] = row
    resolved: dict[str, _Incoming] = {}
    new_children: dict[str | None, list[str]] = {}
    _resolve(batch, pid, None, incoming, old_children, old_by_id, resolved, new_children)
    batch.result.comments += len(resolved)
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
            changed |= _comment_text(batch, pid, old, item.comment)
            changed |= _comment_details(batch, old, item.comment)
            continue
        c = item.comment
        batch.conn.execute(
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
                batch.source_id,
                batch.now,
                batch.stamp,
                batch.stamp,
                c.author_uri,
                iso(c.published),
                c.status,
                c.html,
                c.source_key,
            ],
        )
        batch.result.comments_new += 1
        changed = True
    # Flag what vanished, clear the flag on what came back, mark later removals.
    for cid, row in old_by_id.items():
        present = cid in resolved
        if not present and family(row[8]) not in families:
            continue  # another source's comment on the same post
        if present == bool(row[5]) and (present or not partial):
            batch.conn.execute(
                "UPDATE comments SET vanished = ?, stamp = ? WHERE id = ?",
                [int(not present), batch.stamp, cid],
            )
            changed = True
            if not present:
                batch.result.comments_vanished += 1
        if present and resolved[cid].comment.removed and not row[4]:
            batch.conn.execute(
                "UPDATE comments SET removed = 1, stamp = ? WHERE id = ?", [batch.stamp, cid]
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
            batch.conn.execute(
                "UPDATE comments SET position = ?, path = ? WHERE id = ?",
                [position, paths[cid], cid],
            )
            changed = changed or old is not None
        if old is not None and old[1] != parent and cid in resolved:
            # a reply a repair could only keep at the top level, back under its parent
            batch.conn.execute("UPDATE comments SET parent_id = ? WHERE id = ?", [parent, cid])
            changed = True
    if changed:
        batch.refresh_count(pid)
    return changed


def _comment_text(
    batch: ImportBatch, pid: str, old: tuple[Any, ...], comment: ParsedComment
) -> bool:
    """A stored comment met again: keep a different text as a revision (see
    ``reader.store.revisions``); True if anything was stored."""
    cid, stored, count = old[0], old[6], old[7]
    text = comment.text
    if text == stored or comment.removed:
        return False  # a deletion placeholder: the comment keeps its text, flagged removed
    decision = revisions.classify(
        stored, text, known=revisions.known_texts(batch.conn, cid) if count else ()
    )
    if decision.action not in (revisions.CURRENT, revisions.ASIDE):
        return False
    shown = decision.action == revisions.CURRENT
    number = batch.add_revision(cid, text, shown, decision.reason)
    if shown:  # the formatting of the text now shown
        batch.conn.execute("UPDATE comments SET html = ? WHERE id = ?", [comment.html, cid])
    batch.conn.execute("UPDATE comments SET stamp = ? WHERE id = ?", [batch.stamp, cid])
    batch.note_revision(cid, pid, number, shown, decision.reason)
    return True


def _comment_details(batch: ImportBatch, old: tuple[Any, ...], comment: ParsedComment) -> bool:
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
        ("published", iso(comment.published), old[13]),
    ):
        if stored is None and value is not None:
            updates[column] = value
    if comment.html is not None and old[10] is None and comment.text == old[6]:
        updates["html"] = comment.html
    if not updates:
        return False
    assignments = ", ".join(f"{column} = ?" for column in updates)
    batch.conn.execute(
        f"UPDATE comments SET {assignments}, stamp = ? WHERE id = ?",
        [*updates.values(), batch.stamp, old[0]],
    )
    return True


def _damaged_copy_of(
    batch: ImportBatch, text: str, candidate: str, old_by_id: dict[str, tuple[Any, ...]]
) -> bool:
    """Whether an incoming comment's ``text`` (whose id matched nothing, because its text
    differs) is a damaged copy of stored comment ``candidate`` — or a text already stored
    for it — so it is kept as a revision of that comment rather than as a new comment
    beside it (one stray byte must not duplicate a comment)."""
    old = old_by_id[candidate]
    if old[4]:
        return False
    stored = old[6]
    if old[7] and text in revisions.known_texts(batch.conn, candidate):
        return True
    return revisions.damage_reason(stored, text) is not None


def _resolve(
    batch: ImportBatch,
    pid: str,
    parent_id: str | None,
    children: list[ParsedComment],
    old_children: dict[str | None, list[str]],
    old_by_id: dict[str, tuple[Any, ...]],
    resolved: dict[str, _Incoming],
    new_children: dict[str | None, list[str]],
) -> None:
    """Give incoming comments their ids, matching deletion placeholders to the originals."""
    group, text_ids = batch.child_ids(pid, parent_id, children)
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
        if comment.removed or _damaged_copy_of(batch, comment.text, candidate, old_by_id):
            group[index] = candidate
            incoming_set.add(candidate)
    new_children[parent_id] = group
    for cid, comment in zip(group, children, strict=True):
        resolved[cid] = _Incoming(cid, parent_id, comment)
        if comment.replies:
            _resolve(
                batch, pid, cid, comment.replies, old_children, old_by_id, resolved, new_children
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
