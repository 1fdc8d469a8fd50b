"""The journal: every change to what only the user made, one JSON line each, replayable.

``journal.jsonl`` in the library folder gets a line for every annotation, bookmark and read
mark written or deleted, appended (and synced) inside the same transaction that changes the
user-data file (``reader.store.userdata.user_transaction``).  Records are W3C Web Annotations
(the same shapes ``annotations export`` writes, with a few ``ar:`` fields so every column comes
back exactly), wrapped in a small envelope::

    {"v": 1, "at": "2024-05-01T10:00:00Z", "op": "put", "kind": "annotation", "record": {...}}
    {"v": 1, "at": "...", "op": "delete", "kind": "bookmark", "item": "c1a2b3"}

Each ``put`` holds the whole record as it now is, so replaying the journal in order over any
older copy of the user data (a backup, an empty file) ends in the state the user last saw, and
replaying it twice changes nothing.  A line cut short by a crash is skipped and counted.

The journal only grows, so it is compacted (``compact_if_due``, with the daily backup before an
import) once it is long and mostly history: rewritten, atomically, as the state it describes —
a ``start`` line marked ``ar:compacted``, every imported source and the last text choice per
item as they were, then one ``put`` per annotation, bookmark and read mark.  Replay clears the
user data at such a line, so an annotation deleted before the compaction never comes back from
an older backup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.model import Annotation, Bookmark
from reader.store.userdata import user_transaction

VERSION = 1
READ_URN = "urn:archive-reader:read:"
ITEM_URN = "urn:archive-reader:item:"


def _w3c() -> Any:
    # imported when first needed: reader.annotate.w3c imports the store, which imports this
    from reader.annotate import w3c

    return w3c


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _entry(op: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"v": VERSION, "at": _now(), "op": op, "kind": kind, **fields}


# -- records -----------------------------------------------------------------------------------


def annotation_record(a: Annotation, revision: int = 1) -> dict[str, Any]:
    record: dict[str, Any] = _w3c().annotation_json(a)
    record["ar:post"] = a.post_id
    record["ar:revision"] = revision
    return record


def put_annotation(a: Annotation, revision: int = 1) -> dict[str, Any]:
    return _entry("put", "annotation", record=annotation_record(a, revision))


def delete_annotation(annotation_id: str) -> dict[str, Any]:
    return _entry("delete", "annotation", id=annotation_id)


def put_bookmark(b: Bookmark) -> dict[str, Any]:
    record = _w3c().bookmark_json(b)
    record["ar:post"] = b.post_id
    record["ar:label"] = b.label
    return _entry("put", "bookmark", record=record)


def delete_bookmark(item_id: str) -> dict[str, Any]:
    return _entry("delete", "bookmark", item=item_id)


def put_read(
    post_id: str, opened_at: str, last_comment_id: str | None, read_stamp: int
) -> dict[str, Any]:
    record = {
        "id": READ_URN + post_id,
        "type": "Annotation",
        "motivation": "ar:reading",
        "created": opened_at,
        "target": ITEM_URN + post_id,
        "ar:lastComment": last_comment_id,
        "ar:readStamp": read_stamp,
    }
    return _entry("put", "read", record=record)


def put_revision_choice(item_id: str, number: int, text: str) -> dict[str, Any]:
    """The user chose which text of an item is shown (``revisions use``).  The text's
    SHA-256 names the revision, since a repaired library may number it differently."""
    record = {"item": item_id, "number": number, "sha256": text_sha256(text)}
    return _entry("put", "revision", record=record)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _annotation_from(record: dict[str, Any]) -> tuple[Annotation, int]:
    """An annotation from its ``put`` record (every column as it was) and its revision."""
    target = record["target"]
    w3c = _w3c()
    quote = next(s for s in target["selector"] if s["type"] == "TextQuoteSelector")
    position = next(s for s in target["selector"] if s["type"] == "TextPositionSelector")
    body = record.get("body")
    note = body["value"] if isinstance(body, dict) else ""
    annotation = Annotation(
        id=str(record["id"]).removeprefix(w3c.ANNOTATION_URN),
        item_id=str(target["source"]).removeprefix(ITEM_URN),
        post_id=str(record.get("ar:post", "")),
        exact=quote["exact"],
        prefix=quote.get("prefix", ""),
        suffix=quote.get("suffix", ""),
        start=int(position["start"]),
        end=int(position["end"]),
        colour=str(target.get("styleClass", "yellow")),
        note=note,
        state=str(record.get("ar:state", "exact")),
        created=w3c._parse_time(record.get("created")),
        modified=w3c._parse_time(record.get("modified")),
        revision=int(record.get("ar:revision", 1)),
    )
    return annotation, annotation.revision


def _bookmark_from(record: dict[str, Any]) -> Bookmark:
    target = record["target"]
    w3c = _w3c()
    return Bookmark(
        id=str(record["id"]).removeprefix(w3c.BOOKMARK_URN),
        item_id=str(target["source"]).removeprefix(ITEM_URN),
        post_id=str(record.get("ar:post", "")),
        label=str(record.get("ar:label", "")),
        created=w3c._parse_time(record.get("created")),
    )


# -- reading and replaying ---------------------------------------------------------------------


@dataclass
class ReplayReport:
    """What ``replay`` applied; ``summary()`` is a line for ``repair``."""

    lines: int = 0
    annotations: int = 0
    bookmarks: int = 0
    reads: int = 0
    deletions: int = 0
    skipped: list[str] = field(default_factory=list)  # "line N: why"

    def summary(self) -> str:
        text = (
            f"journal: {self.lines} line(s) replayed: {self.annotations} annotation(s),"
            f" {self.bookmarks} bookmark(s), {self.reads} read mark(s), {self.deletions}"
            " deletion(s)"
        )
        if self.skipped:
            text += f"; {len(self.skipped)} unreadable line(s) skipped"
        return text


def entries(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """``(line number, entry or None, problem)`` for each line of the journal."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                yield number, None, "not JSON (cut short?)"
                continue
            if not isinstance(entry, dict) or entry.get("op") not in ("put", "delete"):
                yield number, None, "not a journal entry"
                continue
            yield number, entry, ""


def replay(conn: sqlite3.Connection, path: Path) -> ReplayReport:
    """Apply the journal at ``path`` to the user data of ``conn`` (one transaction; nothing is
    journaled again).  Missing journal: an empty report."""
    from reader.annotate.store import _write_annotation, _write_bookmark

    report = ReplayReport()
    if not path.exists():
        return report
    with user_transaction(conn):  # the entries list stays empty: the journal is the source
        for number, entry, problem in entries(path):
            if entry is None:
                report.skipped.append(f"line {number}: {problem}")
                continue
            kind, op = entry.get("kind"), entry["op"]
            try:
                if op == "delete":
                    _delete(conn, kind, entry)
                    report.deletions += 1
                elif kind == "annotation":
                    annotation, revision = _annotation_from(entry["record"])
                    _write_annotation(conn, annotation, revision)
                    report.annotations += 1
                elif kind == "bookmark":
                    bookmark = _bookmark_from(entry["record"])
                    conn.execute(
                        "DELETE FROM bookmarks WHERE item_id = ? AND id != ?",
                        [bookmark.item_id, bookmark.id],
                    )
                    _write_bookmark(conn, bookmark)
                    report.bookmarks += 1
                elif kind == "read":
                    _write_read(conn, entry["record"])
                    report.reads += 1
                elif kind == "start" and (entry.get("record") or {}).get("ar:compacted"):
                    # what follows is the whole state: nothing before it survives
                    for table in ("annotations", "bookmarks", "read_state"):
                        conn.execute(f"DELETE FROM {table}")
                elif kind in ("start", "source", "revision"):
                    # the journal's first line; an imported file and a choice of text (both
                    # for the library database: ``sources``, ``revision_choices``)
                    continue
                else:
                    report.skipped.append(f"line {number}: unknown kind {kind!r}")
                    continue
            except (KeyError, TypeError, ValueError, StopIteration) as exc:
                report.skipped.append(f"line {number}: {type(exc).__name__}: {exc}")
                continue
            report.lines += 1
    return report


def sources(path: Path) -> list[tuple[str, str]]:
    """``(path, sha256)`` of every file imported since the journal began, oldest first, each
    once: where ``repair`` looks for dumps to import again when the library lost its list."""
    found: dict[str, tuple[str, str]] = {}
    if not path.exists():
        return []
    for _, entry, _problem in entries(path):
        if entry is None or entry.get("kind") != "source":
            continue
        record = entry.get("record") or {}
        if isinstance(record, dict) and record.get("path") and record.get("sha256"):
            found.setdefault(str(record["sha256"]), (str(record["path"]), str(record["sha256"])))
    return list(found.values())


def revision_choices(path: Path) -> dict[str, tuple[int, str]]:
    """``item id -> (number, text sha256)``: the text the user last chose for each item."""
    chosen: dict[str, tuple[int, str]] = {}
    if not path.exists():
        return chosen
    for _, entry, _problem in entries(path):
        if entry is None or entry.get("kind") != "revision":
            continue
        record = entry.get("record") or {}
        if isinstance(record, dict) and record.get("item") and record.get("sha256"):
            chosen[str(record["item"])] = (int(record.get("number", 0)), str(record["sha256"]))
    return chosen


def _delete(conn: sqlite3.Connection, kind: Any, entry: dict[str, Any]) -> None:
    if kind == "annotation":
        conn.execute("DELETE FROM annotations WHERE id = ?", [str(entry["id"])])
    elif kind == "bookmark":
        conn.execute("DELETE FROM bookmarks WHERE item_id = ?", [str(entry["item"])])
    elif kind == "read":
        conn.execute("DELETE FROM read_state WHERE post_id = ?", [str(entry["post"])])
    else:
        raise ValueError(f"unknown kind {kind!r}")


def _write_read(conn: sqlite3.Connection, record: dict[str, Any]) -> None:
    post_id = str(record["target"]).removeprefix(ITEM_URN)
    conn.execute(
        "INSERT OR REPLACE INTO read_state(post_id, opened_at, last_comment_id, read_stamp)"
        " VALUES (?, ?, ?, ?)",
        [post_id, str(record["created"]), record.get("ar:lastComment"),
         int(record.get("ar:readStamp", 0))],
    )  # fmt: skip


def _state(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """A ``put`` for every annotation, bookmark and read mark the user data holds now."""
    from reader.annotate.store import _A_COLUMNS, _B_COLUMNS, _annotation, _bookmark

    found: list[dict[str, Any]] = []
    for row in conn.execute(f"SELECT {_A_COLUMNS}, revision FROM annotations ORDER BY id"):
        found.append(put_annotation(_annotation(row[:-1]), row[-1]))
    for row in conn.execute(f"SELECT {_B_COLUMNS} FROM bookmarks ORDER BY id"):
        found.append(put_bookmark(_bookmark(row)))
    for post_id, opened, last, stamp in conn.execute(
        "SELECT post_id, opened_at, last_comment_id, read_stamp FROM read_state ORDER BY post_id"
    ):
        found.append(put_read(post_id, opened, last, stamp))
    return found


def snapshot(conn: sqlite3.Connection) -> int:
    """Append a ``put`` for everything the user data holds now (the journal's first lines for
    a library made before journals, or whose journal was lost); returns how many."""
    with user_transaction(conn) as journal:
        journal.extend(_state(conn))
        if not journal:
            journal.append(_entry("put", "start", record={"ar:version": VERSION}))
        return len(journal)


COMPACT_LINES = 20_000
"""A journal is compacted once it has this many lines (a few MB) ..."""
COMPACT_RATIO = 4
"""... and at least this many times the lines its state needs."""


@dataclass
class CompactReport:
    lines_before: int
    lines_after: int
    bytes_before: int
    bytes_after: int


def compact(conn: sqlite3.Connection, path: Path) -> CompactReport:
    """Rewrite the journal at ``path`` as the state it describes (see the module docstring):
    written beside it, synced, then renamed over it, so a crash leaves the old journal or the
    new one, never a part.  Holds the user-data lock throughout (no annotation can be written
    meanwhile); call it with the library's writer lock held too, under which imports note
    their sources and text choices are made."""
    with user_transaction(conn):  # nothing to append: the lock is what is wanted
        before = path.read_bytes() if path.exists() else b""
        kept_sources: dict[tuple[str, str], dict[str, Any]] = {}
        kept_choices: dict[str, dict[str, Any]] = {}
        for _, entry, _problem in entries(path) if before else ():
            record = (entry or {}).get("record") or {}
            if entry is None or not isinstance(record, dict):
                continue
            if entry.get("kind") == "source":
                kept_sources[(str(record.get("path")), str(record.get("sha256")))] = entry
            elif entry.get("kind") == "revision":
                kept_choices[str(record.get("item"))] = entry
        start = _entry("put", "start", record={"ar:version": VERSION, "ar:compacted": _now()})
        lines = [start, *kept_sources.values(), *kept_choices.values(), *_state(conn)]
        data = "".join(
            json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in lines
        ).encode("utf-8")
        temporary = path.with_name(path.name + ".compacting")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    return CompactReport(before.count(b"\n"), len(lines), len(before), len(data))


def compact_if_due(conn: sqlite3.Connection, path: Path) -> CompactReport | None:
    """``compact`` when the journal is long (``COMPACT_LINES``) and mostly history
    (``COMPACT_RATIO`` times the lines its state needs); None otherwise, or if it cannot be
    rewritten now (a full disk: the journal stays as it was, and is still whole)."""
    if not path.exists():
        return None
    with open(path, "rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    if lines < COMPACT_LINES:
        return None
    live = conn.execute(
        "SELECT (SELECT count(*) FROM annotations) + (SELECT count(*) FROM bookmarks)"
        " + (SELECT count(*) FROM read_state)"
    ).fetchone()[0]
    if lines < COMPACT_RATIO * (int(live) + 1):
        return None
    try:
        return compact(conn, path)
    except OSError:
        path.with_name(path.name + ".compacting").unlink(missing_ok=True)
        return None
