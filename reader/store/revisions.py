"""Revisions: every text a dump ever gave a post or comment, which one is shown, and why a text
was kept aside.

No text a user imported is ever overwritten.  When a later dump brings a different text for an
item with the same identity, the importer asks ``classify``:

* the same text (or one already stored, or one that differs only in white space): nothing;
* a listing page's excerpt of a post already seen on its own page: nothing (it holds nothing
  the stored text lacks); the post's own page after a listing page: it replaces the excerpt when
  it contains it (nothing is lost), else it becomes a new revision;
* a text that looks damaged — the earlier text with a run inserted (a duplicated line, a stray
  byte, a megabyte-long line) or cut out, characters that could not be decoded, control
  characters, mis-decoded UTF-8, a line far longer than any before — is stored as a revision
  but never shown unless the user chooses it (``use``);
* anything else is an edit upstream: a new revision, shown from now on.

Rows exist only for items with more than one text (the original becomes revision 1 when the
second arrives), so a library of 600,000 comments that were never edited has no rows at all.
``posts.body``/``comments.text`` always hold the text shown, so search, export and the pane read
one column as before; ``revision``/``revisions`` on the item say which number that is and how
many there are.

Qt-free, and the text functions (``classify``, ``damage_reason``, ``word_diff``) are pure.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reader import ids
from reader.errors import NotFound, ReaderError

LONG_LINE = 10_000
"""A line this long (and twice the longest the item had) looks like damage, not writing."""

SAME, IGNORE, UPGRADE, CURRENT, ASIDE = "same", "ignore", "upgrade", "current", "aside"
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€|Â[\u00a0-\u00bf]|ï»¿")
_WORDS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with an incoming text: ``action`` is one of SAME, IGNORE (nothing to keep),
    UPGRADE (replace the shown text, which it contains: nothing lost), CURRENT (a new revision,
    shown), ASIDE (a new revision, not shown; ``reason`` says why)."""

    action: str
    reason: str | None = None


def common_prefix(a: str, b: str) -> int:
    """Length of the longest common prefix, by binary search over slice comparisons (C speed on
    megabyte texts)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the longest common suffix, at most ``limit`` (so it never overlaps a prefix
    already matched)."""
    low, high = 0, min(len(a), len(b), limit)
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            low = mid
        else:
            high = mid - 1
    return low


def _longest_line(text: str) -> int:
    return max((len(line) for line in text.split("\n")), default=0)


def _flat(text: str) -> str:
    return " ".join(text.split())


def damage_reason(old: str, new: str) -> str | None:
    """Why ``new`` looks like a damaged copy of ``old`` rather than an edit, or None."""
    if new.count("\ufffd") > old.count("\ufffd"):
        return "it holds characters that could not be decoded (U+FFFD)"
    if len(_CONTROLS.findall(new)) > len(_CONTROLS.findall(old)):
        return "it holds control characters"
    if len(_MOJIBAKE.findall(new)) > len(_MOJIBAKE.findall(old)):
        return "it holds mis-decoded characters (such as â€™ for ’)"
    longest = _longest_line(new)
    if longest > LONG_LINE and longest > 2 * _longest_line(old):
        return f"it has a line of {longest:,} characters"
    prefix = common_prefix(old, new)
    suffix = common_suffix(old, new, min(len(old), len(new)) - prefix)
    if len(new) > len(old) and prefix + suffix == len(old):
        run = new[prefix : len(new) - suffix]
        size = len(run)
        if new[prefix - size : prefix] == run or new[prefix + size : prefix + 2 * size] == run:
            return f"it repeats a passage of {size:,} characters"
        return f"it is the earlier text with {size:,} characters inserted"
    if len(new) < len(old) and prefix + suffix == len(new):
        return f"it is the earlier text with {len(old) - len(new):,} characters missing"
    return None


def classify(
    old: str,
    new: str,
    *,
    known: Iterable[str] = (),
    old_from_listing: bool = False,
    new_from_listing: bool = False,
) -> Decision:
    """What the importer does with ``new`` for an item showing ``old`` (see the module doc).

    ``known``: every text already stored for the item; ``*_from_listing``: the text came from a
    listing page (a post without its comment section), which may hold only an excerpt.
    """
    if new == old or new in set(known):
        return Decision(SAME)
    flat_old, flat_new = _flat(old), _flat(new)
    if flat_old == flat_new:
        return Decision(IGNORE)
    if new_from_listing and not old_from_listing:
        if flat_new in flat_old:
            return Decision(IGNORE)
        return Decision(ASIDE, "it comes from a listing page; the post's own page is shown")
    reason = damage_reason(old, new)
    if old_from_listing and not new_from_listing:
        structural = reason is not None and reason.startswith(("it is the earlier", "it repeats"))
        if reason is None or structural:
            return Decision(UPGRADE if flat_old in flat_new else CURRENT)
        return Decision(ASIDE, reason)
    if reason is not None:
        return Decision(ASIDE, reason)
    if ids.normalise(old) == ids.normalise(new):
        return Decision(ASIDE, "it differs only in letter case or character forms")
    return Decision(CURRENT)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``old`` → ``new`` as a list of ``(op, text)``, ``op`` one of ``"equal"``, ``"delete"``,
    ``"insert"``; words, spaces and punctuation are the units.  Joining the ``equal`` and
    ``delete`` parts gives ``old`` back, ``equal`` and ``insert`` give ``new``."""
    a = _WORDS.findall(old)
    b = _WORDS.findall(new)
    out: list[tuple[str, str]] = []

    def emit(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=len(a) > 2000)
    opcodes = matcher.get_opcodes()
    # A change, a lone space, a change: one change ("is damning" -> "was withdrawn"), which is
    # how a reader sees it, rather than word, space, word.
    merged: list[list[Any]] = []
    for tag, i1, i2, j1, j2 in opcodes:
        gap = merged[-1] if merged else None
        if (
            tag != "equal"
            and len(merged) >= 2
            and gap is not None
            and gap[0] == "equal"
            and "".join(a[gap[1] : gap[2]]).isspace()
            and merged[-2][0] != "equal"
        ):
            merged.pop()
            merged[-1] = ["replace", merged[-1][1], i2, merged[-1][3], j2]
            continue
        merged.append([tag, i1, i2, j1, j2])
    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            emit("equal", "".join(a[i1:i2]))
        else:
            emit("delete", "".join(a[i1:i2]))
            emit("insert", "".join(b[j1:j2]))
    return out


# -- the store ---------------------------------------------------------------------------------

_TABLES = {"post": ("posts", "body"), "comment": ("comments", "text")}


@dataclass(frozen=True, slots=True)
class Revision:
    """One stored text of an item; ``current``: the one shown."""

    item_id: str
    number: int
    text: str
    first_seen: str
    source: str | None
    suspect: str | None
    current: bool


def kind_of(item_id: str) -> str:
    return "comment" if item_id.startswith("c") else "post"


def _item_row(conn: sqlite3.Connection, item_id: str) -> tuple[str, tuple[Any, ...]]:
    kind = kind_of(item_id)
    table, column = _TABLES[kind]
    row = conn.execute(
        f"SELECT {column}, revision, revisions, source_id, added_at, stamp FROM {table}"
        " WHERE id = ?",
        [item_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"no post or comment with id {item_id!r}")
    return kind, row


def known_texts(conn: sqlite3.Connection, item_id: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT text FROM revisions WHERE item_id = ?", [item_id])]


def add(
    conn: sqlite3.Connection,
    item_id: str,
    text: str,
    *,
    source_id: int | None,
    stamp: int,
    now: str,
    current: bool,
    reason: str | None = None,
) -> int:
    """Store ``text`` as the item's next revision (shown if ``current``); returns its number.

    Call inside the caller's write transaction.  The item's first text becomes revision 1 the
    first time a second one arrives.
    """
    kind, (shown, _revision, count, item_source, added_at, item_stamp) = _item_row(conn, item_id)
    table, column = _TABLES[kind]
    if count == 0:
        conn.execute(
            "INSERT INTO revisions(item_id, number, text, source_id, first_seen, stamp, suspect)"
            " VALUES (?, 1, ?, ?, ?, ?, NULL)",
            [item_id, shown, item_source, added_at, item_stamp],
        )
        count = 1
    number = count + 1
    conn.execute(
        "INSERT INTO revisions(item_id, number, text, source_id, first_seen, stamp, suspect)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [item_id, number, text, source_id, now, stamp, reason],
    )
    if current:
        conn.execute(
            f"UPDATE {table} SET {column} = ?, revision = ?, revisions = ? WHERE id = ?",
            [text, number, number, item_id],
        )
    else:
        conn.execute(f"UPDATE {table} SET revisions = ? WHERE id = ?", [number, item_id])
    return int(number)


def history(conn: sqlite3.Connection, item_id: str) -> list[Revision]:
    """Every text of the item, oldest first (one, the current, if it was never revised)."""
    _kind, (shown, revision, count, source_id, added_at, _) = _item_row(conn, item_id)
    if count == 0:
        source = _source_path(conn, source_id)
        return [Revision(item_id, 1, shown, added_at, source, None, True)]
    rows = conn.execute(
        "SELECT r.number, r.text, r.first_seen, s.path, r.suspect FROM revisions r"
        " LEFT JOIN sources s ON s.id = r.source_id WHERE r.item_id = ? ORDER BY r.number",
        [item_id],
    ).fetchall()
    return [Revision(item_id, n, text, seen, src, sus, n == revision) for n, text, seen, src, sus
            in rows]  # fmt: skip


def _source_path(conn: sqlite3.Connection, source_id: int | None) -> str | None:
    if source_id is None:
        return None
    row = conn.execute("SELECT path FROM sources WHERE id = ?", [source_id]).fetchone()
    return row[0] if row else None


def text_of(conn: sqlite3.Connection, item_id: str, number: int) -> str | None:
    """Revision ``number``'s text (revision 1 of an item never revised is its text)."""
    row = conn.execute(
        "SELECT text FROM revisions WHERE item_id = ? AND number = ?", [item_id, number]
    ).fetchone()
    if row is not None:
        return str(row[0])
    if number == 1:
        try:
            _kind, item = _item_row(conn, item_id)
        except NotFound:
            return None
        return item[0] if item[2] == 0 else None
    return None


def current_number(conn: sqlite3.Connection, item_id: str) -> int:
    try:
        return int(_item_row(conn, item_id)[1][1])
    except NotFound:
        return 1


def use(conn: sqlite3.Connection, item_id: str, number: int, stamp: int) -> tuple[str, bool]:
    """Show revision ``number`` of the item from now on (the user chose it).  Call inside a
    write transaction; stamps the item and its post so search and annotations catch up.
    Returns the item's post id and whether anything changed."""
    kind, (_shown, revision, count, *_rest) = _item_row(conn, item_id)
    if number == revision:
        return _post_of(conn, item_id), False
    text = text_of(conn, item_id, number) if count else None
    if text is None:
        raise ReaderError(f"{item_id} has no revision {number} (it has {max(count, 1)})")
    table, column = _TABLES[kind]
    conn.execute(
        f"UPDATE {table} SET {column} = ?, revision = ?, stamp = ? WHERE id = ?",
        [text, number, stamp, item_id],
    )
    post_id = _post_of(conn, item_id)
    conn.execute("UPDATE posts SET stamp = ? WHERE id = ?", [stamp, post_id])
    return post_id, True


def _post_of(conn: sqlite3.Connection, item_id: str) -> str:
    if kind_of(item_id) == "post":
        return item_id
    row = conn.execute("SELECT post_id FROM comments WHERE id = ?", [item_id]).fetchone()
    return row[0] if row else ""


@dataclass(frozen=True, slots=True)
class EditedItem:
    """An item with more than one text, for ``revisions list`` and the window."""

    item_id: str
    post_id: str
    kind: str
    revisions: int
    current: int
    kept_aside: int  # revisions newer than the shown one that look damaged


def edited_items(conn: sqlite3.Connection, post_id: str | None = None) -> list[EditedItem]:
    """Items with revisions (those with texts kept aside first), optionally of one post."""
    out: list[EditedItem] = []
    params: list[str] = [post_id] if post_id else []
    posts_where = " AND id = ?" if post_id else ""
    comments_where = " AND post_id = ?" if post_id else ""
    rows = conn.execute(
        f"SELECT id, id, 'post', revisions, revision FROM posts WHERE revisions > 0{posts_where}"
        " UNION ALL SELECT id, post_id, 'comment', revisions, revision FROM comments"
        f" WHERE revisions > 0{comments_where}",
        params * 2,
    ).fetchall()
    for item_id, pid, kind, count, current in rows:
        aside = conn.execute(
            "SELECT count(*) FROM revisions WHERE item_id = ? AND number > ?"
            " AND suspect IS NOT NULL",
            [item_id, current],
        ).fetchone()[0]
        out.append(EditedItem(item_id, pid, kind, count, current, aside))
    out.sort(key=lambda e: (-e.kept_aside, e.post_id, e.kind != "post", e.item_id))
    return out


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
