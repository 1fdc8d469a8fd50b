"""``import``, ``dump`` and ``stats``: getting dumps in and seeing what the library holds."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from reader.changes import NOTHING
from reader.commands.post_commit import after_writes
from reader.commands.progress import TerminalProgress
from reader.plurals import plural
from reader.store import Library

if TYPE_CHECKING:
    from reader.commands import Subparsers


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "import",
        help="import dump files or folders (recursive) into the library",
        description="Import dump files or folders. Each file is imported in one transaction: "
        "a bad file is reported and skipped, the others still import. Importing the same "
        "file again changes nothing; overlapping dumps of a post are merged.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(handler=cmd_import)

    p = subparsers.add_parser("dump", help="print every post with its comment tree")
    p.add_argument("--json", action="store_true", required=True, help="JSON output (required)")
    p.set_defaults(handler=cmd_dump)

    p = subparsers.add_parser("stats", help="counts of sources, posts, comments and replies")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.set_defaults(handler=cmd_stats)


def cmd_import(args: argparse.Namespace) -> int:
    progress = TerminalProgress()
    failed = 0
    totals = {"files": 0, "posts_new": 0, "posts_merged": 0, "comments_new": 0}
    changes = NOTHING
    with Library.open(args.library) as library:
        for result in library.import_paths(args.paths, progress=progress):
            progress.done()
            changes |= result.changes
            if result.skipped:
                print(result.summary())
            elif result.ok:
                print(result.summary())
                for line in result.details():
                    print(line)
                totals["files"] += 1
                totals["posts_new"] += result.posts_new
                totals["posts_merged"] += result.posts_merged
                totals["comments_new"] += result.comments_new
            else:
                failed += 1
                print(f"archive-reader: {result.error}", file=sys.stderr)
        print(
            f"Total: {plural(totals['files'], 'file')} imported, {failed} failed; "
            f"{plural(totals['posts_new'], 'new post')}, {totals['posts_merged']} merged, "
            f"{plural(totals['comments_new'], 'new comment')}"
        )
        after_writes(library, changes)
    return 1 if failed else 0


def cmd_dump(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        out = sys.stdout
        out.write("[")
        for index, post in enumerate(library.dump()):
            out.write(",\n" if index else "\n")
            out.write(json.dumps(post, ensure_ascii=False))
        out.write("\n]\n")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        counts = library.stats()
    if args.json:
        print(json.dumps(counts))
    else:
        for key, value in counts.items():
            print(f"{key:>9}: {value}")
    return 0
