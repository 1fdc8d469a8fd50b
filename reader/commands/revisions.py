"""``revisions``: the texts dumps gave a post or comment, which one is shown, and choosing.

A thin layer over ``reader.store.revisions``: ``list`` names every item with more than one text
(those with a text kept aside because it looks damaged first), ``show`` prints an item's
revisions, ``diff`` a word-level difference between two of them, ``use`` shows another one
from now on (annotations are re-anchored at once).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from reader.commands.post_commit import after_writes
from reader.errors import ReaderError
from reader.store import Library, revisions

if TYPE_CHECKING:
    from reader.commands import Subparsers


def register(subparsers: Subparsers) -> None:
    group = subparsers.add_parser(
        "revisions",
        help="see earlier texts of edited posts and comments, and choose which is shown",
        description="When a later dump brings a different text for a post or comment, both "
        "are kept. A text that looks damaged (an inserted run, a very long line, undecodable "
        "characters) is kept aside and never shown unless chosen here.",
    )
    sub = group.add_subparsers(dest="revisions_command", metavar="ACTION", required=True)

    p = sub.add_parser("list", help="items with more than one text")
    p.add_argument("--post", metavar="ID", help="only this post and its comments")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="every text of one item")
    p.add_argument("item_id", metavar="ITEM_ID")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("diff", help="word-level difference between two revisions")
    p.add_argument("item_id", metavar="ITEM_ID")
    p.add_argument("old", type=int, nargs="?", metavar="FROM", help="default: the shown one")
    p.add_argument("new", type=int, nargs="?", metavar="TO", help="default: the newest")
    p.set_defaults(handler=cmd_diff)

    p = sub.add_parser("use", help="show revision N of an item from now on")
    p.add_argument("item_id", metavar="ITEM_ID")
    p.add_argument("number", type=int, metavar="N")
    p.set_defaults(handler=cmd_use)


def cmd_list(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        items = revisions.edited_items(library.conn, args.post)
    if args.json:
        json.dump(
            [
                {
                    "item_id": e.item_id,
                    "post_id": e.post_id,
                    "kind": e.kind,
                    "revisions": e.revisions,
                    "shown": e.current,
                    "kept_aside": e.kept_aside,
                }
                for e in items
            ],
            sys.stdout,
        )
        sys.stdout.write("\n")
        return 0
    for e in items:
        aside = f", {e.kept_aside} kept aside (looks damaged)" if e.kept_aside else ""
        print(
            f"{e.item_id}  {e.kind} of {e.post_id}: {e.revisions} texts, shows {e.current}{aside}"
        )
    if not items:
        print("no post or comment has more than one text", file=sys.stderr)
    return 0


def _history(library: Library, item_id: str) -> list[revisions.Revision]:
    library.item(item_id)  # NotFound with a clear message for an unknown id
    return revisions.history(library.conn, item_id)


def cmd_show(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        found = _history(library, args.item_id)
    if args.json:
        json.dump(
            [
                {
                    "number": r.number,
                    "text": r.text,
                    "first_seen": r.first_seen,
                    "source": r.source,
                    "suspect": r.suspect,
                    "shown": r.current,
                }
                for r in found
            ],
            sys.stdout,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
        return 0
    for r in found:
        flags = " (shown)" if r.current else ""
        if r.suspect:
            flags += f" (kept aside: {r.suspect})"
        print(f"-- revision {r.number}, first seen {r.first_seen} in {r.source or '?'}{flags}")
        text = r.text if len(r.text) <= 4000 else r.text[:4000] + f"… [{len(r.text):,} chars]"
        print(_printable(text))
    return 0


def _printable(text: str) -> str:
    """Archive text never reaches a terminal as control codes."""
    return "".join(c if c in "\n\t" or (c.isprintable() or c == " ") else f"\\x{ord(c):02x}"
                   if ord(c) < 0x100 else f"\\u{ord(c):04x}" for c in text)  # fmt: skip


def cmd_diff(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        found = {r.number: r for r in _history(library, args.item_id)}
    shown = next(n for n, r in found.items() if r.current)
    old = args.old if args.old is not None else shown
    new = args.new if args.new is not None else max(found)
    if old == new and args.new is None:
        old = min(found)
    for number in (old, new):
        if number not in found:
            raise ReaderError(f"{args.item_id} has no revision {number} (it has {len(found)})")
    colour = sys.stdout.isatty()
    parts = []
    for op, text in revisions.word_diff(found[old].text, found[new].text):
        text = _printable(text)
        if op == "equal":
            parts.append(text)
        elif op == "delete":
            parts.append(f"\x1b[31m[-{text}-]\x1b[0m" if colour else f"[-{text}-]")
        else:
            parts.append(f"\x1b[32m{{+{text}+}}\x1b[0m" if colour else f"{{+{text}+}}")
    print(f"-- {args.item_id}: revision {old} -> {new}")
    print("".join(parts))
    return 0


def cmd_use(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        library.item(args.item_id)
        saved = library.use_revision(args.item_id, args.number)
        print(f"{args.item_id}: revision {args.number} is shown")
        after_writes(library, saved.changes)  # annotations placed anew, the index follows
    return 0
