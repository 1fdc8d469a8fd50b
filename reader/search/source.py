"""What the index is made of, read from the store: documents, counts, the change stamp, and the
details of hits.  Plain ``sqlite3`` (no whoosh, no Qt) so worker processes can use it cheaply.

A post's document holds its title and body; a comment's its text; both carry the post's date.
Annotation notes and flags come from an optional ``ItemInfoProvider`` (see ``reader.search``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

BATCH = 500


@dataclass(frozen=True)
class ItemInfo:
    """What the annotations layer knows about one post or comment, for search."""

    note: str = ""
    flags: frozenset[str] = field(default_factory=frozenset)
    colors: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.note or self.flags or self.colors)


class ItemInfoProvider(Protocol):
    """Plugged in by the annotations code so notes, bookmarks and colours become searchable.

    ``item_info`` is called with batches of item ids while indexing and returns entries only
    for items that have something; ``annotated_items`` lists every such item (re-indexed after
    a full rebuild); ``stamp`` changes whenever any annotation changes (recorded beside the
    index, so a change the index missed is noticed).  All three take the caller's connection.
    """

    def item_info(
        self, conn: sqlite3.Connection, item_ids: Sequence[str]
    ) -> Mapping[str, ItemInfo]: ...

    def annotated_items(self, conn: sqlite3.Connection) -> Iterable[str]: ...

    def stamp(self, conn: sqlite3.Connection) -> str: ...


PROVIDED_FLAG = "provided"
"""Internal flag on every document that got provider info, so it can be found and refreshed."""


def change_stamp(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'change_stamp'").fetchone()
    return int(row[0]) if row else 0


def item_count(conn: sqlite3.Connection) -> int:
    """Posts plus comments: the number of documents a fresh index holds."""
    posts = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    comments = conn.execute("SELECT count(*) FROM comments").fetchone()[0]
    return int(posts) + int(comments)


def _ref(item_id: str, post_id: str, date: str) -> bytes:
    """The per-document column: what a hit needs before the store is asked (its id), and
    what sorting by date and grouping by thread read for every match."""
    return f"{item_id} {post_id} {date}".encode()


def _dates(date: str) -> str:
    return f"{date[:4]} {date[:7]} {date}"


_POST_SQL = "SELECT id, date, title, body, author, status FROM posts"
_COMMENT_SQL = (
    "SELECT c.id, c.post_id, c.parent_id IS NOT NULL, c.text, c.removed, c.vanished, p.date,"
    " c.author, c.status"
    " FROM comments c JOIN posts p ON p.id = c.post_id"
)


def status_flags(status: str | None) -> list[str]:
    """The flags an item's status adds (``status:spam`` and ``is:spam`` search them):
    none for a published item."""
    return [status] if status and status != "published" else []


def post_doc(row: tuple[Any, ...]) -> dict[str, Any]:
    pid, date, title, body, author, status = row
    doc = {
        "_id": pid,
        "ref": _ref(pid, pid, date),
        "kind": "post",
        "title": title,
        # Two parts: the field leaves a position empty between them, so no phrase (or gram)
        # joins the title's last word to the body's first.
        "body": (title, body),
        "date": _dates(date),
    }
    if author:
        doc["author"] = author
    if flags := status_flags(status):
        doc["flags"] = " ".join(flags)
    return doc


def comment_doc(row: tuple[Any, ...]) -> dict[str, Any]:
    cid, pid, is_reply, text, removed, vanished, date, author, status = row
    doc: dict[str, Any] = {
        "_id": cid,
        "ref": _ref(cid, pid, date),
        "kind": "comment reply" if is_reply else "comment",
        "body": text,
        "date": _dates(date),
    }
    flags = [name for name, on in (("removed", removed), ("vanished", vanished)) if on]
    flags += status_flags(status)
    if flags:
        doc["flags"] = " ".join(flags)
    if author:
        doc["author"] = author
    return doc


def add_info(doc: dict[str, Any], info: ItemInfo | None) -> dict[str, Any]:
    """Merge provider info into a document (in place) and return it."""
    if not info:
        return doc
    if info.note:
        doc["note"] = info.note
    flags = set(doc.get("flags", "").split()) | set(info.flags) | {PROVIDED_FLAG}
    doc["flags"] = " ".join(sorted(flags))
    if info.colors:
        doc["colors"] = " ".join(sorted(info.colors))
    return doc


def rowid_ranges(conn: sqlite3.Connection, table: str, parts: int) -> list[tuple[int, int]]:
    """``parts`` inclusive rowid ranges of ``table`` holding about equal numbers of rows; the
    last ends at the current largest rowid, so rows added later are left to the next update."""
    count, low, high = conn.execute(
        f"SELECT count(*), min(rowid), max(rowid) FROM {table}"
    ).fetchone()
    if not count:
        return []
    bounds = [low]
    for part in range(1, parts):
        row = conn.execute(
            f"SELECT rowid FROM {table} ORDER BY rowid LIMIT 1 OFFSET ?", [count * part // parts]
        ).fetchone()
        bounds.append(row[0])
    ranges = []
    for index, start in enumerate(bounds):
        end = bounds[index + 1] - 1 if index + 1 < len(bounds) else high
        if end >= start:
            ranges.append((start, end))
    return ranges


def sample_texts(conn: sqlite3.Connection, count: int, seed: int = 1) -> list[str]:
    """About ``count`` texts of posts and comments picked evenly at random, by rowid lookups
    (no scan of the whole library)."""
    import random

    rnd = random.Random(seed)
    texts: list[str] = []
    for table, column in (("posts", "title || ' ' || body"), ("comments", "text")):
        low, high, rows = conn.execute(
            f"SELECT min(rowid), max(rowid), count(*) FROM {table}"
        ).fetchone()
        if not rows:
            continue
        share = max(1, count * rows // max(1, item_count(conn)))
        picks = sorted({rnd.randint(low, high) for _ in range(min(share, rows))})
        for start in range(0, len(picks), BATCH):
            chunk = picks[start : start + BATCH]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {column} FROM {table} WHERE rowid IN ({marks})"
            texts.extend(row[0] for row in conn.execute(sql, chunk))
    return texts


def docs_in_range(
    conn: sqlite3.Connection, table: str, start: int, end: int
) -> Iterator[dict[str, Any]]:
    """Documents for rows ``start..end`` (rowids) of ``posts`` or ``comments``."""
    if table == "posts":
        for row in conn.execute(f"{_POST_SQL} WHERE rowid BETWEEN ? AND ?", [start, end]):
            yield post_doc(row)
    else:
        sql = f"{_COMMENT_SQL} WHERE c.rowid BETWEEN ? AND ?"
        for row in conn.execute(sql, [start, end]):
            yield comment_doc(row)


def changed_docs(conn: sqlite3.Connection, since: int) -> Iterator[dict[str, Any]]:
    """Documents for every row an import touched after change stamp ``since``."""
    for row in conn.execute(f"{_POST_SQL} WHERE stamp > ?", [since]).fetchall():
        yield post_doc(row)
    # An import that stamps a comment stamps its post too (reader.store.importer), and only
    # posts' stamps are indexed: reach the comments through their posts.
    sql = f"{_COMMENT_SQL} WHERE p.stamp > ? AND c.stamp > ?"
    for row in conn.execute(sql, [since, since]).fetchall():
        yield comment_doc(row)


def changed_count(conn: sqlite3.Connection, since: int) -> int:
    posts = conn.execute("SELECT count(*) FROM posts WHERE stamp > ?", [since]).fetchone()[0]
    comments = conn.execute(
        "SELECT count(*) FROM comments c JOIN posts p ON p.id = c.post_id"
        " WHERE p.stamp > ? AND c.stamp > ?",
        [since, since],
    ).fetchone()[0]
    return int(posts + comments)


def docs_for_ids(conn: sqlite3.Connection, item_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Documents for the given ids that exist in the store (others are simply absent)."""
    wanted = list(dict.fromkeys(item_ids))
    docs: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"{_POST_SQL} WHERE id IN ({marks})", chunk):
            docs[row[0]] = post_doc(row)
        for row in conn.execute(f"{_COMMENT_SQL} WHERE c.id IN ({marks})", chunk):
            docs[row[0]] = comment_doc(row)
    return docs


@dataclass(frozen=True, slots=True)
class ItemRow:
    """What a hit shows, read fresh from the store (a comment's number can change on merge)."""

    id: str
    kind: str
    post_id: str
    title: str
    date: dt.date
    path: str
    text: str
    removed: bool
    vanished: bool


def item_rows(conn: sqlite3.Connection, item_ids: Sequence[str]) -> dict[str, ItemRow]:
    """Store rows for hit ids, in two queries per ``BATCH`` ids."""
    rows: dict[str, ItemRow] = {}
    for start in range(0, len(item_ids), BATCH):
        chunk = list(item_ids[start : start + BATCH])
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
            f"SELECT id, date, title, body FROM posts WHERE id IN ({marks})", chunk
        ):
            rows[r[0]] = ItemRow(
                r[0], "post", r[0], r[2], dt.date.fromisoformat(r[1]), "", r[3], False, False
            )
        for r in conn.execute(
            "SELECT c.id, c.post_id, p.title, p.date, c.path, c.text, c.removed, c.vanished"
            f" FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id IN ({marks})",
            chunk,
        ):
            rows[r[0]] = ItemRow(
                r[0],
                "comment",
                r[1],
                r[2],
                dt.date.fromisoformat(r[3]),
                r[4],
                r[5],
                bool(r[6]),
                bool(r[7]),
            )
    return rows
