"""A Markdown digest of annotations and bookmarks: thread by thread, quote then note.

Why: a reader preparing a case wants their marked passages and reasons in a document they can
paste into a brief or an email, readable as plain text too.  Layout: one ``##`` section per
thread (date and title), in each the highlights in reading order (post body first, then the
comments by their citation number) with the quote as a block quote and the note below, then the
thread's bookmarks; orphaned annotations (passage or item no longer found) in a last section
with their quote and note, so nothing is silently lost.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict

from reader import bidi
from reader.annotate import anchoring
from reader.annotate.store import _chunks, list_annotations, list_bookmarks, now, placed
from reader.model import Annotation, Bookmark

_BLOCK_START = re.compile(r"^(\s*)([#>+\-*]|\d+[.)])(\s)")


def _escape_line(line: str) -> str:
    """Keep a quoted line from turning into a heading, list or HTML when rendered, and its
    bidi controls inside it (``reader.bidi``: marked, isolated)."""
    line = bidi.shown(line).replace("<", "&lt;")
    return _BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}", line)


def _quote_block(text: str) -> list[str]:
    return [f"> {_escape_line(line)}".rstrip() for line in text.strip("\n").split("\n")]


def _threads(conn: sqlite3.Connection, post_ids: set[str]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(sorted(post_ids)):
        marks = ",".join("?" * len(chunk))
        for pid, date, title in conn.execute(
            f"SELECT id, date, title FROM posts WHERE id IN ({marks})", chunk
        ):
            found[pid] = (date, title)
    return found


def _comments(conn: sqlite3.Connection, item_ids: set[str]) -> dict[str, str]:
    """``{comment id: "Comment 4.2 (vanished)"}`` for the comments the library has."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(item_ids)):
        marks = ",".join("?" * len(chunk))
        for cid, path, removed, vanished in conn.execute(
            f"SELECT id, path, removed, vanished FROM comments WHERE id IN ({marks})", chunk
        ):
            flags = [name for name, on in (("removed", removed), ("vanished", vanished)) if on]
            found[cid] = f"Comment {path}" + (f" ({', '.join(flags)})" if flags else "")
    return found


def _where(a_item: str, post_id: str, comments: dict[str, str]) -> str:
    if a_item == post_id:
        return "Post"
    return comments.get(a_item, f"Item {a_item} (not in this library)")


def _annotation_lines(a: Annotation, where: str) -> list[str]:
    lines = [f"### {where}", ""]
    lines += _quote_block(a.exact)
    lines.append("")
    if a.note:
        lines += [bidi.shown(a.note), ""]
    meta = [a.colour]
    if a.state == anchoring.MOVED:
        meta.append("moved: the text changed since this was highlighted")
    if a.modified:
        meta.append(f"noted {a.modified.date().isoformat()}")
    lines += [f"*{' · '.join(meta)}* `{a.id}`", ""]
    return lines


def digest(conn: sqlite3.Connection, *, post_id: str | None = None) -> str:
    """The Markdown digest of the library's (or one post's) annotations and bookmarks."""
    annotations = placed(conn, list_annotations(conn, post_id=post_id))
    bookmarks = [b for b in list_bookmarks(conn) if post_id is None or b.post_id == post_id]
    by_post: dict[str, list[Annotation]] = defaultdict(list)
    orphans: list[Annotation] = []
    for a in annotations:
        (orphans if a.state == anchoring.ORPHAN else by_post[a.post_id]).append(a)
    marks_by_post: dict[str, list[Bookmark]] = defaultdict(list)
    for b in reversed(bookmarks):
        marks_by_post[b.post_id].append(b)
    threads = _threads(conn, {a.post_id for a in annotations} | set(marks_by_post))
    comments = _comments(conn, {a.item_id for a in annotations} | {b.item_id for b in bookmarks})

    out = [
        "# Annotations",
        "",
        f"{len(annotations)} annotation(s), {len(bookmarks)} bookmark(s);"
        f" exported {now().isoformat().replace('+00:00', 'Z')} by Archive Reader.",
        "",
    ]
    order = sorted(
        set(by_post) | set(marks_by_post),
        key=lambda pid: (threads.get(pid, ("9999", ""))[0], threads.get(pid, ("", pid))[1]),
    )
    for pid in order:
        date, title = threads.get(pid, ("", f"Post {pid or '(unknown)'} (not in this library)"))
        heading = f"{date} · {bidi.shown(title)}" if date else bidi.shown(title)
        out += [f"## {heading}", "", f"Post id: `{pid}`", ""]
        for a in by_post.get(pid, []):
            out += _annotation_lines(a, _where(a.item_id, pid, comments))
        marks = marks_by_post.get(pid, [])
        if marks:
            out += ["**Bookmarks**", ""]
            for b in marks:
                label = f" — {b.label}" if b.label else ""
                out.append(f"- {_where(b.item_id, pid, comments)}{label} `{b.item_id}`")
            out.append("")
    if orphans:
        out += [
            "## Orphaned annotations",
            "",
            "Their passage (or whole item) is no longer found; kept with quote and note.",
            "",
        ]
        for a in orphans:
            date, title = threads.get(a.post_id, ("", "a post not in this library"))
            where = f"{_where(a.item_id, a.post_id, comments)} in {date} {title}".strip()
            out += _annotation_lines(a, where)
    return "\n".join(out).rstrip() + "\n"
