"""Bookmarks and annotations in SQLite: every change is its own committed transaction.

Why so strict: readers build cases on these notes, so there is no unsaved state anywhere; a
call that returns has committed (WAL, so a killed process loses nothing that returned), and
its journal line is on disk (``reader.annotate.journal``).  Every write touches only the
user-data file (``reader.store.userdata``), so it never waits behind an import.

Designed for undo: ``delete_annotation`` returns the whole ``Annotation`` and
``restore_annotation`` puts it back with the same id and times, so a QUndoStack command can
``redo = delete``, ``undo = restore``; the same pair undoes an edit (keep what
``get_annotation`` returned before ``update_annotation``).  Bookmarks work alike
(``remove_bookmark`` / ``restore_bookmark``), one per item.

Readers for other parts of the program: ``annotations_for_post`` (re-anchored against the
current text, not written back: display must never wait on a writer), ``bookmarks_for_post``,
``notes_and_flags`` (search).  Every write returns a ``Saved``: the object written (or removed)
and the ``Changes`` it made, which the caller hands to ``reader.derived.bring_up_to_date`` (the
search index learns notes and flags from it) and the window to its views.

All functions take a plain ``sqlite3.Connection`` (``Library.conn``), one per thread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import uuid
from collections.abc import Iterable
from typing import Any

from reader.annotate import anchoring, journal, revision_anchor
from reader.changes import NOTHING, Changes, Saved
from reader.errors import NotFound, ReaderError
from reader.model import COLOURS, Annotation, Bookmark
from reader.store import queries, revisions
from reader.store.userdata import user_transaction

_A_COLUMNS = (
    "id, item_id, post_id, exact, prefix, suffix, start_at, end_at, colour, note, state,"
    " created, modified, revision"
)
_B_COLUMNS = "id, item_id, post_id, label, created"


# -- small helpers -----------------------------------------------------------------------------


def now() -> dt.datetime:
    """The current UTC time to the second (what is stored, ISO 8601)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _iso(value: dt.datetime | None) -> str:
    value = value or now()
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def new_annotation_id() -> str:
    return "a" + uuid.uuid4().hex[:16]


def new_bookmark_id() -> str:
    return "b" + uuid.uuid4().hex[:16]


def check_colour(colour: str) -> str:
    """The colour name, or ``ReaderError`` listing the allowed ones."""
    name = colour.strip().lower()
    if name not in COLOURS:
        raise ReaderError(f"unknown colour {colour!r} (choose from: {', '.join(COLOURS)})")
    return name


def clean_note(note: str) -> str:
    """A note as stored: one newline style, no surrounding blank space (the window compares
    with this to tell a real edit from none)."""
    return note.replace("\r\n", "\n").replace("\r", "\n").strip()


def _annotation(row: tuple[Any, ...]) -> Annotation:
    return Annotation(
        id=row[0],
        item_id=row[1],
        post_id=row[2],
        exact=row[3],
        prefix=row[4],
        suffix=row[5],
        start=row[6],
        end=row[7],
        colour=row[8],
        note=row[9],
        state=row[10],
        created=_time(row[11]),
        modified=_time(row[12]),
        revision=row[13] if len(row) > 13 else 1,
    )


def _bookmark(row: tuple[Any, ...]) -> Bookmark:
    return Bookmark(id=row[0], item_id=row[1], post_id=row[2], label=row[3], created=_time(row[4]))


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for index in range(0, len(values), size):
        yield values[index : index + size]


def item_texts(conn: sqlite3.Connection, item_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """``{item_id: (post_id, text)}`` for the ids the library has; missing ids are left out."""
    wanted = sorted(set(item_ids))
    found: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(wanted):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT id, post_id, text FROM comments WHERE id IN ({marks})", chunk
        ):
            found[row[0]] = (row[1], row[2])
        for row in conn.execute(f"SELECT id, id, body FROM posts WHERE id IN ({marks})", chunk):
            found[row[0]] = (row[1], row[2])
    return found


def made_on_texts(
    conn: sqlite3.Connection, annotations: Iterable[Annotation], current: dict[str, int]
) -> dict[tuple[str, int], str]:
    """The texts of the revisions annotations were made on, where that is not the shown one
    (``current``: item id -> shown revision number, for items with several)."""
    wanted = {
        (a.item_id, a.revision)
        for a in annotations
        if a.item_id in current and current[a.item_id] != a.revision
    }
    found: dict[tuple[str, int], str] = {}
    for item_id, number in wanted:
        text = revisions.text_of(conn, item_id, number)
        if text is not None:
            found[(item_id, number)] = text
    return found


def revision_numbers(conn: sqlite3.Connection, item_ids: Iterable[str]) -> dict[str, int]:
    """``{item_id: shown revision}`` for those of ``item_ids`` that have several texts."""
    wanted = sorted(set(item_ids))
    found: dict[str, int] = {}
    for chunk in _chunks(wanted):
        marks = ",".join("?" * len(chunk))
        for table in ("posts", "comments"):
            for item_id, number in conn.execute(
                f"SELECT id, revision FROM {table} WHERE revisions > 0 AND id IN ({marks})", chunk
            ):
                found[item_id] = number
    return found


def place(annotation: Annotation, text: str | None, made_on: str | None = None) -> Annotation:
    """``annotation`` re-anchored in ``text`` (``None``: item missing); never mutates its input.

    ``made_on``: the text of the revision it was made on, when the item shows another one now
    (the span is mapped through the change first: ``revision_anchor``).  When the passage is
    found verbatim or modulo white space the quote selector is refreshed from the current text
    (so it stays consistent with the offsets); a fuzzy ("moved") match keeps the reader's
    original quote, so the change stays visible until they confirm it.
    """
    return locate(annotation, text, made_on)[0]


def locate(
    annotation: Annotation, text: str | None, made_on: str | None = None
) -> tuple[Annotation, anchoring.Placement]:
    """``place`` plus the raw ``Placement`` (which step found it), for reports."""
    a = annotation
    start, end = a.start, a.end
    if text is not None and made_on is not None:
        start, end = revision_anchor.hint(made_on, text, a.exact, a.prefix, a.suffix, start, end)
    where = anchoring.anchor(text, a.exact, a.prefix, a.suffix, start, end)
    if where.state == anchoring.EXACT and text is not None:
        quote = anchoring.capture(text, where.start, where.end)
        moved = dataclasses.replace(
            a,
            start=where.start,
            end=where.end,
            state=where.state,
            exact=quote.exact,
            prefix=quote.prefix,
            suffix=quote.suffix,
        )
    else:
        moved = dataclasses.replace(a, start=where.start, end=where.end, state=where.state)
    return moved, where


def _write_annotation(conn: sqlite3.Connection, a: Annotation, revision: int | None = None) -> None:
    if revision is not None and revision != a.revision:
        a = dataclasses.replace(a, revision=revision)
    conn.execute(
        f"INSERT OR REPLACE INTO annotations({_A_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            a.id,
            a.item_id,
            a.post_id,
            a.exact,
            a.prefix,
            a.suffix,
            a.start,
            a.end,
            a.colour,
            a.note,
            a.state,
            _iso(a.created),
            _iso(a.modified or a.created),
            a.revision,
        ],
    )


def _save_annotation(conn: sqlite3.Connection, entries: list[Any], a: Annotation) -> None:
    """Write ``a`` and journal it (inside a ``user_transaction``)."""
    _write_annotation(conn, a)
    entries.append(journal.put_annotation(a, a.revision))


# -- annotations: writing ----------------------------------------------------------------------


def add_annotation(
    conn: sqlite3.Connection,
    item_id: str,
    start: int,
    end: int,
    *,
    colour: str = "yellow",
    note: str = "",
) -> Saved[Annotation]:
    """Highlight ``text[start:end]`` of a post or comment (code-point offsets) and commit.

    ``NotFound`` for an unknown item, ``ReaderError`` for an empty/out-of-range span or an
    unknown colour.
    """
    ref = queries.item(conn, item_id)
    try:
        quote = anchoring.capture(ref.text, start, end)
    except ValueError as exc:
        raise ReaderError(f"{item_id}: {exc}") from None
    stamp = now()
    annotation = Annotation(
        id=new_annotation_id(),
        item_id=ref.id,
        post_id=ref.post_id,
        exact=quote.exact,
        prefix=quote.prefix,
        suffix=quote.suffix,
        start=start,
        end=end,
        colour=check_colour(colour),
        note=clean_note(note),
        state=anchoring.EXACT,
        created=stamp,
        modified=stamp,
        revision=revisions.current_number(conn, ref.id),
    )
    with user_transaction(conn) as entries:
        _save_annotation(conn, entries, annotation)
    return Saved(annotation, Changes.of_annotations([annotation]))


def add_annotation_by_quote(
    conn: sqlite3.Connection,
    item_id: str,
    quote: str,
    *,
    colour: str = "yellow",
    note: str = "",
    occurrence: int = 1,
) -> Saved[Annotation]:
    """Highlight the ``occurrence``-th place ``quote`` appears in the item (white space may
    differ from the dump's); ``ReaderError`` if it does not appear that often."""
    ref = queries.item(conn, item_id)
    spans = anchoring.find_quote(ref.text, quote)
    if not spans:
        raise ReaderError(f"{item_id}: the quote was not found in this {ref.kind}")
    if not 1 <= occurrence <= len(spans):
        raise ReaderError(f"{item_id}: the quote occurs {len(spans)} time(s), not {occurrence}")
    start, end = spans[occurrence - 1]
    return add_annotation(conn, item_id, start, end, colour=colour, note=note)


def update_annotation(
    conn: sqlite3.Connection,
    annotation_id: str,
    *,
    note: str | None = None,
    colour: str | None = None,
    span: tuple[int, int] | None = None,
) -> Saved[Annotation]:
    """Change the note, colour and/or highlighted span; returns the annotation as stored now.

    A new ``span`` re-captures the quote from the item's current text, which is also how a
    reader confirms a "moved" highlight (pass its current ``(start, end)``): it becomes exact.
    """
    old = get_annotation(conn, annotation_id)
    new = dataclasses.replace(old, modified=now())
    if note is not None:
        new.note = clean_note(note)
    if colour is not None:
        new.colour = check_colour(colour)
    if span is not None:
        ref = queries.item(conn, old.item_id)
        try:
            quote = anchoring.capture(ref.text, *span)
        except ValueError as exc:
            raise ReaderError(f"{old.item_id}: {exc}") from None
        new.start, new.end = span
        new.exact, new.prefix, new.suffix = quote.exact, quote.prefix, quote.suffix
        new.state, new.post_id = anchoring.EXACT, ref.post_id
        new.revision = revisions.current_number(conn, ref.id)
    with user_transaction(conn) as entries:
        _save_annotation(conn, entries, new)
    return Saved(new, Changes.of_annotations([old, new]))


def delete_annotation(conn: sqlite3.Connection, annotation_id: str) -> Saved[Annotation]:
    """Delete and return the whole annotation, so undo can ``restore_annotation`` it."""
    with user_transaction(conn) as entries:
        row = conn.execute(
            f"SELECT {_A_COLUMNS} FROM annotations WHERE id = ?", [annotation_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"no annotation with id {annotation_id!r}")
        conn.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
        entries.append(journal.delete_annotation(annotation_id))
    annotation = _annotation(row)
    return Saved(annotation, Changes.of_annotations([annotation]))


def restore_annotation(conn: sqlite3.Connection, annotation: Annotation) -> Saved[Annotation]:
    """Write ``annotation`` exactly as given (same id, times, selectors): undo of delete/edit."""
    with user_transaction(conn) as entries:
        _save_annotation(conn, entries, annotation)
    return Saved(annotation, Changes.of_annotations([annotation]))


# -- annotations: reading ----------------------------------------------------------------------


def get_annotation(conn: sqlite3.Connection, annotation_id: str) -> Annotation:
    """The annotation as stored (last persisted placement); ``NotFound`` if there is none."""
    row = conn.execute(
        f"SELECT {_A_COLUMNS} FROM annotations WHERE id = ?", [annotation_id]
    ).fetchone()
    if row is None:
        raise NotFound(f"no annotation with id {annotation_id!r}")
    return _annotation(row)


def _select(
    conn: sqlite3.Connection, where: str = "", params: Iterable[object] = ()
) -> list[Annotation]:
    sql = f"SELECT {_A_COLUMNS} FROM annotations {where} ORDER BY post_id, item_id, start_at, id"
    return [_annotation(row) for row in conn.execute(sql, list(params))]


def _document_order(conn: sqlite3.Connection, annotations: list[Annotation]) -> list[Annotation]:
    """Post body first, then comments in thread order, then by offset."""
    comment_ids = [a.item_id for a in annotations if a.item_id.startswith("c")]
    paths: dict[str, tuple[int, ...]] = {}
    for chunk in _chunks(sorted(set(comment_ids))):
        marks = ",".join("?" * len(chunk))
        for cid, path in conn.execute(
            f"SELECT id, path FROM comments WHERE id IN ({marks})", chunk
        ):
            paths[cid] = tuple(int(p) for p in path.split(".") if p.isdigit())

    def key(a: Annotation) -> tuple[Any, ...]:
        if a.item_id == a.post_id:
            where: tuple[int, tuple[int, ...]] = (0, ())
        else:
            where = (1, paths.get(a.item_id, (1 << 30,)))
        return (a.post_id, *where, a.item_id, a.start, a.id)

    return sorted(annotations, key=key)


def placed(conn: sqlite3.Connection, annotations: list[Annotation]) -> list[Annotation]:
    """``annotations`` re-anchored against the library's current texts, in document order."""
    texts = item_texts(conn, (a.item_id for a in annotations))
    shown = revision_numbers(conn, texts)
    made_on = made_on_texts(conn, annotations, shown) if shown else {}
    result = []
    for a in annotations:
        found = texts.get(a.item_id)
        current = place(a, found[1] if found else None, made_on.get((a.item_id, a.revision)))
        if found and current.post_id != found[0]:
            current.post_id = found[0]
        result.append(current)
    return _document_order(conn, result)


def annotations_for_post(conn: sqlite3.Connection, post_id: str) -> list[Annotation]:
    """Every annotation on a post and its comments, re-anchored (current ``start``/``end``/
    ``state``), in document order.  Reads only: the placement is computed, not written."""
    return placed(conn, _select(conn, "WHERE post_id = ?", [post_id]))


def annotations_for_item(conn: sqlite3.Connection, item_id: str) -> list[Annotation]:
    """The annotations on one post body or one comment, re-anchored, by offset."""
    return placed(conn, _select(conn, "WHERE item_id = ?", [item_id]))


def list_annotations(
    conn: sqlite3.Connection, *, post_id: str | None = None, orphans: bool = False
) -> list[Annotation]:
    """Annotations as stored (the placement the last re-anchoring persisted), in document
    order; ``orphans=True`` gives the "Orphaned annotations" view."""
    clauses, params = [], []
    if post_id:
        clauses.append("post_id = ?")
        params.append(post_id)
    if orphans:
        clauses.append("state = 'orphan'")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return _document_order(conn, _select(conn, where, params))


def orphaned_annotations(conn: sqlite3.Connection) -> list[Annotation]:
    """Annotations whose passage (or whole item) could not be found: kept, listed, never
    deleted silently."""
    return list_annotations(conn, orphans=True)


# -- bookmarks ---------------------------------------------------------------------------------


def get_bookmark(conn: sqlite3.Connection, item_id: str) -> Bookmark | None:
    row = conn.execute(f"SELECT {_B_COLUMNS} FROM bookmarks WHERE item_id = ?", [item_id])
    found = row.fetchone()
    return _bookmark(found) if found else None


def add_bookmark(conn: sqlite3.Connection, item_id: str, label: str = "") -> Saved[Bookmark]:
    """Bookmark a post or comment (one bookmark per item: again just sets the label)."""
    ref = queries.item(conn, item_id)
    with user_transaction(conn) as entries:
        existing = get_bookmark(conn, ref.id)
        if existing is None:
            bookmark = Bookmark(new_bookmark_id(), ref.id, ref.post_id, label.strip(), now())
        else:
            bookmark = dataclasses.replace(existing, label=label.strip())
        _write_bookmark(conn, bookmark)
        entries.append(journal.put_bookmark(bookmark))
    return Saved(bookmark, Changes.of_bookmarks([bookmark]))


def _write_bookmark(conn: sqlite3.Connection, b: Bookmark) -> None:
    conn.execute(
        f"INSERT OR REPLACE INTO bookmarks({_B_COLUMNS}) VALUES (?,?,?,?,?)",
        [b.id, b.item_id, b.post_id, b.label, _iso(b.created)],
    )


def remove_bookmark(conn: sqlite3.Connection, item_id: str) -> Saved[Bookmark | None]:
    """Remove and return the item's bookmark (``None`` if it had none): undo restores it."""
    with user_transaction(conn) as entries:
        existing = get_bookmark(conn, item_id)
        if existing is not None:
            conn.execute("DELETE FROM bookmarks WHERE item_id = ?", [item_id])
            entries.append(journal.delete_bookmark(item_id))
    if existing is None:
        return Saved(None, NOTHING)
    return Saved(existing, Changes.of_bookmarks([existing]))


def restore_bookmark(conn: sqlite3.Connection, bookmark: Bookmark) -> Saved[Bookmark]:
    """Write ``bookmark`` exactly as given (same id and time): undo of remove or relabel."""
    with user_transaction(conn) as entries:
        conn.execute(
            "DELETE FROM bookmarks WHERE item_id = ? AND id != ?", [bookmark.item_id, bookmark.id]
        )
        _write_bookmark(conn, bookmark)
        entries.append(journal.put_bookmark(bookmark))
    return Saved(bookmark, Changes.of_bookmarks([bookmark]))


def toggle_bookmark(conn: sqlite3.Connection, item_id: str) -> Saved[Bookmark | None]:
    """Add a bookmark if the item has none (its value is the bookmark), else remove it (its
    value is ``None``)."""
    if get_bookmark(conn, item_id) is None:
        added = add_bookmark(conn, item_id)
        return Saved(added.value, added.changes)
    return Saved(None, remove_bookmark(conn, item_id).changes)


def bookmarks_for_post(conn: sqlite3.Connection, post_id: str) -> list[Bookmark]:
    """The post's own bookmark (if any) and its comments' bookmarks, oldest first."""
    rows = conn.execute(
        f"SELECT {_B_COLUMNS} FROM bookmarks WHERE post_id = ? ORDER BY created, id", [post_id]
    )
    return [_bookmark(row) for row in rows]


def list_bookmarks(conn: sqlite3.Connection) -> list[Bookmark]:
    """Every bookmark, newest first."""
    rows = conn.execute(f"SELECT {_B_COLUMNS} FROM bookmarks ORDER BY created DESC, id")
    return [_bookmark(row) for row in rows]


# -- search ------------------------------------------------------------------------------------


def notes_and_flags(
    conn: sqlite3.Connection, item_ids: Iterable[str]
) -> dict[str, tuple[str, set[str], set[str]]]:
    """For each requested id: (notes text, flags, colours), for indexing ``note:``, ``is:`` and
    ``color:``.  Every requested id gets an entry (empty when it has nothing), so the indexer
    can also clear stale fields.

    The notes text joins the item's annotation notes and its bookmark label with blank lines;
    flags are drawn from ``{"bookmarked", "annotated", "noted", "orphan"}``.
    """
    wanted = sorted(set(item_ids))
    notes: dict[str, list[str]] = {item: [] for item in wanted}
    flags: dict[str, set[str]] = {item: set() for item in wanted}
    colours: dict[str, set[str]] = {item: set() for item in wanted}
    for chunk in _chunks(wanted):
        marks = ",".join("?" * len(chunk))
        for item, note, colour, state in conn.execute(
            f"SELECT item_id, note, colour, state FROM annotations WHERE item_id IN ({marks})"
            " ORDER BY start_at",
            chunk,
        ):
            flags[item].add("annotated")
            colours[item].add(colour)
            if note:
                notes[item].append(note)
                flags[item].add("noted")
            if state == anchoring.ORPHAN:
                flags[item].add("orphan")
        for item, label in conn.execute(
            f"SELECT item_id, label FROM bookmarks WHERE item_id IN ({marks})", chunk
        ):
            flags[item].add("bookmarked")
            if label:
                notes[item].append(label)
    return {item: ("\n\n".join(notes[item]), flags[item], colours[item]) for item in wanted}
