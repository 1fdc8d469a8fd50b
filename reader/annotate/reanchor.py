"""Re-anchoring stored annotations after imports, and persisting where they now sit.

Why persisted at all when display re-anchors anyway: the orphan list, ``annotations list``, the
search flags and exports read the stored state, and a reader must be told when an import
orphaned a note.  Why a stamp: ``reanchor_after_import`` also catches up on every post changed
since it last ran (``annotations_stamp`` in the user-data file against the posts' import
stamps), so a crash between an import's commit and this call is repaired by the next call, and
calling it with an empty list (e.g. when a library opens) is a cheap consistency check.

An annotation made on an earlier revision of its item's text is placed by way of that revision
first (``revision_anchor``).  Placements are computed outside any transaction and written in
small batches, so a highlight the user makes meanwhile never waits more than a few
milliseconds.  Every placement written is journaled like any other change.

Re-anchoring never edits the reader's note, colour or times and never deletes anything.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field

from reader.annotate import anchoring, journal
from reader.annotate.store import (
    _A_COLUMNS,
    _annotation,
    _chunks,
    _write_annotation,
    item_texts,
    locate,
    made_on_texts,
    revision_numbers,
)
from reader.changes import NOTHING, Changes
from reader.model import Annotation
from reader.store import userdata
from reader.store.userdata import user_transaction

STAMP_KEY = "annotations_stamp"
WRITE_BATCH = 200


@dataclass
class ReanchorReport:
    """What one re-anchoring pass found; ``summary()`` is a line for the CLI and the window."""

    checked: int = 0
    exact: int = 0
    moved: int = 0
    orphaned: int = 0
    newly_orphaned: list[str] = field(default_factory=list)  # annotation ids
    recovered: list[str] = field(default_factory=list)  # were orphans, found again
    updated: int = 0  # rows whose stored placement changed
    methods: Counter[str] = field(default_factory=Counter)
    changed_item_ids: list[str] = field(default_factory=list)
    changes: Changes = NOTHING  # the annotations whose stored placement changed

    def summary(self) -> str:
        text = (
            f"annotations: {self.checked} checked, {self.exact} in place, {self.moved} moved,"
            f" {self.orphaned} orphaned"
        )
        if self.newly_orphaned:
            text += (
                f" ({len(self.newly_orphaned)} newly orphaned: see 'annotations list --orphans')"
            )
        if self.recovered:
            text += f", {len(self.recovered)} found again"
        return text


def _stamp(conn: sqlite3.Connection, key: str) -> int:
    if key == STAMP_KEY:
        return userdata.stamp(conn, key)
    row = conn.execute("SELECT value FROM main.meta WHERE key = ?", [key]).fetchone()
    return int(row[0]) if row else 0


def _candidates(conn: sqlite3.Connection, post_ids: set[str], everything: bool) -> list[Annotation]:
    if everything:
        rows = conn.execute(f"SELECT {_A_COLUMNS} FROM annotations").fetchall()
        return [_annotation(row) for row in rows]
    since = _stamp(conn, STAMP_KEY)
    post_ids = set(post_ids)
    post_ids.update(
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT a.post_id FROM annotations a JOIN posts p ON p.id = a.post_id"
            " WHERE p.stamp > ?",
            [since],
        )
    )
    found: dict[str, Annotation] = {}
    for chunk in _chunks(sorted(post_ids)):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT {_A_COLUMNS} FROM annotations WHERE post_id IN ({marks})", chunk
        ):
            found[row[0]] = _annotation(row)
    # Orphans are few: always look again (the import may have brought their item back), and
    # annotations imported for a post this library did not have yet carry no post id.
    for row in conn.execute(
        f"SELECT {_A_COLUMNS} FROM annotations WHERE state = 'orphan' OR post_id = ''"
    ):
        found[row[0]] = _annotation(row)
    return list(found.values())


def _run(
    conn: sqlite3.Connection, post_ids: set[str], *, everything: bool = False
) -> ReanchorReport:
    report = ReanchorReport()
    changed_items: set[str] = set()
    conn.execute("BEGIN")  # one snapshot of both files for reading; nothing written in it
    try:
        caught_up_to = _stamp(conn, "change_stamp")
        annotations = _candidates(conn, post_ids, everything)
        texts = item_texts(conn, (a.item_id for a in annotations))
        shown = revision_numbers(conn, texts)
        made_on = made_on_texts(conn, annotations, shown) if shown else {}
    finally:
        conn.execute("COMMIT")
    moved: list[tuple[Annotation, Annotation]] = []  # (as read, as placed now)
    for old in annotations:
        found = texts.get(old.item_id)
        then = made_on.get((old.item_id, old.revision))
        new, where = locate(old, found[1] if found else None, then)
        if found:
            new.post_id = found[0]
        report.checked += 1
        report.methods[where.method] += 1
        if new.state == anchoring.EXACT:
            report.exact += 1
        elif new.state == anchoring.MOVED:
            report.moved += 1
        else:
            report.orphaned += 1
            if old.state != anchoring.ORPHAN:
                report.newly_orphaned.append(old.id)
        if old.state == anchoring.ORPHAN and new.state != anchoring.ORPHAN:
            report.recovered.append(old.id)
        if new != old:
            moved.append((old, new))
    written: list[Annotation] = []
    for start in range(0, max(len(moved), 1), WRITE_BATCH):
        with user_transaction(conn) as entries:
            for old, new in moved[start : start + WRITE_BATCH]:
                # written only if nobody changed it since it was read (the user may have)
                current = conn.execute(
                    f"SELECT {_A_COLUMNS} FROM annotations WHERE id = ?", [new.id]
                ).fetchone()
                if current is None or _annotation(current).modified != new.modified:
                    continue
                _write_annotation(conn, new)
                entries.append(journal.put_annotation(new, new.revision))
                report.updated += 1
                written += [old, new]
                changed_items.add(new.item_id)
            if start + WRITE_BATCH >= len(moved):
                userdata.set_stamp(conn, STAMP_KEY, caught_up_to)
    report.changed_item_ids = sorted(changed_items)
    report.changes = Changes.of_annotations(written)
    return report


def reanchor_after_import(
    conn: sqlite3.Connection, changed_post_ids: list[str] | tuple[str, ...] = ()
) -> ReanchorReport:
    """Re-anchor the annotations of the given posts, of every post changed since the last
    run, and every orphan; persist placements that changed; one transaction.

    Call after an import committed (``ImportResult.changed_post_ids``), on the thread and
    connection that imported.  Cheap when nothing changed.
    """
    return _run(conn, set(changed_post_ids))


def reanchor_all(conn: sqlite3.Connection) -> ReanchorReport:
    """Re-anchor every annotation in the library (a repair/check command; seconds at most)."""
    return _run(conn, set(), everything=True)
