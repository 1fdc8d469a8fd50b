"""``repair`` and ``check``: find out whether a library is whole, and get it back when it is not.

Thin layers over ``reader.store.repair`` and ``reader.store.health``.  ``check`` exits 1 when
it finds a problem (one line each), so scripts can test a library; ``repair`` prints what it
recovered and what is missing, and exits 0 when the library opens again.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from reader.commands.progress import TerminalProgress
from reader.paths import LibraryPaths
from reader.store import backup, health
from reader.store.repair import repair

if TYPE_CHECKING:
    from reader.commands import Subparsers


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "repair",
        help="recover a damaged library (nothing is deleted)",
        description="Recover a library whose database or user-data file is damaged, missing or "
        "empty. The damaged files are moved into damaged/ in the library folder (never "
        "deleted); a new library is built from the newest good backup, every row that can "
        "still be read from the damaged file, the source dumps still found at their recorded "
        "paths (checked by sha256), and the journal of annotations, bookmarks and read marks. "
        "Prints what was recovered and what is missing. A whole library is left as it is.",
    )
    p.set_defaults(handler=cmd_repair)

    p = subparsers.add_parser(
        "check",
        help="check the library's files for damage",
        description="Run SQLite's quick_check (or --full: integrity_check) on the library "
        "database and the user-data file, and list backups. Exits 1 if anything is damaged.",
    )
    p.add_argument("--full", action="store_true", help="the slower, complete integrity_check")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.set_defaults(handler=cmd_check)


def _wait(message: str) -> None:
    print(f"archive-reader: {message}", file=sys.stderr, flush=True)


def cmd_repair(args: argparse.Namespace) -> int:
    progress = TerminalProgress()
    try:
        report = repair(args.library, progress=progress, on_wait=_wait)
    finally:
        progress.done()
    for line in report.lines():
        print(line)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    paths = LibraryPaths.resolve(args.library)
    report = health.check(paths, full=args.full)
    backups = backup.list_backups(paths)
    if args.json:
        data = {
            "ok": report.ok,
            "checked": report.checked,
            "problems": report.problems,
            "backups": [str(b.library) for b in backups],
        }
        print(json.dumps(data))
        return 0 if report.ok else 1
    for problem in report.problems:
        print(f"archive-reader: {problem}", file=sys.stderr)
    if report.ok:
        what = " and ".join(report.checked) or "nothing (no library here yet)"
        kind = "integrity_check" if args.full else "quick_check"
        print(f"ok: {what} pass {kind}")
    newest = f", newest {backups[0].taken:%Y-%m-%d %H:%M} UTC" if backups else ""
    print(f"backups: {len(backups)} in {paths.backups}{newest}")
    return 0 if report.ok else 1
