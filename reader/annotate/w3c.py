"""W3C Web Annotation (JSON-LD) export and import: notes that survive a move to another machine.

Why this format: other tools can read it, and it carries everything re-anchoring needs.  Each
annotation targets ``urn:archive-reader:item:<stable id>`` (a post or comment) with both a
``TextQuoteSelector`` and a ``TextPositionSelector`` (code-point offsets, as the model counts);
``scope`` names the post (thread) it belongs to.  The note is a ``TextualBody`` (plain text);
the colour is the target's ``styleClass`` with a matching ``CssStylesheet``.  Bookmarks travel
as annotations with the ``bookmarking`` motivation (label as a ``describing`` body).

Import is idempotent: our ids round-trip in the annotation ``id``; foreign annotations get an
id derived from theirs (or from their content), so importing a file twice adds nothing.  When
an annotation already exists, the copy with the later ``modified`` wins.  Every imported
annotation is anchored against this library's text at once; one whose item this library lacks
is kept as an orphan.  The whole file is one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from reader import __version__
from reader.annotate import anchoring
from reader.annotate import journal as journal_entries
from reader.annotate.store import (
    _write_annotation,
    _write_bookmark,
    get_bookmark,
    item_texts,
    list_annotations,
    list_bookmarks,
    locate,
    new_bookmark_id,
    now,
    placed,
)
from reader.changes import NOTHING, Changes
from reader.errors import ReaderError
from reader.model import COLOURS, Annotation, Bookmark
from reader.store import revisions
from reader.store.userdata import user_transaction

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
VOCAB = "urn:archive-reader:vocab#"
ITEM_URN = "urn:archive-reader:item:"
ANNOTATION_URN = "urn:archive-reader:annotation:"
BOOKMARK_URN = "urn:archive-reader:bookmark:"
CSS = {
    "yellow": "#fff59d",
    "green": "#c5e1a5",
    "blue": "#90caf9",
    "pink": "#f8bbd0",
    "orange": "#ffcc80",
}
"""Colours for the exported stylesheet; the window and the HTML export may pick their own."""


def _time(value: dt.datetime | None) -> str:
    return (value or now()).astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# -- export ------------------------------------------------------------------------------------


def annotation_json(a: Annotation) -> dict[str, Any]:
    """One annotation as a W3C Web Annotation (without ``@context``; the collection has it)."""
    target: dict[str, Any] = {
        "type": "SpecificResource",
        "source": ITEM_URN + a.item_id,
        "selector": [
            {"type": "TextQuoteSelector", "exact": a.exact, "prefix": a.prefix, "suffix": a.suffix},
            {"type": "TextPositionSelector", "start": a.start, "end": a.end},
        ],
        "styleClass": a.colour,
    }
    if a.post_id and a.post_id != a.item_id:
        target["scope"] = ITEM_URN + a.post_id
    data: dict[str, Any] = {
        "id": ANNOTATION_URN + a.id,
        "type": "Annotation",
        "motivation": "commenting" if a.note else "highlighting",
        "created": _time(a.created),
        "modified": _time(a.modified or a.created),
        "target": target,
        "stylesheet": {
            "type": "CssStylesheet",
            "value": f".{a.colour} {{ background-color: {CSS.get(a.colour, '#fff59d')}; }}",
        },
        "ar:state": a.state,
    }
    if a.note:
        data["body"] = {
            "type": "TextualBody",
            "value": a.note,
            "format": "text/plain",
            "purpose": "commenting",
        }
    return data


def bookmark_json(b: Bookmark) -> dict[str, Any]:
    """One bookmark as a W3C annotation with the ``bookmarking`` motivation."""
    target: dict[str, Any] = {"type": "SpecificResource", "source": ITEM_URN + b.item_id}
    if b.post_id and b.post_id != b.item_id:
        target["scope"] = ITEM_URN + b.post_id
    data: dict[str, Any] = {
        "id": BOOKMARK_URN + b.id,
        "type": "Annotation",
        "motivation": "bookmarking",
        "created": _time(b.created),
        "target": target,
    }
    if b.label:
        data["body"] = {"type": "TextualBody", "value": b.label, "purpose": "describing"}
    return data


def export_w3c(
    conn: sqlite3.Connection, *, post_id: str | None = None, bookmarks: bool = True
) -> dict[str, Any]:
    """An ``AnnotationCollection`` of the library's (or one post's) annotations, re-anchored to
    the current text, and its bookmarks; ready for ``json.dumps``."""
    annotations = placed(conn, list_annotations(conn, post_id=post_id))
    items = [annotation_json(a) for a in annotations]
    if bookmarks:
        marks = [b for b in list_bookmarks(conn) if post_id is None or b.post_id == post_id]
        items.extend(bookmark_json(b) for b in reversed(marks))
    return {
        "@context": [ANNO_CONTEXT, {"ar": VOCAB}],
        "id": "urn:archive-reader:export:" + _time(now()),
        "type": "AnnotationCollection",
        "label": "Archive Reader annotations" + (f" on {post_id}" if post_id else ""),
        "generator": {
            "id": "urn:archive-reader",
            "type": "Software",
            "name": "Archive Reader",
            "ar:version": __version__,
        },
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


# -- import ------------------------------------------------------------------------------------


@dataclass
class W3CImportReport:
    """What ``import_w3c`` did; ``summary()`` is the CLI's line."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    orphaned: int = 0
    bookmarks_added: int = 0
    bookmarks_unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    changed_item_ids: list[str] = field(default_factory=list)
    changes: Changes = NOTHING

    def summary(self) -> str:
        text = (
            f"{self.added} annotation(s) added, {self.updated} updated, {self.unchanged} already"
            f" present; {self.bookmarks_added} bookmark(s) added"
        )
        if self.orphaned:
            text += f"; {self.orphaned} orphaned (their passage is not in this library)"
        if self.skipped:
            text += f"; {len(self.skipped)} skipped"
        return text


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("type", node.get("@type", []))
    values = value if isinstance(value, list) else [value]
    return {str(v).removeprefix("oa:") for v in values}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def collect(data: Any) -> list[dict[str, Any]]:
    """The annotations in a parsed file: a single annotation, a list, an ``AnnotationPage`` or
    an ``AnnotationCollection`` with embedded pages."""
    found: list[dict[str, Any]] = []
    for node in _as_list(data):
        if not isinstance(node, dict):
            continue
        kinds = _types(node)
        if "Annotation" in kinds:
            found.append(node)
        elif "AnnotationCollection" in kinds:
            page = node.get("first")
            while isinstance(page, dict):
                found.extend(collect(page.get("items", [])))
                page = page.get("next")
        elif "AnnotationPage" in kinds or "items" in node:
            found.extend(collect(node.get("items", [])))
    return found


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).replace(microsecond=0)


def _our_id(node: dict[str, Any], urn: str, letter: str) -> str:
    raw = str(node.get("id", node.get("@id", "")))
    if raw.startswith(urn):
        return raw.removeprefix(urn)
    basis = raw or json.dumps(node, sort_keys=True, ensure_ascii=False)
    return letter + hashlib.blake2b(basis.encode("utf-8"), digest_size=8).hexdigest()


def _target(node: dict[str, Any]) -> dict[str, Any] | None:
    for target in _as_list(node.get("target")):
        if isinstance(target, str):
            target = {"source": target}
        if isinstance(target, dict) and str(target.get("source", "")).startswith(ITEM_URN):
            return target
    return None


def _body_text(node: dict[str, Any], purposes: set[str | None]) -> str:
    texts = []
    for body in _as_list(node.get("body")):
        if isinstance(body, str):
            texts.append(body)
        elif isinstance(body, dict) and "value" in body and body.get("purpose") in purposes:
            texts.append(str(body["value"]))
    return "\n\n".join(t.strip() for t in texts if t.strip())


def _post_of(item_id: str, target: dict[str, Any], texts: dict[str, tuple[str, str]]) -> str:
    """The item's post: from this library if it has the item, else the export's ``scope``."""
    if item_id in texts:
        return texts[item_id][0]
    scope = str(target.get("scope", "")).removeprefix(ITEM_URN)
    return scope or (item_id if item_id.startswith("p") else "")


def _annotation_from(
    node: dict[str, Any], target: dict[str, Any], texts: dict[str, tuple[str, str]]
) -> Annotation:
    item_id = target["source"].removeprefix(ITEM_URN)
    quote: dict[str, Any] | None = None
    position: dict[str, Any] | None = None
    for selector in _as_list(target.get("selector")):
        if isinstance(selector, dict):
            if "TextQuoteSelector" in _types(selector):
                quote = selector
            elif "TextPositionSelector" in _types(selector):
                position = selector
    if quote is None or not str(quote.get("exact", "")):
        raise ValueError("no TextQuoteSelector")
    exact = str(quote["exact"])
    start = int(position.get("start", 0)) if position else 0
    end = int(position.get("end", start + len(exact))) if position else len(exact)
    colour = str(target.get("styleClass", node.get("ar:colour", "yellow"))).lower()
    post_id = _post_of(item_id, target, texts)
    created = _parse_time(node.get("created")) or now()
    return Annotation(
        id=_our_id(node, ANNOTATION_URN, "a"),
        item_id=item_id,
        post_id=post_id,
        exact=exact,
        prefix=str(quote.get("prefix", "")),
        suffix=str(quote.get("suffix", "")),
        start=start,
        end=end,
        colour=colour if colour in COLOURS else "yellow",
        note=_body_text(node, {None, "commenting", "describing"}),
        state=anchoring.EXACT,
        created=created,
        modified=_parse_time(node.get("modified")) or created,
    )


def import_w3c(conn: sqlite3.Connection, data: Any) -> W3CImportReport:
    """Import parsed W3C JSON-LD (see ``collect`` for accepted shapes), in one transaction."""
    nodes = collect(data)
    if not nodes:
        raise ReaderError("no W3C Web Annotations found in the file")
    report = W3CImportReport()
    changed: set[str] = set()
    written: list[Annotation] = []
    bookmarked: dict[str, str] = {}  # item id -> post id ('' if this library lacks it)
    targets = [_target(node) for node in nodes]
    texts = item_texts(conn, (t["source"].removeprefix(ITEM_URN) for t in targets if t))
    with user_transaction(conn) as journal:
        for index, (node, target) in enumerate(zip(nodes, targets, strict=True), 1):
            label = str(node.get("id", f"annotation #{index}"))
            if target is None:
                report.skipped.append(f"{label}: target is not an archive-reader item")
                continue
            if "bookmarking" in _as_list(node.get("motivation")):
                if _import_bookmark(conn, node, target, texts, journal):
                    report.bookmarks_added += 1
                    item_id = target["source"].removeprefix(ITEM_URN)
                    changed.add(item_id)
                    bookmarked[item_id] = texts.get(item_id, ("", ""))[0]
                else:
                    report.bookmarks_unchanged += 1
                continue
            try:
                incoming = _annotation_from(node, target, texts)
            except (ValueError, TypeError) as exc:
                report.skipped.append(f"{label}: {exc}")
                continue
            row = conn.execute(
                "SELECT modified FROM annotations WHERE id = ?", [incoming.id]
            ).fetchone()
            if row is not None and _parse_time(row[0]) >= incoming.modified:  # type: ignore[operator]
                report.unchanged += 1
                continue
            found = texts.get(incoming.item_id)
            incoming, _ = locate(incoming, found[1] if found else None)
            if found:  # anchored against the text shown now
                incoming.revision = revisions.current_number(conn, incoming.item_id)
            _write_annotation(conn, incoming)
            journal.append(journal_entries.put_annotation(incoming, incoming.revision))
            changed.add(incoming.item_id)
            written.append(incoming)
            if row is None:
                report.added += 1
            else:
                report.updated += 1
            if incoming.state == anchoring.ORPHAN:
                report.orphaned += 1
    report.changed_item_ids = sorted(changed)
    report.changes = Changes.of_annotations(written) | Changes(
        bookmarks=frozenset(bookmarked),
        marked_items=frozenset(bookmarked),
        marked_posts=frozenset(post for post in bookmarked.values() if post),
    )
    return report


def _import_bookmark(
    conn: sqlite3.Connection,
    node: dict[str, Any],
    target: dict[str, Any],
    texts: dict[str, tuple[str, str]],
    journal: list[dict[str, Any]],
) -> bool:
    """Add the bookmark unless the item already has one (a local bookmark is never replaced)."""
    item_id = target["source"].removeprefix(ITEM_URN)
    if get_bookmark(conn, item_id) is not None:
        return False
    post_id = _post_of(item_id, target, texts)
    raw = str(node.get("id", ""))
    bookmark = Bookmark(
        id=raw.removeprefix(BOOKMARK_URN) if raw.startswith(BOOKMARK_URN) else new_bookmark_id(),
        item_id=item_id,
        post_id=post_id,
        label=_body_text(node, {None, "describing", "tagging", "commenting"}),
        created=_parse_time(node.get("created")) or now(),
    )
    _write_bookmark(conn, bookmark)
    journal.append(journal_entries.put_bookmark(bookmark))
    return True


def load(path_text: str) -> Any:
    """Parse a file's text as JSON, or ``ReaderError`` with the position of the problem."""
    try:
        return json.loads(path_text)
    except json.JSONDecodeError as exc:
        raise ReaderError(f"not JSON: {exc.msg} at line {exc.lineno}") from None
