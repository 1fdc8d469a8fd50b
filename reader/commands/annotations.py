"""``annotations`` and ``bookmarks``: annotate from scripts, list, and move notes between machines.

A thin layer over ``reader.annotate``: each handler opens the library, makes one call and
prints.  Bad input (unknown id, a quote not in the item, an unknown colour, a file that is not
W3C JSON-LD) surfaces as a ``ReaderError``, which ``reader.cli`` prints as one line, status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.annotate import markdown, reanchor, store, w3c
from reader.commands.post_commit import after_writes
from reader.errors import NotFound, ReaderError
from reader.model import COLOURS, Annotation, Bookmark
from reader.store import Library, queries

if TYPE_CHECKING:
    from reader.commands import Subparsers

_NAMES = ", ".join(COLOURS)


def register(subparsers: Subparsers) -> None:
    _register_annotations(subparsers)
    _register_bookmarks(subparsers)


def _register_annotations(subparsers: Subparsers) -> None:
    group = subparsers.add_parser(
        "annotations",
        help="add, list, export and import highlights with notes",
        description="Highlights with optional notes on posts and comments, anchored by quote "
        "and position so they survive re-imports (passages that can no longer be found are "
        "kept as orphans, never deleted).",
    )
    sub = group.add_subparsers(dest="annotations_command", metavar="ACTION", required=True)

    p = sub.add_parser("add", help="highlight a passage of a post or comment")
    p.add_argument("item_id", metavar="ITEM_ID", help="a post id (p...) or comment id (c...)")
    p.add_argument("--quote", required=True, help="the exact passage (white space may differ)")
    p.add_argument("--note", default="", help="why it matters (plain text)")
    p.add_argument("--color", "--colour", dest="colour", default="yellow", help=f"one of {_NAMES}")
    p.add_argument(
        "--occurrence", type=int, default=1, metavar="N", help="the Nth place the quote occurs"
    )
    p.set_defaults(handler=cmd_add)

    p = sub.add_parser("list", help="list annotations")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--orphans", action="store_true", help="only orphaned annotations")
    p.add_argument("--post", metavar="ID", help="only this post and its comments")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("edit", help="change an annotation's note or colour")
    p.add_argument("annotation_id", metavar="ANNOTATION_ID")
    p.add_argument("--note", help="the new note (an empty string clears it)")
    p.add_argument("--color", "--colour", dest="colour", help=f"one of {_NAMES}")
    p.set_defaults(handler=cmd_edit)

    p = sub.add_parser("delete", help="delete an annotation")
    p.add_argument("annotation_id", metavar="ANNOTATION_ID")
    p.set_defaults(handler=cmd_delete)

    p = sub.add_parser(
        "export",
        help="write annotations and bookmarks as W3C Web Annotation JSON-LD or Markdown",
    )
    p.add_argument("--format", choices=("w3c", "markdown"), default="w3c")
    p.add_argument("--post", metavar="ID", help="only this post and its comments")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser(
        "import", help="read W3C Web Annotation JSON-LD (importing twice adds nothing)"
    )
    p.add_argument("file", metavar="FILE", help="a JSON-LD file, or - for standard input")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("reanchor", help="place every annotation again and report orphans")
    p.set_defaults(handler=cmd_reanchor)


def _register_bookmarks(subparsers: Subparsers) -> None:
    group = subparsers.add_parser("bookmarks", help="bookmark posts and comments")
    sub = group.add_subparsers(dest="bookmarks_command", metavar="ACTION", required=True)

    p = sub.add_parser("list", help="list bookmarks, newest first")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.set_defaults(handler=cmd_bookmarks_list)

    p = sub.add_parser("add", help="bookmark a post or comment (again: change its label)")
    p.add_argument("item_id", metavar="ITEM_ID")
    p.add_argument("--label", default="", metavar="L")
    p.set_defaults(handler=cmd_bookmarks_add)

    p = sub.add_parser("remove", help="remove an item's bookmark")
    p.add_argument("item_id", metavar="ITEM_ID")
    p.set_defaults(handler=cmd_bookmarks_remove)


# -- helpers -----------------------------------------------------------------------------------


def _time(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def annotation_dict(a: Annotation) -> dict[str, Any]:
    """The ``annotations list --json`` shape (a contract for scripts: extend only)."""
    return {
        "id": a.id,
        "item_id": a.item_id,
        "post_id": a.post_id,
        "exact": a.exact,
        "prefix": a.prefix,
        "suffix": a.suffix,
        "start": a.start,
        "end": a.end,
        "colour": a.colour,
        "note": a.note,
        "state": a.state,
        "created": _time(a.created),
        "modified": _time(a.modified),
    }


def bookmark_dict(b: Bookmark) -> dict[str, Any]:
    """The ``bookmarks list --json`` shape (extend only)."""
    return {
        "id": b.id,
        "item_id": b.item_id,
        "post_id": b.post_id,
        "label": b.label,
        "created": _time(b.created),
    }


def _check_post(library: Library, post_id: str | None) -> None:
    if post_id and library.item(post_id).kind != "post":
        raise NotFound(f"{post_id!r} is a comment, not a post")


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _where(library: Library, item_id: str) -> str:
    try:
        ref = queries.item(library.conn, item_id)
    except NotFound:
        return f"{item_id} (missing)"
    return "post" if ref.kind == "post" else f"comment {ref.path}"


# -- annotations -------------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        saved = store.add_annotation_by_quote(
            library.conn,
            args.item_id,
            args.quote,
            colour=args.colour,
            note=args.note,
            occurrence=args.occurrence,
        )
        print(saved.value.id)
        if " ".join(saved.value.exact.split()) != " ".join(args.quote.split()):
            print(f"archive-reader: highlighted “{_short(saved.value.exact)}” (whole words)",
                  file=sys.stderr)  # fmt: skip
        after_writes(library, saved.changes)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        _check_post(library, args.post)
        annotations = store.list_annotations(library.conn, post_id=args.post, orphans=args.orphans)
        if args.json:
            json.dump([annotation_dict(a) for a in annotations], sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
            return 0
        for a in annotations:
            state = "" if a.state == "exact" else f" [{a.state}]"
            note = f" — {_short(a.note, 40)}" if a.note else ""
            print(
                f"{a.id}  {a.post_id or '-'} {_where(library, a.item_id)}  {a.colour}{state}"
                f"  “{_short(a.exact)}”{note}"
            )
    if not annotations and not args.json:
        print("no orphaned annotations" if args.orphans else "no annotations", file=sys.stderr)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    if args.note is None and args.colour is None:
        raise ReaderError("nothing to change: give --note and/or --color")
    with Library.open(args.library) as library:
        saved = store.update_annotation(
            library.conn, args.annotation_id, note=args.note, colour=args.colour
        )
        print(saved.value.id)
        after_writes(library, saved.changes)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        saved = store.delete_annotation(library.conn, args.annotation_id)
        print(f"deleted {saved.value.id} (“{_short(saved.value.exact)}”)", file=sys.stderr)
        after_writes(library, saved.changes)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        _check_post(library, args.post)
        if args.format == "markdown":
            text = markdown.digest(library.conn, post_id=args.post)
        else:
            data = w3c.export_w3c(library.conn, post_id=args.post)
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ReaderError(f"{args.output}: cannot write ({exc.strerror or exc})") from None
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeError) as exc:
            raise ReaderError(f"{args.file}: cannot read ({exc})") from None
    try:
        data = w3c.load(text)
    except ReaderError as exc:
        raise ReaderError(f"{args.file}: {exc}") from None
    with Library.open(args.library) as library:
        report = w3c.import_w3c(library.conn, data)
        print(report.summary())
        for reason in report.skipped:
            print(f"archive-reader: skipped {reason}", file=sys.stderr)
        after_writes(library, report.changes)
    return 0


def cmd_reanchor(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        report = reanchor.reanchor_all(library.conn)
        print(report.summary())
        after_writes(library, report.changes)
    return 0


# -- bookmarks ---------------------------------------------------------------------------------


def cmd_bookmarks_list(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        bookmarks = store.list_bookmarks(library.conn)
        if args.json:
            json.dump([bookmark_dict(b) for b in bookmarks], sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
            return 0
        for b in bookmarks:
            label = f"  {b.label}" if b.label else ""
            created = b.created.date().isoformat() if b.created else ""
            print(f"{b.item_id}  {_where(library, b.item_id)}  {created}{label}")
    if not bookmarks:
        print("no bookmarks", file=sys.stderr)
    return 0


def cmd_bookmarks_add(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        saved = store.add_bookmark(library.conn, args.item_id, args.label)
        print(saved.value.item_id)
        after_writes(library, saved.changes)
    return 0


def cmd_bookmarks_remove(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        removed = store.remove_bookmark(library.conn, args.item_id)
        if removed.value is None:
            raise NotFound(f"{args.item_id!r} has no bookmark")
        after_writes(library, removed.changes)
    return 0
